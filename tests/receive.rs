//! Receiving credentials from issuers' links and answering verifiers
//! (`satchel receive`, `satchel present`), through the CLI:
//! - against the reference stack: a VC-API exchanger on `@digitalbazaar/vc`
//!   (scripts/verify-with-digitalbazaar/exchanger.mjs) served over HTTPS on
//!   loopback with a test CA, which verifies the learner's DID
//!   authentication and issues a fresh Open Badges 3.0 credential, and
//!   verifies presentations (every link shape, the verifier path);
//! - against hostile or broken servers (tests/common/https.rs): HTML error
//!   pages, redirects to another host, oversize answers, credentials issued
//!   to another DID or failing verification, a server gone mid-exchange.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::https::{Reply, TestPki, TestServer};
use common::{issuer_key, ob3, satchel_env, sign, stdout_json};
use satchel::proof::Cryptosuite;
use serde_json::{json, Value};

const EXCHANGER: &str = "exchanger.example";
const ISSUER: &str = "issuer.example.edu";
const OID4VCI: &str = "oid4vci.example";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

use satchel::percent::encode;

fn did_of_wallet(wallet: &Path) -> String {
    let who = stdout_json(&common::satchel(wallet, &["whoami", "--json"]));
    who["did"].as_str().unwrap().to_string()
}

fn listed(wallet: &Path) -> Vec<Value> {
    let out = common::satchel(wallet, &["list", "--json"]);
    let v = stdout_json(&out);
    v.get("items")
        .and_then(Value::as_array)
        .or_else(|| v.as_array())
        .cloned()
        .unwrap_or_default()
}

// ------------------------------------------- the reference servers (Node)

/// A test server on a library Satchel did not write, running; its events
/// arrive on `events`, its first line (port, keys, offers) is `first`.
struct Exchanger {
    child: Child,
    env: Vec<(&'static str, String)>,
    events: mpsc::Receiver<Value>,
    first: Value,
    _dir: tempfile::TempDir,
}

impl Drop for Exchanger {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Exchanger {
    /// The next event, waiting a little.
    fn event(&self) -> Option<Value> {
        self.events.recv_timeout(Duration::from_secs(20)).ok()
    }

