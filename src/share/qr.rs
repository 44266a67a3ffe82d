//! Interview QR codes, the image side: making codes from a credential's
//! bytes (`qrcode`), in two forms, and reading them from images (`rxing`).
//! The text the codes carry (the payload codec, its limits and errors) is
//! `satchel_verify::qr_payload`, re-exported here, so the browser verifier
//! reads the same text.
//!
//! - **Satchel code** ([`encode`]): `SB2:` + Base45, the smallest version at
//!   error correction level M; a credential that needs more than version
//!   [`MAX_VERSION`] becomes parts `SB2:i/n:` read in any order. Read by
//!   Satchel (`verify-qr`, the app's Verify a QR code).
//! - **Verifier link** ([`encode_link`]): `URL#SB3:<digits>`, one code that a
//!   phone camera opens as a web page, the verifier page, which verifies the
//!   credential from the fragment in the phone's browser (the fragment never
//!   reaches a server). One code mixes QR segments: the scheme and host in
//!   alphanumeric mode (upper-cased: the same URL), the path in byte mode
//!   (its case matters) unless it is alphanumeric as written, the digits in
//!   numeric mode. At most version [`MAX_LINK_VERSION`] (SMART Health Cards'
//!   cap); the smallest version at level L, with the level raised as far as
//!   the data still fits that version (a screen shows a clean code; the
//!   module size is what a camera needs). What does not fit is an error that
//!   says so, never an unscannable code.
//!
//! Reading uses `rxing` (the Rust port of ZXing), made for camera images:
//! scaled, blurred, rotated, perspective, noisy, JPEG-compressed codes with
//! other content around them, and several codes in one image.
//!
//! Invariants: an encoded code is read back before it is returned, so an
//! unreadable code is never produced; a verifier address is https (http only
//! on a loopback address, for tests), with no fragment of its own.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};
use rxing::{BarcodeFormat, DecodeHints};

pub use satchel_verify::qr_payload::{
    assemble, compress, compress_with, decode_payload, decode_text, encode_fragment,
    encode_payload, fragment_text, from_digits, is_payload_text, link_fragment, sb2_payloads,
    to_digits, Assembled, QrError, Scan, LINK_PREFIX, MAX_INFLATED_BYTES, MAX_LINK_DIGITS,
    MAX_PARTS, MAX_PAYLOAD_CHARS, MAX_TEXT_CHARS, PREFIX, PREFIX_V1, SB2_DICTIONARY,
    SB3_DICTIONARY,
};

/// The largest QR version made for one Satchel code (level M); a credential
/// that needs more becomes a sequence of parts. Version 25 is 117 modules a
/// side, about what a phone camera resolves from a laptop screen at arm's length.
pub const MAX_VERSION: i16 = 25;

/// The largest QR version of a verifier-link code: 105 modules a side, the
/// cap SMART Health Cards chose for phone cameras.
pub const MAX_LINK_VERSION: i16 = 22;

/// One QR code ready to be rendered.
pub struct QrPart {
    code: QrCode,
    /// The text the code carries.
    pub payload: String,
}

impl QrPart {
    /// The QR version (1–40).
    pub fn version(&self) -> i16 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        }
    }

    /// The error correction level's letter (L, M, Q, H).
    pub fn ec_level(&self) -> char {
        match self.code.error_correction_level() {
            EcLevel::L => 'L',
            EcLevel::M => 'M',
            EcLevel::Q => 'Q',
            EcLevel::H => 'H',
        }
    }

    /// Modules a side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// A PNG image: 8-pixel modules with the standard 4-module quiet zone.
    pub fn png(&self) -> Result<Vec<u8>, QrError> {
        let img = self.render_luma(8);
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| QrError::Write(e.to_string()))?;
        Ok(out.into_inner())
    }

    /// The code as a greyscale image with the quiet zone, `px` pixels a module.
    pub fn render_luma(&self, px: u32) -> image::GrayImage {
        self.code
            .render::<image::Luma<u8>>()
            .module_dimensions(px, px)
            .quiet_zone(true)
            .build()
    }

    /// An SVG image that scales to any size (at least 600 units, quiet zone
    /// included); the renderer draws it with `shape-rendering="crispEdges"`,
    /// so module edges stay sharp. (Adding that attribute a second time made
    /// the XML invalid, and WebKit showed a broken image in present mode.)
    pub fn svg(&self) -> String {
        self.code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(600, 600)
            .quiet_zone(true)
            .build()
    }
}

