//! OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow:
//! the offer (by value, or fetched once from `credential_offer_uri`), the
//! issuer's metadata (`/.well-known/openid-credential-issuer`), the token
//! endpoint of its authorization server (`pre-authorized_code` grant, with
//! the transaction code the learner types when the offer asks for one), the
//! nonce endpoint, and one credential request per offered configuration
//! with an `openid4vci-proof+jwt` signed by the learner's key (EdDSA, `kid`
//! the did:key verification method). Credentials come back as
//! `jwt_vc_json` (a token) or `ldp_vc` (JSON) and go to the [`Sink`].

use base64::Engine;
use ed25519_dalek::Signer;
use serde_json::{json, Value};

use super::links::Offer;
use super::{json_answer, post_json, Consent, Context, Finished, Json, Party, ReceiveError, Sink};

const PRE_AUTH: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

fn protocol(url: &str, reason: impl Into<String>) -> ReceiveError {
    ReceiveError::Protocol {
        url: url.to_string(),
        reason: reason.into(),
    }
}

fn get_json(ctx: &Context<'_>, url: &str) -> Result<Json, ReceiveError> {
    json_answer(&ctx.client.get_answer(url, "application/json", &[])?)
}

/// `https://host/path` + well-known `name` → `https://host/.well-known/name/path`.
fn well_known(base: &str, name: &str) -> String {
    let base = base.trim_end_matches('/');
    let after = base.strip_prefix("https://").unwrap_or(base);
    match after.split_once('/') {
        Some((host, path)) => format!("https://{host}/.well-known/{name}/{path}"),
        None => format!("https://{after}/.well-known/{name}"),
    }
}

/// `application/x-www-form-urlencoded` of the pairs.
fn form(pairs: &[(&str, &str)]) -> String {
    use crate::percent::encode as enc;
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the offer's transaction code looks like, for the prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TxCodeAsk {
    /// The issuer's description of where the code is found.
    pub description: Option<String>,
    /// Its length, when given.
    pub length: Option<u64>,
    /// `numeric` or `text`.
    pub input_mode: Option<String>,
}

