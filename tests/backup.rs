//! Backup and restore through the CLI: round trips, merges, and every way a
//! backup file can be wrong (passphrase, truncation, alteration, newer format).

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{signed_ob3, stdout_json};
use satchel::proof::Cryptosuite;
use serde_json::{json, Value};

const PASS: &str = "correct horse battery staple";

/// Runs the CLI with a wallet, file key store, and a passphrase (`None`: unset).
fn run(wallet: &Path, args: &[&str], pass: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_satchel"));
    cmd.arg("--wallet")
        .arg(wallet)
        .args(args)
        .env_remove("SATCHEL_WALLET")
        .env("SATCHEL_KEY_STORE", "file")
        .stdin(std::process::Stdio::null());
    match pass {
        Some(p) => cmd.env("SATCHEL_PASSPHRASE", p),
        None => cmd.env_remove("SATCHEL_PASSPHRASE"),
    };
    cmd.output().expect("running satchel")
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// A wallet with a varied set: rdfc and jcs proofs, pretty and compact
/// bytes, a baked SVG, an expired one (warning) and a tampered one kept
/// unverified; a setting; and a learner key.
fn varied_wallet(dir: &Path) -> PathBuf {
    let wallet = dir.join("a.db");
    let key = common::issuer_key(7);
    let did = common::did_of(&key);
    let rdfc = signed_ob3(1, "Cloud Computing");
    let jcs = common::sign(
        &common::ob3(&did, 2, "Data Science"),
        &key,
        Cryptosuite::EddsaJcs2022,
    );
    let mut expired = common::ob3(&did, 3, "Short-lived");
    expired["validUntil"] = json!("2025-01-01T00:00:00Z");
    let expired = common::sign(&expired, &key, Cryptosuite::EddsaRdfc2022);
    let mut tampered = signed_ob3(4, "Tampered");
    tampered["name"] = json!("Tampered!");
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">\n<openbadges:credential><![CDATA[{}]]></openbadges:credential></svg>\n",
        serde_json::to_string(&signed_ob3(5, "Baked")).unwrap()
    );
    let files = [
        write(
            dir,
            "1.json",
            serde_json::to_string_pretty(&rdfc).unwrap().as_bytes(),
        ),
        write(dir, "2.json", &serde_json::to_vec(&jcs).unwrap()),
        write(dir, "3.json", &serde_json::to_vec(&expired).unwrap()),
        write(dir, "4.json", &serde_json::to_vec(&tampered).unwrap()),
        write(dir, "5.svg", svg.as_bytes()),
    ];
    let mut args = vec!["import", "--keep-unverified"];
    args.extend(files.iter().map(String::as_str));
    ok(&run(&wallet, &args, None));
    // A name for portfolios is a setting; the key is made by whoami.
    ok(&run(&wallet, &["whoami"], None));
    let w = satchel::store::Wallet::open(&wallet).unwrap();
    w.set_setting("learner_name", "Ada Lovelace").unwrap();
    // The learner's answer about online checks (the app's Settings switch).
    w.set_online_checks(true).unwrap();
    // Email addresses and a trusted registry are settings too.
    ok(&run(
        &wallet,
        &["settings", "emails", "add", "ada@example.org"],
        None,
    ));
    let registry = write(
        dir,
        "registry.json",
        json!({"registry": {did.clone(): {"name": "Example University"}}})
            .to_string()
            .as_bytes(),
    );
    ok(&run(
        &wallet,
        &["registry", "add", &registry, "--name", "Ada's registry"],
        None,
    ));
    wallet
}

/// The names of the registries a wallet trusts.
fn registry_names(wallet: &Path) -> Vec<String> {
    let w = satchel::store::Wallet::open(wallet).unwrap();
    satchel::registry::load(&w)
        .unwrap()
        .registries
        .into_iter()
        .map(|r| r.name)
        .collect()
}

/// Everything a wallet holds that a restore must give back, by content key.
fn contents(wallet: &Path) -> Vec<(String, Vec<u8>, String, String, bool, String)> {
    let w = satchel::store::Wallet::open(wallet).unwrap();
    let mut rows = Vec::new();
    w.export_all::<satchel::store::StoreError>(|c| {
        rows.push((
            c.content_key,
            c.raw,
            c.report,
            c.source,
            c.kept_unverified,
            c.imported_at.to_rfc3339(),
        ));
        Ok(())
    })
    .unwrap();
    rows.sort();
    rows
}

