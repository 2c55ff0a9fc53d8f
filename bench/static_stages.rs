//! Where `wordlens embed` spends its time with a static model, one stage at a time, in one
//! process (no start-up), on every BBC body and every tweet:
//!
//!     cargo run --release --features bench-examples --example static_stages -- MODEL_DIR
//!
//! Prints documents/s for: opening the model; the `tokenizers` pipeline alone (`encode_fast`
//! over the whole text, rayon over documents); wordlens's token ids (the `▁word` fast path
//! where the vocabulary allows it); pooling ids already computed; the whole `embed_batch`;
//! reading the CSV alone; and `embed_file` (read, embed, write the `.npy`, sync, rename) as
//! `wordlens embed` runs it.
//!
//! With `PROFILE_EMBED=bbc-news.csv` (a file of `datasets/`) it only runs `embed_batch` over
//! that file 20 times and prints the seconds: a steady loop for `perf record` and for A/B runs
//! of two builds.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use wordlens::Config;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::export::{EmbedSettings, embed_file};
use wordlens::embed::static_model::StaticModel;
use wordlens::progress::{Cancel, Silent};
use wordlens::text::{CorpusReader, CorpusSpec};

fn spec(name: &str) -> CorpusSpec {
    CorpusSpec::new(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets")
            .join(name),
    )
}

fn texts(name: &str) -> Vec<String> {
    CorpusReader::open(&spec(name))
        .and_then(|r| r.map(|d| d.map(|d| d.text)).collect())
        .unwrap_or_default()
}

/// Best documents/s of three runs of `f` over `n` documents.
fn best(n: usize, mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            n as f64 / t.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: static_stages MODEL_DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let model = match StaticModel::open(Path::new(&dir)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(3);
        }
    };
    println!("open: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    if let Ok(name) = std::env::var("PROFILE_EMBED") {
        let texts = texts(&name);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let t = Instant::now();
        for _ in 0..20 {
            let _ = model.embed_batch(&refs);
        }
        println!("embed_batch x20: {:.3} s", t.elapsed().as_secs_f64());
        return;
    }
    let t = Instant::now();
    let full = tokenizers::Tokenizer::from_file(Path::new(&dir).join("tokenizer.json"));
    println!(
        "tokenizers' Tokenizer::from_file alone: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let Ok(full) = full else {
        eprintln!("cannot read tokenizer.json");
        std::process::exit(3);
    };
    println!(
        "| texts | tokenizers pipeline | wordlens token ids, first pass | wordlens token ids | pooling only | embed_batch | read CSV | embed_file to .npy |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let encoder = Encoder::Static(std::sync::Arc::new(model));
    let Encoder::Static(model) = &encoder else {
        return;
    };
    let config = Config::default();
    let settings = EmbedSettings {
        tokenizer: &config.tokenizer,
        docvec: &config.docvec,
        bow: &config.bow,
        normalize: false,
    };
    let out = std::env::temp_dir().join(format!("wl-stages-{}.npy", std::process::id()));
    for (name, file) in [
        ("BBC bodies", "bbc-news.csv"),
        ("tweets", "tweets-sentiment.csv"),
    ] {
        let texts = texts(file);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let n = refs.len();
        // A model opened afresh: every word is tokenized for the first time, as in a
        // `wordlens embed` run (the passes below find them in the word cache).
        let first_pass = match StaticModel::open(Path::new(&dir)) {
            Ok(fresh) => {
                let t = Instant::now();
                let _: Vec<usize> = refs.par_iter().map(|t| fresh.token_ids(t).len()).collect();
                n as f64 / t.elapsed().as_secs_f64()
            }
            Err(_) => f64::NAN,
        };
        let pipeline = best(n, || {
            let _: Vec<usize> = refs
                .par_iter()
                .map(|t| full.encode_fast(*t, false).map_or(0, |e| e.len()))
                .collect();
        });
        let ids_rate = best(n, || {
            let _: Vec<usize> = refs.par_iter().map(|t| model.token_ids(t).len()).collect();
        });
        let ids: Vec<Vec<u32>> = refs.par_iter().map(|t| model.token_ids(t)).collect();
        let pool = best(n, || {
            let _: Vec<Vec<f32>> = ids.par_iter().map(|i| model.pool(i)).collect();
        });
        let all = best(n, || {
            let _ = model.embed_batch(&refs);
        });
        let read = best(n, || {
            let _ = CorpusReader::open(&spec(file)).map(|r| r.count());
        });
        let file_rate = best(n, || {
            let _ = embed_file(
                &encoder,
                &spec(file),
                &out,
                &settings,
                &Silent,
                &Cancel::new(),
            );
        });
        println!(
            "| {name} | {pipeline:.0} | {first_pass:.0} | {ids_rate:.0} | {pool:.0} | {all:.0} | {read:.0} | {file_rate:.0} |"
        );
    }
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(wordlens::docvec::export::ids_path(&out));
}