/// A credential's QR code: one code, or a sequence of parts.
pub struct CredentialQr {
    /// The codes in order; one unless the credential needed splitting.
    pub parts: Vec<QrPart>,
    /// For a verifier-link code: the link it opens, as configured (the code
    /// carries the same link with its scheme and host upper-cased).
    pub link: Option<String>,
}

impl CredentialQr {
    /// The highest QR version among the parts.
    pub fn version(&self) -> i16 {
        self.parts.iter().map(QrPart::version).max().unwrap_or(0)
    }

    /// The error correction level's letter (the same for every part).
    pub fn ec_level(&self) -> char {
        self.parts.first().map_or('M', QrPart::ec_level)
    }
}

/// The payloads for a credential: one when it fits version [`MAX_VERSION`]
/// at level M, else the fewest equal parts `SB2:i/n:` that each fit.
pub fn encode_payloads(raw: &[u8]) -> Result<Vec<String>, QrError> {
    Ok(split(&compress(raw)?)?.0)
}

/// The fewest parts of `compressed` whose codes fit [`MAX_VERSION`] at M,
/// with their codes.
fn split(compressed: &[u8]) -> Result<(Vec<String>, Vec<QrCode>), QrError> {
    for n in 1..=MAX_PARTS {
        let payloads = sb2_payloads(compressed, n);
        if payloads.len() != n {
            continue; // rounding left fewer slices than n; the next n tries again
        }
        let codes: Option<Vec<QrCode>> = payloads
            .iter()
            .map(|p| {
                QrCode::with_error_correction_level(p.as_bytes(), EcLevel::M)
                    .ok()
                    .filter(|c| matches!(c.version(), Version::Normal(v) if v <= MAX_VERSION))
            })
            .collect();
        if let Some(codes) = codes {
            return Ok((payloads, codes));
        }
    }
    Err(QrError::TooLarge {
        compressed: compressed.len(),
        max_parts: MAX_PARTS,
    })
}

/// Never hands out a code that does not read back. The module matrix is
/// what could be wrong, so it is read at 2-pixel modules: the PNG is a
/// lossless scaling of the same matrix (tests also read the real PNG and
/// SVG, with zbarimg too).
fn checked(parts: Vec<QrPart>, link: Option<String>) -> Result<CredentialQr, QrError> {
    for part in &parts {
        let back = read_luma(&part.render_luma(2));
        if !back.contains(&part.payload) {
            return Err(QrError::Encode(
                "the code did not read back to its payload".into(),
            ));
        }
    }
    Ok(CredentialQr { parts, link })
}

/// Makes the Satchel code(s) for a credential's bytes: the smallest version
/// at level M, split into parts above [`MAX_VERSION`]; every code is checked
/// by reading it back.
pub fn encode(raw: &[u8]) -> Result<CredentialQr, QrError> {
    let (payloads, codes) = split(&compress(raw)?)?;
    let parts: Vec<QrPart> = payloads
        .into_iter()
        .zip(codes)
        .map(|(payload, code)| QrPart { code, payload })
        .collect();
    checked(parts, None)
}

// ---- verifier links --------------------------------------------------------

/// Why an address cannot be a verifier page's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not https (nor http on a loopback address).
    #[error("the verifier address must start with https:// (http:// only on this computer, for tests): {0:?}")]
    NotHttps(String),
    /// http to a host other than this computer.
    #[error("http:// is only for a verifier page on this computer (127.0.0.1, [::1] or localhost); {0} must be reached over https://")]
    HttpNotLoopback(String),
    /// A `#fragment`: the credential goes there.
    #[error("the verifier address must not have a #fragment: the credential is put there")]
    HasFragment,
    /// A user name or password before the host.
    #[error("the verifier address must not carry a user name (the part before @ hides where the code leads)")]
    HasUserInfo,
    /// Something else is not a plain web address.
    #[error("not a verifier address: {0}")]
    Malformed(String),
}

/// Longest verifier address taken: every character of it is in every code.
pub const MAX_VERIFIER_URL_CHARS: usize = 256;

