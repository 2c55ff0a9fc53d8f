//! The only `unsafe` of training: a matrix that several threads update without locks
//! ("Hogwild!", Recht et al. 2011), as word2vec, gensim and fastText do.
//!
//! Why it is sound enough in practice: rows are plain `f32`s with no invariants; a torn or lost
//! update is a slightly different gradient step, which SGD tolerates by design. Each worker
//! holds at most one mutable row of a given matrix at a time. What Rust's model calls a data
//! race here is the algorithm, and it is confined to this file: callers get rows only through
//! `row`/`row_mut` and never keep them across jobs.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;

pub struct SharedMatrix {
    data: UnsafeCell<Vec<f32>>,
    dim: usize,
    rows: usize,
}

// SAFETY: see the module comment — concurrent unsynchronised f32 updates are intended.
unsafe impl Sync for SharedMatrix {}

impl SharedMatrix {
    pub fn new(data: Vec<f32>, dim: usize) -> Self {
        let rows = data.len().checked_div(dim).unwrap_or(0);
        Self {
            data: UnsafeCell::new(data),
            dim,
            rows,
        }
    }

    /// Row `i` for reading. Panics (a bug, not input) if `i` is out of range.
    #[inline]
    pub fn row(&self, i: usize) -> &[f32] {
        assert!(i < self.rows);
        // SAFETY: in bounds (checked above); the Vec is never resized while shared.
        unsafe {
            let base = (*self.data.get()).as_ptr();
            std::slice::from_raw_parts(base.add(i * self.dim), self.dim)
        }
    }

    /// Row `i` for updating; other threads may update it at the same time (Hogwild).
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub fn row_mut(&self, i: usize) -> &mut [f32] {
        assert!(i < self.rows);
        // SAFETY: in bounds; the Vec is never resized while shared; concurrent writes are
        // the intended Hogwild behaviour (module comment).
        unsafe {
            let base = (*self.data.get()).as_mut_ptr();
            std::slice::from_raw_parts_mut(base.add(i * self.dim), self.dim)
        }
    }

    /// Asks the CPU to start loading row `i` into cache. Training draws its noise words
    /// first and prefetches their rows so the cache misses overlap instead of queueing.
    #[inline]
    pub fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if i < self.rows {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: the address is inside the matrix (checked above); a prefetch never faults
            // and has no effect on program semantics.
            unsafe {
                let row = (*self.data.get()).as_ptr().add(i * self.dim) as *const i8;
                let mut offset = 0;
                while offset < self.dim * 4 {
                    _mm_prefetch::<_MM_HINT_T0>(row.add(offset));
                    offset += 64;
                }
            }
        }
    }

    pub fn into_inner(self) -> Vec<f32> {
        self.data.into_inner()
    }
}
