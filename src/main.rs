//! The `satchel` command-line tool: a thin layer over the `satchel` library.
//!
//! Machine output goes to stdout (`--json`), progress and errors to stderr.
//! Exit code: 0 when every input succeeded, 1 when any input failed, 2 when
//! the command itself could not run (bad arguments, wallet unreadable).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use satchel::backup::{self, KeyOutcome, SecretString};
use satchel::export::{self, BundleOptions, Share};
use satchel::holder::{Holder, KeyStorage, OsKeyring, SecretStore};
use satchel::import::{self, ImportOptions, ItemResult};
use satchel::net;
use satchel::qr;
use satchel::receive;
use satchel::registry::{self, Registry, MAX_REGISTRY_BYTES};
use satchel::store::{self, ListQuery, Sort, Wallet};
use satchel::verify::{self, Outcome, VerifyOptions};

#[derive(Parser)]
#[command(
    name = "satchel",
    version,
    about = "A wallet for learners' micro-credentials: import, verify, store and share."
)]
struct Cli {
    /// Wallet file (default: $SATCHEL_WALLET, else the platform data folder).
    #[arg(long, global = true, value_name = "PATH")]
    wallet: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long, global = true, value_name = "DATETIME", value_parser = parse_at)]
    at: Option<DateTime<Utc>>,
    /// Check online: fetch issuers' DID documents and profiles, status lists
    /// and registries from the issuers' web sites (HTTPS only).
    #[arg(long, global = true)]
    online: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify credential files and store them in the wallet ("-" reads stdin).
    Import {
        /// Files holding one credential or a JSON array of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Keep credentials that fail verification, flagged as unverified.
        #[arg(long)]
        keep_unverified: bool,
    },
    /// Verify credential files without storing them ("-" reads stdin).
    Verify {
        /// Files holding one credential or a JSON array of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the wallet's credentials.
    List {
        /// Find words in name, achievement, issuer and description.
        #[arg(long)]
        search: Option<String>,
        /// Only this issuer (DID or URL).
        #[arg(long)]
        issuer: Option<String>,
        /// Only this outcome.
        #[arg(long, value_enum)]
        outcome: Option<OutcomeArg>,
        /// Order.
        #[arg(long, value_enum, default_value_t = SortArg::Date)]
        sort: SortArg,
        /// At most this many.
        #[arg(long)]
        limit: Option<u32>,
        /// Skip this many.
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show one credential and its latest verification.
    Show {
        /// Wallet id.
        id: i64,
    },
    /// Verify stored credentials again (all when no id is given).
    Reverify {
        /// Wallet ids.
        ids: Vec<i64>,
    },
    /// Remove a credential from the wallet.
    Remove {
        /// Wallet id.
        id: i64,
    },
    /// Write a credential's original bytes to stdout, exactly as imported.
    ExportRaw {
        /// Wallet id.
        id: i64,
    },
    /// Share credentials: a signed verification bundle or an HTML portfolio.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Check a verification bundle: the learner's signature and every credential in it.
    VerifyBundle {
        /// The bundle (JSON) or a portfolio HTML file with one embedded.
        file: PathBuf,
        /// The nonce you gave the learner; the bundle must carry it.
        #[arg(long)]
        challenge: Option<String>,
        /// Your domain; the bundle must name it.
        #[arg(long)]
        domain: Option<String>,
    },
    /// Receive credentials from a link an issuer sent (a VC-API exchange:
    /// dccrequest://, org.dcconsortium://, https://lcw.app/request.html,
    /// interaction:https://… or an https URL with iuv=1; an OpenID4VCI
    /// openid-credential-offer:// pre-authorized offer). Contacts the issuer;
    /// stderr says who, and what is sent (your DID), before it is sent. Each
    /// credential is verified and stored as `import` does.
    Receive {
        /// The link.
        link: String,
        /// Keep credentials that fail verification, flagged as unverified.
        #[arg(long)]
        keep_unverified: bool,
        /// Keep a credential issued to another DID than yours (its source says so).
        #[arg(long)]
        keep_other_subject: bool,
        /// The transaction code an OpenID4VCI offer asks for (asked on the
        /// terminal when needed and not given).
        #[arg(long, value_name = "CODE")]
        tx_code: Option<String>,
    },
    /// Answer a verifier's request for credentials (a VC-API exchange with a
    /// QueryByExample): without --choose, shows what is asked, by whom, and
    /// which of your credentials match, and sends nothing; with --choose,
    /// sends those credentials in a presentation you sign.
    Present {
        /// The verifier's link.
        link: String,
        /// Wallet ids of the credentials to send (each must match the request).
        #[arg(long, num_args = 1..)]
        choose: Vec<i64>,
    },
    /// Make a QR code (PNG or SVG, by extension) that carries the signed
    /// credential. By default a Satchel code (`SB2:`, read by Satchel); a
    /// credential too large for one code gets numbered parts FILE-1.png,
    /// FILE-2.png, ... With --link (or --verifier-url) a verifier link: one
    /// code any phone camera opens at the verifier page, which verifies the
    /// credential in the phone's browser (its link is printed on stdout).
    Qr {
        /// Wallet id.
        id: i64,
        /// Output file: code.png or code.svg.
        #[arg(short, long)]
        output: PathBuf,
        /// Make the verifier link form, for the verifier page in
        /// `settings verifier-url` (default: Satchel's published page).
        #[arg(long)]
        link: bool,
        /// The verifier page for this one code (https://, or http:// on
        /// 127.0.0.1 or localhost for tests); implies --link.
        #[arg(long, value_name = "URL")]
        verifier_url: Option<String>,
    },
    /// LinkedIn's add-to-profile link for a credential (Licenses &
    /// certifications, prefilled: name, issuer, dates, its verifier link and
    /// id), printed on stdout; --json gives each field.
    Linkedin {
        /// Wallet id.
        id: i64,
        /// The verifier page its credential URL opens, for this one link
        /// (default: `settings verifier-url`).
        #[arg(long, value_name = "URL")]
        verifier_url: Option<String>,
    },
    /// Read credential QR codes from images (PNG/JPEG) and verify them; the
    /// parts of a multi-part code may come in any order, in several images
    /// or in one.
    VerifyQr {
        /// The images.
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
    /// Show the learner's own DID and where its key is kept.
    Whoami,
    /// Write the man pages and shell completions into a folder (used when packaging).
    #[command(hide = true)]
    GenerateDocs {
        /// Output folder (made if missing): man/*.1 and completions/.
        dir: PathBuf,
    },
    /// Write an encrypted backup of everything: credentials, their reports,
    /// settings and your key (passphrase asked twice, or $SATCHEL_PASSPHRASE).
    Backup {
        /// The backup file to write (an age file; `age -d` opens it too).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Restore a backup into this wallet (empty or not): credentials already
    /// here are skipped, nothing is overwritten.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Use the backup's learner key when this wallet has another one (the
        /// current key file is kept aside, not deleted).
        #[arg(long)]
        use_backup_key: bool,
    },
    /// Wallet settings.
    Settings {
        #[command(subcommand)]
        what: SettingsCommand,
    },
    /// Issuer registries you trust (Digital Credentials Consortium format).
    Registry {
        #[command(subcommand)]
        what: RegistryCommand,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Your email addresses, for checking that badges were issued to you.
    Emails {
        #[command(subcommand)]
        action: EmailsAction,
    },
    /// The verifier page that verifier-link QR codes and LinkedIn links
    /// open: shows it, or sets it (https://; http:// only on 127.0.0.1 or
    /// localhost, for tests).
    VerifierUrl {
        /// The new address (none: show the current one).
        url: Option<String>,
        /// Back to Satchel's published verifier page.
        #[arg(long, conflicts_with = "url")]
        clear: bool,
    },
}

#[derive(Subcommand)]
enum EmailsAction {
    /// Add an address.
    Add {
        /// The address.
        email: String,
    },
    /// Remove an address.
    Remove {
        /// The address.
        email: String,
    },
    /// List the addresses.
    List,
}

#[derive(Subcommand)]
enum RegistryCommand {
    /// Trust a registry from a file, or from an https URL (needs --online).
    Add {
        /// A registry.json file or its https URL.
        source: String,
        /// The name to show for it (default: the file or URL).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the registries you trust, most trusted first.
    List,
    /// Stop trusting a registry.
    Remove {
        /// Its name, as `registry list` shows it.
        name: String,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A Verifiable Presentation of the credentials, signed by your key.
    Bundle {
        /// Wallet ids.
        #[arg(required = true)]
        ids: Vec<i64>,
        /// The verifier's nonce, to stop replay.
        #[arg(long)]
        challenge: Option<String>,
        /// The verifier's domain.
        #[arg(long)]
        domain: Option<String>,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The verifier page: one self-contained HTML file (Satchel's verifier
    /// inside) that checks credentials, bundles and portfolios in any browser,
    /// offline; open it from disk or host it on any static HTTPS server.
    Verifier {
        /// Output file (.html).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A self-contained HTML portfolio that verifies itself in the browser
    /// (Satchel's verifier and the signed bundle embedded).
    Portfolio {
        /// Wallet ids.
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Your name as it should appear (remembered for next time).
        #[arg(long)]
        name: Option<String>,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutcomeArg {
    Verified,
    Warning,
    Failed,
    Unverifiable,
}

impl From<OutcomeArg> for Outcome {
    fn from(o: OutcomeArg) -> Outcome {
        match o {
            OutcomeArg::Verified => Outcome::Verified,
            OutcomeArg::Warning => Outcome::Warning,
            OutcomeArg::Failed => Outcome::Failed,
            OutcomeArg::Unverifiable => Outcome::Unverifiable,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    /// Newest first.
    Date,
    /// Oldest first.
    DateAsc,
    /// A to Z.
    Name,
}

fn parse_at(s: &str) -> Result<DateTime<Utc>, String> {
    verify::parse_datetime(s).ok_or_else(|| format!("{s:?} is not an RFC 3339 date-time"))
}

/// A failure of the command itself (exit code 2).
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Fatal {
        Fatal(e.to_string())
    }
}

#[global_allocator]
static ALLOCATOR: satchel::Allocator = satchel::Allocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Fatal(msg)) => {
            eprintln!("satchel: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Man pages (one per command) and bash, zsh and fish completions, from the
/// same definitions the parser uses, so they never drift from the tool.
fn generate_docs(dir: &std::path::Path) -> Result<bool, Fatal> {
    use clap::CommandFactory;
    use clap_complete::Shell;
    let (man, completions) = (dir.join("man"), dir.join("completions"));
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    clap_mangen::generate_to(Cli::command(), &man)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut Cli::command(), "satchel", &completions)?;
    }
    Ok(true)
}

fn open_wallet(cli: &Cli) -> Result<Wallet, Fatal> {
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    Wallet::open(&path).map_err(|e| Fatal(format!("cannot open wallet {}: {e}", path.display())))
}

/// How to verify: "now" (or `--at`), online only with `--online`, and the
/// registries the wallet trusts.
fn verify_options(cli: &Cli) -> Result<VerifyOptions, Fatal> {
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    let fetcher = net::for_wallet(&path, cli.online)?;
    let mut opts = VerifyOptions::with_fetcher(cli.at.unwrap_or_else(Utc::now), fetcher);
    if path.exists() {
        let wallet = Wallet::open(&path)
            .map_err(|e| Fatal(format!("cannot open wallet {}: {e}", path.display())))?;
        opts.known_issuers = Arc::new(registry::load(&wallet)?);
        opts.recipient_emails = wallet.recipient_emails().unwrap_or_default();
    }
    Ok(opts)
}

/// Reads an input file, or stdin for "-".
fn read_input(path: &std::path::Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        import::read_capped(std::io::stdin(), "stdin")
    } else {
        import::read_limited(path)
    }
}

/// Reads input file `i` of `files` (`-` is stdin).
fn read_nth(files: &[PathBuf], i: usize) -> import::Input {
    (files[i].display().to_string(), read_input(&files[i]))
}

/// Progress on stderr for long batches: every 50 files.
fn progress_printer(total: usize) -> impl FnMut(usize) {
    let show = total >= 20 && std::io::stderr().is_terminal() || total >= 100;
    move |done| {
        if show && (done % 50 == 0 || done == total) {
            eprintln!("satchel: {done}/{total} files");
        }
    }
}

fn print_items(cli: &Cli, items: &[ItemResult]) -> Result<bool, Fatal> {
    // Buffered: stdout alone is line-buffered, and the JSON writer's many
    // small writes each scanned for a newline.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if cli.json {
        serde_json::to_writer_pretty(&mut out, items)?;
        writeln!(out)?;
    } else {
        write_human(&mut out, items)?;
    }
    out.flush()?;
    Ok(items.iter().all(ItemResult::ok))
}

/// `qr ID -o FILE [--link | --verifier-url URL]`: one code in FILE, or
/// parts FILE-1.ext, FILE-2.ext, ... (Satchel codes only).
fn make_qr(
    cli: &Cli,
    id: i64,
    output: &std::path::Path,
    link: bool,
    verifier_url: Option<&str>,
) -> Result<bool, Fatal> {
    // A bad address is the command's fault (exit 2), whatever the id.
    let given = verifier_url.map(qr::VerifierUrl::parse).transpose()?;
    let wallet = open_wallet(cli)?;
    let url = match given {
        Some(url) => Some(url),
        None if link => Some(export::verifier_url(&wallet)?),
        None => None,
    };
    let Some(rec) = stored_credential(&wallet, id)? else {
        return Ok(false);
    };
    let code = match &url {
        Some(url) => qr::encode_link(&rec.raw, url)?,
        None => qr::encode(&rec.raw)?,
    };
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_else(|| "png".into());
    let is_svg = ext.eq_ignore_ascii_case("svg");
    let n = code.parts.len();
    let mut files = Vec::new();
    for (i, part) in code.parts.iter().enumerate() {
        let path = if n == 1 {
            output.to_path_buf()
        } else {
            let stem = output.file_stem().unwrap_or_default().to_string_lossy();
            output.with_file_name(format!("{stem}-{}.{ext}", i + 1))
        };
        let bytes = if is_svg {
            part.svg().into_bytes()
        } else {
            part.png()?
        };
        std::fs::write(&path, bytes)
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
        let which = match (&url, n) {
            (Some(url), _) => format!("a verifier link to {url}: any phone camera opens it, "),
            (None, 1) => "a Satchel code, ".into(),
            (None, _) => format!("part {} of {n} of a Satchel code, ", i + 1),
        };
        eprintln!(
            "satchel: wrote {} ({which}QR version {}, error correction {}, {} characters)",
            path.display(),
            part.version(),
            part.ec_level(),
            part.payload.len()
        );
        files.push(path.display().to_string());
    }
    if cli.json {
        println!(
            "{}",
            json!({
                "form": if url.is_some() { "link" } else { "sb2" },
                "files": files,
                "version": code.version(),
                "ec_level": code.ec_level().to_string(),
                "link": code.link,
            })
        );
    } else if let Some(link) = &code.link {
        println!("{link}");
    }
    Ok(true)
}

/// `satchel linkedin ID`: LinkedIn's add-to-profile link on stdout.
fn linkedin(cli: &Cli, id: i64, verifier_url: Option<&str>) -> Result<bool, Fatal> {
    let given = verifier_url.map(qr::VerifierUrl::parse).transpose()?;
    let wallet = open_wallet(cli)?;
    let url = match given {
        Some(url) => url,
        None => export::verifier_url(&wallet)?,
    };
    let Some(rec) = stored_credential(&wallet, id)? else {
        return Ok(false);
    };
    let add = export::linkedin::add_to_profile(&rec.raw, &rec.listed.summary, &url);
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&add)?);
    } else {
        println!("{}", add.url);
    }
    if let Some(note) = &add.note {
        eprintln!("satchel: {note}");
    }
    Ok(true)
}

/// One line per result: `source: outcome #id — message`.
fn write_human(out: &mut impl Write, items: &[ItemResult]) -> std::io::Result<()> {
    for item in items {
        let id = item.id.map(|i| format!(" #{i}")).unwrap_or_default();
        writeln!(
            out,
            "{}: {}{} — {}",
            item.source,
            item.outcome.as_str(),
            id,
            item.message
        )?;
    }
    Ok(())
}

/// Runs one command: each has its own function.
fn run(cli: &Cli) -> Result<bool, Fatal> {
    if let Command::Registry { what } = &cli.command {
        return registry(cli, what);
    }
    let opts = verify_options(cli)?;
    match &cli.command {
        Command::GenerateDocs { dir } => generate_docs(dir),
        Command::Import {
            files,
            keep_unverified,
        } => import_files(cli, files, *keep_unverified, &opts),
        Command::Verify { files } => verify_files(cli, files, &opts),
        Command::List {
            search,
            issuer,
            outcome,
            sort,
            limit,
            offset,
        } => list(
            cli,
            &ListQuery {
                search: search.clone(),
                issuer: issuer.clone(),
                outcome: outcome.map(Outcome::from),
                sort: match sort {
                    SortArg::Date => Sort::DateDesc,
                    SortArg::DateAsc => Sort::DateAsc,
                    SortArg::Name => Sort::Name,
                },
                limit: *limit,
                offset: *offset,
            },
        ),
        Command::Show { id } => show(cli, *id),
        Command::Reverify { ids } => reverify(cli, ids, &opts),
        Command::Remove { id } => remove(cli, *id),
        Command::Export { what } => export(cli, what, &opts),
        Command::VerifyBundle {
            file,
            challenge,
            domain,
        } => verify_bundle(cli, file, challenge.as_deref(), domain.as_deref(), &opts),
        Command::Qr {
            id,
            output,
            link,
            verifier_url,
        } => make_qr(cli, *id, output, *link, verifier_url.as_deref()),
        Command::Linkedin { id, verifier_url } => linkedin(cli, *id, verifier_url.as_deref()),
        Command::VerifyQr { images } => verify_qr(cli, images, &opts),
        Command::Whoami => whoami(cli),
        Command::Settings { what } => settings(cli, what),
        Command::Registry { what } => registry(cli, what),
        Command::Backup { output } => backup(cli, output),
        Command::Restore {
            file,
            use_backup_key,
        } => restore(cli, file, *use_backup_key),
        Command::ExportRaw { id } => export_raw(cli, *id),
        Command::Receive {
            link,
            keep_unverified,
            keep_other_subject,
            tx_code,
        } => receive(
            cli,
            link,
            (*keep_unverified, *keep_other_subject),
            tx_code.clone(),
            &opts,
        ),
        Command::Present { link, choose } => present(cli, link, choose),
    }
}

/// What `receive` and `present` tell the learner on stderr, and the
/// credentials received, printed as they are stored.
struct CliConsent {
    json: bool,
    items: Vec<ItemResult>,
    tx_code: Option<String>,
}

impl receive::Consent for CliConsent {
    fn contacting(&mut self, party: &receive::Party) {
        eprintln!("satchel: contacting {party}; nothing of yours is sent yet");
    }
    fn sending(&mut self, party: &receive::Party, what: &str) {
        eprintln!("satchel: sending {what} to {party}");
    }
    fn received(&mut self, item: &ItemResult) {
        if !self.json {
            let _ = write_human(&mut std::io::stdout().lock(), std::slice::from_ref(item));
        }
        self.items.push(item.clone());
    }
    fn tx_code(
        &mut self,
        party: &receive::Party,
        ask: &receive::oid4vci::TxCodeAsk,
    ) -> Option<String> {
        if let Some(code) = self.tx_code.take() {
            return Some(code);
        }
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let about = ask
            .description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let length = ask
            .length
            .map(|n| format!(", {n} characters"))
            .unwrap_or_default();
        eprint!("satchel: {party} asks for a transaction code{about}{length}: ");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok()?;
        let code = line.trim().to_string();
        (!code.is_empty()).then_some(code)
    }
}

/// The HTTPS client for `receive` and `present`, which are network actions
/// by themselves: the command is the consent.
fn exchange_client() -> Result<net::http::HttpsFetcher, Fatal> {
    Ok(net::http::HttpsFetcher::from_env(None)?)
}

/// `satchel receive LINK`: runs the exchange; each credential is verified and
/// stored as it arrives and printed like `import`. A failure after some were
/// stored keeps them (exit 1).
fn receive(
    cli: &Cli,
    link: &str,
    (keep_unverified, keep_other_subject): (bool, bool),
    tx_code: Option<String>,
    opts: &VerifyOptions,
) -> Result<bool, Fatal> {
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    let holder = Holder::load_or_create(&path)?;
    // What the link will do, read before anything goes on the network (the
    // app shows the same in its consent dialog).
    match receive::preview(link, &holder.did) {
        Ok(p) => eprintln!(
            "satchel: receiving from {}; it will be sent: {}",
            p.party,
            p.sends.join("; ")
        ),
        Err(e) => {
            eprintln!("satchel: {e}");
            return Ok(false);
        }
    }
    let mut wallet = open_wallet(cli)?;
    let client = exchange_client()?;
    let ctx = receive::Context {
        client: &client,
        holder: &holder,
        now: Utc::now(),
    };
    let iopts = ImportOptions {
        keep_unverified,
        verify: opts.clone(),
    };
    let mut sink = receive::Sink {
        wallet: &mut wallet,
        import: &iopts,
        keep_other_subject,
    };
    let mut ui = CliConsent {
        json: cli.json,
        items: Vec::new(),
        tx_code,
    };
    let result = receive::receive(link, &ctx, &mut sink, &mut ui);
    if let Err(e @ receive::ReceiveError::TxCodeNeeded) = &result {
        return Err(Fatal(e.to_string()));
    }
    if cli.json {
        print_json(&ui.items)?;
    }
    let all_ok = ui.items.iter().all(ItemResult::ok);
    match result {
        Ok(done) => {
            if ui.items.is_empty() {
                eprintln!("satchel: {} sent no credential", done.party.host);
            }
            if let Some(url) = done.redirect_url {
                eprintln!("satchel: the issuer asks you to continue at {url}");
            }
            Ok(all_ok)
        }
        Err(e) => {
            let kept = ui.items.iter().filter(|i| i.id.is_some()).count();
            let kept = if kept > 0 {
                format!(" ({kept} credential(s) received before it stopped are stored)")
            } else {
                String::new()
            };
            eprintln!("satchel: {e}{kept}");
            Ok(false)
        }
    }
}

fn print_json(v: &impl serde::Serialize) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

/// `satchel present LINK [--choose ID...]`: shows the verifier's request and
/// the matching credentials; sends only the chosen ones.
fn present(cli: &Cli, link: &str, choose: &[i64]) -> Result<bool, Fatal> {
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    let holder = Holder::load_or_create(&path)?;
    let wallet = open_wallet(cli)?;
    let client = exchange_client()?;
    let ctx = receive::Context {
        client: &client,
        holder: &holder,
        now: Utc::now(),
    };
    let mut ui = CliConsent {
        json: cli.json,
        items: Vec::new(),
        tx_code: None,
    };
    let request = match receive::vcapi::verifier_request(&ctx, &wallet, link, &mut ui) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("satchel: {e}");
            return Ok(false);
        }
    };
    for ask in &request.asks {
        let reason = ask
            .reason
            .as_deref()
            .map(|r| format!(" — {r:?}"))
            .unwrap_or_default();
        eprintln!(
            "satchel: {} asks for a {}{reason}",
            request.party,
            if ask.types.is_empty() {
                "credential".to_string()
            } else {
                ask.types.join(" + ")
            }
        );
    }
    if choose.is_empty() {
        if cli.json {
            print_json(&request)?;
        } else {
            for c in &request.matching {
                println!(
                    "#{} {} — {}",
                    c.id,
                    c.name,
                    c.issuer.as_deref().unwrap_or("unknown issuer")
                );
            }
        }
        eprintln!(
            "satchel: {} of your credentials match; nothing was sent (choose with --choose ID...)",
            request.matching.len()
        );
        return Ok(true);
    }
    match receive::vcapi::present(&ctx, &wallet, &request, choose, &mut ui) {
        Ok(redirect) => {
            if cli.json {
                print_json(&json!({"sent": choose, "verifier": request.party,
                    "redirect_url": redirect}))?;
            }
            eprintln!("satchel: sent to {}", request.party.host);
            if let Some(url) = redirect {
                eprintln!("satchel: the verifier asks you to continue at {url}");
            }
            Ok(true)
        }
        Err(e) => {
            eprintln!("satchel: {e}");
            Ok(false)
        }
    }
}

/// `satchel import`: verifies each file on every core and stores what passes,
/// printing each result as soon as it is committed.
fn import_files(
    cli: &Cli,
    files: &[PathBuf],
    keep_unverified: bool,
    opts: &VerifyOptions,
) -> Result<bool, Fatal> {
    let mut wallet = open_wallet(cli)?;
    let iopts = ImportOptions {
        keep_unverified,
        verify: opts.clone(),
    };
    // Without --json each result is printed (and flushed) as soon as it
    // is committed, so a reader knows what is stored even if the batch
    // is interrupted; --json prints the whole array at the end.
    let mut progress = progress_printer(files.len());
    let mut out = std::io::stdout().lock();
    let mut write_error = None;
    let items = import::import_batch(
        &mut wallet,
        files.len(),
        |i| read_nth(files, i),
        &iopts,
        |done, latest| {
            if !cli.json && write_error.is_none() {
                write_error = write_human(&mut out, latest)
                    .and_then(|()| out.flush())
                    .err();
            }
            progress(done);
        },
    );
    drop(out);
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let ok = if cli.json {
        print_items(cli, &items)?
    } else {
        items.iter().all(ItemResult::ok)
    };
    let count = |d| items.iter().filter(|i| i.result == d).count();
    eprintln!(
        "satchel: {} imported, {} duplicates, {} refused, {} errors",
        count(import::Disposition::Imported),
        count(import::Disposition::Duplicate),
        count(import::Disposition::Refused),
        count(import::Disposition::Error),
    );
    Ok(ok)
}

/// `satchel verify`: verifies files without storing them.
fn verify_files(cli: &Cli, files: &[PathBuf], opts: &VerifyOptions) -> Result<bool, Fatal> {
    // Say which verified credentials are already in the wallet, without creating one.
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    let wallet = if path.exists() {
        Wallet::open(&path).ok()
    } else {
        None
    };
    let mut items = Vec::new();
    let mut progress = progress_printer(files.len());
    import::check_in_parallel(
        files.len(),
        |i| read_nth(files, i),
        opts,
        |i, checked| {
            match checked {
                Ok(checked) => items.extend(checked.into_iter().map(|c| {
                    let id = match (&wallet, &c.credential) {
                        (Some(w), Ok(cred)) => w
                            .find_by_content_key(&import::content_key(cred))
                            .ok()
                            .flatten(),
                        _ => None,
                    };
                    ItemResult {
                        id,
                        ..ItemResult::from(c)
                    }
                })),
                Err(unreadable) => items.push(unreadable),
            }
            progress(i + 1);
        },
    );
    print_items(cli, &items)
}

/// `satchel list`: one page of the wallet.
fn list(cli: &Cli, query: &ListQuery) -> Result<bool, Fatal> {
    let wallet = open_wallet(cli)?;
    let page = wallet.list(query)?;
    let mut out = std::io::stdout().lock();
    if cli.json {
        serde_json::to_writer_pretty(&mut out, &page.items)?;
        writeln!(out)?;
    } else {
        for l in &page.items {
            let s = &l.summary;
            writeln!(
                out,
                "#{:<5} {:<13} {}  ({}, {})",
                l.id,
                l.outcome.as_str(),
                s.name,
                s.issuer_name
                    .as_deref()
                    .or(s.issuer_id.as_deref())
                    .unwrap_or("unknown issuer"),
                s.valid_from.as_deref().unwrap_or("no date"),
            )?;
        }
        eprintln!(
            "satchel: {} of {} credentials",
            page.items.len(),
            page.total
        );
    }
    Ok(true)
}

/// The stored credential `id`, or `None` once the learner has been told there
/// is none: an input that failed (exit code 1), not a command that could not
/// run. `show`, `export-raw` and `qr` answer an unknown id alike.
fn stored_credential(wallet: &Wallet, id: i64) -> Result<Option<satchel::store::Record>, Fatal> {
    let rec = wallet.get(id)?;
    if rec.is_none() {
        eprintln!("satchel: no credential with id {id}");
    }
    Ok(rec)
}

/// `satchel show`: one stored credential with its last report.
fn show(cli: &Cli, id: i64) -> Result<bool, Fatal> {
    let wallet = open_wallet(cli)?;
    let Some(rec) = stored_credential(&wallet, id)? else {
        return Ok(false);
    };
    let mut out = std::io::stdout().lock();
    if cli.json {
        // The decoded credential, whatever it came in (JSON, a JWT, an image).
        let credential = satchel::formats::parse(&rec.raw)
            .ok()
            .and_then(|items| items.into_iter().next())
            .and_then(Result::ok)
            .map_or(serde_json::Value::Null, |c| c.json);
        let mut v = serde_json::to_value(&rec)?;
        v["credential"] = credential;
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let s = &rec.listed.summary;
        writeln!(out, "#{} {}", rec.listed.id, s.name)?;
        let field = |out: &mut dyn Write, k: &str, v: &Option<String>| -> std::io::Result<()> {
            match v {
                Some(v) => writeln!(out, "  {k:<12} {v}"),
                None => Ok(()),
            }
        };
        field(&mut out, "achievement", &s.achievement_name)?;
        field(&mut out, "description", &s.description)?;
        field(&mut out, "criteria", &s.criteria)?;
        field(&mut out, "issuer", &s.issuer_name)?;
        field(&mut out, "issuer id", &s.issuer_id)?;
        field(&mut out, "subject", &s.subject_id)?;
        field(&mut out, "valid from", &s.valid_from)?;
        field(&mut out, "valid until", &s.valid_until)?;
        writeln!(out, "  {:<12} {}", "sha256", rec.sha256)?;
        writeln!(
            out,
            "  {:<12} {} (checked {})",
            "outcome",
            rec.report.outcome.as_str(),
            rec.report.checked_at
        )?;
        for c in &rec.report.checks {
            writeln!(
                out,
                "    [{:<4}] {:<15} {}",
                format!("{:?}", c.status).to_lowercase(),
                c.check,
                c.message
            )?;
        }
    }
    Ok(true)
}

/// `satchel reverify`: re-runs every check of the given (or all) credentials.
fn reverify(cli: &Cli, ids: &[i64], opts: &VerifyOptions) -> Result<bool, Fatal> {
    let mut wallet = open_wallet(cli)?;
    let all = ids.is_empty();
    let ids = if all { wallet.ids()? } else { ids.to_vec() };
    let mut items = Vec::new();
    for id in ids {
        let source = format!("wallet#{id}");
        match import::reverify(&mut wallet, id, opts) {
            // Removed by another process since the ids were listed.
            Err(import::ReverifyError::Store(store::StoreError::NotFound(_))) if all => {}
            Ok(report) => items.push(ItemResult {
                source,
                outcome: report.outcome,
                message: import::headline(&report),
                checks: report.checks,
                id: Some(id),
                result: import::Disposition::Checked,
            }),
            Err(e) => items.push(import::unreadable(source, e.to_string(), opts.now)),
        }
    }
    print_items(cli, &items)
}

/// `satchel remove`.
fn remove(cli: &Cli, id: i64) -> Result<bool, Fatal> {
    let mut wallet = open_wallet(cli)?;
    let removed = wallet.remove(id)?;
    if cli.json {
        println!("{}", json!({"id": id, "removed": removed}));
    } else if removed {
        eprintln!("satchel: removed #{id}");
    } else {
        eprintln!("satchel: no credential with id {id}");
    }
    Ok(removed)
}

/// `satchel verify-bundle`: a bundle, or the bundle inside a portfolio.
fn verify_bundle(
    cli: &Cli,
    file: &std::path::Path,
    challenge: Option<&str>,
    domain: Option<&str>,
    opts: &VerifyOptions,
) -> Result<bool, Fatal> {
    let bytes = read_input(file).map_err(Fatal)?;
    let expect = BundleOptions {
        challenge: challenge.map(str::to_string),
        domain: domain.map(str::to_string),
    };
    let source = file.display().to_string();
    // A portfolio carries its bundle inside, and shows text that must match it.
    let items = match std::str::from_utf8(&bytes)
        .ok()
        .filter(|t| t.trim_start().starts_with('<'))
    {
        Some(html) => export::verify_portfolio(&source, html, &expect, opts)?,
        None => export::verify_bundle(&source, &bytes, &expect, opts)?,
    };
    print_items(cli, &items)
}

/// `satchel verify-qr`: every code in the images, parts assembled in any order.
fn verify_qr(cli: &Cli, images: &[PathBuf], opts: &VerifyOptions) -> Result<bool, Fatal> {
    let mut items = Vec::new();
    let mut read = Vec::new();
    for image in images {
        let source = image.display().to_string();
        match read_input(image) {
            Ok(bytes) => read.push((source, bytes)),
            Err(msg) => items.push(import::unreadable(source, msg, opts.now)),
        }
    }
    for found in qr::read_images(&read) {
        match found.result {
            Ok(bytes) => items.extend(import::verify_bytes(&found.source, &bytes, opts)),
            Err(e) => items.push(import::unreadable(found.source, e.to_string(), opts.now)),
        }
    }
    print_items(cli, &items)
}

/// `satchel whoami`: the learner's DID and where the key is kept.
fn whoami(cli: &Cli) -> Result<bool, Fatal> {
    let path = store::resolve_wallet_path(cli.wallet.as_deref())?;
    let holder = Holder::load_or_create(&path)?;
    if cli.json {
        println!(
            "{}",
            json!({
                "did": holder.did,
                "key_storage": match holder.storage {
                    KeyStorage::Keyring => "keyring",
                    KeyStorage::File => "file",
                },
                "key_file": holder.key_file,
            })
        );
    } else {
        println!("{}", holder.did);
        eprintln!(
            "satchel: your private key is kept {}",
            holder.storage_description()
        );
    }
    Ok(true)
}

/// `satchel export-raw`: the credential's bytes exactly as received.
fn export_raw(cli: &Cli, id: i64) -> Result<bool, Fatal> {
    let wallet = open_wallet(cli)?;
    let Some(rec) = stored_credential(&wallet, id)? else {
        return Ok(false);
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&rec.raw)?;
    out.flush()?;
    Ok(true)
}

fn settings(cli: &Cli, what: &SettingsCommand) -> Result<bool, Fatal> {
    let action = match what {
        SettingsCommand::Emails { action } => action,
        SettingsCommand::VerifierUrl { url, clear } => {
            return verifier_url_setting(cli, url.as_deref(), *clear)
        }
    };
    let wallet = open_wallet(cli)?;
    let changed = match action {
        EmailsAction::Add { email } => {
            if !email.contains('@') {
                return Err(Fatal(format!("{email:?} is not an email address")));
            }
            Some(wallet.add_recipient_email(email)?)
        }
        EmailsAction::Remove { email } => Some(wallet.remove_recipient_email(email)?),
        EmailsAction::List => None,
    };
    let emails = wallet.recipient_emails()?;
    if cli.json {
        println!("{}", json!({"emails": emails, "changed": changed}));
    } else {
        for e in &emails {
            println!("{e}");
        }
        if changed == Some(false) {
            eprintln!("satchel: nothing changed");
        }
    }
    Ok(changed != Some(false))
}

/// `settings verifier-url [URL] [--clear]`: the address on stdout.
fn verifier_url_setting(cli: &Cli, url: Option<&str>, clear: bool) -> Result<bool, Fatal> {
    // Checked before the wallet is opened: a bad address changes nothing.
    if let Some(url) = url {
        qr::VerifierUrl::parse(url)?;
    }
    let wallet = open_wallet(cli)?;
    let now = match (url, clear) {
        (Some(url), _) => export::set_verifier_url(&wallet, Some(url))?,
        (None, true) => export::set_verifier_url(&wallet, None)?,
        (None, false) => export::verifier_url(&wallet)?,
    };
    let published = wallet.setting(export::VERIFIER_URL_SETTING)?.is_none();
    if cli.json {
        println!(
            "{}",
            json!({"verifier_url": now.as_str(), "published": published})
        );
    } else {
        println!("{now}");
        if published {
            eprintln!("satchel: the published Satchel verifier page (the default)");
        }
    }
    Ok(true)
}

/// The passphrase: `$SATCHEL_PASSPHRASE`, else asked on the terminal without
/// echo (twice when `confirm`).
fn passphrase(confirm: bool) -> Result<SecretString, Fatal> {
    if let Some(p) = std::env::var_os(backup::PASSPHRASE_ENV).filter(|p| !p.is_empty()) {
        return p
            .into_string()
            .map(SecretString::from)
            .map_err(|_| Fatal(format!("{} is not valid UTF-8", backup::PASSPHRASE_ENV)));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Fatal(format!(
            "no terminal to ask the passphrase on: set {}",
            backup::PASSPHRASE_ENV
        )));
    }
    let first = rpassword::prompt_password("Backup passphrase: ")?;
    if first.is_empty() {
        return Err(Fatal(
            "the passphrase is empty; choose one you will remember".into(),
        ));
    }
    if confirm && rpassword::prompt_password("Same passphrase again: ")? != first {
        return Err(Fatal(
            "the two passphrases differ; nothing was written".into(),
        ));
    }
    Ok(SecretString::from(first))
}

fn backup(cli: &Cli, output: &std::path::Path) -> Result<bool, Fatal> {
    let wallet = open_wallet(cli)?;
    let keyring = OsKeyring::available();
    let holder = Holder::load_existing_with(
        wallet.path(),
        keyring.as_ref().map(|k| k as &dyn SecretStore),
    )?;
    let pass = passphrase(true)?;
    let written = backup::write_backup(&wallet, holder.as_ref(), pass, output, Utc::now())?;
    if cli.json {
        println!("{}", serde_json::to_string(&written)?);
    }
    eprintln!(
        "satchel: wrote {} ({} credentials{}); keep it and its passphrase safe: without the passphrase nobody, not even Satchel, can open it",
        output.display(),
        written.credentials,
        match &written.did {
            Some(did) => format!(", your key for {did}"),
            None => ", no learner key yet".into(),
        }
    );
    Ok(true)
}

fn restore(cli: &Cli, file: &std::path::Path, use_backup_key: bool) -> Result<bool, Fatal> {
    let pass = passphrase(false)?;
    let backup = backup::read_backup(file, pass)?;
    let mut wallet = open_wallet(cli)?;
    let keyring = OsKeyring::available();
    let report = backup::restore(
        &mut wallet,
        &backup,
        use_backup_key,
        keyring.as_ref().map(|k| k as &dyn SecretStore),
    )?;
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    eprintln!(
        "satchel: restored {} credentials from {} (made {}); {} already here were skipped",
        report.restored,
        file.display(),
        backup.created_at.format("%Y-%m-%d %H:%M UTC"),
        report.duplicates
    );
    let key = match &report.key {
        KeyOutcome::NoneInBackup => "the backup holds no learner key; yours is unchanged".into(),
        KeyOutcome::Installed { did } => format!("your key {did} is restored"),
        KeyOutcome::Same { did } => format!("your key {did} is the backup's"),
        KeyOutcome::DifferentKept { wallet_did, backup_did } => format!(
            "the backup holds another learner key ({backup_did}); this wallet keeps its own ({wallet_did}). Run restore again with --use-backup-key to use the backup's key instead"
        ),
        KeyOutcome::Swapped { old_did, did, old_key_file } => format!(
            "your key is now the backup's ({did}); the previous key ({old_did}) is kept in {}",
            old_key_file.display()
        ),
    };
    eprintln!("satchel: {key}");
    Ok(true)
}

fn export(cli: &Cli, what: &ExportCommand, opts: &VerifyOptions) -> Result<bool, Fatal> {
    let (ids, output, share) = match what {
        ExportCommand::Verifier { output } => return export_verifier(cli, output),
        ExportCommand::Bundle {
            ids,
            output,
            challenge,
            domain,
        } => (
            ids,
            output,
            Share::Bundle(BundleOptions {
                challenge: challenge.clone(),
                domain: domain.clone(),
            }),
        ),
        ExportCommand::Portfolio { ids, output, name } => (
            ids,
            output,
            Share::Portfolio {
                learner: name.clone(),
            },
        ),
    };
    let wallet = open_wallet(cli)?;
    let holder = Holder::load_or_create(wallet.path())?;
    let bytes = match export::share(&wallet, &holder, ids, &share, opts) {
        Err(export::ExportError::NoLearnerName) => {
            return Err(Fatal(
                "your name is needed once for the portfolio: pass --name \"Your Name\"".into(),
            ))
        }
        other => other?,
    };
    std::fs::write(output, bytes)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", output.display())))?;
    eprintln!(
        "satchel: wrote {} ({} credentials, signed by {})",
        output.display(),
        ids.len(),
        holder.did
    );
    Ok(true)
}

/// `export verifier -o FILE.html`: the verifier page (no wallet needed).
fn export_verifier(cli: &Cli, output: &std::path::Path) -> Result<bool, Fatal> {
    let page = export::verifier_page();
    std::fs::write(output, &page)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", output.display())))?;
    if cli.json {
        println!("{}", json!({"output": output, "bytes": page.len()}));
    }
    eprintln!(
        "satchel: wrote the verifier page {} ({} KB); open it in any browser, or publish it on a static HTTPS site",
        output.display(),
        page.len() / 1024
    );
    Ok(true)
}

/// `registry add|list|remove`: the issuer registries the wallet trusts.
fn registry(cli: &Cli, what: &RegistryCommand) -> Result<bool, Fatal> {
    let wallet = open_wallet(cli)?;
    let mut known = registry::load(&wallet)?;
    let describe = |r: &Registry| json!({"name": r.name, "source": r.source, "issuers": r.entries.len(), "loaded_at": r.loaded_at});
    match what {
        RegistryCommand::Add { source, name } => {
            let bytes = if source.starts_with("https://") || source.starts_with("http://") {
                if !cli.online {
                    return Err(Fatal(format!(
                        "loading {source} contacts that web site; run again with --online to allow it"
                    )));
                }
                net::for_wallet(wallet.path(), true)?
                    .get(source, "application/json")?
                    .body
            } else {
                import::read_limited(std::path::Path::new(source)).map_err(Fatal)?
            };
            if bytes.len() > MAX_REGISTRY_BYTES {
                return Err(Fatal(format!("{source}: over {MAX_REGISTRY_BYTES} bytes")));
            }
            let name = name.clone().unwrap_or_else(|| source.clone());
            let registry = Registry::parse(&name, source, &bytes)
                .map_err(|e| Fatal(format!("{source}: {e}")))?;
            let summary = describe(&registry);
            eprintln!(
                "satchel: trusting registry {:?} ({} issuers)",
                registry.name,
                registry.entries.len()
            );
            known.add(registry);
            registry::save(&known, &wallet)?;
            if cli.json {
                println!("{summary}");
            }
            Ok(true)
        }
        RegistryCommand::List => {
            if cli.json {
                let list: Vec<_> = known.registries.iter().map(describe).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for r in &known.registries {
                    println!(
                        "{}\t{} issuers\t{}\tloaded {}",
                        r.name,
                        r.entries.len(),
                        r.source,
                        r.loaded_at.format("%Y-%m-%d %H:%M UTC")
                    );
                }
                eprintln!("satchel: {} registries", known.registries.len());
            }
            Ok(true)
        }
        RegistryCommand::Remove { name } => {
            let removed = known.remove(name);
            registry::save(&known, &wallet)?;
            if cli.json {
                println!("{}", json!({"name": name, "removed": removed}));
            } else if removed {
                eprintln!("satchel: no longer trusting {name:?}");
            } else {
                eprintln!("satchel: no registry named {name:?}");
            }
            Ok(removed)
        }
    }
}
