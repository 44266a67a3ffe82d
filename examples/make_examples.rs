//! Issues Satchel's example credentials: Open Badges 3.0 credentials from
//! clearly fictional issuers (a university, two course platforms, an employer,
//! a bootcamp), each with its own generated badge image, text in several
//! languages, one expired and one tampered, signed with `eddsa-rdfc-2022`
//! (VC 2.0) and `Ed25519Signature2020` (VC 1.1).
//!
//! `cargo run --example make_examples [-- OUT_DIR]` (default: `examples/`)
//! writes `credentials/*.json`, `credentials/README.md` and `MANIFEST.json`
//! (each file's documented outcome, checked by `tests/examples.rs`).
//!
//! The output is deterministic: the issuer keys are derived from their public
//! labels (SHA-256 of "satchel example issuer key: <slug>"), Ed25519 signing is
//! deterministic, and every date is fixed. They are example keys, published
//! here: they prove nothing about anyone.

use std::fmt::Write as _;
use std::path::PathBuf;

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// A fictional issuer.
struct Issuer {
    slug: &'static str,
    name: &'static str,
    url: &'static str,
    description: &'static str,
}

const UNIVERSITY: Issuer = Issuer {
    slug: "university",
    name: "Northbridge University of Examples",
    url: "https://northbridge-university.example",
    description: "A fictional university that issues Satchel's example credentials.",
};
const COURSES_JA: Issuer = Issuer {
    slug: "courses-ja",
    name: "まなびオンライン（架空の講座サイト）",
    url: "https://manabi-online.example.jp",
    description: "Satchel の例のための架空のオンライン講座サイトです。",
};
const COURSES_AR: Issuer = Issuer {
    slug: "courses-ar",
    name: "منصة المثال للتعلم",
    url: "https://mithal-learning.example",
    description: "منصة تعليمية خيالية لأمثلة Satchel.",
};
const EMPLOYER: Issuer = Issuer {
    slug: "employer",
    name: "Acme Example Robotics GmbH",
    url: "https://acme-robotics.example",
    description: "A fictional employer that recognises its staff's training.",
};
const BOOTCAMP: Issuer = Issuer {
    slug: "bootcamp",
    name: "Byte Forge Bootcamp 🚀 (example)",
    url: "https://byteforge-bootcamp.example",
    description: "A fictional coding bootcamp.",
};

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Circle,
    Hexagon,
    Shield,
    Star,
    Diamond,
    Square,
}

/// One example credential.
struct Example {
    file: &'static str,
    issuer: &'static Issuer,
    name: &'static str,
    description: &'static str,
    criteria: &'static str,
    language: Option<&'static str>,
    initials: &'static str,
    shape: Shape,
    colour: &'static str,
    suite: Cryptosuite,
    valid_from: &'static str,
    valid_until: Option<&'static str>,
    /// Changed after signing: the new achievement name.
    tampered_name: Option<&'static str>,
    outcome: &'static str,
    note: &'static str,
}

