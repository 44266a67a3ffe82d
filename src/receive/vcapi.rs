//! VC-API exchanges, as the DCC Learner Credential Wallet speaks them: the
//! wallet POSTs `{}` to the exchange; a `verifiablePresentationRequest` is
//! answered with a `verifiablePresentation` signed by the learner (a DID
//! authentication, or the credentials a `QueryByExample` asks for and the
//! learner chose); credentials come back in a `verifiablePresentation`.
//! Also the DCC request link: the learner's presentation signed with the
//! link's challenge, POSTed with that challenge as bearer token.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    json_answer, post_json, Consent, Context, Finished, Json, Link, Party, ReceiveError, Sink,
};
use crate::formats::Summary;
use crate::share::bundle::{bundle, sign_presentation, BundleOptions};
use crate::store::Wallet;

/// Rounds of an exchange before Satchel stops (the protocols need two).
const MAX_ROUNDS: usize = 8;

/// The exchange URL a link leads to, and the request it already carried;
/// an interaction URL is asked (GET, JSON) for its `protocols.vcapi`.
pub fn resolve(
    ctx: &Context<'_>,
    link: Link,
    ui: &mut dyn Consent,
) -> Result<(String, Option<Value>), ReceiveError> {
    match link {
        Link::Exchange { url, request } => Ok((url, request)),
        Link::Interaction { url } => {
            ui.contacting(&Party {
                host: super::host_of(&url),
                ..Party::default()
            });
            let answer = ctx.client.get_answer(&url, "application/json", &[])?;
            let v = json_answer(&answer)?;
            match super::links::exchange_of(&v) {
                Some(Link::Exchange { url, request }) => Ok((url, request)),
                _ => Err(ReceiveError::Protocol {
                    url,
                    reason: "the interaction offers no VC-API exchange (protocols.vcapi)".into(),
                }),
            }
        }
        Link::Request { .. } | Link::CredentialOffer { .. } => Err(ReceiveError::Unsupported(
            "this link is not a VC-API exchange".into(),
        )),
    }
}

