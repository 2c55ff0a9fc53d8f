//! `neighbors`, `analogy` and `odd-one-out`: questions asked of a vectors file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use serde::Serialize;
use wordlens::embed::io;
use wordlens::embed::{AnalogyMethod, Embeddings};
use wordlens::encoder::Encoder;
use wordlens::{Error, Result};

use super::Context;
use super::output::{print, print_json};

#[derive(Debug, Args)]
pub struct NeighborsArgs {
    /// Vectors file: word2vec text or binary, fastText .vec or .bin, GloVe, wordlens native;
    /// or a static model folder (its tokens that are whole words).
    #[arg(long, value_name = "PATH")]
    pub vectors: PathBuf,
    pub word: String,
    /// Number of neighbours (default from config).
    #[arg(short, long)]
    pub k: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalogyArgs {
    #[arg(long, value_name = "PATH")]
    pub vectors: PathBuf,
    pub a: String,
    pub b: String,
    pub c: String,
    #[arg(short, long, default_value_t = 5)]
    pub k: usize,
    #[arg(long, value_enum, default_value = "3cosadd")]
    pub method: AnalogyMethod,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OddOneOutArgs {
    #[arg(long, value_name = "PATH")]
    pub vectors: PathBuf,
    #[arg(required = true, num_args = 3..)]
    pub words: Vec<String>,
}

#[derive(Serialize)]
struct Hit<'a> {
    word: &'a str,
    similarity: f32,
}

pub fn load(path: &Path) -> Result<Embeddings> {
    let loaded = io::read(path)?;
    if loaded.notes.lossy_words > 0 {
        eprintln!(
            "warning: {}: {} words were not valid UTF-8 and were decoded with U+FFFD",
            path.display(),
            loaded.notes.lossy_words
        );
    }
    Ok(loaded.embeddings)
}

/// A static model folder or a word-vectors file (warnings of `load` printed).
pub fn open_encoder(path: &Path) -> Result<Encoder> {
    if path.is_dir() {
        return Encoder::open(path);
    }
    Ok(Encoder::Words(Arc::new(load(path)?)))
}

fn print_hits(hits: &[(String, f32)], json: bool) -> Result<()> {
    if json {
        let hits: Vec<Hit> = hits
            .iter()
            .map(|(w, s)| Hit {
                word: w,
                similarity: *s,
            })
            .collect();
        return print_json(&serde_json::json!({ "neighbors": hits }));
    }
    let width = hits
        .iter()
        .map(|(w, _)| w.chars().count())
        .max()
        .unwrap_or(0);
    let text: String = hits
        .iter()
        .map(|(w, s)| format!("{w:<width$}  {s:.4}\n"))
        .collect();
    print(&text)
}

fn lower(word: &str, emb: &Embeddings) -> String {
    if emb.index_of(word).is_some() {
        word.to_string()
    } else {
        word.to_lowercase()
    }
}

pub fn neighbors(ctx: &Context, a: NeighborsArgs) -> Result<()> {
    let emb = load(&a.vectors)?;
    let k = a.k.unwrap_or(ctx.config.eval.neighbors);
    let hits = emb.most_similar(&lower(&a.word, &emb), k)?;
    print_hits(&hits, a.json)
}

pub fn analogy(_ctx: &Context, a: AnalogyArgs) -> Result<()> {
    let emb = load(&a.vectors)?;
    let [x, y, z] = [&a.a, &a.b, &a.c].map(|w| lower(w, &emb));
    // fastText's order: A − B + C (king man woman → queen), i.e. B : A :: C : ?
    let hits = emb.analogy(&y, &x, &z, a.k, a.method, 0)?;
    print_hits(&hits, a.json)
}

pub fn odd_one_out(_ctx: &Context, a: OddOneOutArgs) -> Result<()> {
    let emb = load(&a.vectors)?;
    let words: Vec<String> = a.words.iter().map(|w| lower(w, &emb)).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let odd = emb
        .odd_one_out(&refs)
        .map_err(|e| Error::Usage(e.to_string()))?;
    print(&format!("{odd}\n"))
}
