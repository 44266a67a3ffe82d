//! Open Badges 2.0 assertions, in the three forms learners receive them:
//! the assertion's JSON (hosted verification), a signed assertion (a compact
//! JWS whose payload is the assertion), or only the URL of a hosted assertion
//! (what many baked images carry). Nothing is fetched or verified here.

use serde_json::{json, Value};

use crate::jws::CompactJws;

/// The Open Badges 2.0 context.
pub const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// How the assertion reached Satchel.
#[derive(Debug, Clone, PartialEq)]
pub enum Ob2Form {
    /// The assertion's JSON.
    Json,
    /// A signed assertion: the JWS whose payload is the assertion.
    Signed(CompactJws),
    /// Only the URL of a hosted assertion.
    Url(String),
}

/// Whether a JSON document is an Open Badges 2.0 assertion.
pub fn is_assertion(json: &Value) -> bool {
    let ob2_context = super::context_urls(json)
        .iter()
        .any(|c| c.trim_end_matches('/').ends_with("w3id.org/openbadges/v2"));
    let types = super::types(json);
    let assertion_type = types.iter().any(|t| t == "Assertion");
    (ob2_context || assertion_type) && !types.iter().any(|t| t == "VerifiableCredential")
}

/// Whether trimmed text is a single HTTP(S) URL (a hosted assertion's address).
pub fn looks_like_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(char::is_whitespace)
        && text.len() < 2048
}

/// The stand-in JSON of an assertion known only by its URL: its `id`, and
/// that it is hosted. The wallet still stores exactly the URL it received.
pub fn url_placeholder(url: &str) -> Value {
    json!({"@context": OB2_CONTEXT, "type": "Assertion", "id": url, "verification": {"type": "hosted"}})
}

/// The assertion's `verification.type` (`hosted`, `signed`), lower-cased;
/// `HostedBadge`/`SignedBadge` are the same types by their class names.
pub fn verification_type(json: &Value) -> Option<String> {
    let t = json.get("verification")?.get("type")?.as_str()?;
    Some(match t {
        "HostedBadge" => "hosted".to_string(),
        "SignedBadge" => "signed".to_string(),
        other => other.to_ascii_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertions_are_recognised() {
        assert!(is_assertion(
            &json!({"@context": OB2_CONTEXT, "type": "Assertion"})
        ));
        assert!(is_assertion(&json!({"type": "Assertion"})));
        assert!(!is_assertion(
            &json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]})
        ));
        assert!(looks_like_url("https://badges.example/a/1"));
        assert!(!looks_like_url("https://a b"));
        assert_eq!(
            verification_type(&json!({"verification": {"type": "HostedBadge"}})).as_deref(),
            Some("hosted")
        );
    }
}
