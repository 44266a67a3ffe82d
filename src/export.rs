//! What a learner shares: verification bundles (a Verifiable Presentation
//! signed by the learner's key) and self-contained HTML portfolios.
//!
//! Invariants: credentials are embedded unchanged (their issuers' proofs still
//! verify); a bundle verifies offline; a portfolio makes no network request
//! and renders every credential text escaped.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::did::DefaultResolver;
use crate::formats::{self, Summary};
use crate::holder::Holder;
use crate::import::{headline, Disposition, ItemResult};
use crate::proof::{self, Cryptosuite, ProofError, ProofOptions};
use crate::report::{Check, CheckStatus, Outcome, Report};
use crate::store::{StoreError, Wallet};
use crate::verify::{self, VerifyOptions};

/// Name of the presentation (holder) check added to each bundled credential's report.
pub const CHECK_HOLDER: &str = "holder";

/// Why a bundle or portfolio could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Signing the presentation failed.
    #[error("cannot sign the presentation: {0}")]
    Sign(#[from] ProofError),
    /// A stored credential is not JSON (cannot happen for verified imports).
    #[error("credential {0} is not JSON and cannot be bundled")]
    NotJson(String),
    /// The file is not a bundle.
    #[error("not a verification bundle: {0}")]
    NotBundle(String),
    /// Nothing to export.
    #[error("choose at least one credential")]
    Empty,
    /// The portfolio needs the learner's name, which was never given.
    #[error("your name is needed once for the portfolio")]
    NoLearnerName,
    /// Reading the wallet failed (or a credential is not in it).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Setting key of the learner's display name on portfolios (asked once).
pub const LEARNER_NAME_SETTING: &str = "learner_name";

/// What to make of the chosen wallet credentials.
#[derive(Debug, Clone)]
pub enum Share {
    /// A signed verification bundle (pretty JSON).
    Bundle(BundleOptions),
    /// An HTML portfolio; `learner` is remembered as the name for next time,
    /// and when `None` the remembered name is used.
    Portfolio {
        /// The learner's display name.
        learner: Option<String>,
    },
}

/// Makes the file a learner shares from wallet credentials `ids` (in that
/// order): the one path the CLI and the app both take.
pub fn share(
    wallet: &Wallet,
    holder: &Holder,
    ids: &[i64],
    what: &Share,
    opts: &VerifyOptions,
) -> Result<Vec<u8>, ExportError> {
    let records = ids
        .iter()
        .map(|id| wallet.get(*id)?.ok_or(StoreError::NotFound(*id)))
        .collect::<Result<Vec<_>, _>>()?;
    let raws: Vec<&[u8]> = records.iter().map(|r| r.raw.as_slice()).collect();
    match what {
        Share::Bundle(bundle_opts) => {
            let vp = bundle(holder, &raws, bundle_opts, opts.now)?;
            serde_json::to_vec_pretty(&vp).map_err(|e| ExportError::NotJson(e.to_string()))
        }
        Share::Portfolio { learner } => {
            let learner = match learner.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => {
                    wallet.set_setting(LEARNER_NAME_SETTING, name)?;
                    name.to_string()
                }
                _ => wallet
                    .setting(LEARNER_NAME_SETTING)?
                    .ok_or(ExportError::NoLearnerName)?,
            };
            let vp = bundle(holder, &raws, &BundleOptions::default(), opts.now)?;
            // The status shown is as of export time, not as of import.
            let reports: Vec<Report> = records
                .iter()
                .map(|r| {
                    formats::parse(&r.raw)
                        .ok()
                        .and_then(|items| items.into_iter().next())
                        .and_then(Result::ok)
                        .map(|c| verify::verify_credential(&c, opts))
                        .unwrap_or_else(|| r.report.clone())
                })
                .collect();
            let entries: Vec<PortfolioEntry<'_>> = records
                .iter()
                .zip(&reports)
                .map(|(r, report)| PortfolioEntry {
                    summary: &r.listed.summary,
                    report,
                })
                .collect();
            Ok(portfolio_html(&learner, &entries, &vp, opts.now).into_bytes())
        }
    }
}

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
    let holder = holder_check(&vp, expect);
    Ok(creds
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let raw = serde_json::to_vec(c).unwrap_or_default();
            let mut report = match formats::parse(&raw).map(|mut items| items.remove(0)) {
                Ok(Ok(cred)) => verify::verify_credential(&cred, opts),
                Ok(Err(e)) | Err(e) => {
                    Report::unreadable(&format!("Not a readable credential: {e}."), opts.now)
                }
            };
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

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether an image reference is an inline raster/SVG image, safe to embed
/// without any network request.
pub fn is_inline_image(src: &str) -> bool {
    [
        "data:image/png;",
        "data:image/jpeg;",
        "data:image/gif;",
        "data:image/webp;",
        "data:image/svg+xml;",
    ]
    .iter()
    .any(|p| src.starts_with(p))
}

/// One credential in a portfolio.
pub struct PortfolioEntry<'a> {
    /// What it says.
    pub summary: &'a Summary,
    /// Its verification as of export time.
    pub report: &'a Report,
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Verified => "Verified",
        Outcome::Warning => "Valid signature, needs attention",
        Outcome::Failed => "Failed verification",
        Outcome::Unverifiable => "Could not be verified",
    }
}

