//! One sentence's stochastic gradient steps: skip-gram and CBOW with negative sampling, the
//! inputs being a word's row or (fastText variants) the mean of its row and n-gram rows.

use super::*;

/// Draws the pair's noise words into `targets` after the target, and prefetches their output
/// rows. A noise word equal to the target is skipped (word2vec, gensim) or, with
/// `noise_redraw`, drawn again (fastText).
#[inline]
pub(super) fn draw_targets(
    shared: &TrainingState<'_>,
    target: u32,
    targets: &mut Vec<u32>,
    rng: &mut Rng,
) {
    targets.clear();
    targets.push(target);
    // A bounded number of redraws: in a tiny vocabulary the target may be most of the mass.
    let redraws = if shared.cfg.noise_redraw { 16 } else { 0 };
    for _ in 0..shared.cfg.negative {
        let mut n = shared.negatives.sample(rng);
        for _ in 0..redraws {
            if n != target {
                break;
            }
            n = shared.negatives.sample(rng);
        }
        if n != target {
            targets.push(n);
        }
    }
    for &t in targets.iter() {
        shared.output.prefetch(t as usize);
    }
}

/// The first and last position of `pos`'s context in a sentence of `len` words: a span drawn
/// uniformly from 1 to `window`, as word2vec does.
#[inline]
pub(super) fn window_around(
    pos: usize,
    len: usize,
    window: usize,
    rng: &mut Rng,
) -> (usize, usize) {
    let span = window - rng.below(window as u32) as usize;
    (pos.saturating_sub(span), (pos + span).min(len - 1))
}

/// One score `f` of a (word, target) pair: the gradient factor `label − σ(f)` (0 or 1 past
/// ±MAX_EXP, as word2vec) and the pair's loss `−ln σ(±f)`.
#[inline]
pub(super) fn score_gradient(sigmoid: &SigmoidTable, f: f32, positive: bool) -> (f32, f64) {
    let label = if positive { 1.0f32 } else { 0.0 };
    let g = if f > MAX_EXP {
        label - 1.0
    } else if f < -MAX_EXP {
        label
    } else {
        label - sigmoid.sigmoid(f)
    };
    (
        g,
        -sigmoid.log_sigmoid(if positive { f } else { -f }) as f64,
    )
}

/// The positive target (first of `targets`) and its noise words against the hidden vector
/// `h`; accumulates the gradient for `h` into `neu1e` and updates the output vectors.
#[inline]
fn negative_sampling(
    shared: &TrainingState<'_>,
    h: &[f32],
    targets: &[u32],
    neu1e: &mut [f32],
    lr: f32,
) -> f64 {
    let mut loss = 0.0f64;
    for (d, &out_id) in targets.iter().enumerate() {
        let f = shared.output.dot(out_id as usize, h);
        let (g, pair_loss) = score_gradient(&shared.sigmoid, f, d == 0);
        loss += pair_loss;
        shared.output.step(out_id as usize, g * lr, h, neu1e);
    }
    loss
}

pub(super) fn skipgram_sentence(
    shared: &TrainingState<'_>,
    s: &mut Scratch,
    rng: &mut Rng,
    lr: f32,
) {
    // List the sentence's (input, predicted) pairs first, so the rows of the next pair can be
    // prefetched while the current one trains: cache misses, not arithmetic, bound this loop.
    let window = shared.cfg.window;
    let sentence = &s.sentence;
    let subwords = shared.subword_rows.is_some();
    s.pairs_buf.clear();
    for (pos, &word) in sentence.iter().enumerate() {
        let (lo, hi) = window_around(pos, sentence.len(), window, rng);
        for (c, &context) in sentence.iter().enumerate().take(hi + 1).skip(lo) {
            if c != pos {
                // word2vec predicts the centre word from each context word's row; fastText
                // predicts each context word from the centre word's rows.
                s.pairs_buf.push(if subwords {
                    (word, context)
                } else {
                    (context, word)
                });
            }
        }
    }
    if let Some(&(context, word)) = s.pairs_buf.first() {
        draw_targets(shared, word, &mut s.next_targets, rng);
        shared.input.prefetch(context as usize);
    }
    for i in 0..s.pairs_buf.len() {
        let (context, _) = s.pairs_buf[i];
        std::mem::swap(&mut s.targets, &mut s.next_targets);
        if let Some(&(next_context, next_word)) = s.pairs_buf.get(i + 1) {
            draw_targets(shared, next_word, &mut s.next_targets, rng);
            shared.input.prefetch(next_context as usize);
        }
        s.neu1e.fill(0.0);
        if let Some(sub) = &shared.subword_rows {
            // fastText: the input is the mean of the word's rows; each row gets the gradient.
            let rows = sub.of(context);
            mean_of_rows(shared, rows, &mut s.neu1);
            s.loss += negative_sampling(shared, &s.neu1, &s.targets, &mut s.neu1e, lr);
            for &r in rows {
                shared.input.add(r as usize, 1.0, &s.neu1e);
            }
        } else {
            // The input row is copied into `neu1` (it stays fixed during the step).
            shared.input.read(context as usize, &mut s.neu1);
            s.loss += negative_sampling(shared, &s.neu1, &s.targets, &mut s.neu1e, lr);
            shared.input.add(context as usize, 1.0, &s.neu1e);
        }
        s.pairs += 1;
    }
}

/// `out` = the mean of the input rows `rows`.
#[inline]
fn mean_of_rows(shared: &TrainingState<'_>, rows: &[u32], out: &mut [f32]) {
    out.fill(0.0);
    for &r in rows {
        shared.input.add_to(r as usize, 1.0, out);
    }
    let inv = 1.0 / rows.len().max(1) as f32;
    out.iter_mut().for_each(|x| *x *= inv);
}

/// The input rows of `word`: its own, plus its n-grams' for fastText models.
#[inline]
fn input_rows<'a>(shared: &'a TrainingState<'_>, word: &'a u32) -> &'a [u32] {
    match &shared.subword_rows {
        Some(sub) => sub.of(*word),
        None => std::slice::from_ref(word),
    }
}

pub(super) fn cbow_sentence(shared: &TrainingState<'_>, s: &mut Scratch, rng: &mut Rng, lr: f32) {
    let window = shared.cfg.window;
    let sentence = &s.sentence;
    for (pos, &word) in sentence.iter().enumerate() {
        let (lo, hi) = window_around(pos, sentence.len(), window, rng);
        s.neu1.fill(0.0);
        let mut count = 0usize;
        for (c, context) in sentence.iter().enumerate().take(hi + 1).skip(lo) {
            if c != pos {
                for &r in input_rows(shared, context) {
                    shared.input.add_to(r as usize, 1.0, &mut s.neu1);
                    count += 1;
                }
            }
        }
        if count == 0 {
            continue;
        }
        let inv = 1.0 / count as f32;
        s.neu1.iter_mut().for_each(|x| *x *= inv);
        draw_targets(shared, word, &mut s.targets, rng);
        s.neu1e.fill(0.0);
        s.loss += negative_sampling(shared, &s.neu1, &s.targets, &mut s.neu1e, lr);
        s.pairs += 1;
        for (c, context) in sentence.iter().enumerate().take(hi + 1).skip(lo) {
            if c != pos {
                for &r in input_rows(shared, context) {
                    shared.input.add(r as usize, 1.0, &s.neu1e);
                }
            }
        }
    }
}
