//! QR codes that carry a whole signed credential, for offline checking.
//!
//! Payload: `SB1:` + Base45 (RFC 9285) of the zlib-compressed compact JSON of
//! the credential — the scheme the EU Digital COVID Certificate proved at
//! scale. Base45 stays inside the QR alphanumeric alphabet, the densest mode
//! for text. The code is the smallest version that fits at error correction
//! level M (15 % recovery), falling back to L only when M does not fit.
//!
//! Invariants: an encoded code is read back before it is returned, so an
//! unreadable code is never produced; the reader bounds the payload size and
//! the inflated size, so a zip bomb is refused quickly.

use std::io::Read;

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use qrcode::{EcLevel, QrCode, Version};

/// The payload prefix: scheme and version.
pub const PREFIX: &str = "SB1:";

/// Longest payload the reader accepts (a version 40 code holds at most 4,296
/// alphanumeric characters).
pub const MAX_PAYLOAD_CHARS: usize = 4296;

/// Largest credential the reader will inflate (credentials are kilobytes).
pub const MAX_INFLATED_BYTES: usize = 256 * 1024;

/// Why a QR code could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The credential is too large for one code.
    #[error("the credential is too large for one QR code: {compressed} bytes after compression need {chars} characters, over the {max} a version 40 code holds at level L; share it as a verification bundle file instead (satchel export bundle)")]
    TooLarge {
        /// Compressed size.
        compressed: usize,
        /// Payload characters.
        chars: usize,
        /// The capacity.
        max: usize,
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
    #[error(
        "the QR code is not a Satchel credential code (it does not start with {PREFIX}): {0:?}"
    )]
    NotSatchel(String),
    /// The payload is over [`MAX_PAYLOAD_CHARS`].
    #[error("the QR payload is {0} characters, over the {MAX_PAYLOAD_CHARS}-character limit")]
    PayloadTooLarge(usize),
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

/// A QR code ready to be rendered.
pub struct CredentialQr {
    code: QrCode,
    /// The text the code carries.
    pub payload: String,
}

impl CredentialQr {
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

    /// A PNG image: 8-pixel modules with the standard 4-module quiet zone.
    pub fn png(&self) -> Result<Vec<u8>, QrError> {
        let img = self.render_luma(8);
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| QrError::Write(e.to_string()))?;
        Ok(out.into_inner())
    }

    /// The code as a greyscale image with the quiet zone, `px` pixels a module.
    fn render_luma(&self, px: u32) -> image::GrayImage {
        self.code
            .render::<image::Luma<u8>>()
            .module_dimensions(px, px)
            .quiet_zone(true)
            .build()
    }

    /// An SVG image that scales to any size.
    pub fn svg(&self) -> String {
        self.code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(600, 600)
            .quiet_zone(true)
            .build()
    }
}

/// The payload text for a credential's bytes.
pub fn encode_payload(raw: &[u8]) -> Result<String, QrError> {
    let json: serde_json::Value =
        serde_json::from_slice(raw).map_err(|e| QrError::NotJson(e.to_string()))?;
    // Compact JSON: same content (the proofs canonicalise), fewer bytes.
    let compact = serde_json::to_vec(&json).map_err(|e| QrError::NotJson(e.to_string()))?;
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    std::io::Write::write_all(&mut z, &compact).map_err(|e| QrError::Encode(e.to_string()))?;
    let compressed = z.finish().map_err(|e| QrError::Encode(e.to_string()))?;
    Ok(format!("{PREFIX}{}", base45::encode(&compressed)))
}

/// Makes the QR code for a credential's bytes: the smallest version at level
/// M, else L; checked by decoding it back.
pub fn encode(raw: &[u8]) -> Result<CredentialQr, QrError> {
    let payload = encode_payload(raw)?;
    let code = [EcLevel::M, EcLevel::L]
        .into_iter()
        .find_map(|level| QrCode::with_error_correction_level(payload.as_bytes(), level).ok())
        .ok_or_else(|| QrError::TooLarge {
            compressed: base45_decoded_len(payload.len() - PREFIX.len()),
            chars: payload.len(),
            max: MAX_PAYLOAD_CHARS,
        })?;
    let qr = CredentialQr { code, payload };
    // Never hand out a code that does not read back. The module matrix is
    // what could be wrong, so it is read at 2-pixel modules: the PNG is a
    // lossless 8-pixel scaling of the same matrix, and the small image reads
    // several times faster (tests also read the real PNG, with zbarimg too).
    let back = read_luma(qr.render_luma(2))?;
    if back != qr.payload {
        return Err(QrError::Encode(
            "the code did not read back to its payload".into(),
        ));
    }
    Ok(qr)
}

fn base45_decoded_len(chars: usize) -> usize {
    chars / 3 * 2 + (chars % 3) / 2
}

/// Reads the first QR code in a PNG or JPEG image and returns its text.
pub fn read_png(image_bytes: &[u8]) -> Result<String, QrError> {
    let img = image::load_from_memory(image_bytes).map_err(|e| QrError::Image(e.to_string()))?;
    read_luma(img.to_luma8())
}

/// Reads the first QR code in a greyscale image.
fn read_luma(img: image::GrayImage) -> Result<String, QrError> {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .ok_or(QrError::NoCode)
}

/// Reads a credential QR code image back into the credential's bytes.
pub fn read_credential(image_bytes: &[u8]) -> Result<Vec<u8>, QrError> {
    decode_payload(&read_png(image_bytes)?)
}

/// Turns a payload back into the credential's bytes, within the limits.
pub fn decode_payload(payload: &str) -> Result<Vec<u8>, QrError> {
    let body = payload.strip_prefix(PREFIX).ok_or_else(|| {
        let preview: String = payload.chars().take(16).collect();
        QrError::NotSatchel(preview)
    })?;
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLarge(payload.len()));
    }
    let compressed = base45::decode(body).map_err(|e| QrError::Base45(format!("{e:?}")))?;
    let mut out = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| QrError::Inflate(e.to_string()))?;
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

    #[test]
    fn payload_round_trip_and_alphabet() {
        let raw = br#"{ "name": "Caf\u00e9 \u65e5\u672c", "n": [1, 2, 3] }"#;
        let p = encode_payload(raw).unwrap();
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
    fn zip_bombs_and_garbage_are_refused() {
        // 100 MB of zeros compresses to ~100 KB; even a truncated bomb must stop at the limit.
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        std::io::Write::write_all(&mut z, &vec![b' '; 2 * 1024 * 1024]).unwrap();
        let bomb = format!("{PREFIX}{}", base45::encode(z.finish().unwrap()));
        assert!(bomb.len() <= MAX_PAYLOAD_CHARS, "{}", bomb.len());
        assert!(matches!(decode_payload(&bomb), Err(QrError::Inflate(_))));
        assert!(matches!(
            decode_payload("HC1:ABC"),
            Err(QrError::NotSatchel(_))
        ));
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
    }

    #[test]
    fn too_large_is_a_clear_error() {
        // Incompressible content: hex of pseudo-random bytes.
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let noise: String = (0..6000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("{:x}", x & 0xf)
            })
            .collect();
        let raw = serde_json::to_vec(&serde_json::json!({ "blob": noise })).unwrap();
        let err = encode(&raw).err().expect("too large");
        assert!(matches!(err, QrError::TooLarge { .. }));
        assert!(err.to_string().contains("bundle"));
    }
}
