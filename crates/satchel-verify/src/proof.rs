//! Data Integrity proofs with Ed25519: `eddsa-rdfc-2022`, `eddsa-jcs-2022`
//! (W3C Data Integrity EdDSA Cryptosuites v1.0) and the legacy
//! `Ed25519Signature2020`; signing and verifying.
//!
//! Invariant: the algorithms are the specification's, step for step
//! ([`hash_data`] reproduces every intermediate value of the W3C test vectors);
//! a proof that does not check out is a [`ProofError`], and the error says
//! whether the content was changed ([`ProofError::BadSignature`]) or the proof
//! could not be evaluated at all.

use std::borrow::Cow;

use ed25519_dalek::{Signature, Signer, SigningKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::canon::{self, CanonError};
use crate::did::{DidError, KeyResolver};

/// The Ed25519Signature2020 suite's context, which its documents must carry.
pub const ED25519_2020_CONTEXT: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// The proof suites Satchel signs and verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cryptosuite {
    /// `DataIntegrityProof` with `eddsa-rdfc-2022`: RDFC-1.0 canonical N-Quads.
    EddsaRdfc2022,
    /// `DataIntegrityProof` with `eddsa-jcs-2022`: RFC 8785 JCS.
    EddsaJcs2022,
    /// The legacy `Ed25519Signature2020` proof type (URDNA2015 = RDFC-1.0).
    Ed25519Signature2020,
}

impl Cryptosuite {
    /// The suite's name as written in proofs.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }

    /// Reads a proof's `type` and `cryptosuite`.
    fn of(proof: &Map<String, Value>) -> Result<Cryptosuite, ProofError> {
        let ty = proof
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let suite = proof.get("cryptosuite").and_then(Value::as_str);
        match (ty, suite) {
            ("DataIntegrityProof", Some("eddsa-rdfc-2022")) => Ok(Cryptosuite::EddsaRdfc2022),
            ("DataIntegrityProof", Some("eddsa-jcs-2022")) => Ok(Cryptosuite::EddsaJcs2022),
            ("Ed25519Signature2020", None) => Ok(Cryptosuite::Ed25519Signature2020),
            _ => Err(ProofError::Unsupported {
                proof_type: ty.to_string(),
                cryptosuite: suite.map(str::to_string),
            }),
        }
    }
}

/// Why a proof did not verify, or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The document has no `proof`.
    #[error("the document has no proof")]
    NoProof,
    /// A proof type or cryptosuite Satchel does not implement.
    #[error("unsupported proof type {proof_type:?}{}", cryptosuite.as_ref().map(|c| format!(" with cryptosuite {c:?}")).unwrap_or_default())]
    Unsupported {
        /// The proof's `type`.
        proof_type: String,
        /// The proof's `cryptosuite`, if any.
        cryptosuite: Option<String>,
    },
    /// The proof is not well formed.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The document or proof has no canonical form.
    #[error("{0}")]
    Canonicalization(#[from] CanonError),
    /// The verification method could not be resolved to a key.
    #[error("{0}")]
    KeyResolution(#[from] DidError),
    /// The signature does not match the content and key.
    #[error("the signature does not match the content")]
    BadSignature,
}

/// How to make a proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// The suite.
    pub suite: Cryptosuite,
    /// The verification method (DID URL of the key).
    pub verification_method: String,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub proof_purpose: String,
    /// The proof's creation time (XSD dateTime), if it should carry one.
    pub created: Option<String>,
    /// The verifier's nonce, for presentations.
    pub challenge: Option<String>,
    /// The verifier's origin, for presentations.
    pub domain: Option<String>,
}

/// A proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// Its suite.
    pub suite: Cryptosuite,
    /// The verification method it names.
    pub verification_method: String,
    /// The DID controlling the key that signed.
    pub controller: String,
    /// When the key's document was fetched, if a stored copy was used offline.
    pub key_as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Its `proofPurpose`.
    pub proof_purpose: String,
    /// Its `created`, if any.
    pub created: Option<String>,
    /// Its `challenge`, if any.
    pub challenge: Option<String>,
    /// Its `domain`, if any.
    pub domain: Option<String>,
}

/// The intermediate values of a proof computation, as the specification names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashData {
    /// The canonical proof configuration.
    pub canonical_proof_config: String,
    /// The canonical document.
    pub canonical_document: String,
    /// SHA-256 of the canonical proof configuration followed by SHA-256 of the
    /// canonical document: the 64 bytes that are signed.
    pub combined: [u8; 64],
}

