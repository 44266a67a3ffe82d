//! Criterion benchmarks for sharing: making a QR PNG for one Open Badges 3.0
//! credential, reading one back, and verifying a bundle of 20 credentials.
//! Also prints the QR version and level every valid peer vector needs.
//!
//! Run: `cargo bench --bench share`.

// The allocator the satchel binaries install, so the numbers are theirs.
#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

use std::path::PathBuf;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion};
use satchel::export::{self, BundleOptions};
use satchel::holder::Holder;
use satchel::qr;
use satchel::report::CheckStatus;
use satchel::verify::VerifyOptions;

/// The valid peer vectors (credentials from the reference JS stack), sorted
/// by name; vendored under tests/vectors/peer.
fn peer_credentials() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/peer");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} is absent", dir.display());
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("valid-") && n.ends_with(".json"))
        })
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect();
    out.sort_by_key(|(n, _)| {
        n.trim_start_matches("valid-")
            .trim_end_matches(".json")
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    });
    out
}

fn bench(c: &mut Criterion) {
    let creds = peer_credentials();
    if creds.is_empty() {
        return;
    }
    for (name, raw) in &creds {
        match qr::encode(raw) {
            Ok(code) => eprintln!(
                "{name}: {} bytes JSON, {} code(s), payload {} chars, QR version {} level {}",
                raw.len(),
                code.parts.len(),
                code.parts.iter().map(|p| p.payload.len()).sum::<usize>(),
                code.version(),
                code.ec_level()
            ),
            Err(e) => eprintln!("{name}: {e}"),
        }
    }

    let (_, typical) = &creds[0];
    c.bench_function("QR PNG for one OB 3.0 credential", |b| {
        b.iter(|| qr::encode(typical).and_then(|code| code.parts[0].png()))
    });
    let png = qr::encode(typical)
        .and_then(|code| code.parts[0].png())
        .expect("encode");
    c.bench_function("read QR PNG back to credential bytes", |b| {
        b.iter(|| qr::read_credential(&png))
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let holder = Holder::load_or_create(&dir.path().join("wallet.db")).expect("holder key");
    let raws: Vec<&[u8]> = creds
        .iter()
        .cycle()
        .take(20)
        .map(|(_, r)| r.as_slice())
        .collect();
    let opts = BundleOptions {
        challenge: Some("bench-challenge".into()),
        domain: Some("verifier.example".into()),
    };
    let vp = export::bundle(&holder, &raws, &opts, Utc::now()).expect("bundle");
    let bytes = serde_json::to_vec(&vp).expect("serialise");
    let vopts = VerifyOptions::offline_now();
    let results = export::verify_bundle("bench", &bytes, &opts, &vopts).expect("verify");
    assert_eq!(results.len(), 20);
    // Expired vectors warn or fail on dates; every signature and the holder binding must pass.
    assert!(results.iter().all(|r| r
        .checks
        .iter()
        .filter(|c| c.check == "signature" || c.check == export::CHECK_HOLDER)
        .all(|c| c.status == CheckStatus::Pass)));
    c.bench_function("verify bundle of 20 credentials", |b| {
        b.iter(|| export::verify_bundle("bench", &bytes, &opts, &vopts))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
