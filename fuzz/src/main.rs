//! The AFL++ harness: `satchel-fuzz TARGET` runs one target under afl-fuzz
//! (`scripts/fuzz.sh`); `satchel-fuzz seeds DIR` writes the seeds that cannot
//! be copied from the test fixtures (QR payloads, a bundle, a backup).

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("seeds") => {
            let dir = args.get(2).expect("usage: satchel-fuzz seeds DIR");
            seeds(Path::new(dir), &args[3..]);
        }
        Some(name) => {
            let Some(run) = satchel_fuzz::target(name) else {
                eprintln!("unknown target {name}");
                std::process::exit(2);
            };
            afl::fuzz!(|data: &[u8]| run(data));
        }
        None => {
            let names: Vec<&str> = satchel_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
            eprintln!("usage: satchel-fuzz TARGET | seeds DIR CREDENTIAL...; targets: {names:?}");
            std::process::exit(2);
        }
    }
}

/// Seeds made from credential files: their QR payloads, a signed bundle of
/// them, and a backup of a wallet holding them (and its decrypted archive).
fn seeds(dir: &Path, credentials: &[String]) {
    use satchel::{backup, export, holder::Holder, import, store::Wallet};
    let work = std::env::temp_dir().join(format!("satchel-fuzz-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    let wallet_path = work.join("wallet.sqlite3");
    let mut wallet = Wallet::open(&wallet_path).expect("wallet");
    let opts = satchel::verify::VerifyOptions::offline_now();
    let import_opts = import::ImportOptions {
        keep_unverified: false,
        verify: opts.clone(),
    };
    for (i, file) in credentials.iter().enumerate() {
        let raw = std::fs::read(file).expect("credential file");
        if i == 0 {
            // Codes at 2 pixels a module: afl-fuzz works through its queue
            // in order, and the same code at 8 pixels (936 pixels a side,
            // 18 KB) ran at 5 executions a second, so nothing after it was
            // reached in ten minutes.
            let code = satchel::qr::encode(&raw).expect("QR code");
            code.parts[0]
                .render_luma(2)
                .save(dir.join("qr_image").join("seed-code.png"))
                .expect("write");
            let small = satchel::qr::encode(b"{}").expect("QR code");
            small.parts[0]
                .render_luma(2)
                .save(dir.join("qr_image").join("seed-small.png"))
                .expect("write");
        }
        for payload in satchel::qr::encode_payloads(&raw).unwrap_or_default() {
            let name = format!("seed-{i}-{}.txt", payload.len());
            std::fs::write(dir.join("qr").join(name), payload).expect("write");
        }
        let _ = import::import_bytes(&mut wallet, file, &raw, &import_opts);
    }
    std::env::set_var("SATCHEL_KEY_STORE", "file");
    let holder = Holder::load_or_create(&wallet_path).expect("holder");
    let ids = wallet.ids().expect("ids");
    let share = export::Share::Bundle(export::BundleOptions::default());
    let bytes =
        export::share(&wallet, &holder, &ids[..ids.len().min(2)], &share, &opts).expect("bundle");
    std::fs::write(dir.join("bundle").join("seed-bundle.json"), bytes).expect("write");
    let (file, _) = backup::write_backup_to(
        &wallet,
        Some(&holder),
        satchel_fuzz::BACKUP_PASSPHRASE.to_string().into(),
        Some(satchel_fuzz::BACKUP_WORK_FACTOR),
        Vec::new(),
        chrono::Utc::now(),
    )
    .expect("backup");
    std::fs::write(dir.join("backup").join("seed-backup.age"), &file).expect("write");
    let identity = age::scrypt::Identity::new(satchel_fuzz::BACKUP_PASSPHRASE.to_string().into());
    let mut plain = Vec::new();
    let decryptor = age::Decryptor::new(&file[..]).expect("age header");
    std::io::Read::read_to_end(
        &mut decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .expect("decrypt"),
        &mut plain,
    )
    .expect("read");
    std::fs::write(dir.join("backup_archive").join("seed-archive.tar"), plain).expect("write");
    let _ = std::fs::remove_dir_all(&work);
}