/// A checked verifier page address: https (or http on a loopback address),
/// ASCII, no user name, no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierUrl {
    url: String,
    /// Where `scheme://authority` ends.
    authority_end: usize,
}

impl VerifierUrl {
    /// Checks an address (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<VerifierUrl, UrlError> {
        let url = text.trim();
        let malformed = |why: &str| UrlError::Malformed(format!("{why}: {url:?}"));
        if url.is_empty() {
            return Err(malformed("it is empty"));
        }
        if url.len() > MAX_VERIFIER_URL_CHARS {
            return Err(UrlError::Malformed(format!(
                "it is {} characters, over {MAX_VERIFIER_URL_CHARS}",
                url.len()
            )));
        }
        if !url.is_ascii() {
            return Err(malformed(
                "it has characters beyond ASCII (write an international domain name in its xn-- form, and percent-encode the path)",
            ));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(UrlError::NotHttps(url.to_string()));
        };
        let https = scheme.eq_ignore_ascii_case("https");
        if !https && !scheme.eq_ignore_ascii_case("http") {
            return Err(UrlError::NotHttps(url.to_string()));
        }
        if url.contains('#') {
            return Err(UrlError::HasFragment);
        }
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(UrlError::HasUserInfo);
        }
        let host = host_of(authority).ok_or_else(|| malformed("its host is not valid"))?;
        let path = &rest[authority.len()..];
        // RFC 3986 path and query characters; anything else would be
        // changed by a browser, so the code would not say what it opens.
        let url_char = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c);
        if let Some(c) = path.chars().find(|c| !url_char(*c)) {
            return Err(malformed(&format!(
                "{c:?} must be percent-encoded in a web address"
            )));
        }
        if !https && !is_loopback(host) {
            return Err(UrlError::HttpNotLoopback(host.to_string()));
        }
        Ok(VerifierUrl {
            url: url.to_string(),
            authority_end: scheme.len() + 3 + authority.len(),
        })
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The link to a credential: the address, `#` and the fragment.
    fn link(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.url)
    }
}

impl std::fmt::Display for VerifierUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

/// The host of `host[:port]` when both are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(inner) => {
            let (v6, after) = inner.split_once(']')?;
            v6.parse::<Ipv6Addr>().ok()?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            (authority.get(..v6.len() + 2)?, port)
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || p.parse::<u16>().is_err()) {
        return None;
    }
    let name_ok = host.starts_with('[')
        || (!host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.contains("..")
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    name_ok.then_some(host)
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|a| a.is_loopback());
    }
    host.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}

/// Whether every character is in the QR alphanumeric alphabet.
fn alphanumeric(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c))
}

/// One QR segment of a link code.
#[derive(Clone, Copy)]
enum Mode {
    Alphanumeric,
    Byte,
    Numeric,
}

/// A link as its code carries it: the text, and the segments it is cut into.
struct LinkPlan {
    text: String,
    segments: Vec<(Mode, std::ops::Range<usize>)>,
}

impl LinkPlan {
    /// Scheme and host in alphanumeric mode (upper-cased: URLs ignore their
    /// case), the path too when it is alphanumeric as written (else byte
    /// mode: a path's case matters), `#SB3:` in byte mode, the digits numeric.
    fn new(url: &VerifierUrl, fragment: &str) -> LinkPlan {
        let head = &url.url[..url.authority_end];
        let path = &url.url[url.authority_end..];
        let upper = head.to_ascii_uppercase();
        let digits = fragment.strip_prefix(LINK_PREFIX).unwrap_or_default();
        let mut segments = Vec::new();
        let mut text = String::with_capacity(url.url.len() + fragment.len() + 1);
        if alphanumeric(&upper) {
            text.push_str(&upper);
            if alphanumeric(path) {
                text.push_str(path);
                segments.push((Mode::Alphanumeric, 0..text.len()));
            } else {
                segments.push((Mode::Alphanumeric, 0..text.len()));
                text.push_str(path);
            }
        } else {
            text.push_str(head);
            text.push_str(path);
        }
        let byte_start = segments.last().map_or(0, |(_, r)| r.end);
        text.push('#');
        text.push_str(LINK_PREFIX);
        segments.push((Mode::Byte, byte_start..text.len()));
        let numeric_start = text.len();
        text.push_str(digits);
        segments.push((Mode::Numeric, numeric_start..text.len()));
        LinkPlan { text, segments }
    }

