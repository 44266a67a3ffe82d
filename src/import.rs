//! Composing the flow: bytes → parsed credentials → reports → stored records.
//!
//! Invariant: a credential is stored only when it verified (or only warns),
//! or when the user asked to keep unverified ones, in which case it is
//! flagged. Refused input is reported and never written.

use serde::Serialize;

use crate::canon;
use crate::formats::{self, Credential, Summary};
use crate::store::{Inserted, NewCredential, StoreError, Wallet};
use crate::verify::{self, Check, Outcome, Report, VerifyOptions};

/// How an import behaves.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Store credentials that failed verification (flagged as such).
    pub keep_unverified: bool,
    /// How to verify.
    pub verify: VerifyOptions,
}

/// What happened to one input item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Stored as a new credential.
    Imported,
    /// Already in the wallet; nothing stored.
    Duplicate,
    /// Not stored: unreadable, or it did not verify.
    Refused,
    /// Verified only (the `verify` command).
    Checked,
    /// The wallet failed while storing it.
    Error,
}

/// The per-item result printed by `import --json` and `verify --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// The input path (with `[n]` for elements of an array).
    pub source: String,
    /// The overall outcome of its verification.
    pub outcome: Outcome,
    /// The checks that ran.
    pub checks: Vec<Check>,
    /// Its id in the wallet, when stored.
    pub id: Option<i64>,
    /// What was done with it.
    pub result: Disposition,
    /// A sentence for people.
    pub message: String,
}

impl ItemResult {
    /// Whether this item counts as a success for the exit code.
    pub fn ok(&self) -> bool {
        match self.result {
            Disposition::Imported | Disposition::Duplicate => true,
            Disposition::Checked => matches!(self.outcome, Outcome::Verified | Outcome::Warning),
            Disposition::Refused | Disposition::Error => false,
        }
    }
}

/// A credential read and verified, not yet stored.
pub struct Checked {
    /// Where it came from.
    pub source: String,
    /// The credential, or why the input is unreadable.
    pub credential: Result<Credential, formats::FormatError>,
    /// Its report.
    pub report: Report,
}

/// Reads and verifies every credential in an input.
pub fn check_bytes(source: &str, bytes: &[u8], opts: &VerifyOptions) -> Vec<Checked> {
    let items = match formats::parse(bytes) {
        Ok(items) => items,
        Err(e) => {
            let report = Report::unreadable(&format!("Not a readable credential: {e}."), opts.now);
            return vec![Checked {
                source: source.to_string(),
                credential: Err(e),
                report,
            }];
        }
    };
    let many = items.len() > 1;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let source = if many {
                format!("{source}[{i}]")
            } else {
                source.to_string()
            };
            let report = match &item {
                Ok(cred) => verify::verify_credential(cred, opts),
                Err(e) => Report::unreadable(&format!("Not a readable credential: {e}."), opts.now),
            };
            Checked {
                source,
                credential: item,
                report,
            }
        })
        .collect()
}

/// An item for an input that could not be read at all (missing file, I/O error).
pub fn unreadable(
    source: String,
    message: String,
    now: chrono::DateTime<chrono::Utc>,
) -> ItemResult {
    let report = Report::unreadable(&message, now);
    ItemResult {
        source,
        outcome: report.outcome,
        checks: report.checks,
        id: None,
        result: Disposition::Refused,
        message,
    }
}

