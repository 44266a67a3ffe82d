//! Verifier links, as an interviewer's phone meets them: link codes (PNG and
//! SVG) for every example credential and a fresh reference corpus read back,
//! by Satchel and by zbarimg, to the verifier address and a fragment that
//! verifies (through `check_bytes`, as the browser verifier page calls it)
//! exactly as the credential file does; altered codes fail; the QR versions
//! of both forms and the measurements behind the link's encoding; the CLI
//! (`qr --link/--verifier-url`, `settings verifier-url`, `linkedin`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{satchel, stdout_json, zbarimg};
use qrcode::bits::Bits;
use qrcode::{EcLevel, Version};
use satchel::import::check_bytes;
use satchel::qr::{self, VerifierUrl};
use satchel::report::Report;
use satchel::verify::VerifyOptions;
use serde_json::Value;

const PUBLISHED: &str = satchel::share::PUBLISHED_VERIFIER_URL;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/credentials");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The fresh corpus of the reference stack (tests/reference_corpus.rs), or
/// `None` (with a notice) when node or its packages are missing; with
/// `SATCHEL_REQUIRE_REFERENCE` set that is a failure.
fn reference_corpus(out: &Path) -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-with-digitalbazaar");
    let have_node = Command::new("node").arg("--version").output().is_ok();
    if !have_node || !dir.join("node_modules/@digitalbazaar/vc").exists() {
        assert!(
            std::env::var_os("SATCHEL_REQUIRE_REFERENCE").is_none(),
            "SATCHEL_REQUIRE_REFERENCE is set but node or the reference stack is not installed"
        );
        eprintln!(
            "NOTICE: node or {}/node_modules missing; skipping the reference corpus (npm ci there)",
            dir.display()
        );
        return None;
    }
    let run = Command::new("node")
        .current_dir(&dir)
        .arg("issue.mjs")
        .arg(out)
        .output()
        .expect("running node issue.mjs");
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "issue.mjs failed: {log}");
    eprintln!("{}", log.trim());
    let manifest: Vec<Value> =
        serde_json::from_slice(&fs::read(out.join("MANIFEST.json")).unwrap()).unwrap();
    Some(
        manifest
            .iter()
            .map(|e| out.join(e["file"].as_str().unwrap()))
            .collect(),
    )
}

/// An SVG drawn to PNG by an independent renderer (librsvg), for Satchel's
/// reader, which reads photos and screenshots, not SVG.
fn svg_to_png(svg: &Path) -> Vec<u8> {
    let out = Command::new("rsvg-convert").arg(svg).output().expect(
        "rsvg-convert is needed for this test: install librsvg2-bin (scripts/install-deps.sh)",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The outcome and every check's status: what "the same result" means.
fn verdict(report: &Report) -> (String, Vec<(String, String)>) {
    (
        report.outcome.as_str().to_string(),
        report
            .checks
            .iter()
            .map(|c| (c.check.to_string(), format!("{:?}", c.status)))
            .collect(),
    )
}

fn verdicts(
    source: &str,
    bytes: &[u8],
    opts: &VerifyOptions,
) -> Vec<(String, Vec<(String, String)>)> {
    check_bytes(source, bytes, opts)
        .iter()
        .map(|c| verdict(&c.report))
        .collect()
}

/// A link is the configured address (a code carries it with its scheme and
/// host upper-cased: the same URL), `#` and an `SB3:` fragment.
fn fragment_of<'a>(text: &'a str, url: &str) -> &'a str {
    let (address, fragment) = text.split_once('#').expect("a fragment");
    let (scheme_host, path) = url.split_at(url[8..].find('/').map_or(url.len(), |i| i + 8));
    assert!(
        address.eq_ignore_ascii_case(url) && address.ends_with(path),
        "{address} is not {url}"
    );
    let head = &address[..scheme_host.len()];
    assert!(
        head == scheme_host || head == scheme_host.to_ascii_uppercase(),
        "{head} against {scheme_host}"
    );
    assert!(fragment.starts_with(qr::LINK_PREFIX), "{fragment:.20}");
    fragment
}

