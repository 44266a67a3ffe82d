//! Encrypted backups: one file holding every credential's original bytes,
//! their latest verification reports, the wallet's settings and the learner's
//! private key, and putting them back into a wallet.
//!
//! The file is an [age](https://age-encryption.org/v1) file encrypted to a
//! passphrase (age's scrypt recipient), so `age -d` opens it without Satchel.
//! Inside is a tar archive: `satchel-backup/credentials/NNNNNN.json|jwt|png|svg`
//! (each credential's bytes, unchanged) and `satchel-backup/manifest.json`
//! (format and version, the learner key, settings, and per credential its
//! file, SHA-256, source, report and import time).
//!
//! Invariants:
//! - Nothing is written to a wallet until the whole backup has been
//!   decrypted, authenticated (age's MAC and STREAM tags) and checked
//!   (versions, hashes); then everything goes in one transaction.
//! - A restore never overwrites: credentials the wallet holds are skipped by
//!   the import rule (content key), settings already set keep their values
//!   (lists — email addresses, registries — only gain the backup's entries),
//!   and a different learner key is only reported unless the caller asks to
//!   use the backup's key (the old key file is then kept aside, not deleted).

use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// A passphrase held so that it is wiped from memory when dropped.
pub use age::secrecy::SecretString;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::formats::{self, Summary};
use crate::holder::{self, Holder, HolderError, SecretStore};
use crate::import;
use crate::registry::{self, KnownIssuers};
use crate::report::Report;
use crate::store::{self, NewCredential, StoreError, Wallet};

/// The inner format this Satchel writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The value of the manifest's `format` field.
pub const FORMAT_NAME: &str = "satchel-backup";
/// The wallet setting recording when the last backup was made (RFC 3339).
pub const LAST_BACKUP_SETTING: &str = "last_backup_at";
/// Environment variable giving the passphrase to scripts and tests.
pub const PASSPHRASE_ENV: &str = "SATCHEL_PASSPHRASE";

const DIR: &str = "satchel-backup";
const MANIFEST: &str = "satchel-backup/manifest.json";
/// Upper bound for the manifest (reports of many credentials).
const MAX_MANIFEST_BYTES: u64 = 1 << 30;
/// scrypt work factors above this are refused when reading (2^22: a few
/// seconds and 4 GiB of memory at most), so a crafted file cannot exhaust the machine.
const MAX_WORK_FACTOR: u8 = 22;

/// Why a backup could not be made or restored. Nothing was changed in either case.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An empty passphrase.
    #[error("the passphrase is empty; choose one you will remember")]
    EmptyPassphrase,
    /// Not an age file at all.
    #[error("{0} is not a Satchel backup (not an age-encrypted file)")]
    NotABackup(PathBuf),
    /// An age file encrypted to keys rather than a passphrase.
    #[error("{0} is encrypted to a key, not to a passphrase; Satchel backups use a passphrase")]
    NotPassphrase(PathBuf),
    /// The passphrase does not open the file.
    #[error("wrong passphrase for {0} (nothing was changed)")]
    WrongPassphrase(PathBuf),
    /// The file asks for more scrypt work than allowed.
    #[error("{0} asks for an scrypt work factor of 2^{1}, more than Satchel accepts (2^{MAX_WORK_FACTOR}); it was not made by Satchel")]
    ExcessiveWork(PathBuf, u8),
    /// Truncated, altered, or not Satchel's inner format.
    #[error("{path} is damaged or was altered ({reason}); nothing was restored. Try another copy of the backup")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Made by a newer Satchel.
    #[error("{path} was made by a newer Satchel (backup format {found}; this Satchel reads format {FORMAT_VERSION} and older). Update Satchel to restore it; nothing was changed")]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
    },
    /// The wallet failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The learner key could not be read or installed.
    #[error(transparent)]
    Holder(#[from] HolderError),
}

