//! `wordlens eval-embeddings`: word-pair Spearman and analogy accuracy.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use wordlens::embed::eval::{self, AnalogyScore, PairScore};
use wordlens::embed::{AnalogyMethod, Embeddings};
use wordlens::{Config, Result};

use super::Context;
use super::output::{print, print_json};
use super::query::load;

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[arg(long, value_name = "PATH")]
    pub vectors: PathBuf,
    /// Word-pair files `w1<TAB>w2<TAB>score` (default: the bundled WordSim-353 and SimLex-999).
    #[arg(long, value_name = "FILE")]
    pub pairs: Vec<PathBuf>,
    /// Analogy questions (default: the bundled Google analogy set).
    #[arg(long, value_name = "FILE")]
    pub analogies: Option<PathBuf>,
    /// Use only the N most frequent words for analogies (default from config).
    #[arg(long, value_name = "N")]
    pub restrict_vocab: Option<usize>,
    #[arg(long, value_enum, default_value = "3cosadd")]
    pub method: AnalogyMethod,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
pub struct EvalReport {
    pub pairs: Vec<PairScore>,
    pub analogies: Option<AnalogyScore>,
}

/// Scores `emb` on the given files, or on the bundled ones named in config.
pub fn evaluate(
    emb: &Embeddings,
    config: &Config,
    pairs: &[PathBuf],
    analogies: Option<&PathBuf>,
    restrict: usize,
    method: AnalogyMethod,
) -> Result<EvalReport> {
    let default_pairs: Vec<PathBuf> = config
        .eval
        .pairs
        .iter()
        .map(|p| config.data_file(p))
        .collect();
    let pair_files = if pairs.is_empty() {
        &default_pairs
    } else {
        pairs
    };
    let default_analogies = config.data_file(&config.eval.analogies);
    let analogy_file = analogies.unwrap_or(&default_analogies);
    Ok(EvalReport {
        pairs: pair_files
            .iter()
            .map(|p| eval::evaluate_pairs(emb, p))
            .collect::<Result<_>>()?,
        analogies: Some(eval::evaluate_analogies(
            emb,
            analogy_file,
            restrict,
            method,
        )?),
    })
}

/// Scores `emb` on the bundled evaluation sets named in config (default job and report).
pub fn evaluate_bundled(emb: &Embeddings, config: &Config) -> Result<EvalReport> {
    evaluate(
        emb,
        config,
        &[],
        None,
        config.eval.restrict_vocab,
        AnalogyMethod::CosAdd,
    )
}

pub fn render(r: &EvalReport) -> String {
    let mut out = String::new();
    for p in &r.pairs {
        out.push_str(&format!(
            "{:<24} Spearman {:.4}   pairs used {}/{} ({:.1}% out of vocabulary)\n",
            p.file,
            p.spearman,
            p.used,
            p.pairs,
            p.oov_ratio * 100.0
        ));
    }
    if let Some(a) = &r.analogies {
        out.push_str(&format!(
            "{:<24} accuracy {:.2}% ({}/{}; {} questions skipped outside the {} most frequent words)\n",
            a.file,
            a.accuracy * 100.0,
            a.correct,
            a.total,
            a.skipped,
            a.restrict_vocab
        ));
        for s in a.sections.iter().filter(|s| s.total > 0) {
            out.push_str(&format!(
                "  {:<28} {:>6.2}%  ({}/{})\n",
                s.section,
                s.accuracy * 100.0,
                s.correct,
                s.total
            ));
        }
    }
    out
}

pub fn run(ctx: &Context, a: EvalArgs) -> Result<()> {
    let emb = load(&a.vectors)?;
    let restrict = a.restrict_vocab.unwrap_or(ctx.config.eval.restrict_vocab);
    let report = evaluate(
        &emb,
        &ctx.config,
        &a.pairs,
        a.analogies.as_ref(),
        restrict,
        a.method,
    )?;
    if a.json {
        print_json(&report)
    } else {
        print(&render(&report))
    }
}
