//! The learner's own key: an Ed25519 key pair and its `did:key`, made on first
//! use, that signs the presentations the learner shares.
//!
//! Storage: the private key goes into the OS keyring (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows) when one answers,
//! else into the key file. Either way a key file beside the wallet
//! (`<wallet>.holder-key`, created owner-only, mode 0600) records the DID and
//! where the key is, so the identity never changes behind the learner's back:
//! a key kept in a keyring that is unreachable later is an error, not a reason
//! to make a new key. `SATCHEL_KEY_STORE=file` keeps the key in the file.
//!
//! Losing the key loses nothing already shared: bundles signed with it still
//! verify, and the credentials themselves are signed by their issuers. New
//! bundles are then signed by a new key with a new DID.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::did;

/// Multicodec prefix of an Ed25519 private key (varint 0x1300).
const ED25519_PRIV_PREFIX: [u8; 2] = [0x80, 0x26];

/// The keyring service name Satchel's entries are filed under.
pub const KEYRING_SERVICE: &str = "Satchel learner key";

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
    /// The key is in a keyring that cannot be reached (or lost it).
    #[error("your key ({did}) is kept in the OS keyring, which cannot give it now: {reason}. Unlock the keyring and try again; a new key is not made, so your identity does not change")]
    Keyring {
        /// The learner's DID recorded in the key file.
        did: String,
        /// What the keyring said.
        reason: String,
    },
}

/// A keyring that keeps secrets by account name (the OS keyring in the
/// program; an in-memory one in tests).
pub trait SecretStore {
    /// Stores `secret` under `account`.
    fn set(&self, account: &str, secret: &str) -> Result<(), String>;
    /// The secret under `account`, `None` when there is none.
    fn get(&self, account: &str) -> Result<Option<String>, String>;
}

/// The OS keyring, through the `keyring` crate.
pub struct OsKeyring;

impl OsKeyring {
    /// The OS keyring when one answers, unless `SATCHEL_KEY_STORE=file`.
    pub fn available() -> Option<OsKeyring> {
        if std::env::var("SATCHEL_KEY_STORE").is_ok_and(|v| v == "file") {
            return None;
        }
        // A lookup that finds nothing proves the keyring answers.
        OsKeyring.get("satchel-probe").ok().map(|_| OsKeyring)
    }

    fn entry(account: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())
    }
}

impl SecretStore for OsKeyring {
    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(|e| e.to_string())
    }

    fn get(&self, account: &str) -> Result<Option<String>, String> {
        match Self::entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// What the key file holds: the DID, and the private key or where it is.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    did: String,
    #[serde(
        rename = "privateKeyMultibase",
        skip_serializing_if = "Option::is_none",
        default
    )]
    private_key_multibase: Option<String>,
    /// Set when the private key is in the OS keyring (under the DID as account).
    #[serde(rename = "keyring", skip_serializing_if = "Option::is_none", default)]
    keyring_service: Option<String>,
}

/// Where the learner's private key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStorage {
    /// In the OS keyring.
    Keyring,
    /// In the owner-only key file.
    File,
}

/// The learner's identity and signing key.
pub struct Holder {
    /// The learner's DID (`did:key:z6Mk…`).
    pub did: String,
    /// The key file (holding the key, or recording that it is in the keyring).
    pub key_file: PathBuf,
    /// Where the private key is kept.
    pub storage: KeyStorage,
    key: SigningKey,
}

impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holder")
            .field("did", &self.did)
            .field("key_file", &self.key_file)
            .field("storage", &self.storage)
            .finish_non_exhaustive()
    }
}

/// The key file that belongs to a wallet file.
pub fn key_path_for(wallet: &Path) -> PathBuf {
    let mut name = wallet.file_name().unwrap_or_default().to_os_string();
    name.push(".holder-key");
    wallet.with_file_name(name)
}

fn encode_secret(key: &SigningKey) -> String {
    let mut secret = ED25519_PRIV_PREFIX.to_vec();
    secret.extend_from_slice(&key.to_bytes());
    format!("z{}", bs58::encode(secret).into_string())
}

fn decode_secret(multibase: &str) -> Result<SigningKey, String> {
    let raw = multibase
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or("private key is not base58btc multibase")?;
    let secret: [u8; 32] = raw
        .strip_prefix(&ED25519_PRIV_PREFIX)
        .and_then(|k| k.try_into().ok())
        .ok_or("not an Ed25519 private key")?;
    Ok(SigningKey::from_bytes(&secret))
}

/// The `did:key` of a multibase Ed25519 private key (checks a restored key
/// against the DID recorded with it).
pub fn did_of_secret(multibase: &str) -> Result<String, String> {
    decode_secret(multibase).map(|k| did::did_key_from_public(&k.verifying_key()))
}

