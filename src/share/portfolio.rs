//! Self-contained HTML portfolios that verify themselves: the verifier page
//! ([`super::page`]) with the learner's signed bundle inside, which it checks
//! and renders when opened. What Satchel found at export is shown only until
//! then, and only as such; each shown field is marked (`data-field`) so
//! `verify-bundle` can say where the shown text differs from the signed one
//! (`satchel_verify::bundle::portfolio_differences`).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::page::{self, escape_html, Page, PUBLISHED_VERIFIER_URL};
use crate::formats::Summary;
use crate::report::{Outcome, Report};

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

/// A portfolio: the learner's name, each credential as exported (image,
/// name, issuer, dates, description, status at export time) until the page
/// has checked the embedded bundle, then each as verified in the browser.
pub fn portfolio_html(
    learner: &str,
    entries: &[PortfolioEntry<'_>],
    bundle: &Value,
    now: DateTime<Utc>,
) -> String {
    let mut before = format!(
        "<section id=\"exported\" class=\"exported\" aria-labelledby=\"exported-title\">\n\
         <h2 id=\"exported-title\">As exported</h2>\n\
         <p class=\"exported-note\">What Satchel found when this portfolio was made, on {}; not yet checked in this browser.</p>\n",
        now.format("%-d %B %Y")
    );
    for (i, e) in entries.iter().enumerate() {
        let s = e.summary;
        let field = |name: &str, text: &str| {
            format!("<span data-field=\"{name}\">{}</span>", escape_html(text))
        };
        before.push_str(&format!(
            "<article class=\"exported-credential\" data-index=\"{i}\">\n"
        ));
        before.push_str(&format!("<h3>{}</h3>\n", field("name", &s.name)));
        let issuer = s
            .issuer_name
            .as_deref()
            .or(s.issuer_id.as_deref())
            .unwrap_or("Unknown issuer");
        before.push_str(&format!("<p>Issued by {}</p>\n", field("issuer", issuer)));
        let mut dates = Vec::new();
        if let Some(f) = &s.valid_from {
            dates.push(format!("Valid from {}", field("valid_from", day(f))));
        }
        if let Some(u) = &s.valid_until {
            dates.push(format!("until {}", field("valid_until", day(u))));
        }
        if !dates.is_empty() {
            before.push_str(&format!("<p>{}</p>\n", dates.join(" ")));
        }
        if let Some(d) = &s.description {
            before.push_str(&format!("<p>{}</p>\n", field("description", d)));
        }
        before.push_str(&format!(
            "<p>At export: {}</p>\n</article>\n",
            outcome_label(e.report.outcome)
        ));
    }
    before.push_str("</section>\n");
    let after = format!(
        "<section class=\"independent\" aria-labelledby=\"independent-title\">\n\
         <h2 id=\"independent-title\">Check it independently of this file</h2>\n\
         <p>This page checks itself with code that came inside it. To check with code that did not come with the file, \
         open the published Satchel verifier, <a href=\"{url}\">{url}</a>, and drop this file on it; \
         or run <code>satchel verify-bundle</code> on it.</p>\n</section>\n",
        url = escape_html(PUBLISHED_VERIFIER_URL)
    );
    let title = format!("{learner} — credential portfolio");
    let lead = format!(
        "{} credential{}, presented and signed by the learner. This page checks {} in your browser when it opens.",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        if entries.len() == 1 { "it" } else { "them" },
    );
    let bundle_json = serde_json::to_string_pretty(bundle).unwrap_or_default();
    page::page(&Page {
        title: &title,
        lead: &lead,
        before: &before,
        after: &after,
        bundle: Some(&bundle_json),
    })
}

/// The date part of a timestamp as written (`2024-05-01T…` → `2024-05-01`).
fn day(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}
