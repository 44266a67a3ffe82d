//! Online checks against a loopback HTTPS server (tests/common/https.rs) that
//! answers for real host names through `SATCHEL_CONNECT_TO` and
//! `SATCHEL_EXTRA_CA_CERTS`: the HTTPS client's rules, did:web and HTTPS
//! issuer keys, status lists, known issuers, and the CLI's `--online`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::https::{Reply, TestServer};
use common::{did_of, issuer_key, ob3, stdout_json};
use ed25519_dalek::SigningKey;
use satchel::did::{self, DefaultResolver, KeyResolver, PublicKey};
use satchel::formats;
use satchel::net::cache::{Cache, OfflineWithCache};
use satchel::net::http::{HttpsFetcher, Limits, Overrides};
use satchel::net::{Fetcher, NetError};
use satchel::proof::{self, Cryptosuite, ProofOptions};
use satchel::verify::status::encode_list;
use satchel::verify::{self, CheckStatus, Outcome, Report, VerifyOptions};
use serde_json::{json, Value};

const HOST: &str = "issuer.example.edu";
const DID_WEB: &str = "did:web:issuer.example.edu";
const DID_JSON: &str = "https://issuer.example.edu/.well-known/did.json";
const DID_CT: &str = "application/did+json";

fn server() -> TestServer {
    TestServer::start(&[HOST, "other.example.org"])
}

fn fetcher(s: &TestServer) -> Arc<HttpsFetcher> {
    Arc::new(HttpsFetcher::new(&s.overrides(), Limits::default(), None))
}

fn now() -> DateTime<Utc> {
    verify::parse_datetime("2026-11-26T12:00:00Z").unwrap()
}

fn online(s: &TestServer) -> VerifyOptions {
    VerifyOptions::with_fetcher(now(), fetcher(s))
}

/// Signs `doc` with `key` as verification method `vm`.
fn sign_as(doc: &Value, key: &SigningKey, vm: &str, suite: Cryptosuite) -> Value {
    proof::sign(
        doc,
        key,
        &ProofOptions {
            suite,
            verification_method: vm.into(),
            proof_purpose: "assertionMethod".into(),
            created: Some("2024-03-01T09:00:00Z".into()),
            challenge: None,
            domain: None,
        },
    )
    .unwrap()
}

fn verify_json(v: &Value, opts: &VerifyOptions) -> Report {
    let bytes = serde_json::to_vec(v).unwrap();
    let cred = formats::parse(&bytes).unwrap().remove(0).unwrap();
    verify::verify_credential(&cred, opts)
}

fn status_of<'a>(r: &'a Report, check: &str) -> (CheckStatus, &'a str) {
    let c = r
        .check(check)
        .unwrap_or_else(|| panic!("no {check} check in {r:?}"));
    (c.status, c.message.as_str())
}

/// A DID document for `did` publishing `method` (relative id `#key-1`) for assertions.
fn did_doc(did: &str, method: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [format!("{did}#key-1")]
    })
}

