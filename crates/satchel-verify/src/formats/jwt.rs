//! VC-JWT: a credential carried in a compact JWS, as Open Badges 3.0 §8.2
//! and 1EdTech's conformance tests use it. Two styles are read:
//!
//! - VC 1.1 (VC-JWT 1.1): the credential is the `vc` claim; `iss`, `nbf`,
//!   `exp`, `jti` and `sub` stand for its issuer, dates, id and subject, and
//!   the properties the claims stand for may be left out of `vc` (they are
//!   filled in from the claims, as the VC 1.1 specification's decoding says).
//! - VC-JOSE (and OB 3.0's own examples): the payload is the credential, with
//!   the same registered claims alongside when the issuer adds them.
//!
//! Nothing is verified here; `verify` checks the signature and the claims.

use serde_json::{Map, Value};

use super::FormatError;
use crate::jws::CompactJws;

/// How the credential sits in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtStyle {
    /// The `vc` claim (VC Data Model 1.1 JWT encoding).
    VcClaim,
    /// The whole payload is the credential (VC-JOSE, OB 3.0 examples).
    Payload,
}

/// A parsed VC-JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    /// The token split into header, payload and signature.
    pub jws: CompactJws,
    /// The payload's claims.
    pub claims: Map<String, Value>,
    /// Where the credential is.
    pub style: JwtStyle,
}

/// Whether trimmed text is shaped like a compact JWS (`eyJ….….…`).
pub fn looks_like(text: &str) -> bool {
    let mut parts = 0;
    for p in text.split('.') {
        parts += 1;
        if !p
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts == 3 && text.starts_with("eyJ")
}

/// Reads a VC-JWT: the token, and the credential it carries.
pub fn parse(token: &str) -> Result<(Jwt, Value), FormatError> {
    let jws = CompactJws::parse(token).map_err(|e| FormatError::BadJwt(e.to_string()))?;
    let claims: Map<String, Value> = serde_json::from_slice(&jws.payload)
        .map_err(|e| FormatError::BadJwt(format!("its payload is not a JSON object: {e}")))?;
    let (style, credential) = match claims.get("vc") {
        Some(Value::Object(vc)) => (JwtStyle::VcClaim, fill_from_claims(vc.clone(), &claims)),
        Some(_) => {
            return Err(FormatError::BadJwt(
                "its vc claim is not a JSON object".into(),
            ))
        }
        None => (JwtStyle::Payload, Value::Object(claims.clone())),
    };
    Ok((Jwt { jws, claims, style }, credential))
}

/// A NumericDate claim (seconds since the epoch) as an XSD dateTime.
pub fn numeric_date(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let secs = v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))?;
    chrono::DateTime::from_timestamp(secs, 0)
}

/// The VC 1.1 JWT decoding: properties the registered claims stand for are
/// taken from the claims when the `vc` object leaves them out.
fn fill_from_claims(mut vc: Map<String, Value>, claims: &Map<String, Value>) -> Value {
    let v2 = super::context_urls(&Value::Object(vc.clone()))
        .first()
        .is_some_and(|c| c == super::VC_V2_CONTEXT);
    let (from, until) = if v2 {
        ("validFrom", "validUntil")
    } else {
        ("issuanceDate", "expirationDate")
    };
    let date = |k: &str| {
        claims
            .get(k)
            .and_then(numeric_date)
            .map(|t| Value::String(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
    };
    let mut fill = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            vc.entry(key.to_string()).or_insert(value);
        }
    };
    fill("issuer", claims.get("iss").cloned());
    fill("id", claims.get("jti").cloned());
    fill(from, date("nbf"));
    fill(until, date("exp"));
    // An issuer object may leave its id to `iss` too.
    if let (Some(iss), Some(Value::Object(issuer))) = (claims.get("iss"), vc.get_mut("issuer")) {
        issuer.entry("id").or_insert(iss.clone());
    }
    if let (Some(sub), Some(Value::Object(subject))) =
        (claims.get("sub"), vc.get_mut("credentialSubject"))
    {
        subject.entry("id").or_insert(sub.clone());
    }
    Value::Object(vc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_signer::*;
    use serde_json::json;

    #[test]
    fn both_styles_are_read() {
        let signer = TestSigner::ed25519(1);
        let vc = json!({"@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"], "credentialSubject": {"name": "x"}});
        let token = signer.sign(
            json!({"typ": "JWT"}),
            &json!({"vc": vc, "iss": "did:example:i", "nbf": 1262304000, "jti": "urn:x", "sub": "did:example:s"}),
        );
        let (jwt, cred) = parse(&token).unwrap();
        assert_eq!(jwt.style, JwtStyle::VcClaim);
        assert_eq!(cred["issuer"], "did:example:i");
        assert_eq!(cred["issuanceDate"], "2010-01-01T00:00:00Z");
        assert_eq!(cred["id"], "urn:x");
        assert_eq!(cred["credentialSubject"]["id"], "did:example:s");

        let payload = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": "did:example:i", "credentialSubject": {}});
        let (jwt, cred) = parse(&signer.sign(json!({}), &payload)).unwrap();
        assert_eq!(jwt.style, JwtStyle::Payload);
        assert_eq!(cred, payload);
    }

    #[test]
    fn malformed_tokens_are_format_errors() {
        assert!(looks_like("eyJa.eyJb.c2ln"));
        assert!(!looks_like("eyJa.eyJb"));
        assert!(!looks_like("{\"a\": 1}"));
        let not_object = format!("{}.{}.AA", b64(br#"{"alg":"RS256"}"#), b64(b"[1]"));
        assert!(matches!(parse(&not_object), Err(FormatError::BadJwt(_))));
        let bad_vc = format!(
            "{}.{}.AA",
            b64(br#"{"alg":"RS256"}"#),
            b64(br#"{"vc":"x"}"#)
        );
        assert!(matches!(parse(&bad_vc), Err(FormatError::BadJwt(_))));
    }
}