/// The types of the queries of a presentation request.
fn query_types(vpr: &Value) -> Vec<String> {
    let queries = match vpr.get("query") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    queries
        .iter()
        .filter_map(|q| q.get("type").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The party an exchange URL and its request name.
fn party_of(url: &str, vpr: Option<&Value>, name: Option<String>) -> Party {
    Party {
        host: super::host_of(url),
        name,
        domain: vpr.and_then(|v| str_field(v, "domain")),
    }
}

/// Runs a receiving exchange at `url` to its end.
pub fn receive_exchange(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    ui: &mut dyn Consent,
    url: &str,
    request: Option<Value>,
) -> Result<Finished, ReceiveError> {
    let mut party = party_of(url, request.as_ref(), None);
    let mut answer = match request {
        Some(vpr) => Json::from_link(json!({"verifiablePresentationRequest": vpr})),
        None => {
            ui.contacting(&party);
            post_json(ctx, url, &json!({}), &[])?
        }
    };
    for _ in 0..MAX_ROUNDS {
        store_credentials(ctx, sink, ui, url, &answer)?;
        if let Some(vpr) = answer.get("verifiablePresentationRequest") {
            party = party_of(url, Some(vpr), party.name.clone());
            let kinds = query_types(vpr);
            if kinds.iter().any(|k| k == "QueryByExample") {
                return Err(ReceiveError::VerifierRequest { host: party.host });
            }
            if !kinds.iter().any(|k| k == "DIDAuthentication") {
                return Err(ReceiveError::Protocol {
                    url: url.to_string(),
                    reason: format!(
                        "it asks for {}, which Satchel does not answer",
                        if kinds.is_empty() {
                            "nothing it names".to_string()
                        } else {
                            kinds.join(", ")
                        }
                    ),
                });
            }
            let vp = did_auth(ctx, url, vpr)?;
            ui.sending(
                &party,
                &format!(
                    "your DID {} (a signed DID authentication, no credentials)",
                    ctx.holder.did
                ),
            );
            answer = post_json(ctx, url, &json!({"verifiablePresentation": vp}), &[])?;
            continue;
        }
        return Ok(Finished {
            party,
            redirect_url: str_field(&answer, "redirectUrl"),
        });
    }
    Err(ReceiveError::TooManyRounds {
        url: url.to_string(),
        rounds: MAX_ROUNDS,
    })
}

/// The learner's DID authentication for a request: no credentials, the
/// request's challenge (required: without one it could be replayed) and domain.
fn did_auth(ctx: &Context<'_>, url: &str, vpr: &Value) -> Result<Value, ReceiveError> {
    let challenge = str_field(vpr, "challenge").ok_or_else(|| ReceiveError::Protocol {
        url: url.to_string(),
        reason: "its DID authentication request has no challenge".into(),
    })?;
    let opts = BundleOptions {
        challenge: Some(challenge),
        domain: str_field(vpr, "domain"),
    };
    Ok(sign_presentation(ctx.holder, Vec::new(), &opts, ctx.now)?)
}

/// The DCC request link: the learner's presentation signed with the link's
/// challenge, POSTed to `vc_request_url` with the challenge as bearer token
/// (`auth_type=bearer`, as the Learner Credential Wallet does); the answer is
/// a credential or a presentation of them.
pub fn request_link(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    ui: &mut dyn Consent,
    issuer: Option<String>,
    challenge: &str,
    url: &str,
) -> Result<Finished, ReceiveError> {
    let party = party_of(url, None, issuer);
    let opts = BundleOptions {
        challenge: Some(challenge.to_string()),
        domain: None,
    };
    let vp = sign_presentation(ctx.holder, Vec::new(), &opts, ctx.now)?;
    ui.contacting(&party);
    ui.sending(
        &party,
        &format!(
            "your DID {} (a signed DID authentication, no credentials)",
            ctx.holder.did
        ),
    );
    let bearer = format!("Bearer {challenge}");
    let answer = post_json(ctx, url, &vp, &[("Authorization", &bearer)])?;
    if answer.get("verifiablePresentation").is_some() {
        store_credentials(ctx, sink, ui, url, &answer)?;
    } else {
        let raws = if answer.get("verifiableCredential").is_some() {
            credentials_of_vp(&answer, &[])
        } else {
            vec![answer.body().to_vec()]
        };
        for (i, raw) in raws.iter().enumerate() {
            sink.accept(ctx.holder, &source_name(url, i, raws.len()), raw, ui);
        }
    }
    Ok(Finished {
        party,
        redirect_url: None,
    })
}

fn source_name(url: &str, i: usize, n: usize) -> String {
    if n == 1 {
        url.to_string()
    } else {
        format!("{url}[{i}]")
    }
}

/// Stores the credentials of an answer's `verifiablePresentation`, one by one.
fn store_credentials(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    ui: &mut dyn Consent,
    url: &str,
    answer: &Json,
) -> Result<(), ReceiveError> {
    let Some(vp) = answer.get("verifiablePresentation") else {
        return Ok(());
    };
    if !vp.is_object() {
        return Err(ReceiveError::Protocol {
            url: url.to_string(),
            reason: "its verifiablePresentation is not an object".into(),
        });
    }
    let raws = credentials_of_vp(answer, &["verifiablePresentation"]);
    for (i, raw) in raws.iter().enumerate() {
        sink.accept(ctx.holder, &source_name(url, i, raws.len()), raw, ui);
    }
    Ok(())
}

/// Each credential of the presentation at `path` in `answer`, as the bytes
/// to import: a VC-JWT's token (also from an enveloped credential), a JSON
/// credential's text exactly as the other party sent it.
fn credentials_of_vp(answer: &Json, path: &[&str]) -> Vec<Vec<u8>> {
    let mut vp: &Value = answer;
    for key in path {
        vp = vp.get(*key).unwrap_or(&Value::Null);
    }
    let (items, listed) = match vp.get("verifiableCredential") {
        Some(Value::Array(a)) => (a.iter().collect(), true),
        Some(one) => (vec![one], false),
        None => (Vec::new(), false),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let token = match c {
                Value::String(token) => Some(token.as_str()),
                c if c.get("type").and_then(Value::as_str)
                    == Some("EnvelopedVerifiableCredential") =>
                {
                    c.get("id")
                        .and_then(Value::as_str)
                        .and_then(|id| id.split_once(','))
                        .filter(|(head, _)| head.starts_with("data:application/vc+jwt"))
                        .map(|(_, token)| token)
                }
                _ => None,
            };
            if let Some(token) = token {
                return token.as_bytes().to_vec();
            }
            let index = i.to_string();
            let mut at: Vec<&str> = path.to_vec();
            at.push("verifiableCredential");
            if listed {
                at.push(&index);
            }
            answer
                .raw_at(&at)
                .map(|text| text.as_bytes().to_vec())
                .unwrap_or_else(|| serde_json::to_vec(c).unwrap_or_default())
        })
        .collect()
}

// ------------------------------------------------------------ presenting

/// One thing a verifier asks for: credentials of these types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    /// The credential types the example names (all must be present).
    pub types: Vec<String>,
    /// Why, as the verifier put it.
    pub reason: Option<String>,
}

