//! Comprehensive Learner Record 2.0 (the CLR's proof and each nested
//! credential, reported in `nested_credentials`) and Verifiable Presentations
//! handed to the learner (each credential imported; no holder proof needed).

mod common;
#[path = "support/signer.rs"]
mod signer;

use common::{did_of, issuer_key, ob3, satchel, sign, signed_ob3, stdout_json};
use satchel::formats;
use satchel::proof::Cryptosuite;
use satchel::verify::{self, CheckStatus, Outcome, VerifyOptions};
use serde_json::{json, Value};
use signer::TestSigner;

/// An EdDSA VC-JWT of issuer key 7 (its did:key is the kid).
fn jwt_credential(n: usize) -> String {
    let did = did_of(&issuer_key(7));
    TestSigner::ed25519(7).sign(
        json!({"kid": satchel::did::did_key_verification_method(&did)}),
        &ob3(&did, n, "Nested JWT badge"),
    )
}

/// A CLR signed (eddsa-rdfc-2022) by issuer key 8, holding `nested`.
fn clr(nested: Vec<Value>) -> Value {
    let did = did_of(&issuer_key(8));
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:9a0e1a2c-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Registrar"},
        "validFrom": "2024-06-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": "did:example:learner-1", "type": ["ClrSubject"],
            "verifiableCredential": nested}
    });
    sign(&unsigned, &issuer_key(8), Cryptosuite::EddsaRdfc2022)
}

fn verify(v: &Value) -> verify::Report {
    let cred = formats::parse(&serde_json::to_vec(v).unwrap())
        .unwrap()
        .remove(0)
        .unwrap();
    verify::verify_credential(&cred, &VerifyOptions::offline_now())
}

#[test]
fn clr_proof_and_each_nested_credential() {
    let good = clr(vec![
        signed_ob3(1, "Course A"),
        signed_ob3(2, "Course B"),
        json!(jwt_credential(3)),
    ]);
    let r = verify(&good);
    assert_eq!(r.outcome, Outcome::Verified, "{r:#?}");
    let nested = r.check("nested_credentials").unwrap();
    assert_eq!(nested.status, CheckStatus::Pass);
    assert!(
        nested.message.contains("Course A: verified"),
        "{}",
        nested.message
    );
    assert!(
        nested.message.contains("Nested JWT badge: verified"),
        "{}",
        nested.message
    );
    // The same, structured, for the app to show the CLR with its achievements.
    let held: Vec<(&str, Outcome)> = nested
        .nested
        .iter()
        .map(|n| (n.name.as_str(), n.outcome))
        .collect();
    assert_eq!(
        held,
        [
            ("Course A", Outcome::Verified),
            ("Course B", Outcome::Verified),
            ("Nested JWT badge", Outcome::Verified)
        ]
    );
    assert_eq!(
        nested.nested[0].issuer_name.as_deref(),
        Some("Test University Ünïcode 大学")
    );
    // The summary lists what the CLR holds (a JWT by its decoded name).
    assert_eq!(
        formats::Summary::of(&good).nested,
        ["Course A", "Course B", "Nested JWT badge"]
    );
    assert!(formats::Summary::of(&signed_ob3(1, "Course A"))
        .nested
        .is_empty());

    // A nested credential changed before the CLR was signed: the CLR's proof
    // holds, the nested one fails, and so does the CLR.
    let mut tampered = signed_ob3(4, "Course D");
    tampered["name"] = "Course D (forged)".into();
    let r = verify(&clr(vec![signed_ob3(1, "Course A"), tampered]));
    assert_eq!(r.check("signature").unwrap().status, CheckStatus::Pass);
    assert_eq!(
        r.check("nested_credentials").unwrap().status,
        CheckStatus::Fail
    );
    let forged = &r.check("nested_credentials").unwrap().nested[1];
    assert_eq!(
        (forged.name.as_str(), forged.outcome),
        ("Course D (forged)", Outcome::Failed)
    );
    assert!(forged.reason.is_some());
    assert_eq!(r.outcome, Outcome::Failed);

    // The CLR itself changed after signing: its own signature fails.
    let mut changed = good.clone();
    changed["name"] = "Another transcript".into();
    assert_eq!(
        verify(&changed).check("signature").unwrap().status,
        CheckStatus::Fail
    );

    // An empty CLR: nothing nested to check, said so.
    let r = verify(&clr(vec![]));
    assert_eq!(
        r.check("nested_credentials").unwrap().status,
        CheckStatus::Skip
    );

    // Not a CLR: no such check.
    assert!(verify(&signed_ob3(5, "Plain"))
        .check("nested_credentials")
        .is_none());
}

#[test]
fn presentations_import_each_credential_without_a_holder_proof() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:another-wallet",
        "verifiableCredential": [signed_ob3(1, "From a portal"), jwt_credential(2),
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
             "id": format!("data:application/vc+jwt,{}", jwt_credential(3))}]
    });
    let file = dir.path().join("export.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&vp).unwrap()).unwrap();
    let out = satchel(&wallet, &["import", &file.display().to_string(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items = stdout_json(&out);
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 3);
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["result"], "imported", "{item:#}");
        assert_eq!(item["outcome"], "verified");
        assert_eq!(item["source"], format!("{}[{i}]", file.display()));
    }
    // The enveloped one is stored as its token.
    let id = items[2]["id"].as_i64().unwrap();
    let raw = satchel(&wallet, &["export-raw", &id.to_string()]).stdout;
    assert_eq!(raw, jwt_credential(3).as_bytes());

    // A presentation with no credentials is refused, saying so.
    let empty = dir.path().join("empty.json");
    std::fs::write(
        &empty,
        br#"{"type":"VerifiablePresentation","verifiableCredential":[]}"#,
    )
    .unwrap();
    let out = satchel(&wallet, &["import", &empty.display().to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_json(&out)[0]["checks"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Presentation"));
}

#[test]
fn bundles_carry_jwt_credentials_enveloped() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let file = dir.path().join("b.jwt");
    std::fs::write(&file, jwt_credential(4)).unwrap();
    let out = satchel(&wallet, &["import", &file.display().to_string(), "--json"]);
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();
    let bundle = dir.path().join("bundle.json");
    let out = satchel(
        &wallet,
        &["export", "bundle", &id, "-o", &bundle.display().to_string()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = satchel(
        &wallet,
        &["verify-bundle", &bundle.display().to_string(), "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");
}
