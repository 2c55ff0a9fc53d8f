//! A 2-D view of a handful of vectors: their first two principal components, found by power
//! iteration on the centred rows (a word's neighbourhood is ~20 rows, so no linear-algebra crate).

use crate::kernels::dot_f64 as dot;

/// The coordinates of each row on the first two principal components of `rows` (all of one
/// dimension). Deterministic: iteration starts from a fixed vector.
pub fn pca_2d(rows: &[&[f32]]) -> Vec<(f64, f64)> {
    let Some(dim) = rows.first().map(|r| r.len()) else {
        return Vec::new();
    };
    let n = rows.len() as f64;
    let mut mean = vec![0.0f64; dim];
    for r in rows {
        for (m, &x) in mean.iter_mut().zip(r.iter()) {
            *m += x as f64 / n;
        }
    }
    let centred: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| r.iter().zip(&mean).map(|(&x, m)| x as f64 - m).collect())
        .collect();
    let first = principal_axis(&centred, None, dim);
    let second = principal_axis(&centred, Some(&first), dim);
    centred
        .iter()
        .map(|r| (dot(r, &first), dot(r, &second)))
        .collect()
}

/// The unit direction of greatest variance, orthogonal to `not` when given.
fn principal_axis(rows: &[Vec<f64>], not: Option<&[f64]>, dim: usize) -> Vec<f64> {
    let mut v: Vec<f64> = (0..dim).map(|i| 1.0 + (i % 7) as f64 * 0.1).collect();
    for _ in 0..100 {
        // v ← Xᵀ X v, kept orthogonal to the axis already found.
        let mut next = vec![0.0; dim];
        for r in rows {
            let s = dot(r, &v);
            for (n, x) in next.iter_mut().zip(r) {
                *n += s * x;
            }
        }
        if let Some(p) = not {
            let s = dot(&next, p);
            for (n, q) in next.iter_mut().zip(p) {
                *n -= s * q;
            }
        }
        let norm = dot(&next, &next).sqrt();
        if norm < 1e-12 {
            return vec![0.0; dim];
        }
        next.iter_mut().for_each(|x| *x /= norm);
        v = next;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_plane_keep_their_distances() {
        // Points spread along x (variance 4) and y (variance 1) embedded in 4-D, plus an offset.
        let pts = [[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]];
        let rows: Vec<Vec<f32>> = pts
            .iter()
            .map(|p| vec![p[0] + 5.0, 3.0, p[1], 3.0])
            .collect();
        let refs: Vec<&[f32]> = rows.iter().map(|r| r.as_slice()).collect();
        let out = pca_2d(&refs);
        // First axis is x (up to sign), second is y.
        assert!((out[0].0.abs() - 2.0).abs() < 1e-6 && out[0].1.abs() < 1e-6);
        assert!((out[2].1.abs() - 1.0).abs() < 1e-6 && out[2].0.abs() < 1e-6);
        assert!(pca_2d(&[]).is_empty());
    }
}
