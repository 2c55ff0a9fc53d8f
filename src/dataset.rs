//! A labelled dataset held in memory (texts, tokens, class ids) and the ways to split it:
//! stratified train/test, stratified k-fold, or a split file that matches the peers' runs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::text::{CorpusReader, CorpusSpec, Tokenizer};

/// A labelled CSV (or fastText file) read for classification: texts, tokens, labels.
pub struct Dataset {
    pub path: PathBuf,
    pub texts: Vec<String>,
    pub tokens: Vec<Vec<String>>,
    /// Class id per row; None when the label is empty (such rows are never used).
    pub y: Vec<Option<u32>>,
    /// Class names, sorted (class id = position).
    pub labels: Vec<String>,
}

/// Rows, class counts and empty fields of a labelled dataset.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Summary {
    pub rows: usize,
    pub classes: Vec<(String, usize)>,
    pub empty_labels: usize,
    pub empty_texts: usize,
}

impl Dataset {
    /// Reads every row of a CSV/TSV with text and label columns, or every line of a fastText
    /// file (`__label__x text`: its first label; no label column needed).
    pub fn load(spec: &CorpusSpec, tokenizer: &Tokenizer) -> Result<Self> {
        let mut texts = Vec::new();
        let mut raw_labels = Vec::new();
        for doc in CorpusReader::open(spec)? {
            let doc = doc?;
            if texts.is_empty() && spec.label_col.is_none() && doc.label.is_none() {
                return Err(Error::in_file(
                    &spec.path,
                    "no labels: give the label column (--label-col) of a CSV/TSV, or a fastText \
                     file (`__label__x text` lines)",
                ));
            }
            raw_labels.push(doc.label.unwrap_or_default());
            texts.push(doc.text);
        }
        if texts.is_empty() {
            return Err(Error::in_file(
                &spec.path,
                "no data rows; expected a header and at least one row",
            ));
        }
        let mut labels: Vec<String> = raw_labels
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        labels.sort();
        let index: HashMap<&str, u32> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        let y = raw_labels
            .iter()
            .map(|l| index.get(l.as_str()).copied())
            .collect();
        let tokens = texts.iter().map(|t| tokenizer.tokenize(t)).collect();
        Ok(Self {
            path: spec.path.clone(),
            texts,
            tokens,
            y,
            labels,
        })
    }

    /// A classifier needs two classes: an error naming the file and its one class otherwise.
    pub fn require_two_classes(&self) -> Result<()> {
        match self.labels.as_slice() {
            [] => Err(Error::in_file(
                &self.path,
                "no row has a label: nothing to learn from",
            )),
            [only] => Err(Error::in_file(
                &self.path,
                format!("every labelled row is {only:?}: a classifier needs at least two classes"),
            )),
            _ => Ok(()),
        }
    }

    /// Rows read.
    pub fn len(&self) -> usize {
        self.texts.len()
    }
    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Rows, class counts and empty fields.
    pub fn summary(&self) -> Summary {
        let mut counts = vec![0usize; self.labels.len()];
        self.y
            .iter()
            .flatten()
            .for_each(|&c| counts[c as usize] += 1);
        Summary {
            rows: self.len(),
            classes: self.labels.iter().cloned().zip(counts).collect(),
            empty_labels: self.y.iter().filter(|y| y.is_none()).count(),
            empty_texts: self.tokens.iter().filter(|t| t.is_empty()).count(),
        }
    }

    /// Rows usable for learning: a label and at least one token.
    pub fn usable(&self, rows: &[usize]) -> Vec<usize> {
        rows.iter()
            .copied()
            .filter(|&i| self.y[i].is_some() && !self.tokens[i].is_empty())
            .collect()
    }

    /// Test rows whose exact text also appears among the training rows.
    pub fn leaked(&self, split: &Split) -> usize {
        let train: HashSet<&str> = split.train.iter().map(|&i| self.texts[i].trim()).collect();
        split
            .test
            .iter()
            .filter(|&&i| train.contains(self.texts[i].trim()))
            .count()
    }
}

/// Row indices of one train/test split.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// Row ids of each class (rows without a label left out).
fn by_class(y: &[Option<u32>], classes: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); classes];
    for (i, c) in y.iter().enumerate() {
        if let Some(c) = c {
            out[*c as usize].push(i);
        }
    }
    out
}

fn shuffle(v: &mut [usize], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u32 + 1) as usize;
        v.swap(i, j);
    }
}

