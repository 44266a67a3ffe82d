//! Negative cases: every single-field tamper of a signed credential fails, in
//! each suite; a wrong key fails; a valid signature by someone else's key is
//! not a verified credential.

mod common;

use satchel::did;
use satchel::formats;
use satchel::proof::Cryptosuite;
use satchel::report::{CheckStatus, Outcome};
use satchel::verify::{verify_credential, VerifyOptions};
use serde_json::{json, Value};

fn outcome(v: &Value) -> (Outcome, Vec<(String, CheckStatus)>) {
    let bytes = serde_json::to_vec(v).unwrap();
    // A tamper that makes it no credential at all (e.g. its type) is refused at parsing.
    let cred = match formats::parse(&bytes) {
        Ok(mut items) => match items.remove(0) {
            Ok(c) => c,
            Err(e) => {
                return (
                    Outcome::Failed,
                    vec![(format!("format: {e}"), CheckStatus::Fail)],
                )
            }
        },
        Err(e) => {
            return (
                Outcome::Failed,
                vec![(format!("format: {e}"), CheckStatus::Fail)],
            )
        }
    };
    let r = verify_credential(&cred, &VerifyOptions::offline_now());
    (
        r.outcome,
        r.checks
            .iter()
            .map(|c| (c.check.clone(), c.status))
            .collect(),
    )
}

/// Paths to every scalar leaf of a JSON value.
fn leaves(v: &Value, path: Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, c)| {
            let mut p = path.clone();
            p.push(json!(k));
            leaves(c, p, out)
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
            let mut p = path.clone();
            p.push(json!(i));
            leaves(c, p, out)
        }),
        _ => out.push(path),
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match k {
        Value::String(s) => &mut v[s.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

/// A different value of the same kind.
fn changed(v: &Value) -> Value {
    match v {
        Value::String(s) if s.len() > 1 => {
            // Change one character in the middle (keeps the shape of ids and dates).
            let mut chars: Vec<char> = s.chars().collect();
            let i = chars.len() / 2;
            chars[i] = if chars[i] == '1' { '2' } else { '1' };
            Value::String(chars.into_iter().collect())
        }
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + 1.0),
        Value::Bool(b) => json!(!b),
        Value::Null => json!("x"),
        other => other.clone(),
    }
}

#[test]
fn every_single_field_tamper_fails_in_every_suite() {
    for suite in [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::Ed25519Signature2020,
    ] {
        let key = common::issuer_key(11);
        let mut unsigned = common::ob3(&common::did_of(&key), 1, "Tamper Test ®");
        unsigned["credentialSubject"]["achievement"]["alignment"] = json!([{"type": ["Alignment"], "targetName": "Skill", "targetUrl": "https://skills.example/1"}]);
        let signed = common::sign(&unsigned, &key, suite);
        assert_eq!(outcome(&signed).0, Outcome::Verified, "{}", suite.name());
        let mut paths = Vec::new();
        leaves(&signed, vec![], &mut paths);
        assert!(paths.len() > 25);
        for path in paths {
            let mut t = signed.clone();
            let leaf = at(&mut t, &path);
            *leaf = changed(leaf);
            let (o, checks) = outcome(&t);
            assert!(
                matches!(o, Outcome::Failed | Outcome::Unverifiable),
                "{}: tampering {path:?} gave {o:?}: {checks:?}",
                suite.name()
            );
        }
    }
}

#[test]
fn wrong_key_and_someone_elses_key() {
    let issuer = common::issuer_key(21);
    let other = common::issuer_key(22);
    let unsigned = common::ob3(&common::did_of(&issuer), 2, "Key Test");
    // Signed by `other` but claiming the issuer's key: the signature fails.
    let forged = satchel::proof::sign(
        &unsigned,
        &other,
        &satchel::proof::ProofOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            verification_method: did::did_key_verification_method(&common::did_of(&issuer)),
            proof_purpose: "assertionMethod".into(),
            created: None,
            challenge: None,
            domain: None,
        },
    )
    .unwrap();
    let (o, checks) = outcome(&forged);
    assert_eq!(o, Outcome::Failed);
    assert!(checks.contains(&("signature".into(), CheckStatus::Fail)));
    // Validly signed by `other`'s own key: the signature holds, the issuer check fails.
    let by_other = common::sign(&unsigned, &other, Cryptosuite::EddsaRdfc2022);
    let (o, checks) = outcome(&by_other);
    assert_eq!(o, Outcome::Failed);
    assert!(checks.contains(&("signature".into(), CheckStatus::Pass)));
    assert!(checks.contains(&("issuer".into(), CheckStatus::Fail)));
    // A proof for another purpose is not an assertion.
    let auth = satchel::proof::sign(
        &unsigned,
        &issuer,
        &satchel::proof::ProofOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            verification_method: did::did_key_verification_method(&common::did_of(&issuer)),
            proof_purpose: "authentication".into(),
            created: None,
            challenge: None,
            domain: None,
        },
    )
    .unwrap();
    assert_eq!(outcome(&auth).0, Outcome::Failed);
}

#[test]
fn sign_then_verify_round_trips_with_fresh_keys() {
    for suite in [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::Ed25519Signature2020,
    ] {
        let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let signed = common::sign(
            &common::ob3(&common::did_of(&key), 3, "Fresh ✓ 日本"),
            &key,
            suite,
        );
        assert_eq!(outcome(&signed).0, Outcome::Verified, "{}", suite.name());
    }
}

