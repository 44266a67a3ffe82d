//! Self-contained HTML portfolios: no network request, every credential text
//! escaped, the signed bundle embedded.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::formats::Summary;
use crate::report::{Outcome, Report};

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