/// `without`: a top-level entry of `v` to leave out (see [`canon::rdfc_without`]).
fn canonicalize(
    suite: Cryptosuite,
    v: &Value,
    without: Option<&str>,
) -> Result<String, CanonError> {
    match suite {
        Cryptosuite::EddsaJcs2022 => canon::jcs_without(v, without),
        Cryptosuite::EddsaRdfc2022 | Cryptosuite::Ed25519Signature2020 => {
            canon::rdfc_without(v, without)
        }
    }
}

/// Canonicalises and hashes an unsecured document and a proof configuration.
pub fn hash_data(
    suite: Cryptosuite,
    unsecured: &Value,
    proof_config: &Value,
) -> Result<HashData, ProofError> {
    hash_covered(suite, unsecured, None, proof_config)
}

/// [`hash_data`] of `doc` as if it had no top-level entry `without`: a
/// secured document is hashed in place, without its proofs, not copied.
fn hash_covered(
    suite: Cryptosuite,
    doc: &Value,
    without: Option<&str>,
    proof_config: &Value,
) -> Result<HashData, ProofError> {
    let canonical_proof_config = canonicalize(suite, proof_config, None)?;
    let canonical_document = canonicalize(suite, doc, without)?;
    let mut combined = [0u8; 64];
    combined[..32].copy_from_slice(&Sha256::digest(canonical_proof_config.as_bytes()));
    combined[32..].copy_from_slice(&Sha256::digest(canonical_document.as_bytes()));
    Ok(HashData {
        canonical_proof_config,
        canonical_document,
        combined,
    })
}

fn context_of(doc: &Value) -> Option<Value> {
    doc.get("@context").cloned()
}

/// The proof configuration: the proof without `proofValue`, carrying the
/// document's `@context` (JCS keeps a context the proof itself carries).
fn proof_config(suite: Cryptosuite, proof: &Map<String, Value>, doc: &Value) -> Value {
    let mut config = proof.clone();
    config.remove("proofValue");
    if suite != Cryptosuite::EddsaJcs2022 || !config.contains_key("@context") {
        if let Some(ctx) = context_of(doc) {
            config.insert("@context".into(), ctx);
        }
    }
    Value::Object(config)
}

/// Signs a document: returns it with a proof added (appended to existing
/// proofs as a proof set).
pub fn sign(unsecured: &Value, key: &SigningKey, opts: &ProofOptions) -> Result<Value, ProofError> {
    let Value::Object(doc_map) = unsecured else {
        return Err(ProofError::Malformed(
            "only a JSON object can be signed".into(),
        ));
    };
    let mut doc_map = doc_map.clone();
    let existing = doc_map.remove("proof");
    if opts.suite == Cryptosuite::Ed25519Signature2020 {
        // The suite's terms must be defined by the document's own contexts.
        let ctx = doc_map
            .entry("@context")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::String(s) = ctx {
            *ctx = Value::Array(vec![Value::String(s.clone())]);
        }
        if let Value::Array(items) = ctx {
            if !items.iter().any(|i| i == ED25519_2020_CONTEXT) {
                items.push(ED25519_2020_CONTEXT.into());
            }
        }
    }
    let doc = Value::Object(doc_map.clone());
    let mut proof = Map::new();
    match opts.suite {
        Cryptosuite::Ed25519Signature2020 => {
            proof.insert("type".into(), "Ed25519Signature2020".into());
        }
        suite => {
            proof.insert("type".into(), "DataIntegrityProof".into());
            proof.insert("cryptosuite".into(), suite.name().into());
        }
    }
    if let Some(created) = &opts.created {
        proof.insert("created".into(), created.clone().into());
    }
    proof.insert(
        "verificationMethod".into(),
        opts.verification_method.clone().into(),
    );
    proof.insert("proofPurpose".into(), opts.proof_purpose.clone().into());
    if let Some(c) = &opts.challenge {
        proof.insert("challenge".into(), c.clone().into());
    }
    if let Some(d) = &opts.domain {
        proof.insert("domain".into(), d.clone().into());
    }
    if opts.suite == Cryptosuite::EddsaJcs2022 {
        if let Some(ctx) = context_of(&doc) {
            proof.insert("@context".into(), ctx);
        }
    }
    let config = proof_config(opts.suite, &proof, &doc);
    let hash = hash_data(opts.suite, &doc, &config)?;
    let signature = key.sign(&hash.combined);
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(signature.to_bytes()).into_string()).into(),
    );
    let proof = Value::Object(proof);
    let proofs = match existing {
        None => proof,
        Some(Value::Array(mut items)) => {
            items.push(proof);
            Value::Array(items)
        }
        Some(other) => Value::Array(vec![other, proof]),
    };
    doc_map.insert("proof".into(), proofs);
    Ok(Value::Object(doc_map))
}

