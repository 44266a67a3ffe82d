//! The wallet: a SQLite file holding every credential the learner keeps.
//!
//! Invariants:
//! - `raw` (table `credential_bytes`, beside the listed row) is the
//!   credential's bytes exactly as received; no statement here ever updates it
//!   (`export-raw` gives back the same bytes).
//! - Each credential is written in one transaction with its summary, search
//!   index entry and latest report, so a crash leaves all of it or none.
//! - The schema only moves forward through [`MIGRATIONS`] (append-only).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::formats::Summary;
use crate::report::{Outcome, Report};

/// Environment variable that selects the wallet file.
pub const WALLET_ENV: &str = "SATCHEL_WALLET";

/// Why the wallet could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error (the message says what to do for the usual causes).
    #[error("{}", describe_sqlite(.0))]
    Sqlite(#[from] rusqlite::Error),
    /// The file is not a Satchel wallet.
    #[error("{path} is not a Satchel wallet ({reason}); Satchel has not changed it. Choose your wallet with --wallet PATH or SATCHEL_WALLET")]
    NotAWallet {
        /// The file.
        path: PathBuf,
        /// What it looks like.
        reason: String,
    },
    /// The wallet was written by a newer Satchel.
    #[error("{path} was written by a newer Satchel (wallet schema {found}; this Satchel knows up to {known}). Update Satchel to open it; the file was not changed")]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The wallet file is damaged.
    #[error("{path} is damaged ({detail}). Satchel has not changed or repaired it: keep a copy of the file, then restore your latest backup into a new wallet (satchel --wallet NEW.sqlite3 restore BACKUP)")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What SQLite found.
        detail: String,
    },
    /// The wallet file is read-only.
    #[error("{0} is read-only, so Satchel cannot record anything in it (it was not changed). Make it writable (chmod u+w) or copy it somewhere writable and pass --wallet")]
    ReadOnly(PathBuf),
    /// The schema could not be brought up to date.
    #[error("wallet schema migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The wallet's folder could not be created.
    #[error("cannot create the wallet folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No home directory to put a default wallet in.
    #[error(
        "no home directory found for the default wallet; pass --wallet PATH or set SATCHEL_WALLET"
    )]
    NoHome,
    /// A stored report could not be read back.
    #[error("stored report for credential {id} is unreadable: {source}")]
    Report {
        /// The credential id.
        id: i64,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// No credential with that id.
    #[error("no credential with id {0} in this wallet")]
    NotFound(i64),
}

/// A sentence for a SQLite error that says what to do about the usual causes.
fn describe_sqlite(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseCorrupt | C::NotADatabase) => format!(
            "the wallet file is damaged ({e}). Satchel has not changed or repaired it: keep a copy of the file, then restore your latest backup into a new wallet (satchel --wallet NEW.sqlite3 restore BACKUP)"
        ),
        Some(C::DiskFull) => format!(
            "the disk is full ({e}): the last change was not saved and the wallet is as it was before. Free some space and try again"
        ),
        Some(C::ReadOnly) => format!(
            "the wallet file is read-only ({e}): nothing was changed. Make it writable (chmod u+w) or copy it somewhere writable and pass --wallet"
        ),
        Some(C::DatabaseBusy | C::DatabaseLocked) => format!(
            "the wallet stayed busy in another Satchel process for too long ({e}); nothing was changed. Try again"
        ),
        Some(C::SystemIoFailure) => format!(
            "the wallet file could not be read or written ({e}): the last change was not saved. Check the disk and its free space, then try again"
        ),
        Some(C::CannotOpen) => format!(
            "the wallet file cannot be opened ({e}): check that its folder exists and that you may write there"
        ),
        _ => format!("wallet database error: {e}"),
    }
}

/// Append-only schema history. Never edit a released entry; add a new one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(
        r#"
CREATE TABLE credentials (
    id               INTEGER PRIMARY KEY,
    raw              BLOB    NOT NULL,
    sha256           TEXT    NOT NULL,
    content_key      TEXT    NOT NULL UNIQUE,
    source           TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    achievement_name TEXT,
    description      TEXT,
    issuer_id        TEXT,
    issuer_name      TEXT,
    subject_id       TEXT,
    valid_from       TEXT,
    valid_until      TEXT,
    summary          TEXT    NOT NULL,
    outcome          TEXT    NOT NULL,
    report           TEXT    NOT NULL,
    verified_at      TEXT    NOT NULL,
    kept_unverified  INTEGER NOT NULL DEFAULT 0,
    imported_at      TEXT    NOT NULL
);
CREATE INDEX credentials_issuer ON credentials(issuer_id);
CREATE INDEX credentials_outcome ON credentials(outcome);
CREATE INDEX credentials_valid_from ON credentials(valid_from);
CREATE INDEX credentials_name ON credentials(name COLLATE NOCASE);

