//! Interop with the reference JavaScript stack: every credential in
//! `tests/vectors/peer` verifies or fails exactly as its MANIFEST says.

mod common;

use chrono::{DateTime, Utc};
use satchel::formats;
use satchel::proof::ProofError;
use satchel::report::{CheckStatus, Outcome};
use satchel::verify::{self, VerifyOptions};
use serde_json::Value;

fn at(s: &str) -> DateTime<Utc> {
    verify::parse_datetime(s).unwrap()
}

#[test]
fn manifest_outcomes() {
    let dir = common::vectors("peer");
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let (mut valid, mut tampered) = (0, 0);
    for entry in &manifest {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let cred = formats::parse(&bytes).unwrap().remove(0).unwrap();
        // The reference verifier ran with "now" = 2023-12-31.
        let then = verify::verify_credential(
            &cred,
            &VerifyOptions::offline_at(at("2023-12-31T12:00:00Z")),
        );
        let later = verify::verify_credential(
            &cred,
            &VerifyOptions::offline_at(at("2026-11-24T12:00:00Z")),
        );
        let sig = then.check("signature").unwrap();
        if entry["signature"] == "valid" {
            valid += 1;
            assert_eq!(sig.status, CheckStatus::Pass, "{file}: {}", sig.message);
            assert_eq!(
                then.check("issuer").unwrap().status,
                CheckStatus::Pass,
                "{file}"
            );
            assert_eq!(then.outcome, Outcome::Verified, "{file}: {:?}", then.checks);
            let expected_later = if entry["expired"] == true {
                Outcome::Warning
            } else {
                Outcome::Verified
            };
            assert_eq!(later.outcome, expected_later, "{file}: {:?}", later.checks);
        } else {
            tampered += 1;
            assert_eq!(sig.status, CheckStatus::Fail, "{file}: {}", sig.message);
            assert_eq!(then.outcome, Outcome::Failed, "{file}");
            assert!(
                matches!(
                    satchel::proof::verify(&cred.json, &satchel::did::DefaultResolver::offline()),
                    Err(ProofError::BadSignature)
                ),
                "{file}"
            );
        }
    }
    eprintln!("peer vectors: {valid} valid verified, {tampered} tampered failed");
    assert!(valid >= 24 && tampered >= 18);
}

#[test]
fn key_order_and_whitespace_do_not_matter() {
    let dir = common::vectors("peer");
    for n in [0, 2, 11] {
        let bytes = std::fs::read(dir.join(format!("valid-{n}.json"))).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        // Reverse every object's keys and print compactly.
        fn reverse(v: &Value) -> Value {
            match v {
                Value::Object(o) => Value::Object(
                    o.iter()
                        .rev()
                        .map(|(k, v)| (k.clone(), reverse(v)))
                        .collect(),
                ),
                Value::Array(a) => Value::Array(a.iter().map(reverse).collect()),
                other => other.clone(),
            }
        }
        let reordered = serde_json::to_vec(&reverse(&v)).unwrap();
        let cred = formats::parse(&reordered).unwrap().remove(0).unwrap();
        let r = verify::verify_credential(
            &cred,
            &VerifyOptions::offline_at(at("2023-12-31T12:00:00Z")),
        );
        assert_eq!(
            r.outcome,
            Outcome::Verified,
            "valid-{n} reordered: {:?}",
            r.checks
        );
    }
}
