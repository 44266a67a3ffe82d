//! Credentials baked into badge images (Open Badges "baking"): PNG `iTXt`
//! chunks read with the `png` crate (compressed ones too) and SVG elements
//! read with an XML parser (`quick-xml`). No byte searching: a keyword inside
//! image data or an XML comment is never mistaken for a baked credential.
//!
//! - Open Badges 3.0: PNG keyword `openbadgecredential`; SVG
//!   `<openbadges:credential>` holding the credential as text/CDATA, or a
//!   `verify` attribute holding a VC-JWT.
//! - Open Badges 2.0: PNG keyword `openbadges`; SVG `<openbadges:assertion>`
//!   holding the assertion JSON, or a `verify` attribute holding a signed
//!   assertion (JWS) or the hosted assertion's URL.

use quick_xml::events::Event;

use super::{FormatError, MAX_INPUT_BYTES};

/// The PNG file signature.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Which Open Badges version baked the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BakedVersion {
    /// Open Badges 3.0 (`openbadgecredential`, `<openbadges:credential>`).
    V3,
    /// Open Badges 2.0 (`openbadges`, `<openbadges:assertion>`).
    V2,
}

/// What an image carries: the baked text (JSON, a compact JWS or a URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baked {
    /// The baking convention found.
    pub version: BakedVersion,
    /// The baked text, exactly as stored in the image (decompressed, unescaped).
    pub text: String,
}

/// Whether the bytes start like a PNG image.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(PNG_SIGNATURE)
}

/// Whether the bytes are (very likely) an SVG document: XML whose first
/// element is `<svg`, after any declaration, comments or doctype.
pub fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('<') {
        return false;
    }
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return e.local_name().as_ref() == "svg";
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// The text baked into a PNG badge (`iTXt` with keyword `openbadgecredential`
/// or `openbadges`). The image data is skipped, not decoded into pixels.
pub fn from_png(bytes: &[u8]) -> Result<Baked, FormatError> {
    let unreadable = |e: &dyn std::fmt::Display| FormatError::Binary {
        what: format!("a PNG image that cannot be read ({e})"),
    };
    let limits = png::Limits {
        bytes: MAX_INPUT_BYTES * 4,
    };
    let decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    let mut reader = decoder.read_info().map_err(|e| unreadable(&e))?;
    // Chunks after the image data (where some bakers put iTXt) are only seen
    // once the reader has gone through to the end.
    if find_itxt(reader.info()).is_none() {
        reader.finish().map_err(|e| unreadable(&e))?;
    }
    let Some((version, chunk)) = find_itxt(reader.info()) else {
        return Err(FormatError::Binary {
            what: "a PNG image with no Open Badges credential baked in".into(),
        });
    };
    let mut chunk = chunk.clone();
    chunk
        .decompress_text_with_limit(MAX_INPUT_BYTES)
        .map_err(|e| FormatError::Binary {
            what: format!("a PNG badge whose baked text cannot be decompressed within {MAX_INPUT_BYTES} bytes ({e})"),
        })?;
    let text = chunk.get_text().map_err(|e| unreadable(&e))?;
    Ok(Baked { version, text })
}

fn find_itxt<'a>(
    info: &'a png::Info<'_>,
) -> Option<(BakedVersion, &'a png::text_metadata::ITXtChunk)> {
    info.utf8_text
        .iter()
        .find_map(|c| match c.keyword.as_str() {
            "openbadgecredential" => Some((BakedVersion::V3, c)),
            "openbadges" => Some((BakedVersion::V2, c)),
            _ => None,
        })
}