/// Makes the link code of `file`, reads its PNG and its SVG back with both
/// readers, and checks that the fragment verifies as the file does. Returns
/// the code's version and level.
fn check_link_code(
    file: &Path,
    url: &VerifierUrl,
    dir: &Path,
    opts: &VerifyOptions,
) -> (i16, char) {
    let raw = fs::read(file).unwrap();
    let name = file.file_stem().unwrap().to_string_lossy().to_string();
    let code = qr::encode_link(&raw, url).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(code.parts.len(), 1, "{name}: one code");
    let part = &code.parts[0];
    assert!(
        part.version() <= qr::MAX_LINK_VERSION,
        "{name}: v{}",
        part.version()
    );
    let png = dir.join(format!("{name}.png"));
    let svg = dir.join(format!("{name}.svg"));
    fs::write(&png, part.png().unwrap()).unwrap();
    fs::write(&svg, part.svg()).unwrap();
    let by_satchel_png = qr::read_codes(&fs::read(&png).unwrap()).unwrap();
    let by_satchel_svg = qr::read_codes(&svg_to_png(&svg)).unwrap();
    let by_zbar_png = zbarimg(&png).unwrap_or_else(|| panic!("{name}: zbarimg reads the PNG"));
    let by_zbar_svg = zbarimg(&svg).unwrap_or_else(|| panic!("{name}: zbarimg reads the SVG"));
    for text in [
        &by_satchel_png[0],
        &by_satchel_svg[0],
        &by_zbar_png,
        &by_zbar_svg,
    ] {
        assert_eq!(text, &part.payload, "{name}");
    }
    let fragment = fragment_of(&by_zbar_png, url.as_str());
    assert_eq!(
        code.link.as_deref(),
        Some(format!("{url}#{fragment}").as_str()),
        "{name}: the link as configured"
    );
    // What the verifier page gives check_bytes (location.hash.slice(1), as
    // is or percent-encoded), the whole link, and the file: one verdict.
    let want = verdicts("file", &raw, opts);
    assert_eq!(want.len(), 1, "{name}");
    let encoded = fragment.replacen(':', "%3A", 1);
    for (what, text) in [
        ("fragment", fragment),
        ("percent-encoded fragment", encoded.as_str()),
        ("scanned link", by_zbar_png.as_str()),
        ("configured link", code.link.as_deref().unwrap()),
    ] {
        assert_eq!(
            verdicts(what, text.as_bytes(), opts),
            want,
            "{name}: {what}"
        );
    }
    (part.version(), part.ec_level())
}

#[test]
fn link_codes_of_every_example_open_the_verifier_and_verify_as_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = VerifierUrl::parse(PUBLISHED).unwrap();
    let opts = VerifyOptions::offline_now();
    let mut rows = Vec::new();
    for file in examples() {
        let (version, level) = check_link_code(&file, &url, dir.path(), &opts);
        let raw = fs::read(&file).unwrap();
        let sb2 = qr::encode(&raw).unwrap();
        rows.push(format!(
            "{} SB2 v{} {} ({} code{}) -> link v{version} {level}",
            file.file_name().unwrap().to_string_lossy(),
            sb2.version(),
            sb2.ec_level(),
            sb2.parts.len(),
            if sb2.parts.len() == 1 { "" } else { "s" },
        ));
    }
    eprintln!(
        "QR versions (Satchel code -> verifier link):\n{}",
        rows.join("\n")
    );
    // The outcomes are the examples' own: verified, an expired warning, the
    // tampered one failed (examples/MANIFEST.json), so "the same" means something.
    let outcomes: Vec<String> = examples()
        .iter()
        .map(|f| verdicts("f", &fs::read(f).unwrap(), &opts)[0].0.clone())
        .collect();
    for o in ["verified", "warning", "failed"] {
        assert!(outcomes.iter().any(|x| x == o), "{outcomes:?}");
    }
}

#[test]
fn link_codes_of_a_fresh_reference_corpus_verify_as_the_files() {
    let corpus = tempfile::tempdir().unwrap();
    let Some(files) = reference_corpus(corpus.path()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A loopback verifier too: the address is the setting, not a constant.
    let url = VerifierUrl::parse("http://127.0.0.1:8431/verifier.html").unwrap();
    let opts = VerifyOptions::offline_now();
    let mut versions = Vec::new();
    for file in &files {
        let (v, level) = check_link_code(file, &url, dir.path(), &opts);
        versions.push(format!("v{v}{level}"));
    }
    eprintln!(
        "link codes of {} corpus credentials: {}",
        files.len(),
        versions.join(" ")
    );
}

/// A code of any text, as a tamperer would make it.
fn code_png(text: &str, path: &Path) {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).unwrap();
    code.render::<image::Luma<u8>>()
        .module_dimensions(6, 6)
        .build()
        .save(path)
        .unwrap();
}

