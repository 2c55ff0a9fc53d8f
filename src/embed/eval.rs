//! Intrinsic evaluation: Spearman correlation on word-pair similarity sets (WordSim-353,
//! SimLex-999, any `w1<TAB>w2<TAB>score` file) and analogy accuracy (the Google set's
//! `: section` / `a b c d` layout), scored as gensim scores them.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::embed::vectors::{AnalogyMethod, Embeddings};
use crate::error::{Error, Result};
use crate::kernels::{dot, normalize};
use crate::text::corpus::read_small_text;

/// Spearman correlation of one word-pair file and how many pairs it could use.
#[derive(Debug, Clone, Serialize)]
pub struct PairScore {
    /// The word-pair file's name.
    pub file: String,
    /// Spearman's rank correlation between human scores and cosine similarities.
    pub spearman: f64,
    /// Share of pairs with a word out of vocabulary (those pairs are skipped).
    pub oov_ratio: f64,
    /// Pairs in the file.
    pub pairs: usize,
    /// Pairs whose two words have vectors.
    pub used: usize,
}

/// Accuracy on one section of the analogy questions.
#[derive(Debug, Clone, Serialize)]
pub struct SectionScore {
    /// The section's heading (`capital-common-countries`, ...).
    pub section: String,
    /// Questions answered correctly.
    pub correct: usize,
    /// Questions asked (within the restricted vocabulary).
    pub total: usize,
    /// correct / total.
    pub accuracy: f64,
}

/// Analogy accuracy overall and per section.
#[derive(Debug, Clone, Serialize)]
pub struct AnalogyScore {
    /// The analogy file's name.
    pub file: String,
    /// How answers are found (3CosAdd or 3CosMul).
    pub method: AnalogyMethod,
    /// Only this many most frequent words are considered (0: all).
    pub restrict_vocab: usize,
    /// Correct answers over questions whose four words are all in the restricted vocabulary.
    pub accuracy: f64,
    /// Questions answered correctly.
    pub correct: usize,
    /// Questions asked.
    pub total: usize,
    /// Questions skipped because a word is outside the restricted vocabulary.
    pub skipped: usize,
    /// Accuracy per section of the file.
    pub sections: Vec<SectionScore>,
}

/// Ranks with ties sharing their average rank (as scipy's spearmanr does).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Spearman's rank correlation of `x` and `y`, ties given their mean rank (as scipy).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// Scores a word-pair file. Words are lowercased; pairs with an unknown word are skipped
/// and counted in `oov_ratio`.
pub fn evaluate_pairs(emb: &Embeddings, path: &Path) -> Result<PairScore> {
    let text = read_small_text(path)?;
    let (mut human, mut model) = (Vec::new(), Vec::new());
    let mut pairs = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let parsed = match fields.as_slice() {
            [a, b, s, ..] => s
                .trim()
                .parse::<f64>()
                .ok()
                .map(|s| (a.trim(), b.trim(), s)),
            _ => None,
        };
        let Some((a, b, score)) = parsed else {
            return Err(Error::at_line(
                path,
                n as u64 + 1,
                "expected `word1<TAB>word2<TAB>score`",
            ));
        };
        pairs += 1;
        // Pairs with a word out of the vocabulary are skipped even when n-grams could give it a
        // vector, as gensim's evaluate_word_pairs does: scores compare on the same pairs.
        let (a, b) = (a.to_lowercase(), b.to_lowercase());
        if emb.index_of(&a).is_none() || emb.index_of(&b).is_none() {
            continue;
        }
        if let Some(sim) = emb.similarity(&a, &b) {
            human.push(score);
            model.push(sim as f64);
        }
    }
    if pairs == 0 {
        return Err(Error::in_file(
            path,
            "no word pairs; expected `word1<TAB>word2<TAB>score` lines",
        ));
    }
    Ok(PairScore {
        file: file_name(path),
        spearman: if human.len() >= 2 {
            spearman(&human, &model)
        } else {
            0.0
        },
        oov_ratio: (pairs - human.len()) as f64 / pairs as f64,
        pairs,
        used: human.len(),
    })
}

struct Question {
    section: usize,
    ids: [usize; 4],
}

