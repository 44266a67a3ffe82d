//! QR codes that carry a whole signed credential, for offline checking.
//!
//! Payload (`SB2:`, made today): `SB2:` + Base45 (RFC 9285) of the compact
//! JSON of the credential, zlib-compressed with the preset dictionary
//! [`SB2_DICTIONARY`] (the terms of the shipped contexts and the fragments OB
//! 3.0 credentials always carry; frozen, the prefix is its version). Base45
//! stays inside the QR alphanumeric alphabet, the densest mode for text. The
//! code is the smallest version at error correction level M (15 % recovery).
//! A credential that needs more than version [`MAX_VERSION`] is split into
//! parts `SB2:i/n:` + Base45 of the i-th slice of the same compressed bytes;
//! the parts can be scanned in any order. `SB1:` codes (zlib without a
//! dictionary, always one code) are still read.
//!
//! Reading uses `rxing` (the Rust port of ZXing), made for camera images:
//! scaled, blurred, rotated, perspective, noisy, JPEG-compressed codes with
//! other content around them, and several codes in one image.
//!
//! Invariants: an encoded code is read back before it is returned, so an
//! unreadable code is never produced; the reader bounds each payload, the
//! number of parts and the inflated size, so a zip bomb is refused quickly.

use std::collections::{BTreeMap, HashSet};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use qrcode::{EcLevel, QrCode, Version};
use rxing::{BarcodeFormat, DecodeHints};

/// The payload prefix of the codes made today: scheme and version.
pub const PREFIX: &str = "SB2:";

/// The prefix of the first version (zlib without a dictionary), still read.
pub const PREFIX_V1: &str = "SB1:";

/// The zlib preset dictionary of `SB2:` codes. Frozen: every SB2 code
/// inflates only with these bytes (made by `scripts/sb2-dictionary.py`).
pub const SB2_DICTIONARY: &[u8] = include_bytes!("sb2-dictionary.txt");

/// The largest QR version made for one code (level M); a credential that
/// needs more becomes a sequence of parts. Version 25 is 117 modules a side,
/// about what a phone camera resolves from a laptop screen at arm's length.
pub const MAX_VERSION: i16 = 25;

/// The most parts a credential is split into, and the most the reader joins.
pub const MAX_PARTS: usize = 16;

/// Longest payload the reader accepts for one code (a version 40 code holds
/// at most 4,296 alphanumeric characters).
pub const MAX_PAYLOAD_CHARS: usize = 4296;

/// Largest credential the reader will inflate (credentials are kilobytes).
pub const MAX_INFLATED_BYTES: usize = 256 * 1024;

/// Why a QR code could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The credential is too large even for [`MAX_PARTS`] codes.
    #[error("the credential is too large for {max_parts} QR codes: {compressed} bytes after compression; share it as a verification bundle file instead (satchel export bundle)")]
    TooLarge {
        /// Compressed size.
        compressed: usize,
        /// The most parts made.
        max_parts: usize,
    },
    /// The credential is not JSON.
    #[error("the credential is not JSON: {0}")]
    NotJson(String),
    /// The image could not be read.
    #[error("cannot read the image: {0}")]
    Image(String),
    /// No QR code was found in the image.
    #[error("no readable QR code found in the image")]
    NoCode,
    /// The code is not a Satchel credential code.
    #[error("the QR code is not a Satchel credential code (it does not start with {PREFIX} or {PREFIX_V1}): {0:?}")]
    NotSatchel(String),
    /// The payload is over [`MAX_PAYLOAD_CHARS`].
    #[error("the QR payload is {0} characters, over the {MAX_PAYLOAD_CHARS}-character limit")]
    PayloadTooLarge(usize),
    /// A part header (`SB2:i/n:`) is malformed or out of range.
    #[error("the QR code's part number is not valid: {0}")]
    BadPart(String),
    /// Parts of a sequence were not scanned.
    #[error("{} of {total} {} missing: scan {} too", list(missing), if missing.len() == 1 { "is" } else { "are" }, if missing.len() == 1 { "it" } else { "them" })]
    MissingParts {
        /// How many parts the sequence has.
        total: usize,
        /// The part numbers (1-based) not scanned.
        missing: Vec<usize>,
    },
    /// Two different codes claim the same part number.
    #[error("two different codes are part {index} of {total}: they belong to different credentials; scan one credential's codes at a time")]
    ConflictingParts {
        /// The part number.
        index: usize,
        /// How many parts the sequence has.
        total: usize,
    },
    /// Base45 decoding failed.
    #[error("the QR payload is not valid Base45: {0}")]
    Base45(String),
    /// Inflating failed or went over [`MAX_INFLATED_BYTES`].
    #[error("the QR payload does not decompress to a credential: {0}")]
    Inflate(String),
    /// Writing the image failed.
    #[error("cannot write the QR image: {0}")]
    Write(String),
    /// The code library failed.
    #[error("QR encoding failed: {0}")]
    Encode(String),
}