/// The learner key as the manifest holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupKey {
    /// The learner's DID.
    pub did: String,
    /// The Ed25519 private key, multibase (as in the key file).
    #[serde(rename = "privateKeyMultibase")]
    pub private_key_multibase: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ManifestEntry {
    file: String,
    sha256: String,
    content_key: String,
    source: String,
    summary: Summary,
    report: Report,
    kept_unverified: bool,
    imported_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    created_at: DateTime<Utc>,
    satchel_version: String,
    holder: Option<BackupKey>,
    settings: Vec<(String, String)>,
    credentials: Vec<ManifestEntry>,
}

/// Only the fields needed to decide whether the rest can be read.
#[derive(Deserialize)]
struct Version {
    format: String,
    version: u32,
}

/// One credential read from a backup.
#[derive(Debug, Clone)]
pub struct BackupCredential {
    /// The bytes exactly as first received.
    pub raw: Vec<u8>,
    /// The content key recorded in the backup.
    pub content_key: String,
    /// Where it came from.
    pub source: String,
    /// Its summary as recorded.
    pub summary: Summary,
    /// Its latest verification report.
    pub report: Report,
    /// Stored although its signature failed.
    pub kept_unverified: bool,
    /// When it was first imported.
    pub imported_at: DateTime<Utc>,
}

/// A decrypted and checked backup, in memory.
#[derive(Debug)]
pub struct Backup {
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The Satchel version that made it.
    pub satchel_version: String,
    /// The learner key, when the wallet had one.
    pub holder: Option<BackupKey>,
    /// The wallet's settings.
    pub settings: Vec<(String, String)>,
    /// Every credential, in wallet order.
    pub credentials: Vec<BackupCredential>,
}

/// What a backup holds, as written.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// The file written.
    pub file: PathBuf,
    /// Credentials in it.
    pub credentials: usize,
    /// The learner DID in it, if any.
    pub did: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// What happened to the learner key during a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum KeyOutcome {
    /// The backup holds no learner key.
    NoneInBackup,
    /// The wallet had no key; the backup's key is now its key.
    Installed {
        /// The DID.
        did: String,
    },
    /// The wallet's key is the backup's key.
    Same {
        /// The DID.
        did: String,
    },
    /// The backup holds another key; the wallet keeps its own (not asked to swap).
    DifferentKept {
        /// The wallet's DID (kept).
        wallet_did: String,
        /// The backup's DID (not used).
        backup_did: String,
    },
    /// The backup's key replaced the wallet's key, as asked; the old key file is kept aside.
    Swapped {
        /// The old DID.
        old_did: String,
        /// The DID now in use.
        did: String,
        /// Where the old key file was moved.
        old_key_file: PathBuf,
    },
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// Credentials added.
    pub restored: usize,
    /// Credentials the wallet already held (skipped).
    pub duplicates: usize,
    /// Settings added.
    pub settings_added: usize,
    /// What happened to the learner key.
    pub key: KeyOutcome,
}

/// Refuses an empty passphrase.
pub fn check_passphrase(p: &SecretString) -> Result<(), BackupError> {
    use age::secrecy::ExposeSecret;
    if p.expose_secret().is_empty() {
        return Err(BackupError::EmptyPassphrase);
    }
    Ok(())
}

/// The file name of credential `n` inside the archive, by its kind.
fn entry_name(n: usize, raw: &[u8]) -> String {
    let ext = if raw.starts_with(b"\x89PNG") {
        "png"
    } else {
        match raw.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => "svg",
            Some(b'{' | b'[') => "json",
            // A VC-JWT or an OB 2.0 signed assertion (compact JWS).
            _ => "jwt",
        }
    };
    format!("{DIR}/credentials/{n:06}.{ext}")
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, data: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_mode(0o600);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, data)
}

