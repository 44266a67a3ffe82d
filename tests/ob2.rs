//! Open Badges 2.0: signed assertions (RS256 with the issuer's
//! CryptographicKey), hosted assertions, revocation lists, baked badges and
//! the recipient check, on 1EdTech's validator samples (vendored under
//! tests/vectors/1edtech-validator, Apache-2.0) served by an in-memory fetcher
//! as the issuer's server would serve them.

#[path = "support/fetcher.rs"]
mod fetcher;
#[path = "support/signer.rs"]
mod signer;

use std::path::Path;
use std::sync::Arc;

use fetcher::MapFetcher;
use satchel::formats::{self, ob2::Ob2Form, Credential, DataModel, Envelope};
use satchel::verify::{self, CheckStatus, Outcome, Report, VerifyOptions};
use serde_json::{json, Value};

fn vector(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/1edtech-validator/ob20")
            .join(path),
    )
    .unwrap()
}

/// The sample issuer's server: every document the samples link to.
fn server() -> MapFetcher {
    let assets = [
        (
            "https://example.org/robotics-badge.json",
            "assets/robotics-badge.json",
        ),
        (
            "https://example.org/organization.json",
            "assets/organization.json",
        ),
        ("http://example.org/key1.json", "assets/key1.json"),
        ("http://example.org/key2.json", "assets/key2.json"),
        ("http://example.org/key3.json", "assets/key3.json"),
        (
            "https://example.org/badge-from-organization-with-revocation-list.json",
            "assets/badge-from-organization-with-revocation-list.json",
        ),
        (
            "https://example.org/organization-with-revocation-list.json",
            "assets/organization-with-revocation-list.json",
        ),
        (
            "http://example.org/revocation-list.json",
            "assets/revocation-list.json",
        ),
        (
            "https://example.org/badge-from-organization-with-empty-revocation-list.json",
            "assets/badge-from-organization-with-empty-revocation-list.json",
        ),
        (
            "https://example.org/organization-with-empty-revocation-list.json",
            "assets/organization-with-empty-revocation-list.json",
        ),
        (
            "http://example.org/empty-revocation-list.json",
            "assets/empty-revocation-list.json",
        ),
        (
            "https://example.org/beths-robotics-badge.json",
            "basic-assertion.json",
        ),
    ];
    assets
        .into_iter()
        .fold(MapFetcher::new(), |f, (url, file)| {
            f.with(url, vector(file))
        })
}

fn opts(fetcher: Option<MapFetcher>, emails: &[&str]) -> VerifyOptions {
    let now = verify::parse_datetime("2025-01-01T00:00:00Z").unwrap();
    let mut o = match fetcher {
        Some(f) => VerifyOptions::with_fetcher(now, Arc::new(f)),
        None => VerifyOptions::offline_at(now),
    };
    o.recipient_emails = emails.iter().map(|e| e.to_string()).collect();
    o
}

fn parse(bytes: &[u8]) -> Credential {
    formats::parse(bytes).unwrap().remove(0).unwrap()
}

fn status(r: &Report, name: &str) -> CheckStatus {
    r.check(name)
        .unwrap_or_else(|| panic!("no {name} in {r:#?}"))
        .status
}

#[test]
fn signed_assertion_verifies_with_the_issuers_key() {
    let cred = parse(&vector("simple.jwt"));
    assert_eq!(cred.model, DataModel::OpenBadges2);
    assert!(
        matches!(&cred.envelope, Envelope::OpenBadges2(f) if matches!(**f, Ob2Form::Signed(_)))
    );
    let r = verify::verify_credential(&cred, &opts(Some(server()), &["nobody@example.org"]));
    assert_eq!(r.outcome, Outcome::Verified, "{r:#?}");
    assert_eq!(status(&r, "signature"), CheckStatus::Pass);
    assert_eq!(status(&r, "issuer"), CheckStatus::Pass);
    assert_eq!(status(&r, "recipient"), CheckStatus::Pass);
    // The issuer publishes no revocation list: said, not passed.
    assert_eq!(status(&r, "status"), CheckStatus::Skip);

    // Issued to someone else: a warning.
    let r = verify::verify_credential(&cred, &opts(Some(server()), &["me@example.org"]));
    assert_eq!(status(&r, "recipient"), CheckStatus::Warn);
    assert!(
        r.check("recipient")
            .unwrap()
            .message
            .contains("issued to someone else")
            || r.check("recipient")
                .unwrap()
                .message
                .contains("Issued to someone else")
    );
    assert_eq!(r.outcome, Outcome::Warning);
}