/// "part 2", "parts 2 and 3", "parts 1, 2 and 4".
fn list(missing: &[usize]) -> String {
    match missing {
        [one] => format!("part {one}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(ToString::to_string).collect();
            format!("parts {} and {last}", init.join(", "))
        }
        [] => "no part".into(),
    }
}

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

/// The credential as compact JSON (same content, so its proofs still verify,
/// fewer bytes), zlib-compressed with the SB2 dictionary.
fn compress(raw: &[u8]) -> Result<Vec<u8>, QrError> {
    let json: serde_json::Value =
        serde_json::from_slice(raw).map_err(|e| QrError::NotJson(e.to_string()))?;
    let compact = serde_json::to_vec(&json).map_err(|e| QrError::NotJson(e.to_string()))?;
    let mut z = Compress::new(Compression::best(), true);
    z.set_dictionary(SB2_DICTIONARY)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(compact.len() + 64);
    loop {
        let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
        let input = compact.get(consumed..).unwrap_or_default();
        out.reserve(1024);
        match z.compress_vec(input, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return Ok(out),
            Ok(_) => {}
            Err(e) => return Err(QrError::Encode(e.to_string())),
        }
    }
}

/// The single-code payload for a credential's bytes (`SB2:` + Base45),
/// whatever its size.
pub fn encode_payload(raw: &[u8]) -> Result<String, QrError> {
    Ok(format!("{PREFIX}{}", base45::encode(compress(raw)?)))
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
        let payloads: Vec<String> = if n == 1 {
            vec![format!("{PREFIX}{}", base45::encode(compressed))]
        } else {
            compressed
                .chunks(compressed.len().div_ceil(n).max(1))
                .enumerate()
                .map(|(i, chunk)| format!("{PREFIX}{}/{n}:{}", i + 1, base45::encode(chunk)))
                .collect()
        };
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

/// Makes the QR code(s) for a credential's bytes: the smallest version at
/// level M, split into parts above [`MAX_VERSION`]; every code is checked
/// by reading it back.
pub fn encode(raw: &[u8]) -> Result<CredentialQr, QrError> {
    let (payloads, codes) = split(&compress(raw)?)?;
    let parts: Vec<QrPart> = payloads
        .into_iter()
        .zip(codes)
        .map(|(payload, code)| QrPart { code, payload })
        .collect();
    for part in &parts {
        // Never hand out a code that does not read back. The module matrix
        // is what could be wrong, so it is read at 2-pixel modules: the PNG
        // is a lossless scaling of the same matrix (tests also read the real
        // PNG, with zbarimg too).
        let back = read_luma(&part.render_luma(2));
        if !back.contains(&part.payload) {
            return Err(QrError::Encode(
                "the code did not read back to its payload".into(),
            ));
        }
    }
    Ok(CredentialQr { parts })
}

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

/// One code's text and where it was read.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The image it came from (for reports).
    pub source: String,
    /// The code's text.
    pub text: String,
}

/// One credential put together from scans.
#[derive(Debug)]
pub struct Assembled {
    /// The images its codes came from, joined with " + ".
    pub source: String,
    /// The credential's bytes, or why they could not be had.
    pub result: Result<Vec<u8>, QrError>,
}

/// A payload taken apart: a whole credential, or part `index` of `total`.
enum Piece {
    Whole(Vec<u8>),
    Part {
        index: usize,
        total: usize,
        bytes: Vec<u8>,
    },
}

