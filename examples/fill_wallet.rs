//! Fills a wallet with N signed Open Badges 3.0 credentials from a handful of
//! test issuers, for measuring the app with a large wallet.
//!
//! `cargo run --release --example fill_wallet -- WALLET N`

use chrono::Utc;
use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::import::{import_bytes, ImportOptions};
use satchel::proof::{self, Cryptosuite, ProofOptions};
use satchel::store::Wallet;
use satchel::verify::VerifyOptions;
use serde_json::json;

const TOPICS: [&str; 10] = [
    "Cloud Computing",
    "Data Science",
    "Project Management",
    "Cybersecurity",
    "Machine Learning",
    "Web Development",
    "Team Leadership",
    "Technical Writing",
    "UX Research",
    "Statistics",
];
const ISSUERS: [&str; 5] = [
    "Northfield University",
    "Skillforge Online",
    "Acme Corp Academy",
    "CodeCamp Berlin",
    "Université de Lyon",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: fill_wallet WALLET N");
        std::process::exit(2);
    };
    let mut wallet = Wallet::open(std::path::Path::new(path)).unwrap_or_else(|e| {
        eprintln!("fill_wallet: {e}");
        std::process::exit(2);
    });
    let keys: Vec<SigningKey> = (0..ISSUERS.len())
        .map(|i| SigningKey::from_bytes(&[100 + i as u8; 32]))
        .collect();
    let opts = ImportOptions {
        keep_unverified: false,
        verify: VerifyOptions::offline_at(Utc::now()),
    };
    let start = std::time::Instant::now();
    for i in 0..n {
        let k = i % keys.len();
        let key = &keys[k];
        let issuer = did::did_key_from_public(&key.verifying_key());
        let name = format!(
            "{} {}",
            TOPICS[i % TOPICS.len()],
            ["Foundations", "Practitioner", "Advanced", "Capstone"][i / TOPICS.len() % 4]
        );
        let unsigned = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:30000000-0000-4000-8000-{i:012}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name,
            "issuer": {"id": issuer, "type": ["Profile"], "name": ISSUERS[k], "url": "https://issuer.example"},
            "validFrom": format!("20{:02}-{:02}-{:02}T10:00:00Z", 18 + i % 8, 1 + i % 12, 1 + i % 28),
            "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner",
                "achievement": {"id": format!("https://issuer.example/a/{i}"), "type": ["Achievement"], "name": name,
                    "description": format!("Awarded for assessed project work in {name}."),
                    "criteria": {"narrative": "Completed every module and the final assessment."}}}
        });
        let signed = proof::sign(
            &unsigned,
            key,
            &ProofOptions {
                suite: Cryptosuite::EddsaRdfc2022,
                verification_method: did::did_key_verification_method(&issuer),
                proof_purpose: "assertionMethod".into(),
                created: Some("2024-01-01T00:00:00Z".into()),
                challenge: None,
                domain: None,
            },
        )
        .expect("sign");
        let bytes = serde_json::to_vec_pretty(&signed).expect("json");
        import_bytes(&mut wallet, &format!("generated-{i}.json"), &bytes, &opts);
        if (i + 1) % 500 == 0 {
            eprintln!("fill_wallet: {}/{n} ({:.1?})", i + 1, start.elapsed());
        }
    }
    eprintln!("fill_wallet: {n} credentials in {:.1?}", start.elapsed());
}