    /// Bits of the data in `version` (before the terminator).
    fn bits(&self, version: i16) -> usize {
        let group = match version {
            ..=9 => 0,
            10..=26 => 1,
            _ => 2,
        };
        self.segments
            .iter()
            .map(|(mode, range)| {
                let n = range.len();
                let (count, data) = match mode {
                    Mode::Numeric => ([10, 12, 14][group], 10 * (n / 3) + [0, 4, 7][n % 3]),
                    Mode::Alphanumeric => ([9, 11, 13][group], 11 * (n / 2) + 6 * (n % 2)),
                    Mode::Byte => ([8, 16, 16][group], 8 * n),
                };
                4 + count + data
            })
            .sum()
    }

    /// The smallest version up to [`MAX_LINK_VERSION`] that holds the link
    /// at level L, and the highest level that still fits that version.
    fn fit(&self) -> Result<(i16, EcLevel), QrError> {
        let capacity = |v: i16, ec: EcLevel| Bits::new(Version::Normal(v)).max_len(ec).unwrap_or(0);
        for v in 1..=MAX_LINK_VERSION {
            let bits = self.bits(v);
            if bits <= capacity(v, EcLevel::L) {
                let ec = [EcLevel::H, EcLevel::Q, EcLevel::M]
                    .into_iter()
                    .find(|ec| bits <= capacity(v, *ec))
                    .unwrap_or(EcLevel::L);
                return Ok((v, ec));
            }
        }
        Err(QrError::LinkTooLarge {
            bits: self.bits(MAX_LINK_VERSION),
            max_bits: capacity(MAX_LINK_VERSION, EcLevel::L),
            max_version: MAX_LINK_VERSION,
        })
    }

    fn code(&self, version: i16, ec: EcLevel) -> Result<QrCode, QrError> {
        let encode = |e: qrcode::types::QrError| QrError::Encode(e.to_string());
        let mut bits = Bits::new(Version::Normal(version));
        for (mode, range) in &self.segments {
            let data = self.text.as_bytes().get(range.clone()).unwrap_or_default();
            match mode {
                Mode::Alphanumeric => bits.push_alphanumeric_data(data),
                Mode::Byte => bits.push_byte_data(data),
                Mode::Numeric => bits.push_numeric_data(data),
            }
            .map_err(encode)?;
        }
        bits.push_terminator(ec).map_err(encode)?;
        QrCode::with_bits(bits, ec).map_err(encode)
    }
}

/// The verifier link to a credential (the address as configured, `#SB3:` and
/// the digits) when it fits one code of at most [`MAX_LINK_VERSION`]: what
/// [`encode_link`] would show, without drawing it.
pub fn link_for(raw: &[u8], url: &VerifierUrl) -> Result<String, QrError> {
    let fragment = encode_fragment(raw)?;
    LinkPlan::new(url, &fragment).fit()?;
    Ok(url.link(&fragment))
}

/// Makes the verifier-link code for a credential's bytes: one code of at
/// most [`MAX_LINK_VERSION`] that a phone camera opens at `url`, checked by
/// reading it back; [`QrError::LinkTooLarge`] when it does not fit.
pub fn encode_link(raw: &[u8], url: &VerifierUrl) -> Result<CredentialQr, QrError> {
    let fragment = encode_fragment(raw)?;
    let plan = LinkPlan::new(url, &fragment);
    let (version, ec) = plan.fit()?;
    let code = plan.code(version, ec)?;
    let part = QrPart {
        code,
        payload: plan.text,
    };
    checked(vec![part], Some(url.link(&fragment)))
}

// ---- reading ---------------------------------------------------------------

/// Reads every QR code in a PNG or JPEG image and returns their texts (in
/// no particular order); [`QrError::NoCode`] when there is none.
pub fn read_codes(image_bytes: &[u8]) -> Result<Vec<String>, QrError> {
    let img = image::load_from_memory(image_bytes).map_err(|e| QrError::Image(e.to_string()))?;
    let texts = read_luma(&img.to_luma8());
    if texts.is_empty() {
        Err(QrError::NoCode)
    } else {
        Ok(texts)
    }
}

