//! The links issuers and verifiers send, read into what to do with them.
//! Nothing here touches the network.

use crate::percent::decode_form;
use serde_json::Value;

/// What a link asks of the wallet.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// A DCC credential request (`dccrequest://request?…` and its aliases):
    /// POST a presentation signed with `challenge` to `vc_request_url`.
    Request {
        /// The issuer named by the link (shown, never trusted).
        issuer: Option<String>,
        /// How to authenticate: only `bearer` (the challenge as token).
        auth_type: Option<String>,
        /// The challenge to sign (and the bearer token).
        challenge: String,
        /// Where to POST the presentation.
        vc_request_url: String,
    },
    /// A VC-API exchange: POST `{}` to `url`, unless the request it would
    /// answer came inside the link (`request`).
    Exchange {
        /// The exchange URL.
        url: String,
        /// A `verifiablePresentationRequest` the link already carried.
        request: Option<Value>,
    },
    /// An interaction URL: GET it (JSON) for the protocols it offers.
    Interaction {
        /// The URL to ask.
        url: String,
    },
    /// An OpenID4VCI credential offer (`openid-credential-offer://`).
    CredentialOffer {
        /// `credential_offer` (the offer itself) or `credential_offer_uri`.
        offer: Offer,
    },
}

/// An OpenID4VCI offer by value or by reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Offer {
    /// The offer's JSON, from `credential_offer`.
    Value(Value),
    /// The URL to fetch it from, `credential_offer_uri` (fetched once).
    Uri(String),
}