fn multikey(controller: &str, key: &SigningKey) -> Value {
    json!({"id": format!("{controller}#key-1"), "type": "Multikey", "controller": controller,
        "publicKeyMultibase": did::multibase_ed25519(&key.verifying_key())})
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

// ---------------------------------------------------------------- the client

#[test]
fn fetches_real_host_names_through_the_overrides_and_caches() {
    let s = server();
    let url = "https://issuer.example.edu/doc.json";
    s.serve(
        url,
        Reply::json("application/json; charset=utf-8", &json!({"a": 1})),
    );
    let dir = tempfile::tempdir().unwrap();
    let cache = Arc::new(Cache::open(&dir.path().join("c.netcache")).unwrap());
    let f = HttpsFetcher::new(&s.overrides(), Limits::default(), Some(cache.clone()));
    let got = f.get(url, "application/json").unwrap();
    assert_eq!(got.body, br#"{"a":1}"#);
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert!(!got.from_cache && got.is_json());
    assert_eq!(s.hits(url), 1);
    // Offline later: the stored answer, with when it was fetched.
    let off = OfflineWithCache(cache);
    assert!(matches!(off.get(url, "*/*"), Err(NetError::Offline { .. })));
    let stored = off.cached(url).unwrap();
    assert!(stored.from_cache);
    assert_eq!(stored.body, got.body);
    assert_eq!(stored.fetched_at, got.fetched_at);
    assert_eq!(s.hits(url), 1);
}

#[test]
fn a_huge_body_is_cut_off() {
    let s = server();
    let url = "https://issuer.example.edu/huge";
    s.serve(url, Reply::Huge(64 * 1024 * 1024));
    let limits = Limits {
        max_body_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let f = HttpsFetcher::new(&s.overrides(), limits, None);
    assert_eq!(
        f.get(url, "*/*").unwrap_err(),
        NetError::TooLarge {
            url: url.into(),
            limit: 1024 * 1024
        }
    );
}

#[test]
fn a_slow_body_times_out() {
    let s = server();
    let url = "https://issuer.example.edu/slow";
    s.serve(url, Reply::Slow(Duration::from_millis(50)));
    let limits = Limits {
        total_timeout: Duration::from_millis(800),
        ..Limits::default()
    };
    let f = HttpsFetcher::new(&s.overrides(), limits, None);
    assert_eq!(
        f.get(url, "*/*").unwrap_err(),
        NetError::Timeout { url: url.into() }
    );
}

#[test]
fn redirects_stay_on_the_same_host_and_never_reach_loopback() {
    let s = server();
    let f = fetcher(&s);
    // Same host: followed.
    s.serve(
        "https://issuer.example.edu/old",
        Reply::Redirect("/new".into()),
    );
    s.serve(
        "https://issuer.example.edu/new",
        Reply::json("application/json", &json!({"moved": true})),
    );
    let got = f.get("https://issuer.example.edu/old", "*/*").unwrap();
    assert_eq!(got.body, br#"{"moved":true}"#);
    // A public name redirecting to 127.0.0.1 (where this very server listens).
    let to_loopback = format!("https://127.0.0.1:{}/secret", s.port);
    s.serve(
        "https://issuer.example.edu/evil",
        Reply::Redirect(to_loopback.clone()),
    );
    assert_eq!(
        f.get("https://issuer.example.edu/evil", "*/*").unwrap_err(),
        NetError::Redirect {
            url: "https://issuer.example.edu/evil".into(),
            to: to_loopback
        }
    );
    // Another host, even one the overrides know: not followed.
    s.serve(
        "https://issuer.example.edu/away",
        Reply::Redirect("https://other.example.org/x".into()),
    );
    assert!(matches!(
        f.get("https://issuer.example.edu/away", "*/*"),
        Err(NetError::Redirect { .. })
    ));
    assert_eq!(s.hits("https://other.example.org/x"), 0);
    // A name that resolves to loopback without an override is refused.
    assert!(matches!(
        f.get(&format!("https://localhost:{}/x", s.port), "*/*"),
        Err(NetError::Blocked { .. })
    ));
}

#[test]
fn an_unknown_ca_and_http_errors_are_refused() {
    let s = server();
    let url = "https://issuer.example.edu/doc.json";
    s.serve(url, Reply::json("application/json", &json!({})));
    // The overrides' address rule without the test CA: the TLS handshake fails.
    let no_ca = Overrides {
        extra_ca_der: vec![],
        ..s.overrides()
    };
    let f = HttpsFetcher::new(&no_ca, Limits::default(), None);
    assert!(matches!(f.get(url, "*/*"), Err(NetError::Transport { .. })));
    assert_eq!(
        fetcher(&s)
            .get("https://issuer.example.edu/missing", "*/*")
            .unwrap_err(),
        NetError::Status {
            url: "https://issuer.example.edu/missing".into(),
            status: 404
        }
    );
}

// ------------------------------------------------------- did:web and HTTPS keys

/// A credential from the did:web issuer, signed with `key` as `#key-1`.
fn did_web_credential(key: &SigningKey) -> Value {
    sign_as(
        &ob3(DID_WEB, 1, "Web Badge ®"),
        key,
        &format!("{DID_WEB}#key-1"),
        Cryptosuite::EddsaRdfc2022,
    )
}

#[test]
fn did_web_multikey_2020_and_jwk_keys_pass() {
    let key = issuer_key(21);
    let cred = did_web_credential(&key);
    let methods = [
        multikey(DID_WEB, &key),
        json!({"id": "#key-1", "type": "Ed25519VerificationKey2020", "controller": DID_WEB,
            "publicKeyMultibase": did::multibase_ed25519(&key.verifying_key())}),
        json!({"id": format!("{DID_WEB}#key-1"), "type": "JsonWebKey", "controller": DID_WEB,
            "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64(key.verifying_key().as_bytes())}}),
    ];
    for m in methods {
        let s = server();
        s.serve(DID_JSON, Reply::json(DID_CT, &did_doc(DID_WEB, m.clone())));
        let r = verify_json(&cred, &online(&s));
        assert_eq!(r.outcome, Outcome::Verified, "{m}: {r:?}");
        assert_eq!(status_of(&r, "issuer").0, CheckStatus::Pass);
        assert_eq!(s.hits(DID_JSON), 1);
    }
}

#[test]
fn did_web_offline_is_skip_with_the_url() {
    let cred = did_web_credential(&issuer_key(21));
    let r = verify_json(&cred, &VerifyOptions::offline_at(now()));
    assert_eq!(r.outcome, Outcome::Unverifiable);
    let (st, msg) = status_of(&r, "signature");
    assert_eq!(st, CheckStatus::Skip);
    assert!(msg.contains(DID_JSON), "{msg}");
    assert_eq!(status_of(&r, "issuer").0, CheckStatus::Skip);
}

#[test]
fn hostile_did_documents_are_not_trusted() {
    let key = issuer_key(21);
    let cred = did_web_credential(&key);
    let cases: Vec<(&str, Reply)> = vec![
        (
            "document id is another DID",
            Reply::json(
                DID_CT,
                &did_doc(
                    "did:web:evil.example",
                    multikey("did:web:evil.example", &key),
                ),
            ),
        ),
        (
            "served as HTML",
            Reply::Body(
                "text/html",
                serde_json::to_vec(&did_doc(DID_WEB, multikey(DID_WEB, &key))).unwrap(),
            ),
        ),
        (
            "key controlled by someone else",
            Reply::json(
                DID_CT,
                &did_doc(DID_WEB, multikey("did:web:evil.example", &key)),
            ),
        ),
        (
            "key not listed for assertions",
            Reply::json(
                DID_CT,
                &json!({"id": DID_WEB, "verificationMethod": [multikey(DID_WEB, &key)],
                "authentication": [format!("{DID_WEB}#key-1")]}),
            ),
        ),
        ("not there", Reply::Status(404)),
    ];
    for (what, reply) in cases {
        let s = server();
        s.serve(DID_JSON, reply);
        let r = verify_json(&cred, &online(&s));
        assert_ne!(r.outcome, Outcome::Verified, "{what}");
        assert_eq!(status_of(&r, "signature").0, CheckStatus::Skip, "{what}");
    }
    // The right document, but the credential was signed by another key: fail.
    let s = server();
    s.serve(
        DID_JSON,
        Reply::json(
            DID_CT,
            &did_doc(DID_WEB, multikey(DID_WEB, &issuer_key(22))),
        ),
    );
    let r = verify_json(&cred, &online(&s));
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(status_of(&r, "signature").0, CheckStatus::Fail);
}

#[test]
fn https_issuer_profile_keys() {
    let profile_id = "https://issuer.example.edu/issuers/565049";
    let key = issuer_key(23);
    let profile = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": profile_id, "type": "Profile", "name": "Example University",
        "verificationMethod": [multikey(profile_id, &key)],
        "assertionMethod": [format!("{profile_id}#key-1")]
    });
    let s = server();
    s.serve(profile_id, Reply::json("application/ld+json", &profile));
    let cred = sign_as(
        &ob3(profile_id, 2, "Profile Badge"),
        &key,
        &format!("{profile_id}#key-1"),
        Cryptosuite::EddsaRdfc2022,
    );
    let r = verify_json(&cred, &online(&s));
    assert_eq!(r.outcome, Outcome::Verified, "{r:?}");
    assert_eq!(status_of(&r, "issuer").0, CheckStatus::Pass);
    let (st, msg) = status_of(&r, "signature");
    assert_eq!(st, CheckStatus::Pass, "{msg}");

    // Offline: skip, naming the profile URL.
    let r = verify_json(&cred, &VerifyOptions::offline_at(now()));
    assert_eq!(r.outcome, Outcome::Unverifiable);
    assert!(status_of(&r, "signature").1.contains(profile_id));

    // Signed with a key another party's profile publishes: issuer check fails.
    let other_id = "https://other.example.org/issuers/1";
    let other = json!({"id": other_id, "verificationMethod": [multikey(other_id, &key)],
        "assertionMethod": [format!("{other_id}#key-1")]});
    s.serve(other_id, Reply::json("application/json", &other));
    let forged = sign_as(
        &ob3(profile_id, 3, "Forged"),
        &key,
        &format!("{other_id}#key-1"),
        Cryptosuite::EddsaRdfc2022,
    );
    let r = verify_json(&forged, &online(&s));
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(status_of(&r, "issuer").0, CheckStatus::Fail);
}

#[test]
fn jwk_keys_of_every_kind_resolve_through_did_web() {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use rsa::traits::PublicKeyParts;
    let ec = p256::SecretKey::random(&mut rand_core::OsRng).public_key();
    let point = ec.to_encoded_point(false);
    let rsa_key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
        .unwrap()
        .to_public_key();
    let doc = json!({
        "id": DID_WEB,
        "verificationMethod": [
            {"id": "#ec", "type": "JsonWebKey", "controller": DID_WEB,
             "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())}},
            {"id": "#rsa", "type": "JsonWebKey", "controller": DID_WEB,
             "publicKeyJwk": {"kty": "RSA", "n": b64(&rsa_key.n().to_bytes_be()), "e": b64(&rsa_key.e().to_bytes_be())}}
        ],
        "assertionMethod": ["#ec", "#rsa"]
    });
    let s = server();
    s.serve(DID_JSON, Reply::json(DID_CT, &doc));
    let resolver = DefaultResolver::with_fetcher(fetcher(&s));
    assert_eq!(
        resolver
            .resolve(&format!("{DID_WEB}#ec"))
            .unwrap()
            .public_key,
        PublicKey::P256(ec)
    );
    assert_eq!(
        resolver
            .resolve(&format!("{DID_WEB}#rsa"))
            .unwrap()
            .public_key,
        PublicKey::Rsa(rsa_key)
    );
    let keys = resolver.assertion_keys(DID_WEB).unwrap();
    assert_eq!(keys.len(), 2);
    // An Ed25519 suite cannot use them.
    let cred = sign_as(
        &ob3(DID_WEB, 4, "EC"),
        &issuer_key(21),
        &format!("{DID_WEB}#ec"),
        Cryptosuite::EddsaRdfc2022,
    );
    assert_eq!(verify_json(&cred, &online(&s)).outcome, Outcome::Failed);
}

// ---------------------------------------------------------------- status lists

const LIST_URL: &str = "https://issuer.example.edu/status/1";
const LIST_URL2: &str = "https://issuer.example.edu/status/2";

/// A Bitstring Status List credential for `purpose` with `set` indexes, signed by `key`.
fn bitstring_list(
    issuer_key: &SigningKey,
    signer: &SigningKey,
    url: &str,
    purpose: &str,
    set: &[usize],
) -> Value {
    let mut bits = vec![0u8; 16 * 1024];
    for i in set {
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_of(issuer_key),
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList",
            "statusPurpose": purpose, "encodedList": encode_list(&bits)}
    });
    let did = did_of(signer);
    sign_as(
        &list,
        signer,
        &did::did_key_verification_method(&did),
        Cryptosuite::EddsaRdfc2022,
    )
}

fn entry(url: &str, purpose: &str, index: usize) -> Value {
    json!({"id": format!("{url}#{index}"), "type": "BitstringStatusListEntry",
        "statusPurpose": purpose, "statusListIndex": index.to_string(), "statusListCredential": url})
}

/// An OB 3.0 credential from did:key issuer `key` with these status entries.
fn with_status(key: &SigningKey, status: Value) -> Value {
    let mut c = ob3(&did_of(key), 5, "Revocable");
    c["credentialStatus"] = status;
    let did = did_of(key);
    sign_as(
        &c,
        key,
        &did::did_key_verification_method(&did),
        Cryptosuite::EddsaRdfc2022,
    )
}

const VC_CT: &str = "application/vc+ld+json";

#[test]
fn bitstring_status_pass_fail_warn_skip() {
    let key = issuer_key(31);
    let s = server();
    s.serve(
        LIST_URL,
        Reply::json(
            VC_CT,
            &bitstring_list(&key, &key, LIST_URL, "revocation", &[7]),
        ),
    );
    s.serve(
        LIST_URL2,
        Reply::json(
            VC_CT,
            &bitstring_list(&key, &key, LIST_URL2, "suspension", &[9]),
        ),
    );

    let clear = with_status(&key, entry(LIST_URL, "revocation", 3));
    let r = verify_json(&clear, &online(&s));
    assert_eq!(status_of(&r, "status").0, CheckStatus::Pass, "{r:?}");
    assert_eq!(r.outcome, Outcome::Verified);

    let revoked = with_status(&key, entry(LIST_URL, "revocation", 7));
    let r = verify_json(&revoked, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!((st, r.outcome), (CheckStatus::Fail, Outcome::Failed));
    assert!(msg.starts_with("Revoked by its issuer"), "{msg}");

    // Several entries, each checked: revocation clear, suspension set.
    let suspended = with_status(
        &key,
        json!([
            entry(LIST_URL, "revocation", 3),
            entry(LIST_URL2, "suspension", 9)
        ]),
    );
    let r = verify_json(&suspended, &online(&s));
    assert_eq!(
        (status_of(&r, "status").0, r.outcome),
        (CheckStatus::Warn, Outcome::Warning)
    );
    assert_eq!((s.hits(LIST_URL), s.hits(LIST_URL2)), (3, 1));

    // Offline: skip, naming the list's URL.
    let r = verify_json(&revoked, &VerifyOptions::offline_at(now()));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(st, CheckStatus::Skip);
    assert!(msg.contains(LIST_URL), "{msg}");
}

#[test]
fn status_lists_issued_by_someone_else() {
    let key = issuer_key(31);
    let stranger = issuer_key(32);
    let cred = with_status(&key, entry(LIST_URL, "revocation", 3));
    let signed_by = format!(
        "The status list is signed by {}, not by the issuer {}.",
        did_of(&stranger),
        did_of(&key)
    );

    // Issued and signed by someone else, the bit clear: read, and named.
    let s = server();
    s.serve(
        LIST_URL,
        Reply::json(
            VC_CT,
            &bitstring_list(&stranger, &stranger, LIST_URL, "revocation", &[7]),
        ),
    );
    let r = verify_json(&cred, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("No revocation on its status list, checked just now. {signed_by}")
    );
    // The same list with the bit set: revoked all the same.
    let revoked = with_status(&key, entry(LIST_URL, "revocation", 7));
    let r = verify_json(&revoked, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Fail, Outcome::Failed),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("Revoked according to its status list. {signed_by}")
    );

    // Naming the credential's issuer but signed by someone else: a forgery.
    let s = server();
    s.serve(
        LIST_URL,
        Reply::json(
            VC_CT,
            &bitstring_list(&key, &stranger, LIST_URL, "revocation", &[]),
        ),
    );
    let r = verify_json(&cred, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Fail, Outcome::Failed),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "The status list {LIST_URL} cannot be trusted: it names {} as its issuer but is signed with a key of {}.",
            did_of(&key),
            did_of(&stranger)
        )
    );

    // The issuer's own list, altered after it was signed: a failure.
    let mut altered = bitstring_list(&key, &key, LIST_URL, "revocation", &[3]);
    altered["credentialSubject"]["encodedList"] = encode_list(&vec![0u8; 16 * 1024]).into();
    let s = server();
    s.serve(LIST_URL, Reply::json(VC_CT, &altered));
    let r = verify_json(&cred, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Fail, Outcome::Failed),
        "{msg}"
    );
    assert!(
        msg.starts_with(&format!(
            "The status list {LIST_URL} cannot be trusted: its signature does not verify"
        )),
        "{msg}"
    );
}

