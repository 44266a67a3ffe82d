//! A loopback HTTPS issuer for the app's end-to-end tests of online checks
//! (`scripts/e2e.sh` starts it before the app; `tests/e2e/online.test.mjs`
//! imports what it writes).
//!
//! `cargo run --example e2e_issuer -- DIR` writes into DIR:
//! - `ca.pem`, the test CA (for `SATCHEL_EXTRA_CA_CERTS`) and `connect-to`,
//!   the `SATCHEL_CONNECT_TO` value sending `issuer.example.edu:443` to this
//!   server's ephemeral loopback port;
//! - the credentials the tests import: `did-web-badge.json` (a did:web issuer
//!   with a Bitstring status entry that is clear), `revoked-badge.json` (a
//!   did:key issuer, so it verifies offline, whose status list says revoked),
//!   `clr.json` (a CLR holding two achievements), `recipient-badge.json`
//!   (issued to a salted-hashed email address) and `expiring-badge.json`
//!   (valid from 30 days ago until yesterday, by this machine's clock);
//! - `offer-link.txt`, an OpenID4VCI pre-authorized offer by reference
//!   (`credential_offer_uri`, no transaction code), and `offer-tx-link.txt`,
//!   one by value whose grant asks for the transaction code `493536`; the
//!   issuer's credential endpoint issues an Open Badge to the DID of the key
//!   proof it is sent ("Received Badge", "Received With Code"), signed by
//!   the did:key registrar; every request to the offer, token and credential
//!   endpoints is appended to `requests.log` (the tests check that nothing
//!   was asked before the learner accepted);
//! - `ready` last, when the server answers;
//!
//! then serves the DID document and the status lists until it is killed (the
//! did:web issuer's to any web page, the registrar's list without CORS, so
//! the verifier page's tests see both). The
//! server is the tests' own (`tests/common/https.rs`): a fresh test CA each
//! run, reached only through the two documented overrides. Keys are fixed
//! test keys; nothing here is anyone's real credential.

#[allow(dead_code)]
#[path = "../tests/common/https.rs"]
mod https;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use https::{Reply, TestServer};
use satchel::did;
use satchel::proof::{self, Cryptosuite, ProofOptions};
use satchel::verify::status::encode_list;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const HOST: &str = "issuer.example.edu";
const DID_WEB: &str = "did:web:issuer.example.edu";
const DID_JSON: &str = "https://issuer.example.edu/.well-known/did.json";
const WEB_LIST: &str = "https://issuer.example.edu/status/web";
const KEY_LIST: &str = "https://issuer.example.edu/status/registrar";
const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const CLR_CONTEXT: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
/// The learner's address the recipient badge is issued to (salted, hashed).
const LEARNER_EMAIL: &str = "learner@example.org";

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn sign(doc: &Value, key: &SigningKey, vm: &str) -> Value {
    proof::sign(
        doc,
        key,
        &ProofOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            verification_method: vm.into(),
            proof_purpose: "assertionMethod".into(),
            created: Some("2026-01-10T09:00:00Z".into()),
            challenge: None,
            domain: None,
        },
    )
    .expect("signing a fixture")
}

fn sign_did_key(doc: &Value, key: &SigningKey) -> Value {
    let did = did::did_key_from_public(&key.verifying_key());
    sign(doc, key, &did::did_key_verification_method(&did))
}

/// An Open Badges 3.0 credential of `issuer` named `name`.
fn badge(issuer: &str, issuer_name: &str, n: usize, name: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", OB3_CONTEXT],
        "id": format!("urn:uuid:7e2e0000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": issuer, "type": ["Profile"], "name": issuer_name},
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": format!("https://issuer.example.edu/achievements/{n}"),
                "type": ["Achievement"],
                "name": name,
                "description": format!("End-to-end test achievement {n}."),
                "criteria": {"narrative": "Completed the test course."}
            }
        }
    })
}

fn status_entry(list: &str, index: usize) -> Value {
    json!({"id": format!("{list}#{index}"), "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": index.to_string(),
        "statusListCredential": list})
}

/// A revocation list of `issuer` with the bits `set`.
fn status_list(issuer: &str, url: &str, set: &[usize]) -> Value {
    let mut bits = vec![0u8; 16 * 1024];
    for i in set {
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": encode_list(&bits)}
    })
}

/// Appends one line to `requests.log`.
fn log_request(dir: &Path, what: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("requests.log"))
    {
        let _ = writeln!(f, "{what}");
    }
}

const OFFER_URI: &str = "https://issuer.example.edu/offers/1";
const TOKEN: &str = "https://issuer.example.edu/token";
const NONCE: &str = "https://issuer.example.edu/nonce";
const CREDENTIAL: &str = "https://issuer.example.edu/credential";
const PRE_AUTH: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// The transaction code the second offer asks for.
const TX_CODE: &str = "493536";

