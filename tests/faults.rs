//! Disk and file faults, and several processes on one wallet: each fault is a
//! clear sentence saying what to do, and the wallet file is never overwritten,
//! truncated or "repaired".

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{satchel, signed_ob3};
use satchel::proof::Cryptosuite;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes `n` signed (jcs, cheap to verify) credentials numbered from `from`.
fn credentials(dir: &Path, from: usize, n: usize, pad: usize) -> Vec<String> {
    let key = common::issuer_key(7);
    let did = common::did_of(&key);
    (from..from + n)
        .map(|i| {
            let mut c = common::ob3(&did, i, &format!("Fault {i}"));
            // Padding in a signed field makes rows as large as a test needs.
            c["credentialSubject"]["achievement"]["description"] =
                serde_json::json!(format!("Work {i}. {}", "x".repeat(pad)));
            let c = common::sign(&c, &key, Cryptosuite::EddsaJcs2022);
            let p = dir.join(format!("f{i}.json"));
            fs::write(&p, serde_json::to_vec(&c).unwrap()).unwrap();
            p.display().to_string()
        })
        .collect()
}

fn import(wallet: &Path, files: &[String]) -> Output {
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    satchel(wallet, &args)
}

/// Every command gives exit 2 with `needles` in its message, and the file is
/// byte for byte what it was (no WAL or journal left beside it either).
fn refused_untouched(wallet: &Path, needles: &[&str]) {
    let before = fs::read(wallet).unwrap();
    let dir = wallet.parent().unwrap();
    let extra = dir.join("late.json");
    fs::write(
        &extra,
        serde_json::to_vec(&signed_ob3(999, "Late")).unwrap(),
    )
    .unwrap();
    let extra = extra.display().to_string();
    for args in [
        vec!["list"],
        vec!["import", extra.as_str()],
        vec!["reverify"],
        vec!["remove", "1"],
    ] {
        let out = satchel(wallet, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        for needle in needles {
            assert!(
                stderr(&out).contains(needle),
                "{args:?}: wanted {needle:?} in {}",
                stderr(&out)
            );
        }
        assert_eq!(
            fs::read(wallet).unwrap(),
            before,
            "{args:?} left the file as it was"
        );
    }
}

#[test]
fn a_file_that_is_not_a_wallet_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    fs::write(&text, "my shopping list\n".repeat(300)).unwrap();
    refused_untouched(
        &text,
        &[
            "is not a Satchel wallet",
            "not a SQLite database",
            "--wallet",
        ],
    );

    // A SQLite database of another program is not migrated into a wallet.
    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    drop(conn);
    refused_untouched(&other, &["is not a Satchel wallet", "another program"]);
}

#[test]
fn a_wallet_from_a_newer_satchel_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    assert!(import(&wallet, &credentials(dir.path(), 0, 3, 0))
        .status
        .success());
    let conn = rusqlite::Connection::open(&wallet).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    refused_untouched(&wallet, &["newer Satchel", "schema 99", "Update Satchel"]);
}

#[test]
fn a_read_only_wallet_says_how_to_make_it_writable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    assert!(import(&wallet, &credentials(dir.path(), 0, 3, 0))
        .status
        .success());
    fs::set_permissions(&wallet, fs::Permissions::from_mode(0o444)).unwrap();
    refused_untouched(&wallet, &["read-only", "chmod u+w"]);
    fs::set_permissions(&wallet, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(satchel(&wallet, &["list"]).status.success());
}

#[test]
fn a_wallet_damaged_in_the_middle_is_reported_and_not_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    assert!(import(&wallet, &credentials(dir.path(), 0, 300, 500))
        .status
        .success());
    let mut bytes = fs::read(&wallet).unwrap();
    assert!(
        !dir.path().join("w.db-wal").exists(),
        "checkpointed on close"
    );
    // Scribble over 8 pages in the middle of the file.
    let page = 4096;
    let start = (bytes.len() / 2) / page * page;
    for (i, b) in bytes[start..start + 8 * page].iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    fs::write(&wallet, &bytes).unwrap();
    refused_untouched(
        &wallet,
        &["damaged", "has not changed or repaired it", "restore"],
    );
}

