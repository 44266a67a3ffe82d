//! Wallet benchmarks (a bench binary: these runs take seconds, too long for
//! criterion's repeated sampling):
//! - import of 10,000 signed OB 3.0 credentials into a fresh wallet;
//! - search over 100,000 stored credentials.
//!
//! Run: `cargo bench --bench wallet`. Prints one line per measurement.

// The allocator the satchel binaries install, so the numbers are theirs.
#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

#[path = "../examples/support/generate.rs"]
mod generate;

use std::time::{Duration, Instant};

use chrono::Utc;
use ed25519_dalek::SigningKey;
use generate::Badge;
use satchel::formats::Summary;
use satchel::import::{import_batch, Disposition, ImportOptions};
use satchel::proof::Cryptosuite;
use satchel::report::{Check, CheckStatus, Report};
use satchel::store::{ListQuery, NewCredential, Wallet};
use satchel::verify::VerifyOptions;

const SUBJECTS: [&str; 8] = [
    "Cloud Computing",
    "Data Science",
    "Project Management",
    "Cybersecurity",
    "Machine Learning",
    "Web Development",
    "Team Leadership",
    "Technical Writing",
];

fn credential(n: usize, key: &SigningKey) -> Vec<u8> {
    let name = format!("{} Level {}", SUBJECTS[n % SUBJECTS.len()], n % 5 + 1);
    let issuer_name = format!("Provider {}", n % 40);
    let valid_from = format!("20{:02}-0{}-15T10:00:00Z", 15 + n % 10, 1 + n % 9);
    let unsigned = generate::unsigned(
        &Badge {
            n,
            uuid_prefix: "10000000",
            name: &name,
            issuer_name: &issuer_name,
            subject: "did:example:learner",
            valid_from: &valid_from,
        },
        key,
    );
    let signed = generate::sign(&unsigned, key, Cryptosuite::EddsaRdfc2022).expect("sign");
    serde_json::to_vec_pretty(&signed).expect("serialise")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench_import() {
    let key = SigningKey::from_bytes(&[42; 32]);
    let n = 10_000;
    let t = Instant::now();
    let creds: Vec<Vec<u8>> = (0..n).map(|i| credential(i, &key)).collect();
    println!("setup: signed {n} credentials in {:.2?}", t.elapsed());
    let opts = ImportOptions {
        keep_unverified: false,
        verify: VerifyOptions::offline_now(),
    };
    // One run: it takes tens of seconds; its per-credential figure is what matters.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut wallet = Wallet::open(&dir.path().join("bench.db")).expect("open");
    // As `satchel import` does it: verified on every core, stored in order.
    let t = Instant::now();
    let results = import_batch(
        &mut wallet,
        n,
        |i| (format!("c{i}.json"), Ok(creds[i].clone())),
        &opts,
        |_, _| {},
    );
    let took = t.elapsed();
    let imported = results
        .iter()
        .filter(|r| r.result == Disposition::Imported)
        .count();
    assert_eq!(imported, n, "every credential verifies and is stored");
    println!(
        "import {n} signed OB 3.0 credentials (verify on {} threads + store) into a fresh wallet: {:.2?} ({:.0} µs each)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        took,
        took.as_secs_f64() * 1e6 / n as f64
    );
}

fn bench_search() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut wallet = Wallet::open(&dir.path().join("search.db")).expect("open");
    let report = Report::from_checks(
        vec![Check::new("signature", CheckStatus::Pass, "ok")],
        Utc::now(),
    );
    let total = 100_000;
    let t = Instant::now();
    for n in 0..total {
        let name = format!("{} Level {}", SUBJECTS[n % SUBJECTS.len()], n % 5 + 1);
        let summary = Summary {
            name: name.clone(),
            achievement_name: Some(name.clone()),
            description: Some(format!(
                "Awarded for assessed project work in {name}, cohort {n}."
            )),
            issuer_id: Some(format!("did:example:provider-{}", n % 40)),
            issuer_name: Some(format!("Provider {}", n % 40)),
            valid_from: Some(format!("20{:02}-01-15T10:00:00Z", 10 + n % 15)),
            ..Summary::default()
        };
        let raw = format!("{{\"n\":{n}}}");
        let key = format!("k{n}");
        wallet
            .insert(
                &NewCredential {
                    raw: raw.as_bytes(),
                    content_key: &key,
                    source: "bench",
                    summary: &summary,
                    report: &report,
                    kept_unverified: false,
                },
                Utc::now(),
            )
            .expect("insert");
    }
    println!("setup: stored {total} credentials in {:.2?}", t.elapsed());
    let queries = [
        (
            "rare word",
            ListQuery {
                search: Some("cohort 4242".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "common word, first page",
            ListQuery {
                search: Some("cloud".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "prefix",
            ListQuery {
                search: Some("cyber".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "two words",
            ListQuery {
                search: Some("machine level".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "issuer filter",
            ListQuery {
                issuer: Some("did:example:provider-7".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "no filter, first page",
            ListQuery {
                limit: Some(50),
                ..Default::default()
            },
        ),
    ];
    for (label, q) in queries {
        let mut runs = Vec::new();
        let mut found = 0;
        for _ in 0..21 {
            let t = Instant::now();
            let page = wallet.list(&q).expect("list");
            runs.push(t.elapsed());
            found = page.total;
        }
        println!(
            "search over {total} ({label}): {:.2?} median of 21, {found} matches",
            median(runs)
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench binaries with no `--bench` flag: stay quick then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("wallet bench: pass --bench (cargo bench) to run");
        return;
    }
    bench_search();
    bench_import();
}
