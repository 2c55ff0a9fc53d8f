//! Adding a block of scaled rows to one accumulator in a single pass: a static model's pooling
//! reads up to `BLOCK` token rows per pass over the document vector instead of loading and
//! storing the vector once per token. Each element still takes its rows in order, one multiply
//! and one add at a time, so the sums are the same bits as adding the rows one by one.
// The AVX paths below call intrinsics, each bounds checked before.
#![allow(unsafe_code)]

use half::f16;

/// Rows added per pass.
pub const BLOCK: usize = 8;

/// `acc += Σ scale·row`, over `rows` in order (at most `BLOCK`; every row as long as `acc`).
pub fn add_rows(rows: &[(&[f32], f32)], acc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX (checked just above).
        return unsafe { add_rows_avx(rows, acc) };
    }
    add_rows_portable(rows, acc, 0, |x| x);
}

/// `add_rows` over float16 rows, each value widened exactly to float32 first.
pub fn add_rows_f16(rows: &[(&[f16], f32)], acc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") && std::arch::is_x86_feature_detected!("f16c") {
        // SAFETY: the CPU has AVX and F16C (checked just above).
        return unsafe { add_rows_f16c(rows, acc) };
    }
    add_rows_portable(rows, acc, 0, f16::to_f32);
}

/// The portable path from element `from` on, each value widened to float32 by `widen`.
fn add_rows_portable<T: Copy>(
    rows: &[(&[T], f32)],
    acc: &mut [f32],
    from: usize,
    widen: impl Fn(T) -> f32,
) {
    for (j, a) in acc.iter_mut().enumerate().skip(from) {
        let mut s = *a;
        for (row, scale) in rows {
            s += scale * row.get(j).map_or(0.0, |&x| widen(x));
        }
        *a = s;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn add_rows_avx(rows: &[(&[f32], f32)], acc: &mut [f32]) {
    use std::arch::x86_64::*;
    let n = rows
        .iter()
        .map(|(r, _)| r.len())
        .fold(acc.len(), usize::min);
    let whole = n - n % 8;
    let mut j = 0;
    while j < whole {
        // SAFETY: j + 8 <= n, and n is within `acc` and every row; unaligned loads and store.
        unsafe {
            let mut s = _mm256_loadu_ps(acc.as_ptr().add(j));
            for (row, scale) in rows {
                let x = _mm256_loadu_ps(row.as_ptr().add(j));
                s = _mm256_add_ps(s, _mm256_mul_ps(_mm256_set1_ps(*scale), x));
            }
            _mm256_storeu_ps(acc.as_mut_ptr().add(j), s);
        }
        j += 8;
    }
    add_rows_portable(rows, &mut acc[..n], whole, |x| x);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,f16c")]
fn add_rows_f16c(rows: &[(&[f16], f32)], acc: &mut [f32]) {
    use std::arch::x86_64::*;
    let n = rows
        .iter()
        .map(|(r, _)| r.len())
        .fold(acc.len(), usize::min);
    let whole = n - n % 8;
    let mut j = 0;
    while j < whole {
        // SAFETY: j + 8 <= n, and n is within `acc` and every row (8 float16 are 16 bytes);
        // unaligned loads and store.
        unsafe {
            let mut s = _mm256_loadu_ps(acc.as_ptr().add(j));
            for (row, scale) in rows {
                let x = _mm256_cvtph_ps(_mm_loadu_si128(row.as_ptr().add(j).cast()));
                s = _mm256_add_ps(s, _mm256_mul_ps(_mm256_set1_ps(*scale), x));
            }
            _mm256_storeu_ps(acc.as_mut_ptr().add(j), s);
        }
        j += 8;
    }
    add_rows_portable(rows, &mut acc[..n], whole, f16::to_f32);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block's sums are the same bits as adding the rows one at a time, on every length
    /// and block size, through the fast path and the portable one.
    #[test]
    fn a_block_of_rows_adds_up_to_the_same_bits_as_one_row_at_a_time() {
        for n in [0, 1, 7, 8, 9, 16, 37, 256] {
            let rows: Vec<Vec<f32>> = (0..BLOCK)
                .map(|r| {
                    (0..n)
                        .map(|i| ((i * 7 + r * 13) % 11) as f32 * 0.37 - 1.9 + 1e-3 * r as f32)
                        .collect()
                })
                .collect();
            for k in 1..=BLOCK {
                let block: Vec<(&[f32], f32)> = rows[..k]
                    .iter()
                    .enumerate()
                    .map(|(r, v)| (v.as_slice(), 0.3 + r as f32 * 0.11))
                    .collect();
                let mut one_by_one = vec![0.25f32; n];
                for (row, scale) in &block {
                    for (a, x) in one_by_one.iter_mut().zip(row.iter()) {
                        *a += scale * x;
                    }
                }
                let mut fast = vec![0.25f32; n];
                add_rows(&block, &mut fast);
                let mut portable = vec![0.25f32; n];
                add_rows_portable(&block, &mut portable, 0, |x| x);
                assert_eq!(fast, one_by_one, "n {n}, {k} rows");
                assert_eq!(portable, one_by_one, "n {n}, {k} rows");
                let halves: Vec<Vec<f16>> = rows[..k]
                    .iter()
                    .map(|v| v.iter().map(|&x| f16::from_f32(x)).collect())
                    .collect();
                let hblock: Vec<(&[f16], f32)> = halves
                    .iter()
                    .zip(&block)
                    .map(|(h, (_, s))| (h.as_slice(), *s))
                    .collect();
                let mut want = vec![0.25f32; n];
                for (row, scale) in &hblock {
                    for (a, x) in want.iter_mut().zip(row.iter()) {
                        *a += scale * x.to_f32();
                    }
                }
                let mut got = vec![0.25f32; n];
                add_rows_f16(&hblock, &mut got);
                assert_eq!(got, want, "float16, n {n}, {k} rows");
            }
        }
    }
}
