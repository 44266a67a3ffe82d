//! VC 2.0 values with a base direction (`@direction`) are canonicalised as the
//! reference stack signs them: JSON-LD `rdfDirection: "i18n-datatype"`, i.e. the
//! literal `"…"^^<https://www.w3.org/ns/i18n#{language}_{direction}>` (language
//! lower-cased, empty when there is none).

mod common;

use satchel::canon;
use satchel::did::DefaultResolver;
use satchel::proof::{self, Cryptosuite};
use serde_json::{json, Value};

fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:30000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "name": {"@value": "التفكير النقدي", "@language": "AR", "@direction": "rtl"},
        "description": {"@value": "مهارة", "@direction": "rtl"},
        "credentialSubject": {"id": "did:example:learner", "name": {"@value": "Ada", "@language": "en", "@direction": "ltr"}}
    })
}

/// The canonical N-Quads jsonld.js 9 (`canonize`, safe mode, rdfDirection
/// i18n-datatype, scripts/verify-with-digitalbazaar/canonize.mjs) gives for
/// [`credential`] with the issuer of key 11.
fn expected(issuer: &str) -> String {
    let s = "<urn:uuid:30000000-0000-4000-8000-000000000001>";
    [
        "<did:example:learner> <https://schema.org/name> \"Ada\"^^<https://www.w3.org/ns/i18n#en_ltr> .\n".to_string(),
        format!("{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .\n"),
        format!("{s} <https://schema.org/description> \"مهارة\"^^<https://www.w3.org/ns/i18n#_rtl> .\n"),
        format!("{s} <https://schema.org/name> \"التفكير النقدي\"^^<https://www.w3.org/ns/i18n#ar_rtl> .\n"),
        format!("{s} <https://www.w3.org/2018/credentials#credentialSubject> <did:example:learner> .\n"),
        format!("{s} <https://www.w3.org/2018/credentials#issuer> <{issuer}> .\n"),
        format!("{s} <https://www.w3.org/2018/credentials#validFrom> \"2024-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"),
    ]
    .concat()
}

#[test]
fn direction_becomes_an_i18n_datatype_and_signs_and_verifies() {
    let key = common::issuer_key(11);
    let issuer = common::did_of(&key);
    for suite in [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::Ed25519Signature2020,
    ] {
        let signed = common::sign(&credential(&issuer), &key, suite);
        proof::verify(&signed, &DefaultResolver::offline())
            .unwrap_or_else(|e| panic!("{}: {e}", suite.name()));

        // What was signed over, literally.
        let mut unsecured = signed.clone();
        unsecured.as_object_mut().unwrap().remove("proof");
        if suite == Cryptosuite::EddsaRdfc2022 {
            assert_eq!(canon::rdfc(&unsecured).unwrap(), expected(&issuer));
        }

        // The direction is covered by the signature.
        let mut flipped = signed.clone();
        flipped["name"]["@direction"] = json!("ltr");
        assert!(
            matches!(
                proof::verify(&flipped, &DefaultResolver::offline()),
                Err(proof::ProofError::BadSignature)
            ),
            "{}: flipping the direction must break the signature",
            suite.name()
        );
    }
}
