//! Shrinking a matrix for the native format: int8 with one scale per row (4x smaller), or
//! product quantisation (Jégou et al. 2011; fastText's `.ftz` does the same): each row is cut
//! into sub-vectors of `dsub` values and each sub-vector stored as the index of the nearest of
//! 256 centroids learned by k-means.

use rayon::prelude::*;

use crate::rng::Rng;

/// How the native format stores its matrices: float32, int8 or product-quantised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantization {
    None,
    Int8,
    Pq { dsub: usize },
}

const CENTROIDS: usize = 256;
const KMEANS_SAMPLE: usize = 16_384;
const KMEANS_ITERATIONS: usize = 12;

impl Quantization {
    /// The code the native header stores.
    pub fn code(self) -> u32 {
        match self {
            Quantization::None => 0,
            Quantization::Int8 => 1,
            Quantization::Pq { .. } => 2,
        }
    }
    /// Values per PQ sub-vector (0 for the other kinds).
    pub fn pq_dsub(self) -> u32 {
        match self {
            Quantization::Pq { dsub } => dsub as u32,
            _ => 0,
        }
    }
    /// The quantisation a native file's header code and sub-dimension name; None for an unknown code.
    pub fn from_code(code: u32, dsub: u32) -> Option<Self> {
        match (code, dsub) {
            (0, _) => Some(Quantization::None),
            (1, _) => Some(Quantization::Int8),
            (2, 1..=64) => Some(Quantization::Pq {
                dsub: dsub as usize,
            }),
            _ => None,
        }
    }
    /// "int8", "pq (2 values per code)", ...
    pub fn describe(self) -> String {
        match self {
            Quantization::None => String::new(),
            Quantization::Int8 => ", int8".into(),
            Quantization::Pq { dsub } => format!(", product-quantised by {dsub}"),
        }
    }

    /// Bytes taken by `rows × dim` values, padded to 4 bytes.
    pub fn encoded_len(self, rows: usize, dim: usize) -> usize {
        let raw = match self {
            _ if rows == 0 => 0,
            Quantization::None => rows.saturating_mul(dim).saturating_mul(4),
            Quantization::Int8 => rows.saturating_mul(dim.saturating_add(4)),
            Quantization::Pq { dsub } => {
                (CENTROIDS * dim * 4).saturating_add(rows.saturating_mul(dim.div_ceil(dsub)))
            }
        };
        raw.saturating_add(3) / 4 * 4
    }
}

/// The sub-vector ranges of a row: `dsub` values each, the last possibly shorter.
fn subspaces(dim: usize, dsub: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..dim.div_ceil(dsub)).map(move |j| j * dsub..((j + 1) * dsub).min(dim))
}

/// The rows of `values` (each `dim` long) encoded as `q` stores them.
pub fn encode(values: &[f32], dim: usize, q: Quantization) -> Vec<u8> {
    let rows = values.len() / dim.max(1);
    let mut out = Vec::with_capacity(q.encoded_len(rows, dim));
    if rows == 0 {
        return out;
    }
    match q {
        Quantization::None => values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
        Quantization::Int8 => {
            let scales: Vec<f32> = values
                .chunks_exact(dim)
                .map(|r| r.iter().fold(0.0f32, |m, x| m.max(x.abs())) / 127.0)
                .collect();
            scales
                .iter()
                .for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
            for (row, &s) in values.chunks_exact(dim).zip(&scales) {
                let inv = if s > 0.0 { 1.0 / s } else { 0.0 };
                out.extend(
                    row.iter()
                        .map(|x| (x * inv).round().clamp(-127.0, 127.0) as i8 as u8),
                );
            }
        }
        Quantization::Pq { dsub } => {
            let ranges: Vec<_> = subspaces(dim, dsub).collect();
            let books: Vec<Vec<f32>> = ranges
                .par_iter()
                .enumerate()
                .map(|(j, r)| kmeans(values, dim, r.clone(), j as u64))
                .collect();
            books
                .iter()
                .flatten()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
            let codes: Vec<Vec<u8>> = values
                .par_chunks(dim)
                .map(|row| {
                    ranges
                        .iter()
                        .zip(&books)
                        .map(|(r, book)| nearest(&row[r.clone()], book) as u8)
                        .collect()
                })
                .collect();
            codes.iter().for_each(|c| out.extend_from_slice(c));
        }
    }
    out.resize(q.encoded_len(rows, dim), 0);
    out
}