/// As the issue found it with the Digital Credentials Consortium's test
/// credentials: a did:web credential whose list a did:key issues and signs.
#[test]
fn a_did_web_credential_with_a_did_key_status_list() {
    let key = issuer_key(21);
    let list_key = issuer_key(35);
    let mut c = ob3(DID_WEB, 6, "Web Revocable");
    c["credentialStatus"] = entry(LIST_URL, "revocation", 3);
    let cred = sign_as(
        &c,
        &key,
        &format!("{DID_WEB}#key-1"),
        Cryptosuite::EddsaRdfc2022,
    );
    let s = server();
    s.serve(
        DID_JSON,
        Reply::json(DID_CT, &did_doc(DID_WEB, multikey(DID_WEB, &key))),
    );
    s.serve(
        LIST_URL,
        Reply::json(
            VC_CT,
            &bitstring_list(&list_key, &list_key, LIST_URL, "revocation", &[]),
        ),
    );
    let r = verify_json(&cred, &online(&s));
    assert_eq!(status_of(&r, "signature").0, CheckStatus::Pass, "{r:?}");
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "The status list is signed by {}, not by the issuer {DID_WEB}.",
            did_of(&list_key)
        )),
        "{msg}"
    );
}

#[test]
fn status_checks_that_could_not_be_done_online_are_warnings() {
    let key = issuer_key(31);
    let cred = with_status(&key, entry(LIST_URL, "revocation", 3));

    // The list answers HTTP 404 (the server knows nothing at that URL).
    let s = server();
    let r = verify_json(&cred, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("Revocation could not be checked: the status list {LIST_URL} answered HTTP 404.")
    );
    assert!(r.check("status").unwrap().would_fetch.is_none());
    assert_eq!(s.hits(LIST_URL), 1);
    // Offline, nothing was asked: skip, naming the URL; the outcome is the
    // other checks'.
    let r = verify_json(&cred, &VerifyOptions::offline_at(now()));
    let c = r.check("status").unwrap();
    assert_eq!(
        (c.status, r.outcome),
        (CheckStatus::Skip, Outcome::Verified)
    );
    assert_eq!(c.would_fetch.as_deref(), Some(LIST_URL));
    assert_eq!(s.hits(LIST_URL), 1);

    // Answers that cannot be read as the issuer's list.
    let mut expired = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_of(&key),
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{LIST_URL}#list"), "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": encode_list(&[0u8; 16 * 1024])}
    });
    expired = sign_as(
        &expired,
        &key,
        &did::did_key_verification_method(&did_of(&key)),
        Cryptosuite::EddsaRdfc2022,
    );
    let own = bitstring_list(&key, &key, LIST_URL, "revocation", &[]);
    let cases = [
        (
            "served as HTML",
            Reply::Body("text/html", serde_json::to_vec(&own).unwrap()),
            "was served as text/html, not as a JSON credential",
        ),
        (
            "not JSON",
            Reply::Body("application/json", b"<html>gone</html>".to_vec()),
            "is not JSON",
        ),
        (
            "a list for another purpose",
            Reply::json(
                VC_CT,
                &bitstring_list(&key, &key, LIST_URL, "suspension", &[]),
            ),
            "is a list for suspension, not for revocation",
        ),
        (
            "not signed",
            Reply::json(VC_CT, &{
                let mut v = own.clone();
                v.as_object_mut().unwrap().remove("proof");
                v
            }),
            "is not signed",
        ),
        (
            "expired",
            Reply::json(VC_CT, &expired),
            "expired on 1 January 2025",
        ),
        (
            "timed out",
            Reply::Slow(Duration::from_millis(400)),
            "did not answer in time",
        ),
    ];
    for (what, reply, why) in cases {
        let s = server();
        s.serve(LIST_URL, reply);
        let opts = if what == "timed out" {
            let limits = Limits {
                total_timeout: Duration::from_millis(800),
                ..Limits::default()
            };
            VerifyOptions::with_fetcher(
                now(),
                Arc::new(HttpsFetcher::new(&s.overrides(), limits, None)),
            )
        } else {
            online(&s)
        };
        let r = verify_json(&cred, &opts);
        let (st, msg) = status_of(&r, "status");
        assert_eq!(
            (st, r.outcome),
            (CheckStatus::Warn, Outcome::Warning),
            "{what}: {msg}"
        );
        assert!(
            msg.starts_with(&format!(
                "Revocation could not be checked: the status list {LIST_URL} "
            )) && msg.contains(why),
            "{what}: {msg}"
        );
    }
    // An index beyond the list.
    let s = server();
    s.serve(LIST_URL, Reply::json(VC_CT, &own));
    let far = with_status(&key, entry(LIST_URL, "revocation", 16 * 1024 * 8));
    let r = verify_json(&far, &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(st, CheckStatus::Warn, "{msg}");
    assert!(
        msg.ends_with("has 131072 entries, and the credential's index is 131072."),
        "{msg}"
    );
}

