//! The example credentials under `examples/credentials/` (made by
//! `cargo run --example make_examples`) verify as `examples/MANIFEST.json`
//! and their README say, through the CLI a person would use.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use common::{satchel, stdout_json};
use serde_json::Value;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn manifest() -> Vec<Value> {
    let bytes = std::fs::read(examples_dir().join("MANIFEST.json")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn each_example_verifies_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let readme = std::fs::read_to_string(examples_dir().join("credentials/README.md")).unwrap();
    let entries = manifest();
    assert!(entries.len() >= 8);
    let mut outcomes = HashSet::new();
    let mut suites = HashSet::new();
    for e in &entries {
        let file = examples_dir().join(e["file"].as_str().unwrap());
        let out = satchel(&wallet, &["verify", file.to_str().unwrap(), "--json"]);
        let report = &stdout_json(&out)[0];
        let expected = e["outcome"].as_str().unwrap();
        assert_eq!(
            report["outcome"],
            expected,
            "{}: {report:#}",
            file.display()
        );
        assert_eq!(out.status.success(), expected != "failed");
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            readme.contains(&format!("| `{name}` |"))
                && readme.contains(&format!("**{expected}**")),
            "the README lists {name}"
        );
        outcomes.insert(expected.to_string());
        suites.insert(e["suite"].as_str().unwrap().to_string());
    }
    for o in ["verified", "warning", "failed"] {
        assert!(outcomes.contains(o), "an example that is {o}");
    }
    assert!(suites.contains("eddsa-rdfc-2022") && suites.contains("Ed25519Signature2020"));
}

#[test]
fn the_readme_try_it_line_imports_all_but_the_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let creds = examples_dir().join("credentials");
    let mut files: Vec<String> = std::fs::read_dir(&creds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        manifest().len(),
        "every file is in the manifest"
    );
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.push("--json");
    let out = satchel(&wallet, &args);
    assert_eq!(out.status.code(), Some(1), "the tampered one is refused");
    let items = stdout_json(&out);
    let results: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["result"].as_str().unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|r| **r == "imported").count(),
        files.len() - 1
    );
    assert_eq!(results.iter().filter(|r| **r == "refused").count(), 1);
}

#[test]
fn examples_differ_in_badge_and_carry_several_scripts() {
    let mut images = HashSet::new();
    let mut issuers = HashSet::new();
    let mut all_text = String::new();
    for e in manifest() {
        let bytes = std::fs::read(examples_dir().join(e["file"].as_str().unwrap())).unwrap();
        let cred: Value = serde_json::from_slice(&bytes).unwrap();
        let image = cred["credentialSubject"]["achievement"]["image"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(image.starts_with("data:image/svg+xml;base64,"));
        images.insert(image);
        issuers.insert(cred["issuer"]["name"].as_str().unwrap().to_string());
        all_text.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert_eq!(
        images.len(),
        manifest().len(),
        "each badge image is its own"
    );
    assert!(issuers.len() >= 4, "several providers");
    let has = |range: std::ops::RangeInclusive<char>| all_text.chars().any(|c| range.contains(&c));
    assert!(has('\u{3040}'..='\u{30ff}'), "Japanese kana");
    assert!(has('\u{0600}'..='\u{06ff}'), "Arabic");
    assert!(has('\u{1f300}'..='\u{1faff}'), "emoji");
}

/// A batch is committed in groups: every input is reported once, in order,
/// after its group is stored; a credential repeated within one group is a
/// duplicate of the first; the tampered one is refused and not stored.
#[test]
fn a_batch_reports_each_input_in_order_once_its_group_is_stored() {
    use satchel::import::{import_batch, Disposition, ImportOptions};
    use satchel::store::Wallet;
    use satchel::verify::VerifyOptions;

    let dir = tempfile::tempdir().unwrap();
    let mut wallet = Wallet::open(&dir.path().join("w.db")).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir().join("credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.push(files[0].clone());
    let opts = ImportOptions {
        keep_unverified: false,
        verify: VerifyOptions::offline_now(),
    };
    let mut seen = Vec::new();
    let results = import_batch(
        &mut wallet,
        files.len(),
        |i| {
            let f = &files[i];
            (
                f.display().to_string(),
                std::fs::read(f).map_err(|e| e.to_string()),
            )
        },
        &opts,
        |done, latest| seen.push((done, latest.len())),
    );
    // One call per input, in order, each with that input's one result.
    assert_eq!(seen, (1..=files.len()).map(|d| (d, 1)).collect::<Vec<_>>());
    assert_eq!(results.len(), files.len());
    let stored = wallet.ids().unwrap();
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.source, files[i].display().to_string());
        let name = files[i].file_name().unwrap().to_str().unwrap();
        let expected = if i == files.len() - 1 {
            Disposition::Duplicate
        } else if name.contains("tampered") {
            Disposition::Refused
        } else {
            Disposition::Imported
        };
        assert_eq!(r.result, expected, "{name}: {}", r.message);
        match r.result {
            Disposition::Imported | Disposition::Duplicate => {
                assert!(stored.contains(&r.id.unwrap()))
            }
            _ => assert_eq!(r.id, None),
        }
    }
    assert_eq!(results.last().unwrap().id, results[0].id);
    assert_eq!(stored.len(), files.len() - 2);
}