/// Decodes `rows × dim` values; `None` if `bytes` is too short or holds non-finite values.
pub fn decode(bytes: &[u8], rows: usize, dim: usize, q: Quantization) -> Option<Vec<f32>> {
    if bytes.len() < q.encoded_len(rows, dim) {
        return None;
    }
    let f32s = |b: &[u8]| -> Vec<f32> {
        b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let out = match q {
        Quantization::None => f32s(&bytes[..rows * dim * 4]),
        Quantization::Int8 => {
            let scales = f32s(&bytes[..rows * 4]);
            let codes = &bytes[rows * 4..rows * 4 + rows * dim];
            codes
                .chunks_exact(dim)
                .zip(&scales)
                .flat_map(|(row, &s)| row.iter().map(move |&c| c as i8 as f32 * s))
                .collect()
        }
        Quantization::Pq { dsub } => {
            let books = f32s(&bytes[..CENTROIDS * dim * 4]);
            let nsub = dim.div_ceil(dsub);
            let codes = &bytes[CENTROIDS * dim * 4..CENTROIDS * dim * 4 + rows * nsub];
            let mut out = Vec::with_capacity(rows * dim);
            for row in codes.chunks_exact(nsub) {
                for (r, &c) in subspaces(dim, dsub).zip(row) {
                    let book_start = CENTROIDS * r.start;
                    let w = r.len();
                    let at = book_start + c as usize * w;
                    out.extend_from_slice(&books[at..at + w]);
                }
            }
            out
        }
    };
    out.iter().all(|x| x.is_finite()).then_some(out)
}

/// 256 centroids for the values of `range` in every row, by k-means on a sample of rows;
/// stored centroid after centroid.
fn kmeans(values: &[f32], dim: usize, range: std::ops::Range<usize>, seed: u64) -> Vec<f32> {
    let rows = values.len() / dim;
    let w = range.len();
    let mut rng = Rng::new(seed + 1);
    let sample: Vec<f32> = if rows <= KMEANS_SAMPLE {
        values
            .chunks_exact(dim)
            .flat_map(|r| r[range.clone()].to_vec())
            .collect()
    } else {
        (0..KMEANS_SAMPLE)
            .flat_map(|_| {
                let i = rng.below(rows as u32) as usize;
                values[i * dim..(i + 1) * dim][range.clone()].to_vec()
            })
            .collect()
    };
    let n = sample.len() / w;
    let mut centroids: Vec<f32> = (0..CENTROIDS)
        .flat_map(|c| {
            let i = if n > CENTROIDS {
                rng.below(n as u32) as usize
            } else {
                c % n
            };
            sample[i * w..(i + 1) * w].to_vec()
        })
        .collect();
    let mut assign = vec![0usize; n];
    for _ in 0..KMEANS_ITERATIONS {
        for (i, a) in assign.iter_mut().enumerate() {
            *a = nearest(&sample[i * w..(i + 1) * w], &centroids);
        }
        let mut sums = vec![0.0f64; CENTROIDS * w];
        let mut counts = vec![0usize; CENTROIDS];
        for (i, &a) in assign.iter().enumerate() {
            counts[a] += 1;
            for k in 0..w {
                sums[a * w + k] += sample[i * w + k] as f64;
            }
        }
        for c in 0..CENTROIDS {
            if counts[c] == 0 {
                // An empty cluster takes a random point, so all 256 codes stay useful.
                let i = rng.below(n as u32) as usize;
                centroids[c * w..(c + 1) * w].copy_from_slice(&sample[i * w..(i + 1) * w]);
            } else {
                for k in 0..w {
                    centroids[c * w + k] = (sums[c * w + k] / counts[c] as f64) as f32;
                }
            }
        }
    }
    centroids
}

fn nearest(x: &[f32], centroids: &[f32]) -> usize {
    let w = x.len();
    let mut best = (0, f32::INFINITY);
    for (c, cent) in centroids.chunks_exact(w).enumerate() {
        let d: f32 = x.iter().zip(cent).map(|(a, b)| (a - b) * (a - b)).sum();
        if d < best.1 {
            best = (c, d);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(rows: usize, dim: usize) -> Vec<f32> {
        let mut rng = Rng::new(7);
        (0..rows * dim).map(|_| rng.next_f32() - 0.5).collect()
    }

    #[test]
    fn round_trips_stay_close() {
        let (rows, dim) = (600, 10);
        let v = random(rows, dim);
        for (q, tol) in [
            (Quantization::None, 0.0),
            (Quantization::Int8, 0.5 / 127.0),
            (Quantization::Pq { dsub: 2 }, 0.12),
        ] {
            let bytes = encode(&v, dim, q);
            assert_eq!(bytes.len(), q.encoded_len(rows, dim), "{q:?}");
            let back = decode(&bytes, rows, dim, q).unwrap();
            let worst = v
                .iter()
                .zip(&back)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst <= tol + 1e-6, "{q:?}: worst error {worst}");
        }
    }

    #[test]
    fn pq_handles_a_short_last_subspace_and_few_rows() {
        let v = random(5, 7);
        let q = Quantization::Pq { dsub: 3 };
        let back = decode(&encode(&v, 7, q), 5, 7, q).unwrap();
        // Five rows and 256 centroids: every row is its own centroid.
        assert_eq!(back, v);
        assert!(decode(&[0u8; 10], 5, 7, q).is_none());
    }
}
