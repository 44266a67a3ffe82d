//! Satchel desktop app: a thin Tauri 2 shell over the `satchel` library.
//!
//! Every rule lives in the library; each command here only locks the wallet,
//! calls the library and turns errors into sentences for the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod desktop;

use std::path::PathBuf;
use std::sync::Mutex;

use satchel::backup::{self, KeyOutcome};
use satchel::export::{self, BundleOptions, Share};
use satchel::holder::{Holder, OsKeyring, SecretStore};
use satchel::import::{self, ImportOptions, ItemResult};
use satchel::qr;
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

fn import_options() -> ImportOptions {
    ImportOptions {
        keep_unverified: false,
        verify: VerifyOptions::offline_now(),
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

#[tauri::command]
fn get_credential(state: State<'_, AppState>, id: i64) -> CmdResult<Detail> {
    state.with(|w| {
        let record = stored(w, id)?;
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
    state.with(|w| Ok(import::import_bytes(w, &name, &bytes, &import_options())))
}

fn import_paths(state: &AppState, paths: &[PathBuf]) -> CmdResult<Vec<ItemResult>> {
    let opts = import_options();
    state.with(|w| Ok(import::import_files(w, paths, &opts)))
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
    state.with(|w| import::reverify(w, id, &VerifyOptions::offline_now()).map_err(err))
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
    learner_name: Option<String>,
    /// When the wallet was last backed up (RFC 3339), if ever.
    last_backup_at: Option<String>,
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
            learner_name: w.setting(export::LEARNER_NAME_SETTING).map_err(err)?,
            last_backup_at: w.setting(backup::LAST_BACKUP_SETTING).map_err(err)?,
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
        match export::share(
            w,
            &holder,
            &request.ids,
            &share,
            &VerifyOptions::offline_now(),
        ) {
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
}

#[tauri::command]
fn qr_code(state: State<'_, AppState>, id: i64) -> CmdResult<QrOut> {
    state.with(|w| {
        let rec = stored(w, id)?;
        let code = qr::encode(&rec.raw).map_err(err)?;
        Ok(QrOut {
            ec_level: code.ec_level(),
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
        })
    })
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
fn verify_qr_images(images: Vec<QrImage>) -> CmdResult<Vec<ItemResult>> {
    let opts = VerifyOptions::offline_now();
    let images: Vec<(String, Vec<u8>)> = images.into_iter().map(|i| (i.name, i.bytes)).collect();
    Ok(qr::read_images(&images)
        .into_iter()
        .flat_map(|found| match found.result {
            Ok(cred) => import::verify_bytes(&found.source, &cred, &opts),
            Err(e) => vec![import::unreadable(found.source, e.to_string(), opts.now)],
        })
        .collect())
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
fn verify_qr_paths(paths: &[PathBuf]) -> Vec<ItemResult> {
    let opts = VerifyOptions::offline_now();
    let mut items = Vec::new();
    let mut images = Vec::new();
    for p in paths {
        let source = p.display().to_string();
        match import::read_limited(p) {
            Ok(bytes) => images.push(QrImage {
                name: source,
                bytes,
            }),
            Err(msg) => items.push(import::unreadable(source, msg, opts.now)),
        }
    }
    items.extend(verify_qr_images(images).unwrap_or_default());
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

fn main() {
    LAUNCHED.get_or_init(std::time::Instant::now);
    let wallet_path = match store::resolve_wallet_path(None) {
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
    let opened = desktop::file_args(std::env::args_os().skip(1), &cwd);
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
        })
        .manage(desktop::OpenedFiles(Mutex::new(opened)))
        .menu(desktop::menu)
        .setup(|app| {
            let handle = app.handle().clone();
            if let Some(window) = app.get_webview_window("main") {
                // Files dropped on the window: read and imported in Rust, results sent to the page.
                window.on_window_event(move |event| {
                    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                        let state = handle.state::<AppState>();
                        if state.drop_is_qr.load(std::sync::atomic::Ordering::Relaxed) {
                            let _ = handle.emit("qr-results", verify_qr_paths(paths));
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
            reverify,
            remove_credential,
            wallet_info,
            set_allow_remote_images,
            qr_code,
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
