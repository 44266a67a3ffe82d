//! Read rate of QR readers on the degraded corpus of `tests/support/degrade.rs`
//! (every recipe on every credential of `tests/fixtures/qr`): the previous
//! reader (`rqrr`), Satchel's reader (`rxing`), and `zbarimg`. Numbers go in
//! docs/measurements.md.
//!
//!     cargo bench --bench qr_read_rate

#[path = "../tests/support/degrade.rs"]
mod degrade;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use satchel::qr;

fn rqrr_reads(bytes: &[u8], payload: &str) -> bool {
    let Ok(img) = image::load_from_memory(bytes) else {
        return false;
    };
    let mut prepared = rqrr::PreparedImage::prepare(img.to_luma8());
    prepared
        .detect_grids()
        .into_iter()
        .any(|g| g.decode().is_ok_and(|(_, text)| text == payload))
}

fn zbar_reads(path: &Path, payload: &str) -> Option<bool> {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output()
        .ok()?;
    Some(out.status.success() && String::from_utf8_lossy(&out.stdout).trim_end() == payload)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qr");
    let mut files: Vec<_> = std::fs::read_dir(fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let recipes = degrade::RECIPES;
    let mut per_recipe = vec![(0usize, 0usize, 0usize, 0usize); recipes.len()];
    let (mut t_rqrr, mut t_new) = (0f64, 0f64);
    for (ci, f) in files.iter().enumerate() {
        let raw = std::fs::read(f).expect("credential");
        let code = qr::encode(&raw).expect("encode");
        let part = &code.parts[0];
        let clean = part.render_luma(6);
        for (ri, recipe) in recipes.iter().enumerate() {
            let (bytes, ext) = degrade::apply(&clean, recipe.steps, (ci * 100 + ri) as u64);
            let path = dir.path().join(format!("c{ci}-{ri}.{ext}"));
            std::fs::write(&path, &bytes).expect("write");
            let t = Instant::now();
            let old = rqrr_reads(&bytes, &part.payload);
            t_rqrr += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let new = qr::read_codes(&bytes).is_ok_and(|texts| texts.contains(&part.payload));
            t_new += t.elapsed().as_secs_f64();
            let zbar = zbar_reads(&path, &part.payload).unwrap_or(false);
            let r = &mut per_recipe[ri];
            r.0 += 1;
            r.1 += usize::from(old);
            r.2 += usize::from(new);
            r.3 += usize::from(zbar);
        }
    }
    println!("| recipe | images | rqrr (old) | rxing (Satchel) | zbarimg |");
    println!("|---|---|---|---|---|");
    let mut total = (0, 0, 0, 0);
    for (recipe, r) in recipes.iter().zip(&per_recipe) {
        println!(
            "| {} | {} | {} | {} | {} |",
            recipe.name, r.0, r.1, r.2, r.3
        );
        total = (total.0 + r.0, total.1 + r.1, total.2 + r.2, total.3 + r.3);
    }
    println!(
        "| all | {} | {} ({:.0} %) | {} ({:.0} %) | {} ({:.0} %) |",
        total.0,
        total.1,
        100.0 * total.1 as f64 / total.0 as f64,
        total.2,
        100.0 * total.2 as f64 / total.0 as f64,
        total.3,
        100.0 * total.3 as f64 / total.0 as f64
    );
    println!(
        "mean time per image: rqrr {:.1} ms, rxing {:.1} ms",
        1000.0 * t_rqrr / total.0 as f64,
        1000.0 * t_new / total.0 as f64
    );
}
