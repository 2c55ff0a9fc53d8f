//! word2vec: skip-gram and CBOW with negative sampling (Mikolov et al. 2013), trained
//! Hogwild-style over threads with a linearly decaying learning rate, as the C tool and gensim
//! do. With one thread and a fixed seed the vectors are reproducible.
//!
//! The fastText variants (Bojanowski et al. 2017) train the same way, except that a word's
//! input is the mean of its own row and its character n-gram rows (`subword`), every one of
//! which receives the gradient, and noise words are drawn by count^0.5 as fastText does.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::embed::hogwild::SharedMatrix;
use crate::embed::subword::{Subwords, for_each_ngram};
use crate::embed::token_stream::{self, DOC_END, TokenStream};
use crate::embed::train_config::{
    LrDecay, Model, RunClock, TrainConfig, TrainStats, Trained, Update,
};
use crate::embed::vectors::Embeddings;
use crate::embed::vocab::{NegativeTable, Vocab};
use crate::error::{Error, Result};
use crate::floats::Floats;
use crate::kernels::{MAX_EXP, SigmoidTable, axpy};
use crate::progress::{Cancel, Progress, Report};
use crate::rng::Rng;
use crate::text::{TextSource, Tokenizer};

mod schedule;
mod update;
mod window_batch;
use schedule::Schedule;
use update::{cbow_sentence, skipgram_sentence};
use window_batch::{WindowBuffers, skipgram_windows};

/// Counters the workers bump and the starting thread reads to report progress.
#[derive(Default)]
struct Counters {
    next_job: AtomicUsize,
    words_done: AtomicU64,
    /// Sum of per-pair losses (f64 bits) and the number of pairs, reset at each report.
    loss_bits: AtomicU64,
    pairs: AtomicU64,
    total_pairs: AtomicU64,
}

impl Counters {
    fn add_loss(&self, loss: f64, pairs: u64) {
        let mut cur = self.loss_bits.load(Ordering::Relaxed);
        loop {
            let new = (f64::from_bits(cur) + loss).to_bits();
            match self.loss_bits.compare_exchange_weak(
                cur,
                new,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(c) => cur = c,
            }
        }
        self.pairs.fetch_add(pairs, Ordering::Relaxed);
        self.total_pairs.fetch_add(pairs, Ordering::Relaxed);
    }
    fn take_loss(&self) -> Option<f64> {
        let pairs = self.pairs.swap(0, Ordering::Relaxed);
        let loss = f64::from_bits(self.loss_bits.swap(0f64.to_bits(), Ordering::Relaxed));
        (pairs > 0).then(|| loss / pairs as f64)
    }
}

/// What every training thread reads (settings, token stream, tables) and updates (the two
/// matrices, the counters), for the whole run.
struct TrainingState<'a> {
    cfg: &'a TrainConfig,
    stream: &'a TokenStream,
    keep: Vec<u32>,
    negatives: NegativeTable,
    sigmoid: SigmoidTable,
    input: SharedMatrix,
    output: SharedMatrix,
    /// fastText models: each word's input rows (its own, then its n-grams' buckets).
    subword_rows: Option<SubwordRows>,
    counters: Counters,
    schedule: Schedule,
    total_words: u64,
    cancel: &'a Cancel,
}

