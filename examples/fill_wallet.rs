//! Fills a wallet with N signed Open Badges 3.0 credentials from a handful of
//! test issuers, for measuring the app with a large wallet.
//!
//! `cargo run --release --example fill_wallet -- WALLET N`

#[path = "support/generate.rs"]
mod generate;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use generate::Badge;
use satchel::import::{import_bytes, ImportOptions};
use satchel::proof::Cryptosuite;
use satchel::store::Wallet;
use satchel::verify::VerifyOptions;

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
        let name = format!(
            "{} {}",
            TOPICS[i % TOPICS.len()],
            ["Foundations", "Practitioner", "Advanced", "Capstone"][i / TOPICS.len() % 4]
        );
        let valid_from = format!(
            "20{:02}-{:02}-{:02}T10:00:00Z",
            18 + i % 8,
            1 + i % 12,
            1 + i % 28
        );
        let unsigned = generate::unsigned(
            &Badge {
                n: i,
                uuid_prefix: "30000000",
                name: &name,
                issuer_name: ISSUERS[k],
                subject: "did:example:learner",
                valid_from: &valid_from,
            },
            key,
        );
        let signed = generate::sign(&unsigned, key, Cryptosuite::EddsaRdfc2022).expect("sign");
        let bytes = serde_json::to_vec_pretty(&signed).expect("json");
        import_bytes(&mut wallet, &format!("generated-{i}.json"), &bytes, &opts);
        if (i + 1) % 500 == 0 {
            eprintln!("fill_wallet: {}/{n} ({:.1?})", i + 1, start.elapsed());
        }
    }
    eprintln!("fill_wallet: {n} credentials in {:.1?}", start.elapsed());
}
