//! Command-line definitions (clap) and the dispatch to one file per subcommand.

mod classify;
mod collection;
mod color;
mod compare;
mod convert;
mod distill;
mod embed;
#[cfg(feature = "milvus")]
mod engine;
mod eval_embeddings;
mod eval_search;
mod index_folder;
mod models;
mod output;
mod predict;
mod progress_bar;
mod query;
mod report;
mod search;
mod tokenize;
mod train;
mod tui;
mod vectors;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use wordlens::progress::Cancel;
use wordlens::{Config, Result};

#[derive(Debug, Parser)]
#[command(
    name = "wordlens",
    version,
    about = "Word embeddings, document vectors, classification and hybrid search for text data"
)]
pub struct Cli {
    /// Settings file (default: ./config.toml when present, else built-in defaults).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The encoding of the words in vectors files that are not UTF-8: a WHATWG label (latin1,
    /// windows-1250, koi8-r, ...) or a DOS code page (cp852, cp437, ...). Default: config's
    /// [vectors] encoding (utf-8; undecodable bytes are kept as \xNN).
    #[arg(long, global = true, value_name = "NAME")]
    pub encoding: Option<String>,
    /// How words are found in scripts written without spaces: auto (per script: jieba for
    /// Chinese, ICU's dictionaries for Japanese, Thai, Lao, Khmer, Myanmar), unicode (one token
    /// per Han character), whitespace (pre-segmented text), jieba or icu. Default: config's
    /// tokenizer.segmenter. An index or model keeps the one it was built with.
    #[arg(long, global = true, value_name = "NAME")]
    pub segmenter: Option<String>,
    /// A jieba user dictionary (`word [freq] [tag]` lines) added to the bundled one.
    #[arg(long, global = true, value_name = "FILE")]
    pub user_dict: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train word vectors (skip-gram, CBOW, fastText-style subwords or GloVe) on corpus files.
    Train(train::TrainArgs),
    /// Nearest neighbours of a word.
    Neighbors(query::NeighborsArgs),
    /// A − B + C, fastText's order: `king man woman` → queen (B : A :: C : ?).
    Analogy(query::AnalogyArgs),
    /// The word that does not belong with the others.
    OddOneOut(query::OddOneOutArgs),
    /// Word-pair Spearman and analogy accuracy of a vectors file.
    EvalEmbeddings(eval_embeddings::EvalArgs),
    /// Document vectors of a CSV or text file for other tools (.npy, .csv, .jsonl).
    Embed(embed::EmbedArgs),
    /// Distill a static model (model2vec folder) from a contextual encoder.
    Distill(distill::DistillArgs),
    /// Convert a vectors file to another format.
    Convert(convert::ConvertArgs),
    /// Fit a classifier on a labelled CSV, or label a CSV with one.
    #[command(subcommand)]
    Classify(classify::ClassifyCommand),
    /// Bag-of-words vs embeddings vs both on the same split, with significance.
    Compare(compare::CompareArgs),
    /// Build a search index (BM25 + document vectors) from a CSV or text file.
    Index(search::IndexArgs),
    /// Search an index by keywords (bm25), meaning (vector) or both (hybrid).
    Search(search::SearchArgs),
    /// Evaluate bm25, vector and hybrid search side by side.
    EvalSearch(eval_search::EvalSearchArgs),
    /// Copy an index into a search engine collection (milvus://HOST:PORT/COLLECTION): texts
    /// with the engine's BM25, the index's document vectors; resumable, idempotent.
    #[cfg(feature = "milvus")]
    Export(engine::ExportArgs),
    /// The whole pipeline without a terminal: embedding scores, classification comparison with
    /// learning curve, search evaluation (Markdown, or --json).
    Report(report::ReportArgs),
    /// Models found locally (bundled, Hugging Face cache) and `models pull org/name`.
    Models(models::ModelsArgs),
    /// The terminal UI: search, classify, explore embeddings, train (the default command).
    Tui(tui::TuiArgs),
    /// The tokens the index, the trainer and the classifier see, in any language (text, a
    /// file, --data or standard input in; one line of tokens per text out, or --json).
    Tokenize(tokenize::TokenizeArgs),
}

/// The value of a flag given by its old name, with a warning naming the new one (old names
/// stay for one release).
pub fn deprecated_flag<T>(old: &str, new: &str, value: Option<T>) -> Option<T> {
    if value.is_some() {
        eprintln!("warning: {old} is now {new}; the old name will be removed");
    }
    value
}

/// Everything a subcommand needs besides its own arguments.
pub struct Context {
    pub config: Config,
    pub quiet: bool,
    pub cancel: Cancel,
    /// `--segmenter` or `--user-dict` was given: an index or model built with other settings
    /// is refused rather than read with its own.
    pub segmenter_given: bool,
}

pub fn run(cli: Cli, cancel: Cancel) -> Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    for warning in &config.deprecations {
        eprintln!("warning: {warning}");
    }
    if let Some(label) = cli.encoding {
        wordlens::embed::io::WordEncoding::parse(&label)?;
        config.vectors.encoding = label;
    }
    let segmenter_given = cli.segmenter.is_some() || cli.user_dict.is_some();
    if let Some(name) = &cli.segmenter {
        config.tokenizer.segmenter = wordlens::text::Segmenter::parse(name)?;
    }
    if let Some(path) = &cli.user_dict {
        config.tokenizer.user_dict = path.display().to_string();
    }
    if segmenter_given {
        config.tokenizer.validate()?;
    }
    let ctx = Context {
        config,
        quiet: cli.quiet,
        cancel,
        segmenter_given,
    };
    match cli.command {
        None => tui::run(&ctx, tui::TuiArgs::default()),
        Some(Command::Train(a)) => train::run(&ctx, a),
        Some(Command::Neighbors(a)) => query::neighbors(&ctx, a),
        Some(Command::Analogy(a)) => query::analogy(&ctx, a),
        Some(Command::OddOneOut(a)) => query::odd_one_out(&ctx, a),
        Some(Command::EvalEmbeddings(a)) => eval_embeddings::run(&ctx, a),
        Some(Command::Embed(a)) => embed::run(&ctx, a),
        Some(Command::Distill(a)) => distill::run(&ctx, a),
        Some(Command::Convert(a)) => convert::run(&ctx, a),
        Some(Command::Classify(c)) => classify::run(&ctx, c),
        Some(Command::Compare(a)) => compare::run(&ctx, a),
        Some(Command::Index(a)) => search::index(&ctx, a),
        Some(Command::Search(a)) => search::search(&ctx, a),
        Some(Command::EvalSearch(a)) => eval_search::eval(&ctx, a),
        #[cfg(feature = "milvus")]
        Some(Command::Export(a)) => engine::export(&ctx, a),
        Some(Command::Report(a)) => report::run(&ctx, a),
        Some(Command::Models(a)) => models::run(&ctx, a),
        Some(Command::Tui(a)) => tui::run(&ctx, a),
        Some(Command::Tokenize(a)) => tokenize::run(&ctx, a),
    }
}