/// Reads the corpus once: the token stream (ids mapped to the vocabulary) and the vocabulary
/// of words kept by `min_count` / `max_vocab`. Shared by every model.
pub(crate) fn scan_vocab(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    cfg: &TrainConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(token_stream::Scan, Vocab)> {
    let mut scan = token_stream::scan(
        sources,
        tokenizer,
        cfg.memory_budget_mb << 20,
        progress,
        cancel,
    )?;
    let vocab = Vocab::from_counts(scan.words.iter().cloned(), cfg.min_count, cfg.max_vocab);
    if vocab.is_empty() {
        return Err(Error::Usage(format!(
            "no word occurs at least min_count = {} times in the corpus ({} tokens): lower --min-count",
            cfg.min_count, scan.tokens
        )));
    }
    let remap = scan.words.iter().map(|(w, _)| vocab.id(w)).collect();
    scan.stream.set_remap(remap);
    scan.words = Vec::new();
    Ok((scan, vocab))
}

/// Each word's input rows, stored flat: word `i` owns `rows[offsets[i]..offsets[i + 1]]`.
struct SubwordRows {
    offsets: Vec<usize>,
    rows: Vec<u32>,
}

impl SubwordRows {
    fn new(vocab: &Vocab, minn: usize, maxn: usize, bucket: usize) -> Self {
        let nwords = vocab.len();
        let mut offsets = Vec::with_capacity(nwords + 1);
        let mut rows = Vec::new();
        offsets.push(0);
        for (i, w) in vocab.words().iter().enumerate() {
            rows.push(i as u32);
            for_each_ngram(w, minn, maxn, bucket as u64, |b| {
                rows.push((nwords + b as usize) as u32)
            });
            offsets.push(rows.len());
        }
        Self { offsets, rows }
    }
    #[inline]
    fn of(&self, word: u32) -> &[u32] {
        let w = word as usize;
        &self.rows[self.offsets[w]..self.offsets[w + 1]]
    }
}

// Over 80 lines: the training loop's setup, threads and per-block schedule share a dozen locals;
// split, they become a struct passed everywhere.
/// Trains word2vec (or its fastText variants) on `sources`, tokenized by `tokenizer`.
pub fn train(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    cfg: &TrainConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Trained> {
    cfg.validate()?;
    if cfg.model == Model::Glove {
        return Err(Error::Usage(
            "GloVe is trained by embed::trainer::train, not word2vec::train".into(),
        ));
    }
    let mut clock = RunClock::start();
    let (scan, vocab) = scan_vocab(sources, tokenizer, cfg, progress, cancel)?;
    let stream = &scan.stream;

    let dim = cfg.dim;
    let mut rng = Rng::new(cfg.seed);
    let subwords = cfg.model.has_subwords();
    let (input, subword_rows, power) = if subwords {
        let bucket = if cfg.maxn == 0 { 0 } else { cfg.bucket };
        // fastText's initialisation: uniform in ±1/dim over words and buckets alike.
        let input: Vec<f32> = (0..(vocab.len() + bucket) * dim)
            .map(|_| (rng.next_f32() * 2.0 - 1.0) / dim as f32)
            .collect();
        let rows = SubwordRows::new(&vocab, cfg.minn, cfg.maxn, bucket);
        (input, Some(rows), 0.5)
    } else {
        let input: Vec<f32> = (0..vocab.len() * dim)
            .map(|_| (rng.next_f32() - 0.5) / dim as f32)
            .collect();
        (input, None, 0.75)
    };
    let threads = cfg.thread_count();
    let shared = TrainingState {
        cfg,
        stream,
        keep: vocab.keep_thresholds(cfg.sampling()),
        negatives: NegativeTable::new(vocab.counts(), power),
        sigmoid: SigmoidTable::default(),
        input: SharedMatrix::new(input, dim),
        output: SharedMatrix::new(vec![0.0; vocab.len() * dim], dim),
        subword_rows,
        counters: Counters::default(),
        schedule: Schedule::new(cfg.order, stream.jobs(), cfg.epochs, threads, cfg.seed),
        total_words: vocab.total() * cfg.epochs as u64,
        cancel,
    };
    clock.training_begins();
    let mut final_loss = f64::NAN;
    let outcome: Result<()> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let shared = &shared;
                scope.spawn(move || worker(shared, t, cfg.seed.wrapping_add(1 + t as u64)))
            })
            .collect();
        // This thread reports progress and watches for cancellation while workers run.
        while !handles.iter().all(|h| h.is_finished()) {
            std::thread::sleep(Duration::from_millis(100));
            let done = shared.counters.words_done.load(Ordering::Relaxed);
            if let Some(loss) = shared.counters.take_loss() {
                final_loss = loss;
            }
            progress.report(&Report {
                stage: "training",
                done,
                total: shared.total_words,
                metrics: &[
                    ("lr", shared.learning_rate_at(done) as f64),
                    ("loss", final_loss),
                ],
            });
        }
        for h in handles {
            match h.join() {
                Ok(r) => r?,
                Err(_) => return Err(Error::Internal("a training thread panicked".into())),
            }
        }
        Ok(())
    });
    progress.finish("training");
    outcome?;
    if let Some(loss) = shared.counters.take_loss() {
        final_loss = loss;
    }
    let settings = TrainConfig {
        threads,
        ..cfg.clone()
    }
    .effective();
    let pairs = shared.counters.total_pairs.load(Ordering::Relaxed);
    let stats = TrainStats::of_run(
        settings,
        scan.tokens,
        &scan.read,
        &vocab,
        &clock,
        final_loss,
        pairs,
    );
    let subword_rows = shared.subword_rows;
    let matrix = shared.input.into_inner();
    let counts = vocab.counts().to_vec();
    let embeddings = match subword_rows {
        None => Embeddings::new(vocab.words().to_vec(), matrix, dim)?,
        Some(rows) => with_subwords(&vocab, matrix, &rows, cfg)?,
    };
    Ok(Trained {
        embeddings: embeddings.with_counts(counts),
        stats,
    })
}