#[test]
fn undefined_terms_in_a_vc_1_1_credential_are_not_silently_signed_over() {
    let key = common::issuer_key(31);
    let did = common::did_of(&key);
    let unsigned = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:me", "grade": "A+"}
    });
    let err = satchel::proof::sign(
        &unsigned,
        &key,
        &satchel::proof::ProofOptions {
            suite: Cryptosuite::Ed25519Signature2020,
            verification_method: did::did_key_verification_method(&did),
            proof_purpose: "assertionMethod".into(),
            created: None,
            challenge: None,
            domain: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("grade"), "{err}");
}

/// eddsa-jcs-2022: a proof carrying `@context` hashes the document with that
/// context, which must be the start of the document's own; as signed, the two
/// are the same value.
#[test]
fn a_jcs_proof_hashes_the_document_with_its_own_context() {
    use satchel::proof::{self, ProofError};
    let key = common::issuer_key(3);
    let signed = common::sign(
        &common::ob3(&common::did_of(&key), 1, "Context prefix"),
        &key,
        Cryptosuite::EddsaJcs2022,
    );
    let resolver = did::DefaultResolver::offline();
    assert_eq!(signed["proof"]["@context"], signed["@context"]);
    assert!(proof::verify(&signed, &resolver).is_ok());

    // A context added after signing: the proof's is a prefix, and the
    // document is hashed with the proof's.
    let mut added = signed.clone();
    added["@context"]
        .as_array_mut()
        .expect("a list of contexts")
        .push(json!({"extra": "https://example.org/extra"}));
    assert!(proof::verify(&added, &resolver).is_ok());
    // The rest of the document is still covered.
    added["name"] = json!("Changed");
    assert!(matches!(
        proof::verify(&added, &resolver),
        Err(ProofError::BadSignature)
    ));

    // A proof context that does not start the document's is refused.
    let mut shorter = signed.clone();
    shorter["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
    assert!(matches!(
        proof::verify(&shorter, &resolver),
        Err(ProofError::Malformed(_))
    ));
}

/// Text that JSON-LD would drop from what is signed cannot be added to a
/// signed credential: it is refused, as jsonld.js's safe mode refuses it,
/// instead of being left out of the canonical form, where it would ride
/// along with a valid signature and be shown as part of a verified
/// credential. Each case verified before the refusal was added, and the
/// reference refuses each: a language tag that is not well-formed ("invalid
/// @language value"), a key defined as null, a nested context that turns
/// the vocabulary off, a keyword-like key ("invalid property"), an `@id`
/// that is no IRI ("relative object reference"), a value, an object with
/// nothing but an `@id`, or an empty object in a `@graph` ("free-floating
/// scalar", "object with only @id", "empty object"). A keyword with no
/// meaning in a node object is refused too: the reference refuses some
/// (`@propagate`, a `@direction` that is not one) and accepts others
/// (`@version`), whose text then rides along there; Satchel refuses all.
#[test]
fn text_json_ld_would_drop_cannot_ride_along_with_a_valid_signature() {
    for suite in [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::Ed25519Signature2020,
    ] {
        let key = common::issuer_key(12);
        let unsigned = common::ob3(&common::did_of(&key), 2, "Ride-along Test");
        let signed = common::sign(&unsigned, &key, suite);
        assert_eq!(outcome(&signed).0, Outcome::Verified, "{}", suite.name());
        let additions = [
            json!({"@value": "Injected", "@language": "not a tag"}),
            json!({"@value": "Injected", "@language": "en_US", "@direction": "ltr"}),
            json!({"@value": "Injected", "@language": ""}),
        ];
        for added in additions {
            let mut t = signed.clone();
            t["credentialSubject"]["achievement"]["humanCode"] = added.clone();
            let (o, checks) = outcome(&t);
            assert_eq!(
                o,
                Outcome::Failed,
                "{}: {added} gave {checks:?}",
                suite.name()
            );
        }
        // Text added under a nested context of its own.
        let with_context = [
            json!({"@context": {"injected": {"@id": "https://example.org/injected", "@language": "not a tag"}}, "injected": "Injected"}),
            json!({"@context": {"injected": null}, "injected": "Injected"}),
            json!({"@context": {"@vocab": null}, "injected": "Injected"}),
            json!({"@foo": "Injected"}),
            json!({"@context": {"injected": {"@id": "https://example.org/injected", "@type": "@id"}}, "injected": "not an IRI"}),
            json!({"@graph": ["Injected"]}),
            json!({"@graph": [{"@id": "https://example.org/injected"}]}),
            json!({"@graph": {}}),
            json!({"@propagate": "Injected"}),
            json!({"@version": "Injected"}),
            json!({"@direction": "Injected"}),
        ];
        for added in with_context {
            let mut t = signed.clone();
            let achievement = t["credentialSubject"]["achievement"]
                .as_object_mut()
                .unwrap();
            for (k, v) in added.as_object().unwrap() {
                achievement.insert(k.clone(), v.clone());
            }
            let (o, checks) = outcome(&t);
            assert_eq!(
                o,
                Outcome::Failed,
                "{}: {added} gave {checks:?}",
                suite.name()
            );
        }
    }
}