impl Holder {
    /// Loads the learner's key for this wallet, making one on first use (in
    /// the OS keyring when one answers, else in the key file).
    pub fn load_or_create(wallet: &Path) -> Result<Holder, HolderError> {
        let keyring = OsKeyring::available();
        Self::load_or_create_with(wallet, keyring.as_ref().map(|k| k as &dyn SecretStore))
    }

    /// [`Holder::load_or_create`] with the keyring given (`None`: there is none).
    pub fn load_or_create_with(
        wallet: &Path,
        keyring: Option<&dyn SecretStore>,
    ) -> Result<Holder, HolderError> {
        let path = key_path_for(wallet);
        match std::fs::read(&path) {
            Ok(bytes) => Self::parse(&path, &bytes, keyring),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(&path, keyring),
            Err(source) => Err(HolderError::Io { path, source }),
        }
    }

    /// The verification method id of the learner's key.
    pub fn verification_method(&self) -> String {
        did::did_key_verification_method(&self.did)
    }

    /// The signing key (stays in memory; Satchel writes it only to the keyring or its key file).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// A sentence saying where the private key is kept, for Settings.
    pub fn storage_description(&self) -> String {
        match self.storage {
            KeyStorage::Keyring => format!(
                "in your system keyring (entry \"{KEYRING_SERVICE}\"); {} records which key is yours",
                self.key_file.display()
            ),
            KeyStorage::File => format!(
                "in {}, readable only by you (no system keyring answered when it was made)",
                self.key_file.display()
            ),
        }
    }

    fn parse(
        path: &Path,
        bytes: &[u8],
        keyring: Option<&dyn SecretStore>,
    ) -> Result<Holder, HolderError> {
        let damaged = |reason: String| HolderError::Damaged {
            path: path.to_path_buf(),
            reason,
        };
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        let (multibase, storage) = match (file.private_key_multibase, file.keyring_service) {
            (Some(m), _) => (m, KeyStorage::File),
            (None, Some(_)) => {
                let keyring_error = |reason: String| HolderError::Keyring {
                    did: file.did.clone(),
                    reason,
                };
                let store = keyring.ok_or_else(|| keyring_error("no keyring answers".into()))?;
                let secret = store
                    .get(&file.did)
                    .map_err(keyring_error)?
                    .ok_or_else(|| keyring_error("it holds no key for this DID".into()))?;
                (secret, KeyStorage::Keyring)
            }
            (None, None) => return Err(damaged("it names no private key".into())),
        };
        let key = decode_secret(&multibase).map_err(|e| damaged(e.to_string()))?;
        let did = did::did_key_from_public(&key.verifying_key());
        if did != file.did {
            return Err(damaged("the private key does not match the DID".into()));
        }
        Ok(Holder {
            did,
            key_file: path.to_path_buf(),
            storage,
            key,
        })
    }

