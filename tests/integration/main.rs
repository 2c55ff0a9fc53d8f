//! Integration tests on the real datasets: one binary, one module per area. Where a new test
//! belongs:
//!
//! | the test checks… | file |
//! |---|---|
//! | malformed or adversarial input to any reader (vectors, corpora, models), its message and exit code 3 | `malformed_input.rs` |
//! | inputs the fuzzers found | `fuzz_regressions.rs` (+ the input in `tests/fuzz-regressions/`) |
//! | a process killed mid-write leaves the old artifact intact | `crash.rs` |
//! | the binary's flags, config errors and exit codes (not input files) | `cli.rs` |
//! | corpus readers on real files (CSV/TSV, lines, fastText, `.gz`) | `corpus.rs` |
//! | word2vec training: quality floors, determinism, progress, spill | `training.rs` |
//! | fastText-style subword models and GloVe trained here | `models.rs` |
//! | fastText `.bin` files and unseen words against fastText's own answers | `subwords.rs` |
//! | vectors files written by gensim, fastText, GloVe: read and written back | `formats.rs` |
//! | words that are not UTF-8 (legacy code pages) | `encodings.rs` |
//! | static models (model2vec, sentence-transformers, WordLlama) | `static_models.rs` |
//! | contextual encoders (BERT family) and distilling static models from them | `contextual.rs` |
//! | models by name, the hub cache and `models pull` | `hub.rs` |
//! | classification against scikit-learn, `.wlm` files | `classify.rs`; any labelled file format through `classify`/`compare`: `labelled_files.rs` |
//! | an index exported to a search engine (Milvus) and searched there | `engine.rs` |
//! | search quality and index files | `search.rs`; fusion settings and their robustness: `fusion.rs` |
//! | the TUI's tabs drawn (snapshots) and the real binary in tmux | `tui.rs` |
//! | the TUI opening files: picker, column dialog, switching vectors, keys, themes | `tui_opening.rs` |
//! | the TUI's relevance loop: judging, tuning, query history | `tui_judgments.rs` |
//! | text in other languages: segmentation, CJK search, `tokenize`, the vectors' fit | `languages.rs` |
//! | folders, Markdown/HTML, JSON Lines, stdin, `--color`, passages, re-indexing and watching | `documents.rs` |
//! | files that claim sizes they do not hold; model folders whose paths or links leave them | `hostile_folders.rs` |
//! | fixes checked on held-out data (Debian descriptions, GloVe): classifiers, fusion calibration | `held_out.rs` |
//! | the code's shape (module loops, file sizes) | `architecture.rs` |

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod architecture;
mod classify;
mod cli;
mod contextual;
mod corpus;
mod crash;
mod documents;
mod encodings;
mod engine;
mod engine_restart;
mod formats;
mod fusion;
mod fuzz_regressions;
mod held_out;
mod hostile_folders;
mod hub;
mod labelled_files;
mod languages;
mod malformed_input;
mod models;
mod search;
mod static_models;
mod subwords;
mod tokenizer_parity;
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

/// Runs the wordlens binary in the repository folder; its output, whatever the exit status.
pub fn wordlens(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run wordlens")
}

/// The first `n` BBC articles as documents (id, category label, title + text).
pub fn bbc_docs(n: usize) -> Vec<wordlens::text::Document> {
    let mut spec = wordlens::text::CorpusSpec::new(bundled("bbc-news.csv")).label_col("category");
    spec.id_col = Some("id".into());
    wordlens::text::CorpusReader::open(&spec)
        .expect("open the bundled BBC news")
        .take(n)
        .collect::<wordlens::Result<_>>()
        .expect("read the bundled BBC news")
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
