//! Verifying an Open Badges 2.0 assertion (Open Badges 2.0 "Verification"):
//!
//! - hosted: the assertion's own URL must answer with the same assertion, and
//!   that URL must be on its issuer's origin;
//! - signed: the JWS (RS256) must verify with the `CryptographicKey` its
//!   `verification.creator` names, and that key must be one the issuer lists
//!   in its `publicKey` and owned by it;
//! - the issuer's `revocationList` must not list the assertion (online, a
//!   list that cannot be fetched or read is `warn`: revocation is unknown).
//!
//! Everything here needs the network (BadgeClass, Issuer, key, list), so it
//! runs only through the options' fetcher: offline, each such check is `skip`
//! with the URL it would fetch, and the badge is `unverifiable`, never
//! `verified`.

use serde_json::Value;

use super::{
    parse_datetime, Check, CheckStatus, VerifyOptions, CHECK_FORMAT, CHECK_ISSUER, CHECK_SIGNATURE,
    CHECK_STATUS, CHECK_VALIDITY,
};
use crate::formats::ob2::{self, Ob2Form};
use crate::formats::Credential;
use crate::jws::{self, CompactJws};
use crate::net::NetError;

/// What an Open Badges 2.0 document fetch may return.
const ACCEPT: &str = "application/ld+json, application/json";
/// Largest number of hops from an assertion to its issuer (assertion → badge → issuer).
const NOT_FETCHED: &str = "Not checked";

/// The checks of an Open Badges 2.0 assertion, in report order (the
/// `recipient` check is added by the caller).
pub(super) fn checks(
    cred: &Credential,
    form: &Ob2Form,
    opts: &VerifyOptions,
) -> (Vec<Check>, Value) {
    // A badge known only by its URL: the assertion itself must be fetched first.
    let assertion = match form {
        Ob2Form::Url(url) => match fetch_json(opts, url) {
            Ok(json) => json,
            Err(e) => return (all_skipped(&e, "the hosted assertion"), cred.json.clone()),
        },
        _ => cred.json.clone(),
    };
    let mut checks = vec![format_check(&assertion)];
    let id = assertion
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let verification = ob2::verification_type(&assertion);

    // The BadgeClass and its Issuer (embedded objects or URLs to fetch).
    let badge = node(opts, assertion.get("badge"));
    let issuer = badge
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|b| node(opts, b.get("issuer")));

    let (signature, issuer_check) = match (form, verification.as_deref()) {
        (Ob2Form::Signed(jws), _) => signed_checks(opts, jws, &assertion, &issuer),
        (_, Some("signed")) => (
            Check::new(
                CHECK_SIGNATURE,
                CheckStatus::Skip,
                "Not checked: this is a signed assertion's JSON without its signature; import the signed badge (the JWS or the image it is baked in).",
            ),
            Check::new(CHECK_ISSUER, CheckStatus::Skip, "Not checked: the signature could not be verified."),
        ),
        _ => hosted_checks(opts, &id, &assertion, &issuer),
    };
    checks.push(signature);
    checks.push(issuer_check);
    checks.push(validity_check(&assertion, opts));
    checks.push(revocation_check(opts, &id, &issuer));
    (checks, assertion)
}

fn all_skipped(e: &NetError, what: &str) -> Vec<Check> {
    vec![
        Check::new(
            CHECK_FORMAT,
            CheckStatus::Pass,
            "An Open Badges 2.0 hosted assertion, known by its URL.",
        ),
        skipped(CHECK_SIGNATURE, e, what),
        Check::new(
            CHECK_ISSUER,
            CheckStatus::Skip,
            format!("{NOT_FETCHED}: the assertion could not be fetched."),
        ),
        Check::new(
            CHECK_VALIDITY,
            CheckStatus::Skip,
            format!("{NOT_FETCHED}: the assertion could not be fetched."),
        ),
        Check::new(
            CHECK_STATUS,
            CheckStatus::Skip,
            format!("{NOT_FETCHED}: the assertion could not be fetched."),
        ),
    ]
}

