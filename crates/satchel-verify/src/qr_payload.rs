//! The text Satchel's QR codes carry, with no image in sight: the payload
//! codec of both code forms, shared by the CLI, the app and the browser
//! verifier (which gets a verifier link's fragment).
//!
//! - **Satchel code** (`SB2:`): `SB2:` + Base45 (RFC 9285) of the compact JSON
//!   of the credential, zlib-compressed with the preset dictionary
//!   [`SB2_DICTIONARY`]; Base45 stays inside the QR alphanumeric alphabet. A
//!   credential too large for one code is split into parts `SB2:i/n:` +
//!   Base45 of the i-th slice of the same compressed bytes, read in any order.
//!   `SB1:` codes (zlib without a dictionary, always one code) are still read.
//! - **Verifier link** (`SB3:`): `https://…/verifier.html#SB3:` + digits. The
//!   fragment is the same compact JSON, zlib-compressed with
//!   [`SB3_DICTIONARY`] (SB2's and a few more fragments), written as decimal
//!   digits, 29 for every 12 bytes ([`to_digits`]): a phone camera opens the
//!   page, the page verifies the fragment, and a fragment never reaches a
//!   server. Digits are the QR numeric mode (3.33 bits a digit, 8.06 bits a
//!   byte), smaller than Base45 in alphanumeric mode (8.25) or Base32 (8.8),
//!   and safe in a URL. Always one code.
//!
//! Invariants: every prefix is a frozen version (its dictionary never changes;
//! tests pin their hashes); the reader bounds the text, the number of parts
//! and the inflated size before any work, so a zip bomb is refused quickly;
//! nothing here reads or writes an image (that is the caller's side).

use std::collections::{BTreeMap, HashSet};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The payload prefix of Satchel codes (scheme and version).
pub const PREFIX: &str = "SB2:";

/// The prefix of the first version (zlib without a dictionary), still read.
pub const PREFIX_V1: &str = "SB1:";

/// The prefix of a verifier link's fragment: `URL#SB3:<digits>`.
pub const LINK_PREFIX: &str = "SB3:";

/// The zlib preset dictionary of `SB2:` codes. Frozen: every SB2 code
/// inflates only with these bytes (made by `scripts/sb2-dictionary.py`).
pub const SB2_DICTIONARY: &[u8] = include_bytes!("sb2-dictionary.txt");

/// The zlib preset dictionary of `SB3:` link fragments: the SB2 dictionary
/// and an appendix (SVG badge images as `data:` URIs, a few OB 3.0
/// fragments). Frozen (made by `scripts/sb3-dictionary.py`).
pub const SB3_DICTIONARY: &[u8] = include_bytes!("sb3-dictionary.txt");

/// The most parts a credential is split into, and the most the reader joins.
pub const MAX_PARTS: usize = 16;

/// Longest `SB2:`/`SB1:` payload the reader accepts for one code (a
/// version 40 code holds at most 4,296 alphanumeric characters).
pub const MAX_PAYLOAD_CHARS: usize = 4296;

/// Most digits a link fragment may have (a version 40 code holds at most
/// 7,089 numeric characters).
pub const MAX_LINK_DIGITS: usize = 7089;

/// Longest text the reader looks at: a link's address and its fragment.
pub const MAX_TEXT_CHARS: usize = 8192;

/// Largest credential the reader will inflate (credentials are kilobytes).
pub const MAX_INFLATED_BYTES: usize = 256 * 1024;

