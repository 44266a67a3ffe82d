//! The fuzz targets: one function per parser of outside bytes. Each takes
//! any bytes and must return without panicking, hanging or exhausting
//! memory; what it returns does not matter (errors are expected).
//!
//! The AFL++ binary (`src/main.rs`) calls them under the fuzzer; the regular
//! test `tests/fuzz_corpora.rs` calls them on every committed corpus file
//! (this file is included there by path), so a crash found once stays fixed.

use std::path::Path;

use satchel::backup;
use satchel::export::{self, BundleOptions};
use satchel::formats::{self, Summary};
use satchel::qr;
use satchel::verify::{self, VerifyOptions};

/// The passphrase of the backup seeds (`satchel-fuzz seeds`).
pub const BACKUP_PASSPHRASE: &str = "fuzz";
/// The scrypt work factor of the backup seeds, and the most the backup
/// target accepts (so one run costs milliseconds, not a second).
pub const BACKUP_WORK_FACTOR: u8 = 2;

/// A fuzz target: any bytes in, no result.
pub type Target = fn(&[u8]);

/// Every target, by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("credential", credential),
    ("canon", canon),
    ("verify", verify),
    ("qr", qr_payload),
    ("qr_image", qr_image),
    ("bundle", bundle),
    ("backup", backup_file),
    ("backup_archive", backup_archive),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    // A fixed "now": the same input always takes the same path.
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

/// Credential bytes as a file or paste brings them: JSON (one, an array, a
/// presentation), VC-JWT, Open Badges 2.0, baked PNG and SVG; then the summary
/// the app and the index show.
pub fn credential(data: &[u8]) {
    if let Ok(items) = formats::parse(data) {
        for cred in items.into_iter().flatten() {
            let s = Summary::of(&cred.json);
            let _ = (s.name.len(), cred.raw.len());
        }
    }
}

/// JSON-LD to canonical form (RDFC-1.0 through the shipped contexts) and JCS.
/// Wherever oxjsonld's direct conversion takes a document (patch 10), it must
/// answer exactly as the event path: the same canonical N-Quads or the same
/// error.
pub fn canon(data: &[u8]) {
    use satchel::canon::{rdfc_by, Conversion};
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = satchel::canon::rdfc(&v);
        if let Some(direct) = rdfc_by(&v, Conversion::Direct) {
            // The event path always answers.
            let events = rdfc_by(&v, Conversion::Events);
            assert_eq!(
                Some(format!("{direct:?}")),
                events.map(|events| format!("{events:?}")),
                "the direct conversion and the event path disagree"
            );
        }
        let _ = satchel::canon::jcs(&v);
    }
}

/// Proof verification of whatever the formats accept, offline.
pub fn verify(data: &[u8]) {
    let opts = VerifyOptions::offline_at(now());
    if let Ok(items) = formats::parse(data) {
        for cred in items.into_iter().flatten() {
            let report = verify::verify_credential(&cred, &opts);
            let _ = report.outcome;
        }
    }
}

/// QR payloads: one code's text (a Satchel code, a verifier link or its
/// fragment), or several (one per line) assembled as the parts of a
/// multi-part code in any order, as `check_bytes` reads pasted text.
pub fn qr_payload(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = qr::decode_payload(text);
    let _ = qr::decode_text(text);
    let scans: Vec<qr::Scan> = text
        .lines()
        .take(64)
        .map(|l| qr::Scan {
            source: String::new(),
            text: l.to_string(),
        })
        .collect();
    let _ = qr::assemble(&scans);
}

/// An image a learner or verifier opens to read QR codes from (PNG, JPEG, ...).
pub fn qr_image(data: &[u8]) {
    let _ = qr::read_codes(data);
}

/// A verification bundle (JSON) or a portfolio page carrying one.
pub fn bundle(data: &[u8]) {
    let opts = VerifyOptions::offline_at(now());
    let expect = BundleOptions::default();
    let _ = export::verify_bundle("fuzz", data, &expect, &opts);
    if let Ok(html) = std::str::from_utf8(data) {
        if let Ok(vp) = export::bundle_from_portfolio(html) {
            if let Ok(bytes) = serde_json::to_vec(&vp) {
                let _ = export::verify_bundle("fuzz", &bytes, &expect, &opts);
            }
        }
    }
}

/// A backup file as `satchel restore` opens it (age header, scrypt with the
/// seeds' passphrase, authenticated stream, then the archive).
pub fn backup_file(data: &[u8]) {
    let _ = backup::read_backup_from(
        data,
        Path::new("fuzz.age"),
        BACKUP_PASSPHRASE.to_string().into(),
        BACKUP_WORK_FACTOR,
    );
}

/// The decrypted inside of a backup: the tar archive, its manifest and
/// credential files (mutations of the encrypted file never get past age's
/// authentication, so this part is fuzzed on its own).
pub fn backup_archive(data: &[u8]) {
    let _ = backup::read_archive(data, Path::new("fuzz.tar"));
}
