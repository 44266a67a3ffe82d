//! Writes N signed Open Badges 3.0 credentials (`eddsa-rdfc-2022`, did:key
//! issuers) as files `cred-NNNN.json` into a folder: inputs for
//! `scripts/bench-vs-reference.sh`. Every fourth one is larger (alignments,
//! evidence, results, an embedded image).
//!
//! `cargo run --release --example write_credentials -- DIR N`

use ed25519_dalek::SigningKey;
use satchel::did;
use satchel::proof::{self, Cryptosuite, ProofOptions};
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: write_credentials DIR N");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("write_credentials: {}: {e}", dir.display());
        std::process::exit(2);
    }
    let keys: Vec<SigningKey> = (0..5u8)
        .map(|i| SigningKey::from_bytes(&[120 + i; 32]))
        .collect();
    for i in 0..n {
        let key = &keys[i % keys.len()];
        let issuer = did::did_key_from_public(&key.verifying_key());
        let mut cred = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:40000000-0000-4000-8000-{i:012}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": format!("Skill {i}"),
            "issuer": {"id": issuer, "type": ["Profile"], "name": format!("Issuer {}", i % 5), "url": "https://issuer.example"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "id": format!("did:example:learner-{i}"),
                "achievement": {"id": format!("https://issuer.example/achievements/{i}"), "type": ["Achievement"],
                    "name": format!("Skill {i}"), "description": "Awarded for assessed project work.",
                    "criteria": {"narrative": "Completed all modules and the final assessment."}}}
        });
        if i % 4 == 3 {
            let a = &mut cred["credentialSubject"]["achievement"];
            a["image"] = json!({"id": format!("data:image/png;base64,{}", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB".repeat(30)), "type": "Image"});
            a["alignment"] = json!([
                {"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": "https://esco.example/skill/1", "targetCode": "S1"},
                {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": "https://esco.example/skill/2", "targetCode": "S2"}
            ]);
            a["resultDescription"] = json!([{"id": "urn:uuid:40000000-0000-4000-8000-0000000000a1", "type": ["ResultDescription"], "name": "Grade", "resultType": "LetterGrade", "allowedValue": ["A", "B"]}]);
            cred["credentialSubject"]["result"] = json!([{"type": ["Result"], "resultDescription": "urn:uuid:40000000-0000-4000-8000-0000000000a1", "value": "A"}]);
            cred["evidence"] = json!([{"id": "https://issuer.example/evidence/1", "type": ["Evidence"], "name": "Report", "narrative": "A written report."}]);
        }
        let signed = proof::sign(
            &cred,
            key,
            &ProofOptions {
                suite: Cryptosuite::EddsaRdfc2022,
                verification_method: did::did_key_verification_method(&issuer),
                proof_purpose: "assertionMethod".into(),
                created: Some("2024-01-01T00:00:00Z".into()),
                challenge: None,
                domain: None,
            },
        )
        .unwrap_or_else(|e| {
            eprintln!("write_credentials: signing: {e}");
            std::process::exit(2);
        });
        let path = dir.join(format!("cred-{i:04}.json"));
        if let Err(e) = std::fs::write(
            &path,
            serde_json::to_vec_pretty(&signed).unwrap_or_default(),
        ) {
            eprintln!("write_credentials: {}: {e}", path.display());
            std::process::exit(2);
        }
    }
}
