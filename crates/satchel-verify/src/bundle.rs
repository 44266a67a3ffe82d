//! Verification bundles: a Verifiable Presentation the learner signed,
//! embedding credentials unchanged. This module reads and checks them (the
//! holder's proof and every credential); signing one is the wallet's job.
//!
//! Invariant: the holder check and each credential's report are computed
//! independently, so a caller may run them in any order or in parallel
//! ([`open`], [`holder_check`], [`credential_report`], [`finish`]);
//! [`verify_opened`] runs them one after another.

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
    open_value(vp)
}

/// As [`open`], for a presentation already parsed (a portfolio's).
pub fn open_value(vp: Value) -> Result<OpenBundle, BundleError> {
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

/// Appends the holder check (and, for a portfolio, its [`portfolio_checks`])
/// to each credential's report: one labelled report per credential, `source[i]`.
pub fn finish(
    source: &str,
    holder: &Check,
    portfolio: Option<&[Check]>,
    reports: Vec<Report>,
) -> Vec<(String, Report)> {
    reports
        .into_iter()
        .enumerate()
        .map(|(i, mut report)| {
            report.checks.push(holder.clone());
            report
                .checks
                .extend(portfolio.and_then(|p| p.get(i)).cloned());
            (
                format!("{source}[{i}]"),
                Report::from_checks(report.checks, report.checked_at),
            )
        })
        .collect()
}

/// Verifies an opened bundle: the learner's presentation proof and every
/// credential in it, one after another, and for a portfolio (its `html`)
/// the [`CHECK_PORTFOLIO`] check. One labelled report per credential, each
/// with the `holder` check appended.
pub fn verify_opened(
    source: &str,
    bundle: &OpenBundle,
    html: Option<&str>,
    expect: &BundleOptions,
    opts: &VerifyOptions,
) -> Vec<(String, Report)> {
    let holder = holder_check(&bundle.vp, expect);
    let shown = html.map(|html| portfolio_checks(html, bundle));
    let reports = bundle
        .credentials
        .iter()
        .map(|c| credential_report(c, opts))
        .collect();
    finish(source, &holder, shown.as_deref(), reports)
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

/// Where the text a portfolio shows differs from its signed credentials:
/// one sentence per difference (none when they agree). Satchel marks each
/// field it shows (`<span data-field="name">` inside
/// `<article class="exported-credential" data-index="i">`); an edit to those,
/// or an extra or missing credential, is a difference.
pub fn portfolio_differences(html: &str, bundle: &OpenBundle) -> Vec<(Option<usize>, String)> {
    let mut out = Vec::new();
    let marker = "<article class=\"exported-credential\" data-index=\"";
    let mut shown = 0;
    for chunk in html.split(marker).skip(1) {
        shown += 1;
        let Some((index, body)) = chunk.split_once('"') else {
            continue;
        };
        let body = body.split("</article>").next().unwrap_or(body);
        let Some(cred) = index
            .parse::<usize>()
            .ok()
            .and_then(|i| bundle.credentials.get(i))
        else {
            out.push((
                None,
                format!("The portfolio shows a credential (number {index}) that is not in its signed bundle."),
            ));
            continue;
        };
        let signed = shown_fields(cred);
        let i = index.parse::<usize>().unwrap_or_default();
        for (name, text) in fields_in(body) {
            let expected = signed
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str());
            if expected != Some(text.as_str()) {
                out.push((
                    Some(i),
                    format!(
                        "The portfolio shows {label} “{text}”, but the signed credential says {says}.",
                        label = label(&name),
                        says = expected.map_or("nothing there".to_string(), |e| format!("“{e}”")),
                    ),
                ));
            }
        }
    }
    if html.contains(marker) && shown != bundle.credentials.len() {
        out.push((
            None,
            format!(
                "The portfolio shows {shown} credential{} but its signed bundle holds {}.",
                if shown == 1 { "" } else { "s" },
                bundle.credentials.len()
            ),
        ));
    }
    out
}

/// Name of the check, on each credential of a portfolio, that the text the
/// portfolio shows is the text its signed credential holds.
pub const CHECK_PORTFOLIO: &str = "portfolio_text";

/// The [`CHECK_PORTFOLIO`] check of each of the bundle's credentials, in order.
pub fn portfolio_checks(html: &str, bundle: &OpenBundle) -> Vec<Check> {
    let differences = portfolio_differences(html, bundle);
    (0..bundle.credentials.len())
        .map(|i| {
            let mine: Vec<&str> = differences
                .iter()
                .filter(|(at, _)| at.is_none_or(|at| at == i))
                .map(|(_, why)| why.as_str())
                .collect();
            if mine.is_empty() {
                Check::new(
                    CHECK_PORTFOLIO,
                    CheckStatus::Pass,
                    "What the portfolio shows of it is what the signed credential says.",
                )
            } else {
                Check::new(
                    CHECK_PORTFOLIO,
                    CheckStatus::Fail,
                    format!(
                        "The portfolio's text was changed after it was made: {}",
                        mine.join(" ")
                    ),
                )
            }
        })
        .collect()
}

/// What a portfolio shows of one of its bundle's credentials: the summary
/// of the credential as read back from the bundle (a VC-JWT's claims, not
/// its envelope), so the shown text and its check read the same bytes.
pub fn shown_summary(credential: &Value) -> formats::Summary {
    let raw = serde_json::to_vec(credential).unwrap_or_default();
    match formats::parse(&raw).map(|items| items.into_iter().next()) {
        Ok(Some(Ok(cred))) => formats::Summary::of(&cred.json),
        _ => formats::Summary::of(credential),
    }
}

/// The fields a portfolio shows of a credential, as Satchel writes them.
fn shown_fields(credential: &Value) -> Vec<(&'static str, String)> {
    let s = shown_summary(credential);
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    let mut fields = vec![("name", s.name.clone())];
    fields.push((
        "issuer",
        s.issuer_name
            .clone()
            .or(s.issuer_id.clone())
            .unwrap_or_else(|| "Unknown issuer".into()),
    ));
    fields.extend(s.valid_from.as_deref().map(|t| ("valid_from", day(t))));
    fields.extend(s.valid_until.as_deref().map(|t| ("valid_until", day(t))));
    fields.extend(s.description.map(|d| ("description", d)));
    fields
}

fn label(field: &str) -> &str {
    match field {
        "name" => "the name",
        "issuer" => "the issuer",
        "valid_from" => "the start date",
        "valid_until" => "the end date",
        "description" => "the description",
        other => other,
    }
}

/// The `data-field` spans of one shown credential: (field, unescaped text).
fn fields_in(body: &str) -> Vec<(String, String)> {
    body.split("<span data-field=\"")
        .skip(1)
        .filter_map(|part| {
            let (name, rest) = part.split_once("\">")?;
            let text = rest.split("</span>").next()?;
            Some((name.to_string(), unescape(text)))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
