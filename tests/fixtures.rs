//! Committed fixtures for the end-to-end tests, reproduced here so they can
//! never drift: Ed25519 signatures are deterministic, so signing the same
//! document with the same key gives the same bytes.
//! Regenerate with `SATCHEL_WRITE_FIXTURES=1 cargo test --test fixtures`.

mod common;

use std::path::Path;

use satchel::proof::Cryptosuite;
use serde_json::json;

/// A validly signed credential whose texts are HTML/script injection attempts.
fn hostile() -> Vec<u8> {
    let key = common::issuer_key(66);
    let mut c = common::ob3(
        &common::did_of(&key),
        666,
        "<img src=x onerror=\"document.title='pwned-name'\">Hostile badge",
    );
    c["credentialSubject"]["achievement"]["description"] =
        json!("<script>document.title='pwned-description'</script><b>bold?</b>");
    c["credentialSubject"]["achievement"]["criteria"]["narrative"] =
        json!("<a href=\"javascript:alert(1)\">click</a>");
    c["issuer"]["name"] = json!("Evil\" onmouseover=\"document.title='pwned-issuer'");
    let signed = common::sign(&c, &key, Cryptosuite::EddsaRdfc2022);
    let mut bytes = serde_json::to_vec_pretty(&signed).unwrap();
    bytes.push(b'\n');
    bytes
}

#[test]
fn hostile_fixture_is_current_and_verifies() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-credential.json");
    let fresh = hostile();
    if std::env::var_os("SATCHEL_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        fresh,
        "regenerate with SATCHEL_WRITE_FIXTURES=1"
    );
    let cred = satchel::formats::parse(&fresh).unwrap().remove(0).unwrap();
    let report =
        satchel::verify::verify_credential(&cred, &satchel::verify::VerifyOptions::offline_now());
    assert_eq!(
        report.outcome,
        satchel::report::Outcome::Verified,
        "{:?}",
        report.checks
    );
}
