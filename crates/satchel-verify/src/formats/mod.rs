//! Reading what a learner hands to Satchel: bytes in, parsed credentials out.
//!
//! Invariant: every [`Credential`] keeps the exact bytes it was read from
//! (`raw`); nothing here re-serialises a credential. Anything that is not a
//! supported credential is refused with a [`FormatError`] that says what the
//! input looked like and what Satchel reads.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

pub mod baked;
pub mod jwt;
pub mod ob2;

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
    /// A compact JWS that cannot be read as a VC-JWT.
    #[error("the file looks like a JWT (VC-JWT) but cannot be read: {0}")]
    BadJwt(String),
    /// A Verifiable Presentation that holds no credential.
    #[error("the file is a Verifiable Presentation with no credential in it")]
    EmptyPresentation,
    /// JSON that is not a Verifiable Credential.
    #[error("the file is JSON but not a Verifiable Credential: {0}")]
    NotCredential(String),
    /// The text of a Satchel QR code or verifier link that does not decode.
    #[error("the text is a Satchel QR code or verifier link, but it cannot be read: {0}")]
    QrPayload(String),
}

/// Which data model a credential follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataModel {
    /// VC Data Model 2.0 (`validFrom`/`validUntil`).
    V2,
    /// VC Data Model 1.1 (`issuanceDate`/`expirationDate`).
    V1,
    /// An Open Badges 2.0 assertion (`issuedOn`/`expires`), not a VC.
    OpenBadges2,
}

/// How a credential is secured, as received.
#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// JSON; any proofs are embedded in it (Data Integrity).
    Json,
    /// A VC-JWT: the credential is in a signed compact JWS.
    Jwt(Box<jwt::Jwt>),
    /// An Open Badges 2.0 assertion.
    OpenBadges2(Box<ob2::Ob2Form>),
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
    /// How it is secured (embedded proofs, a JWT, an OB 2.0 verification).
    pub envelope: Envelope,
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
    if unwrap_images && baked::is_png(bytes) {
        return parse_layer(baked::from_png(bytes)?.text.as_bytes(), false);
    }
    if baked::is_svg(bytes) {
        return match baked::from_svg(bytes)?.filter(|_| unwrap_images) {
            Some(b) => parse_layer(b.text.as_bytes(), false),
            None => Err(FormatError::NotCredential(
                "it is an SVG image with no Open Badges credential baked in".into(),
            )),
        };
    }
    let text = decode_text(bytes)?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(FormatError::Empty);
    }
    if jwt::looks_like(trimmed) {
        return Ok(vec![from_jws(bytes.to_vec(), trimmed)]);
    }
    if ob2::looks_like_url(trimmed) {
        return Ok(vec![Ok(Credential {
            raw: bytes.to_vec(),
            json: ob2::url_placeholder(trimmed),
            model: DataModel::OpenBadges2,
            envelope: Envelope::OpenBadges2(Box::new(ob2::Ob2Form::Url(trimmed.to_string()))),
        })]);
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
        return Ok(elements.into_iter().map(element).collect());
    }
    // A presentation handed to the learner: each credential in it is imported.
    if let Some(items) = presentation_items(trimmed)? {
        return Ok(items);
    }
    // A single credential keeps the whole input, byte for byte.
    let cred = credential_from(bytes.to_vec())?;
    Ok(vec![Ok(cred)])
}

/// One element of an array or presentation: a credential object, a JWT as a
/// JSON string, or a VC 2.0 `EnvelopedVerifiableCredential` holding one.
fn element(raw: &RawValue) -> Item {
    let text = raw.get();
    if text.starts_with('"') {
        let token: String =
            serde_json::from_str(text).map_err(|e| FormatError::BadJson(e.to_string()))?;
        if jwt::looks_like(token.trim()) {
            return from_jws(token.trim().as_bytes().to_vec(), token.trim());
        }
        return Err(FormatError::NotCredential(
            "it is a string that is not a JWT".into(),
        ));
    }
    let json: Value =
        serde_json::from_str(text).map_err(|e| FormatError::BadJson(e.to_string()))?;
    if types(&json)
        .iter()
        .any(|t| t == "EnvelopedVerifiableCredential")
    {
        let id = json.get("id").and_then(Value::as_str).unwrap_or_default();
        let token = id
            .strip_prefix("data:application/vc+jwt,")
            .or_else(|| id.strip_prefix("data:application/jwt,"))
            .ok_or_else(|| {
                FormatError::NotCredential(
                    "it is an enveloped credential whose id is not a data: URL of a JWT".into(),
                )
            })?;
        return from_jws(token.as_bytes().to_vec(), token);
    }
    credential_from(text.as_bytes().to_vec())
}

