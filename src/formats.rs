//! Reading what a learner hands to Satchel: bytes in, parsed credentials out.
//!
//! Invariant: every [`Credential`] keeps the exact bytes it was read from
//! (`raw`); nothing here re-serialises a credential. Anything that is not a
//! supported credential is refused with a [`FormatError`] that says what the
//! input looked like and what Satchel reads.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// Largest input Satchel reads. Credentials are kilobytes; baked images a few
/// megabytes at most. Anything larger is refused before parsing.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// The VC Data Model 2.0 base context.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The VC Data Model 1.1 base context.
pub const VC_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Why an input is not something Satchel can read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    /// The input is empty.
    #[error(
        "the file is empty; Satchel reads Verifiable Credentials (JSON) such as Open Badges 3.0"
    )]
    Empty,
    /// The input is over [`MAX_INPUT_BYTES`].
    #[error("the file is {size} bytes, over the {max}-byte limit for a credential file")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Binary data that is not text.
    #[error("the file is binary data ({what}), not a credential; Satchel reads Verifiable Credentials as JSON (Open Badges 3.0, VC 1.1/2.0)")]
    Binary {
        /// A short description of what the bytes look like.
        what: String,
    },
    /// Text that is not valid UTF-8.
    #[error("the file is not valid UTF-8 text (invalid byte at offset {offset}); credentials are UTF-8 JSON")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// Looks like JSON but does not parse.
    #[error("the file is not valid JSON: {0}")]
    BadJson(String),
    /// Plain text that is not JSON.
    #[error("the file is text but not JSON ({0}); Satchel reads Verifiable Credentials as JSON")]
    NotJson(String),
    /// A compact JWT (VC-JWT), which this version does not read.
    #[error("the file looks like a JWT (VC-JWT); this version of Satchel reads JSON-LD credentials with embedded Data Integrity proofs only")]
    Jwt,
    /// An Open Badges 2.0 assertion, which this version does not read.
    #[error("the file is an Open Badges 2.0 assertion; this version of Satchel reads Open Badges 3.0 / Verifiable Credentials only")]
    OpenBadges2,
    /// JSON that is not a Verifiable Credential.
    #[error("the file is JSON but not a Verifiable Credential: {0}")]
    NotCredential(String),
}

/// Which data model a credential follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataModel {
    /// VC Data Model 2.0 (`validFrom`/`validUntil`).
    V2,
    /// VC Data Model 1.1 (`issuanceDate`/`expirationDate`).
    V1,
}

/// One credential read from an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// The exact bytes this credential was read from.
    pub raw: Vec<u8>,
    /// The parsed JSON.
    pub json: Value,
    /// The data model its base context names.
    pub model: DataModel,
}

/// One item of an input: a credential, or the reason an element was refused.
pub type Item = Result<Credential, FormatError>;

/// Reads an input that holds one credential or a JSON array of them.
///
/// The outer `Err` means the whole input is unreadable; inner errors refuse
/// single elements of an array while the others are still read.
pub fn parse(bytes: &[u8]) -> Result<Vec<Item>, FormatError> {
    parse_layer(bytes, true)
}