/// Writes an encrypted backup of the wallet (and its learner key, when
/// given) to `out`, atomically: a temporary file beside it is renamed into
/// place only when complete and synced. Records the time in the wallet.
pub fn write_backup(
    wallet: &Wallet,
    holder: Option<&Holder>,
    passphrase: SecretString,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Written, BackupError> {
    check_passphrase(&passphrase)?;
    let file_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::File { path, source }
    };
    let mut tmp_name = out.as_os_str().to_os_string();
    tmp_name.push(".partial");
    let tmp = PathBuf::from(tmp_name);
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(file_err(&tmp))?;
        let (buffered, written) = write_backup_to(
            wallet,
            holder,
            passphrase,
            None,
            std::io::BufWriter::new(file),
            now,
        )
        .map_err(|e| match e {
            BackupError::File { source, .. } => file_err(&tmp)(source),
            other => other,
        })?;
        let file = buffered
            .into_inner()
            .map_err(|e| file_err(&tmp)(e.into_error()))?;
        file.sync_all().map_err(file_err(&tmp))?;
        std::fs::rename(&tmp, out).map_err(file_err(out))?;
        Ok(Written {
            file: out.to_path_buf(),
            ..written
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        wallet.set_setting(LAST_BACKUP_SETTING, &now.to_rfc3339())?;
    }
    result
}

/// Writes the encrypted backup to `out` and gives it back (flushed by age,
/// not synced). `work_factor` sets scrypt's log2 N; `None` lets age tune it
/// to about a second, which is what learners' backups get (a fixed low one
/// is for the fuzzing seeds and tests only). Records nothing in the wallet.
pub fn write_backup_to<W: Write>(
    wallet: &Wallet,
    holder: Option<&Holder>,
    passphrase: SecretString,
    work_factor: Option<u8>,
    out: W,
    now: DateTime<Utc>,
) -> Result<(W, Written), BackupError> {
    check_passphrase(&passphrase)?;
    let io = |source| BackupError::File {
        path: PathBuf::new(),
        source,
    };
    let encryptor = match work_factor {
        None => age::Encryptor::with_user_passphrase(passphrase),
        Some(log_n) => {
            let mut recipient = age::scrypt::Recipient::new(passphrase);
            recipient.set_work_factor(log_n.clamp(1, 63));
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| io(std::io::Error::other(e)))?
        }
    };
    let encrypted = encryptor.wrap_output(out).map_err(io)?;
    let mut tar = tar::Builder::new(encrypted);
    let mut entries = Vec::new();
    let settings = wallet.export_all(|c| {
        let name = entry_name(entries.len() + 1, &c.raw);
        append(&mut tar, &name, &c.raw).map_err(io)?;
        let damaged = |e: serde_json::Error| StoreError::Report {
            id: c.id,
            source: e,
        };
        entries.push(ManifestEntry {
            file: name,
            sha256: store::sha256_hex(&c.raw),
            content_key: c.content_key,
            source: c.source,
            summary: serde_json::from_str(&c.summary).map_err(damaged)?,
            report: serde_json::from_str(&c.report).map_err(damaged)?,
            kept_unverified: c.kept_unverified,
            imported_at: c.imported_at,
        });
        Ok::<_, BackupError>(())
    })?;
    let manifest = Manifest {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
        created_at: now,
        satchel_version: env!("CARGO_PKG_VERSION").into(),
        holder: holder.map(|h| BackupKey {
            did: h.did.clone(),
            private_key_multibase: h.secret_multibase(),
        }),
        settings,
        credentials: entries,
    };
    let json = serde_json::to_vec(&manifest).map_err(|e| io(std::io::Error::other(e)))?;
    append(&mut tar, MANIFEST, &json).map_err(io)?;
    let out = tar.into_inner().and_then(|age| age.finish()).map_err(io)?;
    Ok((
        out,
        Written {
            file: PathBuf::new(),
            credentials: manifest.credentials.len(),
            did: manifest.holder.map(|h| h.did),
            created_at: now,
        },
    ))
}

/// Reads, decrypts and checks a backup file; nothing is written anywhere.
pub fn read_backup(path: &Path, passphrase: SecretString) -> Result<Backup, BackupError> {
    let file = std::fs::File::open(path).map_err(|source| BackupError::File {
        path: path.to_path_buf(),
        source,
    })?;
    read_backup_from(BufReader::new(file), path, passphrase, MAX_WORK_FACTOR)
}