    /// The DID the wallet's key file records, without touching the keyring;
    /// `None` when the wallet has no key yet.
    pub fn recorded_did(wallet: &Path) -> Result<Option<String>, HolderError> {
        let path = key_path_for(wallet);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<KeyFile>(&bytes)
                .map(|f| Some(f.did))
                .map_err(|e| HolderError::Damaged {
                    path,
                    reason: e.to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(HolderError::Io { path, source }),
        }
    }

    /// Loads the wallet's key when it has one; never makes a key.
    pub fn load_existing_with(
        wallet: &Path,
        keyring: Option<&dyn SecretStore>,
    ) -> Result<Option<Holder>, HolderError> {
        let path = key_path_for(wallet);
        match std::fs::read(&path) {
            Ok(bytes) => Self::parse(&path, &bytes, keyring).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(HolderError::Io { path, source }),
        }
    }

    /// The private key as multibase text (for an encrypted backup only).
    pub fn secret_multibase(&self) -> String {
        encode_secret(&self.key)
    }

    /// Installs a key restored from a backup (given as multibase text) as the
    /// wallet's key: into the keyring when one takes it, else the key file.
    /// A key file already there is kept aside as `<key file>.replaced-<time>`
    /// (with the keyring entry it names untouched), never deleted.
    pub fn install_with(
        wallet: &Path,
        secret_multibase: &str,
        keyring: Option<&dyn SecretStore>,
    ) -> Result<(Holder, Option<PathBuf>), HolderError> {
        let path = key_path_for(wallet);
        let key = decode_secret(secret_multibase).map_err(|reason| HolderError::Damaged {
            path: path.clone(),
            reason: format!("the key in the backup is unusable: {reason}"),
        })?;
        let kept_aside = if path.exists() {
            let mut name = path.as_os_str().to_os_string();
            name.push(format!(
                ".replaced-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
            ));
            let aside = PathBuf::from(name);
            std::fs::rename(&path, &aside).map_err(|source| HolderError::Io {
                path: path.clone(),
                source,
            })?;
            Some(aside)
        } else {
            None
        };
        Ok((Self::create_from(&path, key, keyring)?, kept_aside))
    }

    fn create(path: &Path, keyring: Option<&dyn SecretStore>) -> Result<Holder, HolderError> {
        Self::create_from(path, SigningKey::generate(&mut rand_core::OsRng), keyring)
    }

    fn create_from(
        path: &Path,
        key: SigningKey,
        keyring: Option<&dyn SecretStore>,
    ) -> Result<Holder, HolderError> {
        let io = |source| HolderError::Io {
            path: path.to_path_buf(),
            source,
        };
        let did = did::did_key_from_public(&key.verifying_key());
        let secret = encode_secret(&key);
        // Into the keyring when it takes it; else into the file.
        let in_keyring = keyring.is_some_and(|k| {
            k.set(&did, &secret).is_ok() && k.get(&did).ok().flatten().as_deref() == Some(&secret)
        });
        let file = KeyFile {
            did: did.clone(),
            private_key_multibase: (!in_keyring).then_some(secret),
            keyring_service: in_keyring.then(|| KEYRING_SERVICE.to_string()),
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
            storage: if in_keyring {
                KeyStorage::Keyring
            } else {
                KeyStorage::File
            },
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// A keyring in memory; `up` false makes it refuse like a locked one.
    #[derive(Default)]
    struct MemoryKeyring {
        up: std::cell::Cell<bool>,
        secrets: RefCell<HashMap<String, String>>,
    }

    impl SecretStore for MemoryKeyring {
        fn set(&self, account: &str, secret: &str) -> Result<(), String> {
            if !self.up.get() {
                return Err("locked".into());
            }
            self.secrets
                .borrow_mut()
                .insert(account.into(), secret.into());
            Ok(())
        }
        fn get(&self, account: &str) -> Result<Option<String>, String> {
            if !self.up.get() {
                return Err("locked".into());
            }
            Ok(self.secrets.borrow().get(account).cloned())
        }
    }

    #[test]
    fn made_once_then_reloaded_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("w.db");
        let a = Holder::load_or_create_with(&wallet, None).unwrap();
        let b = Holder::load_or_create_with(&wallet, None).unwrap();
        assert_eq!(a.did, b.did);
        assert_eq!(a.storage, KeyStorage::File);
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
            Holder::load_or_create_with(&wallet, None),
            Err(HolderError::Damaged { .. })
        ));
    }

    #[test]
    fn key_goes_to_the_keyring_and_never_into_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("w.db");
        let keyring = MemoryKeyring::default();
        keyring.up.set(true);
        let a = Holder::load_or_create_with(&wallet, Some(&keyring)).unwrap();
        assert_eq!(a.storage, KeyStorage::Keyring);
        let file = std::fs::read_to_string(&a.key_file).unwrap();
        let secret = keyring.secrets.borrow().get(&a.did).cloned().unwrap();
        assert!(
            !file.contains(&secret[1..]),
            "the secret is not in the file"
        );
        assert!(file.contains(&a.did));
        let b = Holder::load_or_create_with(&wallet, Some(&keyring)).unwrap();
        assert_eq!(b.did, a.did);
        assert_eq!(b.signing_key().to_bytes(), a.signing_key().to_bytes());

        // Locked or absent keyring: an error naming the DID, never a new identity.
        keyring.up.set(false);
        let err = Holder::load_or_create_with(&wallet, Some(&keyring)).unwrap_err();
        assert!(
            matches!(&err, HolderError::Keyring { did, .. } if did == &a.did),
            "{err}"
        );
        assert!(matches!(
            Holder::load_or_create_with(&wallet, None),
            Err(HolderError::Keyring { .. })
        ));
        assert_eq!(std::fs::read_to_string(&a.key_file).unwrap(), file);
    }

    #[test]
    fn a_keyring_that_refuses_leaves_the_key_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("w.db");
        let keyring = MemoryKeyring::default(); // down
        let a = Holder::load_or_create_with(&wallet, Some(&keyring)).unwrap();
        assert_eq!(a.storage, KeyStorage::File);
        // Once in the file, it stays there even when a keyring answers later.
        keyring.up.set(true);
        let b = Holder::load_or_create_with(&wallet, Some(&keyring)).unwrap();
        assert_eq!((b.did, b.storage), (a.did, KeyStorage::File));
    }
}
