//! Skip-gram with one minibatch per window (Ji et al. 2016, "Parallelizing Word2Vec in Shared
//! and Distributed Memory", pSGNScc): the context words around a centre word share one draw of
//! noise words, so instead of 2·span separate pair steps — each reading a context row, the
//! centre word's output row and its own `negative` noise rows at random — the window's step
//! reads each row once into two small local matrices and updates them with dense products:
//!
//! ```text
//! inputs  (B × dim)   the B context words' input rows
//! outputs (T × dim)   the centre word's output row, then its T − 1 noise words'
//! grads   (B × T)     lr · (label − σ(inputs · outputsᵀ))
//! inputs  += grads · outputs        outputs += gradsᵀ · inputs
//! ```
//!
//! Both updates use the rows as they were read (the pair steps see each other's updates);
//! measured in bench/README.md against gensim's quality. Rows are added back as deltas, so a
//! concurrent thread's step on the same row is kept, as in the Hogwild pair steps.

use super::update::{draw_targets, score_gradient, window_around};
use super::*;
use crate::kernels::minibatch;

/// Per-thread buffers of the window step (reused from window to window).
#[derive(Default)]
pub(super) struct WindowBuffers {
    contexts: Vec<u32>,
    inputs: Vec<f32>,
    outputs: Vec<f32>,
    grads: Vec<f32>,
    input_deltas: Vec<f32>,
    output_deltas: Vec<f32>,
}

pub(super) fn skipgram_windows(
    shared: &TrainingState<'_>,
    s: &mut Scratch,
    rng: &mut Rng,
    lr: f32,
) {
    let window = shared.cfg.window;
    let sentence = &s.sentence;
    let Some(&first) = sentence.first() else {
        return;
    };
    // The next window's noise words are drawn (and their rows prefetched) one window ahead,
    // so their cache misses overlap the current window's arithmetic.
    draw_targets(shared, first, &mut s.next_targets, rng);
    for pos in 0..sentence.len() {
        std::mem::swap(&mut s.targets, &mut s.next_targets);
        if let Some(&next) = sentence.get(pos + 1) {
            draw_targets(shared, next, &mut s.next_targets, rng);
            if let Some(&entering) = sentence.get(pos + 1 + window) {
                shared.input.prefetch(entering as usize);
            }
        }
        let (lo, hi) = window_around(pos, sentence.len(), window, rng);
        let w = &mut s.windows;
        w.contexts.clear();
        w.contexts
            .extend((lo..=hi).filter(|&c| c != pos).map(|c| sentence[c]));
        if w.contexts.is_empty() {
            continue;
        }
        s.loss += window_step(shared, w, &s.targets, lr);
        s.pairs += w.contexts.len() as u64;
    }
}

/// One window's minibatch: `w.contexts` predict `targets[0]` against `targets[1..]`.
fn window_step(shared: &TrainingState<'_>, w: &mut WindowBuffers, targets: &[u32], lr: f32) -> f64 {
    let dim = shared.cfg.dim;
    // Rows are copied at a stride padded with zeros to the kernels' width.
    let stride = minibatch::padded(dim);
    let (b, t) = (w.contexts.len() * stride, targets.len() * stride);
    read_rows(&shared.input, &w.contexts, dim, stride, &mut w.inputs);
    read_rows(&shared.output, targets, dim, stride, &mut w.outputs);
    let (inputs, outputs) = (&w.inputs[..b], &w.outputs[..t]);
    minibatch::gram(inputs, outputs, stride, &mut w.grads);
    let mut loss = 0.0f64;
    for scores in w.grads.chunks_exact_mut(targets.len()) {
        for (j, score) in scores.iter_mut().enumerate() {
            let (g, pair_loss) = score_gradient(&shared.sigmoid, *score, j == 0);
            loss += pair_loss;
            *score = g * lr;
        }
    }
    grow(&mut w.input_deltas, b);
    grow(&mut w.output_deltas, t);
    minibatch::outer_updates(
        &w.grads,
        inputs,
        outputs,
        stride,
        &mut w.input_deltas[..b],
        &mut w.output_deltas[..t],
    );
    for (&row, delta) in w.contexts.iter().zip(w.input_deltas.chunks_exact(stride)) {
        shared.input.add(row as usize, 1.0, &delta[..dim]);
    }
    for (&row, delta) in targets.iter().zip(w.output_deltas.chunks_exact(stride)) {
        shared.output.add(row as usize, 1.0, &delta[..dim]);
    }
    loss
}

/// Makes `buf` at least `len` long; new elements are zero and old ones are never cleared, so
/// the padding past each row's `dim` values stays zero.
fn grow(buf: &mut Vec<f32>, len: usize) {
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
}

/// Copies `rows` of `matrix` into `into`, one every `stride` values.
fn read_rows(matrix: &SharedMatrix, rows: &[u32], dim: usize, stride: usize, into: &mut Vec<f32>) {
    grow(into, rows.len() * stride);
    for (&row, buf) in rows.iter().zip(into.chunks_exact_mut(stride)) {
        matrix.read(row as usize, &mut buf[..dim]);
    }
}
