//! The learner's own key: an Ed25519 key pair and its `did:key`, made on first
//! use, that signs the presentations the learner shares.
//!
//! Storage: a key file beside the wallet (`<wallet>.holder-key`), created
//! owner-only (mode 0600, set at creation) and never written anywhere else.
//! Losing it loses nothing already shared: bundles signed with it still
//! verify, and the credentials themselves are signed by their issuers. New
//! bundles are then signed by a new key with a new DID.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::did;

/// Multicodec prefix of an Ed25519 private key (varint 0x1300).
const ED25519_PRIV_PREFIX: [u8; 2] = [0x80, 0x26];

/// Why the learner's key could not be loaded or made.
#[derive(Debug, thiserror::Error)]
pub enum HolderError {
    /// Reading or writing the key file failed.
    #[error("learner key file {path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The key file is damaged.
    #[error("learner key file {path} is damaged: {reason}")]
    Damaged {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    did: String,
    #[serde(rename = "privateKeyMultibase")]
    private_key_multibase: String,
}

/// The learner's identity and signing key.
pub struct Holder {
    /// The learner's DID (`did:key:z6Mk…`).
    pub did: String,
    /// Where the private key is kept.
    pub key_file: PathBuf,
    key: SigningKey,
}

impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holder")
            .field("did", &self.did)
            .field("key_file", &self.key_file)
            .finish_non_exhaustive()
    }
}

/// The key file that belongs to a wallet file.
pub fn key_path_for(wallet: &Path) -> PathBuf {
    let mut name = wallet.file_name().unwrap_or_default().to_os_string();
    name.push(".holder-key");
    wallet.with_file_name(name)
}

impl Holder {
    /// Loads the learner's key for this wallet, making one on first use.
    pub fn load_or_create(wallet: &Path) -> Result<Holder, HolderError> {
        let path = key_path_for(wallet);
        match std::fs::read(&path) {
            Ok(bytes) => Self::parse(&path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(&path),
            Err(source) => Err(HolderError::Io { path, source }),
        }
    }

    /// The verification method id of the learner's key.
    pub fn verification_method(&self) -> String {
        did::did_key_verification_method(&self.did)
    }

    /// The signing key (stays in memory; never serialised by Satchel except to its own key file).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Holder, HolderError> {
        let damaged = |reason: String| HolderError::Damaged {
            path: path.to_path_buf(),
            reason,
        };
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        let raw = file
            .private_key_multibase
            .strip_prefix('z')
            .and_then(|b| bs58::decode(b).into_vec().ok())
            .ok_or_else(|| damaged("private key is not base58btc multibase".into()))?;
        let secret: [u8; 32] = raw
            .strip_prefix(&ED25519_PRIV_PREFIX)
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| damaged("not an Ed25519 private key".into()))?;
        let key = SigningKey::from_bytes(&secret);
        let did = did::did_key_from_public(&key.verifying_key());
        if did != file.did {
            return Err(damaged("the private key does not match the DID".into()));
        }
        Ok(Holder {
            did,
            key_file: path.to_path_buf(),
            key,
        })
    }

    fn create(path: &Path) -> Result<Holder, HolderError> {
        let io = |source| HolderError::Io {
            path: path.to_path_buf(),
            source,
        };
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let did = did::did_key_from_public(&key.verifying_key());
        let mut secret = ED25519_PRIV_PREFIX.to_vec();
        secret.extend_from_slice(&key.to_bytes());
        let file = KeyFile {
            did: did.clone(),
            private_key_multibase: format!("z{}", bs58::encode(secret).into_string()),
        };
        let json = serde_json::to_vec_pretty(&file).map_err(|e| io(std::io::Error::other(e)))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(path).map_err(io)?;
        f.write_all(&json).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(Holder {
            did,
            key_file: path.to_path_buf(),
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_reloaded_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("w.db");
        let a = Holder::load_or_create(&wallet).unwrap();
        let b = Holder::load_or_create(&wallet).unwrap();
        assert_eq!(a.did, b.did);
        assert!(a.did.starts_with("did:key:z6Mk"));
        assert_eq!(a.key_file, dir.path().join("w.db.holder-key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a.key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(
            &a.key_file,
            b"{\"did\":\"did:key:z6Mkx\",\"privateKeyMultibase\":\"zzz\"}",
        )
        .unwrap();
        assert!(matches!(
            Holder::load_or_create(&wallet),
            Err(HolderError::Damaged { .. })
        ));
    }
}
