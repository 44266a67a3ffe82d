//! `satchel import` killed with SIGKILL at random moments, over and over:
//! the wallet stays sound, keeps everything it said it stored, and a re-run
//! stores exactly the rest.
//!
//! The seed is printed; `SATCHEL_CRASH_SEED=N` replays a run. The 1,000
//! credentials are signed once per run with `eddsa-jcs-2022` (about 0.1 ms to
//! verify, against 4 ms for `eddsa-rdfc-2022`), so the 50+ runs fit in CI:
//! storing, not verifying, is what is under test.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use satchel::proof::Cryptosuite;
use satchel::store::{StoreError, Wallet};

const FILES: usize = 1000;
const KILLS: usize = 50;

/// SplitMix64: a small seeded generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// What one run of `satchel import` printed before it ended or was killed.
#[derive(Default)]
struct Printed {
    imported: BTreeSet<String>,
    duplicates: BTreeSet<String>,
}

/// Starts `satchel import` of every file; returns the child and a reader
/// thread collecting the per-file lines it prints as each one is committed.
fn start(
    wallet: &Path,
    files: &[PathBuf],
) -> (std::process::Child, std::thread::JoinHandle<Printed>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(wallet)
        .arg("import")
        .args(files)
        .env_remove("SATCHEL_WALLET")
        .env("SATCHEL_KEY_STORE", "file")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting satchel import");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut printed = Printed::default();
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // "<source>: <outcome> #<id> — <message>"
            let Some((source, rest)) = line.split_once(": ") else {
                panic!("unexpected line {line:?}")
            };
            if rest.contains("— Imported:") {
                printed.imported.insert(source.to_string());
            } else if rest.contains("— Already in the wallet") {
                printed.duplicates.insert(source.to_string());
            } else {
                panic!("unexpected result {line:?}");
            }
        }
        printed
    });
    (child, reader)
}

/// The sources stored in a wallet (after checking the file is sound).
fn stored(wallet: &Path) -> BTreeSet<String> {
    let w = Wallet::open(wallet).expect("the wallet opens after a kill");
    assert_eq!(w.integrity_check().unwrap(), Ok(()), "integrity_check");
    let mut sources = BTreeSet::new();
    w.export_all::<StoreError>(|c| {
        assert_eq!(
            satchel::store::sha256_hex(&c.raw),
            satchel::store::sha256_hex(&std::fs::read(&c.source).unwrap()),
            "stored bytes are the file's"
        );
        assert!(sources.insert(c.source), "stored once");
        Ok(())
    })
    .unwrap();
    sources
}

#[test]
fn import_killed_at_random_moments_loses_nothing_and_resumes_exactly() {
    let seed = common::seed_from_env("SATCHEL_CRASH_SEED");
    eprintln!("crash test seed: {seed} (replay with SATCHEL_CRASH_SEED={seed})");
    let mut rng = Rng(seed);

    let dir = tempfile::tempdir().unwrap();
    let key = common::issuer_key(7);
    let did = common::did_of(&key);
    let files: Vec<PathBuf> = (0..FILES)
        .map(|n| {
            let c = common::sign(
                &common::ob3(&did, n, &format!("Crash {n}")),
                &key,
                Cryptosuite::EddsaJcs2022,
            );
            let p = dir.path().join(format!("c{n:04}.json"));
            std::fs::write(&p, serde_json::to_vec(&c).unwrap()).unwrap();
            p
        })
        .collect();
    let all: BTreeSet<String> = files.iter().map(|p| p.display().to_string()).collect();

    // One uninterrupted run sets the window the kills are spread over.
    let reference = dir.path().join("reference.db");
    let t = Instant::now();
    let (mut child, reader) = start(&reference, &files);
    assert!(child.wait().unwrap().success());
    let full = t.elapsed();
    assert_eq!(reader.join().unwrap().imported, all);
    eprintln!("uninterrupted import of {FILES} files: {full:?}");

    let mut wallets = 0;
    let mut wallet = dir.path().join("w0.db");
    let mut before = BTreeSet::new();
    let mut killed = 0;
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    while killed < KILLS {
        if before.len() == FILES {
            wallets += 1;
            wallet = dir.path().join(format!("w{wallets}.db"));
            before.clear();
        }
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 11 / 10 + 1));
        let (mut child, reader) = start(&wallet, &files);
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        let status = child.wait().unwrap();
        let printed = reader.join().unwrap();
        let after = stored(&wallet);
        let ctx = format!("seed {seed}, kill {killed} after {delay:?}");

        assert!(after.is_superset(&before), "{ctx}: nothing stored is lost");
        assert!(
            printed.imported.is_subset(&after),
            "{ctx}: everything reported imported is stored"
        );
        assert!(
            printed.imported.is_disjoint(&before),
            "{ctx}: a re-run imports only what was missing"
        );
        assert!(
            printed.duplicates.is_subset(&before),
            "{ctx}: duplicates are the ones stored before"
        );
        // At most the group being committed when the kill came (credentials
        // are committed in groups) is stored without having been reported.
        let unreported = after
            .difference(&before)
            .filter(|s| !printed.imported.contains(*s))
            .count();
        assert!(
            unreported <= satchel::import::GROUP_MAX,
            "{ctx}: {unreported} stored but not reported"
        );
        if finished && status.success() {
            assert_eq!(after, all, "{ctx}: a finished run stored everything");
            *outcomes.entry("finished").or_default() += 1;
        } else {
            *outcomes
                .entry(if after.len() == before.len() {
                    "killed, nothing new"
                } else {
                    "killed mid-batch"
                })
                .or_default() += 1;
            killed += 1;
        }
        before = after;
    }
    eprintln!("runs: {outcomes:?} over {} wallets", wallets + 1);
    assert!(
        outcomes.get("killed mid-batch").copied().unwrap_or(0) >= 10,
        "most kills land inside the batch: {outcomes:?}"
    );

    // A last uninterrupted run completes the wallet with exactly the rest.
    let (mut child, reader) = start(&wallet, &files);
    assert!(child.wait().unwrap().success());
    let printed = reader.join().unwrap();
    let missing: BTreeSet<String> = all.difference(&before).cloned().collect();
    assert_eq!(printed.imported, missing, "seed {seed}: exactly the rest");
    assert_eq!(printed.duplicates, before, "seed {seed}");
    assert_eq!(stored(&wallet), all);
}