/// Decrypts and checks a backup read from `input` (`path` names it in
/// errors). scrypt work factors above `max_work_factor` are refused before
/// any work is done.
pub fn read_backup_from<R: std::io::BufRead>(
    input: R,
    path: &Path,
    passphrase: SecretString,
    max_work_factor: u8,
) -> Result<Backup, BackupError> {
    check_passphrase(&passphrase)?;
    let damaged = |reason: String| BackupError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    let decryptor = match age::Decryptor::new_buffered(input) {
        Ok(d) => d,
        Err(age::DecryptError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(damaged("it ends inside the header".into()))
        }
        Err(age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat) => {
            return Err(BackupError::NotABackup(path.to_path_buf()))
        }
        Err(e) => return Err(damaged(e.to_string())),
    };
    if !decryptor.is_scrypt() {
        return Err(BackupError::NotPassphrase(path.to_path_buf()));
    }
    let mut identity = age::scrypt::Identity::new(passphrase);
    identity.set_max_work_factor(max_work_factor.min(MAX_WORK_FACTOR));
    let plain = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                BackupError::WrongPassphrase(path.to_path_buf())
            }
            age::DecryptError::ExcessiveWork { required, .. } => {
                BackupError::ExcessiveWork(path.to_path_buf(), required)
            }
            other => damaged(other.to_string()),
        })?;
    read_archive(plain, path)
}

/// Reads and checks the decrypted inside of a backup: the tar archive with
/// its manifest and credential files (`path` names it in errors).
pub fn read_archive<R: Read>(plain: R, path: &Path) -> Result<Backup, BackupError> {
    let damaged = |reason: String| BackupError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    // Every entry is read whole; the age stream authenticates each 64 KiB
    // chunk and its end, so truncation or alteration surfaces here as an error.
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let mut archive = tar::Archive::new(plain);
    let entries = archive
        .entries()
        .map_err(|e| damaged(format!("the archive inside is unreadable: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| damaged(e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| damaged(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let cap = if name == MANIFEST {
            MAX_MANIFEST_BYTES
        } else {
            formats::MAX_INPUT_BYTES as u64
        };
        let mut data = Vec::new();
        entry
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| damaged(e.to_string()))?;
        if data.len() as u64 > cap {
            return Err(damaged(format!("{name} is larger than any Satchel writes")));
        }
        files.insert(name, data);
    }
    // Drain to the end so the final chunk's tag is checked (tar stops at its
    // end-of-archive marker, which may come before the last chunk is read).
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink())
        .map_err(|e| damaged(e.to_string()))?;
    let manifest_bytes = files
        .remove(MANIFEST)
        .ok_or_else(|| damaged(format!("no {MANIFEST} inside: not a Satchel backup")))?;
    let version: Version = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| damaged(format!("its manifest is unreadable: {e}")))?;
    if version.format != FORMAT_NAME {
        return Err(damaged(format!(
            "its manifest is not a Satchel backup's (format {:?})",
            version.format
        )));
    }
    if version.version > FORMAT_VERSION {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            found: version.version,
        });
    }
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| damaged(format!("its manifest is unreadable: {e}")))?;
    if let Some(k) = &manifest.holder {
        if holder::did_of_secret(&k.private_key_multibase).as_deref() != Ok(k.did.as_str()) {
            return Err(damaged("its learner key does not match its DID".into()));
        }
    }
    let mut credentials = Vec::with_capacity(manifest.credentials.len());
    for e in manifest.credentials {
        let raw = files
            .remove(&e.file)
            .ok_or_else(|| damaged(format!("{} is missing", e.file)))?;
        if store::sha256_hex(&raw) != e.sha256 {
            return Err(damaged(format!(
                "{} does not match its recorded hash",
                e.file
            )));
        }
        credentials.push(BackupCredential {
            raw,
            content_key: e.content_key,
            source: e.source,
            summary: e.summary,
            report: e.report,
            kept_unverified: e.kept_unverified,
            imported_at: e.imported_at,
        });
    }
    Ok(Backup {
        created_at: manifest.created_at,
        satchel_version: manifest.satchel_version,
        holder: manifest.holder,
        settings: manifest.settings,
        credentials,
    })
}

