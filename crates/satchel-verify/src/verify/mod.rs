//! Verification of one parsed credential into a [`Report`] of named checks.
//!
//! Invariant: every check that was not actually performed is reported as
//! `skip` with the reason, never as `pass`.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::Value;

pub use crate::report::*;

mod clr;
mod jwt;
mod ob2;
mod recipient;
pub mod status;

use crate::canon::CanonError;
use crate::did::{DefaultResolver, DidError, KeyResolver};
use crate::formats::{self, Credential, DataModel, Envelope};
use crate::net::{Fetcher, Offline};
use crate::proof::{self, ProofError};
use crate::registry::KnownIssuers;

/// What a verification may use.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The time to verify at (injectable for tests and "as of" checks).
    pub now: DateTime<Utc>,
    /// How checks reach the network (did:web, issuer profiles, status lists,
    /// hosted assertions). [`Offline`] unless the learner allowed online checks;
    /// offline, those checks are `skip` with the URL they would fetch.
    pub fetcher: Arc<dyn Fetcher>,
    /// The issuer registries the learner trusts (for the `issuer_known` check).
    pub known_issuers: Arc<KnownIssuers>,
    /// The learner's email addresses, for the `recipient` check of badges
    /// that name their recipient by email.
    pub recipient_emails: Vec<String>,
}

impl VerifyOptions {
    /// Verifies now, offline.
    pub fn offline_now() -> VerifyOptions {
        VerifyOptions::offline_at(Utc::now())
    }

    /// Verifies as of `now`, offline.
    pub fn offline_at(now: DateTime<Utc>) -> VerifyOptions {
        VerifyOptions::with_fetcher(now, Arc::new(Offline))
    }

    /// Verifies as of `now`, reaching the network (or not) through `fetcher`.
    pub fn with_fetcher(now: DateTime<Utc>, fetcher: Arc<dyn Fetcher>) -> VerifyOptions {
        VerifyOptions {
            now,
            fetcher,
            known_issuers: Arc::default(),
            recipient_emails: Vec::new(),
        }
    }

    /// Whether checks may go online.
    pub fn online(&self) -> bool {
        self.fetcher.online()
    }

    /// The key resolver these options imply (did:key offline; did:web and
    /// HTTPS keys through the fetcher).
    pub fn resolver(&self) -> DefaultResolver {
        DefaultResolver::with_fetcher(self.fetcher.clone())
    }
}

/// Verifies one credential: format, signature, issuer binding, dates, status.
/// Keys are resolved through the options' fetcher; see [`verify_with`] for
/// another resolver.
pub fn verify_credential(cred: &Credential, opts: &VerifyOptions) -> Report {
    verify_with(cred, opts, &opts.resolver())
}

/// As [`verify_credential`], with an explicit key resolver.
pub fn verify_with(cred: &Credential, opts: &VerifyOptions, resolver: &dyn KeyResolver) -> Report {
    let json = &cred.json;
    let mut checks = vec![format_check(cred)];
    match &cred.envelope {
        Envelope::OpenBadges2(form) => {
            // Open Badges 2.0 has its own verification (hosted or signed).
            let (mut checks, assertion) = ob2::checks(cred, form, opts);
            checks.extend(recipient::recipient_check(
                &assertion,
                &opts.recipient_emails,
            ));
            return Report::from_checks(checks, opts.now);
        }
        Envelope::Jwt(token) => {
            let (signature, issuer) = jwt::signature_checks(json, token, resolver);
            checks.extend([
                signature,
                issuer,
                jwt::claims_check(json, cred.model, token),
            ]);
        }
        Envelope::Json => {
            let (signature, issuer) = signature_checks(json, resolver);
            checks.extend([signature, issuer]);
        }
    }
    checks.push(validity_check(json, cred.model, opts.now));
    let issuer = formats::issuer_id(json);
    checks.push(status::status_check(json, issuer.as_deref(), opts));
    checks.extend(recipient::recipient_check(json, &opts.recipient_emails));
    if clr::is_clr(json) {
        checks.push(clr::nested_check(&clr::nested_results(
            json, opts, resolver,
        )));
    }
    checks.push(opts.known_issuers.check(issuer.as_deref()));
    Report::from_checks(checks, opts.now)
}