#[test]
fn offline_uses_stored_answers_with_their_date() {
    let key = issuer_key(31);
    let dir = tempfile::tempdir().unwrap();
    let cache = Arc::new(Cache::open(&dir.path().join("c.netcache")).unwrap());
    let s = server();
    s.serve(
        LIST_URL,
        Reply::json(
            VC_CT,
            &bitstring_list(&key, &key, LIST_URL, "revocation", &[7]),
        ),
    );
    let f = Arc::new(HttpsFetcher::new(
        &s.overrides(),
        Limits::default(),
        Some(cache.clone()),
    ));
    let clear = with_status(&key, entry(LIST_URL, "revocation", 3));
    let revoked = with_status(&key, entry(LIST_URL, "revocation", 7));
    assert_eq!(
        status_of(
            &verify_json(&clear, &VerifyOptions::with_fetcher(now(), f)),
            "status"
        )
        .0,
        CheckStatus::Pass
    );
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    let offline = VerifyOptions::with_fetcher(now(), Arc::new(OfflineWithCache(cache.clone())));
    let r = verify_json(&clear, &offline);
    let (st, msg) = status_of(&r, "status");
    assert_eq!(st, CheckStatus::Skip);
    assert!(msg.contains(&format!("Status as of {today}")), "{msg}");
    assert!(!msg.to_lowercase().contains("not revoked"), "{msg}");
    let r = verify_json(&revoked, &offline);
    let (st, msg) = status_of(&r, "status");
    assert_eq!(st, CheckStatus::Fail);
    assert!(msg.contains(&format!("status as of {today}")), "{msg}");

    // Online, the list is gone: the stored answer with its date, and why it
    // is not from now. Asked to check now and could not: a warning.
    s.serve(LIST_URL, Reply::Status(404));
    let gone = VerifyOptions::with_fetcher(
        now(),
        Arc::new(HttpsFetcher::new(
            &s.overrides(),
            Limits::default(),
            Some(cache.clone()),
        )),
    );
    let r = verify_json(&clear, &gone);
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("Revocation could not be checked now: the status list {LIST_URL} answered HTTP 404. Status as of {today}: no revocation then (a stored answer).")
    );
    // A stored answer that says revoked is real.
    let r = verify_json(&revoked, &gone);
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Fail, Outcome::Failed),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("Revoked by its issuer (status as of {today}, a stored answer). It could not be checked again now: the status list {LIST_URL} answered HTTP 404.")
    );
}

