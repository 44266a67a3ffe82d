//! Verification bundles: a Verifiable Presentation embedding credentials
//! unchanged, signed by the learner, and its verification.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::ExportError;
use crate::did::DefaultResolver;
use crate::formats;
use crate::holder::Holder;
use crate::import::{headline, Disposition, ItemResult};
use crate::proof::{self, Cryptosuite, ProofError, ProofOptions};
use crate::report::{Check, CheckStatus, Report};
use crate::verify::{self, VerifyOptions};

/// Name of the presentation (holder) check added to each bundled credential's report.
pub const CHECK_HOLDER: &str = "holder";

/// Options of a bundle.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// The verifier's nonce, against replay.
    pub challenge: Option<String>,
    /// The verifier's origin (e.g. a company's web domain).
    pub domain: Option<String>,
}

/// Makes a Verifiable Presentation of the credentials (their exact bytes,
/// parsed), signed by the learner with `eddsa-rdfc-2022` for `authentication`.
pub fn bundle(
    holder: &Holder,
    raws: &[&[u8]],
    opts: &BundleOptions,
    now: DateTime<Utc>,
) -> Result<Value, ExportError> {
    if raws.is_empty() {
        return Err(ExportError::Empty);
    }
    let creds = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            // A VC-JWT travels as a VC 2.0 enveloped credential (the token unchanged).
            let text = std::str::from_utf8(raw).unwrap_or_default().trim();
            if formats::jwt::looks_like(text) {
                return Ok(json!({"@context": [formats::VC_V2_CONTEXT],
                    "id": format!("data:application/vc+jwt,{text}"),
                    "type": "EnvelopedVerifiableCredential"}));
            }
            serde_json::from_slice::<Value>(raw).map_err(|_| ExportError::NotJson(format!("#{i}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let vp = json!({
        "@context": [formats::VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": creds,
    });
    Ok(proof::sign(
        &vp,
        holder.signing_key(),
        &ProofOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            verification_method: holder.verification_method(),
            proof_purpose: "authentication".into(),
            created: Some(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
            challenge: opts.challenge.clone(),
            domain: opts.domain.clone(),
        },
    )?)
}

/// The presentation check: the learner's proof over the whole bundle.
fn holder_check(vp: &Value, expect: &BundleOptions) -> Check {
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

/// Verifies a bundle: the learner's presentation proof and every credential
/// in it. One result per credential, each with the `holder` check appended.
pub fn verify_bundle(
    source: &str,
    bytes: &[u8],
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Result<Vec<ItemResult>, ExportError> {
    let vp: Value =
        serde_json::from_slice(bytes).map_err(|e| ExportError::NotBundle(e.to_string()))?;
    if !formats::types(&vp)
        .iter()
        .any(|t| t == "VerifiablePresentation")
    {
        return Err(ExportError::NotBundle(
            "its type is not VerifiablePresentation".into(),
        ));
    }
    let creds: Vec<Value> = match vp.get("verifiableCredential") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err(ExportError::NotBundle("it holds no credentials".into())),
    };
    // The learner's proof covers every credential, so checking it costs about
    // as much as checking all of them: it runs beside them, not before.
    enum Done {
        Holder(Check),
        Credential(Report),
    }
    let mut holder = None;
    let mut reports = Vec::with_capacity(creds.len());
    crate::parallel::map_ordered(
        creds.len() + 1,
        |job| match job.checked_sub(1) {
            None => Done::Holder(holder_check(&vp, expect)),
            Some(i) => Done::Credential(credential_report(&creds[i], opts)),
        },
        |_, done| match done {
            Done::Holder(check) => holder = Some(check),
            Done::Credential(report) => reports.push(report),
        },
    );
    let holder = holder.expect("job 0 is the holder check and always runs");
    Ok(reports
        .into_iter()
        .enumerate()
        .map(|(i, mut report)| {
            report.checks.push(holder.clone());
            let report = Report::from_checks(report.checks, report.checked_at);
            ItemResult {
                source: format!("{source}[{i}]"),
                outcome: report.outcome,
                message: headline(&report),
                checks: report.checks,
                id: None,
                result: Disposition::Checked,
            }
        })
        .collect())
}

/// The report of one credential of a bundle, before the holder check.
fn credential_report(credential: &Value, opts: &VerifyOptions) -> Report {
    let raw = serde_json::to_vec(credential).unwrap_or_default();
    match formats::parse(&raw).map(|items| items.into_iter().next()) {
        Ok(Some(Ok(cred))) => verify::verify_credential(&cred, opts),
        Ok(Some(Err(e))) | Err(e) => {
            Report::unreadable(&format!("Not a readable credential: {e}."), opts.now)
        }
        Ok(None) => Report::unreadable("Not a readable credential: it is empty.", opts.now),
    }
}
