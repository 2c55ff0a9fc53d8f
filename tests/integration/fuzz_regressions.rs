//! Inputs the fuzzers (`fuzz/run.sh`) found crashing, kept after the fix: each must now give a
//! clear error naming the file, never a panic. The file name's first word says which reader.

use std::path::PathBuf;

use wordlens::classify::model_file;
use wordlens::embed::io;

#[test]
fn every_kept_crashing_input_is_a_clear_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let err = match name.split('-').next().unwrap() {
            "model" => model_file::load(&path).err().map(|e| e.to_string()),
            "vectors" => io::read(&path).err().map(|e| e.to_string()),
            other => panic!("{name}: no reader named {other}"),
        };
        let err = err.unwrap_or_else(|| panic!("{name} was read without an error"));
        assert!(err.contains(&name), "{name}: {err}");
        seen += 1;
    }
    assert!(seen >= 1);
}
