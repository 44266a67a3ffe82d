//! Verification bundles: a Verifiable Presentation embedding credentials
//! unchanged, signed by the learner, and its verification on every core
//! (the checks themselves are `satchel_verify::bundle`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::ExportError;
use crate::formats;
use crate::holder::Holder;
use crate::import::{headline, Disposition, ItemResult};
use crate::proof::{self, Cryptosuite, ProofOptions};
use crate::report::{Check, Report};
use crate::verify::VerifyOptions;
use satchel_verify::bundle::{self as check, BundleError};
pub use satchel_verify::bundle::{BundleOptions, CHECK_HOLDER};

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
    sign_presentation(holder, creds, opts, now)
}

/// Signs a presentation of `creds` (none: a DID authentication, which proves
/// only that the learner holds their key) by the learner, `eddsa-rdfc-2022`
/// for `authentication`, with the challenge and domain the other party gave.
pub fn sign_presentation(
    holder: &Holder,
    creds: Vec<Value>,
    opts: &BundleOptions,
    now: DateTime<Utc>,
) -> Result<Value, ExportError> {
    let mut vp = json!({
        "@context": [formats::VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
    });
    if !creds.is_empty() {
        vp["verifiableCredential"] = Value::Array(creds);
    }
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

/// Verifies a bundle: the learner's presentation proof and every credential
/// in it, on every core. One result per credential, each with the `holder`
/// check appended.
pub fn verify_bundle(
    source: &str,
    bytes: &[u8],
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Result<Vec<ItemResult>, BundleError> {
    verify_opened(source, &check::open(bytes)?, None, expect, opts)
}

/// Verifies a portfolio: its embedded bundle as [`verify_bundle`] does, and
/// that the text it shows is the signed text (`portfolio_text`).
pub fn verify_portfolio(
    source: &str,
    html: &str,
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Result<Vec<ItemResult>, BundleError> {
    let bundle = check::open_value(check::bundle_from_portfolio(html)?)?;
    let shown = check::portfolio_checks(html, &bundle);
    verify_opened(source, &bundle, Some(&shown), expect, opts)
}

fn verify_opened(
    source: &str,
    bundle: &check::OpenBundle,
    portfolio: Option<&[Check]>,
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Result<Vec<ItemResult>, BundleError> {
    let creds = &bundle.credentials;
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
            None => Done::Holder(check::holder_check(&bundle.vp, expect)),
            Some(i) => Done::Credential(check::credential_report(&creds[i], opts)),
        },
        |_, done| match done {
            Done::Holder(check) => holder = Some(check),
            Done::Credential(report) => reports.push(report),
        },
    );
    let holder = holder.expect("job 0 is the holder check and always runs");
    Ok(check::finish(source, &holder, portfolio, reports)
        .into_iter()
        .map(|(source, report)| ItemResult {
            source,
            outcome: report.outcome,
            message: headline(&report),
            checks: report.checks,
            id: None,
            result: Disposition::Checked,
        })
        .collect())
}