#[test]
fn signed_assertion_tampered_or_with_someone_elses_key_fails() {
    let token = String::from_utf8(vector("simple.jwt")).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    let mut payload: Value = serde_json::from_slice(&signer::b64url_decode(parts[1])).unwrap();
    payload["issuedOn"] = "2020-01-01T00:00:00Z".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        signer::b64(&serde_json::to_vec(&payload).unwrap()),
        parts[2]
    );
    let r = verify::verify_credential(&parse(forged.as_bytes()), &opts(Some(server()), &[]));
    assert_eq!(r.outcome, Outcome::Failed, "{r:#?}");
    assert_eq!(status(&r, "signature"), CheckStatus::Fail);

    // Key1 served as someone else's key (its owner is another issuer).
    let mut key: Value = serde_json::from_slice(&vector("assets/key1.json")).unwrap();
    key["owner"] = "https://attacker.example/org.json".into();
    let f = server().with_json("http://example.org/key1.json", &key);
    let r = verify::verify_credential(&parse(&vector("simple.jwt")), &opts(Some(f), &[]));
    assert_eq!(status(&r, "signature"), CheckStatus::Pass);
    assert_eq!(status(&r, "issuer"), CheckStatus::Fail);
    assert_eq!(r.outcome, Outcome::Failed);
}

