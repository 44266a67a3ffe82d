//! Decentralized identifiers and issuer keys: from a proof's verification
//! method to the public key that checks it, and who controls that key.
//!
//! - `did:key` (Ed25519, `z6Mk…`) is resolved offline: the key is the identifier.
//! - `did:web` DID documents and HTTPS verification methods (an issuer profile
//!   publishing its keys, `https://example.edu/issuers/1#key-1`) are fetched
//!   through the [`Fetcher`] the caller supplies; the default is [`Offline`],
//!   which reports the URL it would fetch.
//!
//! Invariant: a key is returned only when the controller's document lists it
//! under `assertionMethod`, the method's `controller` is the document's `id`,
//! and that id is the DID (or URL) asked for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use crate::net::{Fetcher, NetError, Offline};

/// Multicodec prefix of an Ed25519 public key (varint 0xed).
const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];

/// Largest DID document accepted from the network.
pub const MAX_DID_DOCUMENT_BYTES: usize = 256 * 1024;

/// Why a verification method could not be resolved to a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DidError {
    /// Not a DID URL Satchel understands.
    #[error("{0:?} is not a supported DID (Satchel resolves did:key and did:web)")]
    UnsupportedMethod(String),
    /// A did:key that does not decode to an Ed25519 key.
    #[error("invalid did:key {did:?}: {reason}")]
    InvalidDidKey {
        /// The DID.
        did: String,
        /// What is wrong.
        reason: String,
    },
    /// The did:key's fragment names a different key than the DID itself.
    #[error("verification method {0:?} names a key other than its DID")]
    FragmentMismatch(String),
    /// A did:web lookup needs the network, which was not allowed.
    #[error("the issuer's key is published at {url} (did:web); looking it up needs network access, which is off")]
    NetworkRequired {
        /// Where the DID document would be fetched from.
        url: String,
    },
    /// The did:web document could not be fetched.
    #[error("could not fetch the DID document {url}: {reason}")]
    Fetch {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The DID document does not hold a usable key for this method.
    #[error("the DID document of {did} has no usable Ed25519 key {vm:?}: {reason}")]
    BadDocument {
        /// The DID.
        did: String,
        /// The verification method asked for.
        vm: String,
        /// What is wrong.
        reason: String,
    },
}

/// A public key of one of the kinds issuers publish: Ed25519 (Data Integrity
/// proofs, `EdDSA` JWTs), P-256 (`ES256`) or RSA (`RS256`, which Open Badges
/// 3.0 requires of VC-JWT issuers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An Ed25519 key.
    Ed25519(VerifyingKey),
    /// A NIST P-256 key (a valid curve point).
    P256(p256::PublicKey),
    /// An RSA key of at least [`MIN_RSA_BITS`] bits.
    Rsa(rsa::RsaPublicKey),
}

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

impl PublicKey {
    /// The Ed25519 key, if this is one.
    pub fn as_ed25519(&self) -> Option<&VerifyingKey> {
        match self {
            PublicKey::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// A short name of the key's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P-256",
            PublicKey::Rsa(_) => "RSA",
        }
    }

