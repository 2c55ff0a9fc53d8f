//! Are predicted probabilities honest? Expected calibration error over equal-width bins of the
//! top class's probability (Guo et al. 2017; 15 bins as they use), and the reliability table
//! behind it: per bin, the mean confidence, the accuracy and the count.

use serde::{Deserialize, Serialize};

/// Bins of the reliability table (Guo et al. use 15).
pub const BINS: usize = 15;

/// One bin of a reliability curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// Mean top-class probability of the bin's items, and the share of them predicted right.
    pub confidence: f64,
    pub accuracy: f64,
    pub count: u64,
}

/// Expected calibration error and the reliability curve it is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Σ over bins of (count / n) × |accuracy − confidence|: 0 is perfectly calibrated.
    pub ece: f64,
    /// The non-empty bins, lowest confidence first.
    pub bins: Vec<Bin>,
}

/// Calibration of `proba` (one distribution per item) against the true classes `truth`. The
/// prediction is each row's most probable class; bin `b` holds confidences in (b/15, (b+1)/15].
pub fn calibration(truth: &[u32], proba: &[Vec<f64>]) -> Calibration {
    let mut sums = vec![(0.0f64, 0u64, 0u64); BINS];
    for (t, p) in truth.iter().zip(proba) {
        let Some((best, &conf)) = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else {
            continue;
        };
        let b = ((conf * BINS as f64).ceil() as usize).clamp(1, BINS) - 1;
        sums[b].0 += conf;
        sums[b].1 += (best as u32 == *t) as u64;
        sums[b].2 += 1;
    }
    let n: u64 = sums.iter().map(|s| s.2).sum();
    let bins: Vec<Bin> = sums
        .into_iter()
        .filter(|s| s.2 > 0)
        .map(|(conf, right, count)| Bin {
            confidence: conf / count as f64,
            accuracy: right as f64 / count as f64,
            count,
        })
        .collect();
    let ece = bins
        .iter()
        .map(|b| b.count as f64 / n.max(1) as f64 * (b.accuracy - b.confidence).abs())
        .sum();
    Calibration { ece, bins }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_by_hand() {
        // Four items at confidence 0.9 (3 right) and two at 0.6 (1 right): two bins.
        // ECE = 4/6 × |0.75 − 0.9| + 2/6 × |0.5 − 0.6| = 0.1 + 0.0333.
        let p = |c: f64, k: usize| {
            let mut v = vec![(1.0 - c) / 2.0; 3];
            v[k] = c;
            v
        };
        let proba = vec![
            p(0.9, 0),
            p(0.9, 0),
            p(0.9, 1),
            p(0.9, 2),
            p(0.6, 1),
            p(0.6, 0),
        ];
        let truth = [0, 0, 1, 0, 1, 2];
        let c = calibration(&truth, &proba);
        assert!((c.ece - (0.1 + 0.1 / 3.0)).abs() < 1e-12, "{c:?}");
        assert_eq!(c.bins.len(), 2);
        assert_eq!(c.bins[0].count, 2);
        assert!((c.bins[0].accuracy - 0.5).abs() < 1e-12);
        assert!((c.bins[1].confidence - 0.9).abs() < 1e-12);
        assert!((c.bins[1].accuracy - 0.75).abs() < 1e-12);
        // Always right at confidence 1: perfectly calibrated.
        assert_eq!(
            calibration(&[0, 1], &[vec![1.0, 0.0], vec![0.0, 1.0]]).ece,
            0.0
        );
    }
}
