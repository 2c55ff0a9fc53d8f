//! A static model's token vectors as its file stores them: float32 (mapped or decoded from
//! bfloat16 / int8 / float64), or float16 kept as float16 — WordLlama's 32,000 × 256 table is
//! 16 MB instead of 32 MB, so pooling reads half the bytes per token and opening widens
//! nothing. A float16 row is widened as it is added, exactly (every float16 is a float32), so
//! the pooled vectors are the same either way.

use crate::floats::{Floats, Halves};
use crate::kernels::axpy;
use crate::kernels::halves::{axpy_f16, prefetch};

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
