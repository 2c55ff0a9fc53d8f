//! `acc += scale · row` for a float16 row (a static model's token vector kept as float16): the
//! row is widened and added in one pass, eight values per step with F16C's conversion when the
//! CPU has it (chosen at run time: the release build targets baseline x86-64), value by value
//! otherwise. Multiply then add, as `kernels::axpy` does, so both dtypes pool to the same bits.
#![allow(unsafe_code)]

use half::f16;

/// `acc[i] += scale · row[i]` over the shorter of the two.
pub fn axpy_f16(scale: f32, row: &[f16], acc: &mut [f32]) {
    let n = row.len().min(acc.len());
    let (row, acc) = (&row[..n], &mut acc[..n]);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") && std::arch::is_x86_feature_detected!("f16c") {
        // SAFETY: the CPU has AVX and F16C (checked just above).
        return unsafe { axpy_f16_f16c(scale, row, acc) };
    }
    axpy_f16_portable(scale, row, acc)
}

fn axpy_f16_portable(scale: f32, row: &[f16], acc: &mut [f32]) {
    for (a, h) in acc.iter_mut().zip(row) {
        *a += scale * h.to_f32();
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,f16c")]
fn axpy_f16_f16c(scale: f32, row: &[f16], acc: &mut [f32]) {
    use std::arch::x86_64::*;
    let s = _mm256_set1_ps(scale);
    let mut rows = row.chunks_exact(8);
    let mut accs = acc.chunks_exact_mut(8);
    for (h, a) in rows.by_ref().zip(accs.by_ref()) {
        // SAFETY: `h` holds 8 float16 (16 bytes) and `a` 8 floats (32 bytes); the loads and
        // the store are unaligned ones.
        unsafe {
            let wide = _mm256_cvtph_ps(_mm_loadu_si128(h.as_ptr().cast()));
            let sum = _mm256_add_ps(_mm256_loadu_ps(a.as_ptr()), _mm256_mul_ps(s, wide));
            _mm256_storeu_ps(a.as_mut_ptr(), sum);
        }
    }
    axpy_f16_portable(scale, rows.remainder(), accs.into_remainder());
}

/// Asks the CPU to start loading `bytes` into its caches (a hint: no effect on results). The
/// pooling loop asks for a token's row a few tokens ahead: rows are read at random from a table
/// larger than the caches, and waiting for each one was most of pooling's time.
pub fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for line in bytes.chunks(64) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint; it reads nothing the program sees and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_kernel_equals_value_by_value_on_every_length() {
        let values: Vec<f16> = (0..37)
            .map(|i| f16::from_f32((i as f32 - 18.0) * 0.37 + 1e-3 * i as f32))
            .collect();
        for n in [0, 1, 7, 8, 9, 16, 37] {
            let mut fast = vec![0.25f32; n];
            let mut slow = fast.clone();
            axpy_f16(0.7, &values[..n], &mut fast);
            axpy_f16_portable(0.7, &values[..n], &mut slow);
            assert_eq!(fast, slow, "n = {n}");
            let f32s: Vec<f32> = values[..n].iter().map(|h| h.to_f32()).collect();
            let mut wide = vec![0.25f32; n];
            crate::kernels::axpy(0.7, &f32s, &mut wide);
            assert_eq!(fast, wide, "n = {n}: the float32 kernel's bits");
        }
    }
}
