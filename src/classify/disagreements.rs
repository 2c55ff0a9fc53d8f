//! Where an embedding method changes bag-of-words' answer: the test rows the two predict
//! differently, with the text, the true label and both predictions' probabilities. Counting
//! "only one of them right" both ways gives McNemar's b and c.

use serde::{Deserialize, Serialize};

/// One test row the two methods label differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    /// Data row (0-based, header excluded).
    pub row: usize,
    /// The row's text.
    pub text: String,
    /// Its true label.
    pub label: String,
    /// What bag-of-words predicted.
    pub bow: Prediction,
    /// What the embedding method predicted.
    pub method: Prediction,
}

/// A predicted label and its probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The predicted label.
    pub label: String,
    /// Its predicted probability.
    pub probability: f64,
}

/// Test rows where bag-of-words and the best embedding method disagree, with McNemar's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreements {
    /// The embedding method compared with bag-of-words (the most accurate one).
    pub method: String,
    /// McNemar's b and c: rows only the method got right, and only bag-of-words.
    pub method_right_bow_wrong: u64,
    pub bow_right_method_wrong: u64,
    /// Every test row the two label differently.
    pub rows: Vec<Disagreement>,
}

/// What `find` needs of one method's test predictions.
pub struct Predictions<'a> {
    /// The test rows' data-row numbers.
    pub rows: &'a [usize],
    /// Each row's true label id.
    pub truth: &'a [u32],
    /// Each row's predicted label id.
    pub pred: &'a [u32],
    /// Each row's probability per class.
    pub proba: &'a [Vec<f64>],
}

/// The rows where `method` and `bow` (same test rows, same order) predict differently.
pub fn find(
    name: &str,
    bow: &Predictions,
    method: &Predictions,
    texts: &[String],
    labels: &[String],
) -> Disagreements {
    let label = |c: u32| labels.get(c as usize).cloned().unwrap_or_default();
    let prediction = |p: &Predictions, i: usize| Prediction {
        label: label(p.pred[i]),
        probability: p.proba[i].get(p.pred[i] as usize).copied().unwrap_or(0.0),
    };
    let mut out = Disagreements {
        method: name.to_string(),
        method_right_bow_wrong: 0,
        bow_right_method_wrong: 0,
        rows: Vec::new(),
    };
    for i in 0..bow.pred.len().min(method.pred.len()) {
        if bow.pred[i] == method.pred[i] {
            continue;
        }
        let truth = bow.truth[i];
        out.method_right_bow_wrong += (method.pred[i] == truth) as u64;
        out.bow_right_method_wrong += (bow.pred[i] == truth) as u64;
        let row = bow.rows[i];
        out.rows.push(Disagreement {
            row,
            text: texts.get(row).cloned().unwrap_or_default(),
            label: label(truth),
            bow: prediction(bow, i),
            method: prediction(method, i),
        });
    }
    out
}
