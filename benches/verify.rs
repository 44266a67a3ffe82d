//! Criterion benchmarks: verifying one Open Badges 3.0 credential per suite.
//!
//! Run: `cargo bench --bench verify`. Times are the bench thread's CPU time
//! (benches/support/cpu_time.rs): the machine is often shared.

// The allocator the satchel binaries install, so the numbers are theirs.
#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cpu_time.rs"]
mod cpu_time;
#[path = "../examples/support/generate.rs"]
mod generate;
use cpu_time::ThreadCpuTime;
use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::formats;
use satchel::proof::Cryptosuite;
use satchel::report::Outcome;
use satchel::verify::{verify_credential, VerifyOptions};
use serde_json::json;

/// The bench's credential: issuer profile, achievement with criteria.
fn typical(did: &str) -> serde_json::Value {
    json!({
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
    })
}

/// A larger credential: alignments, evidence, result descriptions and results,
/// an embedded PNG image, a right-to-left name with a base direction.
fn large(did: &str) -> serde_json::Value {
    let image = format!(
        "data:image/png;base64,{}",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk".repeat(40)
    );
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:20000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis with Python",
        "description": "Awarded for a graded capstone project and three assessed labs.",
        "image": {"id": image, "type": "Image", "caption": "Badge artwork"},
        "issuer": {"id": did, "type": ["Profile"], "name": "Skillforge Online", "url": "https://skillforge.example.com",
            "email": "registrar@skillforge.example.com", "image": {"id": "https://skillforge.example.com/logo.png", "type": "Image"}},
        "validFrom": "2023-01-01T12:00:00Z",
        "validUntil": "2033-01-01T12:00:00Z",
        "evidence": [
            {"id": "https://skillforge.example.com/evidence/1", "type": ["Evidence"], "name": "Capstone report", "narrative": "A 20-page analysis of public transport data.", "genre": "Project"},
            {"id": "https://skillforge.example.com/evidence/2", "type": ["Evidence"], "name": "Lab notebooks", "narrative": "Three notebooks, each peer reviewed.", "genre": "Lab"}
        ],
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner-0",
            "activityStartDate": "2022-09-01T00:00:00Z", "activityEndDate": "2022-12-15T00:00:00Z", "creditsEarned": 5.0,
            "result": [
                {"type": ["Result"], "resultDescription": "urn:uuid:20000000-0000-4000-8000-0000000000a1", "value": "A"},
                {"type": ["Result"], "resultDescription": "urn:uuid:20000000-0000-4000-8000-0000000000a2", "value": "92"}
            ],
            "achievement": {"id": "https://skillforge.example.com/achievements/data-analysis", "type": ["Achievement"],
                "name": {"@value": "\u{62a}\u{62d}\u{644}\u{64a}\u{644} \u{627}\u{644}\u{628}\u{64a}\u{627}\u{646}\u{627}\u{62a}", "@language": "ar", "@direction": "rtl"},
                "description": "Cleaning, exploring and modelling real data sets with Python.",
                "achievementType": "Certificate", "creditsAvailable": 5.0, "humanCode": "DA-101", "fieldOfStudy": "Data Science",
                "criteria": {"id": "https://skillforge.example.com/achievements/data-analysis/criteria", "narrative": "Pass the capstone with at least 70% and complete all labs."},
                "image": {"id": "https://skillforge.example.com/badges/da.png", "type": "Image", "caption": "Data Analysis badge"},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": "https://esco.example/skill/1", "targetFramework": "ESCO", "targetCode": "S1.2.3", "targetType": "ceasn:Competency"},
                    {"type": ["Alignment"], "targetName": "Python programming", "targetUrl": "https://esco.example/skill/2", "targetFramework": "ESCO", "targetCode": "S5.6.1"},
                    {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": "https://esco.example/skill/3", "targetFramework": "ESCO", "targetCode": "S2.1.9"}
                ],
                "resultDescription": [
                    {"id": "urn:uuid:20000000-0000-4000-8000-0000000000a1", "type": ["ResultDescription"], "name": "Final grade", "resultType": "LetterGrade", "allowedValue": ["A", "B", "C", "D"]},
                    {"id": "urn:uuid:20000000-0000-4000-8000-0000000000a2", "type": ["ResultDescription"], "name": "Capstone score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
                ]}}
    })
}

/// Makes an unsigned credential for an issuer DID.
type Shape = fn(&str) -> serde_json::Value;

fn signed(suite: Cryptosuite, shape: Shape) -> Vec<u8> {
    let key = SigningKey::from_bytes(&[5; 32]);
    let unsigned = shape(&did::did_key_from_public(&key.verifying_key()));
    let signed = generate::sign(&unsigned, &key, suite).expect("sign");
    serde_json::to_vec(&signed).expect("serialise")
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let opts = VerifyOptions::offline_now();
    let shapes: [(&str, Shape); 2] = [("", typical), (", large", large)];
    for (label, shape) in shapes {
        for suite in [
            Cryptosuite::EddsaRdfc2022,
            Cryptosuite::EddsaJcs2022,
            Cryptosuite::Ed25519Signature2020,
        ] {
            let bytes = signed(suite, shape);
            let cred = formats::parse(&bytes)
                .expect("parse")
                .remove(0)
                .expect("credential");
            assert_eq!(verify_credential(&cred, &opts).outcome, Outcome::Verified);
            c.bench_function(
                &format!("verify OB 3.0 credential ({}{label})", suite.name()),
                |b| b.iter(|| verify_credential(&cred, &opts)),
            );
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime(criterion::measurement::WallTime)).sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
