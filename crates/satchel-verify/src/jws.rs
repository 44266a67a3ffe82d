//! JSON Web Signatures (RFC 7515, compact form): the signature of a VC-JWT or
//! a signed Open Badges 2.0 assertion, checked with a public key found
//! elsewhere (a DID document, an issuer profile, a `CryptographicKey`).
//!
//! Invariant: only the asymmetric algorithms Satchel names ([`Alg`]) are ever
//! evaluated, and only with a key of the matching type: `alg: none`, HMAC
//! (`HS256`, the "public key as shared secret" confusion) and an RSA key
//! offered for `ES256` are refused before any cryptography runs. The
//! cryptography itself is RustCrypto's (`rsa`, `p256`, `ed25519-dalek`).

use base64::Engine;
use serde_json::Value;

pub use crate::did::{PublicKey, MIN_RSA_BITS};

/// The signature algorithms Satchel verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (Open Badges 3.0 requires it).
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// Ed25519.
    EdDsa,
}

impl Alg {
    /// Reads a JOSE header's `alg`; `none`, HMAC and anything else are errors.
    pub fn of_header(header: &serde_json::Map<String, Value>) -> Result<Alg, JwsError> {
        match header.get("alg").and_then(Value::as_str) {
            Some("RS256") => Ok(Alg::Rs256),
            Some("ES256") => Ok(Alg::Es256),
            Some("EdDSA") | Some("Ed25519") => Ok(Alg::EdDsa),
            Some(a) if a.eq_ignore_ascii_case("none") => Err(JwsError::AlgNone),
            Some(a) if a.starts_with("HS") => Err(JwsError::Symmetric(a.to_string())),
            Some(a) => Err(JwsError::UnsupportedAlg(a.to_string())),
            None => Err(JwsError::Malformed("the header has no alg".into())),
        }
    }

    /// The name written in headers.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es256 => "ES256",
            Alg::EdDsa => "EdDSA",
        }
    }
}

/// The one algorithm a key may be used with (no algorithm confusion).
pub fn alg_for(key: &PublicKey) -> Alg {
    match key {
        PublicKey::Rsa(_) => Alg::Rs256,
        PublicKey::P256(_) => Alg::Es256,
        PublicKey::Ed25519(_) => Alg::EdDsa,
    }
}

/// Reads a PEM public key: SPKI (`BEGIN PUBLIC KEY`, RSA or P-256) or
/// PKCS#1 (`BEGIN RSA PUBLIC KEY`), as Open Badges 2.0 `CryptographicKey`s hold.
pub fn public_key_from_pem(pem: &str) -> Result<PublicKey, JwsError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    let pem = pem.trim();
    let rsa_key = rsa::RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem));
    if let Ok(k) = rsa_key {
        let bits = k.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(JwsError::BadKey(format!(
                "the RSA key has {bits} bits, fewer than {MIN_RSA_BITS}"
            )));
        }
        return Ok(PublicKey::Rsa(k));
    }
    if let Ok(k) = p256::PublicKey::from_public_key_pem(pem) {
        return Ok(PublicKey::P256(k));
    }
    Err(JwsError::BadKey(
        "not an RSA or P-256 public key in PEM form".into(),
    ))
}

/// Why a JWS did not verify.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JwsError {
    /// `alg: none`: an unsigned token.
    #[error("the token is unsigned (alg \"none\")")]
    AlgNone,
    /// An HMAC algorithm: a shared secret, which no issuer publishes.
    #[error("the token uses {0}, a shared-secret algorithm that cannot prove who issued it")]
    Symmetric(String),
    /// An algorithm Satchel does not verify.
    #[error(
        "the signature algorithm {0:?} is not supported (Satchel verifies RS256, ES256 and EdDSA)"
    )]
    UnsupportedAlg(String),
    /// The key's type does not match the header's algorithm.
    #[error("the header says {alg} but the key is an {key} key")]
    KeyMismatch {
        /// The header's algorithm.
        alg: &'static str,
        /// The key's type.
        key: &'static str,
    },
    /// The key could not be read.
    #[error("unusable public key: {0}")]
    BadKey(String),
    /// The token is not a well-formed compact JWS.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The signature does not match.
    #[error("the signature does not match the content")]
    BadSignature,
}

/// Decodes unpadded base64url (RFC 7515 §2).
pub fn b64url(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s)
}

