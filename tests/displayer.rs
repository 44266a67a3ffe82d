//! The 1EdTech Open Badges 3.0 Displayer conformance rows, through the CLI:
//! VC-JWT and eddsa-rdfc-2022 credentials, each as a file and baked into a
//! PNG or SVG badge, are verified and shown with image, name, description,
//! issuer name and issue date; expiry and revocation are shown as status; and
//! re-verification on demand re-runs every check (here as of a later date).

mod common;
#[path = "support/signer.rs"]
mod signer;

use std::path::Path;

use common::{did_of, issuer_key, ob3, satchel, sign, stdout_json};
use satchel::proof::Cryptosuite;
use serde_json::{json, Value};
use signer::TestSigner;

const IMAGE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// An OB 3.0 credential of issuer key 7 with an image and an expiry date.
fn badge(n: usize) -> Value {
    let mut c = ob3(&did_of(&issuer_key(7)), n, "Conformance Badge ®");
    c["credentialSubject"]["achievement"]["image"] = json!({"id": IMAGE, "type": "Image"});
    c["validUntil"] = "2030-01-01T00:00:00Z".into();
    c
}

/// The same kind of credential as an EdDSA VC-JWT (VC-JOSE style) signed by
/// issuer key 7, whose did:key is its kid.
fn jwt_badge(n: usize) -> String {
    let did = did_of(&issuer_key(7));
    let signer = TestSigner::ed25519(7);
    let mut payload = badge(n);
    payload["iss"] = did.clone().into();
    payload["jti"] = payload["id"].clone();
    signer.sign(
        json!({"typ": "vc+jwt", "kid": satchel::did::did_key_verification_method(&did)}),
        &payload,
    )
}

fn png_with(keyword: &str, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 1, 1);
    enc.set_color(png::ColorType::Rgba);
    let mut w = enc.write_header().unwrap();
    let mut chunk = png::text_metadata::ITXtChunk::new(keyword, text);
    chunk.compress_text().unwrap();
    w.write_text_chunk(&chunk).unwrap();
    w.write_image_data(&[0, 0, 0, 255]).unwrap();
    w.finish().unwrap();
    out
}

fn svg_with(text: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[{text}]]></openbadges:credential><circle r=\"1\"/></svg>"
    )
    .into_bytes()
}

fn import(wallet: &Path, file: &Path) -> Value {
    let out = satchel(wallet, &["import", &file.display().to_string(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(&out)[0].clone()
}

#[test]
fn displayer_rows_for_jwt_and_eddsa_rdfc_2022_plain_and_baked() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let di = serde_json::to_string(&sign(&badge(1), &issuer_key(7), Cryptosuite::EddsaRdfc2022))
        .unwrap();
    let di_baked =
        serde_json::to_string(&sign(&badge(2), &issuer_key(7), Cryptosuite::EddsaRdfc2022))
            .unwrap();
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("badge.jwt", jwt_badge(3).into_bytes()),
        (
            "badge-jwt.png",
            png_with("openbadgecredential", &jwt_badge(4)),
        ),
        ("badge.json", di.into_bytes()),
        ("badge-di.svg", svg_with(&di_baked)),
        (
            "badge-di.png",
            png_with(
                "openbadgecredential",
                &serde_json::to_string(&sign(
                    &badge(5),
                    &issuer_key(7),
                    Cryptosuite::EddsaRdfc2022,
                ))
                .unwrap(),
            ),
        ),
    ];
    let mut ids = Vec::new();
    for (name, bytes) in &inputs {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let item = import(&wallet, &file);
        // Verified (signature, issuer, dates).
        assert_eq!(item["outcome"], "verified", "{name}: {item:#}");
        let id = item["id"].as_i64().unwrap();
        ids.push(id.to_string());

        let out = satchel(&wallet, &["show", &id.to_string(), "--json"]);
        assert!(out.status.success());
        let shown = stdout_json(&out);
        // Image, name, description, issuer name, issued-on date.
        assert_eq!(shown["image"], IMAGE, "{name}");
        assert_eq!(shown["name"], "Conformance Badge ®", "{name}");
        assert!(
            shown["description"]
                .as_str()
                .unwrap()
                .starts_with("Awarded for work number"),
            "{name}"
        );
        assert_eq!(
            shown["issuer_name"], "Test University Ünïcode 大学",
            "{name}"
        );
        assert_eq!(shown["valid_from"], "2024-03-01T09:00:00Z", "{name}");
        // The decoded credential is shown, whatever the envelope.
        assert_eq!(shown["credential"]["name"], "Conformance Badge ®", "{name}");
    }

    // Re-verification on demand: every check again, here as of after expiry.
    let mut args = vec!["reverify"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--json", "--at", "2031-01-01T00:00:00Z"]);
    let out = satchel(&wallet, &args);
    let items = stdout_json(&out);
    assert_eq!(items.as_array().unwrap().len(), inputs.len());
    for item in items.as_array().unwrap() {
        assert_eq!(item["outcome"], "warning", "{item:#}");
        let validity = item["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "validity_period")
            .unwrap();
        assert_eq!(validity["status"], "warn");
        assert!(validity["message"]
            .as_str()
            .unwrap()
            .contains("Expired on 2030-01-01"));
    }
    // The stored status follows the latest check.
    let out = satchel(&wallet, &["list", "--outcome", "warning", "--json"]);
    assert_eq!(stdout_json(&out).as_array().unwrap().len(), inputs.len());
}

#[test]
fn the_wallet_stores_the_received_token_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.db");
    let token = format!("{}\n", jwt_badge(9));
    let file = dir.path().join("b.jwt");
    std::fs::write(&file, &token).unwrap();
    let id = import(&wallet, &file)["id"].as_i64().unwrap();
    let out = satchel(&wallet, &["export-raw", &id.to_string()]);
    assert_eq!(out.stdout, token.as_bytes());
    // Pasted (stdin) works the same.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args([
            "--wallet",
            &wallet.display().to_string(),
            "verify",
            "-",
            "--json",
        ])
        .env("SATCHEL_KEY_STORE", "file")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(jwt_badge(10).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(stdout_json(&out)[0]["outcome"], "verified");
}