fn outcomes(wallet: &Path) -> Vec<(String, String)> {
    // Exit 1: the tampered credential kept unverified fails again, as it should.
    let out = run(
        wallet,
        &["reverify", "--json", "--at", "2025-06-01T00:00:00Z"],
        None,
    );
    let mut v: Vec<(String, String)> = stdout_json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let id = i["id"].to_string();
            let raw = run(wallet, &["export-raw", &id], None).stdout;
            (
                satchel::store::sha256_hex(&raw),
                i["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn whoami(wallet: &Path) -> Value {
    stdout_json(ok(&run(wallet, &["whoami", "--json"], None)))
}

#[test]
fn round_trip_into_a_fresh_wallet_gives_everything_back() {
    let dir = tempfile::tempdir().unwrap();
    let a = varied_wallet(dir.path());
    let backup = dir.path().join("b.satchel");
    let b = backup.display().to_string();
    let out = ok(&run(&a, &["backup", "-o", &b, "--json"], Some(PASS))).clone();
    let written = stdout_json(&out);
    assert_eq!(written["credentials"], 5);
    assert_eq!(written["did"], whoami(&a)["did"]);
    // It is an age file, and holds neither the key nor a credential in clear.
    let bytes = fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    let key_file = fs::read_to_string(dir.path().join("a.db.holder-key")).unwrap();
    let secret: Value = serde_json::from_str(&key_file).unwrap();
    let secret = secret["privateKeyMultibase"].as_str().unwrap();
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!find(secret.as_bytes()));
    assert!(!find(b"Cloud Computing"));
    // The last backup time is recorded.
    let wa = satchel::store::Wallet::open(&a).unwrap();
    assert!(wa.setting("last_backup_at").unwrap().is_some());
    assert!(!satchel::backup::needs_reminder(&wa).unwrap());

    let fresh = dir.path().join("fresh/c.db");
    let out = ok(&run(&fresh, &["restore", &b, "--json"], Some(PASS))).clone();
    let report = stdout_json(&out);
    assert_eq!(report["restored"], 5);
    assert_eq!(report["duplicates"], 0);
    assert_eq!(report["key"]["action"], "installed");
    // Byte for byte, with reports, sources, flags and import times.
    assert_eq!(contents(&fresh), contents(&a));
    // The same DID and the same private key.
    assert_eq!(whoami(&fresh)["did"], whoami(&a)["did"]);
    let restored_key = fs::read_to_string(dir.path().join("fresh/c.db.holder-key")).unwrap();
    assert!(restored_key.contains(secret));
    // Settings came back.
    let wc = satchel::store::Wallet::open(&fresh).unwrap();
    assert_eq!(
        wc.setting("learner_name").unwrap().as_deref(),
        Some("Ada Lovelace")
    );
    assert_eq!(wc.recipient_emails().unwrap(), ["ada@example.org"]);
    assert_eq!(wc.online_checks().unwrap(), Some(true));
    assert_eq!(registry_names(&fresh), ["Ada's registry"]);
    // And the same verification outcomes, credential by credential.
    let got = outcomes(&fresh);
    assert_eq!(got, outcomes(&a));
    let mut kinds: Vec<&str> = got.iter().map(|(_, o)| o.as_str()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        ["failed", "verified", "verified", "verified", "warning"]
    );
}

#[test]
fn restore_merges_skips_duplicates_and_never_swaps_a_key_silently() {
    let dir = tempfile::tempdir().unwrap();
    let a = varied_wallet(dir.path());
    let b = dir.path().join("b.satchel").display().to_string();
    ok(&run(&a, &["backup", "-o", &b], Some(PASS)));
    let a_did = whoami(&a)["did"].as_str().unwrap().to_string();

    // Another wallet with its own key, one credential in common and one of its own.
    let other = dir.path().join("other.db");
    let common_file = write(
        dir.path(),
        "common.json",
        &serde_json::to_vec(&signed_ob3(1, "Cloud Computing")).unwrap(),
    );
    let own = write(
        dir.path(),
        "own.json",
        &serde_json::to_vec(&signed_ob3(9, "Own")).unwrap(),
    );
    ok(&run(&other, &["import", &common_file, &own], None));
    let wo = satchel::store::Wallet::open(&other).unwrap();
    wo.set_setting("learner_name", "Grace Hopper").unwrap();
    wo.set_recipient_emails(&["grace@example.org".into()])
        .unwrap();
    drop(wo);
    let other_did = whoami(&other)["did"].as_str().unwrap().to_string();
    assert_ne!(other_did, a_did);
    let own_raw = run(&other, &["export-raw", "2"], None).stdout;

    let out = ok(&run(&other, &["restore", &b, "--json"], Some(PASS))).clone();
    let report = stdout_json(&out);
    assert_eq!(report["restored"], 4);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["key"]["action"], "different_kept");
    assert_eq!(report["key"]["backup_did"], a_did.as_str());
    assert!(
        stderr(&out).contains("--use-backup-key"),
        "{}",
        stderr(&out)
    );
    // Nothing overwritten: the wallet's key, its setting, its own credential.
    assert_eq!(whoami(&other)["did"], other_did.as_str());
    let wo = satchel::store::Wallet::open(&other).unwrap();
    assert_eq!(
        wo.setting("learner_name").unwrap().as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(run(&other, &["export-raw", "2"], None).stdout, own_raw);
    assert_eq!(wo.ids().unwrap().len(), 6);
    // Lists gain what they lack: the backup's address and registry.
    assert_eq!(
        wo.recipient_emails().unwrap(),
        ["grace@example.org", "ada@example.org"]
    );
    assert_eq!(registry_names(&other), ["Ada's registry"]);
    drop(wo);

    // Restoring again adds nothing.
    let again = stdout_json(ok(&run(&other, &["restore", &b, "--json"], Some(PASS))));
    assert_eq!(
        (again["restored"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(5))
    );

    // Asked explicitly: the backup's key is used, the old key file kept aside.
    let out = ok(&run(
        &other,
        &["restore", &b, "--use-backup-key", "--json"],
        Some(PASS),
    ))
    .clone();
    let report = stdout_json(&out);
    assert_eq!(report["key"]["action"], "swapped");
    assert_eq!(whoami(&other)["did"], a_did.as_str());
    let aside = report["key"]["old_key_file"].as_str().unwrap();
    assert!(fs::read_to_string(aside).unwrap().contains(&other_did));
}

/// Runs restore and checks it failed with `needle` in its message and left
/// the wallet exactly as it was.
fn refused(wallet: &Path, backup: &str, pass: &str, needle: &str) {
    let before = fs::read(wallet).unwrap();
    let key_before = fs::read(satchel::holder::key_path_for(wallet)).ok();
    let out = run(wallet, &["restore", backup], Some(pass));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(needle),
        "wanted {needle:?} in: {}",
        stderr(&out)
    );
    assert_eq!(fs::read(wallet).unwrap(), before, "wallet unchanged");
    assert_eq!(
        fs::read(satchel::holder::key_path_for(wallet)).ok(),
        key_before
    );
    let w = satchel::store::Wallet::open(wallet).unwrap();
    assert_eq!(w.integrity_check().unwrap(), Ok(()));
}

#[test]
fn wrong_truncated_altered_and_foreign_backups_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = varied_wallet(dir.path());
    let b = dir.path().join("b.satchel");
    ok(&run(
        &a,
        &["backup", "-o", &b.display().to_string()],
        Some(PASS),
    ));
    let bytes = fs::read(&b).unwrap();

    // The target: a wallet with one credential, fully checkpointed.
    let target = dir.path().join("t.db");
    let one = write(
        dir.path(),
        "one.json",
        &serde_json::to_vec(&signed_ob3(9, "Own")).unwrap(),
    );
    ok(&run(&target, &["import", &one], None));
    ok(&run(&target, &["whoami"], None));

    let b_s = b.display().to_string();
    refused(&target, &b_s, "not the passphrase", "wrong passphrase");

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated-end",
            bytes[..bytes.len() - 10].to_vec(),
            "damaged",
        ),
        (
            "truncated-half",
            bytes[..bytes.len() / 2].to_vec(),
            "damaged",
        ),
        ("truncated-header", bytes[..40].to_vec(), "damaged"),
        (
            "altered-body",
            {
                let mut v = bytes.clone();
                let i = v.len() - 100;
                v[i] ^= 1;
                v
            },
            "damaged",
        ),
        (
            "altered-middle",
            {
                let mut v = bytes.clone();
                let i = v.len() / 2 + 7;
                v[i] ^= 0x80;
                v
            },
            "damaged",
        ),
        (
            "altered-header-mac",
            {
                let mut v = bytes.clone();
                let mac = v.windows(4).position(|w| w == b"--- ").unwrap() + 4;
                v[mac] = if v[mac] == b'A' { b'B' } else { b'A' };
                v
            },
            "damaged",
        ),
        (
            "not-age",
            b"{\"hello\": \"world\"}".to_vec(),
            "not a Satchel backup",
        ),
        ("empty", Vec::new(), "damaged"),
    ];
    for (name, data, needle) in cases {
        let p = write(dir.path(), name, &data);
        refused(&target, &p, PASS, needle);
    }
    // No passphrase and no terminal: a sentence saying how to give one.
    let out = run(&target, &["restore", &b_s], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("SATCHEL_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    // An empty passphrase is refused for a backup.
    let out = run(
        &a,
        &["backup", "-o", &dir.path().join("x").display().to_string()],
        Some(""),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("x").exists());
}

/// Encrypts `tar` members to the passphrase with age, as a foreign tool would.
fn age_tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o600);
        tar.append_data(&mut h, name, *data).unwrap();
    }
    let plain = tar.into_inner().unwrap();
    let mut e = age::Encryptor::with_user_passphrase(PASS.to_string().into())
        .wrap_output(Vec::new())
        .unwrap();
    e.write_all(&plain).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_backup_from_a_newer_satchel_or_another_tool_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.db");
    let one = write(
        dir.path(),
        "one.json",
        &serde_json::to_vec(&signed_ob3(9, "Own")).unwrap(),
    );
    ok(&run(&target, &["import", &one], None));

    let newer = json!({"format": "satchel-backup", "version": 2, "whatever": "comes next"});
    let p = write(
        dir.path(),
        "newer",
        &age_tar(&[("satchel-backup/manifest.json", newer.to_string().as_bytes())]),
    );
    refused(
        &target,
        &p,
        PASS,
        "made by a newer Satchel (backup format 2",
    );

    let p = write(dir.path(), "foreign", &age_tar(&[("notes.txt", b"hello")]));
    refused(&target, &p, PASS, "not a Satchel backup");

    // A manifest naming a credential whose bytes differ from its hash.
    let raw = serde_json::to_vec(&signed_ob3(3, "X")).unwrap();
    let manifest = json!({
        "format": "satchel-backup", "version": 1, "created_at": "2026-01-01T00:00:00Z",
        "satchel_version": "0.1.0", "holder": null, "settings": [],
        "credentials": [{"file": "satchel-backup/credentials/000001.json", "sha256": "00",
            "content_key": "k", "source": "x", "summary": {"name": "X"},
            "report": {"outcome": "verified", "checks": [], "checked_at": "2026-01-01T00:00:00Z"},
            "kept_unverified": false, "imported_at": "2026-01-01T00:00:00Z"}]
    });
    let p = write(
        dir.path(),
        "badhash",
        &age_tar(&[
            ("satchel-backup/credentials/000001.json", &raw),
            (
                "satchel-backup/manifest.json",
                manifest.to_string().as_bytes(),
            ),
        ]),
    );
    refused(&target, &p, PASS, "does not match its recorded hash");

    // A header asking for 2^40 scrypt work (a CPU and memory bomb) is
    // refused before any work is done.
    let good = age_tar(&[("notes.txt", b"hello")]);
    let first = b"age-encryption.org/v1\n".len();
    let end = first + good[first..].iter().position(|&b| b == b'\n').unwrap();
    let line = std::str::from_utf8(&good[first..end]).unwrap();
    assert!(line.starts_with("-> scrypt "), "{line}");
    let (head, _work) = line.rsplit_once(' ').unwrap();
    let bomb = [&good[..first], head.as_bytes(), b" 40", &good[end..]].concat();
    let p = write(dir.path(), "bomb", &bomb);
    refused(&target, &p, PASS, "scrypt work factor of 2^40");
}