fn parse_payload(payload: &str) -> Result<Piece, QrError> {
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLarge(payload.len()));
    }
    let b45 = |s: &str| base45::decode(s).map_err(|e| QrError::Base45(format!("{e:?}")));
    if let Some(body) = payload.strip_prefix(PREFIX_V1) {
        return Ok(Piece::Whole(b45(body)?));
    }
    let Some(body) = payload.strip_prefix(PREFIX) else {
        let preview: String = payload.chars().take(16).collect();
        return Err(QrError::NotSatchel(preview));
    };
    // A part header is digits '/' digits ':'. Base45 text can hold '/' and
    // ':' too, but a whole code's text starts with the Base45 of the zlib
    // header ("9DF" with the dictionary), never "<digits>/".
    let header = body.split_once(':').and_then(|(head, rest)| {
        let (i, n) = head.split_once('/')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
        (digits(i) && digits(n)).then_some((i, n, rest))
    });
    match header {
        None => Ok(Piece::Whole(b45(body)?)),
        Some((i, n, rest)) => {
            let index: usize = i.parse().map_err(|_| QrError::BadPart(i.into()))?;
            let total: usize = n.parse().map_err(|_| QrError::BadPart(n.into()))?;
            if !(2..=MAX_PARTS).contains(&total) || !(1..=total).contains(&index) {
                return Err(QrError::BadPart(format!(
                    "{index}/{total} (parts are numbered 1 to n, n from 2 to {MAX_PARTS})"
                )));
            }
            Ok(Piece::Part {
                index,
                total,
                bytes: b45(rest)?,
            })
        }
    }
}

/// Turns one payload back into the credential's bytes, within the limits.
/// A part of a sequence alone reports the parts that are missing.
pub fn decode_payload(payload: &str) -> Result<Vec<u8>, QrError> {
    let scan = Scan {
        source: String::new(),
        text: payload.to_string(),
    };
    assemble(std::slice::from_ref(&scan))
        .into_iter()
        .next()
        .ok_or(QrError::NoCode)?
        .result
}

/// The parts of one sequence read so far: part index -> (bytes, the images
/// it was read from).
type PartsByIndex = BTreeMap<usize, (Vec<u8>, Vec<String>)>;

/// Puts credentials together from codes read in any order: each whole code
/// is one credential; the parts of a sequence (grouped by their count) are
/// joined in part order. The same code read twice counts once.
pub fn assemble(scans: &[Scan]) -> Vec<Assembled> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<usize, PartsByIndex> = BTreeMap::new();
    let mut conflicts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut seen = HashSet::new();
    for scan in scans {
        if !seen.insert(scan.text.as_str()) {
            continue;
        }
        match parse_payload(&scan.text) {
            Err(e) => out.push(Assembled {
                source: scan.source.clone(),
                result: Err(e),
            }),
            Ok(Piece::Whole(bytes)) => out.push(Assembled {
                source: scan.source.clone(),
                result: inflate(&bytes),
            }),
            Ok(Piece::Part {
                index,
                total,
                bytes,
            }) => {
                let group = groups.entry(total).or_default();
                match group.get_mut(&index) {
                    Some((existing, _)) if *existing != bytes => {
                        conflicts.entry(total).or_insert(index);
                    }
                    Some((_, sources)) => sources.push(scan.source.clone()),
                    None => {
                        group.insert(index, (bytes, vec![scan.source.clone()]));
                    }
                }
            }
        }
    }
    for (total, parts) in groups {
        let mut sources: Vec<String> = Vec::new();
        for (_, srcs) in parts.values() {
            for s in srcs {
                if !s.is_empty() && !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
        }
        let missing: Vec<usize> = (1..=total).filter(|i| !parts.contains_key(i)).collect();
        let result = if let Some(&index) = conflicts.get(&total) {
            Err(QrError::ConflictingParts { index, total })
        } else if !missing.is_empty() {
            Err(QrError::MissingParts { total, missing })
        } else {
            let joined: Vec<u8> = parts.into_values().flat_map(|(b, _)| b).collect();
            inflate(&joined)
        };
        out.push(Assembled {
            source: sources.join(" + "),
            result,
        });
    }
    out
}