/// Checks `signature` over `signing_input` (the ASCII `header.payload` of the
/// token) with `key`, for the header's `alg`.
pub fn verify(
    alg: Alg,
    signing_input: &[u8],
    signature: &[u8],
    key: &PublicKey,
) -> Result<(), JwsError> {
    if alg_for(key) != alg {
        return Err(JwsError::KeyMismatch {
            alg: alg.name(),
            key: key.kind(),
        });
    }
    match key {
        PublicKey::Rsa(k) => {
            use rsa::signature::Verifier;
            let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone());
            let sig = rsa::pkcs1v15::Signature::try_from(signature)
                .map_err(|_| JwsError::BadSignature)?;
            verifier
                .verify(signing_input, &sig)
                .map_err(|_| JwsError::BadSignature)
        }
        PublicKey::P256(k) => {
            use p256::ecdsa::signature::Verifier;
            // JWS carries R || S (64 bytes), not DER.
            let sig = p256::ecdsa::Signature::from_slice(signature)
                .map_err(|_| JwsError::BadSignature)?;
            p256::ecdsa::VerifyingKey::from(k)
                .verify(signing_input, &sig)
                .map_err(|_| JwsError::BadSignature)
        }
        PublicKey::Ed25519(k) => {
            let sig: [u8; 64] = signature.try_into().map_err(|_| JwsError::BadSignature)?;
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            crate::signature::verify_strict(k, signing_input, &sig)
                .map_err(|_| JwsError::BadSignature)
        }
    }
}

/// A compact JWS split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactJws {
    /// The protected header.
    pub header: serde_json::Map<String, Value>,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
    /// `header.payload` exactly as in the token: what was signed.
    pub signing_input: String,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

