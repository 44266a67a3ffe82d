//! Generated Open Badges 3.0 credentials for the measuring tools
//! (`fill_wallet`, `write_credentials`, the verify, wallet and backup benches): one
//! shape, signed with the issuer's did:key, so every measurement runs on the
//! same kind of credential.

// Each tool includes this file and uses part of it.
#![allow(dead_code)]

use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::proof::{self, Cryptosuite, ProofError, ProofOptions};
use serde_json::{json, Value};

/// What varies between generated credentials.
pub struct Badge<'a> {
    /// Makes the `urn:uuid` and achievement ids unique (with `uuid_prefix`).
    pub n: usize,
    /// First 8 hex digits of the credential's `urn:uuid`, one per tool.
    pub uuid_prefix: &'a str,
    /// The credential's and the achievement's name.
    pub name: &'a str,
    /// The issuer profile's name.
    pub issuer_name: &'a str,
    /// The learner's id.
    pub subject: &'a str,
    /// `validFrom`, an XSD dateTime.
    pub valid_from: &'a str,
}

/// The unsigned credential: issuer profile, achievement with criteria.
pub fn unsigned(b: &Badge<'_>, key: &SigningKey) -> Value {
    let issuer = did::did_key_from_public(&key.verifying_key());
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:{}-0000-4000-8000-{:012}", b.uuid_prefix, b.n),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": b.name,
        "issuer": {"id": issuer, "type": ["Profile"], "name": b.issuer_name, "url": "https://issuer.example"},
        "validFrom": b.valid_from,
        "credentialSubject": {"type": ["AchievementSubject"], "id": b.subject,
            "achievement": {"id": format!("https://issuer.example/achievements/{}", b.n), "type": ["Achievement"],
                "name": b.name,
                "description": format!("Awarded for assessed project work in {}.", b.name),
                "criteria": {"narrative": "Completed all modules and the final assessment."}}}
    })
}

/// Signs a credential as its issuer (the key's did:key) with `suite`.
pub fn sign(unsigned: &Value, key: &SigningKey, suite: Cryptosuite) -> Result<Value, ProofError> {
    let issuer = did::did_key_from_public(&key.verifying_key());
    proof::sign(
        unsigned,
        key,
        &ProofOptions {
            suite,
            verification_method: did::did_key_verification_method(&issuer),
            proof_purpose: "assertionMethod".into(),
            created: Some("2024-01-01T00:00:00Z".into()),
            challenge: None,
            domain: None,
        },
    )
}

/// The bench's credential: issuer profile, achievement with criteria.
pub fn typical(did: &str) -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:20000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Cloud Computing Fundamentals",
        "issuer": {"id": did, "type": ["Profile"], "name": "Skillforge Online", "url": "https://skillforge.example.com"},
        "validFrom": "2023-01-01T12:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner-0",
            "achievement": {"id": "https://skillforge.example.com/achievements/0", "type": ["Achievement"],
                "name": "Cloud Computing Fundamentals",
                "description": "Awarded for demonstrating cloud computing fundamentals through assessed project work.",
                "criteria": {"narrative": "Completed all modules and passed the final assessment."}}}
    })
}

/// A larger credential: alignments, evidence, result descriptions and results,
/// an embedded PNG image, a right-to-left name with a base direction.
pub fn large(did: &str) -> serde_json::Value {
    let image = format!(
        "data:image/png;base64,{}",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk".repeat(40)
    );
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:20000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis with Python",
        "description": "Awarded for a graded capstone project and three assessed labs.",
        "image": {"id": image, "type": "Image", "caption": "Badge artwork"},
        "issuer": {"id": did, "type": ["Profile"], "name": "Skillforge Online", "url": "https://skillforge.example.com",
            "email": "registrar@skillforge.example.com", "image": {"id": "https://skillforge.example.com/logo.png", "type": "Image"}},
        "validFrom": "2023-01-01T12:00:00Z",
        "validUntil": "2033-01-01T12:00:00Z",
        "evidence": [
            {"id": "https://skillforge.example.com/evidence/1", "type": ["Evidence"], "name": "Capstone report", "narrative": "A 20-page analysis of public transport data.", "genre": "Project"},
            {"id": "https://skillforge.example.com/evidence/2", "type": ["Evidence"], "name": "Lab notebooks", "narrative": "Three notebooks, each peer reviewed.", "genre": "Lab"}
        ],
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner-0",
            "activityStartDate": "2022-09-01T00:00:00Z", "activityEndDate": "2022-12-15T00:00:00Z", "creditsEarned": 5.0,
            "result": [
                {"type": ["Result"], "resultDescription": "urn:uuid:20000000-0000-4000-8000-0000000000a1", "value": "A"},
                {"type": ["Result"], "resultDescription": "urn:uuid:20000000-0000-4000-8000-0000000000a2", "value": "92"}
            ],
            "achievement": {"id": "https://skillforge.example.com/achievements/data-analysis", "type": ["Achievement"],
                "name": {"@value": "\u{62a}\u{62d}\u{644}\u{64a}\u{644} \u{627}\u{644}\u{628}\u{64a}\u{627}\u{646}\u{627}\u{62a}", "@language": "ar", "@direction": "rtl"},
                "description": "Cleaning, exploring and modelling real data sets with Python.",
                "achievementType": "Certificate", "creditsAvailable": 5.0, "humanCode": "DA-101", "fieldOfStudy": "Data Science",
                "criteria": {"id": "https://skillforge.example.com/achievements/data-analysis/criteria", "narrative": "Pass the capstone with at least 70% and complete all labs."},
                "image": {"id": "https://skillforge.example.com/badges/da.png", "type": "Image", "caption": "Data Analysis badge"},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": "https://esco.example/skill/1", "targetFramework": "ESCO", "targetCode": "S1.2.3", "targetType": "ceasn:Competency"},
                    {"type": ["Alignment"], "targetName": "Python programming", "targetUrl": "https://esco.example/skill/2", "targetFramework": "ESCO", "targetCode": "S5.6.1"},
                    {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": "https://esco.example/skill/3", "targetFramework": "ESCO", "targetCode": "S2.1.9"}
                ],
                "resultDescription": [
                    {"id": "urn:uuid:20000000-0000-4000-8000-0000000000a1", "type": ["ResultDescription"], "name": "Final grade", "resultType": "LetterGrade", "allowedValue": ["A", "B", "C", "D"]},
                    {"id": "urn:uuid:20000000-0000-4000-8000-0000000000a2", "type": ["ResultDescription"], "name": "Capstone score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
                ]}}
    })
}