/// zlib-inflates `data` (with the SB2 dictionary when the stream asks for
/// it), stopping past [`MAX_INFLATED_BYTES`].
fn inflate(data: &[u8]) -> Result<Vec<u8>, QrError> {
    let mut z = Decompress::new(true);
    let mut out = Vec::with_capacity(8 * 1024);
    let mut dictionary_set = false;
    loop {
        let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
        let input = data.get(consumed..).unwrap_or_default();
        if out.len() > MAX_INFLATED_BYTES {
            return Err(QrError::Inflate(format!(
                "it inflates to more than {MAX_INFLATED_BYTES} bytes"
            )));
        }
        // Room for at most one byte past the cap, so a bomb stops there.
        let room = (MAX_INFLATED_BYTES + 1 - out.len()).min(64 * 1024);
        out.reserve_exact(room);
        let (before_in, before_out) = (z.total_in(), z.total_out());
        match z.decompress_vec(input, &mut out, FlushDecompress::None) {
            Ok(Status::StreamEnd) => break,
            Ok(_) => {
                if z.total_in() == before_in && z.total_out() == before_out {
                    return Err(QrError::Inflate("the compressed data is truncated".into()));
                }
            }
            Err(e) if e.needs_dictionary().is_some() && !dictionary_set => {
                z.set_dictionary(SB2_DICTIONARY)
                    .map_err(|e| QrError::Inflate(e.to_string()))?;
                dictionary_set = true;
            }
            Err(e) => return Err(QrError::Inflate(e.to_string())),
        }
    }
    if out.len() > MAX_INFLATED_BYTES {
        return Err(QrError::Inflate(format!(
            "it inflates to more than {MAX_INFLATED_BYTES} bytes"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use sha2::{Digest, Sha256};

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

    #[test]
    fn the_sb2_dictionary_never_changes() {
        // Every SB2 code ever printed needs these exact bytes.
        let hex: String = Sha256::digest(SB2_DICTIONARY)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "fda45e8179c23c03979e6363dd8fd25a14d77920d2b7970731c03fbfbef8a1d0"
        );
    }

    #[test]
    fn payload_round_trip_and_alphabet() {
        let raw = br#"{ "name": "Caf\u00e9 \u65e5\u672c", "n": [1, 2, 3] }"#;
        let p = encode_payload(raw).unwrap();
        // The zlib header (0x78F9: best compression, preset dictionary) in
        // Base45, never a part header.
        assert!(p.starts_with("SB2:9DF"), "{p}");
        assert!(p
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)));
        let back: serde_json::Value = serde_json::from_slice(&decode_payload(&p).unwrap()).unwrap();
        assert_eq!(
            back,
            serde_json::from_slice::<serde_json::Value>(raw).unwrap()
        );
    }

    #[test]
    fn sb1_payloads_still_decode() {
        let raw = br#"{"name":"Networking","type":["VerifiableCredential"]}"#;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        std::io::Write::write_all(&mut z, raw).unwrap();
        let sb1 = format!("{PREFIX_V1}{}", base45::encode(z.finish().unwrap()));
        assert_eq!(decode_payload(&sb1).unwrap(), raw);
    }

    #[test]
    fn zip_bombs_and_garbage_are_refused() {
        // 2 MB of spaces compresses to ~2 KB; inflating must stop at the limit.
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        std::io::Write::write_all(&mut z, &vec![b' '; 2 * 1024 * 1024]).unwrap();
        let bomb = format!("{PREFIX}{}", base45::encode(z.finish().unwrap()));
        assert!(bomb.len() <= MAX_PAYLOAD_CHARS, "{}", bomb.len());
        assert!(matches!(decode_payload(&bomb), Err(QrError::Inflate(_))));
        assert!(matches!(
            decode_payload("HC1:ABC"),
            Err(QrError::NotSatchel(_))
        ));
        assert!(matches!(decode_payload("SB2:!!"), Err(QrError::Base45(_))));
        assert!(matches!(decode_payload("SB1:!!"), Err(QrError::Base45(_))));
        let not_zlib = format!("{PREFIX}{}", base45::encode(b"hello, not zlib"));
        assert!(matches!(
            decode_payload(&not_zlib),
            Err(QrError::Inflate(_))
        ));
        let long = format!("{PREFIX}{}", "A".repeat(MAX_PAYLOAD_CHARS));
        assert!(matches!(
            decode_payload(&long),
            Err(QrError::PayloadTooLarge(_))
        ));
        for bad in ["SB2:0/3:AB", "SB2:4/3:AB", "SB2:1/1:AB", "SB2:1/99:AB"] {
            assert!(
                matches!(decode_payload(bad), Err(QrError::BadPart(_))),
                "{bad}"
            );
        }
        // A truncated stream is an error, not an endless loop.
        let whole = encode_payload(br#"{"a":"bcdefghijklmnopqrstuvwxyz"}"#).unwrap();
        let mut bytes = base45::decode(&whole[PREFIX.len()..]).unwrap();
        bytes.truncate(bytes.len() - 6);
        let cut = format!("{PREFIX}{}", base45::encode(&bytes));
        assert!(matches!(decode_payload(&cut), Err(QrError::Inflate(_))));
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
}
