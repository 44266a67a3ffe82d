//! The fuzz targets (fuzz/src/lib.rs) run over every committed corpus file:
//! the seeds and every input the fuzzer kept or that once crashed a target.
//! A short, deterministic stand-in for the fuzzer in the regular suite
//! (`scripts/fuzz.sh SECONDS` does the fuzzing).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::Path;

#[test]
fn every_target_survives_its_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for (name, run) in targets::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for {name}");
        for file in &files {
            let data = std::fs::read(file).unwrap();
            eprintln!("{name}: {}", file.display());
            run(&data);
        }
        total += files.len();
    }
    eprintln!("{total} corpus files");
}