/// Reads an input (`what` names it in the error), never past one byte over
/// the input size limit: the parser then reports it as too large.
pub fn read_capped(input: impl std::io::Read, what: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut buf = Vec::new();
    input
        .take(formats::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map(|_| buf)
        .map_err(|e| format!("cannot read {what}: {e}"))
}

/// Reads an input file with [`read_capped`].
pub fn read_limited(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let what = path.display().to_string();
    std::fs::File::open(path)
        .map_err(|e| format!("cannot read {what}: {e}"))
        .and_then(|f| read_capped(f, &what))
}

impl Checked {
    /// The result of verifying only (nothing stored).
    pub fn into_result(self) -> ItemResult {
        ItemResult {
            source: self.source,
            outcome: self.report.outcome,
            message: headline(&self.report),
            checks: self.report.checks,
            id: None,
            result: Disposition::Checked,
        }
    }
}

/// Verifies an input without storing it: one result per credential.
pub fn verify_bytes(source: &str, bytes: &[u8], opts: &VerifyOptions) -> Vec<ItemResult> {
    check_bytes(source, bytes, opts)
        .into_iter()
        .map(Checked::into_result)
        .collect()
}

/// Reads files and imports every credential in them (see [`import_batch`]).
pub fn import_files(
    wallet: &mut Wallet,
    paths: &[std::path::PathBuf],
    opts: &ImportOptions,
) -> Vec<ItemResult> {
    let read = |i: usize| (paths[i].display().to_string(), read_limited(&paths[i]));
    import_batch(wallet, paths.len(), read, opts, |_, _| {})
}

/// A sentence summing up a report: the first failing check, or the outcome.
pub fn headline(report: &Report) -> String {
    use crate::verify::CheckStatus;
    let worst = report
        .checks
        .iter()
        .find(|c| c.status == CheckStatus::Fail)
        .or_else(|| {
            report
                .checks
                .iter()
                .find(|c| c.check == verify::CHECK_SIGNATURE && c.status == CheckStatus::Skip)
        })
        .or_else(|| report.checks.iter().find(|c| c.status == CheckStatus::Warn));
    match worst {
        Some(c) => c.message.clone(),
        None => "Verified.".to_string(),
    }
}

/// The identity of a credential's content, whatever its formatting: the
/// SHA-256 of its JCS form. Re-indented copies are duplicates.
pub fn content_key(cred: &Credential) -> String {
    match canon::jcs(&cred.json) {
        Ok(c) => crate::store::sha256_hex(c.as_bytes()),
        // JCS only fails on numbers it cannot represent; fall back to the bytes.
        Err(_) => crate::store::sha256_hex(&cred.raw),
    }
}

/// One input of a batch: its name, and its bytes or why they could not be read.
pub type Input = (String, Result<Vec<u8>, String>);

/// Reads and verifies `count` inputs on every core, and hands each input's
/// credentials to `sink` on the calling thread, in input order. Verification
/// is the slow part and needs no wallet, so it runs in parallel; whatever
/// `sink` does (storing) stays on one thread, in order. An input that could
/// not be read reaches `sink` as its final result.
pub fn check_in_parallel<R, S>(count: usize, read: R, opts: &VerifyOptions, sink: S)
where
    R: Fn(usize) -> Input + Sync,
    S: FnMut(usize, Result<Vec<Checked>, ItemResult>),
{
    let check = |i: usize| {
        let (source, bytes) = read(i);
        match bytes {
            Ok(bytes) => Ok(check_bytes(&source, &bytes, opts)),
            Err(msg) => Err(unreadable(source, msg, opts.now)),
        }
    };
    crate::parallel::map_ordered(count, check, sink);
}

/// Imports a batch of inputs: verified on every core, stored in input order,
/// each credential in its own transaction (so an interrupted batch keeps
/// everything stored before). `progress` is told how many inputs are done and
/// the results of the latest one, right after they are committed.
pub fn import_batch<R>(
    wallet: &mut Wallet,
    count: usize,
    read: R,
    opts: &ImportOptions,
    mut progress: impl FnMut(usize, &[ItemResult]),
) -> Vec<ItemResult>
where
    R: Fn(usize) -> Input + Sync,
{
    let mut results = Vec::new();
    check_in_parallel(count, read, &opts.verify, |i, checked| {
        let before = results.len();
        match checked {
            Ok(items) => results.extend(items.into_iter().map(|c| store_checked(wallet, c, opts))),
            Err(unreadable) => results.push(unreadable),
        }
        progress(i + 1, &results[before..]);
    });
    results
}

/// Verifies and stores every credential in an input.
pub fn import_bytes(
    wallet: &mut Wallet,
    source: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Vec<ItemResult> {
    check_bytes(source, bytes, &opts.verify)
        .into_iter()
        .map(|checked| store_checked(wallet, checked, opts))
        .collect()
}

fn store_checked(wallet: &mut Wallet, checked: Checked, opts: &ImportOptions) -> ItemResult {
    let Checked {
        source,
        credential,
        report,
    } = checked;
    let mut result = ItemResult {
        source,
        outcome: report.outcome,
        checks: report.checks.clone(),
        id: None,
        result: Disposition::Refused,
        message: headline(&report),
    };
    let Ok(cred) = credential else {
        return result;
    };
    let acceptable = matches!(report.outcome, Outcome::Verified | Outcome::Warning);
    if !acceptable && !opts.keep_unverified {
        result.message = format!(
            "Refused: {} (use --keep-unverified to keep it anyway, flagged).",
            result.message
        );
        return result;
    }
    let key = content_key(&cred);
    let summary = Summary::of(&cred.json);
    let stored = wallet.insert(
        &NewCredential {
            raw: &cred.raw,
            content_key: &key,
            source: &result.source,
            summary: &summary,
            report: &report,
            kept_unverified: !acceptable,
        },
        opts.verify.now,
    );
    match stored {
        Ok(Inserted::New(id)) => {
            result.id = Some(id);
            result.result = Disposition::Imported;
            result.message = if acceptable {
                format!("Imported: {}", result.message)
            } else {
                format!("Kept unverified (flagged): {}", result.message)
            };
        }
        Ok(Inserted::Duplicate(id)) => {
            result.id = Some(id);
            result.result = Disposition::Duplicate;
            result.message = format!("Already in the wallet as #{id}; nothing stored.");
        }
        Err(e) => {
            result.result = Disposition::Error;
            result.message = format!("Could not store it: {e}.");
        }
    }
    result
}

/// Why a stored credential could not be re-verified.
#[derive(Debug, thiserror::Error)]
pub enum ReverifyError {
    /// The wallet failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored bytes no longer parse (they are never changed, so this means
    /// the parser got stricter than when it was imported).
    #[error("stored credential {id} no longer reads as a credential: {source}")]
    Unreadable {
        /// The id.
        id: i64,
        /// The format error.
        source: formats::FormatError,
    },
}

/// Verifies a stored credential again and records the new report.
pub fn reverify(
    wallet: &mut Wallet,
    id: i64,
    opts: &VerifyOptions,
) -> Result<Report, ReverifyError> {
    let record = wallet.get(id)?.ok_or(StoreError::NotFound(id))?;
    let cred = formats::parse(&record.raw)
        .and_then(|items| {
            items
                .into_iter()
                .next()
                .unwrap_or(Err(formats::FormatError::Empty))
        })
        .map_err(|source| ReverifyError::Unreadable { id, source })?;
    let report = verify::verify_credential(&cred, opts);
    wallet.set_report(id, &report)?;
    Ok(report)
}
