//! Receiving credentials from the links issuers send, and answering a
//! verifier's request for them.
//!
//! Receiving is one more source of bytes in: every credential a server sends
//! goes through [`import_bytes`], exactly as a file would, and is stored as
//! soon as it arrives, so a later failure never loses it. The network is the
//! one client, [`HttpsFetcher`], with its rules (https only, same-host
//! redirects, no private address, size and time caps). Before anything of
//! the learner's is sent, the caller's [`Consent`] is told who gets what.
//!
//! - [`links`]: the link shapes, read without the network;
//! - [`vcapi`]: VC-API exchanges (DID authentication, QueryByExample);
//! - [`oid4vci`]: OpenID4VCI 1.0, pre-authorized code flow.

pub mod links;
pub mod oid4vci;
pub mod vcapi;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::formats;
use crate::holder::Holder;
use crate::import::{import_bytes, verify_bytes, Disposition, ImportOptions, ItemResult};
use crate::net::http::{Answer, HttpsFetcher};
use crate::net::NetError;
use crate::share::ExportError;
use crate::store::{StoreError, Wallet};
pub use links::{Link, LinkError};

/// Why receiving or presenting stopped. Credentials stored before it stopped
/// stay stored (and were reported through [`Consent::received`]).
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// The link could not be read.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// The connection failed, or broke the client's rules.
    #[error(transparent)]
    Net(#[from] NetError),
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}{detail}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// What its body said, as `: …`, or empty.
        detail: String,
    },
    /// The answer was not JSON (an HTML page, a wrong content type).
    #[error("{url} sent {what} instead of JSON; nothing was taken from it")]
    NotJson {
        /// The URL.
        url: String,
        /// What came instead.
        what: String,
    },
    /// The answer was JSON but not what the protocol says.
    #[error("{url}: {reason}")]
    Protocol {
        /// The URL.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// `receive` met a verifier's request for credentials.
    #[error(
        "{host} asks for credentials rather than offering them; answer it with `satchel present`"
    )]
    VerifierRequest {
        /// The verifier's host.
        host: String,
    },
    /// `present` met a link that offers credentials.
    #[error("{host} does not ask for credentials (no QueryByExample); to receive from it use `satchel receive`")]
    NotAVerifier {
        /// The server's host.
        host: String,
    },
    /// A credential the learner chose does not match the request.
    #[error("credential #{id} {reason}; nothing was sent")]
    Chosen {
        /// Its wallet id.
        id: i64,
        /// Why it cannot be sent.
        reason: String,
    },
    /// The offer needs a transaction code and none was given.
    #[error("this offer needs the transaction code the issuer gave you: give it with --tx-code CODE; nothing was sent")]
    TxCodeNeeded,
    /// The other party refused (an expired or used code, a wrong tx code).
    #[error("{0}")]
    Refused(String),
    /// `present` was asked to send nothing.
    #[error("choose at least one credential to send (--choose ID); nothing was sent")]
    NothingChosen,
    /// The exchange went on for more rounds than any protocol needs.
    #[error("{url} kept asking after {rounds} rounds; stopped")]
    TooManyRounds {
        /// The exchange URL.
        url: String,
        /// Rounds done.
        rounds: usize,
    },
    /// A protocol Satchel does not speak yet.
    #[error("{0}")]
    Unsupported(String),
    /// Signing the presentation failed.
    #[error(transparent)]
    Sign(#[from] ExportError),
    /// The wallet failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The other party, as the learner is told before anything is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    /// The host that will receive what is sent.
    pub host: String,
    /// The name the link or the server gave itself (unverified).
    pub name: Option<String>,
    /// The domain the request is bound to, when it gave one.
    pub domain: Option<String>,
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.host)?;
        if let Some(name) = &self.name {
            write!(f, " (calls itself {name:?})")?;
        }
        if let Some(domain) = self.domain.as_ref().filter(|d| **d != self.host) {
            write!(f, " for domain {domain}")?;
        }
        Ok(())
    }
}

