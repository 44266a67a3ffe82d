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
pub use satchel_verify::input::{check_bytes, Checked};
pub use satchel_verify::report::headline;

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

/// The result of verifying only (nothing stored).
impl From<Checked> for ItemResult {
    fn from(c: Checked) -> ItemResult {
        ItemResult {
            source: c.source,
            outcome: c.report.outcome,
            message: headline(&c.report),
            checks: c.report.checks,
            id: None,
            result: Disposition::Checked,
        }
    }
}

/// Verifies an input without storing it: one result per credential.
pub fn verify_bytes(source: &str, bytes: &[u8], opts: &VerifyOptions) -> Vec<ItemResult> {
    check_bytes(source, bytes, opts)
        .into_iter()
        .map(ItemResult::from)
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

/// Most credentials committed in one transaction by [`import_batch`]: one
/// commit (a WAL write and a full-text index flush) per credential was half
/// of a 10,000-credential import.
pub const GROUP_MAX: usize = 256;

/// Longest [`import_batch`] holds verified credentials before committing
/// them, so progress keeps flowing and an interruption loses little work.
const GROUP_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// Imports a batch of inputs: verified on every core, stored in input order,
/// in groups committed together (at most [`GROUP_MAX`] credentials or
/// [`GROUP_WAIT`] of work; one credential at a time when checks go online,
/// where each may wait on the network). `progress` is told how many inputs
/// are done and the results of the latest one, right after they are
/// committed: nothing is reported stored before it is, so an interrupted
/// batch keeps everything reported and a re-run stores exactly the rest.
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
    let one_by_one = opts.verify.fetcher.online();
    let mut results = Vec::new();
    // Inputs checked but not yet committed: (input index, its staged items).
    let mut group: Vec<(usize, Vec<Staged>)> = Vec::new();
    let mut to_store = 0;
    let mut started = std::time::Instant::now();
    let mut commit = |wallet: &mut Wallet, group: &mut Vec<(usize, Vec<Staged>)>| {
        let (inputs, staged): (Vec<usize>, Vec<Vec<Staged>>) = group.drain(..).unzip();
        let sizes: Vec<usize> = staged.iter().map(Vec::len).collect();
        let mut done =
            store_staged(wallet, staged.into_iter().flatten().collect(), opts).into_iter();
        for (i, n) in inputs.into_iter().zip(sizes) {
            let before = results.len();
            results.extend(done.by_ref().take(n));
            progress(i + 1, &results[before..]);
        }
    };
    check_in_parallel(count, read, &opts.verify, |i, checked| {
        if group.is_empty() {
            started = std::time::Instant::now();
        }
        let staged: Vec<Staged> = match checked {
            Ok(items) => items.into_iter().map(|c| stage(c, opts)).collect(),
            Err(unreadable) => vec![Staged::done(unreadable)],
        };
        to_store += staged.iter().filter(|s| s.store.is_some()).count();
        group.push((i, staged));
        if one_by_one || to_store >= GROUP_MAX || started.elapsed() >= GROUP_WAIT {
            commit(wallet, &mut group);
            to_store = 0;
        }
    });
    commit(wallet, &mut group);
    results
}

/// Verifies and stores every credential in an input.
pub fn import_bytes(
    wallet: &mut Wallet,
    source: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Vec<ItemResult> {
    let staged = check_bytes(source, bytes, &opts.verify)
        .into_iter()
        .map(|checked| stage(checked, opts))
        .collect();
    store_staged(wallet, staged, opts)
}

/// A checked credential on its way into the wallet: its result so far, and
/// what to store when it is to be stored.
struct Staged {
    result: ItemResult,
    store: Option<ToStore>,
}

struct ToStore {
    credential: Credential,
    content_key: String,
    summary: Summary,
    report: Report,
    acceptable: bool,
}

impl Staged {
    fn done(result: ItemResult) -> Staged {
        Staged {
            result,
            store: None,
        }
    }
}

/// Decides whether a checked credential is stored (the module's invariant).
fn stage(checked: Checked, opts: &ImportOptions) -> Staged {
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
    let Ok(credential) = credential else {
        return Staged::done(result);
    };
    let acceptable = matches!(report.outcome, Outcome::Verified | Outcome::Warning);
    if !acceptable && !opts.keep_unverified {
        result.message = format!(
            "Refused: {} (use --keep-unverified to keep it anyway, flagged).",
            result.message
        );
        return Staged::done(result);
    }
    Staged {
        result,
        store: Some(ToStore {
            content_key: content_key(&credential),
            summary: Summary::of(&credential.json),
            credential,
            report,
            acceptable,
        }),
    }
}

/// Stores the staged credentials in one transaction and says what became of
/// each. When the group cannot be stored as a whole, each is tried alone, so
/// the error is reported for the credential that caused it.
fn store_staged(wallet: &mut Wallet, staged: Vec<Staged>, opts: &ImportOptions) -> Vec<ItemResult> {
    let now = opts.verify.now;
    let stored: Vec<Result<Inserted, StoreError>> = {
        let news: Vec<NewCredential<'_>> = staged
            .iter()
            .filter_map(|s| {
                s.store.as_ref().map(|t| NewCredential {
                    raw: &t.credential.raw,
                    content_key: &t.content_key,
                    source: &s.result.source,
                    summary: &t.summary,
                    report: &t.report,
                    kept_unverified: !t.acceptable,
                })
            })
            .collect();
        match news.len() {
            0 => Vec::new(),
            1 => vec![wallet.insert(&news[0], now)],
            _ => match wallet.insert_group(&news, now) {
                Ok(all) => all.into_iter().map(Ok).collect(),
                Err(_) => news.iter().map(|new| wallet.insert(new, now)).collect(),
            },
        }
    };
    let mut stored = stored.into_iter();
    staged
        .into_iter()
        .map(|Staged { mut result, store }| {
            let Some(t) = store else {
                return result;
            };
            let Some(outcome) = stored.next() else {
                return result;
            };
            match outcome {
                Ok(Inserted::New(id)) => {
                    result.id = Some(id);
                    result.result = Disposition::Imported;
                    result.message = if t.acceptable {
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
        })
        .collect()
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
