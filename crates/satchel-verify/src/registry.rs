//! Known issuers: registries of issuers the learner chose to trust, in the
//! Digital Credentials Consortium's registry format
//! (`{"meta": {...}, "registry": {"did:…": {"name", "location", "url"}}}`),
//! and the `issuer_known` check they answer.
//!
//! Invariant: `issuer_known` is never a failure by itself: `pass` with the
//! registry's name for the issuer, `warn` when no trusted registry lists it,
//! `skip` when no registry is loaded. Registries are consulted in the order
//! they were added (most trusted first).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::report::CHECK_ISSUER_KNOWN;
use crate::report::{Check, CheckStatus};

/// Largest registry file accepted.
pub const MAX_REGISTRY_BYTES: usize = 8 * 1024 * 1024;

/// What a registry says about one issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerEntry {
    /// The issuer's name.
    pub name: String,
    /// Where the issuer is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The issuer's web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One loaded registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// The name the learner knows it by.
    pub name: String,
    /// The file or URL it was loaded from.
    pub source: String,
    /// When it was loaded.
    pub loaded_at: DateTime<Utc>,
    /// Issuer id (DID or URL) → entry.
    pub entries: BTreeMap<String, IssuerEntry>,
}

/// Why a registry could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Not JSON, or not the registry format.
    #[error("not an issuer registry: {0}")]
    Format(String),
    /// Over [`MAX_REGISTRY_BYTES`].
    #[error("the registry is over {MAX_REGISTRY_BYTES} bytes")]
    TooLarge,
}

impl Registry {
    /// Parses a registry in the DCC format (entries under `registry`, or
    /// `entries` as the DCC client names them).
    pub fn parse(name: &str, source: &str, bytes: &[u8]) -> Result<Registry, RegistryError> {
        if bytes.len() > MAX_REGISTRY_BYTES {
            return Err(RegistryError::TooLarge);
        }
        let v: Value =
            serde_json::from_slice(bytes).map_err(|e| RegistryError::Format(e.to_string()))?;
        let map = v
            .get("registry")
            .or_else(|| v.get("entries"))
            .and_then(Value::as_object)
            .ok_or_else(|| {
                RegistryError::Format("no \"registry\" object of issuers".to_string())
            })?;
        let mut entries = BTreeMap::new();
        for (id, entry) in map {
            let entry: IssuerEntry = serde_json::from_value(entry.clone())
                .map_err(|e| RegistryError::Format(format!("the entry for {id}: {e}")))?;
            entries.insert(id.clone(), entry);
        }
        Ok(Registry {
            name: name.to_string(),
            source: source.to_string(),
            loaded_at: Utc::now(),
            entries,
        })
    }
}

/// The registries the learner trusts, most trusted first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownIssuers {
    /// The registries.
    pub registries: Vec<Registry>,
}

impl KnownIssuers {
    /// The first registry listing `issuer`, and its entry.
    pub fn lookup(&self, issuer: &str) -> Option<(&Registry, &IssuerEntry)> {
        self.registries
            .iter()
            .find_map(|r| r.entries.get(issuer).map(|e| (r, e)))
    }

    /// Adds a registry, replacing one of the same name in place.
    pub fn add(&mut self, registry: Registry) {
        match self.registries.iter_mut().find(|r| r.name == registry.name) {
            Some(r) => *r = registry,
            None => self.registries.push(registry),
        }
    }

    /// Removes the registry called `name`; whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.registries.len();
        self.registries.retain(|r| r.name != name);
        before != self.registries.len()
    }

    /// The `issuer_known` check for a credential issued by `issuer`.
    pub fn check(&self, issuer: Option<&str>) -> Check {
        if self.registries.is_empty() {
            return Check::new(
                CHECK_ISSUER_KNOWN,
                CheckStatus::Skip,
                "Not checked: no issuer registry is loaded (satchel registry add FILE|URL).",
            );
        }
        let Some(issuer) = issuer else {
            return Check::new(
                CHECK_ISSUER_KNOWN,
                CheckStatus::Warn,
                "The credential names no issuer to look up in the registries you trust.",
            );
        };
        match self.lookup(issuer) {
            Some((registry, entry)) => {
                let place = entry
                    .location
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                Check::new(
                    CHECK_ISSUER_KNOWN,
                    CheckStatus::Pass,
                    format!(
                        "Listed as {:?}{place} in the registry {:?}.",
                        entry.name, registry.name
                    ),
                )
            }
            None => Check::new(
                CHECK_ISSUER_KNOWN,
                CheckStatus::Warn,
                format!(
                    "The issuer {issuer} is not in any registry you trust ({}).",
                    self.registries
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DCC: &str = r#"{"meta": {"created": "2022-10-27T17:57:31+00:00"},
        "registry": {
            "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W": {"name": "My University", "location": "Cambridge, MA, USA", "url": "https://uni.example"},
            "did:web:credentials.myschool.example": {"name": "My School", "url": "https://school.example"}
        }}"#;

    #[test]
    fn pass_warn_skip() {
        let mut known = KnownIssuers::default();
        let issuer = "did:web:credentials.myschool.example";
        assert_eq!(known.check(Some(issuer)).status, CheckStatus::Skip);
        known.add(Registry::parse("Community", "registry.json", DCC.as_bytes()).unwrap());
        let c = known.check(Some(issuer));
        assert_eq!(c.status, CheckStatus::Pass);
        assert!(c.message.contains("\"My School\""), "{}", c.message);
        assert!(c.message.contains("\"Community\""), "{}", c.message);
        let c = known.check(Some("did:key:z6MkOther"));
        assert_eq!(c.status, CheckStatus::Warn);
        assert!(c.message.contains("not in any registry you trust"));
        assert_eq!(known.check(None).status, CheckStatus::Warn);
    }

    #[test]
    fn first_registry_wins_and_names_replace() {
        let mut known = KnownIssuers::default();
        known.add(Registry::parse("A", "a", DCC.as_bytes()).unwrap());
        let other = DCC.replace("My School", "Another Name");
        known.add(Registry::parse("B", "b", other.as_bytes()).unwrap());
        let (r, e) = known
            .lookup("did:web:credentials.myschool.example")
            .unwrap();
        assert_eq!((r.name.as_str(), e.name.as_str()), ("A", "My School"));
        known.add(Registry::parse("A", "a2", other.as_bytes()).unwrap());
        assert_eq!(known.registries.len(), 2);
        assert_eq!(known.registries[0].source, "a2");
        assert!(known.remove("A"));
        assert!(!known.remove("A"));
    }

    #[test]
    fn bad_registries_are_refused() {
        assert!(Registry::parse("x", "x", b"[]").is_err());
        assert!(Registry::parse("x", "x", br#"{"registry": {"did:x": {"url": 1}}}"#).is_err());
        assert!(Registry::parse("x", "x", b"not json").is_err());
        let entries = r#"{"entries": {"did:x:1": {"name": "X"}}}"#;
        assert_eq!(
            Registry::parse("x", "x", entries.as_bytes())
                .unwrap()
                .entries
                .len(),
            1
        );
    }
}
