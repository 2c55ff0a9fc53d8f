//! Integration tests on the real datasets: one binary, one module per area.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adversarial;
mod architecture;
mod bad_input;
mod classify;
mod cli;
mod corpus;
mod crash;
mod encodings;
mod formats;
mod fusion;
mod fuzz_regressions;
mod hub;
mod labelled_files;
mod models;
mod search;
mod static_models;
mod subwords;
mod training;
mod tui;
mod tui_judgments;
mod tui_opening;

use std::path::PathBuf;

/// A file of the bundled `datasets/`.
pub fn bundled(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(name)
}

/// A file of `../shared/datasets` (the shared data beside the repository).
pub fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets")
        .join(name)
}

/// Writes `bytes` to a fresh file named `name` in a temporary folder.
pub fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write temp file");
    p
}

/// A word2vec binary file from its header and records (for damaged-file tests).
pub fn w2v_binary(header: &str, records: &[(&str, &[f32])]) -> Vec<u8> {
    let mut b = header.as_bytes().to_vec();
    for (w, v) in records {
        b.extend_from_slice(w.as_bytes());
        b.push(b' ');
        v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    }
    b
}
