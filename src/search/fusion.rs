//! Fusing two ranked lists: reciprocal rank fusion (Cormack et al. 2009: Σ 1 / (k + rank)) or a
//! convex combination α·vector + (1 − α)·bm25 of scores normalised per list (min-max or z-score;
//! Bruch et al. 2023).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// How BM25 and vector scores combine: a weighted sum, or reciprocal-rank fusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Fusion {
    /// Reciprocal rank fusion: Σ 1 / (k + rank), scores ignored.
    Rrf,
    /// A weighted sum of the normalised scores.
    Convex,
}

/// How each list's scores are put on one scale before a weighted sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Normalization {
    /// (score − min) / (max − min) over the list.
    #[cfg_attr(feature = "cli", value(name = "minmax"))]
    #[serde(rename = "minmax")]
    MinMax,
    #[cfg_attr(feature = "cli", value(name = "zscore"))]
    #[serde(rename = "zscore")]
    /// (score − mean) / standard deviation over the list.
    ZScore,
    /// BM25 divided by the highest score the query's terms allow; cosines as they are.
    Bound,
    /// BM25 as `Bound`; a cosine measured from the query's mean cosine over the collection
    /// to 1: (cos − mean) / (1 − mean). Averaged word vectors bunch every cosine near one
    /// level; this gives their spread the weight a spread-out model's cosines have.
    Centered,
}

/// One complete hybrid setting: what `--sweep` varies, `--tune` stores and `search` uses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FusionSetting {
    /// How the two lists are combined.
    pub fusion: Fusion,
    /// Convex: the vector list's weight (1 − the weight goes to BM25). Indexes tuned before
    /// the rename stored it as `alpha`.
    #[serde(alias = "alpha")]
    pub vector_weight: f64,
    /// Convex: how scores are put on one scale.
    pub normalization: Normalization,
    /// Reciprocal rank fusion's k.
    pub rrf_k: f64,
}

impl FusionSetting {
    /// A weighted sum: the weight to the vector score, 1 − the weight to BM25, after `normalization`.
    pub fn convex(vector_weight: f64, normalization: Normalization) -> Self {
        Self {
            fusion: Fusion::Convex,
            vector_weight,
            normalization,
            rrf_k: 60.0,
        }
    }

    /// Reciprocal-rank fusion with constant `k`.
    pub fn rrf(k: f64) -> Self {
        Self {
            fusion: Fusion::Rrf,
            vector_weight: 0.5,
            normalization: Normalization::MinMax,
            rrf_k: k,
        }
    }

    /// "convex minmax weight 0.2" or "rrf k 60".
    pub fn describe(&self) -> String {
        match self.fusion {
            Fusion::Rrf => format!("rrf k {}", self.rrf_k),
            Fusion::Convex => format!(
                "convex {} weight {:.1}",
                self.normalization.name(),
                self.vector_weight
            ),
        }
    }
}

/// The fusion an index chose for itself when it was built: scored on pseudo-queries made from
/// a sample of its own documents (`search::evaluate::calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibrated {
    pub fusion: FusionSetting,
    /// The sampled documents' ids: `eval-search` leaves their queries out, so the choice is
    /// never scored on the queries it was made on.
    pub documents: Vec<String>,
    /// Each pseudo-task with its lists' scores on the sample.
    pub tasks: Vec<CalibrationTask>,
}

/// One pseudo-task of a calibration: its mean metric for BM25, vector, the configured
/// default and the chosen setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationTask {
    pub name: String,
    pub metric: String,
    pub queries: usize,
    pub bm25: f64,
    pub vector: f64,
    pub default: f64,
    pub chosen: f64,
}

/// Settings given on the command line or in the TUI, which win over the stored and
/// configured ones.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FusionOverrides {
    pub fusion: Option<Fusion>,
    pub vector_weight: Option<f64>,
    pub normalization: Option<Normalization>,
}

impl FusionOverrides {
    /// `s` with the overridden values replaced.
    pub fn apply(&self, mut s: FusionSetting) -> FusionSetting {
        if let Some(f) = self.fusion {
            s.fusion = f;
        }
        if let Some(a) = self.vector_weight {
            s.vector_weight = a;
        }
        if let Some(n) = self.normalization {
            s.normalization = n;
        }
        s
    }
}

impl Normalization {
    /// The name settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Normalization::MinMax => "minmax",
            Normalization::ZScore => "zscore",
            Normalization::Bound => "bound",
            Normalization::Centered => "centered",
        }
    }
}

/// What a query's scores are measured against: the highest BM25 score its terms allow, and
/// its mean cosine over the whole collection.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scales {
    pub bm25_bound: f32,
    pub mean_cosine: f32,
}

/// Which list `normalize` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Bm25,
    Vector,
}

