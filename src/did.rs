//! Decentralized identifiers: from a proof's verification method to the
//! Ed25519 public key that checks it, and the DID that controls that key.
//!
//! - `did:key` (Ed25519, `z6Mk…`) is resolved offline: the key is the identifier.
//! - `did:web` needs an HTTPS lookup of the issuer's DID document; it is only
//!   attempted through a [`DidWebFetcher`] the caller supplies, which the
//!   application does only when the user allowed network access.

use ed25519_dalek::VerifyingKey;
use serde_json::Value;

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

/// A resolved verification method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The DID that controls the key (the verification method before `#`).
    pub controller: String,
    /// The Ed25519 public key.
    pub public_key: VerifyingKey,
}

/// Resolves a verification method (a DID URL) to its key.
pub trait KeyResolver {
    /// The key and controller of `verification_method`.
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, DidError>;
}

/// Fetches a did:web DID document (HTTPS GET); injectable for tests.
pub trait DidWebFetcher {
    /// The body at `url`, at most [`MAX_DID_DOCUMENT_BYTES`].
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String>;
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

/// Resolves did:key offline, and did:web through a fetcher when one is given.
pub struct DefaultResolver {
    web: Option<Box<dyn DidWebFetcher + Send + Sync>>,
}

impl DefaultResolver {
    /// An offline resolver: did:key only; did:web reports that it needs the network.
    pub fn offline() -> DefaultResolver {
        DefaultResolver { web: None }
    }

    /// A resolver that looks did:web documents up with `fetcher`.
    pub fn with_web(fetcher: Box<dyn DidWebFetcher + Send + Sync>) -> DefaultResolver {
        DefaultResolver { web: Some(fetcher) }
    }
}

impl KeyResolver for DefaultResolver {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, DidError> {
        let (did, fragment) = match vm.split_once('#') {
            Some((d, f)) => (d, Some(f)),
            None => (vm, None),
        };
        if let Some(mb) = did.strip_prefix("did:key:") {
            let public_key =
                decode_multibase_ed25519(mb).map_err(|reason| DidError::InvalidDidKey {
                    did: did.to_string(),
                    reason,
                })?;
            if fragment.is_some_and(|f| f != mb) {
                return Err(DidError::FragmentMismatch(vm.to_string()));
            }
            return Ok(ResolvedKey {
                controller: did.to_string(),
                public_key,
            });
        }
        if did.starts_with("did:web:") {
            let url = did_web_url(did)?;
            let Some(fetcher) = &self.web else {
                return Err(DidError::NetworkRequired { url });
            };
            let body = fetcher.fetch(&url).map_err(|reason| DidError::Fetch {
                url: url.clone(),
                reason,
            })?;
            if body.len() > MAX_DID_DOCUMENT_BYTES {
                return Err(DidError::Fetch {
                    url,
                    reason: format!("document is over {MAX_DID_DOCUMENT_BYTES} bytes"),
                });
            }
            return key_from_did_document(did, vm, &body);
        }
        Err(DidError::UnsupportedMethod(vm.to_string()))
    }
}

/// Finds the Ed25519 key `vm` in a DID document of `did`; the key must be
/// listed for assertions (a credential proof's purpose).
pub fn key_from_did_document(did: &str, vm: &str, body: &[u8]) -> Result<ResolvedKey, DidError> {
    let bad = |reason: &str| DidError::BadDocument {
        did: did.to_string(),
        vm: vm.to_string(),
        reason: reason.to_string(),
    };
    let doc: Value = serde_json::from_slice(body).map_err(|e| bad(&format!("not JSON: {e}")))?;
    if doc.get("id").and_then(Value::as_str) != Some(did) {
        return Err(bad("the document's id is not the DID"));
    }
    // A method id may be written absolute or relative ("#key-1").
    let matches = |id: &str| id == vm || vm.strip_prefix(did).is_some_and(|frag| frag == id);
    let listed = |rel: &str| {
        doc.get(rel).and_then(Value::as_array).is_some_and(|items| {
            items.iter().any(|i| match i {
                Value::String(s) => matches(s),
                Value::Object(o) => o.get("id").and_then(Value::as_str).is_some_and(matches),
                _ => false,
            })
        })
    };
    if !listed("assertionMethod") {
        return Err(bad("the key is not listed under assertionMethod"));
    }
    let methods = doc
        .get("verificationMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            doc.get("assertionMethod")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .filter(|m| m.get("id").and_then(Value::as_str).is_some_and(matches));
    for m in methods {
        if m.get("controller")
            .and_then(Value::as_str)
            .is_some_and(|c| c != did)
        {
            return Err(bad("the key's controller is not the DID"));
        }
        if let Some(mb) = m.get("publicKeyMultibase").and_then(Value::as_str) {
            let public_key = decode_multibase_ed25519(mb).map_err(|e| bad(&e))?;
            return Ok(ResolvedKey {
                controller: did.to_string(),
                public_key,
            });
        }
        if let Some(jwk) = m.get("publicKeyJwk") {
            if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
                || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
            {
                return Err(bad("the JWK is not an OKP Ed25519 key"));
            }
            use base64::Engine;
            let x = jwk
                .get("x")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("the JWK has no x"))?;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(x)
                .map_err(|e| bad(&format!("JWK x is not base64url: {e}")))?;
            let arr: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| bad("JWK x is not 32 bytes"))?;
            let public_key = VerifyingKey::from_bytes(&arr).map_err(|e| bad(&e.to_string()))?;
            return Ok(ResolvedKey {
                controller: did.to_string(),
                public_key,
            });
        }
    }
    Err(bad(
        "no verification method with that id and an Ed25519 key",
    ))
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
        assert_eq!(r.public_key, key);
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

    struct Fake(Vec<u8>);
    impl DidWebFetcher for Fake {
        fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
            assert_eq!(url, "https://uni.example/.well-known/did.json");
            Ok(self.0.clone())
        }
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
        let r = DefaultResolver::with_web(Box::new(Fake(serde_json::to_vec(&doc).unwrap())));
        assert_eq!(r.resolve(vm).unwrap().public_key, key);

        use base64::Engine;
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes());
        let doc = serde_json::json!({
            "id": "did:web:uni.example",
            "verificationMethod": [{"id": "#key-1", "type": "JsonWebKey2020", "controller": "did:web:uni.example",
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x}}],
            "assertionMethod": ["#key-1"]
        });
        let r = DefaultResolver::with_web(Box::new(Fake(serde_json::to_vec(&doc).unwrap())));
        assert_eq!(r.resolve(vm).unwrap().public_key, key);

        // Not listed for assertions: refused.
        let doc = serde_json::json!({"id": "did:web:uni.example",
            "verificationMethod": [{"id": "#key-1", "publicKeyMultibase": multibase_ed25519(&key)}], "authentication": ["#key-1"]});
        let r = DefaultResolver::with_web(Box::new(Fake(serde_json::to_vec(&doc).unwrap())));
        assert!(matches!(r.resolve(vm), Err(DidError::BadDocument { .. })));
    }
}