    /// Reads a public JWK (RFC 7517/8037): `OKP`/`Ed25519`, `EC`/`P-256`, `RSA`.
    /// A JWK holding private key material is refused.
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, String> {
        use base64::Engine;
        let field = |name: &str| -> Result<Vec<u8>, String> {
            let s = jwk
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("the JWK has no {name}"))?;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s)
                .map_err(|e| format!("JWK {name} is not base64url: {e}"))
        };
        if jwk.get("d").is_some() || jwk.get("p").is_some() {
            return Err("the JWK holds a private key".into());
        }
        let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
        let crv = jwk.get("crv").and_then(Value::as_str);
        match (kty, crv) {
            ("OKP", Some("Ed25519")) => {
                let x = field("x")?;
                let arr: [u8; 32] = x
                    .as_slice()
                    .try_into()
                    .map_err(|_| "JWK x is not 32 bytes".to_string())?;
                VerifyingKey::from_bytes(&arr)
                    .map(PublicKey::Ed25519)
                    .map_err(|e| format!("not a valid Ed25519 point: {e}"))
            }
            ("EC", Some("P-256")) => {
                let (x, y) = (field("x")?, field("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err("P-256 JWK coordinates are not 32 bytes".into());
                }
                let point = p256::EncodedPoint::from_affine_coordinates(
                    p256::FieldBytes::from_slice(&x),
                    p256::FieldBytes::from_slice(&y),
                    false,
                );
                use p256::elliptic_curve::sec1::FromEncodedPoint;
                Option::from(p256::PublicKey::from_encoded_point(&point))
                    .map(PublicKey::P256)
                    .ok_or_else(|| "the JWK is not a point on P-256".to_string())
            }
            ("RSA", _) => {
                let n = rsa::BigUint::from_bytes_be(&field("n")?);
                let e = rsa::BigUint::from_bytes_be(&field("e")?);
                if n.bits() < MIN_RSA_BITS {
                    return Err(format!(
                        "the RSA key has {} bits; at least {MIN_RSA_BITS} are required",
                        n.bits()
                    ));
                }
                rsa::RsaPublicKey::new(n, e)
                    .map(PublicKey::Rsa)
                    .map_err(|e| format!("not a valid RSA public key: {e}"))
            }
            (kty, crv) => Err(format!(
                "unsupported JWK (kty {kty:?}, crv {crv:?}); Satchel reads Ed25519, P-256 and RSA keys"
            )),
        }
    }
}

/// A resolved verification method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The verification method's id (absolute).
    pub id: String,
    /// The DID (or issuer profile URL) that controls the key.
    pub controller: String,
    /// The public key.
    pub public_key: PublicKey,
    /// When the document publishing the key was fetched, if it is a stored
    /// copy used because online checks are off (`None`: offline-resolvable or fresh).
    pub as_of: Option<DateTime<Utc>>,
}

/// Resolves a verification method (a DID URL, or an HTTPS URL of a key in an
/// issuer profile) to its key. Only keys listed for assertions
/// (`assertionMethod`) are returned.
pub trait KeyResolver {
    /// The key and controller of `verification_method`.
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, DidError>;

    /// Every key `issuer` (a DID or an issuer profile URL) lists under
    /// `assertionMethod`; e.g. to accept a JWT header `jwk` only when the
    /// issuer publishes it.
    fn assertion_keys(&self, issuer: &str) -> Result<Vec<ResolvedKey>, DidError>;
}

/// The `did:key` of an Ed25519 public key (`did:key:z6Mk…`).
pub fn did_key_from_public(key: &VerifyingKey) -> String {
    format!("did:key:{}", multibase_ed25519(key))
}

/// The multibase (base58btc, `z…`) multicodec form of an Ed25519 public key.
pub fn multibase_ed25519(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB_PREFIX.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decodes a multibase multicodec Ed25519 public key (`z6Mk…`).
pub fn decode_multibase_ed25519(mb: &str) -> Result<VerifyingKey, String> {
    let b58 = mb
        .strip_prefix('z')
        .ok_or("multibase value is not base58btc (no leading 'z')")?;
    let bytes = bs58::decode(b58)
        .into_vec()
        .map_err(|e| format!("bad base58: {e}"))?;
    let key = bytes
        .strip_prefix(&ED25519_PUB_PREFIX)
        .ok_or("not an Ed25519 public key (multicodec prefix is not 0xed01)")?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| format!("Ed25519 key is {} bytes, not 32", key.len()))?;
    VerifyingKey::from_bytes(&key).map_err(|e| format!("not a valid Ed25519 point: {e}"))
}

/// The verification method id of a did:key (`did:key:z…#z…`).
pub fn did_key_verification_method(did: &str) -> String {
    format!("{did}#{}", did.trim_start_matches("did:key:"))
}

