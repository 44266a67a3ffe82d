//! Verifies one generated credential many times, for profilers
//! (`valgrind --tool=callgrind`, `perf record`), which need a plain loop
//! rather than criterion's adaptive one.
//!
//! `cargo build --release --example verify_loop`, then
//! `verify_loop [typical|large] [rdfc|jcs|2020] [N]`.

#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

#[path = "support/generate.rs"]
mod generate;

use ed25519_dalek::SigningKey;
use satchel::proof::Cryptosuite;
use satchel::report::Outcome;
use satchel::verify::{verify_credential, VerifyOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shape = match args.first().map(String::as_str) {
        Some("large") => generate::large,
        _ => generate::typical,
    };
    let suite = match args.get(1).map(String::as_str) {
        Some("jcs") => Cryptosuite::EddsaJcs2022,
        Some("2020") => Cryptosuite::Ed25519Signature2020,
        _ => Cryptosuite::EddsaRdfc2022,
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let key = SigningKey::from_bytes(&[5; 32]);
    let unsigned = shape(&satchel::did::did_key_from_public(&key.verifying_key()));
    let signed = generate::sign(&unsigned, &key, suite).expect("sign");
    let bytes = serde_json::to_vec(&signed).expect("serialise");
    let cred = satchel::formats::parse(&bytes)
        .expect("parse")
        .remove(0)
        .expect("credential");
    let opts = VerifyOptions::offline_now();
    for _ in 0..n {
        assert_eq!(verify_credential(&cred, &opts).outcome, Outcome::Verified);
    }
}
