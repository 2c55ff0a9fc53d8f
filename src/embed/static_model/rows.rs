//! A static model's token vectors as its file stores them: float32 (mapped or decoded from
//! bfloat16 / int8 / float64), or float16 kept as float16 — WordLlama's 32,000 × 256 table is
//! 16 MB instead of 32 MB, so pooling reads half the bytes per token and opening widens
//! nothing. A float16 row is widened as it is added, exactly (every float16 is a float32), so
//! the pooled vectors are the same either way.

use crate::floats::{Floats, Halves};
use crate::kernels::axpy;
use crate::kernels::halves::{axpy_f16, prefetch};
use crate::kernels::pooling::{self, BLOCK};

pub(crate) enum TokenRows {
    F32(Floats),
    F16(Halves),
}

impl TokenRows {
    /// Adds `scale` × row `row` (of `dim` values) to `acc`.
    pub fn add_row(&self, row: usize, dim: usize, scale: f32, acc: &mut [f32]) {
        let start = row * dim;
        match self {
            TokenRows::F32(m) => axpy(scale, &m.as_slice()[start..start + dim], acc),
            TokenRows::F16(m) => axpy_f16(scale, halves(&m.as_slice()[start..start + dim]), acc),
        }
    }

    /// Adds `scale` × row for each (row, scale) of `rows` (at most `BLOCK`) to `acc`, in
    /// one pass over `acc`.
    pub fn add_rows(&self, rows: &[(usize, f32)], dim: usize, acc: &mut [f32]) {
        match self {
            TokenRows::F32(m) => {
                let all = m.as_slice();
                let mut block: [(&[f32], f32); BLOCK] = [(&[], 0.0); BLOCK];
                for (slot, &(row, scale)) in block.iter_mut().zip(rows) {
                    *slot = (&all[row * dim..(row + 1) * dim], scale);
                }
                pooling::add_rows(&block[..rows.len().min(BLOCK)], acc);
            }
            TokenRows::F16(m) => {
                let all = m.as_slice();
                let mut block: [(&[half::f16], f32); BLOCK] = [(&[], 0.0); BLOCK];
                for (slot, &(row, scale)) in block.iter_mut().zip(rows) {
                    *slot = (halves(&all[row * dim..(row + 1) * dim]), scale);
                }
                pooling::add_rows_f16(&block[..rows.len().min(BLOCK)], acc);
            }
        }
    }

    /// Starts loading row `row` into the caches (see `kernels::halves::prefetch`).
    pub fn prefetch_row(&self, row: usize, dim: usize) {
        let start = row * dim;
        let bytes: &[u8] = match self {
            TokenRows::F32(m) => {
                bytemuck::cast_slice(m.as_slice().get(start..start + dim).unwrap_or(&[]))
            }
            TokenRows::F16(m) => {
                bytemuck::cast_slice(m.as_slice().get(start..start + dim).unwrap_or(&[]))
            }
        };
        prefetch(bytes);
    }

    /// Whether the values are memory-mapped.
    pub fn is_mapped(&self) -> bool {
        match self {
            TokenRows::F32(m) => m.is_mapped(),
            TokenRows::F16(m) => m.is_mapped(),
        }
    }
}

/// float16 bits as float16 values.
fn halves(bits: &[u16]) -> &[half::f16] {
    half::slice::HalfBitsSliceExt::reinterpret_cast(bits)
}