#[test]
fn status_list_2021_on_a_vc_1_1_credential() {
    let key = issuer_key(33);
    let did = did_of(&key);
    let vm = did::did_key_verification_method(&did);
    let mut bits = vec![0u8; 16 * 1024];
    bits[0] = 0b0010_0000; // index 2
    let list = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": LIST_URL, "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": did, "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{LIST_URL}#list"), "type": "StatusList2021",
            "statusPurpose": "revocation", "encodedList": &encode_list(&bits)[1..]}
    });
    let s = server();
    s.serve(
        LIST_URL,
        Reply::json(
            "application/json",
            &sign_as(&list, &key, &vm, Cryptosuite::Ed25519Signature2020),
        ),
    );
    let cred = |index: usize| {
        let c = json!({
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
            "id": "urn:uuid:2021", "type": ["VerifiableCredential"], "issuer": did,
            "issuanceDate": "2024-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": {"id": format!("{LIST_URL}#{index}"), "type": "StatusList2021Entry",
                "statusPurpose": "revocation", "statusListIndex": index.to_string(), "statusListCredential": LIST_URL}
        });
        sign_as(&c, &key, &vm, Cryptosuite::Ed25519Signature2020)
    };
    let r = verify_json(&cred(1), &online(&s));
    assert_eq!(status_of(&r, "status").0, CheckStatus::Pass, "{r:?}");
    let r = verify_json(&cred(2), &online(&s));
    assert_eq!(status_of(&r, "status").0, CheckStatus::Fail, "{r:?}");
}

