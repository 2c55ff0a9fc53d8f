//! PCA by eigendecomposition of the covariance matrix (as model2vec does it), with cyclic
//! Jacobi rotations: the covariance is only as wide as the encoder (384–1,024), where Jacobi is
//! exact and quick enough, and no linear-algebra crate is needed for one decomposition.

use rayon::prelude::*;

use super::super::ops::{Strided, gemm};

/// The data projected on its top components, and the share of the variance they explain.
pub struct Fitted {
    /// rows × k, row-major.
    pub scores: Vec<f32>,
    pub explained: f64,
}

/// Centres `x` (rows × width), projects it on the `k` components of largest variance, and signs
/// each component so that its score of largest magnitude is positive.
pub fn fit_transform(x: &[f32], rows: usize, width: usize, k: usize) -> Fitted {
    let mut mean = vec![0.0f64; width];
    for row in x.chunks_exact(width) {
        mean.iter_mut().zip(row).for_each(|(m, v)| *m += *v as f64);
    }
    mean.iter_mut().for_each(|m| *m /= rows as f64);
    let centred: Vec<f32> = x
        .chunks_exact(width)
        .flat_map(|row| row.iter().zip(&mean).map(|(v, m)| (*v as f64 - m) as f32))
        .collect();
    // The covariance Xᵀ·X / (n − 1) as one product, in f32 as model2vec (numpy) computes it;
    // each task takes a block of its rows.
    let denominator = (rows.max(2) - 1) as f32;
    let mut cov32 = vec![0.0f32; width * width];
    cov32
        .par_chunks_mut(width * 16)
        .enumerate()
        .for_each(|(block, out)| {
            let first = block * 16;
            let n = out.len() / width;
            let xt = Strided::new(&centred[first..], 1, width as isize);
            gemm(n, rows, width, xt, Strided::rows(&centred, width), out, 0.0);
        });
    let cov: Vec<f64> = cov32.iter().map(|c| (*c / denominator) as f64).collect();
    let (values, vectors) = symmetric_eigen(cov, width);
    let mut order: Vec<usize> = (0..width).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    let kept: f64 = order[..k].iter().map(|&c| values[c].max(0.0)).sum();
    // The kept components as a width × k matrix, then the scores X·V in one product.
    let components: Vec<f32> = (0..width)
        .flat_map(|i| order[..k].iter().map(move |&c| (i, c)))
        .map(|(i, c)| vectors[i * width + c] as f32)
        .collect();
    let mut scores = vec![0.0f32; rows * k];
    scores
        .par_chunks_mut(k * 256)
        .zip(centred.par_chunks(width * 256))
        .for_each(|(out, x)| {
            let n = x.len() / width;
            gemm(
                n,
                width,
                k,
                Strided::rows(x, width),
                Strided::rows(&components, k),
                out,
                0.0,
            );
        });
    for c in 0..k {
        let largest = (0..rows)
            .map(|r| scores[r * k + c])
            .max_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap_or(0.0);
        if largest < 0.0 {
            (0..rows).for_each(|r| scores[r * k + c] = -scores[r * k + c]);
        }
    }
    Fitted {
        scores,
        explained: if total > 0.0 { kept / total } else { 1.0 },
    }
}

/// Eigenvalues and eigenvectors (the columns of the second, row-major n × n) of the symmetric
/// matrix `a`.
fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        if off <= 1e-26 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() <= 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (kp, kq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * kp - s * kq;
                    a[k * n + q] = s * kp + c * kq;
                }
                for k in 0..n {
                    let (pk, qk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * pk - s * qk;
                    a[q * n + k] = s * pk + c * qk;
                }
                for k in 0..n {
                    let (kp, kq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * kp - s * kq;
                    v[k * n + q] = s * kp + c * kq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_finds_known_eigenpairs() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/√2 and (1, −1)/√2.
        let (values, vectors) = symmetric_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted[0] - 1.0).abs() < 1e-12 && (sorted[1] - 3.0).abs() < 1e-12);
        let big = if values[0] > values[1] { 0 } else { 1 };
        assert!((vectors[big].abs() - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
        assert!((vectors[big] - vectors[2 + big]).abs() < 1e-12);
    }

    #[test]
    fn points_on_a_line_need_one_component() {
        // y = 2x with x = 0..10: all the variance on one axis, projected as ±x·√5 around the mean.
        let x: Vec<f32> = (0..10).flat_map(|i| [i as f32, 2.0 * i as f32]).collect();
        let fit = fit_transform(&x, 10, 2, 1);
        assert!((fit.explained - 1.0).abs() < 1e-9);
        let want = (9.0 - 4.5) * 5f32.sqrt();
        assert!((fit.scores[9] - want).abs() < 1e-4, "{}", fit.scores[9]);
    }
}