CREATE VIRTUAL TABLE credentials_fts USING fts5(
    name, achievement_name, issuer_name, description,
    content='credentials', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER credentials_ai AFTER INSERT ON credentials BEGIN
    INSERT INTO credentials_fts(rowid, name, achievement_name, issuer_name, description)
    VALUES (new.id, new.name, new.achievement_name, new.issuer_name, new.description);
END;
CREATE TRIGGER credentials_ad AFTER DELETE ON credentials BEGIN
    INSERT INTO credentials_fts(credentials_fts, rowid, name, achievement_name, issuer_name, description)
    VALUES ('delete', old.id, old.name, old.achievement_name, old.issuer_name, old.description);
END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    ),
    // The credential's bytes move out of the row that listing and search read
    // and sort, so that a search matching thousands of credentials does not
    // walk their (large) bytes: 32 ms -> see docs/measurements.md.
    M::up(
        r#"
CREATE TABLE credential_bytes (
    id  INTEGER PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    raw BLOB    NOT NULL
);
INSERT INTO credential_bytes (id, raw) SELECT id, raw FROM credentials;
ALTER TABLE credentials DROP COLUMN raw;
"#,
    ),
];

/// The settings key of the learner's email addresses (a JSON array).
pub const RECIPIENT_EMAILS_SETTING: &str = "recipient_emails";

/// The settings key of the learner's answer about online checks (`true` or
/// `false`; absent until they were asked).
pub const ONLINE_CHECKS_SETTING: &str = "online_checks";

/// Where the wallet lives: `--wallet PATH`, else `$SATCHEL_WALLET`, else the
/// platform's data folder (e.g. `~/.local/share/satchel/wallet.sqlite3`).
pub fn resolve_wallet_path(explicit: Option<&Path>) -> Result<PathBuf, StoreError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(WALLET_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dirs =
        directories::ProjectDirs::from("org", "Satchel", "satchel").ok_or(StoreError::NoHome)?;
    Ok(dirs.data_dir().join("wallet.sqlite3"))
}

/// A credential as listed: its id, summary and latest outcome.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Listed {
    /// The wallet id.
    pub id: i64,
    /// What the credential says about itself.
    #[serde(flatten)]
    pub summary: Summary,
    /// The latest verification outcome.
    pub outcome: Outcome,
    /// When it was last verified.
    pub verified_at: DateTime<Utc>,
    /// Whether it was kept although its signature failed.
    pub kept_unverified: bool,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

/// A stored credential in full.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Listing fields.
    #[serde(flatten)]
    pub listed: Listed,
    /// The bytes exactly as received.
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// SHA-256 of `raw`, hex.
    pub sha256: String,
    /// Where it came from (file name or "pasted text").
    pub source: String,
    /// The latest verification report.
    pub report: Report,
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Newest issue date first.
    #[default]
    DateDesc,
    /// Oldest issue date first.
    DateAsc,
    /// By name, A to Z.
    Name,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Words to find in name, achievement, issuer and description (prefix match).
    pub search: Option<String>,
    /// Only credentials from this issuer id.
    pub issuer: Option<String>,
    /// Only credentials with this outcome.
    pub outcome: Option<Outcome>,
    /// Order.
    pub sort: Sort,
    /// Page size (`None`: all).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: u32,
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// How many credentials match in all.
    pub total: u64,
    /// This page's credentials.
    pub items: Vec<Listed>,
}

/// An issuer present in the wallet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Issuer {
    /// The issuer's DID or URL.
    pub id: String,
    /// Its name as the newest credential gives it.
    pub name: Option<String>,
    /// How many credentials it issued here.
    pub count: u64,
}

/// A credential ready to be stored.
pub struct NewCredential<'a> {
    /// Exact bytes as received.
    pub raw: &'a [u8],
    /// Identity of the content regardless of formatting (e.g. SHA-256 of its JCS form).
    pub content_key: &'a str,
    /// Where it came from.
    pub source: &'a str,
    /// Its summary.
    pub summary: &'a Summary,
    /// Its verification report.
    pub report: &'a Report,
    /// Stored although the signature failed, at the user's request.
    pub kept_unverified: bool,
}

/// What [`Wallet::insert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this new id.
    New(i64),
    /// Already in the wallet under this id; nothing written.
    Duplicate(i64),
}

