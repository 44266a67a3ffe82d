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
