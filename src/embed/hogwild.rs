//! The only `unsafe` of training: a matrix that several threads update without locks
//! ("Hogwild!", Recht et al. 2011), as word2vec, gensim and fastText do.
//!
//! No reference into the matrix ever leaves this file. Callers name a row by its index and
//! call one of the few kernels training needs (`dot`, `add_to`, `add`, `step`) or copy a whole
//! row (`read`, `write`); each kernel views the row as a slice for the length of that one call
//! and hands the work to `crate::kernels`. Within a thread no two views of a row are ever live
//! at once, and the vectors passed in are the caller's own memory, never a row — so the
//! aliasing Rust's references promise, and that the compiler optimises on, holds in every
//! thread. (Before, `row_mut` returned `&mut [f32]` from `&self` that callers kept across a
//! whole update, with clippy's `mut_from_ref` silenced.)
//!
//! What remains is the algorithm itself: two threads may update the same row at the same time
//! and one may overwrite the other's step. By Rust's (and C's) memory model that is a data race
//! whether it goes through a short-lived slice or through raw-pointer loads and stores — only
//! atomics make it defined. We accept it, as word2vec, fastText and gensim do: rows are plain
//! `f32`s with no invariant, each element is an aligned 4-byte load or store that does not tear
//! on the targets we build for, the race is confined to one kernel call on one row, and a lost
//! or stale update is a slightly different gradient step, which SGD tolerates by design (the
//! Hogwild! paper bounds its effect when updates are sparse). The alternatives were measured:
//! relaxed atomics per element were 2.9x slower per step, and raw-pointer kernels (eight lanes
//! per `read_unaligned`) 1.8x slower than the slice kernels in cache, costing skip-gram 1.4x
//! end to end — the ablation table is in bench/README.md, word2vec section.
//!
//! The kernels are `crate::kernels`'s, in the same order, so single-threaded training is
//! bit-identical to updating slices in place (tested below).
#![allow(unsafe_code)]

use crate::kernels;

/// A row-major `f32` matrix shared by training threads; rows are read and updated through its
/// kernels, never lent out.
pub struct SharedMatrix {
    /// Owns the buffer; not touched (not even borrowed) until `into_inner`, so `ptr` stays
    /// the one way into the elements.
    data: Vec<f32>,
    /// `data`'s buffer, taken once at construction.
    ptr: *mut f32,
    dim: usize,
    rows: usize,
}

// SAFETY: every access goes through the methods below, which hand out no reference into the
// matrix; concurrent updates of one row are the Hogwild race the module comment describes. The
// matrix owns its buffer, so moving it to another thread is moving a Vec.
unsafe impl Sync for SharedMatrix {}
// SAFETY: as above.
unsafe impl Send for SharedMatrix {}

impl SharedMatrix {
    /// Wraps `data` (row-major, `dim` columns). Its length should be a multiple of `dim`; a
    /// trailing partial row is never addressed.
    pub fn new(mut data: Vec<f32>, dim: usize) -> Self {
        let rows = data.len().checked_div(dim).unwrap_or(0);
        let ptr = data.as_mut_ptr();
        Self {
            data,
            ptr,
            dim,
            rows,
        }
    }