/// Why a QR payload (or, on the image side, its code) could not be made or read.
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
    /// The credential is too large for one verifier-link code.
    #[error("the credential is too large for one phone-camera code: its link needs {bits} bits, over the {max_bits} of a QR version {max_version} code; share it as a portfolio instead (satchel export portfolio), or as a Satchel code, which is split into parts when needed (satchel qr without --link)")]
    LinkTooLarge {
        /// The bits the link needs at error correction level L.
        bits: usize,
        /// What the largest version allowed holds at level L.
        max_bits: usize,
        /// The largest version allowed.
        max_version: i16,
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
    #[error("the QR code is not a Satchel credential code (neither a verifier link with #{LINK_PREFIX} nor a code starting with {PREFIX} or {PREFIX_V1}): {0:?}")]
    NotSatchel(String),
    /// The payload is over [`MAX_PAYLOAD_CHARS`] (or the text over [`MAX_TEXT_CHARS`]).
    #[error("the QR payload is {0} characters, over the limit of a QR code")]
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
    /// A link fragment's digits are not a payload.
    #[error("the link's credential part (#{LINK_PREFIX}…) is damaged or incomplete: {0}")]
    BadDigits(String),
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

// ---- making payloads -------------------------------------------------------

/// The credential as compact JSON (same content, so its proofs still verify,
/// fewer bytes), zlib-compressed (best) with the preset `dictionary`.
pub fn compress_with(raw: &[u8], dictionary: &[u8]) -> Result<Vec<u8>, QrError> {
    let json: serde_json::Value =
        serde_json::from_slice(raw).map_err(|e| QrError::NotJson(e.to_string()))?;
    let compact = serde_json::to_vec(&json).map_err(|e| QrError::NotJson(e.to_string()))?;
    let mut z = Compress::new(Compression::best(), true);
    if !dictionary.is_empty() {
        z.set_dictionary(dictionary)
            .map_err(|e| QrError::Encode(e.to_string()))?;
    }
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

/// The compressed bytes of an `SB2:` code (the SB2 dictionary).
pub fn compress(raw: &[u8]) -> Result<Vec<u8>, QrError> {
    compress_with(raw, SB2_DICTIONARY)
}

/// The single-code payload for a credential's bytes (`SB2:` + Base45),
/// whatever its size.
pub fn encode_payload(raw: &[u8]) -> Result<String, QrError> {
    Ok(format!("{PREFIX}{}", base45::encode(compress(raw)?)))
}

/// The payloads of `compressed` (from [`compress`]) in `n` parts: one
/// `SB2:` code for `n == 1`, else `SB2:i/n:` + Base45 of equal slices.
/// Fewer than `n` come back when the bytes are too few to make `n` slices.
pub fn sb2_payloads(compressed: &[u8], n: usize) -> Vec<String> {
    if n <= 1 {
        return vec![format!("{PREFIX}{}", base45::encode(compressed))];
    }
    compressed
        .chunks(compressed.len().div_ceil(n).max(1))
        .enumerate()
        .map(|(i, chunk)| format!("{PREFIX}{}/{n}:{}", i + 1, base45::encode(chunk)))
        .collect()
}

/// A verifier link's fragment for a credential's bytes: `SB3:` + digits of
/// the zlib stream with the SB3 dictionary (no `#`).
pub fn encode_fragment(raw: &[u8]) -> Result<String, QrError> {
    Ok(format!(
        "{LINK_PREFIX}{}",
        to_digits(&compress_with(raw, SB3_DICTIONARY)?)
    ))
}

/// Bytes per group of [`to_digits`], and the digits a group takes: 2^96 - 1
/// has 29 digits, 0.35 % over the 2.408 digits a byte needs.
const GROUP_BYTES: usize = 12;
const GROUP_DIGITS: usize = 29;

/// Digits that a last group of `n` bytes (index) takes: those of 256^n - 1.
/// All differ, so the length of the text says how long the last group was.
const TAIL_DIGITS: [usize; GROUP_BYTES] = [0, 3, 5, 8, 10, 13, 15, 17, 20, 22, 25, 27];

/// Bytes as decimal digits: each 12 bytes (big-endian) as a 29-digit number,
/// zero-padded; a shorter last group as the digits of its largest value.
pub fn to_digits(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 5 / 2 + GROUP_DIGITS);
    for group in bytes.chunks(GROUP_BYTES) {
        let value = group.iter().fold(0u128, |v, b| (v << 8) | u128::from(*b));
        let width = TAIL_DIGITS
            .get(group.len())
            .copied()
            .unwrap_or(GROUP_DIGITS);
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

/// The inverse of [`to_digits`]: `None` for a length no bytes make, a
/// character that is not a digit, or a group above its largest value (so
/// every byte string has exactly one text).
pub fn from_digits(digits: &str) -> Option<Vec<u8>> {
    let tail_digits = digits.len() % GROUP_DIGITS;
    let tail_bytes = TAIL_DIGITS.iter().position(|d| *d == tail_digits)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() / 2);
    let mut rest = digits;
    while !rest.is_empty() {
        let (take, n) = if rest.len() >= GROUP_DIGITS {
            (GROUP_DIGITS, GROUP_BYTES)
        } else {
            (rest.len(), tail_bytes)
        };
        let (group, tail) = rest.split_at(take);
        rest = tail;
        // 29 digits are below 10^29 < 2^97, inside a u128; a value past the
        // group's bytes is refused.
        let value: u128 = group.parse().ok()?;
        if value >> (8 * n) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_be_bytes()[16 - n..]);
    }
    Some(out)
}

// ---- reading payloads ------------------------------------------------------

/// A payload taken apart: a whole credential, or part `index` of `total`.
enum Piece {
    /// Compressed bytes and the dictionary they inflate with.
    Whole(Vec<u8>, &'static [u8]),
    Part {
        index: usize,
        total: usize,
        bytes: Vec<u8>,
    },
}

/// The fragment of a verifier link (`http(s)://…#SB3:…`), percent-decoded,
/// when `text` is one; `None` for any other text, a web address with another
/// fragment included.
pub fn link_fragment(text: &str) -> Option<String> {
    let scheme_end = text.find("://")?;
    let scheme = text.get(..scheme_end)?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    let (_, fragment) = text.split_once('#')?;
    fragment_text(fragment)
}

/// A bare link fragment (what follows `#`, as a browser's `location.hash`
/// gives it, maybe percent-encoded), decoded, when it is an `SB3:` one.
pub fn fragment_text(fragment: &str) -> Option<String> {
    let decoded = percent_decode(fragment)?;
    decoded.starts_with(LINK_PREFIX).then_some(decoded)
}

/// Decodes `%XX` escapes (as a browser may write `:` in a fragment);
/// `None` when the result is not UTF-8. Other text passes unchanged.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    String::from_utf8(crate::percent::decode_bytes(text)).ok()
}

/// Whether `text` (one line, trimmed) is the text of a Satchel QR code in any
/// form: `SB2:`/`SB1:` (a whole code or a part), a verifier link with an
/// `SB3:` fragment, or that fragment alone (maybe percent-encoded).
pub fn is_payload_text(text: &str) -> bool {
    text.starts_with(PREFIX)
        || text.starts_with(PREFIX_V1)
        || (text.len() <= MAX_TEXT_CHARS
            && (fragment_text(text).is_some() || link_fragment(text).is_some()))
}

fn parse_payload(payload: &str) -> Result<Piece, QrError> {
    if payload.len() > MAX_TEXT_CHARS {
        return Err(QrError::PayloadTooLarge(payload.len()));
    }
    let b45 = |s: &str| base45::decode(s).map_err(|e| QrError::Base45(format!("{e:?}")));
    if let Some(fragment) = fragment_text(payload).or_else(|| link_fragment(payload)) {
        let digits = fragment.get(LINK_PREFIX.len()..).unwrap_or_default();
        if digits.len() > MAX_LINK_DIGITS {
            return Err(QrError::PayloadTooLarge(digits.len()));
        }
        let bytes = from_digits(digits).ok_or_else(|| {
            QrError::BadDigits(format!(
                "{} characters that are not the digits of a payload",
                digits.len()
            ))
        })?;
        return Ok(Piece::Whole(bytes, SB3_DICTIONARY));
    }
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLarge(payload.len()));
    }
    if let Some(body) = payload.strip_prefix(PREFIX_V1) {
        return Ok(Piece::Whole(b45(body)?, SB2_DICTIONARY));
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
        None => Ok(Piece::Whole(b45(body)?, SB2_DICTIONARY)),
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

/// Turns one code's text (any form) back into the credential's bytes, within
/// the limits. A part of a sequence alone reports the parts that are missing.
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

/// The parts of one sequence read so far: part index -> (bytes, the images
/// it was read from).
type PartsByIndex = BTreeMap<usize, (Vec<u8>, Vec<String>)>;

/// Puts credentials together from codes read in any order: each whole code
/// (a link included) is one credential; the parts of a sequence (grouped by
/// their count) are joined in part order. The same code read twice counts once.
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
            Ok(Piece::Whole(bytes, dictionary)) => out.push(Assembled {
                source: scan.source.clone(),
                result: inflate(&bytes, dictionary),
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
            inflate(&joined, SB2_DICTIONARY)
        };
        out.push(Assembled {
            source: sources.join(" + "),
            result,
        });
    }
    out
}