/// What the caller (CLI, app) is told as the exchange goes. The command
/// itself is the learner's consent to contact the party; these calls say
/// what is about to happen, before it does.
pub trait Consent {
    /// About to contact `party` (nothing of the learner's is sent yet).
    fn contacting(&mut self, party: &Party);
    /// About to send `what` to `party`.
    fn sending(&mut self, party: &Party, what: &str);
    /// A received credential, stored or refused (called as each arrives).
    fn received(&mut self, item: &ItemResult);
    /// The transaction code an OpenID4VCI offer asks for (None: not given,
    /// nothing is sent).
    fn tx_code(&mut self, party: &Party, ask: &oid4vci::TxCodeAsk) -> Option<String>;
}

/// What every exchange needs: the client, the learner's key, "now".
pub struct Context<'a> {
    /// The HTTPS client.
    pub client: &'a HttpsFetcher,
    /// The learner.
    pub holder: &'a Holder,
    /// The time proofs are signed at.
    pub now: DateTime<Utc>,
}

/// Where received credentials go: verified and stored as an import.
pub struct Sink<'a> {
    /// The wallet.
    pub wallet: &'a mut Wallet,
    /// How to verify and whether to keep unverified ones (as import).
    pub import: &'a ImportOptions,
    /// Keep a credential issued to someone else's DID (its source says so).
    pub keep_other_subject: bool,
}

impl Sink<'_> {
    /// Verifies and stores one received credential's bytes, reporting it.
    fn accept(&mut self, holder: &Holder, source: &str, bytes: &[u8], ui: &mut dyn Consent) {
        let mut source = source.to_string();
        if let Some(other) = other_subject(bytes, &holder.did) {
            if !self.keep_other_subject {
                for mut item in verify_bytes(&source, bytes, &self.import.verify) {
                    item.result = Disposition::Refused;
                    item.message = format!(
                        "Refused: issued to {other}, not to your DID {} (use --keep-other-subject to keep it anyway, marked as such).",
                        holder.did
                    );
                    ui.received(&item);
                }
                return;
            }
            // The source is stored with the credential: the mark stays.
            source = format!("{source} (issued to {other}, not to you)");
        }
        for item in import_bytes(self.wallet, &source, bytes, self.import) {
            ui.received(&item);
        }
    }
}

/// The subject a credential names when it is not `did` (None when it names
/// `did` among its subjects, or when it cannot be read: import reports that).
fn other_subject(bytes: &[u8], did: &str) -> Option<String> {
    let items = formats::parse(bytes).ok()?;
    let cred = items.into_iter().next()?.ok()?;
    let ids: Vec<String> = match cred.json.get("credentialSubject") {
        Some(Value::Array(subjects)) => subjects
            .iter()
            .filter_map(|s| s.get("id").and_then(Value::as_str).map(str::to_string))
            .collect(),
        Some(s) => s
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    if ids.iter().any(|id| id == did) {
        return None;
    }
    Some(
        ids.into_iter()
            .next()
            .unwrap_or_else(|| "no one (it names no subject)".into()),
    )
}

/// The host of an https URL (for telling the learner who is asked).
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_ascii_lowercase()
}

/// A JSON answer: its parsed value, for reading the protocol, and its body,
/// from which a credential inside it is taken as the exact text the other
/// party sent ([`Json::raw_at`]), never a re-serialisation.
#[derive(Debug, Clone)]
pub(crate) struct Json {
    value: Value,
    body: Vec<u8>,
}

impl std::ops::Deref for Json {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.value
    }
}

impl Json {
    /// A value that came in a link rather than an answer (its text is the
    /// value written out: a link carries a request, never a credential).
    pub(crate) fn from_link(value: Value) -> Self {
        let body = serde_json::to_vec(&value).unwrap_or_default();
        Json { value, body }
    }

    /// The whole body, as sent.
    pub(crate) fn body(&self) -> &[u8] {
        &self.body
    }

    /// The JSON text at `path` (object keys; array indexes as numbers),
    /// exactly as it is in the body, or `None` when there is none.
    pub(crate) fn raw_at(&self, path: &[&str]) -> Option<&str> {
        use serde_json::value::RawValue;
        let mut cur: &RawValue = serde_json::from_slice(&self.body).ok()?;
        for key in path {
            let text = cur.get();
            cur = if text.starts_with('[') {
                let items: Vec<&RawValue> = serde_json::from_str(text).ok()?;
                *items.get(key.parse::<usize>().ok()?)?
            } else {
                // Duplicate keys: the last one wins, as in the parsed value.
                let map: std::collections::HashMap<String, &RawValue> =
                    serde_json::from_str(text).ok()?;
                *map.get(*key)?
            };
        }
        Some(cur.get())
    }
}