/// A stored report brought up to `now` for its dates: the `validity_period`
/// check is recomputed (a credential that expired since it was checked says
/// so) and the outcome derived again; every other check stays as it was
/// checked, at `checked_at`. No key, list or network is needed, so this runs
/// whenever a stored credential is shown.
pub fn with_validity_as_of(cred: &Credential, report: &Report, now: DateTime<Utc>) -> Report {
    let fresh = match &cred.envelope {
        // Known only by its URL: the dates are in the fetched assertion.
        Envelope::OpenBadges2(form) if matches!(**form, formats::ob2::Ob2Form::Url(_)) => {
            return report.clone()
        }
        Envelope::OpenBadges2(_) => {
            ob2::validity_check(&cred.json, &VerifyOptions::offline_at(now))
        }
        _ => validity_check(&cred.json, cred.model, now),
    };
    let mut checks = report.checks.clone();
    match checks.iter_mut().find(|c| c.check == CHECK_VALIDITY) {
        // A check skipped for want of the assertion stays skipped.
        Some(c) if c.status != CheckStatus::Skip => *c = fresh,
        _ => return report.clone(),
    }
    Report {
        outcome: Outcome::from_checks(&checks),
        checks,
        checked_at: report.checked_at,
    }
}

fn format_check(cred: &Credential) -> Check {
    let json = &cred.json;
    let model = match cred.model {
        DataModel::V2 => "VC Data Model 2.0",
        DataModel::V1 => "VC Data Model 1.1",
        DataModel::OpenBadges2 => "Open Badges 2.0",
    };
    let kind = if formats::types(json)
        .iter()
        .any(|t| t == "OpenBadgeCredential" || t == "AchievementCredential")
    {
        "Open Badges 3.0 credential"
    } else {
        "Verifiable Credential"
    };
    let mut missing = Vec::new();
    if formats::issuer_id(json).is_none() {
        missing.push("issuer");
    }
    if json.get("credentialSubject").is_none() {
        missing.push("credentialSubject");
    }
    if missing.is_empty() {
        Check::new(
            CHECK_FORMAT,
            CheckStatus::Pass,
            format!("A well-formed {kind} ({model})."),
        )
    } else {
        Check::new(
            CHECK_FORMAT,
            CheckStatus::Fail,
            format!(
                "A {kind} ({model}) missing required {}.",
                missing.join(" and ")
            ),
        )
    }
}

