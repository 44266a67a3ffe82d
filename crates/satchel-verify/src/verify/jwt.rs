//! Verifying a VC-JWT: the JWS signature with a key the issuer owns, and the
//! token's registered claims against the credential they stand for.
//!
//! Keys: a header `kid` is resolved through the shared resolver (did:key
//! offline; did:web and issuer-profile keys through the fetcher). A header
//! `jwk` is used only when the issuer lists that very key (its DID document
//! or profile), otherwise the token could be signed by anyone who put their
//! own key in it. With neither, the issuer's published keys are tried.

use serde_json::Value;

use super::{parse_datetime, Check, CheckStatus, CHECK_ISSUER, CHECK_JWT_CLAIMS, CHECK_SIGNATURE};
use crate::did::{DidError, KeyResolver, PublicKey, ResolvedKey};
use crate::formats::{self, jwt::Jwt, DataModel};
use crate::jws::{self, JwsError};

/// The signature check and the issuer-binding check of a VC-JWT.
pub(super) fn signature_checks(
    json: &Value,
    jwt: &Jwt,
    resolver: &dyn KeyResolver,
) -> (Check, Check) {
    let skip_issuer = |why: &str| Check::new(CHECK_ISSUER, CheckStatus::Skip, why.to_string());
    let alg = match jwt.jws.alg() {
        Ok(alg) => alg,
        Err(e @ (JwsError::AlgNone | JwsError::Symmetric(_))) => {
            return (
                Check::new(CHECK_SIGNATURE, CheckStatus::Fail, format!("Refused: {e}.")),
                skip_issuer("Not checked: the token carries no issuer signature."),
            )
        }
        Err(e) => {
            return (
                Check::new(
                    CHECK_SIGNATURE,
                    CheckStatus::Skip,
                    format!("Not checked: {e}."),
                ),
                skip_issuer("Not checked: the signature could not be verified."),
            )
        }
    };
    let issuer = formats::issuer_id(json);
    let header = &jwt.jws.header;
    let kid = header.get("kid").and_then(Value::as_str);
    let jwk = header.get("jwk");

    // 1. A key named by kid, resolved through the issuer's published documents.
    if let Some(vm) = kid.and_then(|k| absolute_kid(k, issuer.as_deref())) {
        return match resolver.resolve(&vm) {
            Ok(key) => with_key(
                jwt,
                alg,
                &key,
                issuer.as_deref(),
                "named by the token's kid",
            ),
            Err(e) => unresolved(&e, &format!("the key {vm}")),
        };
    }
    let Some(issuer) = issuer else {
        return (
            Check::new(
                CHECK_SIGNATURE,
                CheckStatus::Fail,
                "The credential names no issuer, so no key of an issuer can check the token.",
            ),
            skip_issuer("Not checked: the credential names no issuer."),
        );
    };
    // The keys the issuer publishes for signing credentials.
    let published = resolver.assertion_keys(&issuer);

    // 2. A key carried in the header: checked, then accepted only if the issuer lists it.
    if let Some(jwk) = jwk {
        let key = match PublicKey::from_jwk(jwk) {
            Ok(k) => k,
            Err(e) => {
                return (
                    Check::new(
                        CHECK_SIGNATURE,
                        CheckStatus::Fail,
                        format!("The key in the token's header is unusable: {e}."),
                    ),
                    skip_issuer("Not checked: the token's key is unusable."),
                )
            }
        };
        if let Err(e) = jwt.jws.verify(&key) {
            return (
                bad_signature(&e),
                skip_issuer("Not checked: the signature does not verify."),
            );
        }
        let signature = Check::new(
            CHECK_SIGNATURE,
            CheckStatus::Pass,
            format!(
                "The {} signature is valid under the key in the token's header; the content is exactly what was signed.",
                alg.name()
            ),
        );
        let issuer_check = match published {
            Ok(keys) if keys.iter().any(|k| k.public_key == key) => Check::new(
                CHECK_ISSUER,
                CheckStatus::Pass,
                format!("The token's key is one the issuer {issuer} publishes for signing credentials."),
            ),
            Ok(_) => Check::new(
                CHECK_ISSUER,
                CheckStatus::Fail,
                format!("The token carries its own key, which the issuer {issuer} does not publish: anyone could have signed it."),
            ),
            Err(DidError::NetworkRequired { url }) => Check::new(
                CHECK_ISSUER,
                CheckStatus::Skip,
                format!("Not checked: whether the token's key belongs to the issuer needs {url}, and online checks are off."),
            )
            .with_would_fetch(url),
            Err(e) => Check::new(
                CHECK_ISSUER,
                CheckStatus::Skip,
                format!("Not checked: whether the token's key belongs to the issuer could not be confirmed: {e}."),
            ),
        };
        return (signature, issuer_check);
    }

    // 3. No key named: the issuer's published keys of the header's algorithm.
    match published {
        Ok(keys) => {
            let usable: Vec<&ResolvedKey> = keys
                .iter()
                .filter(|k| jws::alg_for(&k.public_key) == alg)
                .collect();
            if usable.is_empty() {
                return (
                    Check::new(
                        CHECK_SIGNATURE,
                        CheckStatus::Fail,
                        format!(
                            "The issuer {issuer} publishes no {} key to check this token with.",
                            alg.name()
                        ),
                    ),
                    skip_issuer("Not checked: no key of the issuer fits."),
                );
            }
            let key = usable
                .iter()
                .find(|k| jwt.jws.verify(&k.public_key).is_ok())
                .unwrap_or(&usable[0]);
            with_key(jwt, alg, key, Some(&issuer), "published by the issuer")
        }
        Err(e) => unresolved(&e, &format!("the keys of {issuer}")),
    }
}