/// Decodes a `z…` base58btc proof value to a 64-byte signature.
fn decode_proof_value(pv: &str) -> Result<Signature, ProofError> {
    let b58 = pv.strip_prefix('z').ok_or_else(|| {
        ProofError::Malformed("proofValue is not multibase base58btc (no leading 'z')".into())
    })?;
    // The fast decoder only says "not 64 bytes of base58"; bs58 then says why.
    let mut signature = [0; 64];
    if five8::decode_64(b58, &mut signature).is_err() {
        let bytes = bs58::decode(b58)
            .into_vec()
            .map_err(|e| ProofError::Malformed(format!("proofValue is not base58: {e}")))?;
        signature = bytes.as_slice().try_into().map_err(|_| {
            ProofError::Malformed(format!("signature is {} bytes, not 64", bytes.len()))
        })?;
    }
    Ok(Signature::from_bytes(&signature))
}

fn str_field(proof: &Map<String, Value>, key: &str) -> Result<Option<String>, ProofError> {
    match proof.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ProofError::Malformed(format!("{key} is not a string"))),
    }
}

/// Verifies every proof on a document (a proof set must verify entirely;
/// a proof chain's `previousProof` is honoured). Returns the proofs in order.
pub fn verify(
    secured: &Value,
    resolver: &dyn KeyResolver,
) -> Result<Vec<VerifiedProof>, ProofError> {
    let Value::Object(doc) = secured else {
        return Err(ProofError::Malformed(
            "the document is not a JSON object".into(),
        ));
    };
    let all: Vec<&Map<String, Value>> = match doc.get("proof") {
        None => return Err(ProofError::NoProof),
        Some(Value::Object(p)) => vec![p],
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|i| {
                i.as_object()
                    .ok_or_else(|| ProofError::Malformed("a proof is not an object".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(ProofError::Malformed(
                "proof is neither an object nor a list of them".into(),
            ))
        }
    };
    // A proof that is not chained covers the document without its proofs:
    // read in place, not copied (copying a large credential is not free).
    all.iter()
        .map(|proof| match proof.get("previousProof") {
            None => verify_one(secured, Some("proof"), proof, resolver),
            Some(prev) => {
                let input = with_previous_proofs(doc, &all, prev)?;
                verify_one(&input, None, proof, resolver)
            }
        })
        .collect()
}

/// The input document of a chained proof: the secured document carrying,
/// instead of all its proofs, the proofs that `previousProof` names.
fn with_previous_proofs(
    secured: &Map<String, Value>,
    all: &[&Map<String, Value>],
    prev: &Value,
) -> Result<Value, ProofError> {
    let find = |id: &str| {
        all.iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
            .map(|p| Value::Object((*p).clone()))
            .ok_or_else(|| {
                ProofError::Malformed(format!("previousProof {id:?} is not among the proofs"))
            })
    };
    let proofs = match prev {
        Value::String(id) => find(id)?,
        Value::Array(ids) => Value::Array(
            ids.iter()
                .map(|i| {
                    i.as_str()
                        .ok_or_else(|| {
                            ProofError::Malformed("previousProof entry is not a string".into())
                        })
                        .and_then(find)
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(ProofError::Malformed(
                "previousProof is not a string or list".into(),
            ))
        }
    };
    let mut doc: Map<String, Value> = secured
        .iter()
        .filter(|(k, _)| k.as_str() != "proof")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    doc.insert("proof".into(), proofs);
    Ok(Value::Object(doc))
}

/// Verifies `proof` over `doc` less its top-level entry `without`.
fn verify_one(
    doc: &Value,
    without: Option<&str>,
    proof: &Map<String, Value>,
    resolver: &dyn KeyResolver,
) -> Result<VerifiedProof, ProofError> {
    let suite = Cryptosuite::of(proof)?;
    let vm = str_field(proof, "verificationMethod")?
        .ok_or_else(|| ProofError::Malformed("no verificationMethod".into()))?;
    let purpose = str_field(proof, "proofPurpose")?
        .ok_or_else(|| ProofError::Malformed("no proofPurpose".into()))?;
    let created = str_field(proof, "created")?;
    if let Some(c) = &created {
        if chrono::DateTime::parse_from_rfc3339(c).is_err() {
            return Err(ProofError::Malformed(format!(
                "created {c:?} is not an XSD dateTime"
            )));
        }
    }
    let pv = str_field(proof, "proofValue")?
        .ok_or_else(|| ProofError::Malformed("no proofValue".into()))?;
    let signature = decode_proof_value(&pv)?;

    let mut doc = Cow::Borrowed(doc);
    if suite == Cryptosuite::EddsaJcs2022 {
        // A context the proof carries must be the document's (a prefix of it);
        // the document is then hashed with the proof's context.
        if let Some(pctx) = proof.get("@context") {
            let list = |v: Option<&Value>| match v {
                Some(Value::Array(a)) => a.clone(),
                Some(other) => vec![other.clone()],
                None => Vec::new(),
            };
            let (p, d) = (list(Some(pctx)), list(doc.get("@context")));
            if !d.starts_with(&p) {
                return Err(ProofError::Malformed(
                    "the proof's @context does not match the document's".into(),
                ));
            }
            // Usually the two are the same value: then nothing to replace,
            // and no copy of the document.
            if doc.get("@context") != Some(pctx) {
                doc.to_mut()["@context"] = pctx.clone();
            }
        }
    }
    let config = proof_config(suite, proof, &doc);
    let hash = hash_covered(suite, &doc, without, &config)?;
    let key = resolver.resolve(&vm)?;
    let Some(public_key) = key.public_key.as_ed25519() else {
        return Err(ProofError::Malformed(format!(
            "{} names a {} key, but {} needs an Ed25519 key",
            vm,
            key.public_key.kind(),
            suite.name()
        )));
    };
    crate::signature::verify_strict(public_key, &hash.combined, &signature)
        .map_err(|_| ProofError::BadSignature)?;
    Ok(VerifiedProof {
        suite,
        verification_method: vm,
        controller: key.controller,
        key_as_of: key.as_of,
        proof_purpose: purpose,
        created,
        challenge: str_field(proof, "challenge")?,
        domain: str_field(proof, "domain")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `decode_proof_value` must answer: bs58's decoding, if 64 bytes.
    fn by_bs58(b58: &str) -> Option<[u8; 64]> {
        bs58::decode(b58).into_vec().ok()?.try_into().ok()
    }

    proptest! {
        #[test]
        fn signatures_decode_back_to_their_bytes(bytes in prop::array::uniform32(any::<u8>()), more in prop::array::uniform32(any::<u8>()), zeros in 0usize..4) {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&bytes);
            signature[32..].copy_from_slice(&more);
            // Leading zero bytes are written as leading '1's.
            signature[..zeros].fill(0);
            let pv = format!("z{}", bs58::encode(signature).into_string());
            prop_assert_eq!(decode_proof_value(&pv).ok().map(|s| s.to_bytes()), Some(signature));
        }

        /// Any text near a signature's length, including the base58
        /// alphabet's neighbours and runs of '1': decoded exactly when bs58
        /// decodes it to 64 bytes, and to the same bytes.
        #[test]
        fn the_fast_decoder_agrees_with_bs58(b58 in "[1-9A-HJ-NP-Za-km-z0OIl+]{0,4}1{0,3}[1-9A-HJ-NP-Za-km-z]{80,92}") {
            let ours = decode_proof_value(&format!("z{b58}")).ok().map(|s| s.to_bytes());
            prop_assert_eq!(ours, by_bs58(&b58));
        }
    }

    #[test]
    fn a_proof_value_that_is_not_a_signature_says_why() {
        let text = |pv: &str| match decode_proof_value(pv) {
            Err(ProofError::Malformed(why)) => why,
            other => panic!("{pv}: {other:?}"),
        };
        assert!(text("abc").contains("no leading 'z'"));
        assert!(text("z0OIl").contains("not base58"));
        assert!(text("z2NEpo7TZRRrLZSi2U").contains("bytes, not 64"));
    }
}