#[test]
fn altered_link_codes_fail_or_are_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let file = &examples()[0];
    let raw = fs::read(file).unwrap();
    let url = VerifierUrl::parse(PUBLISHED).unwrap();
    let good = qr::encode_link(&raw, &url).unwrap().parts.remove(0).payload;
    let verify_qr = |png: &Path| {
        let out = satchel(&wallet, &["verify-qr", png.to_str().unwrap(), "--json"]);
        (out.status.code(), stdout_json(&out)[0].clone())
    };
    let png = dir.path().join("good.png");
    code_png(&good, &png);
    let (code, item) = verify_qr(&png);
    assert_eq!(
        (code, item["outcome"].as_str()),
        (Some(0), Some("verified")),
        "{item}"
    );

    // The credential changed, then encoded properly: the signature fails.
    let mut cred: Value = serde_json::from_slice(&raw).unwrap();
    cred["name"] = Value::from("Foundations of Data Science (with Distinction)");
    let forged = qr::encode_link(&serde_json::to_vec(&cred).unwrap(), &url).unwrap();
    let png = dir.path().join("forged.png");
    fs::write(&png, forged.parts[0].png().unwrap()).unwrap();
    let (code, item) = verify_qr(&png);
    assert_eq!(
        (code, item["outcome"].as_str()),
        (Some(1), Some("failed")),
        "{item}"
    );
    let fragment = forged.link.as_deref().unwrap().split_once('#').unwrap().1;
    let opts = VerifyOptions::offline_now();
    assert_eq!(
        check_bytes("f", fragment.as_bytes(), &opts)[0]
            .report
            .outcome
            .as_str(),
        "failed"
    );

    // Digits changed in the code: unreadable, never a credential (failed,
    // with the one format check saying why).
    let at = good.find('#').unwrap() + qr::LINK_PREFIX.len() + 200;
    for (name, text) in [
        (
            "digit",
            format!(
                "{}{}{}",
                &good[..at],
                if &good[at..=at] == "7" { "3" } else { "7" },
                &good[at + 1..]
            ),
        ),
        ("dropped", format!("{}{}", &good[..at], &good[at + 1..])),
        ("truncated", good[..good.len() - 30].to_string()),
    ] {
        let png = dir.path().join(format!("{name}.png"));
        code_png(&text, &png);
        let (code, item) = verify_qr(&png);
        assert_eq!(code, Some(1), "{name}: {item}");
        assert_eq!(item["outcome"], "failed", "{name}: {item}");
        assert_eq!(item["checks"][0]["check"], "format", "{name}: {item}");
        assert!(
            item["id"].is_null() && item["checks"].as_array().unwrap().len() == 1,
            "{name}: {item}"
        );
        let fragment = text.split_once('#').unwrap().1;
        let checked = check_bytes(name, fragment.as_bytes(), &opts);
        assert_eq!(checked[0].report.outcome.as_str(), "failed", "{name}");
        assert_eq!(checked[0].report.checks.len(), 1, "{name}");
        assert!(checked[0].credential.is_err(), "{name}");
    }
}

#[test]
fn satchel_codes_as_text_verify_as_the_file() {
    let opts = VerifyOptions::offline_now();
    for file in examples() {
        let raw = fs::read(&file).unwrap();
        let want = verdicts("file", &raw, &opts);
        let parts = qr::encode_payloads(&raw).unwrap();
        // One code's text, or every part pasted one a line, in any order.
        let mut text = parts.clone();
        text.reverse();
        assert_eq!(
            verdicts("sb2", text.join("\n").as_bytes(), &opts),
            want,
            "{}",
            file.display()
        );
    }
}

// ---- measurements ----------------------------------------------------------