/// Why a link could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not one of the link shapes Satchel knows.
    #[error("this is not a link Satchel can receive from (expected dccrequest://, org.dcconsortium://, https://lcw.app/request.html, interaction:https://…, an https URL with iuv=1, or openid-credential-offer://)")]
    Unknown,
    /// A parameter the link needs is missing or empty.
    #[error("the link has no {0} parameter")]
    Missing(&'static str),
    /// A parameter is not what it must be.
    #[error("the link's {name} parameter {reason}")]
    Bad {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The prefixes of DCC request links (the Learner Credential Wallet's).
const REQUEST_PREFIXES: [&str; 4] = [
    "dccrequest://request?",
    "org.dcconsortium://request?",
    "https://lcw.app/request.html?",
    "https://lcw.app/request?",
];

/// Whether a program argument is a link rather than a file: one of the
/// schemes the desktop hands Satchel (`openid-credential-offer:`,
/// `dccrequest:`, `org.dcconsortium:`), `interaction:`, or an https URL
/// (`https://lcw.app/request.html?…`, an exchange URL with `iuv=1`).
pub fn looks_like_link(arg: &str) -> bool {
    let arg = arg.trim();
    [
        "openid-credential-offer:",
        "dccrequest:",
        "org.dcconsortium:",
        "interaction:",
        "https://",
    ]
    .iter()
    .any(|p| strip_prefix_ci(arg, p).is_some())
}

/// Reads a link.
pub fn parse(link: &str) -> Result<Link, LinkError> {
    let link = link.trim();
    if let Some(rest) = link.strip_prefix("interaction:") {
        return interaction(rest);
    }
    if let Some(query) = link.strip_prefix("openid-credential-offer://") {
        let query = query.trim_start_matches('/').trim_start_matches('?');
        let params = query_params(query);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let Some(offer) = get("credential_offer") {
            let v = serde_json::from_str(&offer).map_err(|e| LinkError::Bad {
                name: "credential_offer",
                reason: format!("is not JSON ({e})"),
            })?;
            return Ok(Link::CredentialOffer {
                offer: Offer::Value(v),
            });
        }
        if let Some(uri) = get("credential_offer_uri") {
            return Ok(Link::CredentialOffer {
                offer: Offer::Uri(uri),
            });
        }
        return Err(LinkError::Missing("credential_offer"));
    }
    if let Some(query) = REQUEST_PREFIXES
        .iter()
        .find_map(|p| strip_prefix_ci(link, p))
    {
        return request(&query_params(query));
    }
    if strip_prefix_ci(link, "https://").is_some() {
        let query = link.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let query = query.split('#').next().unwrap_or_default();
        if query_params(query)
            .iter()
            .any(|(k, v)| k == "iuv" && v == "1")
        {
            return interaction(link);
        }
    }
    Err(LinkError::Unknown)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn interaction(url: &str) -> Result<Link, LinkError> {
    if strip_prefix_ci(url, "https://").is_none() {
        return Err(LinkError::Bad {
            name: "interaction",
            reason: "is not an https URL".into(),
        });
    }
    Ok(Link::Interaction {
        url: url.to_string(),
    })
}

fn request(params: &[(String, String)]) -> Result<Link, LinkError> {
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, v)| n == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    if let Some(json) = get("request") {
        let v: Value = serde_json::from_str(&json).map_err(|e| LinkError::Bad {
            name: "request",
            reason: format!("is not JSON ({e})"),
        })?;
        return exchange_of(&v).ok_or(LinkError::Bad {
            name: "request",
            reason: "names no VC-API exchange (protocols.vcapi or a verifiablePresentationRequest's interact service)".into(),
        });
    }
    let challenge = get("challenge").ok_or(LinkError::Missing("challenge"))?;
    let vc_request_url = get("vc_request_url").ok_or(LinkError::Missing("vc_request_url"))?;
    let auth_type = get("auth_type");
    if let Some(a) = &auth_type {
        if !a.eq_ignore_ascii_case("bearer") {
            return Err(LinkError::Bad {
                name: "auth_type",
                reason: format!("is {a:?}; Satchel answers only auth_type=bearer"),
            });
        }
    }
    Ok(Link::Request {
        issuer: get("issuer"),
        auth_type,
        challenge,
        vc_request_url,
    })
}

/// The exchange a `{"protocols": {"vcapi": URL}}` answer or a presentation
/// request with an `interact` service names.
pub fn exchange_of(v: &Value) -> Option<Link> {
    if let Some(url) = v.pointer("/protocols/vcapi").and_then(Value::as_str) {
        return Some(Link::Exchange {
            url: url.to_string(),
            request: None,
        });
    }
    let vpr = v.get("verifiablePresentationRequest").unwrap_or(v);
    let services = vpr.pointer("/interact/service")?;
    let services = match services {
        Value::Array(a) => a.clone(),
        one => vec![one.clone()],
    };
    let url = services.iter().find_map(|s| {
        let t = s.get("type").and_then(Value::as_str)?;
        matches!(
            t,
            "VerifiableCredentialApiExchangeService" | "UnmediatedPresentationService2021"
        )
        .then(|| s.get("serviceEndpoint").and_then(Value::as_str))
        .flatten()
    })?;
    Some(Link::Exchange {
        url: url.to_string(),
        request: vpr.get("query").map(|_| vpr.clone()),
    })
}

/// `a=b&c=d` with percent-decoding (`+` as a space, as forms encode it).
fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_form(k), decode_form(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_links_of_every_prefix() {
        for prefix in REQUEST_PREFIXES {
            let link = format!("{prefix}issuer=https%3A%2F%2Fissuer.example&auth_type=bearer&challenge=c-1&vc_request_url=https%3A%2F%2Fissuer.example%2Frequest%3Fa%3D1");
            assert_eq!(
                parse(&link).unwrap(),
                Link::Request {
                    issuer: Some("https://issuer.example".into()),
                    auth_type: Some("bearer".into()),
                    challenge: "c-1".into(),
                    vc_request_url: "https://issuer.example/request?a=1".into(),
                }
            );
        }
        assert_eq!(
            parse("dccrequest://request?vc_request_url=https%3A%2F%2Fx"),
            Err(LinkError::Missing("challenge"))
        );
        assert!(matches!(
            parse("dccrequest://request?auth_type=code&challenge=c&vc_request_url=https://x"),
            Err(LinkError::Bad {
                name: "auth_type",
                ..
            })
        ));
    }

    #[test]
    fn request_parameter_and_interaction_urls() {
        let req = json!({"protocols": {"vcapi": "https://ex.example/exchanges/1"}});
        let enc: String = req
            .to_string()
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        assert_eq!(
            parse(&format!("https://lcw.app/request.html?request={enc}")).unwrap(),
            Link::Exchange {
                url: "https://ex.example/exchanges/1".into(),
                request: None
            }
        );
        let vpr = json!({"verifiablePresentationRequest": {"query": [{"type": "DIDAuthentication"}],
            "challenge": "c", "interact": {"service": [{"type": "VerifiableCredentialApiExchangeService",
            "serviceEndpoint": "https://ex.example/x"}]}}});
        let Link::Exchange { url, request } =
            parse(&format!("org.dcconsortium://request?request={vpr}")).unwrap()
        else {
            panic!()
        };
        assert_eq!(url, "https://ex.example/x");
        assert_eq!(request.unwrap()["challenge"], "c");
        assert_eq!(
            parse("interaction:https://ex.example/i/1").unwrap(),
            Link::Interaction {
                url: "https://ex.example/i/1".into()
            }
        );
        assert_eq!(
            parse("https://ex.example/i/1?iuv=1").unwrap(),
            Link::Interaction {
                url: "https://ex.example/i/1?iuv=1".into()
            }
        );
        assert_eq!(parse("https://ex.example/i/1"), Err(LinkError::Unknown));
        assert!(parse("interaction:http://ex.example/").is_err());
        assert_eq!(parse("mailto:x@example"), Err(LinkError::Unknown));
        assert_eq!(decode_form("a%2"), "a%2");
        assert_eq!(decode_form("%zz%41+"), "%zzA ");
    }

    #[test]
    fn credential_offers() {
        let link =
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo%2F1";
        assert_eq!(
            parse(link).unwrap(),
            Link::CredentialOffer {
                offer: Offer::Uri("https://i.example/o/1".into())
            }
        );
        let link = "openid-credential-offer://?credential_offer=%7B%22credential_issuer%22%3A%22https%3A%2F%2Fi.example%22%7D";
        assert!(matches!(
            parse(link).unwrap(),
            Link::CredentialOffer {
                offer: Offer::Value(_)
            }
        ));
    }
}