/// `unwrap_images`: whether a baked image may be opened; false inside one, so a
/// hostile image nested in images cannot recurse without bound.
fn parse_layer(bytes: &[u8], unwrap_images: bool) -> Result<Vec<Item>, FormatError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(FormatError::TooLarge {
            size: bytes.len(),
            max: MAX_INPUT_BYTES,
        });
    }
    // A baked badge image carries the credential inside; read that instead.
    if unwrap_images && bytes.starts_with(PNG_SIGNATURE) {
        return parse_layer(baked_png(bytes)?, false);
    }
    if let Some(inner) = baked_svg(bytes)?.filter(|_| unwrap_images) {
        return parse_layer(inner, false);
    }
    let text = decode_text(bytes)?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(FormatError::Empty);
    }
    if looks_like_jwt(trimmed) {
        return Err(FormatError::Jwt);
    }
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        let preview: String = trimmed.chars().take(40).collect();
        return Err(FormatError::NotJson(format!("it starts with {preview:?}")));
    }
    if trimmed.starts_with('[') {
        // Borrowed raw values keep each element's exact bytes.
        let elements: Vec<&RawValue> =
            serde_json::from_str(trimmed).map_err(|e| FormatError::BadJson(e.to_string()))?;
        if elements.is_empty() {
            return Err(FormatError::NotCredential("it is an empty array".into()));
        }
        return Ok(elements
            .into_iter()
            .map(|raw| credential_from(raw.get().as_bytes().to_vec()))
            .collect());
    }
    // A single credential keeps the whole input, byte for byte.
    let cred = credential_from(bytes.to_vec())?;
    Ok(vec![Ok(cred)])
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The credential baked into a PNG badge: an `iTXt` chunk with the keyword
/// `openbadgecredential` (Open Badges 3.0 baking); OB 2.0 used `openbadges`.
fn baked_png(bytes: &[u8]) -> Result<&[u8], FormatError> {
    let not_baked = || FormatError::Binary {
        what: "a PNG image with no Open Badges credential baked in".into(),
    };
    let mut rest = &bytes[PNG_SIGNATURE.len()..];
    while rest.len() >= 12 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let Some(data) = rest.get(8..8 + len) else {
            return Err(FormatError::Binary {
                what: "a truncated PNG image".into(),
            });
        };
        if kind == b"iTXt" {
            // keyword \0 compression-flag method language \0 translated \0 text
            let mut fields = data.splitn(2, |b| *b == 0);
            let keyword = fields.next().unwrap_or_default();
            let after = fields.next().unwrap_or_default();
            if keyword == b"openbadges" {
                return Err(FormatError::OpenBadges2);
            }
            if keyword == b"openbadgecredential" {
                let [flag, _method, tail @ ..] = after else {
                    return Err(not_baked());
                };
                if *flag != 0 {
                    return Err(FormatError::Binary {
                        what: "a PNG badge whose baked credential is compressed, which is not supported".into(),
                    });
                }
                let mut tail = tail.splitn(3, |b| *b == 0);
                let (_lang, _translated) = (tail.next(), tail.next());
                return tail.next().ok_or_else(not_baked);
            }
        }
        if kind == b"IEND" {
            break;
        }
        rest = rest.get(12 + len..).unwrap_or_default();
    }
    Err(not_baked())
}

/// The credential baked into an SVG badge: the text of its
/// `<openbadges:credential>` element (CDATA or plain text). `None` when the
/// input is not an SVG document.
fn baked_svg(bytes: &[u8]) -> Result<Option<&[u8]>, FormatError> {
    let head = &bytes[..bytes.len().min(4096)];
    let is_svg = head.first() == Some(&b'<') && head.windows(4).any(|w| w == b"<svg");
    if !is_svg {
        return Ok(None);
    }
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    if find(bytes, b"<openbadges:assertion").is_some() {
        return Err(FormatError::OpenBadges2);
    }
    let not_baked = || {
        FormatError::NotCredential(
            "it is an SVG image with no Open Badges credential baked in".into(),
        )
    };
    let open = find(bytes, b"<openbadges:credential").ok_or_else(not_baked)?;
    let after_open = &bytes[open..];
    let body_start = find(after_open, b">").ok_or_else(not_baked)? + 1;
    let body = &after_open[body_start..];
    let body_end = find(body, b"</openbadges:credential>").ok_or_else(not_baked)?;
    let body = &body[..body_end];
    let inner = match (find(body, b"<![CDATA["), find(body, b"]]>")) {
        (Some(s), Some(e)) if s + 9 <= e => &body[s + 9..e],
        _ => body,
    };
    Ok(Some(inner))
}

