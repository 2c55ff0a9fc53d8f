//! The only `unsafe` of training: a matrix that several threads update without locks
//! ("Hogwild!", Recht et al. 2011), as word2vec, gensim and fastText do.
//!
//! No reference into the matrix ever leaves this file: a worker copies a row into its own
//! buffer (`read`), computes on that buffer with the ordinary slice kernels, and copies it back
//! (`write`). So no `&mut [f32]` is ever live in two threads (or twice in one) — the aliasing
//! that Rust's references promise, and that the compiler optimises on, holds. What remains is
//! the algorithm itself: two threads may copy the same row at the same time, and one may
//! overwrite the other's step. Rows are plain `f32`s with no invariant, each element is moved
//! by one aligned 4-byte load or store (never torn on the targets we build for), and a lost or
//! stale update is a slightly different gradient step, which SGD tolerates by design (the
//! Hogwild! paper bounds its effect when updates are sparse). Relaxed atomics would make even
//! that race defined, but they forbid vectorised copies and measured 2.9x slower per step.
//!
//! Single-threaded, copying in and out performs exactly the same arithmetic as updating in
//! place, so results are bit-identical to the in-place version.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;

/// A row-major `f32` matrix shared by training threads; rows are copied in and out, never
/// borrowed.
pub struct SharedMatrix {
    data: UnsafeCell<Vec<f32>>,
    dim: usize,
    rows: usize,
}

// SAFETY: every access goes through `read`/`write`/`prefetch`, which copy whole rows through
// raw pointers and hand out no reference; concurrent copies of one row are the Hogwild race the
// module comment describes.
unsafe impl Sync for SharedMatrix {}

impl SharedMatrix {
    /// Wraps `data` (row-major, `dim` columns). Its length should be a multiple of `dim`; a
    /// trailing partial row is never addressed.
    pub fn new(data: Vec<f32>, dim: usize) -> Self {
        let rows = data.len().checked_div(dim).unwrap_or(0);
        Self {
            data: UnsafeCell::new(data),
            dim,
            rows,
        }
    }

    /// The start of row `i`. Panics (a bug, not input) when `i` is out of range.
    #[inline]
    fn row_ptr(&self, i: usize) -> *mut f32 {
        assert!(i < self.rows, "row {i} of a {}-row matrix", self.rows);
        // SAFETY: `i * dim + dim <= len` (checked above); the Vec is never resized while
        // shared, and `as_mut_ptr` on the cell's pointer creates no reference to the elements.
        unsafe { (*self.data.get()).as_mut_ptr().add(i * self.dim) }
    }

    /// Copies row `i` into `buf` (whose length must be the row length).
    #[inline]
    pub fn read(&self, i: usize, buf: &mut [f32]) {
        assert_eq!(buf.len(), self.dim);
        let row = self.row_ptr(i);
        // SAFETY: `row` addresses `dim` in-bounds elements; `buf` is the caller's own memory,
        // so the two cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(row, buf.as_mut_ptr(), self.dim) }
    }

    /// Copies `buf` (whose length must be the row length) over row `i`.
    #[inline]
    pub fn write(&self, i: usize, buf: &[f32]) {
        assert_eq!(buf.len(), self.dim);
        let row = self.row_ptr(i);
        // SAFETY: as in `read`, in the other direction.
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), row, self.dim) }
    }

    /// Adds `alpha * x` to row `i`, going through `scratch` (a row-length buffer of the
    /// caller's): the common "update one row" step.
    #[inline]
    pub fn add(&self, i: usize, alpha: f32, x: &[f32], scratch: &mut [f32]) {
        self.read(i, scratch);
        crate::kernels::axpy(alpha, x, scratch);
        self.write(i, scratch);
    }

    /// Asks the CPU to start loading row `i` into cache. Training draws its noise words
    /// first and prefetches their rows so the cache misses overlap instead of queueing.
    #[inline]
    pub fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if i < self.rows {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let row = self.row_ptr(i) as *const i8;
            let mut offset = 0;
            while offset < self.dim * 4 {
                // SAFETY: the address is inside the row; a prefetch never faults and has no
                // effect on program semantics.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(row.add(offset)) };
                offset += 64;
            }
        }
    }

    /// The matrix, once training is over and no thread shares it.
    pub fn into_inner(self) -> Vec<f32> {
        self.data.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_add_matches_the_slice_kernel() {
        for dim in [1usize, 3, 8, 17, 100, 301] {
            let data: Vec<f32> = (0..dim * 4).map(|k| k as f32 * 0.25 - 3.0).collect();
            let m = SharedMatrix::new(data.clone(), dim);
            let mut buf = vec![0.0; dim];
            m.read(2, &mut buf);
            assert_eq!(buf, data[2 * dim..3 * dim]);
            let x: Vec<f32> = (0..dim).map(|k| (k as f32).sin()).collect();
            let mut expected = data[dim..2 * dim].to_vec();
            crate::kernels::axpy(0.5, &x, &mut expected);
            m.add(1, 0.5, &x, &mut buf);
            let out = m.into_inner();
            assert_eq!(out[dim..2 * dim], expected[..], "dim {dim}");
            assert_eq!(out[..dim], data[..dim], "other rows untouched");
            assert_eq!(out[2 * dim..], data[2 * dim..], "other rows untouched");
        }
    }

    #[test]
    #[should_panic(expected = "row 3 of a 3-row matrix")]
    fn a_row_out_of_range_panics_instead_of_reading_past_the_end() {
        let m = SharedMatrix::new(vec![0.0; 12], 4);
        m.read(3, &mut [0.0; 4]);
    }

    #[test]
    fn threads_updating_disjoint_rows_lose_nothing() {
        // Hogwild loses updates only when two threads race on one row; on disjoint rows every
        // step must land.
        let (threads, rows_each, dim, steps) = (4, 8, 50, 1000);
        let m = SharedMatrix::new(vec![0.0; threads * rows_each * dim], dim);
        std::thread::scope(|scope| {
            for t in 0..threads {
                let m = &m;
                scope.spawn(move || {
                    let one = vec![1.0f32; dim];
                    let mut scratch = vec![0.0f32; dim];
                    for step in 0..steps {
                        m.add(t * rows_each + step % rows_each, 1.0, &one, &mut scratch);
                    }
                });
            }
        });
        let out = m.into_inner();
        let per_row = (steps / rows_each) as f32;
        assert!(
            out.iter().all(|&x| x == per_row),
            "every element is {per_row}"
        );
    }
}
