//! Test helper: compact JWS signing with the tests' own keys (RSA, P-256,
//! Ed25519). Shared by the library's unit tests and the integration tests.
#![allow(dead_code)]

use base64::Engine;
use satchel::did::PublicKey;
use satchel::jws::{alg_for, Alg};
use serde_json::Value;

/// Decodes base64url without padding (test input only).
pub fn b64url_decode(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .expect("base64url")
}

/// Base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A private key a test signs with.
pub enum TestSigner {
    /// RSA (RS256).
    Rsa(Box<rsa::RsaPrivateKey>),
    /// P-256 (ES256).
    P256(p256::ecdsa::SigningKey),
    /// Ed25519 (EdDSA).
    Ed25519(ed25519_dalek::SigningKey),
}

impl TestSigner {
    /// A deterministic key of each kind, from a seed byte.
    pub fn rsa() -> TestSigner {
        use rsa::pkcs8::DecodePrivateKey;
        TestSigner::Rsa(Box::new(
            rsa::RsaPrivateKey::from_pkcs8_pem(TEST_RSA_PKCS8).expect("test key"),
        ))
    }
    /// A P-256 key from a seed.
    pub fn p256(seed: u8) -> TestSigner {
        let mut bytes = [seed; 32];
        bytes[0] = 1; // stays below the group order
        TestSigner::P256(p256::ecdsa::SigningKey::from_slice(&bytes).expect("test key"))
    }
    /// An Ed25519 key from a seed.
    pub fn ed25519(seed: u8) -> TestSigner {
        TestSigner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    /// The algorithm this key signs with.
    pub fn alg(&self) -> Alg {
        alg_for(&self.public())
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        match self {
            TestSigner::Rsa(k) => PublicKey::Rsa(k.to_public_key()),
            TestSigner::P256(k) => PublicKey::P256((*k.verifying_key()).into()),
            TestSigner::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
        }
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> Value {
        use rsa::traits::PublicKeyParts;
        match self {
            TestSigner::Rsa(k) => serde_json::json!({"kty": "RSA",
                    "n": b64(&k.n().to_bytes_be()), "e": b64(&k.e().to_bytes_be())}),
            TestSigner::P256(k) => {
                let p = k.verifying_key().to_encoded_point(false);
                serde_json::json!({"kty": "EC", "crv": "P-256",
                        "x": b64(p.x().expect("x")), "y": b64(p.y().expect("y"))})
            }
            TestSigner::Ed25519(k) => serde_json::json!({"kty": "OKP", "crv": "Ed25519",
                    "x": b64(k.verifying_key().as_bytes())}),
        }
    }

    /// Signs raw bytes with the key's algorithm (JWS signature encoding).
    pub fn sign_bytes(&self, input: &[u8]) -> Vec<u8> {
        use rsa::signature::{SignatureEncoding, Signer};
        match self {
            TestSigner::Rsa(k) => rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone())
                .sign(input)
                .to_vec(),
            TestSigner::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(input);
                sig.to_bytes().to_vec()
            }
            TestSigner::Ed25519(k) => k.sign(input).to_bytes().to_vec(),
        }
    }

    /// A compact JWS of `payload` with `header` (its `alg` set to this key's).
    pub fn sign(&self, mut header: Value, payload: &Value) -> String {
        header["alg"] = self.alg().name().into();
        let input = format!(
            "{}.{}",
            b64(&serde_json::to_vec(&header).expect("json")),
            b64(&serde_json::to_vec(payload).expect("json"))
        );
        let sig = self.sign_bytes(input.as_bytes());
        format!("{input}.{}", b64(&sig))
    }
}

/// A 2048-bit RSA key made for Satchel's tests only (generating one per
/// test run would be slow in debug builds).
pub const TEST_RSA_PKCS8: &str = include_str!("../keys/test-rsa-2048.pem");
