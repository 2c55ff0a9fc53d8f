//! A compressed-sparse-row matrix of f32: the one feature layout the classifier reads. Dense
//! document vectors are stored as full rows, and `hstack` joins TF-IDF and vectors.

use serde::{Deserialize, Serialize};

/// A sparse matrix in compressed sparse row form (f32 values, u32 column ids).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CsrMatrix {
    pub cols: usize,
    /// Row i's entries are `indices[indptr[i]..indptr[i + 1]]` / `values[...]`.
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl CsrMatrix {
    /// An empty matrix of `cols` columns; rows are pushed one by one.
    pub fn new(cols: usize) -> Self {
        Self::with_capacity(cols, 0, 0)
    }

    /// An empty matrix with room for `rows` rows and `nnz` values: matrices whose size is
    /// known are built without regrowing (a grown Vec holds up to twice its values, and dense
    /// document-vector blocks are most of compare's memory).
    pub fn with_capacity(cols: usize, rows: usize, nnz: usize) -> Self {
        let mut indptr = Vec::with_capacity(rows + 1);
        indptr.push(0);
        Self {
            cols,
            indptr,
            indices: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
        }
    }

    /// Rows held.
    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Appends a row given as (column, value) pairs with columns < `cols`.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (u32, f32)>) {
        for (c, v) in entries {
            self.indices.push(c);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// Builds a matrix of dense rows (every value stored).
    pub fn from_dense(rows: &[Vec<f32>], cols: usize) -> Self {
        let nnz = rows.iter().map(Vec::len).sum();
        let mut m = Self::with_capacity(cols, rows.len(), nnz);
        for r in rows {
            m.push_row(r.iter().enumerate().map(|(j, &v)| (j as u32, v)));
        }
        m
    }

    /// Row `i`'s column ids and values.
    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// The rows listed in `ids`, in that order.
    pub fn select(&self, ids: &[usize]) -> Self {
        let nnz = ids
            .iter()
            .map(|&i| self.indptr[i + 1] - self.indptr[i])
            .sum();
        let mut m = Self::with_capacity(self.cols, ids.len(), nnz);
        for &i in ids {
            let (idx, val) = self.row(i);
            m.push_row(idx.iter().copied().zip(val.iter().copied()));
        }
        m
    }

    /// A copy with every value in column `first` or later multiplied by `factor` (the dense
    /// block of combined features, weighted against the bag-of-words block before it).
    pub fn scale_columns_from(&self, first: usize, factor: f32) -> Self {
        let mut m = self.clone();
        for (j, v) in m.indices.iter().zip(m.values.iter_mut()) {
            if *j as usize >= first {
                *v *= factor;
            }
        }
        m
    }

    /// The columns that hold a value in some row, renumbered from 0 in their order: `map[old]`
    /// is the new column or `u32::MAX`. The second result is the number of columns kept.
    pub fn used_columns(&self) -> (Vec<u32>, usize) {
        let mut map = vec![u32::MAX; self.cols];
        self.indices.iter().for_each(|&j| map[j as usize] = 0);
        let mut next = 0u32;
        for m in &mut map {
            if *m == 0 {
                *m = next;
                next += 1;
            }
        }
        (map, next as usize)
    }

    /// The matrix with columns renumbered by `map` (from [`CsrMatrix::used_columns`]); values in
    /// columns mapped to `u32::MAX` are dropped.
    pub fn remap_columns(&self, map: &[u32], cols: usize) -> Self {
        // At most every value survives: reserve that, not a doubling series.
        let mut m = Self::with_capacity(cols, self.rows(), self.values.len());
        for i in 0..self.rows() {
            let (idx, val) = self.row(i);
            m.push_row(idx.iter().zip(val).filter_map(|(&j, &v)| {
                map.get(j as usize)
                    .filter(|&&c| c != u32::MAX)
                    .map(|&c| (c, v))
            }));
        }
        m
    }

    /// Columns of `self` followed by those of `other` (same number of rows).
    pub fn hstack(&self, other: &CsrMatrix) -> Self {
        let rows = self.rows().min(other.rows());
        let nnz = self.indptr[rows] + other.indptr[rows];
        let mut m = Self::with_capacity(self.cols + other.cols, rows, nnz);
        let shift = self.cols as u32;
        for i in 0..self.rows().min(other.rows()) {
            let (ai, av) = self.row(i);
            let (bi, bv) = other.row(i);
            let left = ai.iter().copied().zip(av.iter().copied());
            let right = bi.iter().map(|&c| c + shift).zip(bv.iter().copied());
            m.push_row(left.chain(right));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_of_known_size_hold_no_spare_capacity() {
        let dense: Vec<Vec<f32>> = (0..300).map(|i| vec![i as f32; 7]).collect();
        let d = CsrMatrix::from_dense(&dense, 7);
        let tight = |m: &CsrMatrix| {
            m.values.capacity() == m.values.len()
                && m.indices.capacity() == m.indices.len()
                && m.indptr.capacity() == m.indptr.len()
        };
        assert!(tight(&d));
        let picked = d.select(&[5, 0, 299]);
        assert!(tight(&picked));
        assert_eq!(picked.row(2).1, &[299.0; 7]);
        let both = picked.hstack(&picked);
        assert!(tight(&both));
        assert_eq!(
            both.row(1).0,
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        );
    }

    #[test]
    fn unused_columns_are_dropped_and_the_rest_renumbered_in_order() {
        let mut a = CsrMatrix::new(5);
        a.push_row([(1, 1.0), (3, 2.0)]);
        a.push_row([(3, 4.0)]);
        let (map, cols) = a.used_columns();
        assert_eq!((map, cols), (vec![u32::MAX, 0, u32::MAX, 1, u32::MAX], 2));
        let mut b = CsrMatrix::new(5);
        b.push_row([(0, 9.0), (3, 5.0), (4, 7.0)]);
        let (map, cols) = a.used_columns();
        let r = b.remap_columns(&map, cols);
        assert_eq!((r.cols, r.row(0)), (2, (&[1u32][..], &[5.0f32][..])));
        assert_eq!(
            a.remap_columns(&map, cols).row(0),
            (&[0u32, 1][..], &[1.0f32, 2.0][..])
        );
    }

    #[test]
    fn hstack_and_select() {
        let a = CsrMatrix::from_dense(&[vec![1.0, 0.0], vec![0.0, 2.0]], 2);
        let mut b = CsrMatrix::new(3);
        b.push_row([(2, 5.0)]);
        b.push_row([]);
        let c = a.hstack(&b);
        assert_eq!(c.cols, 5);
        assert_eq!(c.row(0), (&[0u32, 1, 4][..], &[1.0f32, 0.0, 5.0][..]));
        let s = c.select(&[1]);
        assert_eq!(s.rows(), 1);
        assert_eq!(s.row(0).1, &[0.0, 2.0]);
    }
}