/// Reads the first QR code in a PNG or JPEG image and returns its text.
pub fn read_png(image_bytes: &[u8]) -> Result<String, QrError> {
    read_codes(image_bytes)?
        .into_iter()
        .next()
        .ok_or(QrError::NoCode)
}

/// Longest side the reader works on: phone photos are downscaled to it
/// first (a code that fills a tenth of a 4000-pixel photo still has ~3
/// pixels a module), which bounds the time a huge image can take.
const MAX_SIDE: u32 = 2400;

/// Every QR text found in a greyscale image. Tries the image as it is, then
/// (when nothing was found) a half-size copy, which smooths JPEG noise and
/// merges blurred edges, and a double-size copy for codes of ~1-2 pixels a
/// module.
fn read_luma(img: &image::GrayImage) -> Vec<String> {
    use image::imageops::{resize, FilterType};
    let (w, h) = img.dimensions();
    let base = if w.max(h) > MAX_SIDE {
        let s = f64::from(MAX_SIDE) / f64::from(w.max(h));
        resize(img, scaled(w, s), scaled(h, s), FilterType::Triangle)
    } else {
        img.clone()
    };
    let found = detect(&base);
    if !found.is_empty() {
        return found;
    }
    let (w, h) = base.dimensions();
    for s in [0.5, 2.0] {
        let (sw, sh) = (scaled(w, s), scaled(h, s));
        if sw < 21 || sh < 21 || sw.max(sh) > 2 * MAX_SIDE {
            continue;
        }
        let found = detect(&resize(&base, sw, sh, FilterType::Triangle));
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn scaled(side: u32, s: f64) -> u32 {
    // Image sides are far below f64's exact range; the cast saturates.
    (f64::from(side) * s).round().max(1.0) as u32
}

/// One pass of the rxing reader: every code (multi reader), else one code.
fn detect(img: &image::GrayImage) -> Vec<String> {
    let (w, h) = img.dimensions();
    let hints = || DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        AlsoInverted: Some(true),
        ..DecodeHints::default()
    };
    let mut texts: Vec<String> = rxing::helpers::detect_multiple_in_luma_with_hints(
        img.as_raw().clone(),
        w,
        h,
        &mut hints(),
    )
    .map(|found| found.iter().map(|r| r.getText().to_string()).collect())
    .unwrap_or_default();
    if texts.is_empty() {
        if let Ok(r) = rxing::helpers::detect_in_luma_slice_with_hints(
            img.as_raw(),
            w,
            h,
            Some(BarcodeFormat::QR_CODE),
            &mut hints(),
        ) {
            texts.push(r.getText().to_string());
        }
    }
    let mut seen = HashSet::new();
    texts.retain(|t| seen.insert(t.clone()));
    texts
}

/// Reads a credential QR code image back into the credential's bytes (one
/// code, or every part of a sequence in the same image).
pub fn read_credential(image_bytes: &[u8]) -> Result<Vec<u8>, QrError> {
    let scans: Vec<Scan> = read_codes(image_bytes)?
        .into_iter()
        .map(|text| Scan {
            source: String::new(),
            text,
        })
        .collect();
    assemble(&scans)
        .into_iter()
        .next()
        .ok_or(QrError::NoCode)?
        .result
}

/// Reads every code in each image (`(source, bytes)`) and puts the
/// credentials together, whatever order the parts came in: the one path the
/// CLI and the app take. An image without a readable code is an error item.
pub fn read_images(images: &[(String, Vec<u8>)]) -> Vec<Assembled> {
    let mut failed = Vec::new();
    let mut scans = Vec::new();
    for (source, bytes) in images {
        match read_codes(bytes) {
            Ok(texts) => scans.extend(texts.into_iter().map(|text| Scan {
                source: source.clone(),
                text,
            })),
            Err(e) => failed.push(Assembled {
                source: source.clone(),
                result: Err(e),
            }),
        }
    }
    failed.extend(assemble(&scans));
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_well_formed_xml_with_crisp_edges() {
        let code = encode(br#"{"name":"A badge"}"#).unwrap();
        let svg = code.parts[0].svg();
        let mut reader = quick_xml::Reader::from_str(&svg);
        let mut crisp = false;
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    // Duplicate attributes are an XML error (checked by default).
                    for a in e.attributes() {
                        let a = a.expect("attribute");
                        crisp |= a.key.as_ref() == "shape-rendering" && &*a.value == "crispEdges";
                    }
                }
                _ => {}
            }
        }
        assert!(crisp, "{}", &svg[..200]);
    }

    /// Pseudo-random hex, which does not compress.
    fn noise(chars: usize, seed: u64) -> String {
        let mut x: u64 = seed;
        (0..chars)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("{:x}", x & 0xf)
            })
            .collect()
    }

    #[test]
    fn large_credentials_split_and_join_in_any_order() {
        let raw = serde_json::to_vec(&serde_json::json!({ "blob": noise(6000, 7) })).unwrap();
        let code = encode(&raw).unwrap();
        let n = code.parts.len();
        assert!(n >= 2, "6,000 hex characters need several codes");
        for (i, part) in code.parts.iter().enumerate() {
            assert!(part.version() <= MAX_VERSION);
            assert_eq!(part.ec_level(), 'M');
            assert!(part.payload.starts_with(&format!("SB2:{}/{n}:", i + 1)));
        }
        let mut scans: Vec<Scan> = code
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| Scan {
                source: format!("p{i}.png"),
                text: p.payload.clone(),
            })
            .collect();
        scans.reverse();
        scans.push(scans[0].clone()); // the same code scanned twice
        let joined = assemble(&scans);
        assert_eq!(joined.len(), 1);
        let bytes = joined[0].result.as_ref().unwrap();
        let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(
            json,
            serde_json::from_slice::<serde_json::Value>(&raw).unwrap()
        );

        // Missing parts are named; a part alone says what is missing.
        let without: Vec<Scan> = scans
            .iter()
            .filter(|s| !s.text.starts_with(&format!("SB2:2/{n}:")))
            .cloned()
            .collect();
        let err = assemble(&without).remove(0).result.unwrap_err();
        assert!(
            matches!(&err, QrError::MissingParts { total, missing } if *total == n && missing == &[2])
        );
        assert!(err
            .to_string()
            .starts_with(&format!("part 2 of {n} is missing")));
        let err = decode_payload(&code.parts[0].payload).unwrap_err();
        assert!(matches!(err, QrError::MissingParts { .. }));
        assert!(err.to_string().starts_with("parts 2, 3"), "{err}");

        // Parts of two credentials with the same count are not mixed.
        let other = serde_json::to_vec(&serde_json::json!({ "blob": noise(6000, 99) })).unwrap();
        let other = encode_payloads(&other).unwrap();
        assert_eq!(other.len(), n);
        let mut mixed = scans.clone();
        mixed.push(Scan {
            source: "x.png".into(),
            text: other[0].clone(),
        });
        assert!(matches!(
            assemble(&mixed).remove(0).result,
            Err(QrError::ConflictingParts { index: 1, .. })
        ));
    }

    #[test]
    fn too_large_is_a_clear_error() {
        let raw = serde_json::to_vec(&serde_json::json!({ "blob": noise(80_000, 3) })).unwrap();
        let err = encode(&raw).err().expect("too large");
        assert!(matches!(err, QrError::TooLarge { .. }));
        assert!(err.to_string().contains("bundle"));
    }

    #[test]
    fn verifier_addresses_are_https_or_loopback_http() {
        for ok in [
            "https://satchel-wallet.github.io/satchel/verifier.html",
            "  HTTPS://Example.org  ",
            "https://example.org:8443/v?lang=fr",
            "http://127.0.0.1:8080/verifier.html",
            "http://127.3.4.5/",
            "http://localhost:9/v.html",
            "http://[::1]:8000/v.html",
            "https://[2001:db8::1]/v",
        ] {
            assert!(VerifierUrl::parse(ok).is_ok(), "{ok}");
        }
        let err = |url: &str| VerifierUrl::parse(url).unwrap_err();
        assert!(
            matches!(err("http://example.com/v.html"), UrlError::HttpNotLoopback(h) if h == "example.com")
        );
        assert!(matches!(
            err("http://10.0.0.1/"),
            UrlError::HttpNotLoopback(_)
        ));
        assert!(matches!(err("ftp://example.com/"), UrlError::NotHttps(_)));
        assert!(matches!(err("example.com/v.html"), UrlError::NotHttps(_)));
        assert!(matches!(err("javascript://x"), UrlError::NotHttps(_)));
        assert!(matches!(
            err("https://example.com/v.html#x"),
            UrlError::HasFragment
        ));
        assert!(matches!(
            err("https://me@example.com/"),
            UrlError::HasUserInfo
        ));
        for bad in [
            "",
            "https://",
            "https://exa mple.com/",
            "https://example.com/a b",
            "https://bücher.example/",
            "https://example.com:99999/",
            "https://example.com:/",
            "https://[::1/",
            "https://[::1]x/",
            "https://-x.example/",
            "https://a..b/",
            "https://example.com/<script>",
        ] {
            assert!(matches!(err(bad), UrlError::Malformed(_)), "{bad}");
        }
        assert!(VerifierUrl::parse(&format!("https://e.example/{}", "a".repeat(300))).is_err());
    }

    #[test]
    fn a_link_code_mixes_segments_and_reads_back_to_the_link() {
        let raw = br#"{"name":"Caf\u00e9","type":["VerifiableCredential","OpenBadgeCredential"]}"#;
        let url =
            VerifierUrl::parse("https://satchel-wallet.github.io/satchel/verifier.html").unwrap();
        let code = encode_link(raw, &url).unwrap();
        let part = &code.parts[0];
        let link = code.link.as_deref().unwrap();
        let (address, fragment) = link.split_once('#').unwrap();
        assert_eq!(address, url.as_str());
        assert!(fragment.starts_with(LINK_PREFIX));
        // Scheme and host upper-cased, the path as written.
        assert_eq!(
            part.payload,
            format!("HTTPS://SATCHEL-WALLET.GITHUB.IO/satchel/verifier.html#{fragment}")
        );
        assert!(part.version() <= MAX_LINK_VERSION);
        let plan = LinkPlan::new(&url, fragment);
        assert_eq!(plan.segments.len(), 3);
        // Smaller than the same text in byte mode, and than the SB2 code.
        let all_bytes = QrCode::new(link.as_bytes()).unwrap();
        assert!(plan.bits(part.version()) < 8 * link.len());
        assert!(part.width() <= all_bytes.width());
        assert_eq!(
            decode_payload(&part.payload).unwrap(),
            serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(raw).unwrap()).unwrap()
        );
        assert_eq!(link_for(raw, &url).unwrap(), link);

        // An alphanumeric path joins the host's segment; an IPv6 host is bytes.
        let upper = VerifierUrl::parse("http://127.0.0.1:8080/V/").unwrap();
        let code = encode_link(raw, &upper).unwrap();
        assert!(code.parts[0]
            .payload
            .starts_with("HTTP://127.0.0.1:8080/V/#SB3:"));
        assert_eq!(
            LinkPlan::new(&upper, fragment).segments[0].1,
            0.."HTTP://127.0.0.1:8080/V/".len()
        );
        let v6 = VerifierUrl::parse("http://[::1]:8080/v.html").unwrap();
        let code = encode_link(raw, &v6).unwrap();
        assert!(code.parts[0]
            .payload
            .starts_with("http://[::1]:8080/v.html#SB3:"));
        assert_eq!(LinkPlan::new(&v6, fragment).segments.len(), 2);
    }

    #[test]
    fn a_link_too_large_for_one_code_says_so() {
        let raw = serde_json::to_vec(&serde_json::json!({ "blob": noise(3000, 5) })).unwrap();
        let url =
            VerifierUrl::parse("https://satchel-wallet.github.io/satchel/verifier.html").unwrap();
        let err = encode_link(&raw, &url).err().expect("too large");
        assert!(
            matches!(
                err,
                QrError::LinkTooLarge {
                    max_version: 22,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("satchel export portfolio"),
            "{err}"
        );
        assert!(matches!(
            link_for(&raw, &url),
            Err(QrError::LinkTooLarge { .. })
        ));
        // The Satchel code still carries it, in parts.
        assert!(encode(&raw).unwrap().parts.len() > 1);
    }
}
