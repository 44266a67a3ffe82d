//! Satchel desktop app: a thin Tauri 2 shell over the `satchel` library.
//!
//! Every rule lives in the library; each command here only locks the wallet,
//! calls the library and turns errors into sentences for the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod desktop;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use satchel::backup::{self, KeyOutcome};
use satchel::export::{self, linkedin, BundleOptions, Share};
use satchel::holder::{Holder, OsKeyring, SecretStore};
use satchel::import::{self, Disposition, ImportOptions, ItemResult};
use satchel::net;
use satchel::qr;
use satchel::receive;
use satchel::report::{Outcome, Report};
use satchel::store::{self, Issuer, ListQuery, Page, Record, Sort, Wallet};
use satchel::verify::VerifyOptions;
use serde::{Deserialize, Serialize};
use tauri::{DragDropEvent, Emitter, Manager, State, WindowEvent};
use tauri_plugin_dialog::DialogExt;

/// Setting key: may the window load credential images from the web?
const ALLOW_REMOTE_IMAGES: &str = "allow_remote_images";

struct AppState {
    wallet: Mutex<Wallet>,
    /// Files dropped on the window are QR images to verify (the page's
    /// "Verify a QR code" dialog is open), not credentials to import.
    drop_is_qr: std::sync::atomic::AtomicBool,
    /// What needed the network while the learner had not yet been asked
    /// about online checks: done again online if they allow it.
    pending: Mutex<Pending>,
}

/// Imports and stored credentials whose checks needed the network before the
/// learner answered the ask-once question.
#[derive(Default)]
struct Pending {
    /// Inputs refused for want of the network (imported again when allowed).
    inputs: Vec<Input>,
    /// Stored credentials with checks left undone (re-verified when allowed).
    ids: Vec<i64>,
}

/// An import's input, kept to import it again.
enum Input {
    Bytes { name: String, bytes: Vec<u8> },
    Path(PathBuf),
}

type CmdResult<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Wallet) -> CmdResult<T>) -> CmdResult<T> {
        let mut w = self.wallet.lock().map_err(|_| {
            "the wallet is busy after an earlier failure; restart Satchel".to_string()
        })?;
        f(&mut w)
    }
}

/// How to verify now for this wallet: online only when the learner allowed
/// it, with the registries they trust and their email addresses.
fn verify_options(w: &Wallet) -> VerifyOptions {
    let online = w.online_checks().ok().flatten() == Some(true);
    let fetcher = net::for_wallet(w.path(), online).unwrap_or_else(|e| {
        eprintln!("satchel: online checks are unavailable: {e}");
        Arc::new(net::Offline)
    });
    let mut opts = VerifyOptions::with_fetcher(Utc::now(), fetcher);
    opts.known_issuers = Arc::new(satchel::registry::load(w).unwrap_or_default());
    opts.recipient_emails = w.recipient_emails().unwrap_or_default();
    opts
}

fn import_options(w: &Wallet) -> ImportOptions {
    ImportOptions {
        keep_unverified: false,
        verify: verify_options(w),
    }
}

/// Whether any check of this result was left undone for want of the network.
fn needs_network(item: &ItemResult) -> bool {
    item.checks.iter().any(|c| c.would_fetch.is_some())
}

impl AppState {
    /// Remembers what an import left undone for want of the network, while
    /// the learner has not answered the question about online checks.
    fn note_pending(&self, w: &Wallet, input: Input, results: &[ItemResult]) {
        if w.online_checks().ok().flatten().is_some() {
            return;
        }
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        let mut refused = false;
        for item in results.iter().filter(|i| needs_network(i)) {
            match (item.result, item.id) {
                (Disposition::Imported | Disposition::Duplicate, Some(id))
                    if !pending.ids.contains(&id) =>
                {
                    pending.ids.push(id);
                }
                (Disposition::Refused, _) => refused = true,
                _ => {}
            }
        }
        if refused {
            pending.inputs.push(input);
        }
    }
}