/// The transaction code an offer's pre-authorized grant asks for, if any.
pub fn tx_code_ask(offer: &Value) -> Option<TxCodeAsk> {
    let t = offer.pointer("/grants")?.get(PRE_AUTH)?.get("tx_code")?;
    Some(TxCodeAsk {
        description: t
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        length: t.get("length").and_then(Value::as_u64),
        input_mode: t
            .get("input_mode")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// Runs the pre-authorized code flow of an offer to its end.
pub fn receive_offer(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    ui: &mut dyn Consent,
    offer: Offer,
) -> Result<Finished, ReceiveError> {
    let (offer, offer_url) = match offer {
        Offer::Value(v) => (Json::from_link(v), "the credential offer".to_string()),
        Offer::Uri(uri) => {
            ui.contacting(&Party {
                host: super::host_of(&uri),
                ..Party::default()
            });
            (get_json(ctx, &uri)?, uri)
        }
    };
    let issuer = offer
        .get("credential_issuer")
        .and_then(Value::as_str)
        .filter(|i| i.starts_with("https://"))
        .ok_or_else(|| protocol(&offer_url, "the offer names no https credential_issuer"))?
        .to_string();
    let ids: Vec<String> = offer
        .get("credential_configuration_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(protocol(
            &offer_url,
            "the offer names no credential_configuration_ids",
        ));
    }
    let grant = offer
        .pointer("/grants")
        .and_then(|g| g.get(PRE_AUTH))
        .ok_or_else(|| {
            ReceiveError::Unsupported(
                "this offer needs the authorization code flow (a browser login), which Satchel does not do yet; nothing was sent".into(),
            )
        })?;
    let code = grant
        .get("pre-authorized_code")
        .and_then(Value::as_str)
        .ok_or_else(|| protocol(&offer_url, "its pre-authorized grant has no code"))?
        .to_string();
    let tx_ask = tx_code_ask(&offer);

    let mut party = Party {
        host: super::host_of(&issuer),
        ..Party::default()
    };
    ui.contacting(&party);
    let meta_url = well_known(&issuer, "openid-credential-issuer");
    let meta = get_json(ctx, &meta_url)?;
    if meta.get("credential_issuer").and_then(Value::as_str) != Some(issuer.as_str()) {
        return Err(protocol(
            &meta_url,
            format!("its metadata is for another issuer than {issuer}"),
        ));
    }
    party.name = meta
        .pointer("/display/0/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let credential_endpoint = meta
        .get("credential_endpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| protocol(&meta_url, "its metadata has no credential_endpoint"))?
        .to_string();
    let nonce_endpoint = meta
        .get("nonce_endpoint")
        .and_then(Value::as_str)
        .map(str::to_string);
    let token_endpoint = token_endpoint(ctx, &issuer, &meta)?;

    let tx_code = match &tx_ask {
        Some(ask) => Some(ui.tx_code(&party, ask).ok_or(ReceiveError::TxCodeNeeded)?),
        None => None,
    };
    let mut pairs = vec![
        ("grant_type", PRE_AUTH),
        ("pre-authorized_code", code.as_str()),
    ];
    if let Some(t) = &tx_code {
        pairs.push(("tx_code", t.as_str()));
    }
    let body = form(&pairs);
    ui.sending(
        &party,
        &format!(
            "the offer's pre-authorized code{} (to {})",
            if tx_code.is_some() {
                " and the transaction code you typed"
            } else {
                ""
            },
            super::host_of(&token_endpoint)
        ),
    );
    let token = ctx.client.post(
        &token_endpoint,
        "application/x-www-form-urlencoded",
        body.as_bytes(),
        "application/json",
        &[],
    )?;
    let token = match json_answer(&token) {
        Err(ReceiveError::Status { status, detail, .. })
            if (400..500).contains(&status) && detail.contains("invalid_grant") =>
        {
            return Err(ReceiveError::Refused(format!(
                "{} did not accept the code{detail}: the offer may have expired or been used already{}",
                super::host_of(&token_endpoint),
                if tx_code.is_some() {
                    ", or the transaction code is wrong"
                } else {
                    ""
                }
            )));
        }
        other => other?,
    };
    let access = token
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| protocol(&token_endpoint, "its token answer has no access_token"))?
        .to_string();
    let mut nonce = token
        .get("c_nonce")
        .and_then(Value::as_str)
        .map(str::to_string);
    let bearer = format!("Bearer {access}");
    for (n, id) in ids.iter().enumerate() {
        if let Some(endpoint) = &nonce_endpoint {
            let answer =
                ctx.client
                    .post(endpoint, "application/json", b"", "application/json", &[])?;
            nonce = json_answer(&answer)?
                .get("c_nonce")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        let proof = proof_jwt(ctx, &issuer, nonce.as_deref());
        ui.sending(
            &party,
            &format!(
                "a proof that you hold your DID {} (for credential {id:?})",
                ctx.holder.did
            ),
        );
        let answer = post_json(
            ctx,
            &credential_endpoint,
            &json!({"credential_configuration_id": id, "proofs": {"jwt": [proof]}}),
            &[("Authorization", &bearer)],
        )?;
        // 1.0: {"credentials": [{"credential": …}]}; earlier drafts: {"credential": …}.
        let creds: Vec<(Value, Vec<String>)> =
            match answer.get("credentials").and_then(Value::as_array) {
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match c.get("credential") {
                        Some(inner) => (
                            inner.clone(),
                            vec!["credentials".into(), i.to_string(), "credential".into()],
                        ),
                        None => (c.clone(), vec!["credentials".into(), i.to_string()]),
                    })
                    .collect(),
                None => answer
                    .get("credential")
                    .map(|c| (c.clone(), vec!["credential".to_string()]))
                    .into_iter()
                    .collect(),
            };
        if creds.is_empty() {
            return Err(protocol(
                &credential_endpoint,
                "it answered no credential (a deferred issuance, which Satchel does not wait for)",
            ));
        }
        for (i, (c, at)) in creds.iter().enumerate() {
            // A token as its text; JSON exactly as the issuer wrote it.
            let at: Vec<&str> = at.iter().map(String::as_str).collect();
            let raw = match c {
                Value::String(token) => token.as_bytes().to_vec(),
                c => answer.raw_at(&at).map_or_else(
                    || serde_json::to_vec(c).unwrap_or_default(),
                    |text| text.as_bytes().to_vec(),
                ),
            };
            let source = format!("{credential_endpoint}#{}", n + i);
            sink.accept(ctx.holder, &source, &raw, ui);
        }
        nonce = answer
            .get("c_nonce")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(nonce);
    }
    Ok(Finished {
        party,
        redirect_url: None,
    })
}

/// The token endpoint of the issuer's authorization server: from its OAuth
/// metadata (RFC 8414), or its OpenID Connect discovery document when it
/// publishes only that (RFC 8414 §5); an issuer of the earlier drafts may
/// name it in its own metadata (`token_endpoint`, `authorization_server`).
fn token_endpoint(ctx: &Context<'_>, issuer: &str, meta: &Value) -> Result<String, ReceiveError> {
    if let Some(t) = meta.get("token_endpoint").and_then(Value::as_str) {
        return Ok(t.to_string());
    }
    let auth_server = meta
        .pointer("/authorization_servers/0")
        .or_else(|| meta.get("authorization_server"))
        .and_then(Value::as_str)
        .unwrap_or(issuer);
    let as_url = well_known(auth_server, "oauth-authorization-server");
    let (as_url, as_meta) = match get_json(ctx, &as_url) {
        Ok(m) => (as_url, m),
        Err(ReceiveError::Status { status: 404, .. }) => {
            let oidc = format!(
                "{}/.well-known/openid-configuration",
                auth_server.trim_end_matches('/')
            );
            let m = get_json(ctx, &oidc)?;
            (oidc, m)
        }
        Err(e) => return Err(e),
    };
    as_meta
        .get("token_endpoint")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| protocol(&as_url, "its metadata has no token_endpoint"))
}

/// The key proof: a JWT of type `openid4vci-proof+jwt`, EdDSA, `kid` the
/// learner's did:key verification method, for the issuer with its nonce.
fn proof_jwt(ctx: &Context<'_>, issuer: &str, nonce: Option<&str>) -> String {
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA",
        "kid": ctx.holder.verification_method()});
    let mut claims = json!({"aud": issuer, "iat": ctx.now.timestamp()});
    if let Some(n) = nonce {
        claims["nonce"] = json!(n);
    }
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig = ctx.holder.signing_key().sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_insert_before_the_path() {
        assert_eq!(
            well_known("https://i.example", "openid-credential-issuer"),
            "https://i.example/.well-known/openid-credential-issuer"
        );
        assert_eq!(
            well_known("https://i.example/tenant/1/", "oauth-authorization-server"),
            "https://i.example/.well-known/oauth-authorization-server/tenant/1"
        );
        assert_eq!(form(&[("a b", "c&d=é")]), "a%20b=c%26d%3D%C3%A9");
    }
}