/// A wallet credential that matches what is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Its wallet id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its issuer's name or id.
    pub issuer: Option<String>,
}

/// A verifier's request, read and matched against the wallet; nothing has
/// been sent.
#[derive(Debug, Clone, Serialize)]
pub struct VerifierRequest {
    /// The exchange URL.
    pub url: String,
    /// Who asks.
    pub party: Party,
    /// What is asked.
    pub asks: Vec<Asked>,
    /// The wallet's credentials that match.
    pub matching: Vec<Candidate>,
    #[serde(skip)]
    challenge: Option<String>,
}

fn as_strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The `QueryByExample` credential queries of a request.
fn asks_of(vpr: &Value) -> Vec<Asked> {
    let queries = match vpr.get("query") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    queries
        .into_iter()
        .filter(|q| q.get("type").and_then(Value::as_str) == Some("QueryByExample"))
        .flat_map(|q| match q.get("credentialQuery") {
            Some(Value::Array(a)) => a.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        })
        .map(|cq| Asked {
            types: as_strings(cq.pointer("/example/type"))
                .into_iter()
                .filter(|t| t != "VerifiableCredential")
                .collect(),
            reason: str_field(&cq, "reason"),
        })
        .collect()
}

fn matches(asks: &[Asked], summary: &Summary) -> bool {
    asks.iter()
        .any(|a| a.types.iter().all(|t| summary.types.contains(t)))
}

/// Reads the verifier's request a link leads to (POSTing `{}` to the
/// exchange when the link did not carry it) and finds the matching wallet
/// credentials. Nothing of the learner's is sent.
pub fn verifier_request(
    ctx: &Context<'_>,
    wallet: &Wallet,
    link: &str,
    ui: &mut dyn Consent,
) -> Result<VerifierRequest, ReceiveError> {
    let link = super::links::parse(link)?;
    if let Link::Request { vc_request_url, .. } = &link {
        return Err(ReceiveError::NotAVerifier {
            host: super::host_of(vc_request_url),
        });
    }
    let (url, request) = resolve(ctx, link, ui)?;
    let answer = match request {
        Some(vpr) => Json::from_link(json!({"verifiablePresentationRequest": vpr})),
        None => {
            ui.contacting(&party_of(&url, None, None));
            post_json(ctx, &url, &json!({}), &[])?
        }
    };
    let vpr = answer
        .get("verifiablePresentationRequest")
        .cloned()
        .unwrap_or(Value::Null);
    let party = party_of(&url, Some(&vpr), None);
    let asks = asks_of(&vpr);
    if asks.is_empty() {
        return Err(ReceiveError::NotAVerifier { host: party.host });
    }
    let mut matching = Vec::new();
    for id in wallet.ids()? {
        let Some(rec) = wallet.get(id)? else { continue };
        let summary = &rec.listed.summary;
        if matches(&asks, summary) {
            matching.push(Candidate {
                id,
                name: summary.name.clone(),
                issuer: summary
                    .issuer_name
                    .clone()
                    .or_else(|| summary.issuer_id.clone()),
            });
        }
    }
    Ok(VerifierRequest {
        url,
        party,
        asks,
        matching,
        challenge: str_field(&vpr, "challenge"),
    })
}

