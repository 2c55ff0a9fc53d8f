//! Classification metrics: accuracy, macro and weighted F1, per-class precision / recall /
//! F1 / support, the confusion matrix, log loss.

use serde::Serialize;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ClassScore {
    /// The class name.
    pub label: String,
    /// Share of the rows predicted as this class that are in it.
    pub precision: f64,
    /// Share of the rows in this class predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Rows truly in this class.
    pub support: u64,
}

/// Accuracy, F1 (macro and weighted), log loss, per-class scores and the confusion matrix of
/// a set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Metrics {
    /// Share of rows labelled correctly.
    pub accuracy: f64,
    /// F1 averaged over classes.
    pub macro_f1: f64,
    /// F1 averaged over classes, weighted by support.
    pub weighted_f1: f64,
    /// Mean negative log-probability of the true class (probabilities clipped at 1e-15).
    pub log_loss: Option<f64>,
    /// Each class's scores.
    pub per_class: Vec<ClassScore>,
    /// confusion[true][predicted]
    pub confusion: Vec<Vec<u64>>,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Metrics of `pred` against `truth` (class indices into `labels`).
pub fn classification(
    truth: &[u32],
    pred: &[u32],
    proba: Option<&[Vec<f64>]>,
    labels: &[String],
) -> Metrics {
    let k = labels.len();
    let mut confusion = vec![vec![0u64; k]; k];
    for (&t, &p) in truth.iter().zip(pred) {
        confusion[t as usize][p as usize] += 1;
    }
    let n = truth.len() as u64;
    let correct: u64 = (0..k).map(|c| confusion[c][c]).sum();
    let per_class: Vec<ClassScore> = (0..k)
        .map(|c| {
            let tp = confusion[c][c];
            let support: u64 = confusion[c].iter().sum();
            let predicted: u64 = (0..k).map(|t| confusion[t][c]).sum();
            let precision = ratio(tp, predicted);
            let recall = ratio(tp, support);
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            ClassScore {
                label: labels[c].clone(),
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect();
    let present = per_class
        .iter()
        .filter(|c| c.support > 0 || c.precision > 0.0)
        .count()
        .max(1);
    let macro_f1 = per_class.iter().map(|c| c.f1).sum::<f64>() / present as f64;
    let weighted_f1 = per_class
        .iter()
        .map(|c| c.f1 * c.support as f64)
        .sum::<f64>()
        / n.max(1) as f64;
    let log_loss = proba.map(|p| {
        let total: f64 = truth
            .iter()
            .zip(p)
            .map(|(&t, row)| -row[t as usize].clamp(1e-15, 1.0).ln())
            .sum();
        total / n.max(1) as f64
    });
    Metrics {
        accuracy: ratio(correct, n),
        macro_f1,
        weighted_f1,
        log_loss,
        per_class,
        confusion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_confusion_and_scores() {
        // truth a a a b b c ; pred a a b b c c
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let m = classification(&[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2], None, &labels);
        assert_eq!(
            m.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
        assert!((m.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // a: p 1, r 2/3, f1 0.8; b: p 1/2, r 1/2, f1 1/2; c: p 1/2, r 1, f1 2/3
        assert!((m.per_class[0].f1 - 0.8).abs() < 1e-12);
        assert!((m.per_class[1].f1 - 0.5).abs() < 1e-12);
        assert!((m.per_class[2].f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.macro_f1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((m.weighted_f1 - (0.8 * 3.0 + 0.5 * 2.0 + 2.0 / 3.0) / 6.0).abs() < 1e-12);
    }

    #[test]
    fn log_loss_of_known_probabilities() {
        let labels: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let p = vec![vec![0.8, 0.2], vec![0.4, 0.6]];
        let m = classification(&[0, 1], &[0, 1], Some(&p), &labels);
        let expected = -(0.8f64.ln() + 0.6f64.ln()) / 2.0;
        assert!((m.log_loss.unwrap() - expected).abs() < 1e-12);
    }
}
