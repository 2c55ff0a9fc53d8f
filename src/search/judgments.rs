//! Relevance judgments made while searching, kept as TREC files so that `eval-search
//! --topics --qrels` reads them: `topics.tsv` (`qid<TAB>query`) and `qrels.txt`
//! (`qid 0 docid relevance`, 1 relevant, 0 judged not relevant).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::evaluate::{Judged, Metric, Relevant, Task};
use super::index::SearchIndex;
use crate::error::{Error, Result};
use crate::fsutil::atomic_write;
use crate::text::corpus::read_small_text;

/// The queries file of a judgments folder (`qid<TAB>query` per line).
pub const TOPICS: &str = "topics.tsv";
/// The judgments file of a judgments folder (TREC qrels: `qid 0 docid relevance`).
pub const QRELS: &str = "qrels.txt";

/// The judgments of one collection, in a folder of their own.
#[derive(Debug, Clone, Default)]
pub struct Judgments {
    dir: PathBuf,
    /// Query text (trimmed, spaces collapsed) → query id, in order of first judgment.
    topics: Vec<(String, String)>,
    /// Query id → document id → relevant?
    qrels: BTreeMap<String, BTreeMap<String, bool>>,
}

/// The query as judgments key it: trimmed, runs of whitespace as one space.
fn normalized(query: &str) -> String {
    query.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Judgments {
    /// Reads the judgments in `dir` (none yet: empty).
    pub fn load(dir: &Path) -> Result<Self> {
        let mut j = Self {
            dir: dir.to_path_buf(),
            ..Self::default()
        };
        let topics = dir.join(TOPICS);
        if topics.exists() {
            for (n, line) in read_small_text(&topics)?.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let Some((qid, text)) = line.split_once('\t') else {
                    return Err(Error::at_line(
                        &topics,
                        n as u64 + 1,
                        "expected `qid<TAB>query`",
                    ));
                };
                j.topics.push((normalized(text), qid.trim().to_string()));
            }
        }
        let qrels = dir.join(QRELS);
        if qrels.exists() {
            for (n, line) in read_small_text(&qrels)?.lines().enumerate() {
                let f: Vec<&str> = line.split_whitespace().collect();
                match f.as_slice() {
                    [] => {}
                    [qid, _, doc, rel] => {
                        let rel: i64 = rel.parse().map_err(|_| {
                            Error::at_line(&qrels, n as u64 + 1, "relevance must be an integer")
                        })?;
                        j.qrels
                            .entry(qid.to_string())
                            .or_default()
                            .insert(doc.to_string(), rel > 0);
                    }
                    _ => {
                        return Err(Error::at_line(
                            &qrels,
                            n as u64 + 1,
                            "expected `qid 0 docid relevance`",
                        ));
                    }
                }
            }
        }
        Ok(j)
    }

    /// Where the topics file is kept.
    pub fn topics_path(&self) -> PathBuf {
        self.dir.join(TOPICS)
    }

    /// Where the qrels file is kept.
    pub fn qrels_path(&self) -> PathBuf {
        self.dir.join(QRELS)
    }

    fn qid(&self, query: &str) -> Option<&str> {
        let q = normalized(query);
        self.topics
            .iter()
            .find(|(t, _)| *t == q)
            .map(|(_, id)| id.as_str())
    }

    /// The judgment of `doc` for `query`: Some(true) relevant, Some(false) not, None unjudged.
    pub fn get(&self, query: &str, doc: &str) -> Option<bool> {
        self.qrels.get(self.qid(query)?)?.get(doc).copied()
    }

    /// Records `doc` as relevant (or not) to `query`; the same judgment again removes it.
    /// Writes both files (atomically) before returning.
    pub fn toggle(&mut self, query: &str, doc: &str, relevant: bool) -> Result<Option<bool>> {
        let q = normalized(query);
        if q.is_empty() {
            return Err(Error::Usage(
                "judge a hit of a query, not of an empty one".into(),
            ));
        }
        let qid = match self.qid(&q) {
            Some(id) => id.to_string(),
            None => {
                let id = format!("q{}", self.topics.len() + 1);
                self.topics.push((q, id.clone()));
                id
            }
        };
        let docs = self.qrels.entry(qid).or_default();
        let now = if docs.get(doc) == Some(&relevant) {
            docs.remove(doc);
            None
        } else {
            docs.insert(doc.to_string(), relevant);
            Some(relevant)
        };
        self.save()?;
        Ok(now)
    }

    fn save(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        atomic_write(&self.topics_path(), |w| {
            for (text, id) in &self.topics {
                writeln!(w, "{id}\t{text}")?;
            }
            Ok(())
        })?;
        atomic_write(&self.qrels_path(), |w| {
            for (qid, docs) in &self.qrels {
                for (doc, &rel) in docs {
                    writeln!(w, "{qid} 0 {doc} {}", rel as u8)?;
                }
            }
            Ok(())
        })
    }

    /// Queries with at least one relevant document (those nDCG can score).
    pub fn judged_queries(&self) -> usize {
        self.qrels
            .values()
            .filter(|d| d.values().any(|&r| r))
            .count()
    }

    /// The judged queries as an evaluation task on `index` (documents it no longer has are
    /// left out), scored by nDCG@10 with BM25 on titles too, as the search box searches.
    pub fn task(&self, index: &SearchIndex) -> Task {
        let queries = self
            .topics
            .iter()
            .filter_map(|(text, qid)| {
                let relevant: HashMap<u32, u32> = self
                    .qrels
                    .get(qid)?
                    .iter()
                    .filter(|(_, r)| **r)
                    .filter_map(|(doc, _)| Some((index.doc_of(doc)?, 1)))
                    .collect();
                (!relevant.is_empty()).then(|| Judged {
                    id: qid.clone(),
                    text: text.clone(),
                    relevant: Relevant::Graded(relevant),
                    as_document: None,
                })
            })
            .collect();
        Task {
            name: "your judgments".into(),
            queries,
            title: true,
            metric: Metric::NdcgAt10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgments_round_trip_as_trec_files_and_toggle() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Judgments::load(dir.path()).unwrap();
        assert_eq!(
            j.toggle(" oil  prices", "business-144", true).unwrap(),
            Some(true)
        );
        j.toggle("oil prices", "tech-001", false).unwrap();
        j.toggle("soccer", "sports-161", true).unwrap();
        // The same judgment again takes it back.
        assert_eq!(j.toggle("soccer", "sports-161", true).unwrap(), None);
        j.toggle("soccer", "sports-120", true).unwrap();
        let topics = std::fs::read_to_string(dir.path().join(TOPICS)).unwrap();
        assert_eq!(topics, "q1\toil prices\nq2\tsoccer\n");
        let qrels = std::fs::read_to_string(dir.path().join(QRELS)).unwrap();
        assert_eq!(
            qrels,
            "q1 0 business-144 1\nq1 0 tech-001 0\nq2 0 sports-120 1\n"
        );
        let back = Judgments::load(dir.path()).unwrap();
        assert_eq!(back.get("oil prices", "business-144"), Some(true));
        assert_eq!(back.get("oil prices", "tech-001"), Some(false));
        assert_eq!(back.get("soccer", "sports-161"), None);
        assert_eq!(back.judged_queries(), 2);
        std::fs::write(dir.path().join(QRELS), "q1 0 x\n").unwrap();
        let err = Judgments::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("qrels.txt:1:") && err.contains("qid 0 docid"),
            "{err}"
        );
    }
}