/// Sends the credentials the learner chose (each must match the request) in
/// a presentation signed with the request's challenge and domain. Returns
/// where the verifier asks the learner to go next, if anywhere.
pub fn present(
    ctx: &Context<'_>,
    wallet: &Wallet,
    request: &VerifierRequest,
    chosen: &[i64],
    ui: &mut dyn Consent,
) -> Result<Option<String>, ReceiveError> {
    if chosen.is_empty() {
        return Err(ReceiveError::NothingChosen);
    }
    if request.challenge.is_none() {
        return Err(ReceiveError::Protocol {
            url: request.url.clone(),
            reason: "its request has no challenge, so a presentation could be replayed; nothing was sent".into(),
        });
    }
    let mut raws = Vec::new();
    let mut names = Vec::new();
    for &id in chosen {
        let Some(c) = request.matching.iter().find(|c| c.id == id) else {
            let reason = if wallet.get(id)?.is_some() {
                "is not what the verifier asks for"
            } else {
                "is not in the wallet"
            };
            return Err(ReceiveError::Chosen {
                id,
                reason: reason.into(),
            });
        };
        let Some(rec) = wallet.get(id)? else {
            return Err(ReceiveError::Chosen {
                id,
                reason: "is not in the wallet".into(),
            });
        };
        raws.push(rec.raw);
        names.push(format!("#{id} {:?}", c.name));
    }
    let opts = BundleOptions {
        challenge: request.challenge.clone(),
        domain: request.party.domain.clone(),
    };
    let refs: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    let vp = bundle(ctx.holder, &refs, &opts, ctx.now)?;
    ui.sending(
        &request.party,
        &format!(
            "{} and your DID {}, in a presentation you sign",
            names.join(", "),
            ctx.holder.did
        ),
    );
    let answer = post_json(
        ctx,
        &request.url,
        &json!({"verifiablePresentation": vp}),
        &[],
    )?;
    Ok(str_field(&answer, "redirectUrl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_query_by_example() {
        let vpr = json!({"query": [{"type": "QueryByExample", "credentialQuery": [
            {"reason": "r", "example": {"type": ["VerifiableCredential", "OpenBadgeCredential"]}}]},
            {"type": "DIDAuthentication"}], "challenge": "c"});
        assert_eq!(
            asks_of(&vpr),
            vec![Asked {
                types: vec!["OpenBadgeCredential".into()],
                reason: Some("r".into())
            }]
        );
        assert_eq!(query_types(&vpr), ["QueryByExample", "DIDAuthentication"]);
    }

    #[test]
    fn credentials_of_a_presentation() {
        // As sent: spacing, escapes and key order kept byte for byte.
        let body = br#"{"verifiablePresentation": {"verifiableCredential": ["a.b.c",
            {"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,x.y.z"},
            { "z" : 1,
              "a": "\u00e9" }]}}"#;
        let answer = super::super::json_answer(&crate::net::http::Answer {
            url: "https://x.example/".into(),
            status: 200,
            content_type: Some("application/json".into()),
            body: body.to_vec(),
        })
        .unwrap();
        let got = credentials_of_vp(&answer, &["verifiablePresentation"]);
        assert_eq!(got[0], b"a.b.c");
        assert_eq!(got[1], b"x.y.z");
        assert_eq!(got[2], b"{ \"z\" : 1,\n              \"a\": \"\\u00e9\" }");
        // One credential, not in a list.
        let one = Json::from_link(json!({"verifiableCredential": {"a": 1}}));
        assert_eq!(credentials_of_vp(&one, &[]), vec![br#"{"a":1}"#.to_vec()]);
        assert_eq!(credentials_of_vp(&Json::from_link(json!({})), &[]).len(), 0);
    }
}