#[test]
fn revocation_list_is_checked() {
    let r = verify::verify_credential(
        &parse(&vector("simple-revoked.jwt")),
        &opts(Some(server()), &[]),
    );
    assert_eq!(status(&r, "signature"), CheckStatus::Pass, "{r:#?}");
    assert_eq!(status(&r, "status"), CheckStatus::Fail);
    assert!(r.check("status").unwrap().message.contains("A good reason"));
    assert_eq!(r.outcome, Outcome::Failed);

    let r = verify::verify_credential(
        &parse(&vector("simple-not-revoked.jwt")),
        &opts(Some(server()), &[]),
    );
    assert_eq!(status(&r, "status"), CheckStatus::Pass, "{r:#?}");
    assert_eq!(r.outcome, Outcome::Verified);

    // Online, a list that cannot be fetched or read: revocation unknown, a
    // warning that says why, never Verified.
    const LIST: &str = "http://example.org/empty-revocation-list.json";
    let not_revoked = parse(&vector("simple-not-revoked.jwt"));
    let r = verify::verify_credential(&not_revoked, &opts(Some(server().without(LIST)), &[]));
    let c = r.check("status").unwrap();
    assert_eq!(
        (c.status, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{r:#?}"
    );
    assert_eq!(
        c.message,
        format!("Revocation could not be checked: the issuer's revocation list {LIST} answered HTTP 404.")
    );
    let r = verify::verify_credential(
        &not_revoked,
        &opts(
            Some(server().with_json(LIST, &json!({"type": "RevocationList"}))),
            &[],
        ),
    );
    let c = r.check("status").unwrap();
    assert_eq!(
        (c.status, r.outcome),
        (CheckStatus::Warn, Outcome::Warning),
        "{r:#?}"
    );
    assert_eq!(
        c.message,
        format!("Revocation could not be checked: the issuer's revocation list {LIST} has no revokedAssertions list.")
    );
}

#[test]
fn recipient_check_offline() {
    let cred = parse(&vector("simple.jwt"));
    assert!(
        matches!(&cred.envelope, Envelope::OpenBadges2(f) if matches!(**f, Ob2Form::Signed(_)))
    );
    let status_of = |emails: &[&str]| {
        status(
            &verify::verify_credential(&cred, &opts(None, emails)),
            "recipient",
        )
    };
    assert_eq!(status_of(&["nobody@example.org"]), CheckStatus::Pass);
    assert_eq!(status_of(&["me@example.org"]), CheckStatus::Warn);
    assert_eq!(status_of(&[]), CheckStatus::Skip);
    let r = verify::verify_credential(&cred, &opts(None, &["me@example.org"]));
    assert!(r
        .check("recipient")
        .unwrap()
        .message
        .starts_with("Issued to someone else"));
}

#[test]
fn offline_an_ob2_badge_is_unverifiable_with_the_url() {
    for (file, url) in [
        ("simple.jwt", "http://example.org/key1.json"),
        (
            "basic-assertion.json",
            "https://example.org/beths-robotics-badge.json",
        ),
    ] {
        let r =
            verify::verify_credential(&parse(&vector(file)), &opts(None, &["nobody@example.org"]));
        assert_eq!(r.outcome, Outcome::Unverifiable, "{file}: {r:#?}");
        assert_eq!(status(&r, "signature"), CheckStatus::Skip);
        assert!(
            r.check("signature").unwrap().message.contains(url),
            "{file}: {r:#?}"
        );
        // The recipient is checked offline all the same.
        assert_eq!(status(&r, "recipient"), CheckStatus::Pass);
    }
}

#[test]
fn offline_skips_name_the_url_they_would_fetch() {
    let skip_url = |r: &Report, check: &str| {
        let c = r.check(check).unwrap();
        assert_eq!(c.status, CheckStatus::Skip, "{check}: {r:#?}");
        c.would_fetch.clone()
    };
    // Hosted: the assertion's own URL, and its BadgeClass for the issuer and
    // its revocation list.
    let hosted = parse(&vector("basic-assertion.json"));
    let r = verify::verify_credential(&hosted, &opts(None, &[]));
    assert_eq!(
        skip_url(&r, "signature").as_deref(),
        Some("https://example.org/beths-robotics-badge.json")
    );
    assert_eq!(
        skip_url(&r, "status").as_deref(),
        Some("https://example.org/robotics-badge.json")
    );
    // Signed: the issuer's public key.
    let signed = parse(&vector("simple.jwt"));
    let r = verify::verify_credential(&signed, &opts(None, &[]));
    assert_eq!(
        skip_url(&r, "signature").as_deref(),
        Some("http://example.org/key1.json")
    );
    // Online, every document is fetched: nothing left to fetch, and the
    // checks pass (or fail for a reason other than the network).
    for cred in [&hosted, &signed] {
        let r = verify::verify_credential(cred, &opts(Some(server()), &[]));
        assert!(r.would_fetch().is_empty(), "{r:#?}");
        assert_eq!(status(&r, "signature"), CheckStatus::Pass);
    }
    // A server that answers 404 is not "offline": skip without a URL to fetch later.
    let r = verify::verify_credential(&signed, &opts(Some(MapFetcher::new()), &[]));
    assert_eq!(skip_url(&r, "signature"), None);
}

#[test]
fn md5_hashed_recipient_is_checked() {
    // An OB 2.0 assertion naming its recipient by md5(email + salt)
    // (digest from coreutils' md5sum of "nobody@example.orgdeadsea").
    let mut a: Value = serde_json::from_slice(&vector("basic-assertion.json")).unwrap();
    a["recipient"] = json!({"type": "email", "hashed": true, "salt": "deadsea",
        "identity": "md5$df7f6ab472edfcaf9040a8bbdee36400"});
    let cred = parse(&serde_json::to_vec(&a).unwrap());
    let r = verify::verify_credential(&cred, &opts(None, &["nobody@example.org"]));
    assert_eq!(status(&r, "recipient"), CheckStatus::Pass, "{r:#?}");
    let r = verify::verify_credential(&cred, &opts(None, &["someone@example.org"]));
    assert_eq!(status(&r, "recipient"), CheckStatus::Warn);
    assert!(r
        .check("recipient")
        .unwrap()
        .message
        .starts_with("Issued to someone else"));
    let r = verify::verify_credential(&cred, &opts(None, &[]));
    assert_eq!(status(&r, "recipient"), CheckStatus::Skip);
}

#[test]
fn hosted_assertion_must_be_served_unchanged_by_its_issuer() {
    let cred = parse(&vector("basic-assertion.json"));
    let r = verify::verify_credential(&cred, &opts(Some(server()), &[]));
    assert_eq!(r.outcome, Outcome::Verified, "{r:#?}");
    assert_eq!(status(&r, "signature"), CheckStatus::Pass);
    assert_eq!(status(&r, "issuer"), CheckStatus::Pass);
    assert_eq!(
        status(&r, "recipient"),
        CheckStatus::Skip,
        "no emails entered"
    );

    // The server answers with something else: failed.
    let mut changed: Value = serde_json::from_slice(&vector("basic-assertion.json")).unwrap();
    changed["issuedOn"] = "2017-01-01T00:00:00Z".into();
    let f = server().with_json("https://example.org/beths-robotics-badge.json", &changed);
    let r = verify::verify_credential(&cred, &opts(Some(f), &[]));
    assert_eq!(status(&r, "signature"), CheckStatus::Fail);

    // Gone (404): withdrawn, failed.
    let mut other = cred.clone();
    other.json["id"] = "https://example.org/missing.json".into();
    let r = verify::verify_credential(&other, &opts(Some(server()), &[]));
    assert_eq!(status(&r, "signature"), CheckStatus::Fail);

    // Hosted on another origin than its issuer's: failed.
    let mut elsewhere: Value = serde_json::from_slice(&vector("basic-assertion.json")).unwrap();
    elsewhere["id"] = "https://elsewhere.example/a.json".into();
    let f = server().with_json("https://elsewhere.example/a.json", &elsewhere);
    let bytes = serde_json::to_vec(&elsewhere).unwrap();
    let r = verify::verify_credential(&parse(&bytes), &opts(Some(f), &[]));
    assert_eq!(status(&r, "signature"), CheckStatus::Pass);
    assert_eq!(status(&r, "issuer"), CheckStatus::Fail);
}

#[test]
fn baked_ob2_png_and_hosted_url_svg() {
    // 1EdTech's baked sample: the assertion JSON in an `openbadges` iTXt chunk.
    let cred = parse(&vector("simple-badge.png"));
    assert_eq!(cred.model, DataModel::OpenBadges2);
    assert_eq!(
        cred.json["id"],
        "https://example.org/beths-robotics-badge.json"
    );

    // An SVG whose assertion element names only the hosted URL.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/beths-robotics-badge.json"></openbadges:assertion></svg>"#;
    let cred = parse(svg);
    assert_eq!(cred.raw, b"https://example.org/beths-robotics-badge.json");
    let r = verify::verify_credential(&cred, &opts(None, &[]));
    assert_eq!(r.outcome, Outcome::Unverifiable);
    assert!(r
        .check("signature")
        .unwrap()
        .message
        .contains("https://example.org/beths-robotics-badge.json"));
    let r = verify::verify_credential(&cred, &opts(Some(server()), &["nobody@example.org"]));
    assert_eq!(r.outcome, Outcome::Verified, "{r:#?}");
    assert_eq!(status(&r, "recipient"), CheckStatus::Pass);
}

#[test]
fn ob2_summary_comes_from_the_assertion() {
    let mut a: Value = serde_json::from_slice(&vector("basic-assertion.json")).unwrap();
    a["badge"] = json!({"id": "https://example.org/robotics-badge.json", "type": "BadgeClass",
        "name": "Awesome Robotics Badge", "description": "Robots.", "image": "data:image/png;base64,AA==",
        "issuer": {"id": "https://example.org/organization.json", "type": "Issuer", "name": "An Example Badge Issuer"}});
    let s = formats::Summary::of(&a);
    assert_eq!(s.name, "Awesome Robotics Badge");
    assert_eq!(s.issuer_name.as_deref(), Some("An Example Badge Issuer"));
    assert_eq!(s.valid_from.as_deref(), Some("2016-12-31T23:59:59Z"));
    assert_eq!(
        s.image.as_deref(),
        Some("https://example.org/beths-robot-badge.png")
    );
}