/// The credentials of a Verifiable Presentation, each with its exact bytes,
/// or the token of a VC 2.0 `EnvelopedVerifiableCredential`; `None` for any
/// other document. A presentation's own proof (the holder's) is not
/// required: the learner is the holder now.
fn presentation_items(json_text: &str) -> Result<Option<Vec<Item>>, FormatError> {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(rename = "type", default)]
        ty: Value,
        #[serde(rename = "verifiableCredential", borrow, default)]
        credentials: Option<&'a RawValue>,
    }
    let Ok(head) = serde_json::from_str::<Head<'_>>(json_text) else {
        return Ok(None);
    };
    let is = |name: &str| match &head.ty {
        Value::String(s) => s == name,
        Value::Array(a) => a.iter().any(|t| t == name),
        _ => false,
    };
    if is("EnvelopedVerifiableCredential") {
        return Ok(Some(vec![element(
            serde_json::from_str(json_text).map_err(|e| FormatError::BadJson(e.to_string()))?,
        )]));
    }
    if !is("VerifiablePresentation") {
        return Ok(None);
    }
    let Some(raw) = head.credentials else {
        return Err(FormatError::EmptyPresentation);
    };
    let elements: Vec<&RawValue> = if raw.get().starts_with('[') {
        serde_json::from_str(raw.get()).map_err(|e| FormatError::BadJson(e.to_string()))?
    } else {
        vec![raw]
    };
    if elements.is_empty() {
        return Err(FormatError::EmptyPresentation);
    }
    Ok(Some(elements.into_iter().map(element).collect()))
}

/// A compact JWS: a VC-JWT, or a signed Open Badges 2.0 assertion.
fn from_jws(raw: Vec<u8>, token: &str) -> Item {
    let (jwt, json) = jwt::parse(token)?;
    if ob2::is_assertion(&json) {
        return Ok(Credential {
            raw,
            json,
            model: DataModel::OpenBadges2,
            envelope: Envelope::OpenBadges2(Box::new(ob2::Ob2Form::Signed(jwt.jws))),
        });
    }
    let model = classify(&json)?;
    Ok(Credential {
        raw,
        json,
        model,
        envelope: Envelope::Jwt(Box::new(jwt)),
    })
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

fn credential_from(raw: Vec<u8>) -> Result<Credential, FormatError> {
    let json: Value =
        serde_json::from_slice(&raw).map_err(|e| FormatError::BadJson(e.to_string()))?;
    if ob2::is_assertion(&json) {
        return Ok(Credential {
            raw,
            json,
            model: DataModel::OpenBadges2,
            envelope: Envelope::OpenBadges2(Box::new(ob2::Ob2Form::Json)),
        });
    }
    let model = classify(&json)?;
    Ok(Credential {
        raw,
        json,
        model,
        envelope: Envelope::Json,
    })
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
/// The credentials a CLR holds (`credentialSubject.verifiableCredential`,
/// objects or VC-JWT strings), in order.
pub fn clr_nested(json: &Value) -> Vec<&Value> {
    let subjects: Vec<&Value> = match json.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s) => vec![s],
        None => Vec::new(),
    };
    subjects
        .into_iter()
        .flat_map(|s| match s.get("verifiableCredential") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        })
        .collect()
}

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
    /// For a Comprehensive Learner Record: the names of the credentials it
    /// holds, in order (empty otherwise), so a CLR is shown with its achievements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<String>,
}

impl Summary {
    /// Reads the summary fields of a credential's JSON.
    pub fn of(json: &Value) -> Summary {
        let mut summary = Summary::of_one(json);
        if summary.types.iter().any(|t| t == "ClrCredential") {
            summary.nested = clr_nested(json)
                .into_iter()
                .map(|v| match v {
                    // A nested VC-JWT: its decoded credential's name.
                    Value::String(token) => parse(token.as_bytes())
                        .ok()
                        .and_then(|mut items| items.drain(..).next())
                        .and_then(Result::ok)
                        .map(|c| Summary::of_one(&c.json).name)
                        .unwrap_or_else(|| "Unreadable credential".to_string()),
                    other => Summary::of_one(other).name,
                })
                .collect();
        }
        summary
    }