#[test]
fn one_edtech_revocation_list() {
    let key = issuer_key(34);
    let did = did_of(&key);
    let list_url = "https://issuer.example.edu/revocations/1";
    let cred = |n: usize| {
        let mut c = ob3(&did, n, "OB revocable");
        c["@context"]
            .as_array_mut()
            .unwrap()
            .push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into());
        c["credentialStatus"] = json!({"id": list_url, "type": "1EdTechRevocationList"});
        sign_as(
            &c,
            &key,
            &did::did_key_verification_method(&did),
            Cryptosuite::EddsaRdfc2022,
        )
    };
    let revoked_id = cred(9)["id"].clone();
    let s = server();
    s.serve(
        list_url,
        Reply::json(
            "application/json",
            &json!({
                "id": list_url, "issuer": {"id": did},
                "revokedCredentials": [{"id": revoked_id, "revocationReason": "Issued in error"}]
            }),
        ),
    );
    let r = verify_json(&cred(8), &online(&s));
    assert_eq!(status_of(&r, "status").0, CheckStatus::Pass, "{r:?}");
    let r = verify_json(&cred(9), &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(st, CheckStatus::Fail);
    assert!(
        msg.contains("Revoked by its issuer: Issued in error"),
        "{msg}"
    );
    // Someone else's list at that address.
    s.serve(
        list_url,
        Reply::json(
            "application/json",
            &json!({
        "id": list_url, "issuer": "did:web:evil.example", "revokedCredentials": []}),
        ),
    );
    let r = verify_json(&cred(8), &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!("No revocation on its revocation list, checked just now. The revocation list says it is published by did:web:evil.example, not by the issuer {did}.")
    );
    // ... and one that lists the credential: revoked all the same.
    s.serve(
        list_url,
        Reply::json(
            "application/json",
            &json!({"id": list_url, "issuer": "did:web:evil.example",
                "revokedCredentials": [{"id": revoked_id}]}),
        ),
    );
    let r = verify_json(&cred(9), &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Fail, Outcome::Failed),
        "{msg}"
    );
    assert!(
        msg.starts_with("Revoked according to its revocation list."),
        "{msg}"
    );
    // Not there: could not be checked.
    s.serve(list_url, Reply::Status(404));
    let r = verify_json(&cred(8), &online(&s));
    let (st, msg) = status_of(&r, "status");
    assert_eq!(
        (st, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "Revocation could not be checked: the revocation list {list_url} answered HTTP 404."
        )
    );
    let r = verify_json(&cred(8), &VerifyOptions::offline_at(now()));
    assert_eq!(status_of(&r, "status").0, CheckStatus::Skip);
}

