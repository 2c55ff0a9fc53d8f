//! What every embedding model shares: the model names, the `[word2vec]` settings (GloVe takes
//! its dimension, vocabulary and threads from them too), and what a run reports. The trainers
//! (`word2vec`, `glove`) read these; `trainer` dispatches to them.

use serde::{Deserialize, Serialize};

use std::time::Instant;

use crate::embed::vectors::Embeddings;
use crate::embed::vocab::Vocab;
use crate::error::{Error, Result};
use crate::text::ReadStats;

/// The embedding models `train` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Skipgram,
    Cbow,
    /// skip-gram over words and their character n-grams (fastText's `skipgram`)
    #[serde(rename = "fasttext-skipgram")]
    #[cfg_attr(feature = "cli", value(name = "fasttext-skipgram"))]
    FasttextSkipgram,
    /// CBOW over words and their character n-grams (fastText's `cbow`)
    #[serde(rename = "fasttext-cbow")]
    #[cfg_attr(feature = "cli", value(name = "fasttext-cbow"))]
    FasttextCbow,
    /// GloVe: weighted least squares on co-occurrence counts (`[glove]` settings)
    Glove,
}

impl Model {
    /// Whether the model trains character n-grams (the fastText variants).
    pub fn has_subwords(self) -> bool {
        matches!(self, Model::FasttextSkipgram | Model::FasttextCbow)
    }
    /// Whether the model predicts context words from a word (skip-gram) rather than the reverse.
    pub fn is_skipgram(self) -> bool {
        matches!(self, Model::Skipgram | Model::FasttextSkipgram)
    }
    /// The name flags, settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Model::Skipgram => "skipgram",
            Model::Cbow => "cbow",
            Model::FasttextSkipgram => "fasttext-skipgram",
            Model::FasttextCbow => "fasttext-cbow",
            Model::Glove => "glove",
        }
    }
}

/// The order in which the corpus's blocks of `token_stream::JOB_TOKENS` tokens are trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum JobOrder {
    /// Each thread starts at its share of the corpus and reads on, as fastText and the word2vec
    /// C tool do (the default: vectors of fastText's quality, measured in bench/).
    ThreadOffsets,
    /// A new random order every epoch: a corpus stored topic by topic trains as if shuffled.
    Shuffle,
    /// The file's order every epoch, as gensim does.
    Sequential,
}

/// How skip-gram turns a window into gradient steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Update {
    /// One small minibatch per window: the window's context words share one draw of noise
    /// words, and the step is two dense products over rows copied close together (Ji et al.
    /// 2016, "pSGNScc"). Skip-gram only; the other models train per pair. The default: 1.8x
    /// the pair steps' speed at gensim's quality (bench/README.md, word2vec).
    Windows,
    /// One step per (context, word) pair, each with its own noise words (word2vec, gensim).
    Pairs,
}

impl Update {
    /// The name flags, settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Update::Pairs => "pairs",
            Update::Windows => "windows",
        }
    }
}

/// How often the linearly decaying learning rate is recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum LrDecay {
    /// Once per block of `token_stream::JOB_TOKENS` tokens (gensim's per-job rate).
    Block,
    /// Before every document (line), from the words trained so far.
    Document,
}

impl LrDecay {
    /// The name flags, settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            LrDecay::Block => "block",
            LrDecay::Document => "document",
        }
    }
}

impl JobOrder {
    /// The name flags, settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            JobOrder::Shuffle => "shuffle",
            JobOrder::Sequential => "sequential",
            JobOrder::ThreadOffsets => "thread-offsets",
        }
    }
}

