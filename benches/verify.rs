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
    let shapes: [(&str, Shape); 2] = [("", generate::typical), (", large", generate::large)];
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