/// Accepts an answer as JSON: a 2xx status, a JSON media type and JSON text.
/// An error status is reported with what its body said (an OAuth `error`,
/// a `message`), an HTML page as an HTML page.
pub(crate) fn json_answer(answer: &Answer) -> Result<Json, ReceiveError> {
    let url = answer.url.clone();
    let ctype = answer.content_type.as_deref().unwrap_or_default();
    let is_json = ctype == "application/json" || ctype.ends_with("+json");
    let looks_html = ctype.contains("html")
        || answer
            .body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'<');
    if !(200..300).contains(&answer.status) {
        let detail = if looks_html {
            ", an HTML error page".to_string()
        } else {
            serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| error_text(&v))
                .map(|t| format!(": {t}"))
                .unwrap_or_default()
        };
        return Err(ReceiveError::Status {
            url,
            status: answer.status,
            detail,
        });
    }
    if !is_json {
        let what = if looks_html {
            "an HTML page".to_string()
        } else if ctype.is_empty() {
            "an answer without a content type".to_string()
        } else {
            ctype.to_string()
        };
        return Err(ReceiveError::NotJson { url, what });
    }
    let value = serde_json::from_slice(&answer.body).map_err(|e| ReceiveError::Protocol {
        url,
        reason: format!("the answer is not valid JSON ({e})"),
    })?;
    Ok(Json {
        value,
        body: answer.body.clone(),
    })
}

/// What an error body says, shortened: OAuth's `error` and
/// `error_description`, or a `message`/`error` string.
fn error_text(v: &Value) -> Option<String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let text = match (s("error"), s("error_description")) {
        (Some(e), Some(d)) => format!("{e} ({d})"),
        (Some(e), None) => e.to_string(),
        _ => s("message")?.to_string(),
    };
    Some(text.chars().take(300).collect())
}

/// POSTs `body` as JSON and reads the answer as JSON.
pub(crate) fn post_json(
    ctx: &Context<'_>,
    url: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Result<Json, ReceiveError> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let answer = ctx
        .client
        .post(url, "application/json", &bytes, "application/json", headers)?;
    json_answer(&answer)
}

/// How a receive ended (its credentials were reported as they came).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Finished {
    /// The party.
    pub party: Party,
    /// Where the issuer asked the learner to go next, if anywhere.
    pub redirect_url: Option<String>,
}

/// Receives what `link` offers: the exchange it names, run to its end.
pub fn receive(
    link: &str,
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    ui: &mut dyn Consent,
) -> Result<Finished, ReceiveError> {
    match links::parse(link)? {
        Link::CredentialOffer { offer } => oid4vci::receive_offer(ctx, sink, ui, offer),
        Link::Request {
            issuer,
            challenge,
            vc_request_url,
            ..
        } => vcapi::request_link(ctx, sink, ui, issuer, &challenge, &vc_request_url),
        other => {
            let (url, request) = vcapi::resolve(ctx, other, ui)?;
            vcapi::receive_exchange(ctx, sink, ui, &url, request)
        }
    }
}

/// What a link will do, read from the link alone (no network): shown to the
/// learner before they agree to [`receive`]. The app's consent dialog and
/// the CLI's first line are made from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// `offer` (OpenID4VCI), `request` (DCC request link), `exchange`
    /// (VC-API exchange) or `interaction` (an interaction URL).
    pub kind: &'static str,
    /// Who is contacted first (the host), and the name the link gives, if
    /// any (unverified). An OpenID4VCI issuer's display name is in its
    /// metadata, known only once contacted ([`Finished::party`]).
    pub party: Party,
    /// What will be sent if the learner agrees, in words.
    pub sends: Vec<String>,
    /// The transaction code the offer asks for, when the link says so.
    pub tx_code: Option<oid4vci::TxCodeAsk>,
    /// The offer is fetched from the issuer, so whether it asks for a
    /// transaction code is known only then ([`ReceiveError::TxCodeNeeded`]).
    pub tx_code_unknown: bool,
}