fn decode_text(bytes: &[u8]) -> Result<&str, FormatError> {
    if let Some(what) = sniff_binary(bytes) {
        return Err(FormatError::Binary { what });
    }
    std::str::from_utf8(bytes).map_err(|e| FormatError::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Names well-known binary formats, or anything with NUL bytes near the start.
fn sniff_binary(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x7fELF", "an executable"),
        (b"\x1f\x8b", "gzip-compressed data"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some((*what).to_string());
    }
    let head = &bytes[..bytes.len().min(1024)];
    head.contains(&0).then(|| {
        let hex: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
        format!("starting with bytes {}", hex.join(" "))
    })
}

fn looks_like_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && text.starts_with("eyJ")
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn credential_from(raw: Vec<u8>) -> Result<Credential, FormatError> {
    let json: Value =
        serde_json::from_slice(&raw).map_err(|e| FormatError::BadJson(e.to_string()))?;
    let model = classify(&json)?;
    Ok(Credential { raw, json, model })
}

/// Decides whether a JSON value is a Verifiable Credential, and which model.
fn classify(json: &Value) -> Result<DataModel, FormatError> {
    let Some(obj) = json.as_object() else {
        return Err(FormatError::NotCredential(format!(
            "the top level is {}, not an object",
            json_kind(json)
        )));
    };
    let contexts = context_urls(json);
    if contexts
        .iter()
        .any(|c| c.contains("w3id.org/openbadges/v2"))
        || obj.get("type").and_then(Value::as_str) == Some("Assertion")
    {
        return Err(FormatError::OpenBadges2);
    }
    let model = match contexts.first().map(String::as_str) {
        Some(VC_V2_CONTEXT) => DataModel::V2,
        Some(VC_V1_CONTEXT) => DataModel::V1,
        Some(other) => {
            return Err(FormatError::NotCredential(format!(
                "its first @context is {other:?}, not the VC 1.1 or 2.0 base context"
            )))
        }
        None => {
            let keys: Vec<&str> = obj.keys().take(5).map(String::as_str).collect();
            return Err(FormatError::NotCredential(format!(
                "it has no @context (its keys include {keys:?})"
            )));
        }
    };
    if !types(json).iter().any(|t| t == "VerifiableCredential") {
        return Err(FormatError::NotCredential(
            "its type does not include VerifiableCredential".into(),
        ));
    }
    Ok(model)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The context URLs a document names at top level (inline contexts skipped).
pub fn context_urls(json: &Value) -> Vec<String> {
    match json.get("@context") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `type` values of a JSON-LD node (a string or an array of strings).
pub fn types(node: &Value) -> Vec<String> {
    match node.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A human-readable string from a JSON-LD text value: a plain string, a value
/// object (`{"@value": ..}`), or the first of an array of them.
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("@value").and_then(Value::as_str).map(str::to_string),
        Value::Array(items) => items.iter().find_map(|i| text(Some(i))),
        _ => None,
    }
}

/// The `id` of a node given as a string or as an object with `id`.
fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The credential's first subject (VC allows an array).
fn subject(json: &Value) -> Option<&Value> {
    match json.get("credentialSubject")? {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

/// The issuer's DID or URL (`issuer` as a string, or `issuer.id`).
pub fn issuer_id(json: &Value) -> Option<String> {
    id_of(json.get("issuer"))
}

/// A skill, competency or standard an achievement is aligned to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Alignment {
    /// The target's name.
    pub name: Option<String>,
    /// The target's URL.
    pub url: Option<String>,
    /// The framework it belongs to.
    pub framework: Option<String>,
    /// A description of the target.
    pub description: Option<String>,
}

/// Evidence attached to the credential.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Evidence {
    /// The evidence's URL or id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its description or narrative.
    pub description: Option<String>,
}

/// What Satchel shows and indexes about a credential, read from its JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Summary {
    /// The credential's name (falls back to the achievement's).
    pub name: String,
    /// The achievement's name, for Open Badges.
    pub achievement_name: Option<String>,
    /// The achievement's (or credential's) description.
    pub description: Option<String>,
    /// The achievement's criteria narrative.
    pub criteria: Option<String>,
    /// The criteria's URL.
    pub criteria_url: Option<String>,
    /// The issuer's DID or URL.
    pub issuer_id: Option<String>,
    /// The issuer's name.
    pub issuer_name: Option<String>,
    /// The issuer's web site.
    pub issuer_url: Option<String>,
    /// The subject's identifier.
    pub subject_id: Option<String>,
    /// The subject's name, when given.
    pub subject_name: Option<String>,
    /// `validFrom` (2.0) or `issuanceDate` (1.1), as written.
    pub valid_from: Option<String>,
    /// `validUntil` (2.0) or `expirationDate` (1.1), as written.
    pub valid_until: Option<String>,
    /// The badge image: a `data:` URI or a URL (never fetched here).
    pub image: Option<String>,
    /// The credential's types.
    pub types: Vec<String>,
    /// Skills and standards the achievement is aligned to.
    pub alignments: Vec<Alignment>,
    /// Evidence attached to the credential.
    pub evidence: Vec<Evidence>,
}

impl Summary {
    /// Reads the summary fields of a credential's JSON.
    pub fn of(json: &Value) -> Summary {
        let subject = subject(json);
        let achievement = subject.and_then(|s| s.get("achievement"));
        let issuer = json.get("issuer");
        let achievement_name = text(achievement.and_then(|a| a.get("name")));
        let name = text(json.get("name"))
            .or_else(|| achievement_name.clone())
            .unwrap_or_else(|| "Untitled credential".to_string());
        let criteria = achievement.and_then(|a| a.get("criteria"));
        let (valid_from, valid_until) =
            if json.get("validFrom").is_some() || json.get("validUntil").is_some() {
                (text(json.get("validFrom")), text(json.get("validUntil")))
            } else {
                (
                    text(json.get("issuanceDate")),
                    text(json.get("expirationDate")),
                )
            };
        Summary {
            name,
            description: text(achievement.and_then(|a| a.get("description")))
                .or_else(|| text(json.get("description"))),
            criteria: text(criteria.and_then(|c| c.get("narrative"))),
            criteria_url: criteria
                .and_then(|c| c.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string),
            achievement_name,
            issuer_id: id_of(issuer),
            issuer_name: issuer.and_then(|i| text(i.get("name"))),
            issuer_url: issuer.and_then(|i| id_of(i.get("url"))),
            subject_id: subject
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string),
            subject_name: subject.and_then(|s| text(s.get("name"))),
            valid_from,
            valid_until,
            image: id_of(achievement.and_then(|a| a.get("image")))
                .or_else(|| id_of(json.get("image"))),
            types: types(json),
            alignments: list(achievement.and_then(|a| a.get("alignment")))
                .map(|a| Alignment {
                    name: text(a.get("targetName")),
                    url: text(a.get("targetUrl")),
                    framework: text(a.get("targetFramework")),
                    description: text(a.get("targetDescription")),
                })
                .collect(),
            evidence: list(json.get("evidence"))
                .map(|e| Evidence {
                    id: e.get("id").and_then(Value::as_str).map(str::to_string),
                    name: text(e.get("name")),
                    description: text(e.get("description")).or_else(|| text(e.get("narrative"))),
                })
                .collect(),
        }
    }
}

/// Iterates a JSON-LD value that may be one object or an array of them.
fn list(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: Vec<&Value> = match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other @ Value::Object(_)) => vec![other],
        _ => Vec::new(),
    };
    items.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"}}"#;

    #[test]
    fn single_credential_keeps_exact_bytes() {
        let input = format!("  {MINIMAL}\n");
        let items = parse(input.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        let cred = items[0].as_ref().unwrap();
        assert_eq!(cred.raw, input.as_bytes());
        assert_eq!(cred.model, DataModel::V2);
    }

    #[test]
    fn array_elements_keep_their_own_bytes() {
        let input = format!("[ {MINIMAL} ,\n {{\"a\": 1}} ]");
        let items = parse(input.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().raw, MINIMAL.as_bytes());
        assert!(matches!(items[1], Err(FormatError::NotCredential(_))));
    }

    #[test]
    fn refusals_say_what_the_input_looked_like() {
        assert_eq!(parse(b""), Err(FormatError::Empty));
        assert!(matches!(
            parse(b"\x89PNG\r\n\x1a\n...."),
            Err(FormatError::Binary { what }) if what.contains("PNG")
        ));
        assert_eq!(
            parse(b"{\"a\":\xff}"),
            Err(FormatError::NotUtf8 { offset: 5 })
        );
        assert!(matches!(
            parse(b"hello world"),
            Err(FormatError::NotJson(_))
        ));
        assert!(matches!(parse(b"{\"a\":"), Err(FormatError::BadJson(_))));
        assert_eq!(
            parse(b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"),
            Err(FormatError::Jwt)
        );
        let ob2 = br#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}"#;
        assert_eq!(parse(ob2), Err(FormatError::OpenBadges2));
        let no_vc = br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["Thing"]}"#;
        assert!(matches!(parse(no_vc), Err(FormatError::NotCredential(_))));
    }

    /// The error for an input, whether the whole input or its only element was refused.
    fn refusal(bytes: &[u8]) -> FormatError {
        match parse(bytes) {
            Err(e) => e,
            Ok(mut items) => {
                assert_eq!(items.len(), 1);
                items.remove(0).expect_err("input must be refused")
            }
        }
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            matches!(refusal(deep.as_bytes()), FormatError::BadJson(m) if m.contains("recursion"))
        );
        let deep_obj = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            parse(deep_obj.as_bytes()),
            Err(FormatError::BadJson(_))
        ));
    }

    fn png_with_itxt(keyword: &str, text: &str) -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            png.extend((data.len() as u32).to_be_bytes());
            png.extend(kind);
            png.extend(data);
            png.extend([0, 0, 0, 0]); // CRC is not checked when reading
        };
        chunk(&mut png, b"IHDR", &[0; 13]);
        let mut data = keyword.as_bytes().to_vec();
        data.extend([0, 0, 0, 0, 0]);
        data.extend(text.as_bytes());
        chunk(&mut png, b"iTXt", &data);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn baked_badges_yield_the_embedded_credential_bytes() {
        let png = png_with_itxt("openbadgecredential", MINIMAL);
        let cred = parse(&png).unwrap().remove(0).unwrap();
        assert_eq!(cred.raw, MINIMAL.as_bytes());
        assert_eq!(
            parse(&png_with_itxt("openbadges", "https://x")),
            Err(FormatError::OpenBadges2)
        );
        assert!(matches!(
            parse(&png_with_itxt("Comment", "hi")),
            Err(FormatError::Binary { .. })
        ));
        let mut truncated = png_with_itxt("openbadgecredential", MINIMAL);
        truncated.truncate(40);
        assert!(matches!(parse(&truncated), Err(FormatError::Binary { .. })));
        let nested = png_with_itxt("openbadgecredential", &String::from_utf8_lossy(&png));
        assert!(
            parse(&nested).is_err(),
            "an image inside an image is not opened"
        );

        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">\n<openbadges:credential><![CDATA[{MINIMAL}]]></openbadges:credential><circle r=\"4\"/></svg>"
        );
        let cred = parse(svg.as_bytes()).unwrap().remove(0).unwrap();
        assert_eq!(cred.raw, MINIMAL.as_bytes());
        assert!(matches!(
            parse(b"<svg><circle/></svg>"),
            Err(FormatError::NotCredential(_))
        ));
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![b' '; MAX_INPUT_BYTES + 1];
        assert!(matches!(parse(&big), Err(FormatError::TooLarge { .. })));
    }

    #[test]
    fn summary_reads_open_badges_fields() {
        let json: Value = serde_json::from_str(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],
            "issuer":{"id":"did:key:z6Mk1","name":"Université de Test","url":"https://u.example"},
            "validFrom":"2024-01-01T00:00:00Z",
            "credentialSubject":{"id":"did:example:me","achievement":{"name":"Rust 101","description":"Basics",
              "criteria":{"narrative":"Pass the exam"},"image":{"id":"data:image/png;base64,AA=="},
              "alignment":[{"targetName":"Programming","targetUrl":"https://skills.example/prog"}]}}}"#,
        )
        .unwrap();
        let s = Summary::of(&json);
        assert_eq!(s.name, "Rust 101");
        assert_eq!(s.issuer_name.as_deref(), Some("Université de Test"));
        assert_eq!(s.issuer_id.as_deref(), Some("did:key:z6Mk1"));
        assert_eq!(s.criteria.as_deref(), Some("Pass the exam"));
        assert_eq!(s.image.as_deref(), Some("data:image/png;base64,AA=="));
        assert_eq!(s.alignments[0].name.as_deref(), Some("Programming"));
        assert_eq!(s.valid_from.as_deref(), Some("2024-01-01T00:00:00Z"));
    }
}