/// Each document's score in one list mapped to a common scale (`scales` for `Bound` and
/// `Centered`).
fn normalize(
    list: &[(u32, f32)],
    how: Normalization,
    which: List,
    scales: Scales,
) -> HashMap<u32, f64> {
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
        // BM25 over its bound lies in [0, 1] and says how strong the match is, not just that
        // it was the best one; cosines are already on a fixed scale and stay as they are.
        Normalization::Bound | Normalization::Centered if which == List::Bm25 => {
            match scales.bm25_bound {
                b if b > 0.0 => (0.0, b as f64),
                _ => (0.0, 1.0),
            }
        }
        Normalization::Bound => (0.0, 1.0),
        Normalization::Centered => {
            let mean = (scales.mean_cosine as f64).clamp(-1.0, 0.999);
            (mean, 1.0 - mean)
        }
    };
    list.iter().map(|&(d, s)| (d, (s as f64 - a) / b)).collect()
}

/// One fused document: its score and what each list gave it (convex: the weighted normalised
/// score; RRF: the reciprocal-rank term), and each list's normalised score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    pub doc: u32,
    pub score: f64,
    pub bm25_part: f64,
    pub vector_part: f64,
    /// The lists' scores after normalisation (convex only; None when absent from the list).
    pub bm25_normalized: Option<f64>,
    pub vector_normalized: Option<f64>,
}

/// Fuses `bm25` and `vector` lists (document, score; best first) into one, best first, with
/// what each list contributed; `scales`: what the query's scores are measured against.
pub fn fuse_explained(
    bm25: &[(u32, f32)],
    vector: &[(u32, f32)],
    scales: Scales,
    setting: &FusionSetting,
) -> Vec<Fused> {
    let mut fused: HashMap<u32, Fused> = HashMap::new();
    let entry = |fused: &mut HashMap<u32, Fused>, d: u32| -> Fused {
        *fused.entry(d).or_insert(Fused {
            doc: d,
            score: 0.0,
            bm25_part: 0.0,
            vector_part: 0.0,
            bm25_normalized: None,
            vector_normalized: None,
        })
    };
    match setting.fusion {
        Fusion::Rrf => {
            for (is_bm25, list) in [(true, bm25), (false, vector)] {
                for (rank, &(d, _)) in list.iter().enumerate() {
                    let mut f = entry(&mut fused, d);
                    let part = 1.0 / (setting.rrf_k + rank as f64 + 1.0);
                    if is_bm25 {
                        f.bm25_part = part;
                    } else {
                        f.vector_part = part;
                    }
                    f.score = f.bm25_part + f.vector_part;
                    fused.insert(d, f);
                }
            }
        }
        Fusion::Convex => {
            let how = setting.normalization;
            let (nb, nv) = (
                normalize(bm25, how, List::Bm25, scales),
                normalize(vector, how, List::Vector, scales),
            );
            // A document missing from a list gets that list's lowest normalised score (at most
            // 0; under `Bound`, 0 is "no match" for BM25 and "unrelated" for a cosine; under
            // `Centered`, "as related as the average document").
            let floor = |m: &HashMap<u32, f64>| match how {
                Normalization::Bound | Normalization::Centered => 0.0,
                _ => m.values().copied().fold(f64::INFINITY, f64::min).min(0.0),
            };
            let (fb, fv) = (floor(&nb), floor(&nv));
            let vector_weight = setting.vector_weight;
            for &d in nb.keys().chain(nv.keys()) {
                let mut f = entry(&mut fused, d);
                f.bm25_normalized = nb.get(&d).copied();
                f.vector_normalized = nv.get(&d).copied();
                f.bm25_part = (1.0 - vector_weight) * f.bm25_normalized.unwrap_or(fb);
                f.vector_part = vector_weight * f.vector_normalized.unwrap_or(fv);
                f.score = f.bm25_part + f.vector_part;
                fused.insert(d, f);
            }
        }
    }
    // Equal scores keep the order of the list with the larger weight (then the other list's,
    // then document number): convex weight 0 ranks exactly as BM25 does, weight 1 as the vectors.
    let rank_in = |list: &[(u32, f32)]| -> HashMap<u32, usize> {
        list.iter().enumerate().map(|(r, &(d, _))| (d, r)).collect()
    };
    let (rb, rv) = (rank_in(bm25), rank_in(vector));
    let rank = |m: &HashMap<u32, usize>, d: u32| m.get(&d).copied().unwrap_or(usize::MAX);
    let vector_first = setting.fusion == Fusion::Convex && setting.vector_weight > 0.5;
    let key = |f: &Fused| {
        let (b, v) = (rank(&rb, f.doc), rank(&rv, f.doc));
        if vector_first { (v, b) } else { (b, v) }
    };
    let mut out: Vec<Fused> = fused.into_values().collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| key(a).cmp(&key(b)))
            .then(a.doc.cmp(&b.doc))
    });
    out
}