// Over 80 lines: the analogy search with its restricted vocabulary and per-section tallies, kept as
// in gensim's evaluate_word_analogies.
/// Scores an analogy file on the `restrict_vocab` most frequent words (the first ones of
/// `emb`, whose order is frequency order for trained and gensim-written vectors).
pub fn evaluate_analogies(
    emb: &Embeddings,
    path: &Path,
    restrict_vocab: usize,
    method: AnalogyMethod,
) -> Result<AnalogyScore> {
    let text = read_small_text(path)?;
    let limit = restrict_vocab.min(emb.len());
    let mut sections: Vec<SectionScore> = Vec::new();
    let mut questions = Vec::new();
    let mut skipped = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix(':') {
            sections.push(SectionScore {
                section: name.trim().to_string(),
                correct: 0,
                total: 0,
                accuracy: 0.0,
            });
            continue;
        }
        let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
        if words.len() != 4 {
            return Err(Error::at_line(
                path,
                n as u64 + 1,
                "expected `: section` or four words `a b c d`",
            ));
        }
        if sections.is_empty() {
            return Err(Error::at_line(
                path,
                n as u64 + 1,
                "question before any `: section` line",
            ));
        }
        let ids: Option<Vec<usize>> = words
            .iter()
            .map(|w| emb.index_of(w).filter(|&i| i < limit))
            .collect();
        match ids {
            Some(ids) => questions.push(Question {
                section: sections.len() - 1,
                ids: [ids[0], ids[1], ids[2], ids[3]],
            }),
            None => skipped += 1,
        }
    }
    let answers: Vec<usize> = questions
        .par_chunks(32)
        .flat_map_iter(|block| answer_block(emb, block, limit, method))
        .collect();
    let (mut correct, total) = (0, questions.len());
    for (q, answer) in questions.iter().zip(answers) {
        let s = &mut sections[q.section];
        s.total += 1;
        if answer == q.ids[3] {
            s.correct += 1;
            correct += 1;
        }
    }
    for s in &mut sections {
        s.accuracy = if s.total > 0 {
            s.correct as f64 / s.total as f64
        } else {
            0.0
        };
    }
    Ok(AnalogyScore {
        file: file_name(path),
        method,
        restrict_vocab,
        accuracy: if total > 0 {
            correct as f64 / total as f64
        } else {
            0.0
        },
        correct,
        total,
        skipped,
        sections,
    })
}

/// Best answer for each question of a block. 3CosAdd scans the vocabulary once for the whole
/// block, so each row is loaded once per 32 questions instead of once per question.
fn answer_block(
    emb: &Embeddings,
    block: &[Question],
    limit: usize,
    method: AnalogyMethod,
) -> Vec<usize> {
    if method == AnalogyMethod::CosMul {
        return block
            .iter()
            .map(|q| {
                let [a, b, c, _] = q.ids;
                emb.analogy_ids([a, b, c], 1, method, limit)
                    .first()
                    .map_or(usize::MAX, |h| h.0)
            })
            .collect();
    }
    let dim = emb.dim();
    let queries: Vec<Vec<f32>> = block
        .iter()
        .map(|q| {
            let [a, b, c, _] = q.ids;
            let (ua, ub, uc) = (emb.unit(a), emb.unit(b), emb.unit(c));
            let mut v: Vec<f32> = (0..dim).map(|j| ub[j] - ua[j] + uc[j]).collect();
            normalize(&mut v);
            v
        })
        .collect();
    let mut best = vec![(usize::MAX, f32::NEG_INFINITY); block.len()];
    let inv_norms = emb.inv_norms();
    for (row_id, row) in emb.matrix()[..limit * dim].chunks_exact(dim).enumerate() {
        for (k, q) in queries.iter().enumerate() {
            let s = dot(row, q) * inv_norms[row_id];
            if s > best[k].1 && !block[k].ids[..3].contains(&row_id) {
                best[k] = (row_id, s);
            }
        }
    }
    best.into_iter().map(|b| b.0).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Scores of a set of vectors on word pairs and analogies.
#[derive(Debug, Serialize)]
pub struct EvalReport {
    /// One score per word-pair file.
    pub pairs: Vec<PairScore>,
    /// The analogy score, when an analogy file was given.
    pub analogies: Option<AnalogyScore>,
}

/// What to score vectors on: word-pair files (Spearman), an analogy file (accuracy over the
/// `restrict` most frequent words, 0 for all) answered by `method`.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalFiles {
    /// Word-pair files (WordSim-353, SimLex-999 format).
    pub pairs: Vec<PathBuf>,
    /// An analogy file (Google format).
    pub analogies: Option<PathBuf>,
    /// Answer among this many most frequent words (0: all).
    pub restrict: usize,
    /// 3CosAdd or 3CosMul.
    pub method: AnalogyMethod,
}

/// Scores `emb` on `files` (`Config::eval_files` names the bundled ones).
pub fn evaluate(emb: &Embeddings, files: &EvalFiles) -> Result<EvalReport> {
    Ok(EvalReport {
        pairs: files
            .pairs
            .iter()
            .map(|p| evaluate_pairs(emb, p))
            .collect::<Result<_>>()?,
        analogies: match &files.analogies {
            Some(f) => Some(evaluate_analogies(emb, f, files.restrict, files.method)?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_matches_scipy_with_ties() {
        // scipy.stats.spearmanr([1,2,2,3,5],[2,1,4,4,9]) = 0.7631578947368421 (scipy 1.x)
        let r = spearman(&[1.0, 2.0, 2.0, 3.0, 5.0], &[2.0, 1.0, 4.0, 4.0, 9.0]);
        assert!((r - 0.763_157_894_736_842_1).abs() < 1e-12, "{r}");
        assert!((spearman(&[1.0, 2.0, 3.0], &[30.0, 20.0, 10.0]) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), vec![1.5, 3.0, 1.5, 4.0]);
    }
}
