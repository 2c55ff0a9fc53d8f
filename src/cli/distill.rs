//! `wordlens distill`: a static model (model2vec folder) from a contextual encoder.

use std::path::PathBuf;

use clap::Args;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::source::Opened;
use wordlens::embed::contextual::distill::{TableDtype, distill};
use wordlens::{Error, Result};

use super::Context;
use super::output::{print, print_json};
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct DistillArgs {
    /// The encoder: a sentence-transformers folder around a BERT, or a hub name org/name[@rev]
    /// in the local Hugging Face cache.
    #[arg(long, value_name = "ENCODER")]
    pub from: String,
    /// The model2vec folder to write (must not exist, or be empty).
    #[arg(long, value_name = "FOLDER")]
    pub out: PathBuf,
    /// Dimensions PCA keeps (default: config's distill.dim, 256).
    #[arg(long)]
    pub dim: Option<usize>,
    /// Corpus files (CSV/TSV with a text column, or one document per line) whose words join
    /// the vocabulary as whole tokens, as model2vec's `vocabulary=` does.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub vocab_from: Vec<PathBuf>,
    /// Reduce with PCA (the default; config's distill.pca).
    #[arg(long, overrides_with = "no_pca")]
    pub pca: bool,
    /// Keep the encoder's width, no PCA.
    #[arg(long)]
    pub no_pca: bool,
    /// Weight tokens by Zipf-law SIF (the default; config's distill.zipf).
    #[arg(long, overrides_with = "no_zipf")]
    pub apply_zipf: bool,
    /// No frequency weighting.
    #[arg(long)]
    pub no_zipf: bool,
    /// The type of the written token vectors: f32, or f16 (model2vec's default; half the
    /// file). Default: config's distill.dtype, f32.
    #[arg(long, value_enum)]
    pub dtype: Option<TableDtype>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, a: DistillArgs) -> Result<()> {
    let mut config = ctx.config.distill.clone();
    if let Some(d) = a.dim {
        config.dim = d;
    }
    if let Some(t) = a.dtype {
        config.dtype = t;
    }
    if a.no_pca {
        config.pca = false;
    } else if a.pca {
        config.pca = true;
    }
    if a.no_zipf {
        config.zipf = false;
    } else if a.apply_zipf {
        config.zipf = true;
    }
    config.validate()?;
    for f in &a.vocab_from {
        wordlens::text::CorpusReader::open(&wordlens::text::CorpusSpec::new(f.clone()))?;
    }
    let source = super::vectors::source(ctx, Some(&a.from));
    let Opened::Ready(opened) = ctx.config.resolver()?.open_or_defer(&source)? else {
        return Err(Error::Usage(
            "--from names an encoder folder or a hub name, not `trained`".into(),
        ));
    };
    let encoder = match opened.encoder {
        Encoder::Contextual(m) => m,
        other => {
            return Err(Error::Usage(format!(
                "{source} is not a contextual encoder ({}); distill reads a sentence-transformers folder around a BERT",
                other.describe()
            )));
        }
    };
    let report = distill(
        &encoder,
        &a.out,
        &config.settings(a.vocab_from.clone()),
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    if a.json {
        return print_json(&report);
    }
    print(&format!(
        "wrote {} (model2vec: {} tokens{} × {}, {:.1}% of the variance kept, Zipf weights {}) from {} in {:.1} s\n",
        report.out.display(),
        report.tokens,
        if report.added_words > 0 {
            format!(" + {} corpus words", report.added_words)
        } else {
            String::new()
        },
        report.dim,
        100.0 * report.explained_variance,
        if config.zipf { "on" } else { "off" },
        encoder.describe(),
        report.seconds
    ))
}
