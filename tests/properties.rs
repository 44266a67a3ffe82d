//! Property tests (proptest): a single-field change of a signed credential
//! never verifies; canonical forms ignore key order and whitespace; Satchel's
//! JCS writes what `serde_json_canonicalizer` writes; import then export-raw
//! gives back the exact bytes.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use satchel::canon;
use satchel::formats;
use satchel::import::{self, ImportOptions};
use satchel::proof::Cryptosuite;
use satchel::report::Outcome;
use satchel::store::Wallet;
use satchel::verify::{verify_credential, VerifyOptions};
use serde_json::{Map, Value};

/// Two signed credentials, one per suite family that canonicalizes differently.
fn signed() -> &'static [Value; 2] {
    static SIGNED: OnceLock<[Value; 2]> = OnceLock::new();
    SIGNED.get_or_init(|| {
        let key = common::issuer_key(7);
        let did = common::did_of(&key);
        let mut v = common::ob3(&did, 1, "Property Based Testing");
        v["validUntil"] = serde_json::json!("2099-01-01T00:00:00Z");
        [
            common::sign(&v, &key, Cryptosuite::EddsaRdfc2022),
            common::sign(&v, &key, Cryptosuite::EddsaJcs2022),
        ]
    })
}

fn outcome(bytes: &[u8]) -> Outcome {
    match formats::parse(bytes).map(|mut items| items.remove(0)) {
        Ok(Ok(cred)) => verify_credential(&cred, &VerifyOptions::offline_now()).outcome,
        // Not even a credential any more: refused, which is not verified.
        _ => Outcome::Failed,
    }
}

/// Mutable references to every scalar leaf.
fn leaves_mut(v: &mut Value) -> Vec<&mut Value> {
    match v {
        Value::Object(o) => o.values_mut().flat_map(leaves_mut).collect(),
        Value::Array(a) => a.iter_mut().flat_map(leaves_mut).collect(),
        leaf => vec![leaf],
    }
}

/// A different value for a leaf, chosen by `pick`.
fn changed(old: &Value, pick: u32, text: &str) -> Value {
    match old {
        Value::String(s) => {
            let mut new = s.clone();
            match pick % 4 {
                0 => new.push_str(text),
                1 => new.insert_str(0, text),
                2 => {
                    // Flip one character (stays a string, same length class).
                    let i = (pick as usize / 4) % s.chars().count().max(1);
                    new = s
                        .chars()
                        .enumerate()
                        .map(|(j, c)| {
                            if j == i {
                                if c == 'a' {
                                    'b'
                                } else {
                                    'a'
                                }
                            } else {
                                c
                            }
                        })
                        .collect();
                    if new == *s {
                        new.push('a');
                    }
                }
                _ => new = format!("{text}!"),
            }
            if new == *s {
                new.push('x');
            }
            Value::String(new)
        }
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1 + pick as i64),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::from(pick),
        _ => unreachable!("leaves are scalars"),
    }
}

/// The same JSON with every object's keys in another order.
fn shuffled(v: &Value, seed: &mut u64) -> Value {
    match v {
        Value::Object(o) => {
            let mut entries: Vec<(&String, &Value)> = o.iter().collect();
            // Fisher–Yates with a tiny LCG driven by the proptest seed.
            for i in (1..entries.len()).rev() {
                *seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                entries.swap(i, (*seed >> 33) as usize % (i + 1));
            }
            let mut m = Map::new();
            for (k, c) in entries {
                m.insert(k.clone(), shuffled(c, seed));
            }
            Value::Object(m)
        }
        Value::Array(a) => Value::Array(a.iter().map(|c| shuffled(c, seed)).collect()),
        other => other.clone(),
    }
}