/// The text baked into an SVG badge, or `None` when it has none.
pub fn from_svg(bytes: &[u8]) -> Result<Option<Baked>, FormatError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FormatError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let bad = |e: &dyn std::fmt::Display| {
        FormatError::NotCredential(format!(
            "it is an SVG image that is not well-formed XML ({e})"
        ))
    };
    let mut reader = quick_xml::Reader::from_str(text);
    // `<x/>` is reported as Start + End, so an empty element reads as no text.
    reader.config_mut().expand_empty_elements = true;
    // Inside the baked element: its version and the text gathered so far.
    let mut inside: Option<(BakedVersion, String)> = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        let Some((version, buf)) = inside.as_mut() else {
            match event {
                Event::Start(e) => {
                    if let Some(version) = baked_element(&e) {
                        let verify = match e.try_get_attribute("verify").map_err(|e| bad(&e))? {
                            Some(a) => a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map_err(|e| bad(&e))?
                                .trim()
                                .to_string(),
                            None => String::new(),
                        };
                        if !verify.is_empty() {
                            return Ok(Some(Baked {
                                version,
                                text: verify,
                            }));
                        }
                        inside = Some((version, String::new()));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            continue;
        };
        match event {
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(c) => buf.push_str(&c.into_inner()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c,
                    None => match r.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(bad(&format!("unknown entity &{other};"))),
                    },
                };
                buf.push(c);
            }
            Event::End(_) => {
                let text = buf.trim().to_string();
                return Ok((!text.is_empty()).then_some(Baked {
                    version: *version,
                    text,
                }));
            }
            Event::Start(_) => {
                return Err(bad(&"the baked credential element holds other elements"))
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(None)
}

/// Whether an element is the baked credential (OB 3.0) or assertion (OB 2.0):
/// `openbadges:credential` / `openbadges:assertion`, the names both baking
/// specifications prescribe.
fn baked_element(e: &quick_xml::events::BytesStart<'_>) -> Option<BakedVersion> {
    let name = e.name();
    if name.prefix().map(|p| p.as_ref().to_string()).as_deref() != Some("openbadges") {
        return None;
    }
    match name.local_name().as_ref() {
        "credential" => Some(BakedVersion::V3),
        "assertion" => Some(BakedVersion::V2),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A real PNG (1x1 pixel) with an iTXt chunk, written by the `png` crate,
    /// before or after the image data.
    pub fn png_with(keyword: &str, text: &str, compressed: bool, after_image: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 1, 1);
        enc.set_color(png::ColorType::Rgba);
        let mut chunk = png::text_metadata::ITXtChunk::new(keyword, text);
        if compressed {
            chunk.compress_text().unwrap();
        }
        let mut w = enc.write_header().unwrap();
        if !after_image {
            w.write_text_chunk(&chunk).unwrap();
        }
        w.write_image_data(&[0, 0, 0, 255]).unwrap();
        if after_image {
            w.write_text_chunk(&chunk).unwrap();
        }
        w.finish().unwrap();
        out
    }

    #[test]
    fn png_itxt_is_read_by_keyword() {
        let png = png_with("openbadgecredential", "{\"a\":1}", false, false);
        assert_eq!(
            from_png(&png).unwrap(),
            Baked {
                version: BakedVersion::V3,
                text: "{\"a\":1}".into()
            }
        );
        let png = png_with("openbadges", "https://x.example/a", false, false);
        assert_eq!(from_png(&png).unwrap().version, BakedVersion::V2);
        assert!(from_png(&png_with("Comment", "hi", false, false)).is_err());
        // Compressed iTXt, and a chunk after the image data.
        let png = png_with("openbadgecredential", "{\"b\":2}", true, true);
        assert_eq!(from_png(&png).unwrap().text, "{\"b\":2}");
        // Corrupted (a CRC no longer matches): an error, not a guess.
        let mut bad = png_with("openbadgecredential", "{\"c\":3}", false, false);
        let at = bad.windows(5).position(|w| w == b"{\"c\":").unwrap();
        bad[at + 2] ^= 0x01;
        assert!(from_png(&bad).is_err());
    }

    #[test]
    fn svg_reads_text_cdata_and_verify_attribute() {
        let ns = "xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"";
        let svg = format!("<svg {ns}><openbadges:credential><![CDATA[{{\"a\":1}}]]></openbadges:credential></svg>");
        assert_eq!(from_svg(svg.as_bytes()).unwrap().unwrap().text, "{\"a\":1}");
        let svg = format!("<svg {ns}><openbadges:credential>{{&quot;a&quot;:&#49;}}</openbadges:credential></svg>");
        assert_eq!(from_svg(svg.as_bytes()).unwrap().unwrap().text, "{\"a\":1}");
        let svg = format!("<svg {ns}><openbadges:credential verify=\"aa.bb.cc\"/></svg>");
        assert_eq!(from_svg(svg.as_bytes()).unwrap().unwrap().text, "aa.bb.cc");
        let svg = format!("<svg {ns}><openbadges:assertion verify=\"https://x.example/a\"></openbadges:assertion></svg>");
        let b = from_svg(svg.as_bytes()).unwrap().unwrap();
        assert_eq!(
            (b.version, b.text.as_str()),
            (BakedVersion::V2, "https://x.example/a")
        );
        // A comment mentioning the element is not the element.
        let svg =
            format!("<svg {ns}><!-- <openbadges:credential>{{}}</openbadges:credential> --></svg>");
        assert_eq!(from_svg(svg.as_bytes()).unwrap(), None);
        assert!(from_svg(b"<svg><openbadges:credential>{</svg>").is_err());
        assert!(is_svg(b"<?xml version=\"1.0\"?>\n<!-- x -->\n<svg/>"));
        assert!(!is_svg(b"<html></html>"));
    }
}
