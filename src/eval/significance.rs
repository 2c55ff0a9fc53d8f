//! Is the difference between two classifiers on the same test set real? McNemar's exact test
//! on the discordant pairs, and a paired bootstrap 95 % interval on the accuracy difference.

use serde::Serialize;

use crate::rng::Rng;

/// Two methods on the same test items: McNemar's exact test and a bootstrap interval of the accuracy difference.
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
    let diffs: Vec<f64> = (0..n)
        .map(|i| second[i] as i64 as f64 - first[i] as i64 as f64)
        .collect();
    let difference = diffs.iter().sum::<f64>() / n.max(1) as f64;
    let (ci_low, ci_high) = bootstrap_interval(&diffs, resamples, &mut Rng::new(seed));
    Comparison {
        only_first,
        only_second,
        p_value: mcnemar_exact(only_first, only_second),
        difference,
        ci_low,
        ci_high,
    }
}

/// The 95 % percentile interval of the mean of `diffs` over `resamples` bootstrap resamples.
fn bootstrap_interval(diffs: &[f64], resamples: usize, rng: &mut Rng) -> (f64, f64) {
    let n = diffs.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let s: f64 = (0..n).map(|_| diffs[rng.below(n as u32) as usize]).sum();
            s / n.max(1) as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        means
            .get(((q * resamples as f64) as usize).min(resamples.saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    (pick(0.025), pick(0.975))
}

/// A paired comparison of two systems over the same queries (second minus first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedTest {
    /// Mean per-query difference, and its bootstrap 95 % interval.
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Two-sided p-value of the paired randomisation (sign-flip) test.
    pub p_value: f64,
    /// Queries where the second system scores higher / lower / the same.
    pub wins: usize,
    pub losses: usize,
    pub ties: usize,
}

/// Up to this many non-zero differences, the randomisation test enumerates every sign
/// assignment (an exact p-value); beyond, it samples `rounds` of them.
const EXACT_UP_TO: usize = 16;

/// Paired randomisation test (Fisher; Smucker, Allan & Carterette 2007) on per-query
/// differences: under the null hypothesis each difference's sign is a coin flip, so the p-value
/// is the share of sign assignments whose mean is at least as far from 0 as the observed one.
/// The 95 % interval comes from `rounds` bootstrap resamples of the queries.
pub fn paired(first: &[f64], second: &[f64], rounds: usize, seed: u64) -> PairedTest {
    let diffs: Vec<f64> = first.iter().zip(second).map(|(a, b)| b - a).collect();
    let n = diffs.len().max(1) as f64;
    let observed = diffs.iter().sum::<f64>();
    let wins = diffs.iter().filter(|&&d| d > 0.0).count();
    let losses = diffs.iter().filter(|&&d| d < 0.0).count();
    // Zero differences do not change any flipped sum: leave them out of the enumeration.
    let nonzero: Vec<f64> = diffs.iter().copied().filter(|&d| d != 0.0).collect();
    // Sums equal up to rounding count as "as extreme".
    let extreme = |sum: f64| sum.abs() >= observed.abs() - 1e-9 * (1.0 + observed.abs());
    let mut rng = Rng::new(seed);
    let p_value = if nonzero.is_empty() {
        1.0
    } else if nonzero.len() <= EXACT_UP_TO {
        let total = 1u32 << nonzero.len();
        let hits = (0..total)
            .filter(|signs| {
                let sum: f64 = nonzero
                    .iter()
                    .enumerate()
                    .map(|(i, d)| if signs >> i & 1 == 1 { -d } else { *d })
                    .sum();
                extreme(sum)
            })
            .count();
        hits as f64 / total as f64
    } else {
        let hits = (0..rounds)
            .filter(|_| {
                let sum: f64 = nonzero
                    .iter()
                    .map(|d| if rng.next_u32() & 1 == 1 { -d } else { *d })
                    .sum();
                extreme(sum)
            })
            .count();
        (hits + 1) as f64 / (rounds + 1) as f64
    };
    let (ci_low, ci_high) = bootstrap_interval(&diffs, rounds, &mut rng);
    PairedTest {
        difference: observed / n,
        ci_low,
        ci_high,
        p_value,
        wins,
        losses,
        ties: diffs.len() - wins - losses,
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

    #[test]
    fn randomisation_test_known_answers() {
        // Five queries all better by 0.1: of the 32 sign assignments only "all +" and "all −"
        // are as extreme, p = 2/32.
        let t = paired(&[0.5; 5], &[0.6; 5], 1000, 1);
        assert!((t.p_value - 0.0625).abs() < 1e-12, "{t:?}");
        assert!((t.difference - 0.1).abs() < 1e-12);
        assert_eq!((t.wins, t.losses, t.ties), (5, 0, 0));
        // Differences +1, +1, −1 (and a tie): sums as extreme as |1| are +1+1−1, +1−1+1,
        // −1+1+1 and their negations, and ±3: 8 of 8, p = 1.
        let t = paired(&[0.0, 0.0, 1.0, 0.3], &[1.0, 1.0, 0.0, 0.3], 1000, 1);
        assert!((t.p_value - 1.0).abs() < 1e-12, "{t:?}");
        assert_eq!((t.wins, t.losses, t.ties), (2, 1, 1));
        // Differences 2, −1, 1, 1 (sum 3): of the 16 sums ±2 ±1 ±1 ±1, those with |sum| ≥ 3
        // are ±5 (2) and ±3 (3 ways each, 6): p = 8/16.
        let t = paired(&[0.0; 4], &[2.0, -1.0, 1.0, 1.0], 1000, 1);
        assert!((t.p_value - 0.5).abs() < 1e-12, "{t:?}");
    }

    #[test]
    fn sampled_randomisation_test_agrees_with_the_exact_one() {
        // 40 queries, 26 better by 0.2 and 14 worse by 0.2: sum 2.4 = 12 × 0.2. The exact
        // two-sided p is P(|2B − 40| ≥ 12) for B ~ Binomial(40, 1/2) = 0.0806 (scipy's binomtest).
        let first = vec![0.5; 40];
        let second: Vec<f64> = (0..40).map(|i| if i < 26 { 0.7 } else { 0.3 }).collect();
        let t = paired(&first, &second, 20_000, 7);
        assert!((t.p_value - 0.0806).abs() < 0.01, "{t:?}");
        assert!(
            t.ci_low < 0.06 && t.ci_high > 0.06 && t.ci_low > -0.05,
            "{t:?}"
        );
    }
}
