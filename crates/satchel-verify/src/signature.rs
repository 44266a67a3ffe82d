//! Ed25519 signature checks: exactly what ed25519-dalek's `verify_strict`
//! accepts, at the cost of its plain `verify`.
//!
//! `verify_strict` is `verify` (the signature's `R` must equal the canonical
//! encoding of `[s]B − [k]A`) plus three refusals: `R` that does not decode to
//! a point, `R` of small order, and a weak (small-order) public key `A`. The
//! first is already implied: `verify` compares `R` with an encoding it
//! computed, which is always canonical and on the curve. The second needs no
//! decoding either: where that comparison passes, `R` is a canonical
//! encoding, and the only canonical encodings of small-order points are the
//! eight of the curve's 8-torsion, refused here by comparing bytes (as
//! libsodium does). `verify_strict` decodes `R` for it, a square root: a
//! tenth of verifying a signature (docs/measurements.md). The tests check the
//! two agree on every C2SP CCTV edge-case vector and on random signatures,
//! good and tampered.

use std::sync::LazyLock;

use curve25519_dalek::constants::EIGHT_TORSION;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};

/// The canonical encodings of the eight points of small order.
static SMALL_ORDER: LazyLock<[[u8; 32]; 8]> =
    LazyLock::new(|| EIGHT_TORSION.map(|point| point.compress().to_bytes()));

/// The signature does not verify under `verify_strict`'s rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the Ed25519 signature does not verify")]
pub struct BadSignature;

/// Whether `signature` is `key`'s over `message`, refusing what
/// `VerifyingKey::verify_strict` refuses (see the module documentation).
pub fn verify_strict(
    key: &VerifyingKey,
    message: &[u8],
    signature: &Signature,
) -> Result<(), BadSignature> {
    if key.is_weak() || SMALL_ORDER.contains(signature.r_bytes()) {
        return Err(BadSignature);
    }
    key.verify(message, signature).map_err(|_| BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// Every C2SP CCTV edge case (low-order and non-canonical `A` and `R`,
    /// low-order components): accepted exactly when `verify_strict` accepts.
    #[test]
    fn agrees_with_verify_strict_on_every_cctv_vector() {
        let text = include_str!("../../../tests/vectors/cctv-ed25519/ed25519vectors.json");
        let vectors: Vec<serde_json::Value> = serde_json::from_str(text).expect("vectors");
        assert_eq!(vectors.len(), 914);
        let (mut accepted, mut refused_for_r) = (0, 0);
        for v in &vectors {
            let number = &v["number"];
            let key: [u8; 32] = hex(v["key"].as_str().expect("key")).try_into().expect("32");
            let sig: [u8; 64] = hex(v["sig"].as_str().expect("sig")).try_into().expect("64");
            let msg = v["msg"].as_str().expect("msg").as_bytes();
            // A key that does not decode is refused before any check.
            let Ok(key) = VerifyingKey::from_bytes(&key) else {
                continue;
            };
            let sig = Signature::from_bytes(&sig);
            let strict = key.verify_strict(msg, &sig).is_ok();
            assert_eq!(
                verify_strict(&key, msg, &sig).is_ok(),
                strict,
                "vector {number}"
            );
            accepted += usize::from(strict);
            // Where only the small-order R is wrong, the blocklist decides.
            if !strict && !key.is_weak() && key.verify(msg, &sig).is_ok() {
                refused_for_r += 1;
            }
        }
        // The suite holds signatures of both kinds, and ones only the R check refuses.
        assert!(
            accepted > 0 && refused_for_r > 0,
            "{accepted} {refused_for_r}"
        );
    }

    proptest! {
        /// Random keys and messages: a signature verifies, and any one-bit
        /// change to it, the message or the key is refused by both checks.
        #[test]
        fn agrees_with_verify_strict_on_random_signatures(
            seed in prop::array::uniform32(any::<u8>()),
            message in prop::collection::vec(any::<u8>(), 0..100),
            flip in 0usize..(96 * 8 + 100 * 8),
        ) {
            let signing = SigningKey::from_bytes(&seed);
            let key = signing.verifying_key();
            let signature = signing.sign(&message);
            prop_assert!(verify_strict(&key, &message, &signature).is_ok());
            let (mut sig, mut key_bytes, mut msg) = (signature.to_bytes(), key.to_bytes(), message.clone());
            match flip {
                f if f < 512 => sig[f / 8] ^= 1 << (f % 8),
                f if f < 768 => key_bytes[(f - 512) / 8] ^= 1 << (f % 8),
                f => {
                    let f = f - 768;
                    if msg.is_empty() { msg.push(0) } else { let i = (f / 8) % msg.len(); msg[i] ^= 1 << (f % 8) }
                }
            }
            if let Ok(key) = VerifyingKey::from_bytes(&key_bytes) {
                let sig = Signature::from_bytes(&sig);
                prop_assert_eq!(verify_strict(&key, &msg, &sig).is_ok(), key.verify_strict(&msg, &sig).is_ok());
                prop_assert!(verify_strict(&key, &msg, &sig).is_err());
            }
        }
    }
}
