//! Fusing two ranked lists: reciprocal rank fusion (Cormack et al. 2009: Σ 1 / (k + rank)) or a
//! convex combination α·vector + (1 − α)·bm25 of scores normalised per list (min-max or z-score;
//! Bruch et al. 2023).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Fusion {
    Rrf,
    Convex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Normalization {
    #[value(name = "minmax")]
    #[serde(rename = "minmax")]
    MinMax,
    #[value(name = "zscore")]
    #[serde(rename = "zscore")]
    ZScore,
}

fn normalize(list: &[(u32, f32)], how: Normalization) -> HashMap<u32, f64> {
    let scores: Vec<f64> = list.iter().map(|x| x.1 as f64).collect();
    let n = scores.len().max(1) as f64;
    let (a, b) = match how {
        Normalization::MinMax => {
            let lo = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let span = hi - lo;
            if span > 0.0 {
                (lo, span)
            } else {
                (lo - 1.0, 1.0)
            }
        }
        Normalization::ZScore => {
            let mean = scores.iter().sum::<f64>() / n;
            let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt();
            (mean, if sd > 0.0 { sd } else { 1.0 })
        }
    };
    list.iter().map(|&(d, s)| (d, (s as f64 - a) / b)).collect()
}

/// Fuses `bm25` and `vector` lists (document, score; best first) into one, best first.
pub fn fuse(
    bm25: &[(u32, f32)],
    vector: &[(u32, f32)],
    how: Fusion,
    rrf_k: f64,
    alpha: f64,
    norm: Normalization,
) -> Vec<(u32, f64)> {
    let mut fused: HashMap<u32, f64> = HashMap::new();
    match how {
        Fusion::Rrf => {
            for list in [bm25, vector] {
                for (rank, &(d, _)) in list.iter().enumerate() {
                    *fused.entry(d).or_insert(0.0) += 1.0 / (rrf_k + rank as f64 + 1.0);
                }
            }
        }
        Fusion::Convex => {
            let (nb, nv) = (normalize(bm25, norm), normalize(vector, norm));
            // A document missing from a list gets that list's lowest normalised score.
            let floor =
                |m: &HashMap<u32, f64>| m.values().copied().fold(f64::INFINITY, f64::min).min(0.0);
            let (fb, fv) = (floor(&nb), floor(&nv));
            for d in nb.keys().chain(nv.keys()) {
                let s = (1.0 - alpha) * nb.get(d).copied().unwrap_or(fb)
                    + alpha * nv.get(d).copied().unwrap_or(fv);
                fused.insert(*d, s);
            }
        }
    }
    let mut out: Vec<(u32, f64)> = fused.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrf_by_hand() {
        let out = fuse(
            &[(1, 9.0), (2, 5.0)],
            &[(2, 0.9), (3, 0.8)],
            Fusion::Rrf,
            60.0,
            0.5,
            Normalization::MinMax,
        );
        // doc 2: 1/62 + 1/61; doc 1: 1/61; doc 3: 1/62
        assert_eq!(out[0].0, 2);
        assert!((out[0].1 - (1.0 / 62.0 + 1.0 / 61.0)).abs() < 1e-12);
        assert_eq!(out[1].0, 1);
        assert_eq!(out[2].0, 3);
    }

    #[test]
    fn convex_weights_the_lists() {
        let bm = [(1, 10.0), (2, 0.0)];
        let vec = [(2, 1.0), (1, 0.0)];
        assert_eq!(
            fuse(&bm, &vec, Fusion::Convex, 60.0, 0.9, Normalization::MinMax)[0].0,
            2
        );
        assert_eq!(
            fuse(&bm, &vec, Fusion::Convex, 60.0, 0.1, Normalization::MinMax)[0].0,
            1
        );
        assert_eq!(
            fuse(&bm, &vec, Fusion::Convex, 60.0, 0.1, Normalization::ZScore)[0].0,
            1
        );
    }
}