    /// Events already written (none pending after a short wait).
    fn pending(&self) -> Vec<Value> {
        let mut all = Vec::new();
        while let Ok(e) = self.events.recv_timeout(Duration::from_millis(300)) {
            all.push(e);
        }
        all
    }
}

/// The VC-API exchanger on `@digitalbazaar/vc`.
fn exchanger() -> Option<Exchanger> {
    node_server("exchanger.mjs", EXCHANGER, "@digitalbazaar/vc")
}

/// The OpenID4VCI issuer on `@openid4vc/openid4vci` and `@openid4vc/oauth2`.
fn oid4vci_reference() -> Option<Exchanger> {
    node_server("oid4vci-issuer.mjs", OID4VCI, "@openid4vc/openid4vci")
}

/// Starts `script` (in scripts/verify-with-digitalbazaar) serving HTTPS as
/// `host` on loopback, or returns None when node or its packages are not
/// installed (a failure when `SATCHEL_REQUIRE_REFERENCE` is set, as in CI).
fn node_server(script: &str, host: &str, package: &str) -> Option<Exchanger> {
    let script_dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-with-digitalbazaar");
    let have_node = Command::new("node").arg("--version").output().is_ok();
    if !have_node || !script_dir.join("node_modules").join(package).exists() {
        assert!(
            std::env::var_os("SATCHEL_REQUIRE_REFERENCE").is_none(),
            "SATCHEL_REQUIRE_REFERENCE is set but node or {package} is not installed"
        );
        eprintln!(
            "NOTICE: node or {}/node_modules/{package} missing; skipping {script} (run npm ci there)",
            script_dir.display()
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::new(&[host]);
    let (cert, key, ca) = (
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&cert, &pki.cert_pem).unwrap();
    std::fs::write(&key, &pki.key_pem).unwrap();
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let mut child = Command::new("node")
        .current_dir(&script_dir)
        .arg(script)
        .arg("--cert")
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .args(["--host", host])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting node");
    let out = child.stdout.take().unwrap();
    let (tx, events) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        }
    });
    let first = events
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{script} did not start"));
    let port = first["port"].as_u64().expect("the server's port");
    let env = vec![
        ("SATCHEL_CONNECT_TO", format!("{host}:443:127.0.0.1:{port}")),
        ("SATCHEL_EXTRA_CA_CERTS", ca.display().to_string()),
    ];
    Some(Exchanger {
        child,
        env,
        events,
        first,
        _dir: dir,
    })
}

fn run(wallet: &Path, args: &[&str], env: &[(&'static str, String)]) -> Output {
    satchel_env(wallet, args, env)
}

/// Every link shape, against the reference issuer: the learner's DID
/// authentication verifies there, and the credential it issues verifies and
/// is stored here, issued to the learner.
#[test]
fn every_link_shape_receives_from_the_reference_issuer() {
    let Some(ex) = exchanger() else { return };
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let did = did_of_wallet(&wallet);
    let request =
        json!({"protocols": {"vcapi": format!("https://{EXCHANGER}/exchanges/issue-r1")}});
    let links = [
        format!("interaction:https://{EXCHANGER}/interactions/i1"),
        format!("https://{EXCHANGER}/interactions/i2?iuv=1"),
        format!(
            "https://lcw.app/request.html?request={}",
            encode(&request.to_string())
        ),
        format!(
            "dccrequest://request?issuer={}&auth_type=bearer&challenge=ch-{}&vc_request_url={}",
            encode("Exchange Test College"),
            std::process::id(),
            encode(&format!("https://{EXCHANGER}/request"))
        ),
    ];
    for (n, link) in links.iter().enumerate() {
        let out = run(&wallet, &["receive", link, "--json"], &ex.env);
        assert!(
            out.status.success(),
            "{link}: {}\n{}",
            stderr(&out),
            stdout(&out)
        );
        let items = stdout_json(&out);
        assert_eq!(items.as_array().unwrap().len(), 1, "{link}");
        assert_eq!(items[0]["result"], "imported", "{items:#}");
        assert_eq!(items[0]["outcome"], "verified", "{items:#}");
        // Told who and what before it was sent.
        let err = stderr(&out);
        let told = err
            .find(&format!("sending your DID {did}"))
            .unwrap_or_else(|| panic!("{err}"));
        assert!(err[..told].contains(EXCHANGER), "{err}");
        if link.starts_with("dccrequest:") {
            assert!(err.contains("Exchange Test College"), "{err}");
        }
        let auth = ex.event().expect("a DID authentication event");
        assert_eq!(auth["event"], "did-auth");
        assert_eq!(auth["verified"], true, "{auth:#}");
        assert_eq!(listed(&wallet).len(), n + 1);
    }
    // Each credential names the learner.
    for item in listed(&wallet) {
        let id = item["id"].as_i64().unwrap().to_string();
        let raw: Value =
            serde_json::from_slice(&common::satchel(&wallet, &["export-raw", &id]).stdout).unwrap();
        assert_eq!(raw["credentialSubject"]["id"], did.as_str());
    }
}

/// A verifier's QueryByExample: shown with who asks, nothing sent until the
/// learner chooses; the chosen credential in a presentation the reference
/// verifier accepts (challenge and domain included).
#[test]
fn present_answers_the_reference_verifier() {
    let Some(ex) = exchanger() else { return };
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let out = run(
        &wallet,
        &[
            "receive",
            &format!("interaction:https://{EXCHANGER}/interactions/p1"),
            "--json",
        ],
        &ex.env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap();
    assert_eq!(ex.event().unwrap()["verified"], true);
    let link = format!(
        "https://lcw.app/request.html?request={}",
        encode(
            &json!({"protocols": {"vcapi": format!("https://{EXCHANGER}/exchanges/verify-1")}})
                .to_string()
        )
    );
    // Shown, not sent.
    let out = run(&wallet, &["present", &link, "--json"], &ex.env);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout_json(&out);
    assert_eq!(shown["party"]["host"], EXCHANGER);
    assert_eq!(shown["asks"][0]["types"], json!(["OpenBadgeCredential"]));
    assert_eq!(shown["matching"][0]["id"], id);
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Show a badge to apply"),
        "{}",
        stderr(&out)
    );
    assert!(ex.pending().is_empty(), "something was sent");
    // A credential that is not in the wallet: refused before sending.
    let out = run(&wallet, &["present", &link, "--choose", "999"], &ex.env);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("#999 is not in the wallet"));
    assert!(ex.pending().is_empty(), "something was sent");
    // Chosen: sent and verified by the reference stack.
    let out = run(
        &wallet,
        &["present", &link, "--choose", &id.to_string(), "--json"],
        &ex.env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("sending #{id}")), "{err}");
    let verified = ex.event().expect("a verification event");
    assert_eq!(verified["event"], "verified");
    assert_eq!(verified["verified"], true, "{verified:#}");
    assert_eq!(verified["credentials"], 1);
    assert_eq!(
        stdout_json(&out)["redirect_url"],
        format!("https://{EXCHANGER}/thanks/verify-1")
    );
}

// --------------------------------------------------- hostile and broken

fn server() -> TestServer {
    TestServer::start(&[ISSUER, "elsewhere.example.org"])
}

fn exchange_link(url: &str) -> String {
    format!(
        "dccrequest://request?request={}",
        encode(&json!({"protocols": {"vcapi": url}}).to_string())
    )
}

/// A signed OB 3.0 credential issued to `subject`.
fn credential_for(subject: &str, n: usize) -> Value {
    let key = issuer_key(9);
    let mut c = ob3(&common::did_of(&key), n, "Received Badge");
    c["credentialSubject"]["id"] = json!(subject);
    sign(&c, &key, Cryptosuite::EddsaRdfc2022)
}

fn did_auth_request(challenge: &str) -> Reply {
    Reply::json(
        "application/json",
        &json!({"verifiablePresentationRequest": {"query": [{"type": "DIDAuthentication"}],
            "challenge": challenge, "domain": ISSUER}}),
    )
}

fn vp_of(creds: &[Value]) -> Value {
    json!({"verifiablePresentation": {"type": ["VerifiablePresentation"], "verifiableCredential": creds}})
}

struct Setup {
    s: TestServer,
    dir: tempfile::TempDir,
    wallet: PathBuf,
    did: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let did = did_of_wallet(&wallet);
    Setup {
        s: server(),
        dir,
        wallet,
        did,
    }
}

impl Setup {
    fn receive(&self, link: &str, extra: &[&str]) -> Output {
        let mut args = vec!["receive", link, "--json"];
        args.extend(extra);
        satchel_env(&self.wallet, &args, &self.s.env())
    }
}

/// The exchange round trip against our own server: the DID authentication
/// posted carries the challenge, domain and the learner as holder.
#[test]
fn did_authentication_is_signed_for_the_request() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/1");
    t.s.serve(
        &url,
        Reply::Seq(vec![
            did_auth_request("c-42"),
            Reply::json("application/json", &vp_of(&[credential_for(&t.did, 1)])),
        ]),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)[0]["result"], "imported");
    let bodies = t.s.bodies(&url);
    assert_eq!(bodies[0], b"{}");
    let sent: Value = serde_json::from_slice(&bodies[1]).unwrap();
    let vp = &sent["verifiablePresentation"];
    assert_eq!(vp["holder"], t.did.as_str());
    assert_eq!(vp["proof"]["challenge"], "c-42");
    assert_eq!(vp["proof"]["domain"], ISSUER);
    assert_eq!(vp["proof"]["proofPurpose"], "authentication");
    assert!(vp.get("verifiableCredential").is_none());
    let _ = &t.dir;
}