/// Reads `link` and says who it contacts and what of the learner's (their
/// `did`) it sends: nothing touches the network, nothing is signed.
pub fn preview(link: &str, did: &str) -> Result<Preview, ReceiveError> {
    let proof = format!("a proof signed by your key that you hold your DID {did}");
    let did_auth = format!("your DID {did}, in a DID authentication you sign (no credentials)");
    Ok(match links::parse(link)? {
        Link::CredentialOffer { offer } => {
            let (host, tx_code, unknown) = match &offer {
                links::Offer::Uri(uri) => (host_of(uri), None, true),
                links::Offer::Value(v) => {
                    let issuer = v
                        .get("credential_issuer")
                        .and_then(Value::as_str)
                        .filter(|i| i.starts_with("https://"))
                        .ok_or_else(|| ReceiveError::Protocol {
                            url: "the credential offer".into(),
                            reason: "the offer names no https credential_issuer".into(),
                        })?;
                    (host_of(issuer), oid4vci::tx_code_ask(v), false)
                }
            };
            let code = if tx_code.is_some() {
                "the offer's pre-authorized code and the transaction code you type"
            } else if unknown {
                "the offer's pre-authorized code (and a transaction code, if the offer asks for one)"
            } else {
                "the offer's pre-authorized code"
            };
            Preview {
                kind: "offer",
                party: Party {
                    host,
                    ..Party::default()
                },
                sends: vec![code.to_string(), proof],
                tx_code,
                tx_code_unknown: unknown,
            }
        }
        Link::Request {
            issuer,
            vc_request_url,
            ..
        } => Preview {
            kind: "request",
            party: Party {
                host: host_of(&vc_request_url),
                name: issuer,
                domain: None,
            },
            sends: vec![did_auth],
            tx_code: None,
            tx_code_unknown: false,
        },
        Link::Exchange { url, request } => Preview {
            kind: "exchange",
            party: Party {
                host: host_of(&url),
                name: None,
                domain: request
                    .as_ref()
                    .and_then(|r| r.get("domain"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            sends: vec![format!("{did_auth}, if the issuer asks for it")],
            tx_code: None,
            tx_code_unknown: false,
        },
        Link::Interaction { url } => Preview {
            kind: "interaction",
            party: Party {
                host: host_of(&url),
                ..Party::default()
            },
            sends: vec![format!("{did_auth}, if the issuer asks for it")],
            tx_code: None,
            tx_code_unknown: false,
        },
    })
}

#[cfg(test)]
mod preview_tests {
    use super::*;

    const DID: &str = "did:key:z6MkTest";

    #[test]
    fn an_offer_by_value_names_its_issuer_and_its_tx_code() {
        let offer = serde_json::json!({"credential_issuer": "https://Issuer.Example.edu",
            "credential_configuration_ids": ["x"],
            "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":
                {"pre-authorized_code": "c", "tx_code": {"length": 6, "description": "by email"}}}});
        let link = format!("openid-credential-offer://?credential_offer={offer}");
        let p = preview(&link, DID).unwrap();
        assert_eq!(p.kind, "offer");
        assert_eq!(p.party.host, "issuer.example.edu");
        assert_eq!(p.tx_code.as_ref().and_then(|t| t.length), Some(6));
        assert!(!p.tx_code_unknown);
        assert!(p.sends.iter().any(|s| s.contains(DID)));
    }

    #[test]
    fn a_request_link_names_the_host_it_posts_to_and_the_issuer_it_claims() {
        let p = preview(
            "dccrequest://request?issuer=Test%20U&challenge=c1&vc_request_url=https%3A%2F%2Fx.example%2Fissue",
            DID,
        )
        .unwrap();
        assert_eq!(p.party.host, "x.example");
        assert_eq!(p.party.name.as_deref(), Some("Test U"));
        assert!(p.sends[0].contains(DID));
        let p = preview(
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fo.example%2F1",
            DID,
        )
        .unwrap();
        assert_eq!(p.party.host, "o.example");
        assert!(p.tx_code_unknown);
        assert!(matches!(
            preview("https://example.org/page", DID),
            Err(ReceiveError::Link(LinkError::Unknown))
        ));
    }
}