/// The signature check and the issuer-binding check, which depends on it.
fn signature_checks(json: &Value, resolver: &dyn KeyResolver) -> (Check, Check) {
    let skip_issuer = |why: &str| Check::new(CHECK_ISSUER, CheckStatus::Skip, why.to_string());
    let proofs = match proof::verify(json, resolver) {
        Ok(v) => v,
        Err(e) => {
            let (status, message) = proof_error_sentence(&e);
            let mut check = Check::new(CHECK_SIGNATURE, status, message);
            if let ProofError::KeyResolution(DidError::NetworkRequired { url }) = &e {
                check = check.with_would_fetch(url);
            }
            return (
                check,
                skip_issuer("Not checked: the signature could not be verified."),
            );
        }
    };
    let issuer_id = formats::issuer_id(json);
    // With several proofs (e.g. an endorsement), the issuer's own one counts.
    let verified = proofs
        .iter()
        .find(|p| Some(&p.controller) == issuer_id.as_ref())
        .unwrap_or(&proofs[0]);
    let suite = verified.suite.name();
    if verified.proof_purpose != "assertionMethod" {
        return (
            Check::new(
                CHECK_SIGNATURE,
                CheckStatus::Fail,
                format!(
                    "The proof's purpose is {:?}; a credential must be signed for \"assertionMethod\".",
                    verified.proof_purpose
                ),
            ),
            skip_issuer("Not checked: the proof is not an assertion."),
        );
    }
    let signature = Check::new(
        CHECK_SIGNATURE,
        CheckStatus::Pass,
        format!(
            "The {suite} signature is valid; the content is exactly what was signed.{}",
            verified
                .key_as_of
                .map(|t| format!(
                    " The issuer's key is as published on {} (a stored copy; online checks are off).",
                    status::day(t)
                ))
                .unwrap_or_default()
        ),
    );
    let issuer = match issuer_id {
        Some(id) if id == verified.controller => Check::new(
            CHECK_ISSUER,
            CheckStatus::Pass,
            format!("Signed with a key of the issuer {id}."),
        ),
        Some(id) => Check::new(
            CHECK_ISSUER,
            CheckStatus::Fail,
            format!(
                "Signed by {}, which is not the issuer {id}: someone else's key.",
                verified.controller
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

/// Maps a proof error to a check status and a sentence for people.
fn proof_error_sentence(e: &ProofError) -> (CheckStatus, String) {
    match e {
        ProofError::BadSignature => (
            CheckStatus::Fail,
            "The signature does not match: the credential was changed after it was signed, or signed with another key.".into(),
        ),
        ProofError::NoProof => (
            CheckStatus::Skip,
            "The credential carries no proof, so nothing proves who issued it.".into(),
        ),
        ProofError::Unsupported { .. } => (
            CheckStatus::Skip,
            format!("Not checked: {e}. Satchel verifies eddsa-rdfc-2022, eddsa-jcs-2022 and Ed25519Signature2020."),
        ),
        ProofError::KeyResolution(_) => (CheckStatus::Skip, format!("Not checked: {e}.")),
        ProofError::Canonicalization(CanonError::UnknownContext(url)) => (
            CheckStatus::Skip,
            format!("Not checked: the credential uses the JSON-LD context {url}, which Satchel does not know (contexts are never fetched)."),
        ),
        ProofError::Canonicalization(_) | ProofError::Malformed(_) => {
            (CheckStatus::Fail, format!("The proof cannot be valid: {e}."))
        }
    }
}

/// Parses an XSD dateTime (RFC 3339, with or without offset) or a bare date.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn validity_check(json: &Value, model: DataModel, now: DateTime<Utc>) -> Check {
    let (from_key, until_key) = match model {
        DataModel::V2 => ("validFrom", "validUntil"),
        DataModel::V1 => ("issuanceDate", "expirationDate"),
        DataModel::OpenBadges2 => ("issuedOn", "expires"),
    };
    let read = |key: &str| -> Result<Option<DateTime<Utc>>, String> {
        match json.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => parse_datetime(s)
                .map(Some)
                .ok_or_else(|| format!("{key} {s:?} is not a valid date and time")),
            Some(_) => Err(format!("{key} is not a date-time string")),
        }
    };
    let (from, until) = match (read(from_key), read(until_key)) {
        (Ok(f), Ok(u)) => (f, u),
        (Err(e), _) | (_, Err(e)) => {
            return Check::new(CHECK_VALIDITY, CheckStatus::Fail, format!("{e}."))
        }
    };
    if model == DataModel::V1 && from.is_none() {
        return Check::new(
            CHECK_VALIDITY,
            CheckStatus::Fail,
            "A VC 1.1 credential must have an issuanceDate.",
        );
    }
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    match (from, until) {
        (Some(f), Some(u)) if u < f => Check::new(
            CHECK_VALIDITY,
            CheckStatus::Fail,
            format!("It ends ({}) before it starts ({}).", day(u), day(f)),
        ),
        (Some(f), _) if now < f => Check::new(
            CHECK_VALIDITY,
            CheckStatus::Warn,
            format!("Not valid yet: valid from {}.", day(f)),
        ),
        (_, Some(u)) if now >= u => Check::new(
            CHECK_VALIDITY,
            CheckStatus::Warn,
            format!("Expired on {}.", day(u)),
        ),
        (f, u) => {
            let since = f.map(|f| format!(" since {}", day(f))).unwrap_or_default();
            let until = u
                .map(|u| format!(", until {}", day(u)))
                .unwrap_or_else(|| ", with no expiry date".to_string());
            Check::new(
                CHECK_VALIDITY,
                CheckStatus::Pass,
                format!("Valid{since}{until}."),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(json: &str) -> Credential {
        formats::parse(json.as_bytes()).unwrap().remove(0).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_datetime(s).unwrap()
    }

    #[test]
    fn outcome_derivation() {
        let pass = |n: &str| Check::new(n, CheckStatus::Pass, "");
        let mut checks = vec![
            pass(CHECK_FORMAT),
            pass(CHECK_SIGNATURE),
            pass(CHECK_ISSUER),
        ];
        assert_eq!(Outcome::from_checks(&checks), Outcome::Verified);
        checks.push(Check::new(CHECK_STATUS, CheckStatus::Skip, ""));
        assert_eq!(Outcome::from_checks(&checks), Outcome::Verified);
        checks.push(Check::new(CHECK_VALIDITY, CheckStatus::Warn, ""));
        assert_eq!(Outcome::from_checks(&checks), Outcome::Warning);
        checks[1].status = CheckStatus::Skip;
        assert_eq!(Outcome::from_checks(&checks), Outcome::Unverifiable);
        checks[0].status = CheckStatus::Fail;
        assert_eq!(Outcome::from_checks(&checks), Outcome::Failed);
    }

    #[test]
    fn validity_periods() {
        let c = cred(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:x:1","credentialSubject":{},"validFrom":"2024-01-01T00:00:00Z","validUntil":"2025-01-01T00:00:00Z"}"#,
        );
        let v = |now| validity_check(&c.json, c.model, at(now)).status;
        assert_eq!(v("2023-06-01T00:00:00Z"), CheckStatus::Warn);
        assert_eq!(v("2024-06-01T00:00:00Z"), CheckStatus::Pass);
        assert_eq!(v("2025-01-01T00:00:00Z"), CheckStatus::Warn);
        let bad = cred(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:x:1","credentialSubject":{},"validFrom":"yesterday"}"#,
        );
        assert_eq!(
            validity_check(&bad.json, bad.model, Utc::now()).status,
            CheckStatus::Fail
        );
        let v1 = cred(
            r#"{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:x:1","credentialSubject":{},"expirationDate":"2024-01-01T00:00:00Z","issuanceDate":"2023-01-01T00:00:00Z"}"#,
        );
        assert_eq!(
            validity_check(&v1.json, v1.model, at("2024-01-02T00:00:00Z")).status,
            CheckStatus::Warn
        );
        assert!(
            validity_check(&v1.json, v1.model, at("2024-01-02T00:00:00Z"))
                .message
                .contains("Expired on 2024-01-01")
        );
    }

    #[test]
    fn expiry_is_recomputed_when_shown() {
        let c = cred(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:x:1","credentialSubject":{},"validFrom":"2024-01-01T00:00:00Z","validUntil":"2025-01-01T00:00:00Z"}"#,
        );
        let pass = |n: &str| Check::new(n, CheckStatus::Pass, "");
        let checked_at = at("2024-06-01T00:00:00Z");
        let stored = Report::from_checks(
            vec![
                pass(CHECK_FORMAT),
                pass(CHECK_SIGNATURE),
                pass(CHECK_ISSUER),
                validity_check(&c.json, c.model, checked_at),
            ],
            checked_at,
        );
        assert_eq!(stored.outcome, Outcome::Verified);
        // Shown later, after its end: expired, a warning; checked_at unchanged.
        let later = with_validity_as_of(&c, &stored, at("2025-02-01T00:00:00Z"));
        assert_eq!(later.outcome, Outcome::Warning);
        let v = later.check(CHECK_VALIDITY).unwrap();
        assert_eq!(v.status, CheckStatus::Warn);
        assert!(v.message.contains("Expired on 2025-01-01"), "{}", v.message);
        assert_eq!(later.checked_at, checked_at);
        // Shown while still valid: as stored.
        assert_eq!(with_validity_as_of(&c, &stored, checked_at), stored);
        // A failure elsewhere still wins.
        let mut failed = stored.clone();
        failed.checks[1].status = CheckStatus::Fail;
        failed.outcome = Outcome::Failed;
        let later = with_validity_as_of(&c, &failed, at("2025-02-01T00:00:00Z"));
        assert_eq!(later.outcome, Outcome::Failed);
    }

    #[test]
    fn unsigned_credential_is_unverifiable_and_status_is_never_a_silent_pass() {
        let c = cred(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:x:1","credentialSubject":{}}"#,
        );
        let r = verify_credential(&c, &VerifyOptions::offline_now());
        assert_eq!(r.outcome, Outcome::Unverifiable);
        assert_eq!(r.check(CHECK_SIGNATURE).unwrap().status, CheckStatus::Skip);
        assert_eq!(r.check(CHECK_STATUS).unwrap().status, CheckStatus::Skip);
        let names: Vec<&str> = r.checks.iter().map(|c| c.check.as_str()).collect();
        assert_eq!(
            names,
            [
                CHECK_FORMAT,
                CHECK_SIGNATURE,
                CHECK_ISSUER,
                CHECK_VALIDITY,
                CHECK_STATUS,
                CHECK_ISSUER_KNOWN
            ]
        );
    }
}
