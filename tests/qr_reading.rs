//! Interview QR codes as a verifier meets them: degraded camera-like images
//! (Satchel must read every one zbar reads), the QR versions SB2 needs, and
//! multi-part codes through the CLI.

mod common;
#[path = "support/degrade.rs"]
mod degrade;

use std::fs;
use std::path::{Path, PathBuf};

use common::{satchel, signed_ob3, stdout_json, zbarimg};
use flate2::write::ZlibEncoder;
use flate2::Compression;
use satchel::qr;
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qr");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The QR version a payload needs at level M.
fn version_m(payload: &str) -> i16 {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .expect("fits version 40");
    match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    }
}

/// The `SB1:` payload the previous version made (zlib without dictionary).
fn sb1_payload(raw: &[u8]) -> String {
    let compact = serde_json::to_vec(&serde_json::from_slice::<Value>(raw).unwrap()).unwrap();
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    std::io::Write::write_all(&mut z, &compact).unwrap();
    format!("SB1:{}", base45::encode(z.finish().unwrap()))
}

#[test]
fn sb2_fits_a_typical_credential_in_version_20_at_level_m() {
    let mut rows = Vec::new();
    for f in fixtures() {
        let raw = fs::read(&f).unwrap();
        let code = qr::encode(&raw).unwrap();
        assert_eq!(code.parts.len(), 1, "{}", f.display());
        let part = &code.parts[0];
        assert_eq!(part.ec_level(), 'M');
        let (v1, v2) = (version_m(&sb1_payload(&raw)), part.version());
        assert!(v2 <= 20, "{}: SB2 needs version {v2}", f.display());
        assert!(
            v2 < v1,
            "{}: SB2 v{v2} is not smaller than SB1 v{v1}",
            f.display()
        );
        // SB1 codes of the same credential still decode to the same JSON.
        let back = qr::decode_payload(&sb1_payload(&raw)).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&back).unwrap(),
            serde_json::from_slice::<Value>(&raw).unwrap()
        );
        rows.push(format!(
            "{} SB1 {} chars v{v1} -> SB2 {} chars v{v2}",
            f.file_name().unwrap().to_string_lossy(),
            sb1_payload(&raw).len(),
            part.payload.len()
        ));
    }
    eprintln!("QR versions at level M:\n{}", rows.join("\n"));
}

#[test]
fn satchel_reads_every_degraded_image_that_zbar_reads() {
    let dir = tempfile::tempdir().unwrap();
    let creds: Vec<Vec<u8>> = fixtures()
        .iter()
        .step_by(8)
        .map(|f| fs::read(f).unwrap())
        .collect();
    let (mut zbar_reads, mut satchel_reads, mut total) = (0, 0, 0);
    let mut missed = Vec::new();
    let mut table = Vec::new();
    for (ci, raw) in creds.iter().enumerate() {
        let code = qr::encode(raw).unwrap();
        let part = &code.parts[0];
        let clean = part.render_luma(6);
        for (ri, recipe) in degrade::RECIPES.iter().enumerate() {
            let (bytes, ext) = degrade::apply(&clean, recipe.steps, (ci * 100 + ri) as u64);
            let path = dir.path().join(format!("c{ci}-{}.{ext}", recipe.name));
            fs::write(&path, &bytes).unwrap();
            let by_zbar = zbarimg(&path).as_deref() == Some(part.payload.as_str());
            let by_satchel = qr::read_codes(&bytes)
                .map(|texts| texts.contains(&part.payload))
                .unwrap_or(false);
            total += 1;
            zbar_reads += usize::from(by_zbar);
            satchel_reads += usize::from(by_satchel);
            if by_zbar && !by_satchel {
                missed.push(path.display().to_string());
            }
            table.push(format!(
                "{:<34} zbar {:<5} satchel {}",
                format!("c{ci} {}", recipe.name),
                by_zbar,
                by_satchel
            ));
        }
    }
    eprintln!(
        "{}\nread: satchel {satchel_reads}/{total}, zbar {zbar_reads}/{total}",
        table.join("\n")
    );
    assert!(
        missed.is_empty(),
        "zbar reads these and Satchel does not: {missed:?}"
    );
    // The corpus must stay a real test: most images are readable by zbar.
    assert!(
        zbar_reads * 2 > total,
        "zbar read only {zbar_reads}/{total}"
    );
}

