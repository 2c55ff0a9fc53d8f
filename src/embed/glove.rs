//! GloVe (Pennington et al. 2014): co-occurrence counts within a symmetric window weighted by
//! 1/distance, then weighted least squares on their logarithm, trained with AdaGrad
//! Hogwild-style over threads. The output vector of a word is its word vector plus its
//! context vector, as the GloVe tool writes with `-model 2`.

use serde::{Deserialize, Serialize};

use crate::embed::cooccur::{self, Cooccurrences};
use crate::embed::hogwild::SharedMatrix;
use crate::embed::train_config::{RunClock, TrainConfig, TrainSettings, TrainStats, Trained};
use crate::embed::vectors::Embeddings;
use crate::embed::word2vec::scan_vocab;
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};
use crate::rng::Rng;
use crate::text::{TextSource, Tokenizer};

/// The `[glove]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GloveConfig {
    /// Co-occurrence window on each side.
    pub window: usize,
    /// Counts above this get full weight.
    pub x_max: f32,
    /// Exponent of the weighting function (x / x_max)^weighting_exponent.
    pub weighting_exponent: f32,
    /// AdaGrad's initial learning rate (GloVe's `eta`).
    pub eta: f32,
    pub epochs: usize,
    /// Co-occurrence table size before sorted shards are spilled to disk.
    pub memory_budget_mb: usize,
}

impl Default for GloveConfig {
    fn default() -> Self {
        Self {
            window: 10,
            x_max: 10.0,
            weighting_exponent: 0.75,
            eta: 0.05,
            epochs: 25,
            memory_budget_mb: 1024,
        }
    }
}

impl GloveConfig {
    /// Errors naming the `glove` key of a bad setting.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, msg: &str| Err(Error::config(format!("glove.{key}"), msg));
        if self.window == 0 {
            return bad("window", "must be at least 1");
        }
        if !(self.x_max > 0.0 && self.x_max.is_finite()) {
            return bad("x_max", "must be a positive number");
        }
        if !(self.weighting_exponent > 0.0 && self.weighting_exponent <= 1.0) {
            return bad("weighting_exponent", "must be in (0, 1]");
        }
        if !(self.eta > 0.0 && self.eta < 1.0) {
            return bad("eta", "must be in (0, 1)");
        }
        if self.epochs == 0 {
            return bad("epochs", "must be at least 1");
        }
        if self.memory_budget_mb == 0 {
            return bad("memory_budget_mb", "must be at least 1");
        }
        Ok(())
    }
}