/// A `skip` check for a fetch that did not happen or failed; offline, it
/// names the URL it would fetch (`would_fetch`), as every network check does.
fn skipped(name: &str, e: &NetError, what: &str) -> Check {
    let check = Check::new(name, CheckStatus::Skip, skip_sentence(e, what));
    match e {
        NetError::Offline { url } => check.with_would_fetch(url),
        _ => check,
    }
}

/// A sentence for a fetch that did not happen or failed.
fn skip_sentence(e: &NetError, what: &str) -> String {
    match e {
        NetError::Offline { url } => format!(
            "{NOT_FETCHED}: an Open Badges 2.0 badge is verified against its issuer's server; {what} would be fetched from {url}, and online checks are off."
        ),
        other => format!("{NOT_FETCHED}: {what} could not be fetched: {other}."),
    }
}

/// Fetches a JSON document.
fn fetch_json(opts: &VerifyOptions, url: &str) -> Result<Value, NetError> {
    let fetched = opts.fetcher.get(url, ACCEPT)?;
    serde_json::from_slice(&fetched.body).map_err(|e| NetError::Transport {
        url: url.to_string(),
        reason: format!("the answer is not JSON: {e}"),
    })
}

/// A node given inline (an object) or by its URL (fetched).
fn node(opts: &VerifyOptions, v: Option<&Value>) -> Result<Value, NetError> {
    match v {
        Some(obj @ Value::Object(_)) => Ok(obj.clone()),
        Some(Value::String(url)) => fetch_json(opts, url),
        _ => Err(NetError::BadUrl {
            url: String::new(),
            reason: "the assertion names no badge or issuer".into(),
        }),
    }
}

fn format_check(a: &Value) -> Check {
    let missing: Vec<&str> = ["id", "recipient", "badge", "issuedOn", "verification"]
        .into_iter()
        .filter(|k| a.get(*k).is_none())
        .collect();
    if missing.is_empty() {
        Check::new(
            CHECK_FORMAT,
            CheckStatus::Pass,
            "A well-formed Open Badges 2.0 assertion.",
        )
    } else {
        Check::new(
            CHECK_FORMAT,
            CheckStatus::Fail,
            format!(
                "An Open Badges 2.0 assertion missing required {}.",
                missing.join(", ")
            ),
        )
    }
}