/// A `kid` as an absolute verification method: a DID URL or HTTPS URL as is;
/// a fragment (`#key-1`) relative to the issuer. An opaque kid names nothing
/// Satchel can look up.
fn absolute_kid(kid: &str, issuer: Option<&str>) -> Option<String> {
    if kid.starts_with("did:") || kid.starts_with("https://") {
        return Some(kid.to_string());
    }
    match (kid.strip_prefix('#'), issuer) {
        (Some(_), Some(issuer)) => Some(format!("{issuer}{kid}")),
        _ => None,
    }
}

fn with_key(
    jwt: &Jwt,
    alg: jws::Alg,
    key: &ResolvedKey,
    issuer: Option<&str>,
    how: &str,
) -> (Check, Check) {
    if let Err(e) = jwt.jws.verify(&key.public_key) {
        return (
            bad_signature(&e),
            Check::new(
                CHECK_ISSUER,
                CheckStatus::Skip,
                "Not checked: the signature does not verify.",
            ),
        );
    }
    let signature = Check::new(
        CHECK_SIGNATURE,
        CheckStatus::Pass,
        format!(
            "The {} signature is valid under the key {} ({how}); the content is exactly what was signed.",
            alg.name(),
            key.id
        ),
    );
    let issuer = match issuer {
        Some(id) if id == key.controller => Check::new(
            CHECK_ISSUER,
            CheckStatus::Pass,
            format!("Signed with a key of the issuer {id}."),
        ),
        Some(id) => Check::new(
            CHECK_ISSUER,
            CheckStatus::Fail,
            format!(
                "Signed by {}, which is not the issuer {id}: someone else's key.",
                key.controller
            ),
        ),
        None => Check::new(
            CHECK_ISSUER,
            CheckStatus::Fail,
            "The credential names no issuer, so the signing key cannot be tied to one.",
        ),
    };
    (signature, issuer)
}

fn bad_signature(e: &JwsError) -> Check {
    let message = match e {
        JwsError::BadSignature => "The signature does not match: the token was changed after it was signed, or signed with another key.".to_string(),
        JwsError::KeyMismatch { .. } => format!("Refused: {e} (a key is only ever used with its own algorithm)."),
        other => format!("The signature cannot be valid: {other}."),
    };
    Check::new(CHECK_SIGNATURE, CheckStatus::Fail, message)
}