/// The content key and summary of a backed-up credential by the import rule
/// (computed from its bytes), or as recorded when its bytes no longer parse
/// (a stricter parser must not lose a credential that was kept).
fn identity_of(c: &BackupCredential) -> (String, Summary) {
    let parsed = formats::parse(&c.raw)
        .ok()
        .and_then(|items| items.into_iter().next())
        .and_then(Result::ok);
    match parsed {
        Some(cred) => (import::content_key(&cred), Summary::of(&cred.json)),
        None => (c.content_key.clone(), c.summary.clone()),
    }
}

/// The value a restore stores for a setting the wallet already has: list
/// settings gain the backup's entries they lack (email addresses compared
/// without case; registries by name, the wallet's own kept as they are);
/// any other setting keeps the wallet's value (`None`).
fn merge_setting(key: &str, current: &str, restored: &str) -> Option<String> {
    if key == store::RECIPIENT_EMAILS_SETTING {
        let mut emails: Vec<String> = serde_json::from_str(current).ok()?;
        let theirs: Vec<String> = serde_json::from_str(restored).ok()?;
        for e in theirs {
            if !emails.iter().any(|m| m.eq_ignore_ascii_case(&e)) {
                emails.push(e);
            }
        }
        return serde_json::to_string(&emails).ok();
    }
    if key == registry::SETTING {
        let mut mine: KnownIssuers = serde_json::from_str(current).ok()?;
        let theirs: KnownIssuers = serde_json::from_str(restored).ok()?;
        for r in theirs.registries {
            if !mine.registries.iter().any(|m| m.name == r.name) {
                mine.registries.push(r);
            }
        }
        return serde_json::to_string(&mine).ok();
    }
    None
}

/// Puts a backup into a wallet: new credentials and settings in one
/// transaction (duplicates skipped, nothing overwritten), then the learner
/// key — installed when the wallet has none, swapped only when
/// `use_backup_key`, else reported.
pub fn restore(
    wallet: &mut Wallet,
    backup: &Backup,
    use_backup_key: bool,
    keyring: Option<&dyn SecretStore>,
) -> Result<RestoreReport, BackupError> {
    // Decide about the key first: a damaged key file stops the restore before
    // anything is written.
    let current = Holder::recorded_did(wallet.path())?;
    let identities: Vec<(String, Summary)> = backup.credentials.iter().map(identity_of).collect();
    let done = wallet.restore(
        backup
            .credentials
            .iter()
            .zip(&identities)
            .map(|(c, (key, summary))| {
                (
                    NewCredential {
                        raw: &c.raw,
                        content_key: key,
                        source: &c.source,
                        summary,
                        report: &c.report,
                        kept_unverified: c.kept_unverified,
                    },
                    c.imported_at,
                )
            }),
        &backup.settings,
        merge_setting,
    )?;
    let key = match (&backup.holder, current) {
        (None, _) => KeyOutcome::NoneInBackup,
        (Some(k), None) => {
            let (h, _) = Holder::install_with(wallet.path(), &k.private_key_multibase, keyring)?;
            KeyOutcome::Installed { did: h.did }
        }
        (Some(k), Some(did)) if did == k.did => KeyOutcome::Same { did },
        (Some(k), Some(did)) if !use_backup_key => KeyOutcome::DifferentKept {
            wallet_did: did,
            backup_did: k.did.clone(),
        },
        (Some(k), Some(old_did)) => {
            let (h, aside) =
                Holder::install_with(wallet.path(), &k.private_key_multibase, keyring)?;
            KeyOutcome::Swapped {
                old_did,
                did: h.did,
                old_key_file: aside.unwrap_or_default(),
            }
        }
    };
    Ok(RestoreReport {
        restored: done.added,
        duplicates: done.duplicates,
        settings_added: done.settings_added,
        key,
    })
}

/// Whether the learner should be reminded to back up: the wallet holds
/// credentials and has never been backed up.
pub fn needs_reminder(wallet: &Wallet) -> Result<bool, StoreError> {
    if wallet.setting(LAST_BACKUP_SETTING)?.is_some() {
        return Ok(false);
    }
    let page = wallet.list(&crate::store::ListQuery {
        limit: Some(0),
        ..Default::default()
    })?;
    Ok(page.total > 0)
}