// ------------------------------------------------------------------ the CLI

fn write_json(dir: &std::path::Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p.display().to_string()
}

fn checks_of(item: &Value) -> std::collections::HashMap<String, (String, Value)> {
    item["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                (c["status"].as_str().unwrap().to_string(), c.clone()),
            )
        })
        .collect()
}

#[test]
fn cli_online_only_with_consent_and_cache_beside_the_wallet() {
    let key = issuer_key(41);
    let s = server();
    s.serve(
        DID_JSON,
        Reply::json(DID_CT, &did_doc(DID_WEB, multikey(DID_WEB, &key))),
    );
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.sqlite3");
    let file = write_json(dir.path(), "web.json", &did_web_credential(&key));
    let env = s.env();

    // Without --online: nothing is fetched; the check names the URL.
    let out = common::satchel_env(&wallet, &["verify", &file, "--json"], &env);
    assert_eq!(out.status.code(), Some(1));
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "unverifiable");
    let checks = checks_of(item);
    assert_eq!(checks["signature"].0, "skip");
    assert_eq!(checks["signature"].1["would_fetch"], DID_JSON);
    assert_eq!(s.hits(DID_JSON), 0);

    // With --online: verified through the overrides, and imported.
    let out = common::satchel_env(&wallet, &["import", &file, "--online", "--json"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "verified");
    assert!(checks_of(item)["signature"].1.get("would_fetch").is_none());
    assert_eq!(s.hits(DID_JSON), 1);
    assert!(dir.path().join("w.sqlite3.netcache").exists());

    // reverify offline: the key from the stored DID document, with its date.
    let out = common::satchel_env(&wallet, &["reverify", "--json"], &env);
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "verified");
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    let msg = checks_of(item)["signature"].1["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains(&format!("as published on {today} (a stored copy")),
        "{msg}"
    );
    assert_eq!(s.hits(DID_JSON), 1);
    let out = common::satchel_env(&wallet, &["reverify", "--online", "--json"], &env);
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");
    assert_eq!(s.hits(DID_JSON), 2);

    // A bad override is a command error (exit 2), not a silent offline run.
    let bad = [("SATCHEL_CONNECT_TO", "nonsense".to_string())];
    let out = common::satchel_env(&wallet, &["verify", &file, "--online"], &bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SATCHEL_CONNECT_TO"));
}

#[test]
fn cli_registries_from_a_file_and_a_url() {
    let key = issuer_key(42);
    let issuer = did_of(&key);
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.sqlite3");
    let cred = write_json(
        dir.path(),
        "c.json",
        &common::sign(&ob3(&issuer, 1, "Known"), &key, Cryptosuite::EddsaRdfc2022),
    );
    let registry = json!({"meta": {"created": "2026-01-01T00:00:00Z"},
        "registry": {issuer.clone(): {"name": "Test University", "location": "Testville", "url": "https://uni.example"}}});
    let other =
        json!({"meta": {}, "registry": {"did:web:elsewhere.example": {"name": "Elsewhere"}}});
    let reg_file = write_json(dir.path(), "registry.json", &registry);
    let other_file = write_json(dir.path(), "other.json", &other);
    let no_env: [(&str, String); 0] = [];

    // No registry yet: skip.
    let out = common::satchel_env(&wallet, &["import", &cred, "--json"], &no_env);
    assert_eq!(checks_of(&stdout_json(&out)[0])["issuer_known"].0, "skip");

    // A registry that does not list the issuer: warn, never a failure.
    let out = common::satchel_env(
        &wallet,
        &["registry", "add", &other_file, "--name", "Other"],
        &no_env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::satchel_env(&wallet, &["verify", &cred, "--json"], &no_env);
    assert!(out.status.success());
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "warning");
    let (st, c) = &checks_of(item)["issuer_known"];
    assert_eq!(st, "warn");
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("not in any registry you trust"));

    // One that lists it: pass with the registry's name for the issuer.
    let out = common::satchel_env(
        &wallet,
        &["registry", "add", &reg_file, "--name", "DCC Test", "--json"],
        &no_env,
    );
    assert!(out.status.success());
    assert_eq!(stdout_json(&out)["issuers"], 1);
    let out = common::satchel_env(&wallet, &["verify", &cred, "--json"], &no_env);
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "verified");
    let (st, c) = &checks_of(item)["issuer_known"];
    assert_eq!(st, "pass");
    assert!(c["message"].as_str().unwrap().contains("Test University"));

    let out = common::satchel_env(&wallet, &["registry", "list", "--json"], &no_env);
    let names: Vec<String> = stdout_json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Other", "DCC Test"]);
    let out = common::satchel_env(&wallet, &["registry", "remove", "Other"], &no_env);
    assert!(out.status.success());
    let out = common::satchel_env(&wallet, &["registry", "remove", "Other"], &no_env);
    assert_eq!(out.status.code(), Some(1));

    // From a URL: only with --online.
    let s = server();
    let url = "https://issuer.example.edu/registry.json";
    s.serve(url, Reply::json("application/json", &other));
    let out = common::satchel_env(&wallet, &["registry", "add", url], &s.env());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--online"));
    assert_eq!(s.hits(url), 0);
    let out = common::satchel_env(
        &wallet,
        &["registry", "add", url, "--online", "--name", "Web"],
        &s.env(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.hits(url), 1);
}