const EXAMPLES: [Example; 9] = [
    Example {
        file: "01-university-data-science.json",
        issuer: &UNIVERSITY,
        name: "Foundations of Data Science",
        description:
            "Statistics, data cleaning and visualisation with Python, assessed by a term project.",
        criteria: "Passed four assignments and the final project with at least 60%.",
        language: None,
        initials: "DS",
        shape: Shape::Circle,
        colour: "#1f6feb",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2024-06-28T09:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 2.0, eddsa-rdfc-2022",
    },
    Example {
        file: "02-university-technical-writing.json",
        issuer: &UNIVERSITY,
        name: "Écriture technique — niveau avancé",
        description: "Rédiger une documentation claire : guides, références et notes de version.",
        criteria: "Un dossier de trois documents évalué par deux enseignants.",
        language: Some("fr"),
        initials: "ÉT",
        shape: Shape::Shield,
        colour: "#8250df",
        suite: Cryptosuite::Ed25519Signature2020,
        valid_from: "2023-12-15T14:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 1.1, Ed25519Signature2020; French",
    },
    Example {
        file: "03-courses-machine-learning-ja.json",
        issuer: &COURSES_JA,
        name: "機械学習入門",
        description: "教師あり学習、評価指標、過学習への対処を学ぶ八週間の講座。",
        criteria: "すべての課題を提出し、最終試験に合格すること。",
        language: Some("ja"),
        initials: "機械",
        shape: Shape::Hexagon,
        colour: "#bf3989",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2025-02-03T01:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 2.0, eddsa-rdfc-2022; Japanese",
    },
    Example {
        file: "04-courses-cybersecurity-ar.json",
        issuer: &COURSES_AR,
        name: "أساسيات الأمن السيبراني",
        description: "مقدمة في حماية الشبكات وكلمات المرور والتعامل مع الحوادث.",
        criteria: "اجتياز الاختبار النهائي بنسبة ٧٠٪ على الأقل.",
        language: Some("ar"),
        initials: "أم",
        shape: Shape::Diamond,
        colour: "#1a7f37",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2025-04-20T08:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 2.0, eddsa-rdfc-2022; Arabic (right to left)",
    },
    Example {
        file: "05-employer-team-leadership.json",
        issuer: &EMPLOYER,
        name: "Team Leadership 🧭",
        description:
            "Leading a team of five through a product release: planning, feedback and hand-over.",
        criteria: "Nominated by a manager and confirmed by the team's retrospective.",
        language: None,
        initials: "TL",
        shape: Shape::Star,
        colour: "#d4a72c",
        suite: Cryptosuite::Ed25519Signature2020,
        valid_from: "2025-09-01T07:30:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 1.1, Ed25519Signature2020; emoji",
    },
    Example {
        file: "06-employer-first-aid-expired.json",
        issuer: &EMPLOYER,
        name: "Workplace First Aid",
        description: "Emergency first aid at work, renewed every year.",
        criteria: "Attended the one-day course and passed the practical assessment.",
        language: None,
        initials: "FA",
        shape: Shape::Square,
        colour: "#cf222e",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2024-03-11T08:00:00Z",
        valid_until: Some("2025-03-11T08:00:00Z"),
        tampered_name: None,
        outcome: "warning",
        note: "expired on 2025-03-11: the signature is valid, the app shows Expired",
    },
    Example {
        file: "07-bootcamp-rust.json",
        issuer: &BOOTCAMP,
        name: "Systems Programming in Rust 🦀",
        description: "Ownership, traits, async and testing, in twelve weeks of projects.",
        criteria: "Shipped a command-line tool and a web service, both reviewed by mentors.",
        language: None,
        initials: "RS",
        shape: Shape::Hexagon,
        colour: "#bc4c00",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2025-07-18T16:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 2.0, eddsa-rdfc-2022; emoji",
    },
    Example {
        file: "08-bootcamp-web-accessibility.json",
        issuer: &BOOTCAMP,
        name: "Web Accessibility Essentials",
        description: "WCAG 2.2 in practice: semantics, keyboard use, contrast and screen readers.",
        criteria: "Audited and fixed a real site; the audit report was accepted.",
        language: None,
        initials: "WA",
        shape: Shape::Circle,
        colour: "#0969da",
        suite: Cryptosuite::Ed25519Signature2020,
        valid_from: "2025-10-02T10:00:00Z",
        valid_until: None,
        tampered_name: None,
        outcome: "verified",
        note: "VC 1.1, Ed25519Signature2020",
    },
    Example {
        file: "09-university-statistics-tampered.json",
        issuer: &UNIVERSITY,
        name: "Applied Statistics",
        description: "Regression, hypothesis tests and experimental design.",
        criteria: "Passed the written exam.",
        language: None,
        initials: "AS",
        shape: Shape::Shield,
        colour: "#57606a",
        suite: Cryptosuite::EddsaRdfc2022,
        valid_from: "2024-01-19T09:00:00Z",
        valid_until: None,
        tampered_name: Some("Applied Statistics (with Distinction)"),
        outcome: "failed",
        note: "tampered: the name was changed after signing; refused on import",
    },
];

/// The example key of an issuer, derived from its public label.
fn issuer_key(issuer: &Issuer) -> SigningKey {
    let seed: [u8; 32] =
        Sha256::digest(format!("satchel example issuer key: {}", issuer.slug)).into();
    SigningKey::from_bytes(&seed)
}