/// The checks when no key could be had: offline or unreachable is `skip`
/// with the URL; a key the issuer does not list for signing is a failure.
fn unresolved(e: &DidError, what: &str) -> (Check, Check) {
    let (status, message) = match e {
        DidError::NetworkRequired { url } => (
            CheckStatus::Skip,
            format!("Not checked: {what} must be looked up at {url}, and online checks are off."),
        ),
        DidError::Fetch { .. } | DidError::UnsupportedMethod(_) => {
            (CheckStatus::Skip, format!("Not checked: {e}."))
        }
        _ => (
            CheckStatus::Fail,
            format!(
                "The token's key is not one its issuer publishes for signing credentials: {e}."
            ),
        ),
    };
    let mut signature = Check::new(CHECK_SIGNATURE, status, message);
    if let DidError::NetworkRequired { url } = e {
        signature = signature.with_would_fetch(url);
    }
    (
        signature,
        Check::new(
            CHECK_ISSUER,
            CheckStatus::Skip,
            "Not checked: the signature could not be verified.",
        ),
    )
}

/// The `jwt_claims` check: `iss`, `jti`, `sub`, `nbf` and `exp` must say the
/// same as the credential (issuer, id, subject, start and end of validity).
pub(super) fn claims_check(json: &Value, model: DataModel, jwt: &Jwt) -> Check {
    let claims = &jwt.claims;
    let mut compared = Vec::new();
    let mut differences = Vec::new();
    let mut compare_str = |claim: &str, what: &str, actual: Option<String>| {
        let Some(value) = claims.get(claim) else {
            return;
        };
        compared.push(claim.to_string());
        match (value.as_str(), actual) {
            (Some(v), Some(a)) if v == a => {}
            (Some(v), Some(a)) => {
                differences.push(format!("{claim} is {v:?} but the {what} is {a:?}"))
            }
            (Some(v), None) => {
                differences.push(format!("{claim} is {v:?} but the credential has no {what}"))
            }
            (None, _) => differences.push(format!("{claim} is not a string")),
        }
    };
    compare_str("iss", "issuer", formats::issuer_id(json));
    compare_str(
        "jti",
        "credential id",
        json.get("id").and_then(Value::as_str).map(str::to_string),
    );
    let subject = match json.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    compare_str(
        "sub",
        "subject id",
        subject
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string),
    );
    let date_of = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| json.get(*k).and_then(Value::as_str))
            .map(|s| (s.to_string(), parse_datetime(s)))
    };
    // The data model's own date properties first (some issuers write both).
    let (from, until) = match model {
        DataModel::V1 => (
            ["issuanceDate", "validFrom"],
            ["expirationDate", "validUntil"],
        ),
        _ => (
            ["validFrom", "issuanceDate"],
            ["validUntil", "expirationDate"],
        ),
    };
    for (claim, keys, what) in [
        ("nbf", from, "start of validity"),
        ("exp", until, "end of validity"),
    ] {
        let Some(value) = claims.get(claim) else {
            continue;
        };
        compared.push(claim.to_string());
        let Some(at) = formats::jwt::numeric_date(value) else {
            differences.push(format!("{claim} is not a NumericDate"));
            continue;
        };
        match date_of(keys) {
            Some((_, Some(d))) if d.timestamp() == at.timestamp() => {}
            Some((s, _)) => differences.push(format!(
                "{claim} is {} but the credential's {what} is {s}",
                at.format("%Y-%m-%dT%H:%M:%SZ")
            )),
            None => differences.push(format!("{claim} is given but the credential has no {what}")),
        }
    }
    if compared.is_empty() {
        return Check::new(
            CHECK_JWT_CLAIMS,
            CheckStatus::Skip,
            "Not checked: the token carries none of the claims iss, jti, sub, nbf, exp to compare with the credential.",
        );
    }
    if differences.is_empty() {
        Check::new(
            CHECK_JWT_CLAIMS,
            CheckStatus::Pass,
            format!(
                "The token's claims ({}) match the credential.",
                compared.join(", ")
            ),
        )
    } else {
        Check::new(
            CHECK_JWT_CLAIMS,
            CheckStatus::Fail,
            format!(
                "The token's claims contradict the credential: {}.",
                differences.join("; ")
            ),
        )
    }
}
