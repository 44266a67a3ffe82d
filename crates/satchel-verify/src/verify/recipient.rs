//! The `recipient` check: was this badge issued to the learner? Open Badges
//! name their recipient by email, in plain text or salted-hashed
//! (`sha256$<hex of sha256(email + salt)>`, or `md5$…`, which Open Badges
//! 2.0 also allows): OB 2.0 in `recipient`, OB 3.0 in
//! `credentialSubject.identifier`. The learner's own addresses are a wallet
//! setting; a badge naming someone else is a warning, never a failure (people
//! change addresses).

use md5::Md5;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Check, CheckStatus, CHECK_RECIPIENT};

/// One identity a credential says it was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    /// `email`, `url`, `telephone`, …
    kind: String,
    /// The identity, or `algorithm$hexdigest` when hashed.
    value: String,
    hashed: bool,
    salt: String,
}

/// The recipient identities of an OB 2.0 assertion or an OB 3.0 credential.
fn identities(json: &Value) -> Vec<Identity> {
    let mut out = Vec::new();
    if let Some(r) = json.get("recipient") {
        out.push(Identity {
            kind: str_of(r, "type").unwrap_or_else(|| "email".into()),
            value: str_of(r, "identity").unwrap_or_default(),
            hashed: r.get("hashed").and_then(Value::as_bool).unwrap_or(false),
            salt: str_of(r, "salt").unwrap_or_default(),
        });
    }
    let subjects = match json.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s) => vec![s],
        None => Vec::new(),
    };
    for s in subjects {
        let ids = match s.get("identifier") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(o @ Value::Object(_)) => vec![o],
            _ => Vec::new(),
        };
        for i in ids {
            let kind = match str_of(i, "identityType").as_deref() {
                Some("emailAddress") => "email".to_string(),
                Some(other) => other.to_string(),
                None => continue,
            };
            out.push(Identity {
                kind,
                value: str_of(i, "identityHash").unwrap_or_default(),
                hashed: i.get("hashed").and_then(Value::as_bool).unwrap_or(false),
                salt: str_of(i, "salt").unwrap_or_default(),
            });
        }
    }
    out
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Whether `email` is this identity (case-insensitive; hashed with the salt).
fn matches(identity: &Identity, email: &str) -> Option<bool> {
    let email = email.trim().to_lowercase();
    if !identity.hashed && !identity.value.contains('$') {
        return Some(identity.value.trim().to_lowercase() == email);
    }
    let (alg, digest) = identity.value.split_once('$')?;
    let salted = format!("{email}{}", identity.salt);
    let ours = match alg.to_ascii_lowercase().as_str() {
        "sha256" => Sha256::digest(salted.as_bytes()).to_vec(),
        "md5" => Md5::digest(salted.as_bytes()).to_vec(),
        _ => return None,
    };
    let hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
    Some(hex.eq_ignore_ascii_case(digest.trim()))
}

/// The `recipient` check, or `None` when the credential names no recipient
/// by email or similar (most VCs name a DID subject instead).
pub(super) fn recipient_check(json: &Value, emails: &[String]) -> Option<Check> {
    let ids = identities(json);
    if ids.is_empty() {
        return None;
    }
    let emails_ids: Vec<&Identity> = ids.iter().filter(|i| i.kind == "email").collect();
    if emails_ids.is_empty() {
        let kinds: Vec<&str> = ids.iter().map(|i| i.kind.as_str()).collect();
        return Some(Check::new(
            CHECK_RECIPIENT,
            CheckStatus::Skip,
            format!(
                "Not checked: the recipient is named by {}, not by an email address.",
                kinds.join(", ")
            ),
        ));
    }
    if emails.is_empty() {
        return Some(Check::new(
            CHECK_RECIPIENT,
            CheckStatus::Skip,
            "Not checked: add your email addresses (Settings, or `satchel settings emails add you@example.com`) to check that this badge was issued to you.",
        ));
    }
    let mut unsupported = false;
    for id in &emails_ids {
        for email in emails {
            match matches(id, email) {
                Some(true) => {
                    return Some(Check::new(
                        CHECK_RECIPIENT,
                        CheckStatus::Pass,
                        format!("Issued to you ({}).", email.trim()),
                    ))
                }
                Some(false) => {}
                None => unsupported = true,
            }
        }
    }
    if unsupported && emails_ids.iter().all(|i| matches(i, "").is_none()) {
        return Some(Check::new(
            CHECK_RECIPIENT,
            CheckStatus::Skip,
            "Not checked: the recipient's email is hashed with an algorithm other than SHA-256 or MD5.",
        ));
    }
    Some(Check::new(
        CHECK_RECIPIENT,
        CheckStatus::Warn,
        "Issued to someone else: the recipient matches none of your email addresses.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hashed_plain_and_ob3_identities() {
        // From 1EdTech's OB 2.0 validator samples: nobody@example.org, salt "deadsea".
        let hashed = json!({"recipient": {"type": "email", "hashed": true, "salt": "deadsea",
            "identity": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"}});
        let me = |e: &str| vec![e.to_string()];
        let status = |j: &Value, e: &[String]| recipient_check(j, e).map(|c| c.status);
        assert_eq!(
            status(&hashed, &me("Nobody@Example.org ")),
            Some(CheckStatus::Pass)
        );
        assert_eq!(
            status(&hashed, &me("someone@example.org")),
            Some(CheckStatus::Warn)
        );
        assert_eq!(status(&hashed, &[]), Some(CheckStatus::Skip));

        let plain = json!({"recipient": {"type": "email", "identity": "a@b.c"}});
        assert_eq!(status(&plain, &me("A@B.C")), Some(CheckStatus::Pass));
        let url = json!({"recipient": {"type": "url", "identity": "https://me.example"}});
        assert_eq!(status(&url, &me("a@b.c")), Some(CheckStatus::Skip));
        // MD5, which Open Badges 2.0 allows (digests from coreutils' md5sum):
        // md5("nobody@example.org" + "deadsea"), and unsalted.
        let md5 = json!({"recipient": {"type": "email", "hashed": true, "salt": "deadsea",
            "identity": "md5$df7f6ab472edfcaf9040a8bbdee36400"}});
        assert_eq!(
            status(&md5, &me("NOBODY@example.org")),
            Some(CheckStatus::Pass)
        );
        assert_eq!(
            status(&md5, &me("somebody@example.org")),
            Some(CheckStatus::Warn)
        );
        assert_eq!(status(&md5, &[]), Some(CheckStatus::Skip));
        let unsalted = json!({"recipient": {"type": "email", "hashed": true,
            "identity": "MD5$556f4ac7e166daeedb1b8968e228480b"}});
        assert_eq!(
            status(&unsalted, &me("nobody@example.org")),
            Some(CheckStatus::Pass)
        );
        let sha1 = json!({"recipient": {"type": "email", "hashed": true, "identity": "sha1$abc"}});
        assert_eq!(status(&sha1, &me("a@b.c")), Some(CheckStatus::Skip));

        let ob3 = json!({"credentialSubject": {"identifier": [{"type": "IdentityObject",
            "identityHash": "student@1edtech.edu", "identityType": "emailAddress", "hashed": false}]}});
        assert_eq!(
            status(&ob3, &me("student@1edtech.edu")),
            Some(CheckStatus::Pass)
        );
        assert_eq!(
            status(&json!({"credentialSubject": {"id": "did:x"}}), &me("a@b.c")),
            None
        );
    }
}
