//! The one way Satchel reaches the network: [`Fetcher`].
//!
//! Everything that needs a document from the web (did:web DID documents,
//! issuer profiles publishing keys, status lists, hosted Open Badges 2.0
//! assertions) asks a [`Fetcher`]. The learner's consent decides which one the
//! caller hands to verification: [`Offline`] (the default) answers every
//! request with [`NetError::Offline`] naming the URL it would have fetched, so
//! a check can say exactly what it did not look up.
//!
//! Invariant: nothing in the library opens a connection except through this
//! trait; JSON-LD contexts are never fetched (they are shipped).

use std::fmt;

use chrono::{DateTime, Utc};

/// A document fetched over HTTPS (or an earlier answer from the cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL that was asked for.
    pub url: String,
    /// The response body.
    pub body: Vec<u8>,
    /// The `Content-Type` the server sent, if any (lower case, without parameters).
    pub content_type: Option<String>,
    /// When the body was fetched from the server.
    pub fetched_at: DateTime<Utc>,
    /// True when this is a stored earlier answer, not a fresh one.
    pub from_cache: bool,
}

impl Fetched {
    /// Whether the server said the body is JSON (`application/json` or any
    /// `+json` type such as `application/did+json`, `application/ld+json`).
    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t == "application/json" || t.ends_with("+json"))
    }
}

/// Why a document could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// Online checks are off: nothing was fetched.
    #[error("{url} would be fetched, but online checks are off")]
    Offline {
        /// The URL that would have been fetched.
        url: String,
    },
    /// Not an `https://` URL, or not a URL at all.
    #[error("{url} is not an https URL Satchel will fetch: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The host resolves to an address Satchel never connects to.
    #[error("{url} was not fetched: its host resolves to {address}, a private, loopback or link-local address")]
    Blocked {
        /// The URL.
        url: String,
        /// The refused address.
        address: String,
    },
    /// A redirect to another host (or a non-https URL) was refused.
    #[error("{url} redirects to {to}, which is not on the same host; not followed")]
    Redirect {
        /// The URL asked for.
        url: String,
        /// Where it redirected.
        to: String,
    },
    /// The answer was larger than allowed.
    #[error("{url} sent more than {limit} bytes; stopped reading")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Connecting or reading took too long.
    #[error("{url} did not answer in time")]
    Timeout {
        /// The URL.
        url: String,
    },
    /// The server answered with an HTTP error status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// Name resolution, connection or TLS failed.
    #[error("{url} could not be fetched: {reason}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

impl NetError {
    /// The URL the error is about.
    pub fn url(&self) -> &str {
        match self {
            NetError::Offline { url }
            | NetError::BadUrl { url, .. }
            | NetError::Blocked { url, .. }
            | NetError::Redirect { url, .. }
            | NetError::TooLarge { url, .. }
            | NetError::Timeout { url }
            | NetError::Status { url, .. }
            | NetError::Transport { url, .. } => url,
        }
    }
}

/// Fetches documents over HTTPS; the only HTTP client API in Satchel.
pub trait Fetcher: Send + Sync {
    /// GETs `url` with the `Accept` header `accept`.
    fn get(&self, url: &str, accept: &str) -> Result<Fetched, NetError>;

    /// The last stored answer for `url`, without touching the network
    /// (`from_cache` is true; `fetched_at` says how old it is).
    fn cached(&self, _url: &str) -> Option<Fetched> {
        None
    }

    /// Whether this fetcher may contact the network at all.
    fn online(&self) -> bool {
        true
    }
}

impl fmt::Debug for dyn Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Fetcher({})",
            if self.online() { "online" } else { "offline" }
        )
    }
}

/// The fetcher used when online checks are off: every request is
/// [`NetError::Offline`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Offline;

impl Fetcher for Offline {
    fn get(&self, url: &str, _accept: &str) -> Result<Fetched, NetError> {
        Err(NetError::Offline {
            url: url.to_string(),
        })
    }

    fn online(&self) -> bool {
        false
    }
}

/// Answers fetched beforehand by the caller (the browser verifier fetches
/// with the browser's own `fetch`, which is asynchronous, then verifies
/// again with what it got). A URL without an answer is
/// [`NetError::Offline`], so its check says what it would fetch.
#[derive(Debug, Clone, Default)]
pub struct Prefetched {
    answers: std::collections::BTreeMap<String, Result<Fetched, NetError>>,
    online: bool,
}

impl Prefetched {
    /// No answers yet; `online` says whether the person asked for online
    /// checks (then a check that could not be completed says so).
    pub fn new(online: bool) -> Prefetched {
        Prefetched {
            answers: Default::default(),
            online,
        }
    }

    /// Records the answer (or the error) for `url`.
    pub fn insert(&mut self, url: impl Into<String>, answer: Result<Fetched, NetError>) {
        self.answers.insert(url.into(), answer);
    }
}

impl Fetcher for Prefetched {
    fn get(&self, url: &str, _accept: &str) -> Result<Fetched, NetError> {
        self.answers.get(url).cloned().unwrap_or_else(|| {
            Err(NetError::Offline {
                url: url.to_string(),
            })
        })
    }

    fn online(&self) -> bool {
        self.online
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_names_the_url_it_would_fetch() {
        let e = Offline
            .get("https://issuer.example.edu/.well-known/did.json", "*/*")
            .unwrap_err();
        assert_eq!(
            e,
            NetError::Offline {
                url: "https://issuer.example.edu/.well-known/did.json".into()
            }
        );
        assert_eq!(e.url(), "https://issuer.example.edu/.well-known/did.json");
        assert!(!Offline.online());
        assert!(Offline.cached("https://x.example/").is_none());
    }

    #[test]
    fn json_content_types() {
        let mut f = Fetched {
            url: "https://x.example/".into(),
            body: vec![],
            content_type: Some("application/did+json".into()),
            fetched_at: Utc::now(),
            from_cache: false,
        };
        assert!(f.is_json());
        f.content_type = Some("text/html".into());
        assert!(!f.is_json());
        f.content_type = None;
        assert!(!f.is_json());
    }
}