/// The outline of a badge shape in a 120×120 box.
fn outline(shape: Shape, fill: &str) -> String {
    let polygon = |points: &str| format!(r#"<polygon points="{points}" fill="{fill}"/>"#);
    match shape {
        Shape::Circle => format!(r#"<circle cx="60" cy="60" r="56" fill="{fill}"/>"#),
        Shape::Square => {
            format!(r#"<rect x="6" y="6" width="108" height="108" rx="22" fill="{fill}"/>"#)
        }
        Shape::Hexagon => polygon("60,4 110,32 110,88 60,116 10,88 10,32"),
        Shape::Diamond => polygon("60,2 118,60 60,118 2,60"),
        Shape::Shield => format!(
            r#"<path d="M60 4 L108 18 V58 C108 88 86 106 60 116 C34 106 12 88 12 58 V18 Z" fill="{fill}"/>"#
        ),
        Shape::Star => polygon("60,4 74,42 114,42 82,66 94,106 60,82 26,106 38,66 6,42 46,42"),
    }
}

/// The badge art: a shape in the achievement's colour with its initials, as
/// an SVG `data:` URI (kept small: the credential must still fit a QR code).
fn badge_image(e: &Example) -> String {
    let size = if e.initials.chars().count() > 1 && !e.initials.is_ascii() {
        30
    } else {
        38
    };
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">{}<circle cx="60" cy="60" r="40" fill="none" stroke="#fff" stroke-opacity=".4" stroke-width="3"/><text x="60" y="62" font-family="sans-serif" font-size="{size}" font-weight="700" fill="#fff" text-anchor="middle" dominant-baseline="middle">{}</text></svg>"##,
        outline(e.shape, e.colour),
        e.initials
    );
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

/// The unsigned credential of an example.
fn credential(n: usize, e: &Example, issuer_did: &str) -> Value {
    let v2 = e.suite != Cryptosuite::Ed25519Signature2020;
    let mut achievement = json!({
        "id": format!("{}/achievements/{}", e.issuer.url, e.file.trim_end_matches(".json")),
        "type": ["Achievement"],
        "name": e.name,
        "description": e.description,
        "criteria": {"narrative": e.criteria},
        "image": {"id": badge_image(e), "type": "Image"}
    });
    if let Some(lang) = e.language {
        achievement["inLanguage"] = json!(lang);
    }
    let mut cred = json!({
        "@context": if v2 {
            json!(["https://www.w3.org/ns/credentials/v2", OB3_CONTEXT])
        } else {
            json!(["https://www.w3.org/2018/credentials/v1", OB3_CONTEXT])
        },
        "id": format!("urn:uuid:5a7c4e1b-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": e.name,
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": e.issuer.name,
            "url": e.issuer.url,
            "description": e.issuer.description
        },
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner-ada-example",
            "achievement": achievement
        }
    });
    let (from, until) = if v2 {
        ("validFrom", "validUntil")
    } else {
        ("issuanceDate", "expirationDate")
    };
    cred[from] = json!(e.valid_from);
    if let Some(u) = e.valid_until {
        cred[until] = json!(u);
    }
    cred
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples"));
    let creds_dir = out.join("credentials");
    if let Err(e) = std::fs::create_dir_all(&creds_dir) {
        eprintln!("make_examples: cannot create {}: {e}", creds_dir.display());
        std::process::exit(2);
    }
    let mut manifest = Vec::new();
    let mut table = String::new();
    for (n, e) in EXAMPLES.iter().enumerate() {
        let key = issuer_key(e.issuer);
        let issuer_did = did::did_key_from_public(&key.verifying_key());
        let fragment = issuer_did.trim_start_matches("did:key:");
        let unsigned = credential(n + 1, e, &issuer_did);
        let mut signed = proof::sign(
            &unsigned,
            &key,
            &ProofOptions {
                suite: e.suite,
                verification_method: format!("{issuer_did}#{fragment}"),
                proof_purpose: "assertionMethod".into(),
                created: Some(e.valid_from.to_string()),
                challenge: None,
                domain: None,
            },
        )
        .expect("signing an example credential");
        if let Some(name) = e.tampered_name {
            signed["name"] = json!(name);
            signed["credentialSubject"]["achievement"]["name"] = json!(name);
        }
        let mut bytes = serde_json::to_vec_pretty(&signed).expect("JSON");
        bytes.push(b'\n');
        let path = creds_dir.join(e.file);
        if let Err(err) = std::fs::write(&path, bytes) {
            eprintln!("make_examples: cannot write {}: {err}", path.display());
            std::process::exit(2);
        }
        let shown_name = e.tampered_name.unwrap_or(e.name);
        manifest.push(json!({
            "file": format!("credentials/{}", e.file),
            "name": shown_name,
            "issuer": e.issuer.name,
            "suite": e.suite.name(),
            "outcome": e.outcome,
        }));
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | **{}** | {} |",
            e.file, shown_name, e.issuer.name, e.outcome, e.note
        );
    }
    let mut m = serde_json::to_vec_pretty(&manifest).expect("JSON");
    m.push(b'\n');
    let readme = format!(
        "# Example credentials\n\n\
         Open Badges 3.0 credentials from fictional issuers, made by\n\
         `cargo run --example make_examples` (deterministic: the same files every run).\n\
         The issuer keys are example keys derived from public labels: these credentials\n\
         prove nothing about anyone. Each carries its own badge image (an SVG inside the\n\
         credential). `tests/examples.rs` checks that each verifies as listed here\n\
         (`../MANIFEST.json`), and the end-to-end tests import them.\n\n\
         Try them: `satchel import examples/credentials/*.json` imports eight and refuses\n\
         the tampered one (exit code 1, as documented for any refused input).\n\n\
         | file | name | issuer | outcome | what it shows |\n|---|---|---|---|---|\n{table}\n\
         Outcomes as `satchel verify --json` reports them: `verified`, `warning` (valid\n\
         signature, but expired), `failed` (the signature does not match the content).\n"
    );
    for (path, bytes) in [
        (out.join("MANIFEST.json"), m),
        (creds_dir.join("README.md"), readme.into_bytes()),
    ] {
        if let Err(err) = std::fs::write(&path, bytes) {
            eprintln!("make_examples: cannot write {}: {err}", path.display());
            std::process::exit(2);
        }
    }
    eprintln!(
        "make_examples: wrote {} credentials to {}",
        EXAMPLES.len(),
        creds_dir.display()
    );
}