/// Word vectors as fastText reports them (the mean of a word's rows), with the n-gram rows
/// kept for words never seen.
fn with_subwords(
    vocab: &Vocab,
    mut input: Vec<f32>,
    rows: &SubwordRows,
    cfg: &TrainConfig,
) -> Result<Embeddings> {
    let dim = cfg.dim;
    let nwords = vocab.len();
    let mut words = vec![0.0f32; nwords * dim];
    for (w, out) in words.chunks_exact_mut(dim).enumerate() {
        let own = rows.of(w as u32);
        for &r in own {
            axpy(1.0, &input[r as usize * dim..(r as usize + 1) * dim], out);
        }
        let inv = 1.0 / own.len() as f32;
        out.iter_mut().for_each(|x| *x *= inv);
    }
    input.drain(..nwords * dim);
    let subwords = Subwords {
        minn: cfg.minn,
        maxn: cfg.maxn,
        buckets: Floats::Owned(input),
    };
    Embeddings::from_parts(
        vocab.words().to_vec(),
        Floats::Owned(words),
        dim,
        Some(subwords),
    )
}

impl TrainingState<'_> {
    fn learning_rate_at(&self, words_done: u64) -> f32 {
        let progress = (words_done as f64 / self.total_words.max(1) as f64).min(1.0) as f32;
        let (start, end) = (self.cfg.model_learning_rate(), self.cfg.min_learning_rate);
        (start - (start - end) * progress).max(end)
    }
}

/// Per-thread scratch space.
struct Scratch {
    raw: Vec<u8>,
    ids: Vec<u32>,
    sentence: Vec<u32>,
    neu1: Vec<f32>,
    neu1e: Vec<f32>,
    targets: Vec<u32>,
    next_targets: Vec<u32>,
    pairs_buf: Vec<(u32, u32)>,
    windows: WindowBuffers,
    loss: f64,
    pairs: u64,
}

fn worker(shared: &TrainingState<'_>, thread: usize, seed: u64) -> Result<()> {
    let dim = shared.cfg.dim;
    let mut rng = Rng::new(seed);
    let mut s = Scratch {
        raw: Vec::new(),
        ids: Vec::new(),
        sentence: Vec::new(),
        neu1: vec![0.0; dim],
        neu1e: vec![0.0; dim],
        targets: Vec::with_capacity(shared.cfg.negative + 1),
        next_targets: Vec::with_capacity(shared.cfg.negative + 1),
        pairs_buf: Vec::new(),
        windows: WindowBuffers::default(),
        loss: 0.0,
        pairs: 0,
    };
    let mut local = 0;
    loop {
        if shared.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let claimed = shared.counters.next_job.fetch_add(1, Ordering::Relaxed);
        if claimed >= shared.schedule.total() {
            return Ok(());
        }
        let block = shared.schedule.block(claimed, thread, local);
        local += 1;
        shared
            .stream
            .read_job(block, &mut s.raw, &mut s.ids)
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let words_before = shared.counters.words_done.load(Ordering::Relaxed);
        let words = train_job(shared, &mut s, &mut rng, words_before);
        shared
            .counters
            .words_done
            .fetch_add(words, Ordering::Relaxed);
        shared.counters.add_loss(s.loss, s.pairs);
        s.loss = 0.0;
        s.pairs = 0;
    }
}

/// Trains on one job's documents (`words_before` words of the run trained before it);
/// returns the number of vocabulary words it held.
fn train_job(shared: &TrainingState<'_>, s: &mut Scratch, rng: &mut Rng, words_before: u64) -> u64 {
    let mut words = 0u64;
    let mut lr = shared.learning_rate_at(words_before);
    let ids = std::mem::take(&mut s.ids);
    for doc in ids.split(|&id| id == DOC_END) {
        if shared.cfg.lr_decay == LrDecay::Document {
            lr = shared.learning_rate_at(words_before + words);
        }
        words += doc.len() as u64;
        s.sentence.clear();
        for &id in doc {
            if shared.keep[id as usize] >= rng.next_u32() {
                s.sentence.push(id);
            }
        }
        if shared.cfg.model == Model::Skipgram && shared.cfg.update == Update::Windows {
            skipgram_windows(shared, s, rng, lr);
        } else if shared.cfg.model.is_skipgram() {
            skipgram_sentence(shared, s, rng, lr);
        } else {
            cbow_sentence(shared, s, rng, lr);
        }
    }
    s.ids = ids;
    words
}