/// A full disk: the file-size limit (RLIMIT_FSIZE, as a full disk of that
/// size would) stops SQLite's writes part-way through a batch.
#[test]
fn a_full_disk_fails_the_write_cleanly_and_keeps_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let first = credentials(dir.path(), 0, 20, 2000);
    assert!(import(&wallet, &first).status.success());
    let size_kib = fs::metadata(&wallet).unwrap().len() / 1024;
    let more = credentials(dir.path(), 100, 200, 2000);
    // Room for a few more pages only.
    let script = format!(
        "ulimit -f {}; trap '' XFSZ; exec \"$0\" \"$@\"",
        (size_kib + 64) * 1024 / 512
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(&wallet)
        .arg("import")
        .arg("--json")
        .args(&more)
        .env("SATCHEL_KEY_STORE", "file")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let items = common::stdout_json(&out);
    let items = items.as_array().unwrap();
    let errors: Vec<&str> = items
        .iter()
        .filter(|i| i["result"] == "error")
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert!(!errors.is_empty(), "some writes failed");
    for e in &errors {
        assert!(
            e.contains("disk is full") || e.contains("could not be read or written"),
            "{e}"
        );
        assert!(e.contains("not saved") && e.contains("try again"), "{e}");
    }
    // Everything reported imported, and everything before, is there and whole.
    let w = satchel::store::Wallet::open(&wallet).unwrap();
    assert_eq!(w.integrity_check().unwrap(), Ok(()));
    let imported = items.iter().filter(|i| i["result"] == "imported").count();
    assert_eq!(w.ids().unwrap().len(), first.len() + imported);
    for i in items.iter().filter(|i| i["result"] == "imported") {
        assert!(w.get(i["id"].as_i64().unwrap()).unwrap().is_some());
    }
    drop(w);
    // With room again, a re-run stores the rest.
    let out = import(&wallet, &more);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        satchel::store::Wallet::open(&wallet)
            .unwrap()
            .ids()
            .unwrap()
            .len(),
        first.len() + more.len()
    );
}

/// Import, reverify, remove and list running at once on one wallet: no
/// "database is locked", no lost write.
#[test]
fn several_processes_on_one_wallet_all_finish_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let initial = credentials(dir.path(), 0, 40, 0);
    assert!(import(&wallet, &initial).status.success());
    let batches: Vec<Vec<String>> = (0..4)
        .map(|b| credentials(dir.path(), 1000 + b * 100, 60, 0))
        .collect();

    let spawn = |args: Vec<String>| {
        Command::new(env!("CARGO_BIN_EXE_satchel"))
            .arg("--wallet")
            .arg(&wallet)
            .args(args)
            .env("SATCHEL_KEY_STORE", "file")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut children: Vec<(String, std::process::Child)> = Vec::new();
    for (i, b) in batches.iter().enumerate() {
        let mut args = vec!["import".to_string()];
        args.extend(b.iter().cloned());
        children.push((format!("import {i}"), spawn(args)));
    }
    for round in 0..2 {
        children.push((format!("reverify {round}"), spawn(vec!["reverify".into()])));
        children.push((
            format!("list {round}"),
            spawn(vec!["list".into(), "--search".into(), "fault".into()]),
        ));
    }
    // Remove ids 1..=20 one process after another, alongside the rest.
    let remover = {
        let wallet: PathBuf = wallet.clone();
        std::thread::spawn(move || {
            (1..=20)
                .map(|id| satchel(&wallet, &["remove", &id.to_string()]))
                .collect::<Vec<_>>()
        })
    };
    for (name, child) in children {
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{name}: {err}");
        assert!(
            !err.contains("locked") && !err.contains("busy"),
            "{name}: {err}"
        );
    }
    for out in remover.join().unwrap() {
        assert!(out.status.success(), "remove: {}", stderr(&out));
    }
    let w = satchel::store::Wallet::open(&wallet).unwrap();
    assert_eq!(w.integrity_check().unwrap(), Ok(()));
    let ids = w.ids().unwrap();
    assert_eq!(ids.len(), 40 - 20 + 4 * 60, "no lost writes");
    assert!(ids.iter().all(|id| *id > 20));
    // Every stored credential has its report and search entry.
    let found = w
        .list(&satchel::store::ListQuery {
            search: Some("fault".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total as usize, ids.len());
}