/// Serializes with a whitespace style: compact, pretty, or padded separators.
fn formatted(v: &Value, style: u8) -> Vec<u8> {
    match style % 3 {
        0 => serde_json::to_vec(v).unwrap(),
        1 => serde_json::to_vec_pretty(v).unwrap(),
        _ => {
            // Valid JSON with spaces, tabs and newlines between tokens.
            let compact = serde_json::to_string(v).unwrap();
            let mut out = String::from(" \n");
            let mut in_string = false;
            let mut escaped = false;
            for c in compact.chars() {
                out.push(c);
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_string = false;
                    }
                } else if c == '"' {
                    in_string = true;
                } else if matches!(c, ',' | ':' | '{' | '[') {
                    out.push_str("\t \r\n ");
                }
            }
            out.push_str("\n\n");
            out.into_bytes()
        }
    }
}

/// Any JSON value: every kind of number (integers beyond 2^53, tiny and huge
/// doubles), strings with control characters, quotes and characters beyond
/// the BMP (which sort differently in UTF-16 than in UTF-8), nested.
fn any_json() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        any::<String>(),
        "[a-c\"\\\u{0}-\u{1f}\u{7f}é\u{ff61}\u{e000}\u{10000}\u{1f600}]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        (-1e3f64..1e3).prop_map(|f| Value::from((f * 1000.0).round() / 1000.0)),
        text.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((text.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn jcs_writes_what_the_reference_crate_writes(v in any_json()) {
        prop_assert_eq!(
            canon::jcs(&v).unwrap(),
            serde_json_canonicalizer::to_string(&v).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn any_single_field_change_fails_verification(
        suite in 0usize..2,
        which in any::<prop::sample::Index>(),
        pick in any::<u32>(),
        text in "[a-zA-Z0-9 ]{1,8}",
    ) {
        let mut v = signed()[suite].clone();
        prop_assert_eq!(outcome(&serde_json::to_vec(&v).unwrap()), Outcome::Verified);
        let mut leaves = leaves_mut(&mut v);
        let i = which.index(leaves.len());
        let new = changed(leaves[i], pick, &text);
        prop_assume!(new != *leaves[i]);
        *leaves[i] = new;
        let got = outcome(&serde_json::to_vec(&v).unwrap());
        prop_assert!(
            !matches!(got, Outcome::Verified | Outcome::Warning),
            "changed leaf {} of suite {}: {:?}", i, suite, got
        );
    }

    #[test]
    fn canonical_forms_ignore_key_order_and_whitespace(
        suite in 0usize..2,
        mut seed in any::<u64>(),
        style in any::<u8>(),
    ) {
        let original = &signed()[suite];
        let reordered = shuffled(original, &mut seed);
        let bytes = formatted(&reordered, style);
        let reparsed: Value = serde_json::from_slice(&bytes).unwrap();
        prop_assert_eq!(canon::jcs(&reparsed).unwrap(), canon::jcs(original).unwrap());
        prop_assert_eq!(canon::rdfc(&reparsed).unwrap(), canon::rdfc(original).unwrap());
        // Same content key (the duplicate rule), and it still verifies.
        let a = formats::parse(&bytes).unwrap().remove(0).unwrap();
        let b = formats::parse(&serde_json::to_vec(original).unwrap()).unwrap().remove(0).unwrap();
        prop_assert_eq!(import::content_key(&a), import::content_key(&b));
        prop_assert_eq!(outcome(&bytes), Outcome::Verified);
    }

    #[test]
    fn import_then_export_raw_is_identity_on_bytes(
        suite in 0usize..2,
        mut seed in any::<u64>(),
        style in any::<u8>(),
    ) {
        let bytes = formatted(&shuffled(&signed()[suite], &mut seed), style);
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.db")).unwrap();
        let opts = ImportOptions { keep_unverified: false, verify: VerifyOptions::offline_now() };
        let items = import::import_bytes(&mut w, "p.json", &bytes, &opts);
        prop_assert_eq!(items.len(), 1);
        let id = items[0].id.unwrap();
        prop_assert_eq!(w.get(id).unwrap().unwrap().raw, bytes);
    }
}