/// `a=b&c=d`, percent-decoded.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match (b[i], b.get(i + 1..i + 3)) {
                (b'%', Some(h)) => match u8::from_str_radix(&String::from_utf8_lossy(h), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                },
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The DID whose key signed the request's `openid4vci-proof+jwt` (its `kid`).
fn proof_did(req: &Value) -> Option<String> {
    use base64::Engine;
    let jwt = req.pointer("/proofs/jwt/0")?.as_str()?;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(jwt.split('.').next()?)
        .ok()?;
    let header: Value = serde_json::from_slice(&header).ok()?;
    let kid = header.get("kid")?.as_str()?;
    Some(kid.split('#').next()?.to_string())
}

/// The OpenID4VCI pre-authorized issuer: two offers, the token endpoint
/// (checking the transaction code), the nonce and credential endpoints.
fn serve_openid4vci(server: &TestServer, dir: &Path, registrar: SigningKey, registrar_did: String) {
    let offer = |code: &str, config: &str, tx: bool| {
        let mut grant = json!({"pre-authorized_code": code});
        if tx {
            grant["tx_code"] = json!({"length": 6, "input_mode": "numeric",
                "description": "Sent to your email"});
        }
        json!({"credential_issuer": "https://issuer.example.edu",
            "credential_configuration_ids": [config],
            "grants": {PRE_AUTH: grant}})
    };
    let by_ref = offer("code-1", "ReceivedBadge_ldp", false);
    let by_value = offer("code-2", "ReceivedWithCode_ldp", true);
    let enc = satchel::percent::encode;
    std::fs::write(
        dir.join("offer-link.txt"),
        format!(
            "openid-credential-offer://?credential_offer_uri={}",
            enc(OFFER_URI)
        ),
    )
    .expect("writing offer-link.txt");
    std::fs::write(
        dir.join("offer-tx-link.txt"),
        format!(
            "openid-credential-offer://?credential_offer={}",
            enc(&by_value.to_string())
        ),
    )
    .expect("writing offer-tx-link.txt");

    let d = dir.to_path_buf();
    server.serve(
        OFFER_URI,
        Reply::Answer(Arc::new(move |_| {
            log_request(&d, "offer");
            Reply::json("application/json", &by_ref)
        })),
    );
    let config = json!({"format": "ldp_vc",
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}}});
    server.serve(
        "https://issuer.example.edu/.well-known/openid-credential-issuer",
        Reply::json(
            "application/json",
            &json!({"credential_issuer": "https://issuer.example.edu",
                "credential_endpoint": CREDENTIAL, "nonce_endpoint": NONCE,
                "display": [{"name": "Test University"}],
                "credential_configurations_supported": {
                    "ReceivedBadge_ldp": config, "ReceivedWithCode_ldp": config}}),
        ),
    );
    server.serve(
        "https://issuer.example.edu/.well-known/oauth-authorization-server",
        Reply::json(
            "application/json",
            &json!({"issuer": "https://issuer.example.edu", "token_endpoint": TOKEN}),
        ),
    );
    let d = dir.to_path_buf();
    server.serve(
        TOKEN,
        Reply::Answer(Arc::new(move |body| {
            let pairs = form_pairs(body);
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            log_request(&d, &format!("token {}", get("pre-authorized_code").unwrap_or("-")));
            let ok = match get("pre-authorized_code") {
                Some("code-1") => true,
                Some("code-2") => get("tx_code") == Some(TX_CODE),
                _ => false,
            };
            if !ok || get("grant_type") != Some(PRE_AUTH) {
                return Reply::StatusBody(
                    400,
                    "application/json",
                    br#"{"error":"invalid_grant","error_description":"unknown code or wrong tx_code"}"#
                        .to_vec(),
                );
            }
            Reply::json(
                "application/json",
                &json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300}),
            )
        })),
    );
    server.serve(
        NONCE,
        Reply::json("application/json", &json!({"c_nonce": "n-1"})),
    );
    let d = dir.to_path_buf();
    server.serve(
        CREDENTIAL,
        Reply::Answer(Arc::new(move |body| {
            log_request(&d, "credential");
            let req: Value = serde_json::from_slice(body).unwrap_or_default();
            let Some(subject) = proof_did(&req) else {
                return Reply::StatusBody(
                    400,
                    "application/json",
                    br#"{"error":"invalid_proof"}"#.to_vec(),
                );
            };
            let (n, name) = match req
                .get("credential_configuration_id")
                .and_then(Value::as_str)
            {
                Some("ReceivedWithCode_ldp") => (8, "Received With Code"),
                _ => (7, "Received Badge"),
            };
            let mut cred = badge(&registrar_did, "Registrar Office", n, name);
            cred["credentialSubject"]["id"] = json!(subject);
            let cred = sign_did_key(&cred, &registrar);
            Reply::json(
                "application/json",
                &json!({"credentials": [{"credential": cred}]}),
            )
        })),
    );
}

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: e2e_issuer DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir).expect("the output folder");
    let write = |name: &str, v: &Value| {
        std::fs::write(dir.join(name), serde_json::to_vec_pretty(v).unwrap()).expect("writing");
    };

    // The did:web issuer: its DID document and a status list with nothing set.
    let web = key(61);
    let web_vm = format!("{DID_WEB}#key-1");
    let did_doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID_WEB,
        "verificationMethod": [{"id": web_vm, "type": "Multikey", "controller": DID_WEB,
            "publicKeyMultibase": did::multibase_ed25519(&web.verifying_key())}],
        "assertionMethod": [web_vm]
    });
    let mut web_badge = badge(DID_WEB, "Web Issuer University ®", 1, "Web Accessibility ®");
    web_badge["credentialStatus"] = status_entry(WEB_LIST, 3);
    write("did-web-badge.json", &sign(&web_badge, &web, &web_vm));
    let web_list = sign(&status_list(DID_WEB, WEB_LIST, &[7]), &web, &web_vm);

    // A did:key registrar (verifies offline) whose list revokes its badge.
    let registrar = key(62);
    let registrar_did = did::did_key_from_public(&registrar.verifying_key());
    let mut revoked = badge(
        &registrar_did,
        "Registrar Office",
        2,
        "Withdrawn Certificate",
    );
    revoked["credentialStatus"] = status_entry(KEY_LIST, 5);
    write("revoked-badge.json", &sign_did_key(&revoked, &registrar));
    let registrar_list = sign_did_key(&status_list(&registrar_did, KEY_LIST, &[5]), &registrar);

    // A CLR of the registrar holding two achievements.
    let courses = [(3, "Course A: Statistics"), (4, "Course B: Ethics")].map(|(n, name)| {
        sign_did_key(
            &badge(&registrar_did, "Registrar Office", n, name),
            &registrar,
        )
    });
    let clr = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", CLR_CONTEXT, OB3_CONTEXT],
        "id": "urn:uuid:7e2e0000-0000-4000-8000-0000000000c1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": registrar_did, "type": ["Profile"], "name": "Registrar Office"},
        "validFrom": "2026-01-10T09:00:00Z",
        "name": "Transcript 2026",
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": courses}
    });
    write("clr.json", &sign_did_key(&clr, &registrar));

    // A badge naming its recipient by salted SHA-256 of an email address.
    let salt = "e2e-salt";
    let digest = Sha256::digest(format!("{LEARNER_EMAIL}{salt}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let mut mine = badge(&registrar_did, "Registrar Office", 5, "Badge for a Learner");
    mine["credentialSubject"]["identifier"] = json!([{"type": "IdentityObject",
        "identityType": "emailAddress", "hashed": true, "salt": salt,
        "identityHash": format!("sha256${hex}")}]);
    write("recipient-badge.json", &sign_did_key(&mine, &registrar));

    // A badge that expired yesterday (dates relative to today, so the test
    // can import it as of a day it was valid and see it shown expired now).
    let day = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%dT00:00:00Z")
            .to_string()
    };
    let mut expiring = badge(&registrar_did, "Registrar Office", 6, "Expiring Pass");
    expiring["validFrom"] = day(-30).into();
    expiring["validUntil"] = day(-1).into();
    write("expiring-badge.json", &sign_did_key(&expiring, &registrar));

    let server = TestServer::start(&[HOST]);
    let vc = "application/vc+ld+json";
    // The did:web issuer lets web pages read its documents (the verifier
    // page's Check online); the registrar does not, as many servers don't.
    let shared = |ctype, v: &Value| Reply::Shared(ctype, serde_json::to_vec(v).unwrap());
    server.serve(DID_JSON, shared("application/did+json", &did_doc));
    server.serve(WEB_LIST, shared(vc, &web_list));
    server.serve(KEY_LIST, Reply::json(vc, &registrar_list));
    serve_openid4vci(&server, &dir, registrar.clone(), registrar_did.clone());
    std::fs::write(dir.join("ca.pem"), &server.ca_pem).expect("writing ca.pem");
    std::fs::write(dir.join("connect-to"), server.connect_to()).expect("writing connect-to");
    std::fs::write(dir.join("ready"), format!("{}\n", server.port)).expect("writing ready");
    eprintln!(
        "e2e_issuer: serving https://{HOST}/ on 127.0.0.1:{}",
        server.port
    );
    loop {
        std::thread::park();
    }
}
