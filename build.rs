//! Builds the browser verifier (`crates/satchel-wasm`, the same verifier as
//! the CLI's, for `wasm32-unknown-unknown`) so the verifier page and
//! portfolios can embed it: `OUT_DIR/satchel_verifier.wasm.gz`.
//!
//! rustup cannot add the wasm target on our machines, so the module is built
//! with Debian's `rustc-web` (a rustc with the WebAssembly back end, at
//! `/usr/bin/rustc`) and its standard-library sources (`-Zbuild-std`), in a
//! cargo of its own under `<target>/wasm/<source tree>`. `SATCHEL_WASM_RUSTC` names another
//! such compiler; `SATCHEL_WASM` a module already built (then nothing is built).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    for var in ["SATCHEL_WASM", "SATCHEL_WASM_RUSTC"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for path in [
        "crates/satchel-verify",
        "crates/satchel-wasm",
        "crates/oxjsonld/src",
        "crates/oxjsonld/Cargo.toml",
        "crates/rdfc/src",
        "crates/rdfc/Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let wasm = match env::var_os("SATCHEL_WASM") {
        Some(prebuilt) => PathBuf::from(prebuilt),
        None => build(&out_dir),
    };
    let bytes = std::fs::read(&wasm)
        .unwrap_or_else(|e| panic!("cannot read the browser verifier {}: {e}", wasm.display()));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes).expect("compressing in memory");
    let gz = gz.finish().expect("compressing in memory");
    std::fs::write(out_dir.join("satchel_verifier.wasm.gz"), gz).expect("writing OUT_DIR");
}

/// Runs the wasm build and returns the module's path.
fn build(out_dir: &Path) -> PathBuf {
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out. One wasm build
    // per source tree: checkouts sharing a target directory (worktrees, the
    // one cache the scripts use) must not embed each other's verifier.
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let tree = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        manifest_dir.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let target_dir = out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR lies inside the target directory")
        .join("wasm")
        .join(tree);
    let rustc = env::var("SATCHEL_WASM_RUSTC").unwrap_or_else(|_| "/usr/bin/rustc".into());
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The outer build's settings are not the wasm build's: keep the
    // jobserver and the registry settings, drop the rest (clippy's wrapper,
    // the host's flags, the target directory).
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        let keep = key == "CARGO_HOME"
            || key == "CARGO_MAKEFLAGS"
            || key.starts_with("CARGO_REGISTRIES_")
            || key.starts_with("CARGO_NET_")
            || key.starts_with("CARGO_HTTP_");
        let drop = key.starts_with("CARGO_")
            || key.starts_with("RUSTC")
            || key.starts_with("RUSTDOC")
            || matches!(
                key.as_str(),
                "RUSTFLAGS"
                    | "TARGET"
                    | "HOST"
                    | "OUT_DIR"
                    | "PROFILE"
                    | "OPT_LEVEL"
                    | "DEBUG"
                    | "NUM_JOBS"
            );
        if drop && !keep {
            cmd.env_remove(&key);
        }
    }
    let status = cmd
        .current_dir(&manifest_dir)
        .env("RUSTC", &rustc)
        // Lets this stable compiler take -Zbuild-std.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", "--cfg getrandom_backend=\"custom\"")
        .env("CARGO_TARGET_DIR", &target_dir)
        .args([
            "build",
            "--locked",
            "-p",
            "satchel-wasm",
            "--profile",
            "wasm",
            "--target",
            "wasm32-unknown-unknown",
            "-Zbuild-std=std,panic_abort",
        ])
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "building the browser verifier failed ({s}). It needs Debian's rustc-web, rust-web-src, \
             rust-web-llvm and lld-22 (bash scripts/install-deps.sh installs them), or SATCHEL_WASM \
             set to a built satchel_wasm.wasm"
        ),
        Err(e) => panic!("cannot run cargo to build the browser verifier: {e}"),
    }
    target_dir.join("wasm32-unknown-unknown/wasm/satchel_wasm.wasm")
}