/// Trains GloVe; dimension, vocabulary limits, threads and seed come from `w2v`.
pub fn train(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    w2v: &TrainConfig,
    cfg: &GloveConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Trained> {
    w2v.validate()?;
    cfg.validate()?;
    let mut clock = RunClock::start();
    let (scan, vocab) = scan_vocab(sources, tokenizer, w2v, progress, cancel)?;
    let threads = w2v.thread_count();
    let mut cooc = cooccur::count(
        &scan.stream,
        cfg.window,
        cfg.memory_budget_mb << 20,
        threads,
        progress,
        cancel,
    )?;
    // The token ids are not needed once counted: free them before training.
    let (tokens, read) = (scan.tokens, scan.read);
    drop(scan.stream);
    clock.training_begins();
    let (matrix, final_loss) = fit(&mut cooc, vocab.len(), w2v, cfg, threads, progress, cancel)?;
    let settings = TrainSettings {
        model: "glove",
        dim: w2v.dim,
        window: cfg.window,
        epochs: cfg.epochs,
        min_count: w2v.min_count,
        threads,
        negative: None,
        learning_rate: None,
        min_learning_rate: None,
        sample: None,
        order: None,
        update: None,
        lr_decay: None,
        noise_redraw: None,
        ngrams: None,
        glove: Some((cfg.x_max, cfg.weighting_exponent, cfg.eta)),
    };
    let pairs = cooc.len() * cfg.epochs as u64;
    let stats = TrainStats::of_run(settings, tokens, &read, &vocab, &clock, final_loss, pairs);
    let embeddings = Embeddings::new(vocab.words().to_vec(), matrix, w2v.dim)?
        .with_counts(vocab.counts().to_vec());
    Ok(Trained { embeddings, stats })
}

/// Word and context vectors with their bias in the last column, and AdaGrad's squared
/// gradient sums in the same layout.
struct Params {
    word: SharedMatrix,
    context: SharedMatrix,
    word_grad: SharedMatrix,
    context_grad: SharedMatrix,
}

/// AdaGrad over the co-occurrence records, in a shuffled order; returns word + context
/// vectors and the last epoch's mean cost.
fn fit(
    cooc: &mut Cooccurrences,
    words: usize,
    w2v: &TrainConfig,
    cfg: &GloveConfig,
    threads: usize,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(Vec<f32>, f64)> {
    let dim = w2v.dim;
    let cols = dim + 1;
    let mut rng = Rng::new(w2v.seed);
    let mut init = |_| (rng.next_f32() - 0.5) / dim as f32;
    let p = Params {
        word: SharedMatrix::new((0..words * cols).map(&mut init).collect(), cols),
        context: SharedMatrix::new((0..words * cols).map(&mut init).collect(), cols),
        word_grad: SharedMatrix::new(vec![1.0; words * cols], cols),
        context_grad: SharedMatrix::new(vec![1.0; words * cols], cols),
    };
    let total = cooc.len() * cfg.epochs as u64;
    let mut done = 0u64;
    let mut cost = f64::NAN;
    for epoch in 0..cfg.epochs {
        let mut epoch_cost = 0.0f64;
        let mut seen = 0u64;
        // Blocks bound memory when the records live on disk; each is shuffled, then cut into
        // one slice per thread.
        cooc.for_each_block(w2v.seed.wrapping_add(epoch as u64), |block| {
            let per_thread = block.len().div_ceil(threads).max(1);
            let costs: Vec<f64> = std::thread::scope(|scope| {
                let handles: Vec<_> = block
                    .chunks(per_thread)
                    .map(|part| scope.spawn(|| train_records(&p, part, dim, cfg)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(f64::NAN))
                    .collect()
            });
            epoch_cost += costs.iter().sum::<f64>();
            seen += block.len() as u64;
            done += block.len() as u64;
            progress.report(&Report {
                stage: "training",
                done,
                total,
                metrics: &[
                    ("epoch", (epoch + 1) as f64),
                    ("loss", epoch_cost / seen.max(1) as f64),
                ],
            });
            cancel.check()
        })?;
        cost = epoch_cost / seen.max(1) as f64;
        if !cost.is_finite() {
            return Err(Error::Usage(format!(
                "GloVe diverged in epoch {} (cost {cost}): lower --eta",
                epoch + 1
            )));
        }
    }
    progress.finish("training");
    let (word, context) = (p.word.into_inner(), p.context.into_inner());
    let mut out = Vec::with_capacity(words * dim);
    for (w, c) in word.chunks_exact(cols).zip(context.chunks_exact(cols)) {
        out.extend(w[..dim].iter().zip(&c[..dim]).map(|(a, b)| a + b));
    }
    Ok((out, cost))
}

/// One pass of AdaGrad over `records`; returns the summed cost. The four rows of a record are
/// copied into local buffers, updated there and written back (see hogwild.rs).
fn train_records(p: &Params, records: &[cooccur::Record], dim: usize, cfg: &GloveConfig) -> f64 {
    let mut cost = 0.0f64;
    let [mut w, mut c, mut gw, mut gc] = std::array::from_fn(|_| vec![0.0f32; dim + 1]);
    for r in records {
        let (a, b) = (r.a as usize, r.b as usize);
        p.word.read(a, &mut w);
        p.context.read(b, &mut c);
        let diff = crate::kernels::dot(&w[..dim], &c[..dim]) + w[dim] + c[dim] - r.x.ln();
        let weight = if r.x > cfg.x_max {
            1.0
        } else {
            (r.x / cfg.x_max).powf(cfg.weighting_exponent)
        };
        let fdiff = weight * diff;
        if !fdiff.is_finite() {
            continue;
        }
        p.word_grad.read(a, &mut gw);
        p.context_grad.read(b, &mut gc);
        cost += 0.5 * (fdiff * diff) as f64;
        let step = fdiff * cfg.eta;
        for k in 0..dim {
            let g_w = step * c[k];
            let g_c = step * w[k];
            w[k] -= g_w / gw[k].sqrt();
            c[k] -= g_c / gc[k].sqrt();
            gw[k] += g_w * g_w;
            gc[k] += g_c * g_c;
        }
        w[dim] -= step / gw[dim].sqrt();
        c[dim] -= step / gc[dim].sqrt();
        gw[dim] += step * step;
        gc[dim] += step * step;
        p.word.write(a, &w);
        p.context.write(b, &c);
        p.word_grad.write(a, &gw);
        p.context_grad.write(b, &gc);
    }
    cost
}
