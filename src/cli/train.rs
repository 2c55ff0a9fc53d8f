//! `wordlens train`: word2vec on corpus files, written as a vectors file.

use std::path::PathBuf;

use clap::Args;
use wordlens::embed::io::{self, VectorFormat};
use wordlens::embed::trainer;
use wordlens::embed::trainer::{JobOrder, LrDecay, Model, TrainStats, Trained, Update};
use wordlens::text::{CorpusFormat, CorpusSpec, TextSource, Tokenizer};
use wordlens::{Config, Result};

use super::output::{print, print_json};
use super::progress_bar::Bar;
use super::{Context, deprecated_flag};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Corpus files: one document per line, CSV/TSV, or fastText `__label__` lines; `.gz` too.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub corpus: Vec<PathBuf>,
    #[command(flatten)]
    pub text: super::collection::TextArgs,
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
    /// Print the training statistics as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Flags that override `[word2vec]` (and `[glove]`) in config.toml.
#[derive(Debug, Args, Default)]
pub struct Word2VecFlags {
    /// skipgram, cbow, fasttext-skipgram, fasttext-cbow (with character n-grams) or glove.
    #[arg(long, value_enum)]
    pub model: Option<Model>,
    #[arg(long)]
    pub dim: Option<usize>,
    /// Context window (for GloVe: `glove.window`).
    #[arg(long)]
    pub window: Option<usize>,
    #[arg(long)]
    pub negative: Option<usize>,
    #[arg(long)]
    pub min_count: Option<u64>,
    #[arg(long)]
    pub max_vocab: Option<usize>,
    /// Subsampling threshold of frequent words (0: off); default per model family:
    /// `sample` (word2vec, 1e-3) or `fasttext_sample` (fastText, 1e-4).
    #[arg(long)]
    pub sample: Option<f64>,
    /// Passes over the corpus (for GloVe: over the co-occurrence records).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Initial learning rate: word2vec models default to `learning_rate` (0.025), fastText
    /// models to `fasttext_learning_rate` (0.05). GloVe's is `--eta`.
    #[arg(long)]
    pub learning_rate: Option<f32>,
    /// Final learning rate (the rate decays linearly to it).
    #[arg(long)]
    pub min_learning_rate: Option<f32>,
    /// GloVe: exponent of the weighting (x / x_max)^e (GloVe's `-alpha`).
    #[arg(long)]
    pub weighting_exponent: Option<f32>,
    /// Old name of --learning-rate, and for GloVe of --weighting-exponent (warns; to be removed).
    #[arg(long, hide = true, conflicts_with_all = ["learning_rate", "weighting_exponent"])]
    pub alpha: Option<f32>,
    /// Old name of --min-learning-rate (warns; to be removed).
    #[arg(long, hide = true, conflicts_with = "min_learning_rate")]
    pub min_alpha: Option<f32>,
    /// Order of the corpus's 10,000-token blocks: thread-offsets (fastText's and word2vec's),
    /// shuffle (anew every epoch) or sequential (gensim's).
    #[arg(long, value_enum)]
    pub order: Option<JobOrder>,
    /// Skip-gram: one minibatch per window whose context words share their noise words (Ji et
    /// al. 2016), or one step per (context, word) pair (word2vec's, gensim's).
    #[arg(long, value_enum)]
    pub update: Option<Update>,
    /// Recompute the decaying learning rate per 10,000-token block or before every document.
    #[arg(long, value_enum)]
    pub lr_decay: Option<LrDecay>,
    /// Draw a noise word again when it is the predicted word (fastText) instead of skipping
    /// it (word2vec, gensim).
    #[arg(long)]
    pub noise_redraw: Option<bool>,
    /// Worker threads (0: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// fastText models: shortest character n-gram.
    #[arg(long)]
    pub minn: Option<usize>,
    /// fastText models: longest character n-gram (0: none).
    #[arg(long)]
    pub maxn: Option<usize>,
    /// fastText models: n-gram hash buckets.
    #[arg(long)]
    pub bucket: Option<usize>,
    /// GloVe: counts above this get full weight.
    #[arg(long)]
    pub x_max: Option<f32>,
    /// GloVe: AdaGrad's initial learning rate.
    #[arg(long)]
    pub eta: Option<f32>,
}

impl Word2VecFlags {
    pub fn apply(&self, config: &mut Config) {
        let c = &mut config.word2vec;
        macro_rules! set {
            ($target:expr; $($f:ident),*) => { $( if let Some(v) = self.$f { $target.$f = v; } )* };
        }
        set!(c; model, dim, negative, min_count, max_vocab, min_learning_rate, threads, seed, minn, maxn, bucket, order, update, lr_decay, noise_redraw);
        let old_min = deprecated_flag("--min-alpha", "--min-learning-rate", self.min_alpha);
        if let Some(rate) = old_min {
            c.min_learning_rate = rate;
        }
        // --sample and --learning-rate set the chosen model's own (fastText models keep their
        // own defaults apart from word2vec's).
        if let Some(s) = self.sample {
            c.set_sampling(s);
        }
        let glove = config.word2vec.model == Model::Glove;
        let renamed = if glove {
            "--weighting-exponent"
        } else {
            "--learning-rate"
        };
        let old_alpha = deprecated_flag("--alpha", renamed, self.alpha);
        let g = &mut config.glove;
        set!(g; x_max, eta, weighting_exponent);
        if glove {
            set!(g; window, epochs);
            if let Some(e) = old_alpha {
                g.weighting_exponent = e;
            }
        } else {
            set!(config.word2vec; window, epochs);
            if let Some(rate) = self.learning_rate.or(old_alpha) {
                config.word2vec.set_learning_rate(rate);
            }
        }
    }
}

pub fn run(ctx: &Context, args: TrainArgs) -> Result<()> {
    let mut config = ctx.config.clone();
    args.w2v.apply(&mut config);
    if let Some(f) = args.format {
        config.output.format = f;
    }
    config.validate()?;
    let sources: Vec<TextSource> = args
        .corpus
        .iter()
        .map(|p| CorpusSpec {
            format: args.corpus_format,
            ..args.text.spec(&config, p)
        })
        .map(TextSource::File)
        .collect();
    let trained = train_sources(ctx, &config, &sources)?;
    io::write(&args.out, &trained.embeddings, config.output.format)?;
    if trained.embeddings.subwords().is_some() && config.output.format != VectorFormat::Wordlens {
        eprintln!(
            "note: {} keeps the word vectors only; write --format wordlens to keep the n-grams (vectors for unseen words)",
            config.output.format.name()
        );
    }
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
) -> Result<Trained> {
    let bar = Bar::new(ctx.quiet);
    let tokenizer = Tokenizer::new(&config.tokenizer)?;
    trainer::train(
        sources,
        &tokenizer,
        &config.word2vec,
        &config.glove,
        &bar,
        &ctx.cancel,
    )
}

pub fn summary(s: &TrainStats) -> String {
    let mut out = format!(
        "settings: {}\ncorpus: {} documents, {} tokens; vocabulary {} words ({} tokens per epoch)\n\
         trained {} epochs on {} threads in {:.2} s (+{:.2} s reading): {:.0} words/s, final loss {:.4}\n",
        s.settings.describe(),
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