/// The `[word2vec]` settings: every model's (GloVe reads dim, min_count, max_vocab, threads,
/// seed and memory_budget_mb from here and the rest from `[glove]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    pub model: Model,
    pub dim: usize,
    pub window: usize,
    pub negative: usize,
    pub min_count: u64,
    pub max_vocab: usize,
    /// Subsampling threshold of the word2vec models (word2vec's default).
    pub sample: f64,
    pub epochs: usize,
    /// Initial learning rate of the word2vec models (word2vec's and gensim's default).
    pub learning_rate: f32,
    pub min_learning_rate: f32,
    /// The fastText models' learning rate and subsampling threshold (fastText's defaults):
    /// each model family starts from its own tool's settings.
    pub fasttext_learning_rate: f32,
    pub fasttext_sample: f64,
    pub order: JobOrder,
    /// Skip-gram: one step per pair, or one minibatch per window.
    pub update: Update,
    pub lr_decay: LrDecay,
    /// A noise word equal to the predicted word is drawn again (fastText) instead of skipped
    /// (word2vec, gensim).
    pub noise_redraw: bool,
    pub threads: usize,
    pub seed: u64,
    pub memory_budget_mb: usize,
    /// fastText models: shortest and longest character n-gram, and hash buckets.
    pub minn: usize,
    pub maxn: usize,
    pub bucket: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            model: Model::Skipgram,
            dim: 100,
            window: 5,
            negative: 5,
            min_count: 5,
            max_vocab: 0,
            sample: 1e-3,
            epochs: 5,
            learning_rate: 0.025,
            min_learning_rate: 0.0001,
            fasttext_learning_rate: 0.05,
            fasttext_sample: 1e-4,
            order: JobOrder::ThreadOffsets,
            update: Update::Windows,
            lr_decay: LrDecay::Block,
            noise_redraw: false,
            threads: 0,
            seed: 1,
            memory_budget_mb: 1024,
            minn: 3,
            maxn: 6,
            bucket: 2_000_000,
        }
    }
}

impl TrainConfig {
    /// The initial learning rate the chosen model trains with.
    pub fn model_learning_rate(&self) -> f32 {
        if self.model.has_subwords() {
            self.fasttext_learning_rate
        } else {
            self.learning_rate
        }
    }

    /// The subsampling threshold the chosen model trains with.
    pub fn sampling(&self) -> f64 {
        if self.model.has_subwords() {
            self.fasttext_sample
        } else {
            self.sample
        }
    }

    /// Sets the chosen model's learning rate (what `--learning-rate` means).
    pub fn set_learning_rate(&mut self, rate: f32) {
        if self.model.has_subwords() {
            self.fasttext_learning_rate = rate
        } else {
            self.learning_rate = rate
        }
    }

    /// Sets the chosen model's subsampling threshold (what `--sample` means).
    pub fn set_sampling(&mut self, sample: f64) {
        if self.model.has_subwords() {
            self.fasttext_sample = sample
        } else {
            self.sample = sample
        }
    }

