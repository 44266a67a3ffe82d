//! The CLI contract: commands, JSON shapes, exit codes, and what is stored.

mod common;

use std::fs;
use std::path::Path;

use common::{satchel, signed_ob3, stdout_json};
use serde_json::{json, Value};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn count(wallet: &Path) -> usize {
    let out = satchel(wallet, &["list", "--json"]);
    assert!(out.status.success());
    stdout_json(&out).as_array().unwrap().len()
}

#[test]
fn import_list_show_export_remove() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let cred = serde_json::to_vec_pretty(&signed_ob3(1, "Intro to Rust")).unwrap();
    let file = write(dir.path(), "a.json", &cred);

    let out = satchel(&wallet, &["import", &file, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items = stdout_json(&out);
    let item = &items[0];
    assert_eq!(item["source"], file.as_str());
    assert_eq!(item["outcome"], "verified");
    assert_eq!(item["result"], "imported");
    let id = item["id"].as_i64().unwrap();
    let checks: Vec<&str> = item["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        checks,
        [
            "format",
            "signature",
            "issuer",
            "validity_period",
            "status",
            "issuer_known"
        ]
    );
    for c in item["checks"].as_array().unwrap() {
        assert!(c["status"].is_string() && c["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    // Same credential again, even re-indented: a duplicate, nothing new stored.
    let compact = serde_json::to_vec(&signed_ob3(1, "Intro to Rust")).unwrap();
    let file2 = write(dir.path(), "a-compact.json", &compact);
    let out = satchel(&wallet, &["import", &file, &file2, "--json"]);
    assert!(out.status.success());
    let items = stdout_json(&out);
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["result"] == "duplicate" && i["id"] == id));
    assert_eq!(count(&wallet), 1);

    // Byte-exact export.
    let out = satchel(&wallet, &["export-raw", &id.to_string()]);
    assert!(out.status.success());
    assert_eq!(out.stdout, cred);

    // Search and show.
    let out = satchel(&wallet, &["list", "--search", "rust", "--json"]);
    assert_eq!(stdout_json(&out)[0]["name"], "Intro to Rust");
    let out = satchel(&wallet, &["list", "--search", "python", "--json"]);
    assert_eq!(stdout_json(&out), json!([]));
    let out = satchel(&wallet, &["show", &id.to_string(), "--json"]);
    let shown = stdout_json(&out);
    assert_eq!(shown["report"]["outcome"], "verified");
    assert_eq!(shown["credential"]["name"], "Intro to Rust");

    let out = satchel(&wallet, &["reverify", "--json"]);
    assert!(out.status.success());
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");

    let out = satchel(&wallet, &["remove", &id.to_string(), "--json"]);
    assert!(out.status.success());
    assert_eq!(stdout_json(&out)["removed"], true);
    assert_eq!(count(&wallet), 0);
    assert!(!satchel(&wallet, &["remove", &id.to_string()])
        .status
        .success());

    // An id that is not there is an input that failed, answered alike by
    // every command that reads one credential: exit 1, the same sentence,
    // nothing on stdout and no file written.
    let png = dir.path().join("code.png");
    let png = png.to_str().unwrap();
    for args in [
        vec!["show", "42"],
        vec!["show", "42", "--json"],
        vec!["export-raw", "42"],
        vec!["qr", "42", "-o", png],
    ] {
        let out = satchel(&wallet, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "satchel: no credential with id 42",
            "{args:?}"
        );
    }
    assert!(!Path::new(png).exists());
}

#[test]
fn tampered_credentials_are_refused_unless_kept() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let mut cred = signed_ob3(2, "Data Science");
    cred["credentialSubject"]["achievement"]["name"] = json!("Data Science (Honours)");
    let file = write(dir.path(), "t.json", &serde_json::to_vec(&cred).unwrap());

    let out = satchel(&wallet, &["import", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "failed");
    assert_eq!(item["result"], "refused");
    assert_eq!(item["id"], Value::Null);
    assert_eq!(count(&wallet), 0);
    assert_eq!(
        fs::read(&file).unwrap(),
        serde_json::to_vec(&cred).unwrap(),
        "input untouched"
    );

    let out = satchel(&wallet, &["import", "--keep-unverified", &file, "--json"]);
    assert!(out.status.success());
    let item = &stdout_json(&out)[0];
    assert_eq!(item["result"], "imported");
    let shown = stdout_json(&satchel(
        &wallet,
        &["show", &item["id"].to_string(), "--json"],
    ));
    assert_eq!(shown["kept_unverified"], true);
    assert_eq!(shown["outcome"], "failed");
}

#[test]
fn verify_does_not_store_and_reports_each_input() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let good = write(
        dir.path(),
        "g.json",
        &serde_json::to_vec(&signed_ob3(3, "Good")).unwrap(),
    );
    let bad = write(dir.path(), "b.txt", b"not a credential");
    let out = satchel(&wallet, &["verify", &good, &bad, "--json"]);
    assert_eq!(out.status.code(), Some(1), "one input failed");
    let items = stdout_json(&out);
    assert_eq!(items[0]["outcome"], "verified");
    assert_eq!(items[0]["id"], Value::Null);
    assert_eq!(items[1]["outcome"], "failed");
    assert_eq!(items[1]["checks"][0]["check"], "format");
    assert!(!wallet.exists(), "verify must not create a wallet");
    let out = satchel(&wallet, &["verify", &good]);
    assert!(out.status.success());
}

#[test]
fn array_files_import_each_element() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let arr = json!([signed_ob3(10, "One"), signed_ob3(11, "Two"), {"hello": "world"}]);
    let file = write(dir.path(), "arr.json", &serde_json::to_vec(&arr).unwrap());
    let out = satchel(&wallet, &["import", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let items = stdout_json(&out);
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert_eq!(items[0]["source"], format!("{file}[0]"));
    assert_eq!(items[0]["result"], "imported");
    assert_eq!(items[2]["result"], "refused");
    assert_eq!(count(&wallet), 2);
    // Each element's stored bytes are exactly its text in the file.
    let raw = satchel(&wallet, &["export-raw", &items[1]["id"].to_string()]).stdout;
    assert_eq!(raw, serde_json::to_vec(&arr[1]).unwrap());
}

#[test]
fn hostile_inputs_get_clear_errors_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let huge = dir.path().join("huge.json");
    fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let deep = write(
        dir.path(),
        "deep.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    let not_utf8 = write(dir.path(), "latin1.json", b"{\"name\": \"caf\xe9\"}");
    let malformed = write(dir.path(), "bad.json", b"{\"@context\": [");
    let binary = write(dir.path(), "x.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let mut unknown = signed_ob3(4, "Unknown proof");
    unknown["proof"]["type"] = json!("FancySignature2099");
    let unknown = write(
        dir.path(),
        "unknown.json",
        &serde_json::to_vec(&unknown).unwrap(),
    );
    let missing = dir.path().join("missing.json").display().to_string();
    let huge_s = huge.display().to_string();

    let cases: [(&str, &str); 7] = [
        (&huge_s, "limit"),
        (&deep, "recursion"),
        (&not_utf8, "UTF-8"),
        (&malformed, "not valid JSON"),
        (&binary, "PNG"),
        (&unknown, "FancySignature2099"),
        (&missing, "cannot read"),
    ];
    for (file, needle) in cases {
        let out = satchel(&wallet, &["import", file, "--json"]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let item = &stdout_json(&out)[0];
        assert_eq!(item["result"], "refused", "{file}");
        assert_ne!(item["outcome"], "verified");
        assert!(
            item["message"].as_str().unwrap().contains(needle),
            "{file}: {}",
            item["message"]
        );
    }
    assert_eq!(count(&wallet), 0);
}

#[test]
fn wallet_env_var_selects_the_wallet() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("env.db");
    let file = write(
        dir.path(),
        "a.json",
        &serde_json::to_vec(&signed_ob3(5, "Env")).unwrap(),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args(["import", &file])
        .env("SATCHEL_WALLET", &wallet)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(wallet.exists());
    assert_eq!(count(&wallet), 1);
}

#[test]
fn expired_credentials_are_stored_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let key = common::issuer_key(7);
    let mut unsigned = common::ob3(&common::did_of(&key), 6, "Short-lived");
    unsigned["validUntil"] = json!("2025-01-01T00:00:00Z");
    let cred = common::sign(&unsigned, &key, satchel::proof::Cryptosuite::EddsaRdfc2022);
    let file = write(dir.path(), "e.json", &serde_json::to_vec(&cred).unwrap());
    let out = satchel(
        &wallet,
        &["import", &file, "--json", "--at", "2025-06-01T00:00:00Z"],
    );
    assert!(out.status.success());
    let item = &stdout_json(&out)[0];
    assert_eq!(item["outcome"], "warning");
    assert_eq!(item["result"], "imported");
    let out = satchel(
        &wallet,
        &["verify", &file, "--json", "--at", "2024-06-01T00:00:00Z"],
    );
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");
}

#[test]
fn a_killed_import_leaves_a_consistent_wallet() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let files: Vec<String> = (0..4000)
        .map(|n| {
            // Unsigned credentials kept unverified: storing, not verifying, is what is under test.
            let c = common::ob3("did:example:issuer", n, &format!("Batch {n}"));
            write(
                dir.path(),
                &format!("c{n}.json"),
                &serde_json::to_vec(&c).unwrap(),
            )
        })
        .collect();
    let mut args = vec![
        "--wallet".to_string(),
        wallet.display().to_string(),
        "import".into(),
        "--keep-unverified".into(),
    ];
    args.extend(files.iter().cloned());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some credentials are committed, then kill without warning.
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(5));
        let n = satchel::store::Wallet::open(&wallet)
            .ok()
            .and_then(|w| w.list(&Default::default()).ok())
            .map(|p| p.total)
            .unwrap_or(0);
        if n >= 20 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let w = satchel::store::Wallet::open(&wallet).unwrap();
    assert_eq!(w.integrity_check().unwrap(), Ok(()));
    let stored = w.ids().unwrap();
    assert!(
        !stored.is_empty() && stored.len() < files.len(),
        "killed mid-batch: {} stored",
        stored.len()
    );
    for id in &stored {
        let rec = w.get(*id).unwrap().unwrap();
        assert_eq!(
            satchel::store::sha256_hex(&rec.raw),
            rec.sha256,
            "row {id} complete"
        );
        let n: usize = rec
            .listed
            .summary
            .name
            .trim_start_matches("Batch ")
            .parse()
            .unwrap();
        assert_eq!(rec.raw, fs::read(&files[n]).unwrap());
    }
    // Every credential found by search is a whole row (index and table agree).
    assert_eq!(
        w.list(&satchel::store::ListQuery {
            search: Some("batch".into()),
            ..Default::default()
        })
        .unwrap()
        .total as usize,
        stored.len()
    );
    drop(w);
    // Running the batch again completes it: earlier ones are duplicates.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args(&args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let items = stdout_json(&out);
    let dups = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["result"] == "duplicate")
        .count();
    assert_eq!(dups, stored.len());
    assert_eq!(count(&wallet), files.len());
}

#[test]
fn settings_emails_drive_the_recipient_check() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let badge = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/1edtech-validator/ob20/simple.jwt")
        .display()
        .to_string();
    let recipient = |wallet: &Path| {
        let out = satchel(wallet, &["verify", &badge, "--json"]);
        let item = stdout_json(&out)[0].clone();
        let c = item["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "recipient")
            .cloned();
        c.unwrap()["status"].clone()
    };
    let out = satchel(
        &wallet,
        &["settings", "emails", "add", "nobody@example.org", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["emails"], json!(["nobody@example.org"]));
    assert_eq!(recipient(&wallet), "pass");
    let out = satchel(&wallet, &["settings", "emails", "add", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2));
    let out = satchel(
        &wallet,
        &[
            "settings",
            "emails",
            "remove",
            "NOBODY@example.org",
            "--json",
        ],
    );
    assert_eq!(stdout_json(&out)["emails"], json!([]));
    assert_eq!(recipient(&wallet), "skip");
    satchel(
        &wallet,
        &["settings", "emails", "add", "someone@example.org"],
    );
    assert_eq!(recipient(&wallet), "warn");
}
