//! `neighbors`, `analogy` and `odd-one-out`: questions asked of a vectors file.

use clap::Args;
use serde::Serialize;
use wordlens::embed::{AnalogyMethod, Embeddings};
use wordlens::{Error, Result};

use super::Context;
use super::output::{print, print_json};
use super::vectors::words;

#[derive(Debug, Args)]
pub struct NeighborsArgs {
    /// Vectors file (word2vec text or binary, fastText .vec or .bin, GloVe, wordlens native),
    /// a static model folder (its tokens that are whole words), `default`, `trained` or a hub
    /// name; default: config's [vectors] default.
    #[arg(long, value_name = "VECTORS")]
    pub vectors: Option<String>,
    pub word: String,
    /// Number of neighbours (default from config).
    #[arg(short, long)]
    pub k: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalogyArgs {
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
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
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
    #[arg(required = true, num_args = 3..)]
    pub words: Vec<String>,
}

#[derive(Serialize)]
struct Hit<'a> {
    word: &'a str,
    similarity: f32,
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
    let emb = words(ctx, a.vectors.as_deref())?;
    let k = a.k.unwrap_or(ctx.config.eval.neighbors);
    let hits = emb.most_similar(&lower(&a.word, &emb), k)?;
    print_hits(&hits, a.json)
}

pub fn analogy(ctx: &Context, a: AnalogyArgs) -> Result<()> {
    let emb = words(ctx, a.vectors.as_deref())?;
    let [x, y, z] = [&a.a, &a.b, &a.c].map(|w| lower(w, &emb));
    // fastText's order: A − B + C (king man woman → queen), i.e. B : A :: C : ?
    let hits = emb.analogy(&y, &x, &z, a.k, a.method, 0)?;
    print_hits(&hits, a.json)
}

pub fn odd_one_out(ctx: &Context, a: OddOneOutArgs) -> Result<()> {
    let emb = words(ctx, a.vectors.as_deref())?;
    let words: Vec<String> = a.words.iter().map(|w| lower(w, &emb)).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let odd = emb
        .odd_one_out(&refs)
        .map_err(|e| Error::Usage(e.to_string()))?;
    print(&format!("{odd}\n"))
}