/// A signed credential whose description is 2,400 characters of pseudo-random
/// text, too large for one version-25 code (signed by the test issuer key 7;
/// the e2e tests present it too).
fn large_credential() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qr-large-credential.json");
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn import(wallet: &Path, dir: &Path, name: &str, cred: &Value) -> String {
    let file = dir.join(name);
    fs::write(&file, serde_json::to_vec_pretty(cred).unwrap()).unwrap();
    let out = satchel(wallet, &["import", file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    stdout_json(&out)[0]["id"].as_i64().unwrap().to_string()
}

#[test]
fn multi_part_codes_round_trip_through_the_cli_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let id = import(&wallet, dir.path(), "big.json", &large_credential());
    let out = satchel(
        &wallet,
        &[
            "qr",
            &id,
            "-o",
            dir.path().join("code.png").to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut parts: Vec<PathBuf> = (1..=qr::MAX_PARTS)
        .map(|i| dir.path().join(format!("code-{i}.png")))
        .take_while(|p| p.exists())
        .collect();
    let n = parts.len();
    assert!(
        n >= 2,
        "a large credential is split: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("code.png").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("part 1 of {n}")));

    // Each part, degraded like a photo, in reverse order.
    let mut degraded = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let img = image::open(p).unwrap().to_luma8();
        let (bytes, ext) = degrade::apply(
            &img,
            &[
                degrade::Step::Rotate(7.0),
                degrade::Step::Blur(1.0),
                degrade::Step::Scale(0.5),
                degrade::Step::Jpeg(50),
            ],
            i as u64,
        );
        let path = dir.path().join(format!("photo-{}.{ext}", i + 1));
        fs::write(&path, bytes).unwrap();
        degraded.push(path);
    }
    degraded.reverse();
    let args = |files: &[PathBuf]| -> Vec<String> {
        let mut a = vec!["verify-qr".to_string(), "--json".to_string()];
        a.extend(files.iter().map(|p| p.display().to_string()));
        a
    };
    let run = |files: &[PathBuf]| {
        let a = args(files);
        satchel(&wallet, &a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&degraded);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = stdout_json(&out);
    assert_eq!(report.as_array().unwrap().len(), 1);
    assert_eq!(report[0]["outcome"], "verified");

    // A missing part is reported by its number, and the command fails.
    let without_second: Vec<PathBuf> = degraded
        .iter()
        .filter(|p| !p.ends_with("photo-2.jpg"))
        .cloned()
        .collect();
    let out = run(&without_second);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    let message = report[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
        + &report[0]["checks"].to_string();
    assert!(
        message.contains(&format!("part 2 of {n} is missing")),
        "{report}"
    );

    // One image holding every part side by side.
    let imgs: Vec<image::GrayImage> = parts
        .iter()
        .map(|p| image::open(p).unwrap().to_luma8())
        .collect();
    let (w, h) = (imgs[0].width(), imgs[0].height());
    let mut sheet = image::GrayImage::from_pixel(w * n as u32, h, image::Luma([255]));
    for (i, img) in imgs.iter().enumerate() {
        image::imageops::overlay(&mut sheet, img, i64::from(w) * i as i64, 0);
    }
    let sheet = image::imageops::resize(
        &sheet,
        sheet.width() / 2,
        sheet.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    let sheet_path = dir.path().join("sheet.png");
    sheet.save(&sheet_path).unwrap();
    let out = run(&[sheet_path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");

    // The same credential, shuffled with a whole code of another one.
    let small_id = import(
        &wallet,
        dir.path(),
        "small.json",
        &signed_ob3(5, "Networking"),
    );
    let small = dir.path().join("small.png");
    assert!(
        satchel(&wallet, &["qr", &small_id, "-o", small.to_str().unwrap()])
            .status
            .success()
    );
    parts.insert(1, small);
    let out = run(&parts);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = stdout_json(&out);
    assert_eq!(report.as_array().unwrap().len(), 2);
    assert!(report
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["outcome"] == "verified"));
}
