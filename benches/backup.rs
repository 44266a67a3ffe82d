//! Backup and restore of a 10,000-credential wallet (a bench binary: each run
//! takes seconds). Target: under 10 s each way.
//!
//! Run: `cargo bench --bench backup`. Prints one line per measurement (median
//! of 3 runs). The credentials are signed `eddsa-jcs-2022` to keep the setup
//! short; backup and restore never verify, so the suite does not matter here.

#[path = "../examples/support/generate.rs"]
mod generate;

use std::time::{Duration, Instant};

use chrono::Utc;
use ed25519_dalek::SigningKey;
use generate::Badge;
use satchel::backup::{self, SecretString};
use satchel::formats::{self, Summary};
use satchel::import;
use satchel::proof::Cryptosuite;
use satchel::report::{Check, CheckStatus, Report};
use satchel::store::{NewCredential, Wallet};

const N: usize = 10_000;

fn credential(n: usize, key: &SigningKey) -> Vec<u8> {
    let name = format!("Course {} Level {}", n % 97, n % 5 + 1);
    let issuer_name = format!("Provider {}", n % 40);
    let unsigned = generate::unsigned(
        &Badge {
            n,
            uuid_prefix: "20000000",
            name: &name,
            issuer_name: &issuer_name,
            subject: "did:example:learner",
            valid_from: "2024-01-15T10:00:00Z",
        },
        key,
    );
    let signed = generate::sign(&unsigned, key, Cryptosuite::EddsaJcs2022).expect("sign");
    serde_json::to_vec_pretty(&signed).expect("serialise")
}

/// CPU time this process has used (user + system, from /proc/self/stat on
/// Linux; zero elsewhere): on a shared machine, wall time alone overstates
/// the work.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the
    // 12th, stime the 13th; in clock ticks of 10 ms on Linux.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = SigningKey::from_bytes(&[42; 32]);
    let t = Instant::now();
    let source = dir.path().join("source.db");
    let mut wallet = Wallet::open(&source).expect("open");
    let report = Report::from_checks(
        vec![Check::new(
            "signature",
            CheckStatus::Pass,
            "The eddsa-jcs-2022 signature is valid.",
        )],
        Utc::now(),
    );
    for i in 0..N {
        let raw = credential(i, &key);
        let cred = formats::parse(&raw)
            .expect("parse")
            .remove(0)
            .expect("credential");
        wallet
            .insert(
                &NewCredential {
                    raw: &raw,
                    content_key: &import::content_key(&cred),
                    source: &format!("c{i}.json"),
                    summary: &Summary::of(&cred.json),
                    report: &report,
                    kept_unverified: false,
                },
                Utc::now(),
            )
            .expect("insert");
    }
    let holder = satchel::holder::Holder::load_or_create_with(&source, None).expect("key");
    // Opening checks the file (PRAGMA quick_check): its cost on this wallet.
    let opens: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            drop(Wallet::open(&source).expect("reopen"));
            t.elapsed()
        })
        .collect();
    println!(
        "open with quick_check, {N} credentials: {:.2?}",
        median(opens)
    );
    println!("setup: {N} credentials stored in {:.2?}", t.elapsed());

    let pass = || SecretString::from("a passphrase for the benchmark".to_string());
    let (mut backups, mut reads, mut restores) = (Vec::new(), Vec::new(), Vec::new());
    let (mut backup_cpu, mut restore_cpu) = (Vec::new(), Vec::new());
    for run in 0..3 {
        let file = dir.path().join(format!("b{run}.age"));
        let (t, c) = (Instant::now(), cpu());
        let written = backup::write_backup(&wallet, Some(&holder), pass(), &file, Utc::now())
            .expect("backup");
        backups.push(t.elapsed());
        backup_cpu.push(cpu() - c);
        assert_eq!(written.credentials, N);
        if run == 0 {
            let size = std::fs::metadata(&file).expect("size").len();
            println!(
                "backup file: {:.1} MB for {N} credentials",
                size as f64 / 1e6
            );
        }

        let target = dir.path().join(format!("restored{run}.db"));
        let (t, c) = (Instant::now(), cpu());
        let read = backup::read_backup(&file, pass()).expect("read");
        reads.push(t.elapsed());
        let mut fresh = Wallet::open(&target).expect("open");
        let done = backup::restore(&mut fresh, &read, false, None).expect("restore");
        restores.push(t.elapsed());
        restore_cpu.push(cpu() - c);
        assert_eq!(done.restored, N);
    }
    let (b, r, rr) = (median(backups), median(reads), median(restores));
    println!(
        "backup of {N} credentials (scrypt, tar, write, fsync): {b:.2?} (CPU {:.2?})",
        median(backup_cpu)
    );
    println!(
        "restore of {N} credentials into a fresh wallet: {rr:.2?} (CPU {:.2?}; of which decrypt and check: {r:.2?})",
        median(restore_cpu)
    );
}
