//! Comprehensive Learner Record 2.0 (`ClrCredential`): the CLR's own proof is
//! verified like any credential's; each credential nested in it
//! (`credentialSubject.verifiableCredential`, JSON or VC-JWT) is verified on
//! its own, and the results are one `nested_credentials` check of the CLR's
//! report, with a line per nested credential. (One report with a nested
//! check keeps the CLR one wallet record, stored exactly as received.)

use serde_json::Value;

use super::{Check, CheckStatus, NestedCredential, Outcome, VerifyOptions, CHECK_NESTED};
use crate::did::KeyResolver;
use crate::formats::{self, Summary};

/// Whether a credential is a CLR.
pub(super) fn is_clr(json: &Value) -> bool {
    formats::types(json).iter().any(|t| t == "ClrCredential")
}

/// Verifies every credential nested in a CLR. Nested CLRs are not opened
/// (a CLR inside a CLR inside … cannot recurse without bound).
pub(super) fn nested_results(
    json: &Value,
    opts: &VerifyOptions,
    resolver: &dyn KeyResolver,
) -> Vec<NestedCredential> {
    formats::clr_nested(json)
        .into_iter()
        .map(|v| {
            let bytes = match v {
                Value::String(token) => token.clone().into_bytes(),
                other => serde_json::to_vec(other).unwrap_or_default(),
            };
            let cred = formats::parse(&bytes).and_then(|mut items| {
                items.truncate(1);
                items.pop().unwrap_or(Err(formats::FormatError::Empty))
            });
            match cred {
                Ok(c) if is_clr(&c.json) => {
                    let summary = Summary::of(&c.json);
                    NestedCredential {
                        name: summary.name,
                        issuer_name: summary.issuer_name,
                        outcome: Outcome::Unverifiable,
                        reason: Some("a CLR nested in a CLR is not opened".into()),
                    }
                }
                Ok(c) => {
                    let report = super::verify_with(&c, opts, resolver);
                    let reason = (report.outcome != Outcome::Verified)
                        .then(|| crate::report::headline(&report));
                    let summary = Summary::of(&c.json);
                    NestedCredential {
                        name: summary.name,
                        issuer_name: summary.issuer_name,
                        outcome: report.outcome,
                        reason,
                    }
                }
                Err(e) => NestedCredential {
                    name: "Unreadable credential".into(),
                    issuer_name: None,
                    outcome: Outcome::Failed,
                    reason: Some(e.to_string()),
                },
            }
        })
        .collect()
}

/// The `nested_credentials` check summarising the nested results.
pub(super) fn nested_check(results: &[NestedCredential]) -> Check {
    if results.is_empty() {
        return Check::new(
            CHECK_NESTED,
            CheckStatus::Skip,
            "Not checked: the CLR holds no credentials.",
        );
    }
    let lines: Vec<String> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let reason = r
                .reason
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            format!("{}. {}: {}{reason}", i + 1, r.name, r.outcome.as_str())
        })
        .collect();
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let (status, head) = if count(Outcome::Failed) > 0 {
        (
            CheckStatus::Fail,
            format!(
                "{} of {} credentials in this CLR failed verification.",
                count(Outcome::Failed),
                results.len()
            ),
        )
    } else if count(Outcome::Verified) == results.len() {
        (
            CheckStatus::Pass,
            format!("All {} credentials in this CLR verified.", results.len()),
        )
    } else {
        (
            CheckStatus::Warn,
            format!(
                "{} of {} credentials in this CLR verified; the others need attention.",
                count(Outcome::Verified),
                results.len()
            ),
        )
    };
    let mut check = Check::new(CHECK_NESTED, status, format!("{head} {}", lines.join("; ")));
    check.nested = results.to_vec();
    check
}