/// The HTTPS URL of a did:web DID document, per the did:web specification:
/// `did:web:example.com` → `https://example.com/.well-known/did.json`,
/// `did:web:example.com:u:alice` → `https://example.com/u/alice/did.json`,
/// a port is percent-encoded (`example.com%3A3000`).
pub fn did_web_url(did: &str) -> Result<String, DidError> {
    let rest = did
        .strip_prefix("did:web:")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| DidError::UnsupportedMethod(did.to_string()))?;
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .unwrap_or_default()
        .replace("%3A", ":")
        .replace("%3a", ":");
    let valid =
        |s: &str| !s.is_empty() && !s.contains(['/', '?', '#', '@', '\\']) && s != "." && s != "..";
    if !valid(&host) {
        return Err(DidError::UnsupportedMethod(did.to_string()));
    }
    let path: Vec<&str> = parts.collect();
    if path.iter().any(|p| !valid(p)) {
        return Err(DidError::UnsupportedMethod(did.to_string()));
    }
    Ok(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

/// Resolves did:key offline; did:web documents and HTTPS issuer profiles
/// through the [`Fetcher`] it was given (offline by default).
pub struct DefaultResolver {
    fetcher: Arc<dyn Fetcher>,
}

impl DefaultResolver {
    /// An offline resolver: did:key only; did:web and HTTPS keys report the
    /// URL they would fetch ([`DidError::NetworkRequired`]).
    pub fn offline() -> DefaultResolver {
        DefaultResolver {
            fetcher: Arc::new(Offline),
        }
    }

    /// A resolver that fetches documents with `fetcher`.
    pub fn with_fetcher(fetcher: Arc<dyn Fetcher>) -> DefaultResolver {
        DefaultResolver { fetcher }
    }

    /// Fetches the document that controls keys of `controller` (a did:web or
    /// an https URL) and checks that it is a JSON document of that id. Offline,
    /// a stored copy is used, and its fetch time returned.
    fn controller_document(
        &self,
        controller: &str,
    ) -> Result<(Value, Option<DateTime<Utc>>), DidError> {
        let url = if controller.starts_with("did:web:") {
            did_web_url(controller)?
        } else if controller.starts_with("https://") {
            controller.to_string()
        } else {
            return Err(DidError::UnsupportedMethod(controller.to_string()));
        };
        let fetched = match self.fetcher.get(&url, DOCUMENT_ACCEPT) {
            Ok(f) => f,
            Err(NetError::Offline { url }) => match self.fetcher.cached(&url) {
                Some(f) => f,
                None => return Err(DidError::NetworkRequired { url }),
            },
            Err(e) => {
                return Err(DidError::Fetch {
                    url: url.clone(),
                    reason: e.to_string(),
                })
            }
        };
        let bad = |reason: String| DidError::Fetch {
            url: url.clone(),
            reason,
        };
        if !fetched.is_json() {
            return Err(bad(format!(
                "the answer is {}, not JSON",
                fetched
                    .content_type
                    .as_deref()
                    .unwrap_or("of no declared type")
            )));
        }
        if fetched.body.len() > MAX_DID_DOCUMENT_BYTES {
            return Err(bad(format!(
                "the document is over {MAX_DID_DOCUMENT_BYTES} bytes"
            )));
        }
        let doc: Value =
            serde_json::from_slice(&fetched.body).map_err(|e| bad(format!("not JSON: {e}")))?;
        if doc.get("id").and_then(Value::as_str) != Some(controller) {
            return Err(DidError::BadDocument {
                did: controller.to_string(),
                vm: String::new(),
                reason: format!(
                    "the document's id is {}, not {controller}",
                    doc.get("id")
                        .map(Value::to_string)
                        .unwrap_or_else(|| "missing".into())
                ),
            });
        }
        Ok((doc, fetched.from_cache.then_some(fetched.fetched_at)))
    }
}

/// What a DID document or issuer profile is asked for with.
const DOCUMENT_ACCEPT: &str =
    "application/did+json, application/did+ld+json, application/ld+json, application/json;q=0.9";

/// Splits a verification method id into its controller and fragment.
fn split_vm(vm: &str) -> (&str, Option<&str>) {
    match vm.split_once('#') {
        Some((d, f)) => (d, Some(f)),
        None => (vm, None),
    }
}

/// Decoded `did:key` public keys by their multibase text. Decoding one means
/// a base58 decode and an Ed25519 point decompression (a field inversion),
/// about a tenth of verifying an `eddsa-jcs-2022` proof; a wallet sees the
/// same few issuers again and again. Only valid keys are kept, and the map
/// is emptied when it reaches [`DID_KEY_CACHE_ENTRIES`], so hostile input
/// cannot grow it without bound.
static DID_KEY_CACHE: std::sync::LazyLock<Mutex<HashMap<String, VerifyingKey>>> =
    std::sync::LazyLock::new(Mutex::default);

/// Most keys [`DID_KEY_CACHE`] holds (32 bytes of text and ~160 of key each).
const DID_KEY_CACHE_ENTRIES: usize = 1024;

fn decode_did_key(mb: &str) -> Result<VerifyingKey, String> {
    if let Some(key) = DID_KEY_CACHE.lock().ok().and_then(|c| c.get(mb).copied()) {
        return Ok(key);
    }
    let key = decode_multibase_ed25519(mb)?;
    if let Ok(mut cache) = DID_KEY_CACHE.lock() {
        if cache.len() >= DID_KEY_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(mb.to_string(), key);
    }
    Ok(key)
}

fn did_key(vm: &str) -> Result<ResolvedKey, DidError> {
    let (did, fragment) = split_vm(vm);
    let mb = did.strip_prefix("did:key:").unwrap_or_default();
    let public_key = decode_did_key(mb).map_err(|reason| DidError::InvalidDidKey {
        did: did.to_string(),
        reason,
    })?;
    if fragment.is_some_and(|f| f != mb) {
        return Err(DidError::FragmentMismatch(vm.to_string()));
    }
    Ok(ResolvedKey {
        id: did_key_verification_method(did),
        controller: did.to_string(),
        public_key: PublicKey::Ed25519(public_key),
        as_of: None,
    })
}

impl KeyResolver for DefaultResolver {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, DidError> {
        let (controller, _) = split_vm(vm);
        if controller.starts_with("did:key:") {
            return did_key(vm);
        }
        if controller.starts_with("did:web:") || controller.starts_with("https://") {
            let (doc, as_of) = self.controller_document(controller)?;
            return key_in_document(controller, vm, &doc).map(|k| ResolvedKey { as_of, ..k });
        }
        Err(DidError::UnsupportedMethod(vm.to_string()))
    }

    fn assertion_keys(&self, issuer: &str) -> Result<Vec<ResolvedKey>, DidError> {
        if issuer.starts_with("did:key:") {
            return did_key(issuer).map(|k| vec![k]);
        }
        let (doc, as_of) = self.controller_document(issuer)?;
        Ok(assertion_keys_in_document(issuer, &doc)
            .into_iter()
            .filter_map(Result::ok)
            .map(|k| ResolvedKey { as_of, ..k })
            .collect())
    }
}

/// Finds the key `vm` in a DID document (or issuer profile) of `did`; the key
/// must be listed for assertions (a credential proof's purpose).
pub fn key_from_did_document(did: &str, vm: &str, body: &[u8]) -> Result<ResolvedKey, DidError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| DidError::BadDocument {
        did: did.to_string(),
        vm: vm.to_string(),
        reason: format!("not JSON: {e}"),
    })?;
    if doc.get("id").and_then(Value::as_str) != Some(did) {
        return Err(DidError::BadDocument {
            did: did.to_string(),
            vm: vm.to_string(),
            reason: "the document's id is not the DID".into(),
        });
    }
    key_in_document(did, vm, &doc)
}

