//! The W3C Data Integrity EdDSA Cryptosuites v1.0 test vectors, reproduced
//! value by value: canonical forms, hashes, combined hash, signature.

mod common;

use std::fs;
use std::path::Path;

use ed25519_dalek::SigningKey;
use satchel::did::{self, DefaultResolver};
use satchel::proof::{self, Cryptosuite, ProofOptions};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&fs::read(p).unwrap()).unwrap()
}

fn read_text(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The vector key pair (multibase multicodec Ed25519 secret key `z3u2…`).
fn vector_key(dir: &Path) -> SigningKey {
    let kp = read_json(&dir.join("keyPair.json"));
    secret_from_multibase(kp["privateKeyMultibase"].as_str().unwrap())
}

fn secret_from_multibase(mb: &str) -> SigningKey {
    let bytes = bs58::decode(&mb[1..]).into_vec().unwrap();
    assert_eq!(&bytes[..2], &[0x80, 0x26], "ed25519-priv multicodec");
    SigningKey::from_bytes(&bytes[2..].try_into().unwrap())
}

struct Case {
    suite: Cryptosuite,
    folder: &'static str,
    tag: &'static str,
}

const CASES: [Case; 3] = [
    Case {
        suite: Cryptosuite::EddsaRdfc2022,
        folder: "eddsa-rdfc-2022",
        tag: "DataInt",
    },
    Case {
        suite: Cryptosuite::EddsaJcs2022,
        folder: "eddsa-jcs-2022",
        tag: "JCS",
    },
    Case {
        suite: Cryptosuite::Ed25519Signature2020,
        folder: "Ed25519Signature2020",
        tag: "EdSig",
    },
];

#[test]
fn every_intermediate_value_matches() {
    let root = common::vectors("w3c-di-eddsa");
    let key = vector_key(&root);
    let expected_did = format!(
        "did:key:{}",
        read_json(&root.join("keyPair.json"))["publicKeyMultibase"]
            .as_str()
            .unwrap()
    );
    assert_eq!(did::did_key_from_public(&key.verifying_key()), expected_did);
    for case in CASES {
        let dir = root.join(case.folder);
        let t = |name: &str| {
            read_text(&dir.join(format!("{name}{}.txt", case.tag)))
                .trim_end_matches('\n')
                .to_string()
        };
        let signed = read_json(&dir.join(format!("signed{}.json", case.tag)));
        let config = read_json(&dir.join(format!("proofConfig{}.json", case.tag)));
        let mut unsecured = signed.clone();
        unsecured.as_object_mut().unwrap().remove("proof");

        let h = proof::hash_data(case.suite, &unsecured, &config).unwrap();
        let nl = |s: &str| s.trim_end_matches('\n').to_string();
        assert_eq!(
            nl(&h.canonical_document),
            t("canonDoc"),
            "{}: canonical document",
            case.folder
        );
        assert_eq!(
            nl(&h.canonical_proof_config),
            t("proofCanon"),
            "{}: canonical proof config",
            case.folder
        );
        assert_eq!(
            hex(&Sha256::digest(h.canonical_document.as_bytes())),
            t("docHash"),
            "{}: doc hash",
            case.folder
        );
        assert_eq!(
            hex(&Sha256::digest(h.canonical_proof_config.as_bytes())),
            t("proofHash"),
            "{}: proof hash",
            case.folder
        );
        assert_eq!(
            hex(&h.combined),
            t("combinedHash"),
            "{}: combined hash",
            case.folder
        );

        // Signing the vector's unsigned document reproduces the signature (Ed25519 is deterministic).
        let created = config["created"].as_str().map(str::to_string);
        let mut base = read_json(&root.join("unsigned.json"));
        if case.suite == Cryptosuite::Ed25519Signature2020 {
            base = unsecured.clone();
        }
        let ours = proof::sign(
            &base,
            &key,
            &ProofOptions {
                suite: case.suite,
                verification_method: config["verificationMethod"].as_str().unwrap().to_string(),
                proof_purpose: "assertionMethod".into(),
                created,
                challenge: None,
                domain: None,
            },
        )
        .unwrap();
        let pv = ours["proof"]["proofValue"].as_str().unwrap();
        assert_eq!(pv, t("sigBTC58"), "{}: signature base58", case.folder);
        assert_eq!(
            hex(&bs58::decode(&pv[1..]).into_vec().unwrap()),
            t("sigHex"),
            "{}: signature hex",
            case.folder
        );
        assert_eq!(
            ours["proof"], signed["proof"],
            "{}: whole proof",
            case.folder
        );

        // The signed document verifies; the vector's issuer is an https URL, so
        // the signing key's controller is the did:key, not the issuer.
        let v = proof::verify(&signed, &DefaultResolver::offline()).unwrap();
        assert_eq!(v[0].controller, expected_did);
        assert_ne!(signed["issuer"].as_str(), Some(expected_did.as_str()));
    }
}

#[test]
fn proof_sets_and_chains_verify() {
    let root = common::vectors("w3c-di-eddsa/proof-set-chain");
    for name in [
        "signedProofSet1.json",
        "signedProofSet2.json",
        "signedProofChain1.json",
        "signedProofChain2.json",
    ] {
        let doc = read_json(&root.join(name));
        let proofs = proof::verify(&doc, &DefaultResolver::offline())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let count = doc["proof"].as_array().map_or(1, Vec::len);
        assert_eq!(proofs.len(), count, "{name}");
        // Changing the last proof's signature breaks the set.
        let mut broken = doc.clone();
        let last = match &mut broken["proof"] {
            Value::Array(items) => items.last_mut().unwrap(),
            single => single,
        };
        let pv = last["proofValue"].as_str().unwrap().to_string();
        let flipped = if pv.ends_with('A') {
            format!("{}B", &pv[..pv.len() - 1])
        } else {
            format!("{}A", &pv[..pv.len() - 1])
        };
        last["proofValue"] = Value::String(flipped);
        assert!(
            proof::verify(&broken, &DefaultResolver::offline()).is_err(),
            "{name}"
        );
    }
}
