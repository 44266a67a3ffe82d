//! Writes N signed Open Badges 3.0 credentials (`eddsa-rdfc-2022`, did:key
//! issuers) as files `cred-NNNN.json` into a folder: inputs for
//! `scripts/bench-vs-reference.sh`. Every fourth one is larger (alignments,
//! evidence, results, an embedded image).
//!
//! `cargo run --release --example write_credentials -- DIR N`

#[path = "support/generate.rs"]
mod generate;

use ed25519_dalek::SigningKey;
use generate::Badge;
use satchel::proof::Cryptosuite;
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
        let name = format!("Skill {i}");
        let issuer_name = format!("Issuer {}", i % keys.len());
        let subject = format!("did:example:learner-{i}");
        let mut cred = generate::unsigned(
            &Badge {
                n: i,
                uuid_prefix: "40000000",
                name: &name,
                issuer_name: &issuer_name,
                subject: &subject,
                valid_from: "2024-01-01T00:00:00Z",
            },
            key,
        );
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
        let signed = generate::sign(&cred, key, Cryptosuite::EddsaRdfc2022).unwrap_or_else(|e| {
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