const PORTFOLIO_CSS: &str = r#"
:root { --ink:#1d2433; --muted:#5b6475; --line:#dfe3ea; --ok:#1f7a3f; --warn:#8a5a00; --bad:#b3261e; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f6f7fb; }
main { max-width: 860px; margin: 0 auto; padding: 40px 24px; }
header h1 { margin: 0; font-size: 2rem; }
header p { color: var(--muted); margin: 4px 0 24px; }
article { display: grid; grid-template-columns: 96px 1fr; gap: 20px; background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 20px; margin-bottom: 16px; break-inside: avoid; }
article img, .noimg { width: 96px; height: 96px; object-fit: contain; border-radius: 8px; background: #eef0f5; }
.noimg { display: flex; align-items: center; justify-content: center; color: var(--muted); font-size: .75rem; text-align: center; }
h2 { margin: 0 0 4px; font-size: 1.25rem; }
.issuer, .dates { color: var(--muted); margin: 0; }
.status { display: inline-block; margin-top: 8px; padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: .85rem; border: 1px solid currentColor; }
.verified { color: var(--ok); } .warning { color: var(--warn); } .failed, .unverifiable { color: var(--bad); }
.checks { margin: 8px 0 0; padding-left: 18px; color: var(--muted); font-size: .85rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 32px; border-top: 1px solid var(--line); padding-top: 16px; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { padding: 0; max-width: none; }
  article { border: 1px solid #999; }
  footer details { display: none; }
}
"#;

/// A self-contained HTML portfolio: the learner's name, each credential with
/// its image, issuer, dates, description and status at export time, and the
/// signed bundle embedded for machine verification.
pub fn portfolio_html(
    learner: &str,
    entries: &[PortfolioEntry<'_>],
    bundle: &Value,
    now: DateTime<Utc>,
) -> String {
    let mut html = String::new();
    let title = format!("{} — credential portfolio", learner);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // No network: only inline styles and data: images may load.
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!(
        "<title>{}</title>\n<style>{PORTFOLIO_CSS}</style>\n</head>\n<body>\n<main>\n",
        escape_html(&title)
    ));
    html.push_str(&format!(
        "<header><h1>{}</h1><p>{} credential{} · verified by Satchel on {}</p></header>\n",
        escape_html(learner),
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        now.format("%-d %B %Y")
    ));
    for e in entries {
        let s = e.summary;
        html.push_str("<article>\n");
        match s.image.as_deref().filter(|i| is_inline_image(i)) {
            Some(src) => html.push_str(&format!("<img src=\"{}\" alt=\"\">\n", escape_html(src))),
            None => html.push_str("<div class=\"noimg\" aria-hidden=\"true\">no image</div>\n"),
        }
        html.push_str("<div>\n");
        html.push_str(&format!("<h2>{}</h2>\n", escape_html(&s.name)));
        let issuer = s
            .issuer_name
            .as_deref()
            .or(s.issuer_id.as_deref())
            .unwrap_or("Unknown issuer");
        html.push_str(&format!(
            "<p class=\"issuer\">Issued by {}</p>\n",
            escape_html(issuer)
        ));
        let mut dates = Vec::new();
        if let Some(f) = &s.valid_from {
            dates.push(format!("Valid from {}", escape_html(&f[..f.len().min(10)])));
        }
        if let Some(u) = &s.valid_until {
            dates.push(format!("until {}", escape_html(&u[..u.len().min(10)])));
        }
        if !dates.is_empty() {
            html.push_str(&format!("<p class=\"dates\">{}</p>\n", dates.join(" ")));
        }
        if let Some(d) = &s.description {
            html.push_str(&format!("<p>{}</p>\n", escape_html(d)));
        }
        let o = e.report.outcome;
        html.push_str(&format!(
            "<span class=\"status {}\">{}</span>\n<ul class=\"checks\">\n",
            o.as_str(),
            outcome_label(o)
        ));
        for c in &e.report.checks {
            html.push_str(&format!("<li>{}</li>\n", escape_html(&c.message)));
        }
        html.push_str("</ul>\n</div>\n</article>\n");
    }
    // JSON inside <script>: escape '<' so no text can close the element.
    let bundle_json = serde_json::to_string_pretty(bundle)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    html.push_str("<footer>\n<p>The credentials above are embedded below as a Verifiable Presentation signed by the learner. \
        Check it with <code>satchel verify-bundle</code> or any W3C Verifiable Credentials verifier after saving the JSON.</p>\n");
    html.push_str("<details><summary>Verification bundle (JSON)</summary><pre>");
    html.push_str(&escape_html(
        &serde_json::to_string_pretty(bundle).unwrap_or_default(),
    ));
    html.push_str("</pre></details>\n</footer>\n</main>\n");
    html.push_str(&format!(
        "<script type=\"application/ld+json\" id=\"satchel-bundle\">\n{bundle_json}\n</script>\n"
    ));
    html.push_str("</body>\n</html>\n");
    html
}

/// Extracts the embedded bundle from a portfolio HTML file.
pub fn bundle_from_portfolio(html: &str) -> Result<Value, ExportError> {
    let start_tag = "<script type=\"application/ld+json\" id=\"satchel-bundle\">";
    let start = html
        .find(start_tag)
        .ok_or_else(|| ExportError::NotBundle("no embedded bundle".into()))?
        + start_tag.len();
    let end = html[start..]
        .find("</script>")
        .ok_or_else(|| ExportError::NotBundle("unterminated bundle".into()))?;
    serde_json::from_str(&html[start..start + end])
        .map_err(|e| ExportError::NotBundle(e.to_string()))
}