/// A stored credential as a backup takes it: everything needed to put it
/// back as it was.
#[derive(Debug, Clone)]
pub struct StoredCredential {
    /// The wallet id.
    pub id: i64,
    /// The bytes exactly as received.
    pub raw: Vec<u8>,
    /// Its content key (the duplicate rule).
    pub content_key: String,
    /// Where it came from.
    pub source: String,
    /// Its summary, as stored (JSON).
    pub summary: String,
    /// Its latest report, as stored (JSON).
    pub report: String,
    /// Stored although the signature failed.
    pub kept_unverified: bool,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

/// What [`Wallet::restore`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    /// Credentials added.
    pub added: usize,
    /// Credentials skipped because the wallet already holds them.
    pub duplicates: usize,
    /// Settings added, or lists (emails, registries) that gained entries.
    pub settings_added: usize,
}

/// An open wallet file.
pub struct Wallet {
    conn: Connection,
    path: PathBuf,
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const LISTED_COLUMNS: &str =
    "c.id, c.summary, c.outcome, c.verified_at, c.kept_unverified, c.imported_at";

/// Most matches of a search that are joined to their rows and sorted; above
/// it the sort order's index is walked instead (`Wallet::list`). Joining
/// costs about 2 µs a match, walking about 0.1 µs a stored row.
const SMALL_SEARCH: u64 = 1000;

fn listed_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Listed> {
    let summary: String = row.get(1)?;
    let outcome: String = row.get(2)?;
    let conv = |i: usize, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e)
    };
    Ok(Listed {
        id: row.get(0)?,
        summary: serde_json::from_str(&summary).map_err(|e| conv(1, Box::new(e)))?,
        outcome: Outcome::parse(&outcome)
            .ok_or_else(|| conv(2, format!("unknown outcome {outcome}").into()))?,
        verified_at: row.get(3)?,
        kept_unverified: row.get(4)?,
        imported_at: row.get(5)?,
    })
}

