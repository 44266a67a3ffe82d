//! Interop at test time: the reference JavaScript stack
//! (scripts/verify-with-digitalbazaar/issue.mjs) issues a fresh corpus with new
//! keys on every run — OB 3.0 as VC 2.0 with `eddsa-rdfc-2022` and as VC 1.1
//! with `Ed25519Signature2020`; valid, expired, and tampered (name, issuer,
//! date, proof value) — and records its own verifier's verdict on each. Satchel
//! must agree on every one.
//!
//! The seed is printed; `SATCHEL_REFERENCE_SEED=<hex>` reissues the same corpus.
//! Needs node and `npm ci` in that folder; when `SATCHEL_REQUIRE_REFERENCE` is
//! set (scripts/test.sh sets it) a missing install is a failure.

mod common;

use std::path::Path;
use std::process::Command;

use satchel::formats;
use satchel::report::{CheckStatus, Outcome};
use satchel::verify::{self, VerifyOptions};
use serde_json::Value;

fn reference_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-with-digitalbazaar");
    let have_node = Command::new("node").arg("--version").output().is_ok();
    let installed = dir
        .join("node_modules/@digitalbazaar/ed25519-signature-2020")
        .exists();
    if have_node && installed {
        return Some(dir);
    }
    assert!(
        std::env::var_os("SATCHEL_REQUIRE_REFERENCE").is_none(),
        "SATCHEL_REQUIRE_REFERENCE is set but node or the reference stack is not installed \
         (npm ci in {})",
        dir.display()
    );
    eprintln!(
        "NOTICE: node or {}/node_modules missing; skipping the reference corpus (npm ci there)",
        dir.display()
    );
    None
}

#[test]
fn satchel_agrees_with_the_reference_on_a_fresh_corpus() {
    let Some(script_dir) = reference_dir() else {
        return;
    };
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("node");
    cmd.current_dir(&script_dir)
        .arg("issue.mjs")
        .arg(out_dir.path());
    if let Ok(seed) = std::env::var("SATCHEL_REFERENCE_SEED") {
        cmd.args(["--seed", &seed]);
    }
    let run = cmd.output().expect("running node issue.mjs");
    let log = String::from_utf8_lossy(&run.stderr).to_string();
    // Printed even when the test passes (visible with --nocapture), and part
    // of every failure message below.
    eprintln!("{log}");
    assert!(run.status.success(), "issue.mjs failed: {log}");
    let seed = log
        .lines()
        .find_map(|l| l.strip_prefix("reference corpus seed: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("?")
        .to_string();

    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(out_dir.path().join("MANIFEST.json")).unwrap())
            .unwrap();
    let now = chrono::Utc::now();
    let mut kinds = std::collections::BTreeMap::<(String, String), usize>::new();
    for entry in &manifest {
        let file = entry["file"].as_str().unwrap();
        let kind = entry["kind"].as_str().unwrap();
        let suite = entry["suite"].as_str().unwrap();
        *kinds
            .entry((suite.to_string(), kind.to_string()))
            .or_default() += 1;
        let ctx = format!("{file} ({suite}, seed {seed})");
        let bytes = std::fs::read(out_dir.path().join(file)).unwrap();
        let cred = formats::parse(&bytes)
            .unwrap_or_else(|e| panic!("{ctx}: {e}"))
            .remove(0)
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let then = verify::parse_datetime(entry["then"].as_str().unwrap()).unwrap();
        let at_then = verify::verify_credential(&cred, &VerifyOptions::offline_at(then));
        let at_now = verify::verify_credential(&cred, &VerifyOptions::offline_at(now));
        let reference_then = entry["reference"]["then"]["verified"] == true;
        let reference_now = entry["reference"]["now"]["verified"] == true;

        // Inside the validity period only the proof decides, for both.
        assert_eq!(
            at_then.outcome == Outcome::Verified,
            reference_then,
            "{ctx}: Satchel {:?} vs reference {}",
            at_then.checks,
            entry["reference"]["then"]
        );
        let sig = at_then.check("signature").unwrap().status;
        assert_eq!(sig == CheckStatus::Pass, reference_then, "{ctx}: signature");
        // Today: the reference refuses an expired credential; Satchel keeps
        // its valid signature and warns.
        match (reference_now, entry["expired"] == true, reference_then) {
            (true, _, _) => assert_eq!(at_now.outcome, Outcome::Verified, "{ctx}"),
            (false, true, true) => {
                assert_eq!(at_now.outcome, Outcome::Warning, "{ctx}");
                assert_eq!(
                    at_now.check("validity_period").unwrap().status,
                    CheckStatus::Warn,
                    "{ctx}"
                );
            }
            (false, _, _) => assert_eq!(at_now.outcome, Outcome::Failed, "{ctx}"),
        }
        // The corpus is what it says it is: valid and expired ones verify at
        // `then` for the reference, tampered ones do not.
        assert_eq!(reference_then, !kind.starts_with("tampered-"), "{ctx}");
    }
    // Every kind, with both suites; a corpus that lost some cannot pass.
    for suite in ["eddsa-rdfc-2022", "Ed25519Signature2020"] {
        for kind in [
            "valid",
            "expired",
            "tampered-name",
            "tampered-issuer",
            "tampered-date",
            "tampered-proofvalue",
        ] {
            assert!(
                kinds.contains_key(&(suite.to_string(), kind.to_string())),
                "no {kind} credential with {suite} (seed {seed})"
            );
        }
    }
    eprintln!(
        "reference corpus: Satchel agrees on all {} credentials",
        manifest.len()
    );
}
