//! One call: the bytes a person gave the page (a file, pasted text, a URL
//! fragment) and a request → the reports, as JSON.
//!
//! The browser's `fetch` is asynchronous and the verifier is not, so online
//! checks take two calls: the first, with no answers, reports what each check
//! would fetch (`would_fetch`); the page fetches exactly those URLs and calls
//! again with the answers (`net::Prefetched`), until nothing new is asked for.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use satchel_verify::bundle::{self, BundleOptions};
use satchel_verify::formats::{self, Summary};
use satchel_verify::input;
use satchel_verify::net::{Fetched, NetError, Prefetched};
use satchel_verify::report::{headline, Report};
use satchel_verify::verify::VerifyOptions;

/// What the page asks for.
#[derive(Debug, Deserialize)]
pub struct Request {
    /// What the input is called in the results (a file name, "pasted text").
    #[serde(default)]
    pub source: String,
    /// The time to verify at (the browser's clock; the wasm has none).
    pub now: DateTime<Utc>,
    /// Whether the person pressed "Check online".
    #[serde(default)]
    pub online: bool,
    /// The answers the page fetched, by URL.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
}

/// One fetch the page made.
#[derive(Debug, Deserialize)]
pub struct Answer {
    /// The HTTP status (0 when the request failed before any answer).
    #[serde(default)]
    pub status: u16,
    /// The `Content-Type`, lower case, without parameters.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The body, base64.
    #[serde(default)]
    pub body_base64: String,
    /// Why there is no answer (a network error, a refused cross-origin request).
    #[serde(default)]
    pub error: Option<String>,
}

/// The reply: one entry per credential found in the input.
#[derive(Debug, Serialize)]
pub struct Reply {
    /// Each credential and its report.
    pub items: Vec<Item>,
}

/// One credential's verification, with what the page shows of it.
#[derive(Debug, Serialize)]
pub struct Item {
    /// Where it came from (`source`, `source[i]` for several).
    pub source: String,
    /// What kind of input held it: `credential` or `bundle`.
    pub kind: &'static str,
    /// The sentence summing up the report (the app's headline).
    pub headline: String,
    /// The report: outcome and every check.
    pub report: Report,
    /// What is shown, read from the credential's own bytes (absent when the
    /// input could not be read as a credential).
    pub summary: Option<Summary>,
    /// The credential as text (pretty JSON, or a JWT's token).
    pub raw: Option<String>,
    /// Every URL a check would still fetch.
    pub would_fetch: Vec<String>,
}

/// Verifies `input` as asked; never fails: an unreadable input is one item
/// with an unverifiable report that says why.
pub fn verify(input: &[u8], request: &Request) -> Reply {
    let opts = options(request);
    let source = if request.source.is_empty() {
        "input"
    } else {
        &request.source
    };
    let text = std::str::from_utf8(input).ok().map(str::trim);
    // A portfolio carries its bundle inside; a signed presentation is a bundle.
    let opened = match text {
        Some(t) if t.starts_with('<') && t.contains("id=\"satchel-bundle\"") => Some((
            bundle::bundle_from_portfolio(t).and_then(bundle::open_value),
            Some(t),
        )),
        Some(t) if is_signed_presentation(t) => Some((bundle::open(t.as_bytes()), None)),
        _ => None,
    };
    if let Some((opened, html)) = opened {
        let open = match opened {
            Ok(open) => open,
            Err(e) => return unreadable(source, &format!("{e}."), request.now),
        };
        let results = bundle::verify_opened(source, &open, html, &BundleOptions::default(), &opts);
        return Reply {
            items: results
                .into_iter()
                .zip(&open.credentials)
                .map(|((source, report), json)| {
                    let summary = bundle::shown_summary(json);
                    let mut it = item(source, "bundle", report, Some(json));
                    it.summary = Some(summary);
                    it
                })
                .collect(),
        };
    }
    Reply {
        items: input::check_bytes(source, input, &opts)
            .into_iter()
            .map(|c| {
                let json = c.credential.as_ref().ok().map(|cred| &cred.json);
                let mut it = item(c.source, "credential", c.report, json);
                // The exact text received when it is text (a JWT's token, the
                // JSON as written); a baked image shows its credential's JSON.
                if let Some(text) = c
                    .credential
                    .as_ref()
                    .ok()
                    .and_then(|cred| std::str::from_utf8(&cred.raw).ok())
                {
                    it.raw = Some(text.to_string());
                }
                it
            })
            .collect(),
    }
}

/// Parses a request and verifies: the whole interface as JSON text, so the
/// `extern "C"` layer only moves bytes.
pub fn verify_json(input: &[u8], request: &[u8]) -> Vec<u8> {
    let reply = match serde_json::from_slice::<Request>(request) {
        Ok(request) => serde_json::to_value(verify(input, &request)),
        Err(e) => Ok(serde_json::json!({ "error": format!("not a valid request: {e}") })),
    };
    // Serialising plain data cannot fail.
    serde_json::to_vec(&reply.unwrap_or_default()).unwrap_or_default()
}

fn options(request: &Request) -> VerifyOptions {
    let mut fetcher = Prefetched::new(request.online);
    for (url, answer) in &request.answers {
        fetcher.insert(url.clone(), fetched(url, answer, request.now));
    }
    VerifyOptions::with_fetcher(request.now, std::sync::Arc::new(fetcher))
}

fn fetched(url: &str, a: &Answer, now: DateTime<Utc>) -> Result<Fetched, NetError> {
    if let Some(reason) = &a.error {
        return Err(NetError::Transport {
            url: url.to_string(),
            reason: reason.clone(),
        });
    }
    if !(200..300).contains(&a.status) {
        return Err(NetError::Status {
            url: url.to_string(),
            status: a.status,
        });
    }
    let body = base64::engine::general_purpose::STANDARD
        .decode(&a.body_base64)
        .map_err(|e| NetError::Transport {
            url: url.to_string(),
            reason: format!("the page passed a body that is not base64 ({e})"),
        })?;
    Ok(Fetched {
        url: url.to_string(),
        body,
        content_type: a.content_type.clone(),
        fetched_at: now,
        from_cache: false,
    })
}

fn is_signed_presentation(text: &str) -> bool {
    if !text.starts_with('{') {
        return false;
    }
    serde_json::from_str::<Value>(text).is_ok_and(|v| {
        formats::types(&v)
            .iter()
            .any(|t| t == "VerifiablePresentation")
            && v.get("proof").is_some()
    })
}

fn item(source: String, kind: &'static str, report: Report, json: Option<&Value>) -> Item {
    Item {
        source,
        kind,
        headline: headline(&report),
        would_fetch: report
            .would_fetch()
            .into_iter()
            .map(str::to_string)
            .collect(),
        summary: json.map(Summary::of),
        raw: json.map(|j| serde_json::to_string_pretty(j).unwrap_or_default()),
        report,
    }
}

fn unreadable(source: &str, why: &str, now: DateTime<Utc>) -> Reply {
    let report = Report::unreadable(why, now);
    Reply {
        items: vec![item(source.to_string(), "credential", report, None)],
    }
}