    /// Errors naming the `word2vec` key of a bad setting.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, msg: &str| Err(Error::config(format!("word2vec.{key}"), msg));
        if self.dim == 0 || self.dim > 10_000 {
            return bad("dim", "must be between 1 and 10000");
        }
        if self.window == 0 {
            return bad("window", "must be at least 1");
        }
        if self.negative == 0 {
            return bad(
                "negative",
                "must be at least 1 (negative sampling is the only loss)",
            );
        }
        if self.min_count == 0 {
            return bad("min_count", "must be at least 1");
        }
        for (key, sample) in [
            ("sample", self.sample),
            ("fasttext_sample", self.fasttext_sample),
        ] {
            if !(0.0..1.0).contains(&sample) {
                return bad(key, "must be in [0, 1) (0 turns subsampling off)");
            }
        }
        if self.epochs == 0 {
            return bad("epochs", "must be at least 1");
        }
        for (key, rate) in [
            ("learning_rate", self.learning_rate),
            ("fasttext_learning_rate", self.fasttext_learning_rate),
        ] {
            if !(rate > 0.0 && rate < 1.0) {
                return bad(key, "must be in (0, 1)");
            }
        }
        if !(self.min_learning_rate >= 0.0 && self.min_learning_rate <= self.model_learning_rate())
        {
            return bad(
                "min_learning_rate",
                "must be in [0, the model's learning rate] (learning_rate, or fasttext_learning_rate for fastText models)",
            );
        }
        if self.maxn > 0 && (self.minn == 0 || self.minn > self.maxn) {
            return bad(
                "minn",
                "must be between 1 and maxn (maxn = 0 turns n-grams off)",
            );
        }
        if self.maxn > 64 {
            return bad("maxn", "must be at most 64");
        }
        if self.model.has_subwords() && self.maxn > 0 && self.bucket == 0 {
            return bad("bucket", "must be at least 1 when maxn > 0");
        }
        if self.bucket > 100_000_000 {
            return bad("bucket", "must be at most 100000000");
        }
        Ok(())
    }

    /// Worker threads: the configured number, or every core when 0.
    pub fn thread_count(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }
    }

    /// The settings a word2vec or fastText run uses, as reported.
    pub fn effective(&self) -> TrainSettings {
        let subwords = self.model.has_subwords();
        TrainSettings {
            model: self.model.name(),
            dim: self.dim,
            window: self.window,
            epochs: self.epochs,
            min_count: self.min_count,
            threads: self.thread_count(),
            negative: Some(self.negative),
            learning_rate: Some(self.model_learning_rate()),
            min_learning_rate: Some(self.min_learning_rate),
            sample: Some(self.sampling()),
            order: Some(self.order.name()),
            update: (self.model == Model::Skipgram).then_some(self.update.name()),
            lr_decay: Some(self.lr_decay.name()),
            noise_redraw: Some(self.noise_redraw),
            ngrams: (subwords && self.maxn > 0).then_some((self.minn, self.maxn, self.bucket)),
            glove: None,
        }
    }
}

/// The settings a run trained with, each model's own (`None`: the model has no such setting).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainSettings {
    /// The model's name (`skipgram`, `fasttext-cbow`, `glove`, ...).
    pub model: &'static str,
    /// Vector dimension.
    pub dim: usize,
    /// Context window (the largest distance to a context word).
    pub window: usize,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Words rarer than this are dropped.
    pub min_count: u64,
    /// Worker threads.
    pub threads: usize,
    /// Noise words per positive example.
    pub negative: Option<usize>,
    /// Starting learning rate, decayed linearly to `min_learning_rate`.
    pub learning_rate: Option<f32>,
    /// The learning rate at the end of training.
    pub min_learning_rate: Option<f32>,
    /// Subsampling threshold of frequent words.
    pub sample: Option<f64>,
    /// The order the corpus blocks are trained in.
    pub order: Option<&'static str>,
    /// Skip-gram: `pairs` or `windows` (see `Update`).
    pub update: Option<&'static str>,
    /// How often the learning rate steps down (`LrDecay`).
    pub lr_decay: Option<&'static str>,
    /// Whether a noise word equal to the target is drawn again.
    pub noise_redraw: Option<bool>,
    /// fastText models: (minn, maxn, buckets).
    pub ngrams: Option<(usize, usize, usize)>,
    /// GloVe: (x_max, weighting exponent, eta).
    pub glove: Option<(f32, f32, f32)>,
}

