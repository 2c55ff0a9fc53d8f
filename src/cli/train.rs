//! `wordlens train`: word2vec on corpus files, written as a vectors file.

use std::path::PathBuf;

use clap::Args;
use wordlens::embed::io::{self, VectorFormat};
use wordlens::embed::word2vec::{self, Model, TrainStats, Word2VecConfig};
use wordlens::text::{CorpusFormat, CorpusSpec, TextSource, Tokenizer};
use wordlens::{Config, Result};

use super::Context;
use super::output::{print, print_json};
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Corpus files: one document per line, CSV/TSV, or fastText `__label__` lines; `.gz` too.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub corpus: Vec<PathBuf>,
    /// CSV/TSV text column(s), joined with a space (default from config: `text`).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    /// How to read the corpus files (default: from the file name and first line).
    #[arg(long, value_enum, default_value = "auto")]
    pub corpus_format: CorpusFormat,
    /// Where to write the vectors.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    #[arg(long, value_enum)]
    pub format: Option<VectorFormat>,
    #[command(flatten)]
    pub w2v: Word2VecFlags,
    /// Replace invalid UTF-8 (counted and reported) instead of failing.
    #[arg(long)]
    pub lossy_utf8: bool,
    /// Print the training statistics as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Flags that override `[word2vec]` in config.toml.
#[derive(Debug, Args, Default)]
pub struct Word2VecFlags {
    #[arg(long, value_enum)]
    pub model: Option<Model>,
    #[arg(long)]
    pub dim: Option<usize>,
    #[arg(long)]
    pub window: Option<usize>,
    #[arg(long)]
    pub negative: Option<usize>,
    #[arg(long)]
    pub min_count: Option<u64>,
    #[arg(long)]
    pub max_vocab: Option<usize>,
    #[arg(long)]
    pub sample: Option<f64>,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub alpha: Option<f32>,
    #[arg(long)]
    pub min_alpha: Option<f32>,
    /// Worker threads (0: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long)]
    pub seed: Option<u64>,
}

impl Word2VecFlags {
    pub fn apply(&self, c: &mut Word2VecConfig) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { c.$f = v; } )* };
        }
        set!(
            model, dim, window, negative, min_count, max_vocab, sample, epochs, alpha, min_alpha,
            threads, seed
        );
    }
}

pub fn run(ctx: &Context, args: TrainArgs) -> Result<()> {
    let mut config = ctx.config.clone();
    args.w2v.apply(&mut config.word2vec);
    if let Some(f) = args.format {
        config.output.format = f;
    }
    config.validate()?;
    let text_cols = args
        .text_col
        .clone()
        .unwrap_or_else(|| config.data.text_cols.clone());
    let sources: Vec<TextSource> = args
        .corpus
        .iter()
        .map(|p| CorpusSpec {
            format: args.corpus_format,
            text_cols: text_cols.clone(),
            lossy_utf8: args.lossy_utf8 || config.data.lossy_utf8,
            ..CorpusSpec::new(p)
        })
        .map(TextSource::File)
        .collect();
    let trained = train_sources(ctx, &config, &sources)?;
    io::write(&args.out, &trained.embeddings, config.output.format)?;
    if args.json {
        print_json(&trained.stats)
    } else {
        print(&format!(
            "{}wrote {} vectors of dimension {} to {} ({})\n",
            summary(&trained.stats),
            trained.embeddings.len(),
            trained.embeddings.dim(),
            args.out.display(),
            config.output.format.name()
        ))
    }
}

/// Trains with a progress bar; shared by `train` and the default job.
pub fn train_sources(
    ctx: &Context,
    config: &Config,
    sources: &[TextSource<'_>],
) -> Result<word2vec::Trained> {
    let bar = Bar::new(ctx.quiet);
    let tokenizer = Tokenizer::new(&config.tokenizer);
    word2vec::train(sources, &tokenizer, &config.word2vec, &bar, &ctx.cancel)
}

pub fn summary(s: &TrainStats) -> String {
    let mut out = format!(
        "corpus: {} documents, {} tokens; vocabulary {} words ({} tokens per epoch)\n\
         trained {} epochs on {} threads in {:.2} s (+{:.2} s reading): {:.0} words/s, final loss {:.4}\n",
        s.documents,
        s.tokens,
        s.vocab_size,
        s.train_words,
        s.epochs,
        s.threads,
        s.seconds_training,
        s.seconds_reading,
        s.words_per_second,
        s.final_loss
    );
    if s.lossy_records > 0 {
        out.push_str(&format!(
            "warning: {} records had invalid UTF-8, replaced with U+FFFD\n",
            s.lossy_records
        ));
    }
    out
}
