//! The two dense products of a minibatch step (word2vec's window step, `word2vec/window_batch`):
//! `scores = A · Bᵀ`, then `A += G · B` and `B += Gᵀ · A` as deltas. The rows are few (a window's
//! context words, a word and its noise words) and short (the vector dimension), so these are
//! plain loops over rows rather than a blocked GEMM; what matters is the vector width. Each is
//! compiled twice — portable, and for AVX2 with fused multiply-add — and the second is chosen
//! at run time when the CPU has both (the release build targets baseline x86-64, SSE2 only).
#![allow(unsafe_code)]

/// Columns per step: two AVX registers.
const LANES: usize = 16;

/// `scores[i · rows_b + j] = a_i · b_j`, where `a` and `b` hold rows of length `dim`.
pub fn gram(a: &[f32], b: &[f32], dim: usize, scores: &mut Vec<f32>) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { gram_avx2_fma(a, b, dim, scores) };
    }
    gram_body::<false>(a, b, dim, scores)
}

/// `a_deltas = G · B` and `b_deltas = Gᵀ · A` (`g` is rows_a × rows_b, row-major; the deltas
/// have the shapes of `a` and `b` and are overwritten). Fastest when `dim` is a multiple of 16:
/// callers pad their rows with zeros.
pub fn outer_updates(
    g: &[f32],
    a: &[f32],
    b: &[f32],
    dim: usize,
    a_deltas: &mut [f32],
    b_deltas: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { outer_updates_avx2_fma(g, a, b, dim, a_deltas, b_deltas) };
    }
    outer_updates_body::<false>(g, a, b, dim, a_deltas, b_deltas)
}

/// The row length to pad to so the kernels run without a remainder.
pub fn padded(dim: usize) -> usize {
    dim.next_multiple_of(LANES)
}

