//! Verification bundles: a Verifiable Presentation the learner signed,
//! embedding credentials unchanged. This module reads and checks them (the
//! holder's proof and every credential); signing one is the wallet's job.
//!
//! Invariant: the holder check and each credential's report are computed
//! independently, so a caller may run them in any order or in parallel
//! ([`open`], [`holder_check`], [`credential_report`], [`finish`]);
//! [`verify_bundle`] runs them one after another.

use serde_json::Value;

use crate::did::DefaultResolver;
use crate::formats;
use crate::proof::{self, ProofError};
use crate::report::{Check, CheckStatus, Report};
use crate::verify::{self, VerifyOptions};

/// Name of the presentation (holder) check added to each bundled credential's report.
pub const CHECK_HOLDER: &str = "holder";

/// What a bundle is expected to have been made for.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// The verifier's nonce, against replay.
    pub challenge: Option<String>,
    /// The verifier's origin (e.g. a company's web domain).
    pub domain: Option<String>,
}

/// Why a file could not be read as a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The file is not a bundle (or a portfolio without one).
    #[error("not a verification bundle: {0}")]
    NotBundle(String),
}

/// A bundle's presentation and the credentials it holds, as parsed JSON.
#[derive(Debug, Clone)]
pub struct OpenBundle {
    /// The signed presentation.
    pub vp: Value,
    /// Its `verifiableCredential` entries, in order.
    pub credentials: Vec<Value>,
}

/// Parses a bundle's bytes (JSON text of a `VerifiablePresentation`).
pub fn open(bytes: &[u8]) -> Result<OpenBundle, BundleError> {
    let vp: Value =
        serde_json::from_slice(bytes).map_err(|e| BundleError::NotBundle(e.to_string()))?;
    if !formats::types(&vp)
        .iter()
        .any(|t| t == "VerifiablePresentation")
    {
        return Err(BundleError::NotBundle(
            "its type is not VerifiablePresentation".into(),
        ));
    }
    let credentials = match vp.get("verifiableCredential") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err(BundleError::NotBundle("it holds no credentials".into())),
    };
    Ok(OpenBundle { vp, credentials })
}

/// The presentation check: the learner's proof over the whole bundle.
pub fn holder_check(vp: &Value, expect: &BundleOptions) -> Check {
    let fail = |m: String| Check::new(CHECK_HOLDER, CheckStatus::Fail, m);
    let holder = vp.get("holder").and_then(Value::as_str).unwrap_or_default();
    let proofs = match proof::verify(vp, &DefaultResolver::offline()) {
        Ok(p) => p,
        Err(ProofError::BadSignature) => {
            return fail("The presentation's signature does not match: the bundle was changed after the learner signed it.".into())
        }
        Err(e) => return fail(format!("The presentation's proof cannot be verified: {e}.")),
    };
    let Some(p) = proofs.iter().find(|p| p.controller == holder) else {
        return fail(format!(
            "The bundle is not signed by its holder {holder:?}."
        ));
    };
    if p.proof_purpose != "authentication" {
        return fail(format!(
            "The learner's proof is for {:?}, not \"authentication\".",
            p.proof_purpose
        ));
    }
    let mut warnings = Vec::new();
    for (what, expected, actual) in [
        ("challenge", &expect.challenge, &p.challenge),
        ("domain", &expect.domain, &p.domain),
    ] {
        match (expected, actual) {
            (Some(e), Some(a)) if e == a => {}
            (Some(e), a) => {
                return fail(format!(
                "The bundle was made for {what} {}, not the expected {e:?}: it may be replayed.",
                a.as_deref()
                    .map_or("none".to_string(), |a| format!("{a:?}"))
            ))
            }
            (None, Some(a)) => warnings.push(format!(
                "it was made for {what} {a:?}, which was not checked"
            )),
            (None, None) => {}
        }
    }
    let base = format!("Presented and signed by the holder {holder}");
    if warnings.is_empty() {
        Check::new(CHECK_HOLDER, CheckStatus::Pass, format!("{base}."))
    } else {
        Check::new(
            CHECK_HOLDER,
            CheckStatus::Warn,
            format!("{base}; {}.", warnings.join("; ")),
        )
    }
}

/// Appends the holder check to each credential's report: one labelled
/// report per credential, `source[i]`.
pub fn finish(source: &str, holder: &Check, reports: Vec<Report>) -> Vec<(String, Report)> {
    reports
        .into_iter()
        .enumerate()
        .map(|(i, mut report)| {
            report.checks.push(holder.clone());
            (
                format!("{source}[{i}]"),
                Report::from_checks(report.checks, report.checked_at),
            )
        })
        .collect()
}

/// Verifies a bundle: the learner's presentation proof and every credential
/// in it, one after another. One labelled report per credential, each with
/// the `holder` check appended.
pub fn verify_bundle(
    source: &str,
    bytes: &[u8],
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Result<Vec<(String, Report)>, BundleError> {
    let bundle = open(bytes)?;
    let holder = holder_check(&bundle.vp, expect);
    let reports = bundle
        .credentials
        .iter()
        .map(|c| credential_report(c, opts))
        .collect();
    Ok(finish(source, &holder, reports))
}

/// The report of one credential of a bundle, before the holder check.
pub fn credential_report(credential: &Value, opts: &VerifyOptions) -> Report {
    let raw = serde_json::to_vec(credential).unwrap_or_default();
    match formats::parse(&raw).map(|items| items.into_iter().next()) {
        Ok(Some(Ok(cred))) => verify::verify_credential(&cred, opts),
        Ok(Some(Err(e))) | Err(e) => {
            Report::unreadable(&format!("Not a readable credential: {e}."), opts.now)
        }
        Ok(None) => Report::unreadable("Not a readable credential: it is empty.", opts.now),
    }
}

/// Extracts the embedded bundle from a portfolio HTML file.
pub fn bundle_from_portfolio(html: &str) -> Result<Value, BundleError> {
    let start_tag = "<script type=\"application/ld+json\" id=\"satchel-bundle\">";
    let start = html
        .find(start_tag)
        .ok_or_else(|| BundleError::NotBundle("no embedded bundle".into()))?
        + start_tag.len();
    let end = html[start..]
        .find("</script>")
        .ok_or_else(|| BundleError::NotBundle("unterminated bundle".into()))?;
    serde_json::from_str(&html[start..start + end])
        .map_err(|e| BundleError::NotBundle(e.to_string()))
}