/// The absolute form of a method id written in the document of `controller`
/// (ids may be relative: `#key-1`).
fn absolute_id(controller: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{controller}{id}")
    } else {
        id.to_string()
    }
}

/// Each `assertionMethod` entry of a document whose `id` is `controller`:
/// its id, and its key or why it is unusable.
fn assertion_keys_in_document(
    controller: &str,
    doc: &Value,
) -> Vec<Result<ResolvedKey, (String, String)>> {
    let methods: Vec<&Value> = doc
        .get("verificationMethod")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let entries = doc
        .get("assertionMethod")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .filter_map(|entry| {
            let (id, method) = match entry {
                Value::String(s) => {
                    let id = absolute_id(controller, s);
                    let method = methods.iter().copied().find(|m| {
                        m.get("id")
                            .and_then(Value::as_str)
                            .is_some_and(|mid| absolute_id(controller, mid) == id)
                    });
                    (id, method)
                }
                Value::Object(o) => (
                    absolute_id(
                        controller,
                        o.get("id").and_then(Value::as_str).unwrap_or_default(),
                    ),
                    Some(entry),
                ),
                _ => return None,
            };
            let Some(method) = method else {
                return Some(Err((id, "listed, but no such verification method".into())));
            };
            Some(
                method_key(controller, method)
                    .map(|public_key| ResolvedKey {
                        id: id.clone(),
                        controller: controller.to_string(),
                        public_key,
                        as_of: None,
                    })
                    .map_err(|reason| (id, reason)),
            )
        })
        .collect()
}

