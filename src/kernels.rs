//! The crate's one set of vector kernels: the inner loops of training and search (dot product,
//! scaled add, normalisation, word2vec's tabulated sigmoid), written with eight independent
//! lanes so the compiler vectorises them, and an f64 dot product for the solvers.

pub mod halves;
pub mod minibatch;
pub mod pooling;

const LANES: usize = 8;

/// Σ a·b over the shorter of the two.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in ca.by_ref().zip(cb.by_ref()) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        sum += x * y;
    }
    sum
}

/// The dot product in f64, for the solvers (L-BFGS, PCA) that need the precision; the f32
/// kernels above are for training and search.
#[inline]
pub fn dot_f64(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y += alpha * x
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    let mut cy = y.chunks_exact_mut(LANES);
    let mut cx = x.chunks_exact(LANES);
    for (yy, xx) in cy.by_ref().zip(cx.by_ref()) {
        for i in 0..LANES {
            yy[i] += alpha * xx[i];
        }
    }
    for (yy, xx) in cy.into_remainder().iter_mut().zip(cx.remainder()) {
        *yy += alpha * xx;
    }
}

/// Scales `v` to unit length (left as is when it is all zeros).
pub fn normalize(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        let inv = 1.0 / norm;
        v.iter_mut().for_each(|x| *x *= inv);
    }
}

/// Beyond ±MAX_EXP the sigmoid is taken as 0 or 1, as word2vec does.
pub const MAX_EXP: f32 = 6.0;
const TABLE_SIZE: usize = 1000;

/// sigmoid and log-sigmoid tabulated over [-MAX_EXP, MAX_EXP], as word2vec does.
pub struct SigmoidTable {
    sigmoid: Vec<f32>,
    log_sigmoid: Vec<f32>,
}

impl Default for SigmoidTable {
    fn default() -> Self {
        let mut sigmoid = Vec::with_capacity(TABLE_SIZE + 1);
        let mut log_sigmoid = Vec::with_capacity(TABLE_SIZE + 1);
        for i in 0..=TABLE_SIZE {
            let x = (i as f32 / TABLE_SIZE as f32 * 2.0 - 1.0) * MAX_EXP;
            let s = 1.0 / (1.0 + (-x).exp());
            sigmoid.push(s);
            log_sigmoid.push(s.ln());
        }
        Self {
            sigmoid,
            log_sigmoid,
        }
    }
}

impl SigmoidTable {
    #[inline]
    fn slot(x: f32) -> usize {
        ((x + MAX_EXP) * (TABLE_SIZE as f32 / MAX_EXP / 2.0)) as usize
    }
    /// sigmoid(x) for |x| < MAX_EXP.
    #[inline]
    pub fn sigmoid(&self, x: f32) -> f32 {
        self.sigmoid[Self::slot(x).min(TABLE_SIZE)]
    }
    /// ln(sigmoid(x)), clamped to the table's range.
    #[inline]
    pub fn log_sigmoid(&self, x: f32) -> f32 {
        let x = x.clamp(-MAX_EXP, MAX_EXP);
        self.log_sigmoid[Self::slot(x).min(TABLE_SIZE)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_axpy_match_naive_loops_for_odd_lengths() {
        for n in [0, 1, 7, 8, 9, 100, 301] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() < 1e-4, "n={n}");
            let mut y = b.clone();
            axpy(0.5, &a, &mut y);
            for i in 0..n {
                assert!((y[i] - (b[i] + 0.5 * a[i])).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn sigmoid_table_is_close_to_exact() {
        let t = SigmoidTable::default();
        for x in [-5.9f32, -2.0, -0.1, 0.0, 0.5, 3.3, 5.9] {
            let exact = 1.0 / (1.0 + (-x).exp());
            assert!((t.sigmoid(x) - exact).abs() < 0.01, "x={x}");
            assert!((t.log_sigmoid(x) - exact.ln()).abs() < 0.05, "x={x}");
        }
    }
}
