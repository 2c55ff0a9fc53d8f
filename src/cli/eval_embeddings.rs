//! `wordlens eval-embeddings`: word-pair Spearman and analogy accuracy.

use std::path::PathBuf;

use clap::Args;
use wordlens::Result;
use wordlens::embed::AnalogyMethod;
pub use wordlens::embed::eval::{EvalFiles, EvalReport, evaluate};

use super::Context;
use super::output::{print, print_json};
use super::vectors::words;

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
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
    let emb = words(ctx, a.vectors.as_deref())?;
    // Flags replace the bundled sets `[eval]` names, each on its own.
    let bundled = ctx.config.eval_files();
    let files = EvalFiles {
        pairs: if a.pairs.is_empty() {
            bundled.pairs
        } else {
            a.pairs
        },
        analogies: a.analogies.or(bundled.analogies),
        restrict: a.restrict_vocab.unwrap_or(bundled.restrict),
        method: a.method,
    };
    let report = evaluate(&emb, &files)?;
    if a.json {
        print_json(&report)
    } else {
        print(&render(&report))
    }
}