/// The key in one verification method object, whose controller must be `controller`.
fn method_key(controller: &str, m: &Value) -> Result<PublicKey, String> {
    match m.get("controller").and_then(Value::as_str) {
        Some(c) if c == controller => {}
        Some(c) => return Err(format!("the key's controller is {c}, not {controller}")),
        None => return Err("the key names no controller".into()),
    }
    let ty = m.get("type").and_then(Value::as_str).unwrap_or_default();
    match ty {
        "Multikey" | "Ed25519VerificationKey2020" => {
            let mb = m
                .get("publicKeyMultibase")
                .and_then(Value::as_str)
                .ok_or("the key has no publicKeyMultibase")?;
            decode_multibase_ed25519(mb).map(PublicKey::Ed25519)
        }
        "JsonWebKey" | "JsonWebKey2020" => {
            let jwk = m.get("publicKeyJwk").ok_or("the key has no publicKeyJwk")?;
            PublicKey::from_jwk(jwk)
        }
        other => Err(format!(
            "unsupported verification method type {other:?} (Satchel reads Multikey, Ed25519VerificationKey2020 and JsonWebKey)"
        )),
    }
}

/// The key `vm` of the document of `controller`, listed under `assertionMethod`.
fn key_in_document(controller: &str, vm: &str, doc: &Value) -> Result<ResolvedKey, DidError> {
    let bad = |reason: String| DidError::BadDocument {
        did: controller.to_string(),
        vm: vm.to_string(),
        reason,
    };
    match assertion_keys_in_document(controller, doc)
        .into_iter()
        .find(|k| match k {
            Ok(k) => k.id == vm,
            Err((id, _)) => id == vm,
        }) {
        Some(Ok(key)) => Ok(key),
        Some(Err((_, reason))) => Err(bad(reason)),
        None => Err(bad("the key is not listed under assertionMethod".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    #[test]
    fn did_key_round_trip() {
        let key = SigningKey::from_bytes(&[3; 32]).verifying_key();
        let did = did_key_from_public(&key);
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        let vm = did_key_verification_method(&did);
        let r = DefaultResolver::offline().resolve(&vm).unwrap();
        assert_eq!(r.public_key, PublicKey::Ed25519(key));
        assert_eq!(r.id, vm);
        assert_eq!(r.controller, did);
    }

    #[test]
    fn bad_did_keys_are_errors() {
        let r = DefaultResolver::offline();
        assert!(matches!(
            r.resolve("did:key:z6MkBAD0"),
            Err(DidError::InvalidDidKey { .. })
        ));
        assert!(matches!(
            r.resolve("did:key:abc"),
            Err(DidError::InvalidDidKey { .. })
        ));
        assert!(matches!(
            r.resolve("did:example:123#k"),
            Err(DidError::UnsupportedMethod(_))
        ));
        let did = did_key_from_public(&SigningKey::from_bytes(&[3; 32]).verifying_key());
        let other = did_key_from_public(&SigningKey::from_bytes(&[4; 32]).verifying_key());
        let mixed = format!("{did}#{}", other.trim_start_matches("did:key:"));
        assert!(matches!(
            r.resolve(&mixed),
            Err(DidError::FragmentMismatch(_))
        ));
    }

    #[test]
    fn the_did_key_cache_answers_as_decoding_does_and_stays_bounded() {
        let r = DefaultResolver::offline();
        let keys: Vec<VerifyingKey> = (0..DID_KEY_CACHE_ENTRIES + 50)
            .map(|i| {
                let mut seed = [7u8; 32];
                seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                SigningKey::from_bytes(&seed).verifying_key()
            })
            .collect();
        // Twice over: the second round is answered from the cache.
        for _ in 0..2 {
            for key in &keys {
                let vm = did_key_verification_method(&did_key_from_public(key));
                assert_eq!(r.resolve(&vm).unwrap().public_key, PublicKey::Ed25519(*key));
            }
        }
        assert!(DID_KEY_CACHE.lock().unwrap().len() <= DID_KEY_CACHE_ENTRIES);
        // An invalid key is an error every time, never remembered.
        for _ in 0..2 {
            assert!(r.resolve("did:key:z6MkBAD0").is_err());
        }
    }

    #[test]
    fn did_web_urls_follow_the_spec() {
        assert_eq!(
            did_web_url("did:web:w3c-ccg.github.io").unwrap(),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A3000:user:alice").unwrap(),
            "https://example.com:3000/user/alice/did.json"
        );
        assert!(did_web_url("did:web:evil.com:..:x").is_err());
        assert!(did_web_url("did:web:a/b").is_err());
    }

    /// Answers one URL with one JSON body.
    struct Fake(Vec<u8>);
    impl Fetcher for Fake {
        fn get(&self, url: &str, _accept: &str) -> Result<crate::net::Fetched, NetError> {
            assert_eq!(url, "https://uni.example/.well-known/did.json");
            Ok(crate::net::Fetched {
                url: url.into(),
                body: self.0.clone(),
                content_type: Some("application/did+json".into()),
                fetched_at: chrono::Utc::now(),
                from_cache: false,
            })
        }
    }

    fn web(doc: &Value) -> DefaultResolver {
        DefaultResolver::with_fetcher(Arc::new(Fake(serde_json::to_vec(doc).unwrap())))
    }

    #[test]
    fn did_web_needs_permission_and_reads_multikey_and_jwk() {
        let vm = "did:web:uni.example#key-1";
        assert!(matches!(
            DefaultResolver::offline().resolve(vm),
            Err(DidError::NetworkRequired { .. })
        ));
        let key = SigningKey::from_bytes(&[9; 32]).verifying_key();
        let doc = serde_json::json!({
            "id": "did:web:uni.example",
            "verificationMethod": [{"id": "did:web:uni.example#key-1", "type": "Multikey",
                "controller": "did:web:uni.example", "publicKeyMultibase": multibase_ed25519(&key)}],
            "assertionMethod": ["did:web:uni.example#key-1"]
        });
        let r = web(&doc);
        assert_eq!(r.resolve(vm).unwrap().public_key, PublicKey::Ed25519(key));

        use base64::Engine;
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes());
        let doc = serde_json::json!({
            "id": "did:web:uni.example",
            "verificationMethod": [{"id": "#key-1", "type": "JsonWebKey2020", "controller": "did:web:uni.example",
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x}}],
            "assertionMethod": ["#key-1"]
        });
        let r = web(&doc);
        assert_eq!(r.resolve(vm).unwrap().public_key, PublicKey::Ed25519(key));

        // Not listed for assertions: refused.
        let doc = serde_json::json!({"id": "did:web:uni.example",
            "verificationMethod": [{"id": "#key-1", "type": "Multikey", "controller": "did:web:uni.example",
                "publicKeyMultibase": multibase_ed25519(&key)}], "authentication": ["#key-1"]});
        let r = web(&doc);
        assert!(matches!(r.resolve(vm), Err(DidError::BadDocument { .. })));
    }

    fn b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn jwk_keys_of_each_kind() {
        let ed = SigningKey::from_bytes(&[5; 32]).verifying_key();
        let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(ed.as_bytes())});
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), PublicKey::Ed25519(ed));

        let ec = p256::SecretKey::random(&mut rand_core::OsRng).public_key();
        let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&ec, false);
        let jwk = serde_json::json!({"kty": "EC", "crv": "P-256",
            "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())});
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), PublicKey::P256(ec));
        // A point off the curve.
        let jwk = serde_json::json!({"kty": "EC", "crv": "P-256",
            "x": b64(point.x().unwrap()), "y": b64(&[7; 32])});
        assert!(PublicKey::from_jwk(&jwk).is_err());

        use rsa::traits::PublicKeyParts;
        let rsa_key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
        let public = rsa_key.to_public_key();
        let jwk = serde_json::json!({"kty": "RSA",
            "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be())});
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), PublicKey::Rsa(public));
        // Too short, private, unknown kinds: refused.
        let short = serde_json::json!({"kty": "RSA", "n": b64(&[0xff; 128]), "e": "AQAB"});
        assert!(PublicKey::from_jwk(&short)
            .unwrap_err()
            .contains("1024 bits"));
        let private =
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(ed.as_bytes()), "d": "AA"});
        assert!(PublicKey::from_jwk(&private)
            .unwrap_err()
            .contains("private"));
        let other = serde_json::json!({"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"});
        assert!(PublicKey::from_jwk(&other)
            .unwrap_err()
            .contains("unsupported"));
    }

    #[test]
    fn controller_and_id_must_be_the_did() {
        let vm = "did:web:uni.example#key-1";
        let key = SigningKey::from_bytes(&[9; 32]).verifying_key();
        let method = |controller: &str| {
            serde_json::json!({"id": "#key-1", "type": "Multikey", "controller": controller,
                "publicKeyMultibase": multibase_ed25519(&key)})
        };
        // Someone else's document at the right address.
        let doc = serde_json::json!({"id": "did:web:evil.example",
            "verificationMethod": [method("did:web:evil.example")], "assertionMethod": ["#key-1"]});
        let e = web(&doc).resolve(vm).unwrap_err();
        assert!(e.to_string().contains("not did:web:uni.example"), "{e}");
        // A key controlled by someone else.
        let doc = serde_json::json!({"id": "did:web:uni.example",
            "verificationMethod": [method("did:web:evil.example")], "assertionMethod": ["#key-1"]});
        let e = web(&doc).resolve(vm).unwrap_err();
        assert!(
            e.to_string().contains("controller is did:web:evil.example"),
            "{e}"
        );
        // Embedded in assertionMethod: accepted; listed as the issuer's keys.
        let doc = serde_json::json!({"id": "did:web:uni.example",
            "assertionMethod": [method("did:web:uni.example")]});
        let keys = web(&doc).assertion_keys("did:web:uni.example").unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].id, vm);
        assert_eq!(keys[0].public_key, PublicKey::Ed25519(key));
    }
}