/// `verify.type: hosted`: the assertion's own URL must answer with the same
/// assertion, and be on the issuer's origin (or an origin it allows).
fn hosted_checks(
    opts: &VerifyOptions,
    id: &str,
    assertion: &Value,
    issuer: &Result<Value, NetError>,
) -> (Check, Check) {
    let signature = match fetch_json(opts, id) {
        Ok(hosted) if &hosted == assertion => Check::new(
            CHECK_SIGNATURE,
            CheckStatus::Pass,
            format!("Hosted verification: the issuer's server answers at {id} with this same assertion."),
        ),
        Ok(_) => Check::new(
            CHECK_SIGNATURE,
            CheckStatus::Fail,
            format!("Hosted verification failed: {id} answers with a different assertion than this one."),
        ),
        Err(NetError::Status { status: 404 | 410, .. }) => Check::new(
            CHECK_SIGNATURE,
            CheckStatus::Fail,
            format!("Hosted verification failed: the issuer no longer serves the assertion at {id} (it was withdrawn or revoked)."),
        ),
        Err(e) => skipped(CHECK_SIGNATURE, &e, "the hosted assertion"),
    };
    if signature.status != CheckStatus::Pass {
        let skip = Check::new(
            CHECK_ISSUER,
            CheckStatus::Skip,
            "Not checked: the assertion was not verified.",
        );
        return (signature, skip);
    }
    let issuer_check = match issuer {
        Ok(issuer) => {
            let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or_default();
            let allowed: Vec<String> = match issuer
                .get("verification")
                .and_then(|v| v.get("allowedOrigins"))
            {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => origin(issuer_id).into_iter().collect(),
            };
            match origin(id) {
                Some(o)
                    if allowed
                        .iter()
                        .any(|a| a == &o || origin(a).as_deref() == Some(o.as_str())) =>
                {
                    Check::new(
                        CHECK_ISSUER,
                        CheckStatus::Pass,
                        format!("Hosted by its issuer {issuer_id} ({o})."),
                    )
                }
                _ => Check::new(
                    CHECK_ISSUER,
                    CheckStatus::Fail,
                    format!(
                        "The assertion is hosted at {id}, not on its issuer's site ({issuer_id})."
                    ),
                ),
            }
        }
        Err(e) => skipped(CHECK_ISSUER, e, "the badge's issuer"),
    };
    (signature, issuer_check)
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// `verify.type: signed`: the JWS with the issuer's `CryptographicKey`.
fn signed_checks(
    opts: &VerifyOptions,
    jws: &CompactJws,
    assertion: &Value,
    issuer: &Result<Value, NetError>,
) -> (Check, Check) {
    let skip_issuer = |m: &str| Check::new(CHECK_ISSUER, CheckStatus::Skip, m.to_string());
    if let Err(e) = jws.alg() {
        let status = match e {
            jws::JwsError::AlgNone | jws::JwsError::Symmetric(_) => CheckStatus::Fail,
            _ => CheckStatus::Skip,
        };
        return (
            Check::new(
                CHECK_SIGNATURE,
                status,
                format!("The signed assertion cannot be verified: {e}."),
            ),
            skip_issuer("Not checked: the signature could not be verified."),
        );
    }
    let Some(creator) = assertion
        .get("verification")
        .and_then(|v| v.get("creator"))
        .and_then(Value::as_str)
    else {
        return (
            Check::new(
                CHECK_SIGNATURE,
                CheckStatus::Fail,
                "The signed assertion does not name its key (verification.creator).",
            ),
            skip_issuer("Not checked: no key is named."),
        );
    };
    let key_doc = match fetch_json(opts, creator) {
        Ok(k) => k,
        Err(e) => {
            return (
                skipped(CHECK_SIGNATURE, &e, "the issuer's public key"),
                skip_issuer("Not checked: the signature could not be verified."),
            )
        }
    };
    let key = match key_doc
        .get("publicKeyPem")
        .and_then(Value::as_str)
        .ok_or_else(|| jws::JwsError::BadKey(format!("{creator} holds no publicKeyPem")))
        .and_then(jws::public_key_from_pem)
    {
        Ok(k) => k,
        Err(e) => {
            return (
                Check::new(
                    CHECK_SIGNATURE,
                    CheckStatus::Fail,
                    format!("The assertion's key cannot be used: {e}."),
                ),
                skip_issuer("Not checked: the key is unusable."),
            )
        }
    };
    if let Err(e) = jws.verify(&key) {
        let message = match e {
            jws::JwsError::BadSignature => "The signature does not match: the assertion was changed after it was signed, or signed with another key.".to_string(),
            other => format!("The signature cannot be valid: {other}."),
        };
        return (
            Check::new(CHECK_SIGNATURE, CheckStatus::Fail, message),
            skip_issuer("Not checked: the signature does not verify."),
        );
    }
    let signature = Check::new(
        CHECK_SIGNATURE,
        CheckStatus::Pass,
        format!("The RS256 signature is valid under the key {creator}; the assertion is exactly what was signed."),
    );
    let issuer_check = match issuer {
        Ok(issuer) => {
            let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or_default();
            let owner = key_doc.get("owner").and_then(Value::as_str);
            let listed = ids(issuer.get("publicKey")).iter().any(|k| k == creator);
            if owner == Some(issuer_id) && listed {
                Check::new(
                    CHECK_ISSUER,
                    CheckStatus::Pass,
                    format!("Signed with a key of the issuer {issuer_id}, which lists it."),
                )
            } else {
                Check::new(
                    CHECK_ISSUER,
                    CheckStatus::Fail,
                    format!("The key {creator} is not one the issuer {issuer_id} owns and lists: someone else's key."),
                )
            }
        }
        Err(e) => skipped(CHECK_ISSUER, e, "the badge's issuer"),
    };
    (signature, issuer_check)
}

/// The ids in a value that is an id, an object with one, or a list of those.
fn ids(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .into_iter()
            .collect(),
        Some(Value::Array(items)) => items.iter().flat_map(|i| ids(Some(i))).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn validity_check(a: &Value, opts: &VerifyOptions) -> Check {
    let date = |k: &str| {
        a.get(k)
            .and_then(Value::as_str)
            .map(|s| (s, parse_datetime(s)))
    };
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    match (date("issuedOn"), date("expires")) {
        (None, _) => Check::new(
            CHECK_VALIDITY,
            CheckStatus::Fail,
            "The assertion has no issuedOn date.",
        ),
        (Some((s, None)), _) | (_, Some((s, None))) => Check::new(
            CHECK_VALIDITY,
            CheckStatus::Fail,
            format!("{s:?} is not a valid date and time."),
        ),
        (Some((_, Some(from))), until) => {
            let until = until.and_then(|(_, u)| u);
            match until {
                Some(u) if u < from => Check::new(
                    CHECK_VALIDITY,
                    CheckStatus::Fail,
                    format!(
                        "It expires ({}) before it was issued ({}).",
                        day(u),
                        day(from)
                    ),
                ),
                Some(u) if opts.now >= u => Check::new(
                    CHECK_VALIDITY,
                    CheckStatus::Warn,
                    format!("Expired on {}.", day(u)),
                ),
                _ if opts.now < from => Check::new(
                    CHECK_VALIDITY,
                    CheckStatus::Warn,
                    format!("Issued in the future: {}.", day(from)),
                ),
                Some(u) => Check::new(
                    CHECK_VALIDITY,
                    CheckStatus::Pass,
                    format!("Issued on {}, valid until {}.", day(from), day(u)),
                ),
                None => Check::new(
                    CHECK_VALIDITY,
                    CheckStatus::Pass,
                    format!("Issued on {}, with no expiry date.", day(from)),
                ),
            }
        }
    }
}

/// The issuer's `revocationList`: the assertion must not be in it.
fn revocation_check(opts: &VerifyOptions, id: &str, issuer: &Result<Value, NetError>) -> Check {
    let issuer = match issuer {
        Ok(i) => i,
        Err(e) => {
            return skipped(
                CHECK_STATUS,
                e,
                "the badge's issuer (and its revocation list)",
            )
        }
    };
    let Some(list_url) = issuer.get("revocationList").and_then(Value::as_str) else {
        return Check::new(
            CHECK_STATUS,
            CheckStatus::Skip,
            "Not checked: the issuer publishes no revocation list, so whether it revoked this badge cannot be known.",
        );
    };
    // Online, a list that was asked for and could not be read leaves
    // revocation unknown: a warning, never a silent pass or skip.
    let cannot = |why: String| {
        Check::new(
            CHECK_STATUS,
            CheckStatus::Warn,
            format!("Revocation could not be checked: the issuer's revocation list {why}."),
        )
    };
    let list = match fetch_json(opts, list_url) {
        Ok(l) => l,
        Err(e @ NetError::Offline { .. }) => {
            return skipped(CHECK_STATUS, &e, "the issuer's revocation list")
        }
        Err(e) => return cannot(e.to_string()),
    };
    let Some(Value::Array(items)) = list.get("revokedAssertions") else {
        return cannot(format!("{list_url} has no revokedAssertions list"));
    };
    let revoked = items.iter().find(|i| match i {
        Value::String(s) => s == id,
        Value::Object(o) => o.get("id").and_then(Value::as_str) == Some(id),
        _ => false,
    });
    match revoked {
        Some(entry) => {
            let reason = entry
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|r| format!(" Reason given: {r}"))
                .unwrap_or_default();
            Check::new(
                CHECK_STATUS,
                CheckStatus::Fail,
                format!("Revoked by its issuer.{reason}"),
            )
        }
        None => Check::new(
            CHECK_STATUS,
            CheckStatus::Pass,
            format!("Not revoked: the issuer's revocation list {list_url} does not list it."),
        ),
    }
}