/// Turns user words into a safe FTS5 query: each word becomes a quoted prefix term.
fn fts_query(search: &str) -> Option<String> {
    let terms: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn settings_in(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Inserts one credential inside an open transaction unless its content key
/// is already stored.
fn insert_in(
    tx: &rusqlite::Transaction<'_>,
    new: &NewCredential<'_>,
    imported_at: DateTime<Utc>,
) -> Result<Inserted, StoreError> {
    // Cached statements: an import runs these once per credential.
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM credentials WHERE content_key = ?1")?
        .query_row([new.content_key], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(Inserted::Duplicate(id));
    }
    let s = new.summary;
    let summary_json =
        serde_json::to_string(s).map_err(|source| StoreError::Report { id: 0, source })?;
    let report_json =
        serde_json::to_string(new.report).map_err(|source| StoreError::Report { id: 0, source })?;
    tx.prepare_cached(
        "INSERT INTO credentials (sha256, content_key, source, name, achievement_name, description,
            issuer_id, issuer_name, subject_id, valid_from, valid_until, summary, outcome, report,
            verified_at, kept_unverified, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        sha256_hex(new.raw),
        new.content_key,
        new.source,
        s.name,
        s.achievement_name,
        s.description,
        s.issuer_id,
        s.issuer_name,
        s.subject_id,
        s.valid_from,
        s.valid_until,
        summary_json,
        new.report.outcome.as_str(),
        report_json,
        new.report.checked_at,
        new.kept_unverified,
        imported_at,
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO credential_bytes (id, raw) VALUES (?1, ?2)")?
        .execute(params![id, new.raw])?;
    Ok(Inserted::New(id))
}

impl Wallet {
    /// Opens (creating if needed) the wallet at `path` and migrates its schema.
    ///
    /// Nothing is written to a file that is not a Satchel wallet, that a
    /// newer Satchel wrote, or that is marked read-only: each is a clear
    /// error, and the file is left exactly as it was.
    pub fn open(path: &Path) -> Result<Wallet, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Honour the read-only flag even for users (root) whom it does not stop.
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
            return Err(StoreError::ReadOnly(path.to_path_buf()));
        }
        let latest = MIGRATIONS.len() as i64;
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Read the header before anything is written, in one statement so a
        // Satchel process creating this wallet right now is seen all or not at all.
        let (version, objects): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotAWallet {
                    path: path.to_path_buf(),
                    reason: "it is not a SQLite database".into(),
                },
                _ => StoreError::Sqlite(e),
            })?;
        if version > latest {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                known: latest,
            });
        }
        if version == 0 && objects > 0 {
            return Err(StoreError::NotAWallet {
                path: path.to_path_buf(),
                reason: "it is a SQLite database of another program".into(),
            });
        }
        // A damaged wallet is reported before anything writes into it (a
        // write could bury the damage deeper); nothing here repairs it.
        if version > 0 {
            let verdict = conn
                .query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0))
                .unwrap_or_else(|e| e.to_string());
            if verdict != "ok" {
                return Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: verdict,
                });
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Another Satchel process (the app and the CLI, say) may be setting up
        // the same new wallet right now: its migration wins, ours then finds
        // the schema current. SQLite returns "busy" for these races at once,
        // without waiting, so they are retried here.
        let migrations = Migrations::new(MIGRATIONS.to_vec());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let attempt = conn
                .pragma_update(None, "journal_mode", "WAL")
                .map_err(StoreError::from)
                .and_then(|()| Ok(migrations.to_latest(&mut conn)?));
            match attempt {
                Ok(()) => break,
                Err(e) => {
                    let version: Option<i64> = conn
                        .pragma_query_value(None, "user_version", |r| r.get(0))
                        .ok();
                    // A wallet from a newer Satchel is not ours to touch.
                    if version.is_some_and(|v| v > latest) {
                        return Err(e);
                    }
                    if version == Some(latest) {
                        conn.pragma_update(None, "journal_mode", "WAL")?;
                        break;
                    }
                    if std::time::Instant::now() > deadline {
                        return Err(e);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            }
        }
        Ok(Wallet {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The wallet file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (number of applied migrations).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The id of a stored credential with this content key, if any.
    pub fn find_by_content_key(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM credentials WHERE content_key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stores a credential with its summary, index entry and report in one
    /// transaction, unless the same content is already stored.
    pub fn insert(
        &mut self,
        new: &NewCredential<'_>,
        now: DateTime<Utc>,
    ) -> Result<Inserted, StoreError> {
        // IMMEDIATE: the write lock is taken before the duplicate check, so a
        // concurrent writer makes this wait (busy timeout) instead of failing
        // when the read would have to become a write.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = insert_in(&tx, new, now)?;
        tx.commit()?;
        Ok(inserted)
    }

    /// Stores several credentials in one transaction, each as [`Wallet::insert`]
    /// would (a duplicate of a stored one, or of one earlier in the group, is
    /// skipped). All or none: on an error nothing of the group is stored.
    /// One commit for many credentials is what makes a large import fast.
    pub fn insert_group(
        &mut self,
        group: &[NewCredential<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Inserted>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = group
            .iter()
            .map(|new| insert_in(&tx, new, now))
            .collect::<Result<_, _>>()?;
        tx.commit()?;
        Ok(inserted)
    }

    /// Every stored credential (oldest first) handed to `each`, and then every
    /// setting, read in one snapshot (a backup sees one consistent wallet).
    pub fn export_all<E: From<StoreError>>(
        &self,
        mut each: impl FnMut(StoredCredential) -> Result<(), E>,
    ) -> Result<Vec<(String, String)>, E> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(StoreError::from)?;
        {
            let mut stmt = tx
                .prepare(
                    "SELECT c.id, b.raw, c.content_key, c.source, c.summary, c.report, c.kept_unverified,
                        c.imported_at
                     FROM credentials c JOIN credential_bytes b ON b.id = c.id ORDER BY c.id",
                )
                .map_err(StoreError::from)?;
            let mut rows = stmt.query([]).map_err(StoreError::from)?;
            while let Some(row) = rows.next().map_err(StoreError::from)? {
                let stored = (|| {
                    Ok::<_, rusqlite::Error>(StoredCredential {
                        id: row.get(0)?,
                        raw: row.get(1)?,
                        content_key: row.get(2)?,
                        source: row.get(3)?,
                        summary: row.get(4)?,
                        report: row.get(5)?,
                        kept_unverified: row.get(6)?,
                        imported_at: row.get(7)?,
                    })
                })()
                .map_err(StoreError::from)?;
                each(stored)?;
            }
        }
        let settings = settings_in(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(settings)
    }

    /// Every setting, by key.
    pub fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        settings_in(&self.conn)
    }

    /// Adds restored credentials and settings in one transaction: all of it
    /// or none. A credential whose content key is already stored is skipped
    /// (the import rule). A setting not set yet is added; for one already set,
    /// `merge(key, current, restored)` gives the value to store instead (lists
    /// the backup adds entries to), or `None` to keep the current value.
    pub fn restore<'a>(
        &mut self,
        credentials: impl IntoIterator<Item = (NewCredential<'a>, DateTime<Utc>)>,
        settings: &[(String, String)],
        merge: impl Fn(&str, &str, &str) -> Option<String>,
    ) -> Result<Restored, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Restored::default();
        for (new, imported_at) in credentials {
            match insert_in(&tx, &new, imported_at)? {
                Inserted::New(_) => done.added += 1,
                Inserted::Duplicate(_) => done.duplicates += 1,
            }
        }
        for (key, value) in settings {
            let current: Option<String> = tx
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            let write = match current {
                None => Some(value.clone()),
                Some(current) => merge(key, &current, value).filter(|m| *m != current),
            };
            if let Some(v) = write {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![key, v],
                )?;
                done.settings_added += 1;
            }
        }
        tx.commit()?;
        Ok(done)
    }

    /// Replaces a credential's latest report (the raw bytes are untouched).
    pub fn set_report(&mut self, id: i64, report: &Report) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(report).map_err(|source| StoreError::Report { id, source })?;
        let n = self.conn.execute(
            "UPDATE credentials SET outcome = ?2, report = ?3, verified_at = ?4 WHERE id = ?1",
            params![id, report.outcome.as_str(), json, report.checked_at],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// One credential in full.
    pub fn get(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let sql = format!("SELECT {LISTED_COLUMNS}, b.raw, c.sha256, c.source, c.report FROM credentials c JOIN credential_bytes b ON b.id = c.id WHERE c.id = ?1");
        let row = self
            .conn
            .query_row(&sql, [id], |row| {
                Ok((
                    listed_from_row(row)?,
                    row.get::<_, Vec<u8>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                    row.get::<_, String>(9)?,
                ))
            })
            .optional()?;
        let Some((listed, raw, sha256, source, report)) = row else {
            return Ok(None);
        };
        let report =
            serde_json::from_str(&report).map_err(|source| StoreError::Report { id, source })?;
        Ok(Some(Record {
            listed,
            raw,
            sha256,
            source,
            report,
        }))
    }

    /// The ids of every stored credential, oldest first.
    pub fn ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM credentials ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Lists credentials matching a query, one page at a time.
    ///
    /// A search is planned by how many rows it matched (counted first, in the
    /// full-text index): few are joined to their rows and sorted, many are
    /// found by walking the sort order's index until the page is full.
    pub fn list(&self, q: &ListQuery) -> Result<Page, StoreError> {
        self.list_planned(q, SMALL_SEARCH)
    }

    /// [`Wallet::list`] with the threshold between its two search plans
    /// given (the tests run both plans on one small wallet).
    fn list_planned(&self, q: &ListQuery, small_search: u64) -> Result<Page, StoreError> {
        let mut conditions = Vec::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut from = "credentials c".to_string();
        let search = q.search.as_deref().and_then(fts_query);
        // A search alone is counted in the full-text index, without visiting
        // the rows (over 10x faster on a common word in 100,000 credentials).
        let search_only = search.is_some() && q.issuer.is_none() && q.outcome.is_none();
        if let Some(fts) = search {
            from = "credentials c JOIN credentials_fts f ON f.rowid = c.id".to_string();
            args.push(Box::new(fts));
            conditions.push(format!("credentials_fts MATCH ?{}", args.len()));
        }
        if let Some(issuer) = &q.issuer {
            args.push(Box::new(issuer.clone()));
            conditions.push(format!("c.issuer_id = ?{}", args.len()));
        }
        if let Some(outcome) = q.outcome {
            args.push(Box::new(outcome.as_str()));
            conditions.push(format!("c.outcome = ?{}", args.len()));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let params = rusqlite::params_from_iter(args.iter().map(|a| a.as_ref()));
        let count_sql = if search_only {
            "SELECT count(*) FROM credentials_fts WHERE credentials_fts MATCH ?1".to_string()
        } else {
            format!("SELECT count(*) FROM {from} {filter}")
        };
        let total: u64 = self.conn.query_row(&count_sql, params, |r| r.get(0))?;
        let order = match q.sort {
            Sort::DateDesc => "c.valid_from DESC, c.id DESC",
            Sort::DateAsc => "c.valid_from ASC, c.id ASC",
            Sort::Name => "c.name COLLATE NOCASE ASC, c.id ASC",
        };
        let limit = q.limit.map(i64::from).unwrap_or(-1);
        let offset = q.offset;
        let sql = if search_only && total > small_search {
            // Walk the sort order's index and keep the rows the full-text
            // index matched: a common word stops after one page of rows, where
            // joining every match to its row first took 25-30 ms for 12,500 of
            // 100,000 (docs/measurements.md). A rare word would walk the whole
            // index for a few rows (14-21 ms), so few matches are joined and
            // sorted instead.
            let index = match q.sort {
                Sort::DateDesc | Sort::DateAsc => "credentials_valid_from",
                Sort::Name => "credentials_name",
            };
            format!(
                "SELECT {LISTED_COLUMNS} FROM credentials c WHERE c.id IN (
                   SELECT c.id FROM credentials c INDEXED BY {index}
                   WHERE c.id IN (SELECT rowid FROM credentials_fts WHERE credentials_fts MATCH ?1)
                   ORDER BY {order} LIMIT {limit} OFFSET {offset})
                 ORDER BY {order}"
            )
        } else {
            format!("SELECT {LISTED_COLUMNS} FROM {from} {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}")
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let params = rusqlite::params_from_iter(args.iter().map(|a| a.as_ref()));
        let items = stmt
            .query_map(params, listed_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(Page { total, items })
    }

    /// The issuers present in the wallet, most credentials first.
    pub fn issuers(&self) -> Result<Vec<Issuer>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT issuer_id, max(issuer_name), count(*) FROM credentials
             WHERE issuer_id IS NOT NULL GROUP BY issuer_id ORDER BY count(*) DESC, issuer_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Issuer {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    count: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Removes a credential; `false` when there was none with that id.
    pub fn remove(&mut self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM credentials WHERE id = ?1", [id])?
            > 0)
    }

    /// A wallet setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a wallet setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Removes a wallet setting (back to its default); whether it was set.
    pub fn remove_setting(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])?
            > 0)
    }

    /// Whether the learner allows online checks: `None` until they answered.
    pub fn online_checks(&self) -> Result<Option<bool>, StoreError> {
        Ok(self.setting(ONLINE_CHECKS_SETTING)?.map(|v| v == "true"))
    }

    /// Records the learner's answer about online checks.
    pub fn set_online_checks(&self, allow: bool) -> Result<(), StoreError> {
        self.set_setting(ONLINE_CHECKS_SETTING, if allow { "true" } else { "false" })
    }

    /// The learner's own email addresses (for the `recipient` check of badges
    /// that name their recipient by email), as entered, in order.
    pub fn recipient_emails(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .setting(RECIPIENT_EMAILS_SETTING)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    /// Adds an email address (trimmed; a case-insensitive duplicate is not
    /// added twice). Returns whether it was new.
    pub fn add_recipient_email(&self, email: &str) -> Result<bool, StoreError> {
        let email = email.trim();
        let mut emails = self.recipient_emails()?;
        if emails.iter().any(|e| e.eq_ignore_ascii_case(email)) {
            return Ok(false);
        }
        emails.push(email.to_string());
        self.set_recipient_emails(&emails)?;
        Ok(true)
    }

    /// Removes an email address (case-insensitive). Returns whether it was there.
    pub fn remove_recipient_email(&self, email: &str) -> Result<bool, StoreError> {
        let mut emails = self.recipient_emails()?;
        let before = emails.len();
        emails.retain(|e| !e.eq_ignore_ascii_case(email.trim()));
        self.set_recipient_emails(&emails)?;
        Ok(emails.len() != before)
    }

    /// Replaces the learner's email addresses (trimmed, empty ones dropped,
    /// case-insensitive duplicates kept once).
    pub fn set_recipient_emails(&self, emails: &[String]) -> Result<(), StoreError> {
        let mut kept: Vec<String> = Vec::new();
        for e in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            if !kept.iter().any(|k| k.eq_ignore_ascii_case(e)) {
                kept.push(e.to_string());
            }
        }
        let json = serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into());
        self.set_setting(RECIPIENT_EMAILS_SETTING, &json)
    }

    /// Runs SQLite's integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<Result<(), String>, StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(if result == "ok" { Ok(()) } else { Err(result) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, CheckStatus};

    fn report(outcome_fail: bool) -> Report {
        let status = if outcome_fail {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        Report::from_checks(vec![Check::new("signature", status, "x")], Utc::now())
    }

    fn add(w: &mut Wallet, name: &str, issuer: &str, key: &str) -> Inserted {
        let summary = Summary {
            name: name.into(),
            issuer_id: Some(issuer.into()),
            issuer_name: Some(format!("{issuer} name")),
            description: Some("A café course".into()),
            ..Summary::default()
        };
        let raw = format!("{{\"name\":\"{name}\"}}");
        w.insert(
            &NewCredential {
                raw: raw.as_bytes(),
                content_key: key,
                source: "test",
                summary: &summary,
                report: &report(false),
                kept_unverified: false,
            },
            Utc::now(),
        )
        .unwrap()
    }

    #[test]
    fn a_search_pages_in_the_same_order_as_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.db")).unwrap();
        // Cloud courses on scattered dates (two on one date), names out of
        // date order, and other credentials between them.
        let dates = [
            "2021-05-01",
            "2023-01-01",
            "2020-02-02",
            "2023-01-01",
            "2022-07-07",
            "2019-09-09",
        ];
        for (i, date) in dates.iter().enumerate() {
            for (name, issuer) in [
                (format!("Cloud {}", (b'F' - i as u8) as char), "did:a"),
                (format!("Data {i}"), "did:b"),
            ] {
                let summary = Summary {
                    name: name.clone(),
                    issuer_id: Some(issuer.into()),
                    valid_from: Some(format!("{date}T00:00:00Z")),
                    ..Summary::default()
                };
                w.insert(
                    &NewCredential {
                        raw: name.as_bytes(),
                        content_key: &name,
                        source: "test",
                        summary: &summary,
                        report: &report(false),
                        kept_unverified: false,
                    },
                    Utc::now(),
                )
                .unwrap();
            }
        }
        for sort in [Sort::DateDesc, Sort::DateAsc, Sort::Name] {
            // The whole listing of one issuer (the old path) is the expected order.
            let all = w
                .list(&ListQuery {
                    issuer: Some("did:a".into()),
                    sort,
                    ..Default::default()
                })
                .unwrap();
            let expected: Vec<i64> = all.items.iter().map(|l| l.id).collect();
            assert_eq!(expected.len(), 6);
            // Both search plans: matches joined and sorted (few), and the
            // sort index walked (many; forced here with a threshold of 0).
            for small_search in [SMALL_SEARCH, 0] {
                let mut paged = Vec::new();
                for offset in [0, 4] {
                    let page = w
                        .list_planned(
                            &ListQuery {
                                search: Some("cloud".into()),
                                sort,
                                limit: Some(4),
                                offset,
                                ..Default::default()
                            },
                            small_search,
                        )
                        .unwrap();
                    assert_eq!(page.total, 6);
                    paged.extend(page.items.iter().map(|l| l.id));
                }
                assert_eq!(paged, expected, "{sort:?}, threshold {small_search}");
            }
        }
    }

    #[test]
    fn online_checks_are_unasked_until_answered() {
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(&dir.path().join("w.db")).unwrap();
        assert_eq!(w.online_checks().unwrap(), None);
        w.set_online_checks(false).unwrap();
        assert_eq!(w.online_checks().unwrap(), Some(false));
        w.set_online_checks(true).unwrap();
        assert_eq!(w.online_checks().unwrap(), Some(true));
    }

    #[test]
    fn recipient_emails_are_kept_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        assert!(w.recipient_emails().unwrap().is_empty());
        assert!(w.add_recipient_email(" me@example.org ").unwrap());
        assert!(!w.add_recipient_email("ME@example.org").unwrap());
        assert!(w.add_recipient_email("other@example.org").unwrap());
        assert_eq!(
            w.recipient_emails().unwrap(),
            ["me@example.org", "other@example.org"]
        );
        assert!(w.remove_recipient_email("Me@Example.org").unwrap());
        assert!(!w.remove_recipient_email("nobody@example.org").unwrap());
        assert_eq!(w.recipient_emails().unwrap(), ["other@example.org"]);
    }

    #[test]
    fn migrates_an_empty_file_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/wallet.db");
        let w = Wallet::open(&path).unwrap();
        assert_eq!(w.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(w);
        let w = Wallet::open(&path).unwrap();
        assert_eq!(w.integrity_check().unwrap(), Ok(()));
    }

    #[test]
    fn insert_dedupes_search_filter_remove() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.db")).unwrap();
        let Inserted::New(a) = add(&mut w, "Cloud Computing", "did:a", "k1") else {
            panic!()
        };
        assert_eq!(
            add(&mut w, "Cloud Computing", "did:a", "k1"),
            Inserted::Duplicate(a)
        );
        add(&mut w, "Data Science", "did:b", "k2");
        let all = w.list(&ListQuery::default()).unwrap();
        assert_eq!(all.total, 2);
        let found = w
            .list(&ListQuery {
                search: Some("clou".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            found.items.iter().map(|l| l.id).collect::<Vec<_>>(),
            vec![a]
        );
        // Diacritics fold, and FTS syntax in user text is inert.
        assert_eq!(
            w.list(&ListQuery {
                search: Some("cafe".into()),
                ..Default::default()
            })
            .unwrap()
            .total,
            2
        );
        assert_eq!(
            w.list(&ListQuery {
                search: Some("\"OR* NEAR(".into()),
                ..Default::default()
            })
            .unwrap()
            .total,
            0
        );
        let by_issuer = w
            .list(&ListQuery {
                issuer: Some("did:b".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(by_issuer.items[0].summary.name, "Data Science");
        assert_eq!(w.issuers().unwrap().len(), 2);
        assert!(w.remove(a).unwrap());
        assert!(!w.remove(a).unwrap());
        assert_eq!(
            w.list(&ListQuery {
                search: Some("cloud".into()),
                ..Default::default()
            })
            .unwrap()
            .total,
            0
        );
    }

    #[test]
    fn raw_bytes_round_trip_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.db")).unwrap();
        let raw: Vec<u8> = "{ \"name\" : \"日本語 ®\" }\r\n".bytes().collect();
        let s = Summary {
            name: "x".into(),
            ..Summary::default()
        };
        let Inserted::New(id) = w
            .insert(
                &NewCredential {
                    raw: &raw,
                    content_key: "k",
                    source: "s",
                    summary: &s,
                    report: &report(true),
                    kept_unverified: true,
                },
                Utc::now(),
            )
            .unwrap()
        else {
            panic!()
        };
        let rec = w.get(id).unwrap().unwrap();
        assert_eq!(rec.raw, raw);
        assert_eq!(rec.sha256, sha256_hex(&raw));
        assert!(rec.listed.kept_unverified);
        assert_eq!(rec.report.outcome, Outcome::Failed);
    }

    /// A wallet made before the bytes moved out of the listed row keeps every
    /// credential's bytes exactly; removing a credential removes its bytes.
    #[test]
    fn bytes_move_out_of_the_listed_row_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let raw = b"{ \"old\" : \"bytes \xc2\xae\" }\n".to_vec();
        {
            let mut conn = Connection::open(&path).unwrap();
            Migrations::new(MIGRATIONS[..1].to_vec())
                .to_latest(&mut conn)
                .unwrap();
            conn.execute(
                "INSERT INTO credentials (raw, sha256, content_key, source, name, summary, outcome,
                    report, verified_at, imported_at)
                 VALUES (?1, 'h', 'k', 's', 'Old', '{\"name\":\"Old\"}', 'verified', ?2, ?3, ?3)",
                params![
                    raw,
                    serde_json::to_string(&report(false)).unwrap(),
                    Utc::now()
                ],
            )
            .unwrap();
        }
        let mut w = Wallet::open(&path).unwrap();
        assert_eq!(w.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let id = w.ids().unwrap()[0];
        assert_eq!(w.get(id).unwrap().unwrap().raw, raw);
        let columns: Vec<String> = w
            .conn
            .prepare("SELECT name FROM pragma_table_info('credentials')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!columns.iter().any(|c| c == "raw"), "{columns:?}");
        assert!(w.remove(id).unwrap());
        let left: i64 = w
            .conn
            .query_row("SELECT count(*) FROM credential_bytes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    /// A full disk (SQLite's page limit standing in for it): the write that
    /// does not fit fails with a sentence, and everything before is intact.
    #[test]
    fn a_full_disk_fails_one_write_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.db")).unwrap();
        add(&mut w, "Before", "did:a", "k0");
        let pages: i64 = w
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        w.conn
            .pragma_update(None, "max_page_count", pages + 30)
            .unwrap();
        let big = "x".repeat(20_000);
        let mut stored = 1;
        let err = loop {
            let s = Summary {
                name: format!("Big {stored}"),
                description: Some(big.clone()),
                ..Summary::default()
            };
            let key = format!("big{stored}");
            match w.insert(
                &NewCredential {
                    raw: big.as_bytes(),
                    content_key: &key,
                    source: "t",
                    summary: &s,
                    report: &report(false),
                    kept_unverified: false,
                },
                Utc::now(),
            ) {
                Ok(_) => stored += 1,
                Err(e) => break e,
            }
            assert!(stored < 100, "the page limit was never reached");
        };
        let msg = err.to_string();
        assert!(
            msg.contains("disk is full") && msg.contains("not saved"),
            "{msg}"
        );
        assert_eq!(w.integrity_check().unwrap(), Ok(()));
        assert_eq!(w.ids().unwrap().len(), stored);
        assert_eq!(
            w.list(&ListQuery::default()).unwrap().total as usize,
            stored
        );
    }

    /// Two Satchel processes (the app and the CLI, say) may open a new wallet
    /// at the same moment: both must succeed, one migrating, the other waiting.
    #[test]
    fn simultaneous_first_opens_all_succeed() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("w{round}.db"));
            let barrier = std::sync::Barrier::new(6);
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..6)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            Wallet::open(&path).map(|w| w.list(&ListQuery::default()).is_ok())
                        })
                    })
                    .collect();
                for h in handles {
                    let r = h.join().unwrap();
                    assert!(matches!(r, Ok(true)), "round {round}: {r:?}");
                }
            });
        }
    }
}
