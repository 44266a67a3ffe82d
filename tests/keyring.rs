//! The learner's key in a real OS keyring (Secret Service). Ignored by a plain
//! `cargo test`, so the tester's own keyring is never touched: scripts/test.sh
//! runs it with `--ignored` inside a private D-Bus session with a fresh,
//! unlocked gnome-keyring.

mod common;

use common::{satchel_with_key_store, stdout_json};

/// The CLI with the OS keyring allowed.
fn satchel(wallet: &std::path::Path, args: &[&str]) -> std::process::Output {
    satchel_with_key_store(wallet, args, None)
}

#[test]
#[ignore = "uses the OS keyring: scripts/test.sh runs it in a private one"]
fn learner_key_lives_in_the_os_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let first = satchel(&wallet, &["whoami", "--json"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let me = stdout_json(&first);
    assert_eq!(me["key_storage"], "keyring", "{me}");
    let key_file = std::fs::read_to_string(dir.path().join("w.db.holder-key")).unwrap();
    assert!(!key_file.contains("privateKeyMultibase"), "{key_file}");

    // The same identity next time, and it signs bundles that verify.
    let again = stdout_json(&satchel(&wallet, &["whoami", "--json"]));
    assert_eq!(again["did"], me["did"]);
    let cred = dir.path().join("c.json");
    std::fs::write(
        &cred,
        serde_json::to_vec(&common::signed_ob3(1, "Data Analysis")).unwrap(),
    )
    .unwrap();
    assert!(satchel(&wallet, &["import", cred.to_str().unwrap()])
        .status
        .success());
    let bundle = dir.path().join("b.json");
    let out = satchel(
        &wallet,
        &["export", "bundle", "1", "-o", bundle.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = satchel(
        &wallet,
        &["verify-bundle", bundle.to_str().unwrap(), "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&std::fs::read(&bundle).unwrap())
        .contains(me["did"].as_str().unwrap()));

    // Keyring out of reach: a clear error, not a new identity.
    let out = satchel_with_key_store(&wallet, &["whoami"], Some("file"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("keyring"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("w.db.holder-key")).unwrap(),
        key_file
    );
}