/// zlib-inflates `data` (with `dictionary` when the stream asks for one; zlib
/// checks it is the one the stream was made with), stopping past
/// [`MAX_INFLATED_BYTES`].
fn inflate(data: &[u8], dictionary: &[u8]) -> Result<Vec<u8>, QrError> {
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
                z.set_dictionary(dictionary)
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

/// Every credential in a text that is QR code text: one code's text, or one
/// per line (the parts of a multi-part code pasted together); `None` when the
/// text's first line is no QR code text (then it is read as a credential).
pub fn decode_text(text: &str) -> Option<Vec<Assembled>> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.clone().next()?;
    if !is_payload_text(first) {
        return None;
    }
    // At most a whole sequence and a few more: each line is inflated.
    let scans: Vec<Scan> = lines
        .by_ref()
        .take(MAX_PARTS + 1)
        .map(|l| Scan {
            source: String::new(),
            text: l.to_string(),
        })
        .collect();
    if scans.len() > MAX_PARTS {
        return Some(vec![Assembled {
            source: String::new(),
            result: Err(QrError::BadPart(format!(
                "more than {MAX_PARTS} codes in one text"
            ))),
        }]);
    }
    Some(assemble(&scans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use sha2::{Digest, Sha256};

    fn sha256_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn the_dictionaries_never_change() {
        // Every SB2 code and SB3 link ever made needs these exact bytes.
        assert_eq!(
            sha256_hex(SB2_DICTIONARY),
            "fda45e8179c23c03979e6363dd8fd25a14d77920d2b7970731c03fbfbef8a1d0"
        );
        assert_eq!(
            sha256_hex(SB3_DICTIONARY),
            "3d7d32775c7eb892ec51283b72f021f824f15f7b98ee1065fe027618cd7a54fb"
        );
        assert!(SB3_DICTIONARY.starts_with(SB2_DICTIONARY));
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
    fn digits_round_trip_for_every_length_and_refuse_what_no_bytes_make() {
        let mut x: u32 = 7;
        for len in 0..100 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let digits = to_digits(&bytes);
            assert_eq!(digits.len(), len / 12 * 29 + TAIL_DIGITS[len % 12], "{len}");
            assert_eq!(from_digits(&digits).as_deref(), Some(bytes.as_slice()));
        }
        assert_eq!(to_digits(&[0xff; 12]), "79228162514264337593543950335");
        assert_eq!(to_digits(&[0]), "000");
        assert_eq!(from_digits("256"), None, "above one byte's largest value");
        assert_eq!(from_digits("79228162514264337593543950336"), None);
        assert_eq!(from_digits("1234"), None, "no byte count makes 4 digits");
        assert_eq!(from_digits("12a"), None);
        assert_eq!(from_digits("+12"), None);
        assert_eq!(from_digits(""), Some(Vec::new()));
    }

    #[test]
    fn link_fragments_round_trip_in_every_form() {
        let raw = br#"{"name":"Team Leadership \ud83e\udded","type":["VerifiableCredential"]}"#;
        let fragment = encode_fragment(raw).unwrap();
        assert!(fragment.starts_with(LINK_PREFIX));
        assert!(fragment[LINK_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit()));
        let json = |bytes: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        let want = json(raw.to_vec());
        let link = format!("https://satchel.example/v.html#{fragment}");
        let upper = format!("HTTPS://SATCHEL.EXAMPLE/v.html#{fragment}");
        let encoded = fragment.replace(':', "%3A");
        let encoded_lower = fragment.replace(':', "%3a");
        for text in [&fragment, &link, &upper, &encoded, &encoded_lower] {
            assert!(is_payload_text(text), "{text}");
            assert_eq!(json(decode_payload(text).unwrap()), want, "{text}");
        }
        // Not ours: other links, other fragments, SB2 text after a '#'.
        for text in [
            "https://example.org/",
            "https://example.org/#top",
            "ftp://example.org/#SB3:000",
            "SB30123",
            "https://example.org/#SB2:9DF",
        ] {
            assert!(!is_payload_text(text), "{text}");
        }
        // A changed digit: no longer the stream (zlib's checksum) or no
        // longer digits of any bytes; a dropped digit: a length no bytes make.
        let mut bad = fragment.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'0' { b'1' } else { b'0' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(matches!(
            decode_payload(&bad),
            Err(QrError::Inflate(_) | QrError::BadDigits(_))
        ));
        assert!(matches!(
            decode_payload(&fragment[..fragment.len() - 1]),
            Err(QrError::BadDigits(_))
        ));
        // An SB2 stream in a link does not inflate (another dictionary).
        let sb2 = to_digits(&compress(raw).unwrap());
        assert!(matches!(
            decode_payload(&format!("{LINK_PREFIX}{sb2}")),
            Err(QrError::Inflate(_))
        ));
        let long = format!("{LINK_PREFIX}{}", "0".repeat(MAX_LINK_DIGITS + 1));
        assert!(matches!(
            decode_payload(&long),
            Err(QrError::PayloadTooLarge(_))
        ));
    }

    #[test]
    fn texts_of_several_codes_are_assembled() {
        let raw = br#"{"a":1}"#;
        let one = encode_payload(raw).unwrap();
        let link = format!("https://x.example/#{}", encode_fragment(raw).unwrap());
        let found = decode_text(&format!("  {one}\n\n{link}\n")).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|a| a.result.is_ok()));
        assert!(decode_text("{\"a\":1}").is_none());
        assert!(decode_text("").is_none());
        let many = vec![one.as_str(); MAX_PARTS + 5].join("\n");
        let found = decode_text(&many).unwrap();
        assert!(matches!(found[0].result, Err(QrError::BadPart(_))));
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
        let bomb = z.finish().unwrap();
        let sb2_bomb = format!("{PREFIX}{}", base45::encode(&bomb));
        assert!(sb2_bomb.len() <= MAX_PAYLOAD_CHARS, "{}", sb2_bomb.len());
        assert!(matches!(
            decode_payload(&sb2_bomb),
            Err(QrError::Inflate(_))
        ));
        let link_bomb = format!("{LINK_PREFIX}{}", to_digits(&bomb));
        assert!(link_bomb.len() <= MAX_LINK_DIGITS, "{}", link_bomb.len());
        assert!(matches!(
            decode_payload(&link_bomb),
            Err(QrError::Inflate(_))
        ));
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
        let huge = "9".repeat(MAX_TEXT_CHARS + 1);
        assert!(matches!(
            decode_payload(&huge),
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
    fn parts_join_in_any_order() {
        let raw = serde_json::to_vec(&serde_json::json!({ "blob": noise(6000, 7) })).unwrap();
        let n = 3;
        let payloads = sb2_payloads(&compress(&raw).unwrap(), n);
        assert_eq!(payloads.len(), n);
        let mut scans: Vec<Scan> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| Scan {
                source: format!("p{i}.png"),
                text: p.clone(),
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
        let err = decode_payload(&payloads[0]).unwrap_err();
        assert!(matches!(err, QrError::MissingParts { .. }));
        assert!(err.to_string().starts_with("parts 2 and 3"), "{err}");

        // Parts of two credentials with the same count are not mixed.
        let other = serde_json::to_vec(&serde_json::json!({ "blob": noise(6000, 99) })).unwrap();
        let other = sb2_payloads(&compress(&other).unwrap(), n);
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
}