impl CompactJws {
    /// Splits and decodes `header.payload.signature`. Nothing is verified here.
    pub fn parse(token: &str) -> Result<CompactJws, JwsError> {
        let bad = |m: String| JwsError::Malformed(m);
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad(
                "a compact JWS has exactly three dot-separated parts".into()
            ));
        };
        let header_bytes = b64url(h).map_err(|e| bad(format!("header is not base64url: {e}")))?;
        let header: serde_json::Map<String, Value> = serde_json::from_slice(&header_bytes)
            .map_err(|e| bad(format!("header is not a JSON object: {e}")))?;
        if header
            .get("crit")
            .is_some_and(|c| c.as_array().is_none_or(|a| !a.is_empty()))
        {
            // RFC 7515 §4.1.11: extensions we do not understand must fail.
            return Err(bad(
                "the header lists critical extensions Satchel does not implement".into(),
            ));
        }
        if header.get("b64") == Some(&Value::Bool(false)) {
            return Err(bad(
                "detached/unencoded payloads (b64: false) are not accepted".into(),
            ));
        }
        let payload = b64url(p).map_err(|e| bad(format!("payload is not base64url: {e}")))?;
        let signature = b64url(s).map_err(|e| bad(format!("signature is not base64url: {e}")))?;
        Ok(CompactJws {
            header,
            payload,
            signing_input: format!("{h}.{p}"),
            signature,
        })
    }

    /// The header's `alg`, refusing `none` and HMAC.
    pub fn alg(&self) -> Result<Alg, JwsError> {
        Alg::of_header(&self.header)
    }

    /// Verifies the signature with `key`.
    pub fn verify(&self, key: &PublicKey) -> Result<(), JwsError> {
        verify(
            self.alg()?,
            self.signing_input.as_bytes(),
            &self.signature,
            key,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_signer::*;
    use serde_json::json;

    fn all_signers() -> Vec<TestSigner> {
        vec![
            TestSigner::rsa(),
            TestSigner::p256(7),
            TestSigner::ed25519(7),
        ]
    }

    #[test]
    fn each_algorithm_verifies_and_rejects_tampering() {
        for signer in all_signers() {
            let token = signer.sign(json!({"typ": "JWT"}), &json!({"a": 1}));
            let jws = CompactJws::parse(&token).unwrap();
            assert_eq!(jws.alg().unwrap(), signer.alg());
            let key = PublicKey::from_jwk(&signer.jwk()).unwrap();
            assert_eq!(key, signer.public());
            jws.verify(&key).unwrap();

            // A changed payload, header or signature fails.
            let parts: Vec<&str> = token.split('.').collect();
            let other_payload = b64(br#"{"a":2}"#);
            let tampered = format!("{}.{}.{}", parts[0], other_payload, parts[2]);
            assert_eq!(
                CompactJws::parse(&tampered).unwrap().verify(&key),
                Err(JwsError::BadSignature)
            );
            let header =
                b64(format!(r#"{{"alg":"{}","kid":"x"}}"#, signer.alg().name()).as_bytes());
            let tampered = format!("{header}.{}.{}", parts[1], parts[2]);
            assert_eq!(
                CompactJws::parse(&tampered).unwrap().verify(&key),
                Err(JwsError::BadSignature)
            );
            let mut sig = b64url(parts[2]).unwrap();
            sig[5] ^= 1;
            let tampered = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
            assert_eq!(
                CompactJws::parse(&tampered).unwrap().verify(&key),
                Err(JwsError::BadSignature)
            );
        }
    }

    #[test]
    fn someone_elses_key_fails() {
        let token = TestSigner::ed25519(1).sign(json!({}), &json!({"a": 1}));
        let jws = CompactJws::parse(&token).unwrap();
        assert_eq!(
            jws.verify(&TestSigner::ed25519(2).public()),
            Err(JwsError::BadSignature)
        );
        let token = TestSigner::p256(1).sign(json!({}), &json!({"a": 1}));
        assert_eq!(
            CompactJws::parse(&token)
                .unwrap()
                .verify(&TestSigner::p256(2).public()),
            Err(JwsError::BadSignature)
        );
    }

    #[test]
    fn none_hmac_and_confusion_are_refused() {
        let unsigned = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}"));
        let jws = CompactJws::parse(&unsigned).unwrap();
        assert_eq!(jws.alg(), Err(JwsError::AlgNone));
        let upper = format!("{}.{}.", b64(br#"{"alg":"NONE"}"#), b64(b"{}"));
        assert_eq!(
            CompactJws::parse(&upper).unwrap().alg(),
            Err(JwsError::AlgNone)
        );

        // HS256 "signed" with the RSA public key's bytes as the secret.
        let rsa = TestSigner::rsa();
        let hs = format!("{}.{}.AAAA", b64(br#"{"alg":"HS256"}"#), b64(b"{}"));
        let jws = CompactJws::parse(&hs).unwrap();
        assert!(matches!(
            jws.verify(&rsa.public()),
            Err(JwsError::Symmetric(_))
        ));

        // An RS256 header with a P-256 key, and ES256 with an RSA key.
        let token = rsa.sign(json!({}), &json!({}));
        assert!(matches!(
            CompactJws::parse(&token)
                .unwrap()
                .verify(&TestSigner::p256(1).public()),
            Err(JwsError::KeyMismatch { .. })
        ));
        let token = TestSigner::p256(1).sign(json!({}), &json!({}));
        assert!(matches!(
            CompactJws::parse(&token).unwrap().verify(&rsa.public()),
            Err(JwsError::KeyMismatch { .. })
        ));
        assert!(matches!(
            Alg::of_header(json!({"alg": "PS512"}).as_object().unwrap()),
            Err(JwsError::UnsupportedAlg(_))
        ));
    }

    #[test]
    fn hostile_tokens_and_keys_are_errors() {
        for t in ["", "a.b", "a.b.c.d", "!!.e30.AA", "e30.!!.AA", "W10.e30.AA"] {
            assert!(CompactJws::parse(t).is_err(), "{t}");
        }
        let crit = format!(
            "{}.{}.AA",
            b64(br#"{"alg":"RS256","crit":["exp"]}"#),
            b64(b"{}")
        );
        assert!(CompactJws::parse(&crit).is_err());
        let b64false = format!(
            "{}.{}.AA",
            b64(br#"{"alg":"RS256","b64":false}"#),
            b64(b"{}")
        );
        assert!(CompactJws::parse(&b64false).is_err());

        assert!(
            public_key_from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_err()
        );
    }

    #[test]
    fn pem_keys_read_as_open_badges_2_publishes_them() {
        use rsa::pkcs8::EncodePublicKey;
        let TestSigner::Rsa(k) = TestSigner::rsa() else {
            unreachable!()
        };
        let pem = k
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .unwrap();
        assert_eq!(
            public_key_from_pem(&pem).unwrap(),
            TestSigner::rsa().public()
        );
    }
}