/// A credential that arrives inside a presentation (VC-API) or a credential
/// answer (OpenID4VCI) is stored as the exact text the issuer sent, its
/// spacing and escapes included, not the parsed JSON written out again.
#[test]
fn received_credentials_are_stored_as_the_text_sent() {
    let t = setup();
    let pretty = |c: &Value| {
        serde_json::to_string_pretty(c)
            .unwrap()
            .replace("Received Badge", "Received \\u0042adge")
    };
    let a = pretty(&credential_for(&t.did, 1));
    let url = format!("https://{ISSUER}/exchanges/raw");
    let body = format!(
        "{{ \"verifiablePresentation\" : {{\"type\": [\"VerifiablePresentation\"],\n \"verifiableCredential\": [ {a} ] }} }}"
    );
    t.s.serve(
        &url,
        Reply::Seq(vec![
            did_auth_request("c-raw"),
            Reply::Body("application/json", body.into_bytes()),
        ]),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();
    let raw = common::satchel(&t.wallet, &["export-raw", &id]).stdout;
    assert_eq!(String::from_utf8(raw).unwrap(), a);
    // OpenID4VCI: {"credentials": [{"credential": …}]}.
    oid4vci_issuer(&t, false, token_ok());
    let b = pretty(&credential_for(&t.did, 2));
    t.s.serve(
        CREDENTIAL,
        Reply::Body(
            "application/json",
            format!("{{\"credentials\":[ {{ \"credential\" :\n{b} }} ]}}").into_bytes(),
        ),
    );
    let link = format!(
        "openid-credential-offer://?credential_offer={}",
        encode(&offer(false).to_string())
    );
    let out = t.receive(&link, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();
    let raw = common::satchel(&t.wallet, &["export-raw", &id]).stdout;
    assert_eq!(String::from_utf8(raw).unwrap(), b);
}

#[test]
fn an_html_error_page_is_a_clear_refusal() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/html");
    t.s.serve(
        &url,
        Reply::StatusBody(
            502,
            "text/html",
            b"<html><body>Bad gateway</body></html>".to_vec(),
        ),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("answered HTTP 502, an HTML error page"),
        "{}",
        stderr(&out)
    );
    // A 200 HTML page where JSON was expected (an interaction URL).
    let i = format!("https://{ISSUER}/i/html");
    t.s.serve(
        &i,
        Reply::Body("text/html", b"<!doctype html><p>Log in</p>".to_vec()),
    );
    let out = t.receive(&format!("interaction:{i}"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("sent an HTML page instead of JSON"),
        "{}",
        stderr(&out)
    );
    // JSON text with the wrong type is refused too.
    t.s.serve(&i, Reply::Body("text/plain", b"{}".to_vec()));
    let out = t.receive(&format!("interaction:{i}"), &[]);
    assert!(stderr(&out).contains("sent text/plain instead of JSON"));
    assert!(listed(&t.wallet).is_empty());
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/away");
    let away = "https://elsewhere.example.org/exchanges/1";
    t.s.serve(&url, Reply::Redirect(away.into()));
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not on the same host"),
        "{}",
        stderr(&out)
    );
    assert_eq!(t.s.hits(away), 0);
}

#[test]
fn an_oversize_answer_is_cut_off() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/huge");
    t.s.serve(&url, Reply::Huge(16 * 1024 * 1024));
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("stopped reading"), "{}", stderr(&out));
    assert!(listed(&t.wallet).is_empty());
}

