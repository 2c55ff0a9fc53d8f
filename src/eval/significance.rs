//! Is the difference between two classifiers on the same test set real? McNemar's exact test
//! on the discordant pairs, and a paired bootstrap 95 % interval on the accuracy difference.

use serde::Serialize;

use crate::embed::rng::Rng;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Test items only the first method got right / only the second.
    pub only_first: u64,
    pub only_second: u64,
    /// Two-sided exact McNemar p-value (binomial on the discordant pairs).
    pub p_value: f64,
    /// Accuracy of the second minus the first, and its bootstrap 95 % interval.
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// ln(n choose k)
fn ln_choose(n: u64, k: u64) -> f64 {
    let lg = |x: u64| -> f64 { (1..=x).map(|i| (i as f64).ln()).sum() };
    lg(n) - lg(k) - lg(n - k)
}

/// Two-sided exact binomial test of `b` successes in `b + c` trials at p = 1/2.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    let half = n as f64 * std::f64::consts::LN_2;
    let tail: f64 = (0..=k).map(|i| (ln_choose(n, i) - half).exp()).sum();
    (2.0 * tail).min(1.0)
}

/// Compares per-item correctness of two methods on the same test items.
pub fn compare(first: &[bool], second: &[bool], resamples: usize, seed: u64) -> Comparison {
    let n = first.len().min(second.len());
    let only_first = (0..n).filter(|&i| first[i] && !second[i]).count() as u64;
    let only_second = (0..n).filter(|&i| !first[i] && second[i]).count() as u64;
    let diff_of = |i: usize| second[i] as i64 - first[i] as i64;
    let difference = (0..n).map(diff_of).sum::<i64>() as f64 / n.max(1) as f64;
    let mut rng = Rng::new(seed);
    let mut diffs: Vec<f64> = (0..resamples)
        .map(|_| {
            let s: i64 = (0..n).map(|_| diff_of(rng.below(n as u32) as usize)).sum();
            s as f64 / n.max(1) as f64
        })
        .collect();
    diffs.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        diffs
            .get(((q * resamples as f64) as usize).min(resamples.saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    Comparison {
        only_first,
        only_second,
        p_value: mcnemar_exact(only_first, only_second),
        difference,
        ci_low: pick(0.025),
        ci_high: pick(0.975),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_mcnemar_matches_the_binomial() {
        // scipy.stats.binomtest(1, 10, 0.5).pvalue = 0.021484375
        assert!((mcnemar_exact(1, 9) - 0.021_484_375).abs() < 1e-12);
        assert!((mcnemar_exact(5, 5) - 1.0).abs() < 1e-12);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
    }

    #[test]
    fn bootstrap_interval_contains_the_difference() {
        let a: Vec<bool> = (0..400).map(|i| i % 4 != 0).collect(); // 75 %
        let b: Vec<bool> = (0..400).map(|i| i % 10 != 0).collect(); // 90 %
        let c = compare(&a, &b, 1000, 1);
        assert!((c.difference - 0.15).abs() < 1e-12);
        assert!(
            c.ci_low > 0.08 && c.ci_high < 0.22 && c.ci_low < 0.15 && c.ci_high > 0.15,
            "{c:?}"
        );
        assert!(c.p_value < 1e-6);
    }
}
