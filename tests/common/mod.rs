//! Shared helpers for the integration tests: locating the vendored vectors, making
//! signed credentials with keys the tests own, running the CLI.
#![allow(dead_code)]

pub mod https;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{json, Value};

/// A test's random seed: the number in the environment variable `var`
/// (to replay a run), else a fresh one from the clock.
pub fn seed_from_env(var: &str) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// `tests/vectors/<sub>`: the public suites and reference-stack credentials
/// vendored with the tests (source and license in tests/vectors/README.md).
/// They are part of the repository, so a missing folder is a failure.
pub fn vectors(sub: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(sub);
    assert!(p.exists(), "{} is missing from the checkout", p.display());
    p
}

/// A deterministic issuer key for test `n`.
pub fn issuer_key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// The did:key of a signing key.
pub fn did_of(key: &SigningKey) -> String {
    did::did_key_from_public(&key.verifying_key())
}

/// An unsigned Open Badges 3.0 credential issued by `issuer_did`.
pub fn ob3(issuer_did: &str, n: usize, name: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": "Test University Ünïcode 大学", "url": "https://uni.example"},
        "validFrom": "2024-03-01T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": format!("did:example:learner-{n}"),
            "achievement": {
                "id": format!("https://uni.example/achievements/{n}"),
                "type": ["Achievement"],
                "name": name,
                "description": format!("Awarded for work number {n}."),
                "criteria": {"narrative": "Passed the assessment."}
            }
        }
    })
}

/// Signs a credential with `key` (eddsa-rdfc-2022 unless told otherwise).
pub fn sign(unsigned: &Value, key: &SigningKey, suite: Cryptosuite) -> Value {
    let did = did_of(key);
    let fragment = did.trim_start_matches("did:key:").to_string();
    proof::sign(
        unsigned,
        key,
        &ProofOptions {
            suite,
            verification_method: format!("{did}#{fragment}"),
            proof_purpose: "assertionMethod".into(),
            created: Some("2024-03-01T09:00:00Z".into()),
            challenge: None,
            domain: None,
        },
    )
    .expect("signing a test credential")
}

/// A signed OB 3.0 credential number `n` from issuer key 7.
pub fn signed_ob3(n: usize, name: &str) -> Value {
    let key = issuer_key(7);
    sign(
        &ob3(&did_of(&key), n, name),
        &key,
        Cryptosuite::EddsaRdfc2022,
    )
}

/// Runs the CLI with a wallet and arguments. Learner keys go to files, never
/// into the keyring of the person running the tests (tests/keyring.rs covers
/// the keyring).
pub fn satchel(wallet: &Path, args: &[&str]) -> Output {
    satchel_with_key_store(wallet, args, Some("file"))
}

/// Runs the CLI with extra environment variables (e.g. a test server's
/// `SATCHEL_CONNECT_TO` and `SATCHEL_EXTRA_CA_CERTS`).
pub fn satchel_env(wallet: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_satchel"));
    cmd.arg("--wallet")
        .arg(wallet)
        .args(args)
        .env_remove("SATCHEL_WALLET")
        .env_remove("SATCHEL_CONNECT_TO")
        .env_remove("SATCHEL_EXTRA_CA_CERTS")
        .env("SATCHEL_KEY_STORE", "file");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("running satchel")
}

/// Runs the CLI with `SATCHEL_KEY_STORE` set to `store` (`None`: unset, so the
/// OS keyring is used when one answers).
pub fn satchel_with_key_store(wallet: &Path, args: &[&str], store: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_satchel"));
    cmd.arg("--wallet")
        .arg(wallet)
        .args(args)
        .env_remove("SATCHEL_WALLET");
    match store {
        Some(s) => cmd.env("SATCHEL_KEY_STORE", s),
        None => cmd.env_remove("SATCHEL_KEY_STORE"),
    };
    cmd.output().expect("running satchel")
}

/// Parses stdout as JSON.
pub fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// zbarimg's text for an image (QR codes only), or `None` when it finds no
/// code. zbar is the independent reader Satchel's codes are judged against:
/// it must be there (scripts/install-deps.sh installs zbar-tools).
pub fn zbarimg(path: &Path) -> Option<String> {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output()
        .expect("zbarimg is needed for this test: install zbar-tools (scripts/install-deps.sh)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}