    /// The start of row `i`. Panics (a bug, not input) when `i` is out of range.
    #[inline]
    fn row_ptr(&self, i: usize) -> *mut f32 {
        assert!(i < self.rows, "row {i} of a {}-row matrix", self.rows);
        // SAFETY: `i * dim + dim <= len` (checked above), and the buffer lives, unresized, as
        // long as `self`.
        unsafe { self.ptr.add(i * self.dim) }
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

    /// row `i` · `x` (`x` as long as a row).
    #[inline]
    pub fn dot(&self, i: usize, x: &[f32]) -> f32 {
        assert_eq!(x.len(), self.dim);
        // SAFETY: see `row_ptr`; the view lives only for this call and no `&mut` to the row
        // exists in this thread meanwhile.
        let row = unsafe { std::slice::from_raw_parts(self.row_ptr(i), self.dim) };
        kernels::dot(x, row)
    }

    /// `acc += alpha * row i` (the row is only read).
    #[inline]
    pub fn add_to(&self, i: usize, alpha: f32, acc: &mut [f32]) {
        assert_eq!(acc.len(), self.dim);
        // SAFETY: as in `dot`; `acc` is the caller's memory, never a row of the matrix.
        let row = unsafe { std::slice::from_raw_parts(self.row_ptr(i), self.dim) };
        kernels::axpy(alpha, row, acc);
    }

    /// `row i += alpha * x`.
    #[inline]
    pub fn add(&self, i: usize, alpha: f32, x: &[f32]) {
        assert_eq!(x.len(), self.dim);
        // SAFETY: as in `dot`, and this is the only view of the row in this thread while it
        // lives (`x` is the caller's memory, never a row of the matrix).
        let row = unsafe { std::slice::from_raw_parts_mut(self.row_ptr(i), self.dim) };
        kernels::axpy(alpha, x, row);
    }

    /// One output row's step of negative sampling: `grad += g * row i` (with the row as it
    /// was), then `row i += g * h`.
    #[inline]
    pub fn step(&self, i: usize, g: f32, h: &[f32], grad: &mut [f32]) {
        assert!(h.len() == self.dim && grad.len() == self.dim);
        // SAFETY: as in `add`.
        let row = unsafe { std::slice::from_raw_parts_mut(self.row_ptr(i), self.dim) };
        kernels::axpy(g, row, grad);
        kernels::axpy(g, h, row);
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
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{axpy, dot};

    fn numbers(n: usize, seed: f32) -> Vec<f32> {
        (0..n).map(|k| ((k as f32 + seed) * 0.37).sin()).collect()
    }

    #[test]
    fn each_kernel_equals_the_slice_kernels_bit_for_bit() {
        // Single-threaded training must not change by a bit: every remainder length and a
        // typical dimension.
        for dim in (1..=20).chain([50, 100, 101, 300, 301]) {
            let data = numbers(dim * 3, 1.0);
            let (x, h) = (numbers(dim, 2.0), numbers(dim, 3.0));
            let m = SharedMatrix::new(data.clone(), dim);
            let mut row = data[dim..2 * dim].to_vec();
            assert_eq!(
                m.dot(1, &x).to_bits(),
                dot(&x, &row).to_bits(),
                "dot, dim {dim}"
            );

            let (mut acc, mut expected) = (x.clone(), x.clone());
            m.add_to(1, 0.5, &mut acc);
            axpy(0.5, &row, &mut expected);
            assert_eq!(acc, expected, "add_to, dim {dim}");

            m.add(1, -0.25, &h);
            axpy(-0.25, &h, &mut row);
            let (mut grad, mut expected_grad) = (x.clone(), x.clone());
            m.step(1, 0.125, &h, &mut grad);
            axpy(0.125, &row, &mut expected_grad);
            axpy(0.125, &h, &mut row);
            assert_eq!(grad, expected_grad, "step's gradient, dim {dim}");

            let mut copy = vec![0.0; dim];
            m.read(1, &mut copy);
            assert_eq!(copy, row, "add then step, dim {dim}");
            m.write(2, &h);
            let out = m.into_inner();
            assert_eq!(out[..dim], data[..dim], "row 0 untouched");
            assert_eq!(out[2 * dim..], h[..], "write, dim {dim}");
        }
    }

    #[test]
    #[should_panic(expected = "row 3 of a 3-row matrix")]
    fn a_row_out_of_range_panics_instead_of_reading_past_the_end() {
        let m = SharedMatrix::new(vec![0.0; 12], 4);
        m.dot(3, &[0.0; 4]);
    }

    #[test]
    #[should_panic]
    fn a_vector_of_the_wrong_length_panics() {
        let m = SharedMatrix::new(vec![0.0; 12], 4);
        m.add(0, 1.0, &[1.0; 5]);
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
                    for step in 0..steps {
                        m.add(t * rows_each + step % rows_each, 1.0, &one);
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
