//! Criterion benchmarks: verifying one Open Badges 3.0 credential per suite.
//!
//! Run: `cargo bench --bench verify`.

use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::formats;
use satchel::proof::{self, Cryptosuite, ProofOptions};
use satchel::report::Outcome;
use satchel::verify::{verify_credential, VerifyOptions};
use serde_json::json;

fn signed(suite: Cryptosuite) -> Vec<u8> {
    let key = SigningKey::from_bytes(&[5; 32]);
    let did = did::did_key_from_public(&key.verifying_key());
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:20000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Cloud Computing Fundamentals",
        "issuer": {"id": did, "type": ["Profile"], "name": "Skillforge Online", "url": "https://skillforge.example.com"},
        "validFrom": "2023-01-01T12:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner-0",
            "achievement": {"id": "https://skillforge.example.com/achievements/0", "type": ["Achievement"],
                "name": "Cloud Computing Fundamentals",
                "description": "Awarded for demonstrating cloud computing fundamentals through assessed project work.",
                "criteria": {"narrative": "Completed all modules and passed the final assessment."}}}
    });
    let signed = proof::sign(
        &unsigned,
        &key,
        &ProofOptions {
            suite,
            verification_method: did::did_key_verification_method(&did),
            proof_purpose: "assertionMethod".into(),
            created: Some("2024-01-01T00:00:00Z".into()),
            challenge: None,
            domain: None,
        },
    )
    .expect("sign");
    serde_json::to_vec(&signed).expect("serialise")
}

fn bench(c: &mut Criterion) {
    let opts = VerifyOptions::offline_now();
    for suite in [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::Ed25519Signature2020,
    ] {
        let bytes = signed(suite);
        let cred = formats::parse(&bytes)
            .expect("parse")
            .remove(0)
            .expect("credential");
        assert_eq!(verify_credential(&cred, &opts).outcome, Outcome::Verified);
        c.bench_function(
            &format!("verify OB 3.0 credential ({})", suite.name()),
            |b| b.iter(|| verify_credential(&cred, &opts)),
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