    /// The summary of one credential, without looking inside a CLR.
    fn of_one(json: &Value) -> Summary {
        if ob2::is_assertion(json) {
            return Summary::of_ob2(json);
        }
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
            nested: Vec::new(),
        }
    }
}

impl Summary {
    /// The summary of an Open Badges 2.0 assertion: the BadgeClass and Issuer
    /// when they are embedded objects (they are often only URLs).
    fn of_ob2(json: &Value) -> Summary {
        let badge = json.get("badge").filter(|b| b.is_object());
        let issuer = badge.and_then(|b| b.get("issuer"));
        let achievement_name = badge.and_then(|b| text(b.get("name")));
        let id = json.get("id").and_then(Value::as_str);
        let name = achievement_name.clone().unwrap_or_else(|| match id {
            Some(id) => format!("Open Badge {id}"),
            None => "Open Badge".to_string(),
        });
        let criteria = badge.and_then(|b| b.get("criteria"));
        Summary {
            name,
            achievement_name,
            description: badge.and_then(|b| text(b.get("description"))),
            criteria: criteria.and_then(|c| text(c.get("narrative"))),
            criteria_url: criteria.and_then(|c| id_of(Some(c))),
            issuer_id: id_of(issuer).or_else(|| badge.and_then(|b| id_of(b.get("issuer")))),
            issuer_name: issuer.and_then(|i| text(i.get("name"))),
            issuer_url: issuer.and_then(|i| id_of(i.get("url"))),
            subject_id: json
                .get("recipient")
                .and_then(|r| r.get("identity"))
                .and_then(Value::as_str)
                .map(str::to_string),
            subject_name: None,
            valid_from: text(json.get("issuedOn")),
            valid_until: text(json.get("expires")),
            image: id_of(json.get("image")).or_else(|| badge.and_then(|b| id_of(b.get("image")))),
            types: types(json),
            alignments: list(badge.and_then(|b| b.get("alignment")))
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
            nested: Vec::new(),
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
        // A JWT whose payload is no credential.
        assert!(matches!(
            refusal(b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"),
            FormatError::NotCredential(_)
        ));
        assert!(matches!(
            refusal(b"eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln"),
            FormatError::BadJwt(_)
        ));
        let ob2 = br#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}"#;
        assert_eq!(
            parse(ob2).unwrap()[0].as_ref().unwrap().model,
            DataModel::OpenBadges2
        );
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

    #[test]
    fn baked_badges_yield_the_embedded_credential_bytes() {
        let png = baked::tests::png_with("openbadgecredential", MINIMAL, false, false);
        let cred = parse(&png).unwrap().remove(0).unwrap();
        assert_eq!(cred.raw, MINIMAL.as_bytes());
        let png = baked::tests::png_with("openbadgecredential", MINIMAL, true, true);
        assert_eq!(
            parse(&png).unwrap().remove(0).unwrap().raw,
            MINIMAL.as_bytes()
        );
        let hosted = parse(&baked::tests::png_with(
            "openbadges",
            "https://x.example/a",
            false,
            false,
        ))
        .unwrap()
        .remove(0)
        .unwrap();
        assert_eq!(
            hosted.envelope,
            Envelope::OpenBadges2(Box::new(ob2::Ob2Form::Url("https://x.example/a".into())))
        );
        assert!(matches!(
            parse(&baked::tests::png_with("Comment", "hi", false, false)),
            Err(FormatError::Binary { .. })
        ));
        let mut truncated = baked::tests::png_with("openbadgecredential", MINIMAL, false, false);
        truncated.truncate(40);
        assert!(matches!(parse(&truncated), Err(FormatError::Binary { .. })));
        let nested = baked::tests::png_with(
            "openbadgecredential",
            &String::from_utf8_lossy(&png),
            false,
            false,
        );
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
    fn presentations_yield_each_credential_with_its_bytes() {
        let vp = format!(
            "{{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":[\"VerifiablePresentation\"],\"verifiableCredential\":[{MINIMAL}, {{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":\"EnvelopedVerifiableCredential\",\"id\":\"data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.bm90.c2ln\"}}]}}"
        );
        let items = parse(vp.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().raw, MINIMAL.as_bytes());
        assert!(matches!(items[1], Err(FormatError::BadJwt(_))));
        let empty = br#"{"type":"VerifiablePresentation","verifiableCredential":[]}"#;
        assert_eq!(parse(empty), Err(FormatError::EmptyPresentation));
        let none = br#"{"type":["VerifiablePresentation"]}"#;
        assert_eq!(parse(none), Err(FormatError::EmptyPresentation));
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