/// `fuse_explained`'s ranking only: (document, fused score), best first.
pub fn fuse(
    bm25: &[(u32, f32)],
    vector: &[(u32, f32)],
    scales: Scales,
    setting: &FusionSetting,
) -> Vec<(u32, f64)> {
    fuse_explained(bm25, vector, scales, setting)
        .into_iter()
        .map(|f| (f.doc, f.score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrf_by_hand() {
        let out = fuse(
            &[(1, 9.0), (2, 5.0)],
            &[(2, 0.9), (3, 0.8)],
            Scales {
                bm25_bound: 20.0,
                mean_cosine: 0.0,
            },
            &FusionSetting::rrf(60.0),
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
            fuse(
                &bm,
                &vec,
                Scales {
                    bm25_bound: 10.0,
                    mean_cosine: 0.0
                },
                &FusionSetting::convex(0.9, Normalization::MinMax)
            )[0]
            .0,
            2
        );
        assert_eq!(
            fuse(
                &bm,
                &vec,
                Scales {
                    bm25_bound: 10.0,
                    mean_cosine: 0.0
                },
                &FusionSetting::convex(0.1, Normalization::MinMax)
            )[0]
            .0,
            1
        );
        assert_eq!(
            fuse(
                &bm,
                &vec,
                Scales {
                    bm25_bound: 10.0,
                    mean_cosine: 0.0
                },
                &FusionSetting::convex(0.1, Normalization::ZScore)
            )[0]
            .0,
            1
        );
    }

    #[test]
    fn a_weak_lone_keyword_match_stays_weak_under_bound() {
        // One document has the query's rare word once (BM25 2.0 of a possible 10.0); another
        // does not have it but is close in meaning.
        let bm = [(1, 2.0)];
        let vec = [(2, 0.6), (1, 0.1)];
        let minmax = fuse(
            &bm,
            &vec,
            Scales {
                bm25_bound: 10.0,
                mean_cosine: 0.0,
            },
            &FusionSetting::convex(0.3, Normalization::MinMax),
        );
        assert_eq!(minmax[0].0, 1, "min-max makes the lone match a perfect 1");
        let bound = fuse_explained(
            &bm,
            &vec,
            Scales {
                bm25_bound: 10.0,
                mean_cosine: 0.0,
            },
            &FusionSetting::convex(0.3, Normalization::Bound),
        );
        assert_eq!(bound[0].doc, 2, "{bound:?}");
        // 0.3 × 0.6 against 0.7 × 0.2 + 0.3 × 0.1; the parts add up and are explained.
        assert!((bound[0].score - 0.18).abs() < 1e-6);
        assert!((bound[1].score - 0.17).abs() < 1e-6);
        assert!((bound[1].bm25_normalized.unwrap() - 0.2).abs() < 1e-6);
        assert!((bound[1].bm25_part - 0.14).abs() < 1e-6);
        assert_eq!(bound[0].bm25_normalized, None);
        assert_eq!(bound[0].bm25_part, 0.0);
        // A strong match (9.0 of 10.0) wins over the same neighbour.
        let strong = fuse(
            &[(1, 9.0)],
            &vec,
            Scales {
                bm25_bound: 10.0,
                mean_cosine: 0.0,
            },
            &FusionSetting::convex(0.3, Normalization::Bound),
        );
        assert_eq!(strong[0].0, 1);
    }

    #[test]
    fn overrides_win_over_the_base_setting() {
        let base = FusionSetting::convex(0.5, Normalization::ZScore);
        let o = FusionOverrides {
            vector_weight: Some(0.9),
            ..FusionOverrides::default()
        };
        assert_eq!(
            o.apply(base),
            FusionSetting::convex(0.9, Normalization::ZScore)
        );
        assert_eq!(FusionOverrides::default().apply(base), base);
        assert_eq!(base.describe(), "convex zscore weight 0.5");
        assert_eq!(FusionSetting::rrf(60.0).describe(), "rrf k 60");
    }

    #[test]
    fn centered_measures_cosines_from_the_querys_mean() {
        // Bunched cosines (mean 0.9): 0.95 is half way to 1, 0.92 a fifth; BM25 as `bound`.
        let scales = Scales {
            bm25_bound: 10.0,
            mean_cosine: 0.9,
        };
        let out = fuse_explained(
            &[(1, 5.0)],
            &[(2, 0.95), (1, 0.92)],
            scales,
            &FusionSetting::convex(0.5, Normalization::Centered),
        );
        let by_doc = |d: u32| out.iter().find(|f| f.doc == d).unwrap();
        assert!((by_doc(2).vector_normalized.unwrap() - 0.5).abs() < 1e-6);
        assert!((by_doc(1).vector_normalized.unwrap() - 0.2).abs() < 1e-6);
        assert!((by_doc(1).bm25_normalized.unwrap() - 0.5).abs() < 1e-6);
        // 0.5 * 0.5 + 0.5 * 0.2 beats 0.5 * 0.5 + 0 (BM25 missing): doc 1 first.
        assert_eq!(out[0].doc, 1);
    }
}