#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    // std caches the CPUID answer: a load and a bit test per call.
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn gram_avx2_fma(a: &[f32], b: &[f32], dim: usize, scores: &mut Vec<f32>) {
    gram_body::<true>(a, b, dim, scores)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn outer_updates_avx2_fma(
    g: &[f32],
    a: &[f32],
    b: &[f32],
    dim: usize,
    a_deltas: &mut [f32],
    b_deltas: &mut [f32],
) {
    outer_updates_body::<true>(g, a, b, dim, a_deltas, b_deltas)
}

/// Rows handled together: their sums are independent, so the multiply-adds of four rows
/// overlap instead of waiting on one another (one row's sum is a chain of dependent steps).
const BLOCK: usize = 4;

#[inline(always)]
fn gram_body<const FUSED: bool>(a: &[f32], b: &[f32], dim: usize, scores: &mut Vec<f32>) {
    scores.clear();
    if dim == 0 {
        return;
    }
    let rows_b = b.len() / dim;
    for x in a.chunks_exact(dim) {
        let mut j = 0;
        while j + BLOCK <= rows_b {
            scores.extend(dots::<FUSED, BLOCK>(x, &b[j * dim..], dim));
            j += BLOCK;
        }
        while j < rows_b {
            scores.extend(dots::<FUSED, 1>(x, &b[j * dim..], dim));
            j += 1;
        }
    }
}

/// `x` · each of the `R` rows at the start of `rows`.
#[inline(always)]
fn dots<const FUSED: bool, const R: usize>(x: &[f32], rows: &[f32], dim: usize) -> [f32; R] {
    let mut acc = [[0.0f32; LANES]; R];
    let full = dim - dim % LANES;
    for c in (0..full).step_by(LANES) {
        let xs = lanes(x, c);
        for (r, acc) in acc.iter_mut().enumerate() {
            let ys = lanes(rows, r * dim + c);
            for l in 0..LANES {
                acc[l] = madd::<FUSED>(xs[l], ys[l], acc[l]);
            }
        }
    }
    let mut sums = [0.0f32; R];
    for (r, sum) in sums.iter_mut().enumerate() {
        *sum = acc[r].iter().sum();
        for k in full..dim {
            *sum = madd::<FUSED>(x[k], rows[r * dim + k], *sum);
        }
    }
    sums
}

#[inline(always)]
fn outer_updates_body<const FUSED: bool>(
    g: &[f32],
    a: &[f32],
    b: &[f32],
    dim: usize,
    a_deltas: &mut [f32],
    b_deltas: &mut [f32],
) {
    if dim == 0 {
        return;
    }
    let (rows_a, rows_b) = (a.len() / dim, b.len() / dim);
    assert!(g.len() >= rows_a * rows_b && a_deltas.len() >= a.len() && b_deltas.len() >= b.len());
    combine::<FUSED>(|i, j| g[i * rows_b + j], rows_a, b, dim, a_deltas);
    combine::<FUSED>(|j, i| g[i * rows_b + j], rows_b, a, dim, b_deltas);
}

/// `out_r = Σ_s coef(r, s) · src_s` for `n_out` rows `out_r` (rows of length `dim`).
#[inline(always)]
fn combine<const FUSED: bool>(
    coef: impl Fn(usize, usize) -> f32 + Copy,
    n_out: usize,
    src: &[f32],
    dim: usize,
    out: &mut [f32],
) {
    let n_src = src.len() / dim;
    let mut r = 0;
    while r + BLOCK <= n_out {
        combine_rows::<FUSED, BLOCK>(coef, r, src, n_src, dim, out);
        r += BLOCK;
    }
    while r < n_out {
        combine_rows::<FUSED, 1>(coef, r, src, n_src, dim, out);
        r += 1;
    }
}

/// `combine` for the `R` output rows from `first`, sixteen columns at a time, each sum kept in
/// registers across the source rows: one load per source row and column block for `R` rows.
#[inline(always)]
fn combine_rows<const FUSED: bool, const R: usize>(
    coef: impl Fn(usize, usize) -> f32,
    first: usize,
    src: &[f32],
    n_src: usize,
    dim: usize,
    out: &mut [f32],
) {
    let full = dim - dim % LANES;
    for c in (0..full).step_by(LANES) {
        let mut acc = [[0.0f32; LANES]; R];
        for s in 0..n_src {
            let ys = lanes(src, s * dim + c);
            for (r, acc) in acc.iter_mut().enumerate() {
                let k = coef(first + r, s);
                for l in 0..LANES {
                    acc[l] = madd::<FUSED>(k, ys[l], acc[l]);
                }
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            let start = (first + r) * dim + c;
            out[start..start + LANES].copy_from_slice(acc);
        }
    }
    for k in full..dim {
        for r in 0..R {
            let mut sum = 0.0;
            for s in 0..n_src {
                sum = madd::<FUSED>(coef(first + r, s), src[s * dim + k], sum);
            }
            out[(first + r) * dim + k] = sum;
        }
    }
}

/// The `LANES` values of `v` from `start` (one bounds check for all of them).
#[inline(always)]
fn lanes(v: &[f32], start: usize) -> &[f32; LANES] {
    match v[start..start + LANES].try_into() {
        Ok(block) => block,
        Err(_) => unreachable!("a slice of LANES values is an array of LANES"),
    }
}

/// `acc + x · y`, fused (one rounding) where the caller is compiled for FMA.
#[inline(always)]
fn madd<const FUSED: bool>(x: f32, y: f32, acc: f32) -> f32 {
    if FUSED {
        x.mul_add(y, acc)
    } else {
        acc + x * y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: usize, seed: f32) -> Vec<f32> {
        (0..n).map(|k| ((k as f32 + seed) * 0.37).sin()).collect()
    }

    #[test]
    fn both_products_equal_naive_loops_for_every_remainder() {
        // Whichever path the CPU takes, the products are the textbook ones (to rounding).
        for dim in [1, 7, 15, 16, 17, 100, 300] {
            let (rows_a, rows_b) = (5, 6);
            let a = numbers(rows_a * dim, 1.0);
            let b = numbers(rows_b * dim, 2.0);
            let g = numbers(rows_a * rows_b, 3.0);
            let mut scores = Vec::new();
            gram(&a, &b, dim, &mut scores);
            let (mut da, mut db) = (vec![0.5; rows_a * dim], vec![-0.5; rows_b * dim]);
            // Overwritten, not added to.
            outer_updates(&g, &a, &b, dim, &mut da, &mut db);
            for i in 0..rows_a {
                for j in 0..rows_b {
                    let naive: f32 = (0..dim).map(|k| a[i * dim + k] * b[j * dim + k]).sum();
                    let got = scores[i * rows_b + j];
                    assert!(
                        (got - naive).abs() < 1e-4,
                        "score {i},{j} dim {dim}: {got} vs {naive}"
                    );
                }
                for k in 0..dim {
                    let naive = (0..rows_b)
                        .map(|j| g[i * rows_b + j] * b[j * dim + k])
                        .sum::<f32>();
                    assert!(
                        (da[i * dim + k] - naive).abs() < 1e-4,
                        "a delta {i},{k} dim {dim}"
                    );
                }
            }
            for j in 0..rows_b {
                for k in 0..dim {
                    let naive = (0..rows_a)
                        .map(|i| g[i * rows_b + j] * a[i * dim + k])
                        .sum::<f32>();
                    assert!(
                        (db[j * dim + k] - naive).abs() < 1e-4,
                        "b delta {j},{k} dim {dim}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_portable_and_the_dispatched_paths_agree() {
        let dim = 100;
        let (a, b) = (numbers(6 * dim, 4.0), numbers(6 * dim, 5.0));
        let (mut fast, mut portable) = (Vec::new(), Vec::new());
        gram(&a, &b, dim, &mut fast);
        gram_body::<false>(&a, &b, dim, &mut portable);
        for (f, p) in fast.iter().zip(&portable) {
            assert!((f - p).abs() < 1e-4);
        }
    }
}