#[test]
fn a_credential_for_another_did_is_kept_only_when_asked() {
    let t = setup();
    let url = format!("https://{ISSUER}/request");
    let other = credential_for("did:example:someone-else", 2);
    t.s.serve(&url, Reply::json("application/json", &other));
    let link = format!(
        "dccrequest://request?auth_type=bearer&challenge=x&vc_request_url={}",
        encode(&url)
    );
    let out = t.receive(&link, &[]);
    assert_eq!(out.status.code(), Some(1));
    let items = stdout_json(&out);
    assert_eq!(items[0]["result"], "refused");
    assert!(
        items[0]["message"]
            .as_str()
            .unwrap()
            .contains("issued to did:example:someone-else"),
        "{items:#}"
    );
    assert!(listed(&t.wallet).is_empty());
    // Asked: kept, and its source says so.
    let out = t.receive(&link, &["--keep-other-subject"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();
    let shown = stdout_json(&common::satchel(&t.wallet, &["show", &id, "--json"]));
    assert!(
        shown["source"]
            .as_str()
            .unwrap()
            .contains("issued to did:example:someone-else, not to you"),
        "{shown:#}"
    );
}

#[test]
fn a_credential_that_fails_verification_is_refused_as_import_refuses_it() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/bad");
    let good = credential_for(&t.did, 3);
    let mut bad = credential_for(&t.did, 4);
    bad["name"] = json!("Brain Surgery");
    t.s.serve(
        &url,
        Reply::Seq(vec![
            did_auth_request("c"),
            Reply::json("application/json", &vp_of(&[good, bad])),
        ]),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    let items = stdout_json(&out);
    assert_eq!(items[0]["result"], "imported");
    assert_eq!(items[1]["result"], "refused");
    assert_eq!(items[1]["outcome"], "failed");
    assert!(items[1]["message"].as_str().unwrap().starts_with("Refused"));
    assert_eq!(listed(&t.wallet).len(), 1);
}

#[test]
fn a_server_gone_mid_exchange_keeps_what_arrived() {
    let t = setup();
    // Gone after asking for DID authentication: nothing stored.
    let url = format!("https://{ISSUER}/exchanges/gone");
    t.s.serve(&url, Reply::Seq(vec![did_auth_request("c"), Reply::Hangup]));
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("could not be fetched"),
        "{}",
        stderr(&out)
    );
    assert!(listed(&t.wallet).is_empty());
    // A credential, then another round, then gone: the credential stays.
    let url = format!("https://{ISSUER}/exchanges/half");
    let mut second = vp_of(&[credential_for(&t.did, 5)]);
    second["verifiablePresentationRequest"] =
        json!({"query": [{"type": "DIDAuthentication"}], "challenge": "again"});
    t.s.serve(
        &url,
        Reply::Seq(vec![
            did_auth_request("c"),
            Reply::json("application/json", &second),
            Reply::Hangup,
        ]),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)[0]["result"], "imported");
    assert!(
        stderr(&out).contains("received before it stopped are stored"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listed(&t.wallet).len(), 1);
}

#[test]
fn receive_does_not_answer_a_verifier_and_present_does_not_receive() {
    let t = setup();
    let url = format!("https://{ISSUER}/exchanges/qbe");
    t.s.serve(
        &url,
        Reply::json(
            "application/json",
            &json!({"verifiablePresentationRequest": {"query": [{"type": "QueryByExample",
                "credentialQuery": {"example": {"type": "OpenBadgeCredential"}}}],
                "challenge": "c", "domain": ISSUER}}),
        ),
    );
    let out = t.receive(&exchange_link(&url), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("satchel present"), "{}", stderr(&out));
    assert_eq!(t.s.bodies(&url), vec![b"{}".to_vec()], "only {{}} was sent");
    // present on an issuer's DID authentication request.
    let url = format!("https://{ISSUER}/exchanges/auth");
    t.s.serve(&url, did_auth_request("c"));
    let out = satchel_env(
        &t.wallet,
        &["present", &exchange_link(&url), "--choose", "1"],
        &t.s.env(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("satchel receive"), "{}", stderr(&out));
    assert_eq!(t.s.hits(&url), 1);
    // Not a link at all.
    let out = t.receive("https://example.org/page", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a link Satchel can receive from"));
}

// ------------------------------------------------------------ OpenID4VCI
//
// First against an issuer on the @openid4vc libraries (an implementation
// Satchel did not write: it makes the offers and parses and verifies every
// request), then against our own static answers, whose requests are checked
// byte for byte and which can misbehave in ways a library will not.

/// The offer `name` of the reference issuer: its link and transaction code.
fn reference_offer(ex: &Exchanger, name: &str) -> (String, Option<String>) {
    let o = &ex.first["offers"][name];
    (
        o["link"].as_str().expect("the offer's link").to_string(),
        o["tx_code"].as_str().map(str::to_string),
    )
}

/// Every offer of the @openid4vc issuer: by URI and by value, with and
/// without a transaction code, `jwt_vc_json` and `ldp_vc`, one and two
/// credentials. The library verified each key proof as the learner's; each
/// credential verifies here, names the learner and is stored byte for byte
/// as the issuer sent it.
#[test]
fn openid4vci_receives_from_the_openid4vc_issuer() {
    let Some(ex) = oid4vci_reference() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let did = did_of_wallet(&wallet);
    let issuer_did = ex.first["issuer"].as_str().unwrap().to_string();
    let mut stored = 0;
    let mut sent = Vec::new();
    for (name, formats) in [
        ("jwt-by-uri", vec!["jwt_vc_json"]),
        ("ldp-by-value-tx", vec!["ldp_vc"]),
        ("both-by-uri-tx", vec!["jwt_vc_json", "ldp_vc"]),
    ] {
        let (link, code) = reference_offer(&ex, name);
        let mut args = vec!["receive", link.as_str(), "--json"];
        if let Some(c) = &code {
            args.extend(["--tx-code", c.as_str()]);
        }
        let out = run(&wallet, &args, &ex.env);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let items = stdout_json(&out);
        let items = items.as_array().unwrap();
        assert_eq!(items.len(), formats.len(), "{name}: {items:#?}");
        for item in items {
            assert_eq!(item["result"], "imported", "{name}: {item:#}");
            assert_eq!(item["outcome"], "verified", "{name}: {item:#}");
        }
        let err = stderr(&out);
        assert!(err.contains("OID4VC Test Institute"), "{name}: {err}");
        let events = ex.pending();
        let token: Vec<&Value> = events.iter().filter(|e| e["event"] == "token").collect();
        assert_eq!(token.len(), 1, "{name}: {events:#?}");
        assert_eq!(token[0]["ok"], true, "{name}: {events:#?}");
        assert_eq!(token[0]["tx_code"].as_str(), code.as_deref());
        let issued: Vec<&Value> = events
            .iter()
            .filter(|e| e["event"] == "credential")
            .collect();
        assert_eq!(
            issued
                .iter()
                .map(|e| e["format"].as_str().unwrap())
                .collect::<Vec<_>>(),
            formats,
            "{name}"
        );
        for e in &issued {
            // The library checked the proof (nonce, audience, signature)
            // and resolved its kid to the learner's DID.
            assert_eq!(e["holder"], did.as_str(), "{e:#}");
            assert_eq!(e["proof"], "openid4vci-proof+jwt");
            sent.push(e["sha256"].as_str().unwrap().to_string());
        }
        assert!(
            !events.iter().any(|e| e["event"] == "error"),
            "{name}: {events:#?}"
        );
        stored += formats.len();
        assert_eq!(listed(&wallet).len(), stored);
    }
    for item in listed(&wallet) {
        let id = item["id"].as_i64().unwrap().to_string();
        let out = common::satchel(&wallet, &["show", &id, "--json"]);
        let shown = stdout_json(&out);
        assert_eq!(shown["issuer_id"], issuer_did.as_str(), "{shown:#}");
        assert_eq!(shown["subject_id"], did.as_str(), "{shown:#}");
        let sha = shown["sha256"].as_str().unwrap().to_string();
        assert!(sent.contains(&sha), "stored {sha}, sent {sent:?}");
    }
}

/// The library's refusals, each a clear sentence and nothing stored: a
/// wrong transaction code, then the same offer again after it was used
/// (its URI is single use, so the by-value offer is the one replayed).
#[test]
fn openid4vci_the_openid4vc_issuer_refuses_a_wrong_or_used_code() {
    let Some(ex) = oid4vci_reference() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let (link, code) = reference_offer(&ex, "ldp-by-value-tx");
    let code = code.expect("this offer has a transaction code");
    let out = run(&wallet, &["receive", &link, "--tx-code", "000000"], &ex.env);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("did not accept the code"), "{err}");
    assert!(err.contains("transaction code is wrong"), "{err}");
    let events = ex.pending();
    assert_eq!(events[0]["event"], "token", "{events:#?}");
    assert_eq!(events[0]["ok"], false, "{events:#?}");
    assert!(!events.iter().any(|e| e["event"] == "credential"));
    assert!(listed(&wallet).is_empty());
    // The right code works, once.
    let out = run(&wallet, &["receive", &link, "--tx-code", &code], &ex.env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(listed(&wallet).len(), 1);
    let _ = ex.pending();
    let out = run(&wallet, &["receive", &link, "--tx-code", &code], &ex.env);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("may have expired or been used already"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listed(&wallet).len(), 1);
    // An offer URI answers once: fetched again, it is gone.
    let (by_uri, _) = reference_offer(&ex, "jwt-by-uri");
    let out = run(&wallet, &["receive", &by_uri], &ex.env);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&wallet, &["receive", &by_uri], &ex.env);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    assert_eq!(listed(&wallet).len(), 2);
}

// Our own minimal issuer on the test server: static answers that follow
// OpenID4VCI 1.0, the requests Satchel makes checked afterwards.

const OFFER_URI: &str = "https://issuer.example.edu/offers/1";
const TOKEN: &str = "https://issuer.example.edu/token";
const NONCE: &str = "https://issuer.example.edu/nonce";
const CREDENTIAL: &str = "https://issuer.example.edu/credential";

fn offer(tx_code: bool) -> Value {
    let mut grant = json!({"pre-authorized_code": "code-1"});
    if tx_code {
        grant["tx_code"] =
            json!({"length": 6, "input_mode": "numeric", "description": "Sent to your email"});
    }
    json!({"credential_issuer": "https://issuer.example.edu",
        "credential_configuration_ids": ["OpenBadgeCredential_ldp"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": grant}})
}

fn oid4vci_issuer(t: &Setup, tx_code: bool, token: Reply) {
    let s = &t.s;
    s.serve(OFFER_URI, Reply::json("application/json", &offer(tx_code)));
    s.serve(
        "https://issuer.example.edu/.well-known/openid-credential-issuer",
        Reply::json(
            "application/json",
            &json!({"credential_issuer": "https://issuer.example.edu",
                "credential_endpoint": CREDENTIAL, "nonce_endpoint": NONCE,
                "display": [{"name": "Test University"}],
                "credential_configurations_supported": {"OpenBadgeCredential_ldp": {
                    "format": "ldp_vc",
                    "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}}}}}),
        ),
    );
    s.serve(
        "https://issuer.example.edu/.well-known/oauth-authorization-server",
        Reply::json(
            "application/json",
            &json!({"issuer": "https://issuer.example.edu", "token_endpoint": TOKEN}),
        ),
    );
    s.serve(TOKEN, token);
    s.serve(
        NONCE,
        Reply::json("application/json", &json!({"c_nonce": "n-1"})),
    );
    s.serve(
        CREDENTIAL,
        Reply::json(
            "application/json",
            &json!({"credentials": [{"credential": credential_for(&t.did, 7)}]}),
        ),
    );
}

fn token_ok() -> Reply {
    Reply::json(
        "application/json",
        &json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300}),
    )
}

fn b64url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

#[test]
fn openid4vci_pre_authorized_code_with_a_tx_code() {
    let t = setup();
    oid4vci_issuer(&t, true, token_ok());
    let link = format!(
        "openid-credential-offer://?credential_offer_uri={}",
        encode(OFFER_URI)
    );
    let out = t.receive(&link, &["--tx-code", "493536"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items = stdout_json(&out);
    assert_eq!(items[0]["result"], "imported", "{items:#}");
    assert_eq!(items[0]["outcome"], "verified");
    assert!(stderr(&out).contains("Test University"), "{}", stderr(&out));
    assert_eq!(t.s.hits(OFFER_URI), 1, "the offer is fetched once");
    let token = String::from_utf8(t.s.bodies(TOKEN)[0].clone()).unwrap();
    assert_eq!(
        token,
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=code-1&tx_code=493536"
    );
    // The key proof: openid4vci-proof+jwt, EdDSA, kid the learner's key, the
    // nonce, signed by the learner's key.
    let req: Value = serde_json::from_slice(&t.s.bodies(CREDENTIAL)[0]).unwrap();
    assert_eq!(
        req["credential_configuration_id"],
        "OpenBadgeCredential_ldp"
    );
    let jwt = req["proofs"]["jwt"][0].as_str().unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let header: Value = serde_json::from_slice(&b64url(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&b64url(parts[1])).unwrap();
    assert_eq!(header["typ"], "openid4vci-proof+jwt");
    assert_eq!(header["alg"], "EdDSA");
    let kid = header["kid"].as_str().unwrap();
    assert!(kid.starts_with(&format!("{}#", t.did)), "{kid}");
    assert_eq!(claims["aud"], "https://issuer.example.edu");
    assert_eq!(claims["nonce"], "n-1");
    let key = satchel::did::decode_multibase_ed25519(t.did.trim_start_matches("did:key:")).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(&b64url(parts[2])).unwrap();
    key.verify_strict(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .expect("the proof is signed by the learner's key");
}

#[test]
fn openid4vci_without_a_tx_code_or_a_terminal_sends_nothing() {
    let t = setup();
    oid4vci_issuer(&t, true, token_ok());
    let link = format!(
        "openid-credential-offer://?credential_offer={}",
        encode(&offer(true).to_string())
    );
    let out = t.receive(&link, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--tx-code"), "{}", stderr(&out));
    // First, read from the link alone: who, and what would be sent.
    assert!(
        stderr(&out).contains(&format!(
            "receiving from issuer.example.edu; it will be sent: the offer's pre-authorized code and the transaction code you type; a proof signed by your key that you hold your DID {}",
            t.did
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(t.s.hits(TOKEN), 0);
}

#[test]
fn openid4vci_a_used_code_or_wrong_tx_code_is_a_clear_refusal() {
    let t = setup();
    oid4vci_issuer(
        &t,
        true,
        Reply::StatusBody(
            400,
            "application/json",
            br#"{"error":"invalid_grant","error_description":"invalid tx_code"}"#.to_vec(),
        ),
    );
    let link = format!(
        "openid-credential-offer://?credential_offer={}",
        encode(&offer(true).to_string())
    );
    let out = t.receive(&link, &["--tx-code", "000000"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("did not accept the code"), "{err}");
    assert!(err.contains("transaction code is wrong"), "{err}");
    assert_eq!(t.s.hits(CREDENTIAL), 0);
    assert!(listed(&t.wallet).is_empty());
}

/// An authorization server that publishes only OpenID Connect discovery
/// (RFC 8414 §5): its token endpoint is read from there.
#[test]
fn openid4vci_token_endpoint_from_openid_configuration() {
    let t = setup();
    oid4vci_issuer(&t, false, token_ok());
    let oidc_token = "https://issuer.example.edu/oidc/token";
    t.s.serve(
        "https://issuer.example.edu/.well-known/oauth-authorization-server",
        Reply::Status(404),
    );
    t.s.serve(
        "https://issuer.example.edu/.well-known/openid-configuration",
        Reply::json(
            "application/json",
            &json!({"issuer": "https://issuer.example.edu", "token_endpoint": oidc_token}),
        ),
    );
    t.s.serve(oidc_token, token_ok());
    let link = format!(
        "openid-credential-offer://?credential_offer={}",
        encode(&offer(false).to_string())
    );
    let out = t.receive(&link, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)[0]["result"], "imported");
    assert_eq!(t.s.hits(oidc_token), 1);
    assert_eq!(t.s.hits(TOKEN), 0);
}