/// Stratified train/test split: `test_fraction` of each class goes to test.
pub fn stratified(y: &[Option<u32>], classes: usize, test_fraction: f64, seed: u64) -> Split {
    let mut rng = Rng::new(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for mut rows in by_class(y, classes) {
        shuffle(&mut rows, &mut rng);
        let n_test = (rows.len() as f64 * test_fraction).round() as usize;
        test.extend_from_slice(&rows[..n_test]);
        train.extend_from_slice(&rows[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

/// Stratified k-fold: each class's rows dealt round-robin over the folds.
pub fn k_fold(y: &[Option<u32>], labels: &[String], k: usize, seed: u64) -> Result<Vec<Split>> {
    if k < 2 {
        return Err(Error::Usage("--folds needs at least 2".into()));
    }
    let mut rng = Rng::new(seed);
    let mut folds = vec![Vec::new(); k];
    for (c, mut rows) in by_class(y, labels.len()).into_iter().enumerate() {
        // A class with no rows (a label only the test rows carry) puts nothing in any fold.
        if !rows.is_empty() && rows.len() < k {
            return Err(Error::Usage(format!(
                "class {:?} has {} examples, fewer than the {k} folds",
                labels[c],
                rows.len()
            )));
        }
        shuffle(&mut rows, &mut rng);
        for (i, r) in rows.into_iter().enumerate() {
            folds[i % k].push(r);
        }
    }
    Ok((0..k)
        .map(|f| {
            let mut test = folds[f].clone();
            let mut train: Vec<usize> = (0..k)
                .filter(|&g| g != f)
                .flat_map(|g| folds[g].iter().copied())
                .collect();
            test.sort_unstable();
            train.sort_unstable();
            Split { train, test }
        })
        .collect())
}

/// A stratified subset holding `fraction` of `rows` (at least one row per class present).
pub fn subsample(
    rows: &[usize],
    y: &[Option<u32>],
    classes: usize,
    fraction: f64,
    seed: u64,
) -> Vec<usize> {
    if fraction >= 1.0 {
        return rows.to_vec();
    }
    let mut rng = Rng::new(seed);
    let mut per_class = vec![Vec::new(); classes];
    for &r in rows {
        if let Some(c) = y[r] {
            per_class[c as usize].push(r);
        }
    }
    let mut out = Vec::new();
    for mut rs in per_class.into_iter().filter(|v| !v.is_empty()) {
        shuffle(&mut rs, &mut rng);
        let n = ((rs.len() as f64 * fraction).round() as usize).clamp(1, rs.len());
        out.extend_from_slice(&rs[..n]);
    }
    out.sort_unstable();
    out
}

/// Reads a split file: a CSV whose header has `row` (0-based data row) and `split`
/// (`train` or `test`); other columns are ignored.
pub fn from_file(path: &Path, rows: usize) -> Result<Split> {
    let spec = CorpusSpec {
        text_cols: vec!["row".into()],
        label_col: Some("split".into()),
        ..CorpusSpec::new(path)
    };
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut seen = vec![false; rows];
    for doc in CorpusReader::open(&spec)? {
        let doc = doc?;
        let row: usize = doc.text.trim().parse().map_err(|_| {
            Error::at_line(
                path,
                doc.line,
                format!("row is {:?}; expected a row number", doc.text),
            )
        })?;
        if row >= rows {
            return Err(Error::at_line(
                path,
                doc.line,
                format!(
                    "row {row} is past the dataset's {rows} rows: is this the split file of another dataset?"
                ),
            ));
        }
        if std::mem::replace(&mut seen[row], true) {
            return Err(Error::at_line(
                path,
                doc.line,
                format!("row {row} is listed twice"),
            ));
        }
        match doc.label.as_deref() {
            Some("train") => train.push(row),
            Some("test") => test.push(row),
            other => {
                return Err(Error::at_line(
                    path,
                    doc.line,
                    format!("split is {:?}; expected train or test", other.unwrap_or("")),
                ));
            }
        }
    }
    if train.is_empty() || test.is_empty() {
        return Err(Error::in_file(
            path,
            "the split file needs both train and test rows",
        ));
    }
    Ok(Split { train, test })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_split_keeps_class_shares() {
        let y: Vec<Option<u32>> = (0..100).map(|i| Some(if i < 80 { 0 } else { 1 })).collect();
        let s = stratified(&y, 2, 0.2, 1);
        assert_eq!(s.test.len(), 20);
        assert_eq!(s.test.iter().filter(|&&i| i >= 80).count(), 4);
        let all: HashSet<usize> = s.train.iter().chain(&s.test).copied().collect();
        assert_eq!(all.len(), 100);
    }

    #[test]
    fn k_fold_covers_every_row_once_and_checks_class_sizes() {
        let labels: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let y: Vec<Option<u32>> = (0..30).map(|i| Some((i % 3 == 0) as u32)).collect();
        let folds = k_fold(&y, &labels, 5, 3).unwrap();
        let mut tested: Vec<usize> = folds.iter().flat_map(|f| f.test.clone()).collect();
        tested.sort_unstable();
        assert_eq!(tested, (0..30).collect::<Vec<_>>());
        let err = k_fold(&y, &labels, 11, 3).unwrap_err().to_string();
        assert!(
            err.contains("class \"b\" has 10 examples, fewer than the 11 folds"),
            "{err}"
        );
    }

    #[test]
    fn subsample_is_stratified_with_a_floor_of_one() {
        let y: Vec<Option<u32>> = (0..100).map(|i| Some(if i < 95 { 0 } else { 1 })).collect();
        let rows: Vec<usize> = (0..100).collect();
        let s = subsample(&rows, &y, 2, 0.04, 1);
        // 95 × 0.04 = 3.8 → 4 rows; 5 × 0.04 = 0.2 → at least 1.
        assert_eq!(s.iter().filter(|&&i| i >= 95).count(), 1);
        assert_eq!(s.len(), 5);
    }
}