/// A listing query from the window.
#[derive(Deserialize)]
struct Query {
    search: Option<String>,
    issuer: Option<String>,
    outcome: Option<String>,
    sort: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

#[tauri::command]
fn list_credentials(state: State<'_, AppState>, query: Query) -> CmdResult<Page> {
    let q = ListQuery {
        search: query.search.filter(|s| !s.trim().is_empty()),
        issuer: query.issuer.filter(|s| !s.is_empty()),
        outcome: query.outcome.as_deref().and_then(Outcome::parse),
        sort: match query.sort.as_deref() {
            Some("date-asc") => Sort::DateAsc,
            Some("name") => Sort::Name,
            _ => Sort::DateDesc,
        },
        limit: Some(query.limit.unwrap_or(60).min(500)),
        offset: query.offset.unwrap_or(0),
    };
    state.with(|w| w.list(&q).map_err(err))
}

#[tauri::command]
fn issuers(state: State<'_, AppState>) -> CmdResult<Vec<Issuer>> {
    state.with(|w| w.issuers().map_err(err))
}

/// One credential in full, with its original text for the raw view.
#[derive(Serialize)]
struct Detail {
    #[serde(flatten)]
    record: Record,
    raw_text: String,
}

/// A stored credential, or a sentence saying it is gone.
fn stored(w: &Wallet, id: i64) -> CmdResult<Record> {
    w.get(id)
        .map_err(err)?
        .ok_or_else(|| format!("credential #{id} is no longer in the wallet"))
}

/// One credential, its dates checked against today (a credential that
/// expired since its last check is shown expired; the other checks are as of
/// that check, which the page names).
#[tauri::command]
fn get_credential(state: State<'_, AppState>, id: i64) -> CmdResult<Detail> {
    state.with(|w| {
        let mut record = stored(w, id)?;
        if let Some(Ok(cred)) = satchel::formats::parse(&record.raw)
            .ok()
            .and_then(|items| items.into_iter().next())
        {
            record.report = satchel::verify::with_validity_as_of(&cred, &record.report, Utc::now());
            record.listed.outcome = record.report.outcome;
        }
        let raw_text = String::from_utf8_lossy(&record.raw).into_owned();
        Ok(Detail { record, raw_text })
    })
}

/// Imports pasted text or a file the page read (name is shown as its source).
#[tauri::command]
fn import_data(
    state: State<'_, AppState>,
    name: String,
    bytes: Vec<u8>,
) -> CmdResult<Vec<ItemResult>> {
    state.with(|w| {
        let results = import::import_bytes(w, &name, &bytes, &import_options(w));
        state.note_pending(w, Input::Bytes { name, bytes }, &results);
        Ok(results)
    })
}

fn import_paths(state: &AppState, paths: &[PathBuf]) -> CmdResult<Vec<ItemResult>> {
    state.with(|w| {
        let opts = import_options(w);
        let mut all = Vec::new();
        for path in paths {
            let results = import::import_files(w, std::slice::from_ref(path), &opts);
            state.note_pending(w, Input::Path(path.clone()), &results);
            all.extend(results);
        }
        Ok(all)
    })
}

/// Imports the files Satchel was started with ("Open with"), once: the page
/// asks when its first load is done, and shows the results like any import.
#[tauri::command]
fn import_opened_files(
    state: State<'_, AppState>,
    opened: State<'_, desktop::OpenedFiles>,
) -> CmdResult<Vec<ItemResult>> {
    let paths = std::mem::take(&mut *opened.0.lock().map_err(err)?);
    import_paths(&state, &paths)
}

/// Opens the native file dialog (several files) and imports what was chosen.
#[tauri::command]
async fn import_dialog(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Vec<ItemResult>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Add credentials")
        .add_filter(
            "Credentials and badges",
            &["json", "jsonld", "txt", "png", "svg"],
        )
        .blocking_pick_files();
    let paths: Vec<PathBuf> = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    import_paths(&state, &paths)
}

#[tauri::command]
fn reverify(state: State<'_, AppState>, id: i64) -> CmdResult<Report> {
    state.with(|w| {
        let opts = verify_options(w);
        let report = import::reverify(w, id, &opts).map_err(err)?;
        if w.online_checks().ok().flatten().is_none() && !report.would_fetch().is_empty() {
            if let Ok(mut pending) = state.pending.lock() {
                if !pending.ids.contains(&id) {
                    pending.ids.push(id);
                }
            }
        }
        Ok(report)
    })
}

/// What "Check all now" (or a change that needs every credential checked
/// again) found.
#[derive(Serialize)]
struct CheckedAll {
    checked: usize,
    failed: usize,
    /// Checks left undone for want of the network (online checks are off).
    skipped_offline: usize,
    online: bool,
}

/// Re-runs every check of the stored credentials with `ids`.
fn reverify_ids(w: &mut Wallet, ids: &[i64]) -> CmdResult<CheckedAll> {
    let opts = verify_options(w);
    let mut out = CheckedAll {
        checked: 0,
        failed: 0,
        skipped_offline: 0,
        online: opts.online(),
    };
    for &id in ids {
        let report = import::reverify(w, id, &opts).map_err(err)?;
        out.checked += 1;
        if report.outcome == Outcome::Failed {
            out.failed += 1;
        }
        if !report.would_fetch().is_empty() {
            out.skipped_offline += 1;
        }
    }
    Ok(out)
}

/// "Check all now": re-runs every check of every stored credential.
#[tauri::command]
fn reverify_all(state: State<'_, AppState>) -> CmdResult<CheckedAll> {
    state.with(|w| {
        let ids = w.ids().map_err(err)?;
        reverify_ids(w, &ids)
    })
}

/// What answering the ask-once question did.
#[derive(Serialize)]
struct Answered {
    /// The inputs imported again online (empty when not allowed).
    results: Vec<ItemResult>,
    /// Stored credentials checked again online.
    rechecked: usize,
}

/// The learner's answer to "Check credentials online?" (asked once), or the
/// Settings switch. Allowed: what needed the network is done again online.
#[tauri::command]
fn set_online_checks(state: State<'_, AppState>, allow: bool) -> CmdResult<Answered> {
    let pending = std::mem::take(&mut *state.pending.lock().map_err(err)?);
    state.with(|w| {
        w.set_online_checks(allow).map_err(err)?;
        let mut answered = Answered {
            results: Vec::new(),
            rechecked: 0,
        };
        if !allow {
            return Ok(answered);
        }
        let opts = import_options(w);
        for input in pending.inputs {
            answered.results.extend(match input {
                Input::Bytes { name, bytes } => import::import_bytes(w, &name, &bytes, &opts),
                Input::Path(path) => import::import_files(w, &[path], &opts),
            });
        }
        answered.rechecked = reverify_ids(w, &pending.ids)?.checked;
        Ok(answered)
    })
}

/// Replaces the learner's email addresses (the `recipient` check), then
/// checks again the credentials that name a recipient.
#[tauri::command]
fn set_recipient_emails(state: State<'_, AppState>, emails: Vec<String>) -> CmdResult<Vec<String>> {
    state.with(|w| {
        w.set_recipient_emails(&emails).map_err(err)?;
        let mut named = Vec::new();
        for id in w.ids().map_err(err)? {
            if let Some(rec) = w.get(id).map_err(err)? {
                if rec.report.check(satchel::report::CHECK_RECIPIENT).is_some() {
                    named.push(id);
                }
            }
        }
        reverify_ids(w, &named)?;
        w.recipient_emails().map_err(err)
    })
}

#[tauri::command]
fn remove_credential(state: State<'_, AppState>, id: i64) -> CmdResult<bool> {
    state.with(|w| w.remove(id).map_err(err))
}

/// What the Settings panel shows.
#[derive(Serialize)]
struct Info {
    wallet_path: String,
    version: &'static str,
    did: Option<String>,
    key_file: Option<String>,
    key_storage: Option<String>,
    allow_remote_images: bool,
    /// Whether online checks are allowed; `None` until the learner was asked.
    online_checks: Option<bool>,
    /// The learner's email addresses, for the `recipient` check.
    recipient_emails: Vec<String>,
    learner_name: Option<String>,
    /// When the wallet was last backed up (RFC 3339), if ever.
    last_backup_at: Option<String>,
    /// The verifier page that link codes and LinkedIn links open.
    verifier_url: String,
    /// Whether that is Satchel's published page (the default).
    verifier_url_published: bool,
    /// Satchel's published verifier page.
    published_verifier_url: &'static str,
    /// The wallet holds credentials and was never backed up.
    backup_reminder: bool,
}

#[tauri::command]
fn wallet_info(state: State<'_, AppState>) -> CmdResult<Info> {
    state.with(|w| {
        let holder = Holder::load_or_create(w.path());
        Ok(Info {
            wallet_path: w.path().display().to_string(),
            version: env!("CARGO_PKG_VERSION"),
            did: holder.as_ref().ok().map(|h| h.did.clone()),
            key_file: holder
                .as_ref()
                .ok()
                .map(|h| h.key_file.display().to_string()),
            // Where the key is, or why it cannot be reached (a locked keyring).
            key_storage: Some(match &holder {
                Ok(h) => format!("Kept on this computer only, {}.", h.storage_description()),
                Err(e) => format!("Not available: {e}"),
            }),
            allow_remote_images: w.setting(ALLOW_REMOTE_IMAGES).map_err(err)?.as_deref()
                == Some("true"),
            online_checks: w.online_checks().map_err(err)?,
            recipient_emails: w.recipient_emails().map_err(err)?,
            learner_name: w.setting(export::LEARNER_NAME_SETTING).map_err(err)?,
            last_backup_at: w.setting(backup::LAST_BACKUP_SETTING).map_err(err)?,
            verifier_url: export::verifier_url(w).map_err(err)?.to_string(),
            verifier_url_published: w
                .setting(export::VERIFIER_URL_SETTING)
                .map_err(err)?
                .is_none(),
            published_verifier_url: export::PUBLISHED_VERIFIER_URL,
            backup_reminder: backup::needs_reminder(w).map_err(err)?,
        })
    })
}

/// The passphrase typed in the page, checked (and typed twice for a backup).
fn passphrase(passphrase: String, again: Option<String>) -> CmdResult<backup::SecretString> {
    if passphrase.is_empty() {
        return Err("Type a passphrase you will remember.".into());
    }
    if again.is_some_and(|a| a != passphrase) {
        return Err("The two passphrases differ; type the same one twice.".into());
    }
    Ok(passphrase.into())
}

/// Writes an encrypted backup where the learner says; returns the path, or
/// `None` when cancelled.
#[tauri::command]
async fn backup_wallet(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
    again: String,
) -> CmdResult<Option<String>> {
    let pass = self::passphrase(passphrase, Some(again))?;
    let file_name = format!(
        "satchel-backup-{}.age",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let Some(path) = save_path(&app, &file_name) else {
        return Ok(None);
    };
    state.with(|w| {
        let keyring = OsKeyring::available();
        let holder =
            Holder::load_existing_with(w.path(), keyring.as_ref().map(|k| k as &dyn SecretStore))
                .map_err(err)?;
        backup::write_backup(w, holder.as_ref(), pass, &path, chrono::Utc::now()).map_err(err)
    })?;
    Ok(Some(path.display().to_string()))
}

/// Restores a backup the learner picks into this wallet; returns a sentence
/// saying what was done, or `None` when cancelled.
#[tauri::command]
async fn restore_wallet(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
    use_backup_key: bool,
) -> CmdResult<Option<String>> {
    let pass = self::passphrase(passphrase, None)?;
    let picked = match std::env::var_os("SATCHEL_OPEN_FILE") {
        Some(p) => Some(PathBuf::from(p)),
        None => app
            .dialog()
            .file()
            .set_title("Restore a Satchel backup")
            .add_filter("Satchel backup (age)", &["age"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = picked else {
        return Ok(None);
    };
    // Decrypted and checked before the wallet is touched.
    let read = backup::read_backup(&path, pass).map_err(err)?;
    let report = state.with(|w| {
        let keyring = OsKeyring::available();
        backup::restore(
            w,
            &read,
            use_backup_key,
            keyring.as_ref().map(|k| k as &dyn SecretStore),
        )
        .map_err(err)
    })?;
    let key = match report.key {
        KeyOutcome::NoneInBackup => "The backup holds no key; yours is unchanged.".to_string(),
        KeyOutcome::Installed { did } => format!("Your key ({did}) is restored."),
        KeyOutcome::Same { .. } => "Your key is the same as in the backup.".to_string(),
        KeyOutcome::DifferentKept { backup_did, .. } => format!(
            "The backup holds another key ({backup_did}); this wallet keeps its own. Tick \"Use the backup's key\" and restore again to switch."
        ),
        KeyOutcome::Swapped { did, old_key_file, .. } => format!(
            "Your key is now the backup's ({did}); the previous key is kept in {}.",
            old_key_file.display()
        ),
    };
    Ok(Some(format!(
        "Restored {} credentials ({} already here were skipped). {key}",
        report.restored, report.duplicates
    )))
}

#[tauri::command]
fn set_allow_remote_images(state: State<'_, AppState>, allow: bool) -> CmdResult<()> {
    state.with(|w| {
        w.set_setting(ALLOW_REMOTE_IMAGES, if allow { "true" } else { "false" })
            .map_err(err)
    })
}

/// What the Share dialog asks for.
#[derive(Deserialize)]
struct ShareRequest {
    ids: Vec<i64>,
    /// `bundle` or `portfolio`.
    kind: String,
    challenge: Option<String>,
    domain: Option<String>,
    learner_name: Option<String>,
}

/// Where a shared file goes: the native save dialog, or, when the
/// `SATCHEL_SAVE_DIR` folder is set (scripted and end-to-end runs), that folder.
fn save_path(app: &tauri::AppHandle, file_name: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SATCHEL_SAVE_DIR") {
        return Some(PathBuf::from(dir).join(file_name));
    }
    let (label, ext) = if file_name.ends_with(".html") {
        ("Portfolio (HTML)", "html")
    } else if file_name.ends_with(".age") {
        ("Satchel backup (age)", "age")
    } else {
        ("Verification bundle (JSON)", "json")
    };
    app.dialog()
        .file()
        .set_title("Save what you share")
        .set_file_name(file_name)
        .add_filter(label, &[ext])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Makes a bundle or portfolio of the chosen credentials and saves it where
/// the learner says; returns the path written, or `None` when cancelled.
#[tauri::command]
async fn share_export(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: ShareRequest,
) -> CmdResult<Option<String>> {
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (share, file_name) = match request.kind.as_str() {
        "bundle" => (
            Share::Bundle(BundleOptions {
                challenge: nonempty(request.challenge),
                domain: nonempty(request.domain),
            }),
            "satchel-bundle.json",
        ),
        "portfolio" => (
            Share::Portfolio {
                learner: nonempty(request.learner_name),
            },
            "portfolio.html",
        ),
        other => return Err(format!("unknown kind of share {other:?}")),
    };
    // Make the file first: a mistake is reported before asking where to save.
    let bytes = state.with(|w| {
        let holder = Holder::load_or_create(w.path()).map_err(err)?;
        let opts = verify_options(w);
        match export::share(w, &holder, &request.ids, &share, &opts) {
            Err(export::ExportError::NoLearnerName) => {
                Err("Type your name as it should appear on the portfolio.".to_string())
            }
            other => other.map_err(err),
        }
    })?;
    let Some(path) = save_path(&app, file_name) else {
        return Ok(None);
    };
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some(path.display().to_string()))
}

// ---- receiving from an issuer's link ------------------------------------

/// What the consent dialog shows for a link: who, what would be sent. Read
/// from the link alone: nothing goes on the network, nothing is signed.
#[tauri::command]
fn preview_link(state: State<'_, AppState>, link: String) -> CmdResult<receive::Preview> {
    let did = state.with(|w| Ok(Holder::load_or_create(w.path()).map_err(err)?.did))?;
    receive::preview(&link, &did).map_err(err)
}

/// What a receive did, for the results panel.
#[derive(Serialize)]
struct Received {
    /// Each credential that arrived, stored or refused (as an import's).
    items: Vec<ItemResult>,
    /// The other party as it ended (an OpenID4VCI issuer's display name).
    party: Option<receive::Party>,
    /// Where the issuer asks the learner to go next.
    redirect_url: Option<String>,
    /// Why it stopped early, after the credentials in `items` arrived.
    error: Option<String>,
    /// The offer asks for a transaction code and none was given: nothing
    /// was sent; the dialog asks for it.
    tx_code_needed: Option<receive::oid4vci::TxCodeAsk>,
}

/// The app's side of [`receive::Consent`]: the learner agreed in the dialog
/// (Accept) before this runs; what is sent is logged, credentials kept.
struct AppConsent {
    items: Vec<ItemResult>,
    tx_code: Option<String>,
    asked: Option<receive::oid4vci::TxCodeAsk>,
}

impl receive::Consent for AppConsent {
    fn contacting(&mut self, party: &receive::Party) {
        eprintln!("satchel-app: contacting {party}");
    }
    fn sending(&mut self, party: &receive::Party, what: &str) {
        eprintln!("satchel-app: sending {what} to {party}");
    }
    fn received(&mut self, item: &ItemResult) {
        self.items.push(item.clone());
    }
    fn tx_code(
        &mut self,
        _party: &receive::Party,
        ask: &receive::oid4vci::TxCodeAsk,
    ) -> Option<String> {
        self.asked = Some(ask.clone());
        self.tx_code.take().filter(|c| !c.trim().is_empty())
    }
}

/// Receives what the link offers, after the learner accepted in the consent
/// dialog: the library's `receive` (each credential verified and stored as
/// an import is), on a worker thread and its own connection to the wallet,
/// so the window stays responsive while the issuer answers.
#[tauri::command]
async fn receive_link(
    state: State<'_, AppState>,
    link: String,
    tx_code: Option<String>,
) -> CmdResult<Received> {
    let (path, iopts) = state.with(|w| Ok((w.path().to_path_buf(), import_options(w))))?;
    let job = tauri::async_runtime::spawn_blocking(move || -> CmdResult<(Received, bool)> {
        let holder = Holder::load_or_create(&path).map_err(err)?;
        let mut wallet = Wallet::open(&path).map_err(err)?;
        let client = net::http::HttpsFetcher::from_env(None).map_err(err)?;
        let asked_online = wallet.online_checks().ok().flatten().is_some();
        let ctx = receive::Context {
            client: &client,
            holder: &holder,
            now: Utc::now(),
        };
        let mut sink = receive::Sink {
            wallet: &mut wallet,
            import: &iopts,
            keep_other_subject: false,
        };
        let mut ui = AppConsent {
            items: Vec::new(),
            tx_code,
            asked: None,
        };
        let result = receive::receive(&link, &ctx, &mut sink, &mut ui);
        let mut out = Received {
            items: Vec::new(),
            party: None,
            redirect_url: None,
            error: None,
            tx_code_needed: None,
        };
        match result {
            Ok(done) => {
                out.party = Some(done.party);
                out.redirect_url = done.redirect_url;
            }
            Err(receive::ReceiveError::TxCodeNeeded) => {
                out.tx_code_needed = Some(ui.asked.take().unwrap_or_default());
            }
            Err(e) if ui.items.is_empty() => return Err(e.to_string()),
            Err(e) => out.error = Some(e.to_string()),
        }
        out.items = ui.items;
        Ok((out, asked_online))
    });
    let (received, asked_online) = job.await.map_err(err)??;
    // Checks left undone for want of the network are done again if the
    // learner allows online checks (as for an import).
    if !asked_online {
        if let Ok(mut pending) = state.pending.lock() {
            for item in received.items.iter().filter(|i| needs_network(i)) {
                if let Some(id) = item.id.filter(|id| !pending.ids.contains(id)) {
                    pending.ids.push(id);
                }
            }
        }
    }
    Ok(received)
}

/// The links Satchel was launched with, once: the page shows each in the
/// consent dialog.
#[tauri::command]
fn opened_links(opened: State<'_, desktop::OpenedLinks>) -> CmdResult<Vec<String>> {
    Ok(std::mem::take(&mut *opened.0.lock().map_err(err)?))
}

/// One code of a credential's QR for Present mode.
#[derive(Serialize)]
struct QrPartOut {
    /// The code as SVG, quiet zone included.
    svg: String,
    /// Modules a side including the 4-module quiet zones, so the page can
    /// draw a whole number of screen pixels a module.
    modules: usize,
    version: i16,
}

/// A credential's QR code for Present mode: one code or numbered parts.
#[derive(Serialize)]
struct QrOut {
    parts: Vec<QrPartOut>,
    ec_level: char,
    name: String,
    /// `link` (any phone camera opens the verifier page) or `satchel`.
    form: &'static str,
    /// The verifier page the link opens (link form).
    verifier_url: Option<String>,
    /// Why the link form could not be made, when the Satchel code is shown
    /// instead of the link asked for.
    link_error: Option<String>,
}

/// The code Present mode shows: `form` `link` (the default: a phone camera
/// opens the verifier page) or `satchel` (read by Satchel). A credential too
/// large for one link code gets its Satchel code, with the reason.
#[tauri::command]
fn qr_code(state: State<'_, AppState>, id: i64, form: Option<String>) -> CmdResult<QrOut> {
    state.with(|w| {
        let rec = stored(w, id)?;
        let want_link = form.as_deref() != Some("satchel");
        let mut link_error = None;
        let mut verifier_url = None;
        let mut code = None;
        if want_link {
            let url = export::verifier_url(w).map_err(err)?;
            match qr::encode_link(&rec.raw, &url) {
                Ok(c) => {
                    code = Some(c);
                    verifier_url = Some(url.to_string());
                }
                Err(qr::QrError::LinkTooLarge { .. }) => {
                    link_error = Some(
                        "Too large for one phone-camera code, so this is its Satchel code. To share it with any phone, send a portfolio (Share…).".into(),
                    )
                }
                Err(e) => link_error = Some(format!("No phone-camera code: {e}.")),
            }
        }
        let code = match code {
            Some(c) => c,
            None => qr::encode(&rec.raw).map_err(err)?,
        };
        Ok(QrOut {
            ec_level: code.ec_level(),
            form: if code.link.is_some() {
                "link"
            } else {
                "satchel"
            },
            parts: code
                .parts
                .iter()
                .map(|p| QrPartOut {
                    svg: p.svg(),
                    modules: p.width() + 8,
                    version: p.version(),
                })
                .collect(),
            name: rec.listed.summary.name,
            verifier_url,
            link_error,
        })
    })
}

/// Sets the verifier page (checked), or back to the published one with
/// `None`; returns the address now in force.
#[tauri::command]
fn set_verifier_url(state: State<'_, AppState>, url: Option<String>) -> CmdResult<String> {
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    state.with(|w| {
        export::set_verifier_url(w, url.as_deref())
            .map(|u| u.to_string())
            .map_err(err)
    })
}

/// LinkedIn's add-to-profile link for a credential, with each field (the
/// detail view shows them with copy buttons: LinkedIn may ignore the prefill).
#[tauri::command]
fn linkedin_link(state: State<'_, AppState>, id: i64) -> CmdResult<linkedin::AddToProfile> {
    state.with(|w| {
        let rec = stored(w, id)?;
        let url = export::verifier_url(w).map_err(err)?;
        Ok(linkedin::add_to_profile(
            &rec.raw,
            &rec.listed.summary,
            &url,
        ))
    })
}

/// Opens LinkedIn's add-to-profile form for a credential in the system
/// browser, when the learner clicks. The link is built here, never taken
/// from the page.
#[tauri::command]
fn open_linkedin(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let link = linkedin_link(state, id)?;
    desktop::open_in_browser(&link.url)
}

/// An image the page read from a file, a drop or the clipboard.
#[derive(Deserialize)]
struct QrImage {
    name: String,
    bytes: Vec<u8>,
}

/// Reads the QR codes in the images (the parts of a multi-part code in any
/// order) and verifies each credential they carry.
#[tauri::command]
fn verify_qr_images(
    state: State<'_, AppState>,
    images: Vec<QrImage>,
) -> CmdResult<Vec<ItemResult>> {
    Ok(verify_qr(&state, images))
}

/// Verifies QR images as someone else's credentials: online only when the
/// learner allowed it, and without their email addresses (the badge is not
/// theirs, so "issued to someone else" would say nothing).
fn verify_qr(state: &AppState, images: Vec<QrImage>) -> Vec<ItemResult> {
    let mut opts = state
        .with(|w| Ok(verify_options(w)))
        .unwrap_or_else(|_| VerifyOptions::offline_now());
    opts.recipient_emails.clear();
    let images: Vec<(String, Vec<u8>)> = images.into_iter().map(|i| (i.name, i.bytes)).collect();
    qr::read_images(&images)
        .into_iter()
        .flat_map(|found| match found.result {
            Ok(cred) => import::verify_bytes(&found.source, &cred, &opts),
            Err(e) => vec![import::unreadable(found.source, e.to_string(), opts.now)],
        })
        .collect()
}

/// Where files dropped on the window go: QR verification while the page's
/// "Verify a QR code" dialog is open, else import.
#[tauri::command]
fn set_drop_target(state: State<'_, AppState>, qr: bool) {
    state
        .drop_is_qr
        .store(qr, std::sync::atomic::Ordering::Relaxed);
}

/// Verifies the QR codes in dropped image files (size-capped reads).
fn verify_qr_paths(state: &AppState, paths: &[PathBuf]) -> Vec<ItemResult> {
    let now = Utc::now();
    let mut items = Vec::new();
    let mut images = Vec::new();
    for p in paths {
        let source = p.display().to_string();
        match import::read_limited(p) {
            Ok(bytes) => images.push(QrImage {
                name: source,
                bytes,
            }),
            Err(msg) => items.push(import::unreadable(source, msg, now)),
        }
    }
    items.extend(verify_qr(state, images));
    items
}

/// Set in `main`: when the process started, for the first-paint report.
static LAUNCHED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// The page reports its first paint of the wallet: logged on stderr (the
/// start-up time the README quotes), and the app quits when
/// `SATCHEL_EXIT_AFTER_FIRST_PAINT` is set, so start-up can be timed by a script.
#[tauri::command]
fn first_paint(app: tauri::AppHandle, cards: u32) {
    if let Some(t) = LAUNCHED.get() {
        eprintln!(
            "satchel-app: first paint of the wallet ({cards} cards) {} ms after launch",
            t.elapsed().as_millis()
        );
    }
    if std::env::var_os("SATCHEL_EXIT_AFTER_FIRST_PAINT").is_some() {
        app.exit(0);
    }
}

#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

fn main() {
    LAUNCHED.get_or_init(std::time::Instant::now);
    // `--wallet=PATH` (tests open fresh wallets this way), else as the CLI.
    let wallet_arg = std::env::args_os().skip(1).find_map(|a| {
        a.to_str()
            .and_then(|a| a.strip_prefix("--wallet="))
            .map(PathBuf::from)
    });
    let wallet_path = match store::resolve_wallet_path(wallet_arg.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("satchel: {e}");
            std::process::exit(2);
        }
    };
    let wallet = match Wallet::open(&wallet_path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("satchel: cannot open wallet {}: {e}", wallet_path.display());
            std::process::exit(2);
        }
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let opened = desktop::launch_args(std::env::args_os().skip(1), &cwd);
    let context = tauri::generate_context!();
    let instance = desktop::instance(&context.config().identifier, &wallet_path);
    let mut window_state = tauri_plugin_window_state::Builder::new();
    if let Some(file) = instance.window_state_file {
        window_state = window_state.with_filename(file);
    }
    tauri::Builder::default()
        // First: a second launch on the same wallet hands its files over and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance.dbus_id)
                .callback(desktop::second_launch)
                .build(),
        )
        .plugin(window_state.build())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            wallet: Mutex::new(wallet),
            drop_is_qr: std::sync::atomic::AtomicBool::new(false),
            pending: Mutex::default(),
        })
        .manage(desktop::OpenedFiles(Mutex::new(opened.files)))
        .manage(desktop::OpenedLinks(Mutex::new(opened.links)))
        .menu(desktop::menu)
        .setup(|app| {
            let handle = app.handle().clone();
            if let Some(window) = app.get_webview_window("main") {
                // Files dropped on the window: read and imported in Rust, results sent to the page.
                window.on_window_event(move |event| {
                    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                        let state = handle.state::<AppState>();
                        if state.drop_is_qr.load(std::sync::atomic::Ordering::Relaxed) {
                            let _ = handle.emit("qr-results", verify_qr_paths(&state, paths));
                        } else {
                            let results = import_paths(&state, paths);
                            let _ = handle.emit("import-results", results);
                        }
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            list_credentials,
            issuers,
            get_credential,
            import_data,
            import_dialog,
            import_opened_files,
            opened_links,
            preview_link,
            receive_link,
            reverify,
            reverify_all,
            set_online_checks,
            set_recipient_emails,
            remove_credential,
            wallet_info,
            set_allow_remote_images,
            qr_code,
            set_verifier_url,
            linkedin_link,
            open_linkedin,
            verify_qr_images,
            set_drop_target,
            share_export,
            backup_wallet,
            restore_wallet,
            first_paint,
        ])
        .run(context)
        .unwrap_or_else(|e| {
            eprintln!("satchel: the window could not start: {e}");
            std::process::exit(1);
        });
}