impl TrainSettings {
    /// One line: "fasttext-skipgram · dim 100 · window 5 · … · lr 0.05→0.0001 · sample 0.0001".
    pub fn describe(&self) -> String {
        let mut parts = vec![
            self.model.to_string(),
            format!("dim {}", self.dim),
            format!("window {}", self.window),
            format!("epochs {}", self.epochs),
            format!("min_count {}", self.min_count),
        ];
        if let Some(n) = self.negative {
            parts.push(format!("negative {n}"));
        }
        if let (Some(lr), Some(min)) = (self.learning_rate, self.min_learning_rate) {
            parts.push(format!("lr {lr}→{min}"));
        }
        if let Some(s) = self.sample {
            parts.push(format!("sample {s}"));
        }
        if let Some((minn, maxn, bucket)) = self.ngrams {
            parts.push(format!("n-grams {minn}–{maxn} in {bucket} buckets"));
        }
        if let Some((x_max, exponent, eta)) = self.glove {
            parts.push(format!("x_max {x_max} exponent {exponent} eta {eta}"));
        }
        if let Some(o) = self.order {
            parts.push(format!("order {o}"));
        }
        if let Some(u) = self.update {
            parts.push(format!("update {u}"));
        }
        if let Some(d) = self.lr_decay {
            parts.push(format!("lr_decay {d}"));
        }
        if let Some(r) = self.noise_redraw {
            parts.push(format!("noise_redraw {r}"));
        }
        parts.push(format!("{} threads", self.threads));
        parts.join(" · ")
    }
}

/// What a training run measured.
#[derive(Debug, Clone, Serialize)]
pub struct TrainStats {
    /// The settings the run used (each model family's defaults applied).
    pub settings: TrainSettings,
    /// Tokens in the corpus (before min_count), per epoch.
    pub tokens: u64,
    /// Documents (lines or rows) read.
    pub documents: u64,
    /// Words kept in the vocabulary.
    pub vocab_size: usize,
    /// Tokens of vocabulary words per epoch (before subsampling).
    pub train_words: u64,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Worker threads.
    pub threads: usize,
    /// Reading and counting the corpus (vocabulary, co-occurrences).
    pub seconds_reading: f64,
    /// The training passes alone.
    pub seconds_training: f64,
    /// Raw corpus tokens × epochs / total seconds (reading included) — how gensim's and
    /// word2vec's reports count, so the figures compare directly.
    pub words_per_second: f64,
    /// The mean loss over the last reported stretch of training.
    pub final_loss: f64,
    /// (input word, predicted word) pairs trained, all epochs.
    pub pairs: u64,
    /// Lines or fields whose invalid UTF-8 was replaced (lenient reading only).
    pub lossy_records: u64,
}

impl TrainStats {
    /// The figures of a finished run, gathered in one place for every trainer: `settings` as
    /// trained, the corpus as read (`tokens`, `read`), its vocabulary, the run's clock, the
    /// last loss and the pairs trained.
    pub(crate) fn of_run(
        settings: TrainSettings,
        tokens: u64,
        read: &ReadStats,
        vocab: &Vocab,
        clock: &RunClock,
        final_loss: f64,
        pairs: u64,
    ) -> Self {
        let seconds_total = clock.started.elapsed().as_secs_f64();
        Self {
            tokens,
            documents: read.documents,
            vocab_size: vocab.len(),
            train_words: vocab.total(),
            epochs: settings.epochs,
            threads: settings.threads,
            seconds_reading: (clock.training - clock.started).as_secs_f64(),
            seconds_training: clock.training.elapsed().as_secs_f64(),
            words_per_second: (tokens * settings.epochs as u64) as f64 / seconds_total.max(1e-9),
            final_loss,
            pairs,
            lossy_records: read.lossy_records,
            settings,
        }
    }
}

/// When a run started and when, the corpus read, its training began.
pub(crate) struct RunClock {
    started: Instant,
    training: Instant,
}

impl RunClock {
    /// Starts the clock (reading begins).
    pub(crate) fn start() -> Self {
        let now = Instant::now();
        Self {
            started: now,
            training: now,
        }
    }

    /// Reading is over, training begins.
    pub(crate) fn training_begins(&mut self) {
        self.training = Instant::now();
    }
}

/// Vectors a training run produced, with what it measured.
pub struct Trained {
    /// The word vectors.
    pub embeddings: Embeddings,
    /// What the run measured.
    pub stats: TrainStats,
}

#[cfg(test)]
mod tests;