/// The smallest version (up to 40) at `ec` holding the segments.
fn version_of(segments: &[(&str, &[u8])], ec: EcLevel) -> Option<i16> {
    (1..=40).find(|v| {
        let mut bits = Bits::new(Version::Normal(*v));
        segments.iter().all(|(mode, data)| {
            match *mode {
                "alnum" => bits.push_alphanumeric_data(data),
                "numeric" => bits.push_numeric_data(data),
                _ => bits.push_byte_data(data),
            }
            .is_ok()
        }) && bits.push_terminator(ec).is_ok()
    })
}

/// RFC 4648 Base32, upper case, no padding (the URL-safe alphanumeric choice).
fn base32(bytes: &[u8]) -> String {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
        for i in 0..(chunk.len() * 8).div_ceil(5) {
            out.push(char::from(A[((n >> (35 - 5 * i)) & 31) as usize]));
        }
    }
    out
}

/// The choices behind the link's encoding, measured on the examples and a
/// fresh corpus (printed; docs/share-measurements.md has a run's numbers):
/// numeric digits against Base32, the SB3 dictionary against SB2's and none.
#[test]
fn link_encoding_choices_are_measured_and_the_smallest_kept() {
    let corpus = tempfile::tempdir().unwrap();
    let mut files = examples();
    let corpus_files = reference_corpus(corpus.path()).unwrap_or_default();
    files.extend(corpus_files.iter().cloned());
    let head = b"HTTPS://SATCHEL-WALLET.GITHUB.IO";
    let path = b"/satchel/verifier.html#SB3:";
    let mut rows = vec![
        "file | JSON | zlib none / SB2 / SB3 dict | digits v (L) | Base32 v (L) | digits v (M) | digits, SB2 dict v (L) | link v (level)"
            .to_string(),
    ];
    let mut worst_numeric = 0;
    for file in &files {
        let raw = fs::read(file).unwrap();
        let sizes: Vec<usize> = [&b""[..], qr::SB2_DICTIONARY, qr::SB3_DICTIONARY]
            .iter()
            .map(|d| qr::compress_with(&raw, d).unwrap().len())
            .collect();
        let z = qr::compress_with(&raw, qr::SB3_DICTIONARY).unwrap();
        let digits = qr::to_digits(&z);
        let b32 = base32(&z);
        let numeric = version_of(
            &[
                ("alnum", head),
                ("byte", path),
                ("numeric", digits.as_bytes()),
            ],
            EcLevel::L,
        )
        .unwrap();
        let alnum = version_of(
            &[("alnum", head), ("byte", path), ("alnum", b32.as_bytes())],
            EcLevel::L,
        )
        .unwrap();
        let sb2_digits = qr::to_digits(&qr::compress_with(&raw, qr::SB2_DICTIONARY).unwrap());
        let numeric_sb2 = version_of(
            &[
                ("alnum", head),
                ("byte", path),
                ("numeric", sb2_digits.as_bytes()),
            ],
            EcLevel::L,
        )
        .unwrap();
        assert!(numeric <= numeric_sb2, "{}", file.display());
        let numeric_m = version_of(
            &[
                ("alnum", head),
                ("byte", path),
                ("numeric", digits.as_bytes()),
            ],
            EcLevel::M,
        )
        .unwrap();
        assert!(
            numeric <= alnum,
            "{}: digits v{numeric}, Base32 v{alnum}",
            file.display()
        );
        assert!(
            sizes[2] <= sizes[1] + 2,
            "{}: SB3 {sizes:?}",
            file.display()
        );
        let code = qr::encode_link(&raw, &VerifierUrl::parse(PUBLISHED).unwrap()).unwrap();
        assert_eq!(
            code.version(),
            numeric,
            "{}: the code is the smallest measured",
            file.display()
        );
        worst_numeric = worst_numeric.max(numeric);
        rows.push(format!(
            "{} | {} | {} / {} / {} | v{numeric} | v{alnum} | v{numeric_m} | v{numeric_sb2} | v{} {}",
            file.file_name().unwrap().to_string_lossy(),
            serde_json::to_vec(&serde_json::from_slice::<Value>(&raw).unwrap())
                .unwrap()
                .len(),
            sizes[0],
            sizes[1],
            sizes[2],
            code.version(),
            code.ec_level()
        ));
    }
    eprintln!("{}", rows.join("\n"));
    assert!(worst_numeric <= qr::MAX_LINK_VERSION);
}

// ---- the CLI -----------------------------------------------------------------

fn import_example(wallet: &Path, n: usize) -> String {
    let file = &examples()[n];
    let out = satchel(wallet, &["import", file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(&out)[0]["id"].as_i64().unwrap().to_string()
}

#[test]
fn cli_qr_link_form_and_the_verifier_url_setting() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let id = import_example(&wallet, 0);
    let png = dir.path().join("c.png");
    let png_s = png.to_str().unwrap();

    // The setting: the published page until set; set, shown, cleared.
    let out = satchel(&wallet, &["settings", "verifier-url"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), PUBLISHED);
    let out = satchel(
        &wallet,
        &["settings", "verifier-url", "http://example.com/v.html"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("only for a verifier page on this computer")
    );
    let mine = "https://verify.example.org/satchel/";
    let out = satchel(&wallet, &["settings", "verifier-url", mine, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out),
        serde_json::json!({"verifier_url": mine, "published": false})
    );

    // Without a flag: the Satchel code, as before (stdout empty).
    let out = satchel(&wallet, &["qr", &id, "-o", png_s]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a Satchel code, QR version"));
    assert!(zbarimg(&png).unwrap().starts_with(qr::PREFIX));

    // --link: the setting's address; the link on stdout.
    let out = satchel(&wallet, &["qr", &id, "-o", png_s, "--link"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(link.starts_with(&format!("{mine}#SB3:")), "{link:.60}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("QR version") && stderr.contains("any phone camera"),
        "{stderr}"
    );
    fragment_of(&zbarimg(&png).unwrap(), mine);

    // --verifier-url: https and loopback http for one code; others refused.
    for url in [
        "https://other.example/v.html",
        "http://127.0.0.1:8080/verifier.html",
        "http://localhost/v",
    ] {
        let out = satchel(
            &wallet,
            &["qr", &id, "-o", png_s, "--verifier-url", url, "--json"],
        );
        assert!(
            out.status.success(),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j = stdout_json(&out);
        assert_eq!(j["form"], "link");
        assert!(j["link"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{url}#SB3:")));
        assert!(j["version"].as_i64().unwrap() <= 22);
        fragment_of(&zbarimg(&png).unwrap(), url);
        let out = satchel(&wallet, &["verify-qr", png_s, "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(stdout_json(&out)[0]["outcome"], "verified");
    }
    for (url, says) in [
        ("http://example.com/v.html", "must be reached over https://"),
        ("ftp://example.com/v", "must start with https://"),
        ("https://example.com/v#top", "must not have a #fragment"),
    ] {
        let out = satchel(&wallet, &["qr", &id, "-o", png_s, "--verifier-url", url]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An unknown id is an input that failed (exit 1), as for the Satchel code.
    assert_eq!(
        satchel(&wallet, &["qr", "999", "-o", png_s, "--link"])
            .status
            .code(),
        Some(1)
    );

    let out = satchel(&wallet, &["settings", "verifier-url", "--clear"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), PUBLISHED);
    let out = satchel(&wallet, &["qr", &id, "-o", png_s, "--link"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{PUBLISHED}#SB3:")));
}

#[test]
fn cli_link_too_large_for_one_code_says_so_and_suggests_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let key = common::issuer_key(11);
    let mut cred = common::ob3(&common::did_of(&key), 11, "A long record");
    // Text that does not compress: far over one version 22 code.
    let mut x: u64 = 11;
    let noise: String = (0..2400)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[(x % 36) as usize])
        })
        .collect();
    cred["credentialSubject"]["achievement"]["description"] = Value::from(noise);
    let cred = common::sign(&cred, &key, satchel::proof::Cryptosuite::EddsaRdfc2022);
    let file = dir.path().join("big.json");
    fs::write(&file, serde_json::to_vec(&cred).unwrap()).unwrap();
    let out = satchel(&wallet, &["import", file.to_str().unwrap(), "--json"]);
    let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();
    let png = dir.path().join("c.png");
    let out = satchel(&wallet, &["qr", &id, "-o", png.to_str().unwrap(), "--link"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("too large for one phone-camera code"),
        "{stderr}"
    );
    assert!(stderr.contains("satchel export portfolio"), "{stderr}");
    assert!(!png.exists(), "no unscannable code is written");
    // The Satchel code still carries it, in parts.
    let out = satchel(&wallet, &["qr", &id, "-o", png.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("part 1 of"));
    // LinkedIn: every other field, no credential URL, and why.
    let out = satchel(&wallet, &["linkedin", &id, "--json"]);
    assert!(out.status.success());
    let j = stdout_json(&out);
    assert!(j["fields"]["certUrl"].is_null());
    assert!(!j["url"].as_str().unwrap().contains("certUrl="));
    assert!(j["note"].as_str().unwrap().contains("too large"), "{j}");
}

// ---- LinkedIn ----------------------------------------------------------------

/// Decodes `%XX` (UTF-8) as a browser reads a query value; `+` stays `+`.
fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The query of a link, parsed back: (key, value) in order.
fn query(url: &str) -> Vec<(String, String)> {
    let (base, q) = url.split_once('?').unwrap();
    assert_eq!(base, "https://www.linkedin.com/profile/add");
    assert!(!q.contains('#') && !q.contains(' '), "{q}");
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), percent_decode(v))
        })
        .collect()
}

#[test]
fn linkedin_links_carry_the_credential_whatever_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let key = common::issuer_key(12);
    let names = [
        (
            "R&D #1: Rust & WebAssembly? 100% = yes+",
            "Ben & Jerry's #Academy / Ünïversität",
        ),
        ("機械学習入門 🦀🎓", "まなびオンライン 🚀"),
        ("أساسيات الأمن السيبراني", "منصة المثال للتعلم"),
    ];
    for (n, (name, issuer)) in names.iter().enumerate() {
        let mut cred = common::ob3(&common::did_of(&key), 40 + n, name);
        cred["issuer"]["name"] = Value::from(*issuer);
        cred["validFrom"] = Value::from("2024-11-30T23:30:00-05:00");
        cred["validUntil"] = Value::from("2027-02-01T00:00:00Z");
        let cred = common::sign(&cred, &key, satchel::proof::Cryptosuite::EddsaRdfc2022);
        let file = dir.path().join(format!("c{n}.json"));
        fs::write(&file, serde_json::to_vec_pretty(&cred).unwrap()).unwrap();
        let out = satchel(&wallet, &["import", file.to_str().unwrap(), "--json"]);
        let id = stdout_json(&out)[0]["id"].as_i64().unwrap().to_string();

        let out = satchel(&wallet, &["linkedin", &id]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let q = query(&url);
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(q[0], ("startTask".into(), "CERTIFICATION_NAME".into()));
        assert_eq!(get("name"), Some(*name));
        assert_eq!(get("organizationName"), Some(*issuer));
        // The date as the issuer wrote it (not moved to UTC).
        assert_eq!(
            (get("issueYear"), get("issueMonth")),
            (Some("2024"), Some("11"))
        );
        assert_eq!(
            (get("expirationYear"), get("expirationMonth")),
            (Some("2027"), Some("2"))
        );
        assert_eq!(get("certId"), cred["id"].as_str());
        let link = get("certUrl").unwrap();
        let fragment = fragment_of(link, PUBLISHED);
        let opts = VerifyOptions::offline_now();
        assert_eq!(
            verdicts("link", fragment.as_bytes(), &opts)[0].0,
            "verified"
        );
        let bytes = qr::decode_payload(link).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), cred);

        // --json: the same link and each field.
        let out = satchel(&wallet, &["linkedin", &id, "--json"]);
        let j = stdout_json(&out);
        assert_eq!(j["url"], url.as_str());
        assert_eq!(j["fields"]["name"], *name);
        assert_eq!(j["fields"]["organizationName"], *issuer);
        assert_eq!(j["fields"]["issueYear"], 2024);
        assert_eq!(j["fields"]["certUrl"], link);
        assert!(j["note"].is_null());
    }
    // Another verifier for one link; a bad one refused; an unknown id fails.
    let out = satchel(
        &wallet,
        &[
            "linkedin",
            "1",
            "--verifier-url",
            "http://127.0.0.1:9/v.html",
        ],
    );
    let q = query(String::from_utf8_lossy(&out.stdout).trim());
    assert!(q
        .iter()
        .any(|(k, v)| k == "certUrl" && v.starts_with("http://127.0.0.1:9/v.html#SB3:")));
    let out = satchel(
        &wallet,
        &["linkedin", "1", "--verifier-url", "http://example.com/"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        satchel(&wallet, &["linkedin", "999"]).status.code(),
        Some(1)
    );
}
