//! Ranking one query: the BM25 list, the vector list (approximate index or brute force), their
//! fusion, and the hits a user sees with each list's rank and score.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, Term};

use super::{BestPassage, SearchIndex};
use crate::error::{Error, Result};
use crate::kernels::dot;
use crate::search::fusion::{Fused, FusionSetting, Scales, fuse_explained};
use crate::search::request::SearchRequest;
use crate::search::schema::tantivy_error;

/// What a search ranks by: BM25, vector similarity, or both fused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Keywords only: tantivy's BM25.
    Bm25,
    /// Cosine similarity of document vectors only.
    Vector,
    /// Both lists fused (the index's tuned setting, or the configured one).
    Hybrid,
}

impl Mode {
    /// Every mode, in the order reports list them.
    pub const ALL: [Mode; 3] = [Mode::Bm25, Mode::Vector, Mode::Hybrid];
    /// The name flags and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Bm25 => "bm25",
            Mode::Vector => "vector",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// One search result: the document, its score in the mode searched, and BM25's and the
/// vectors' score and rank when they ranked it.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Document number in the index.
    #[serde(skip)]
    pub doc: u32,
    /// The document's id (the id column, or its row number).
    pub id: String,
    /// The title column's value, when the collection has one.
    pub title: Option<String>,
    /// The label column's value, when the collection has one.
    pub label: Option<String>,
    /// The mode's score (BM25, cosine, or the fused score).
    pub score: f64,
    /// BM25 score, when the keyword list ranked the document.
    pub bm25: Option<f32>,
    /// 1-based rank in the keyword list.
    pub bm25_rank: Option<usize>,
    /// Cosine between the query and document vectors, when the vector list ranked it.
    pub cosine: Option<f32>,
    /// 1-based rank in the vector list.
    pub vector_rank: Option<usize>,
    /// The text around the query terms, as plain text.
    pub snippet: String,
    /// Byte ranges `[start, end)` of the query's terms in `snippet`, for highlighting.
    pub matches: Vec<[usize; 2]>,
    /// Hybrid mode: what each list gave the fused score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion: Option<Contribution>,
    /// A document cut into passages: the passage shown (the best one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<PassageHit>,
}

/// The best passage of a hit whose document was cut into passages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassageHit {
    /// The 1-based line of the document the passage starts on.
    pub line: u32,
    /// Its 1-based position among the document's passages, and how many there are.
    pub part: u32,
    pub parts: u32,
    /// The passage's share of the scores of all the document's passages the list ranked
    /// (1: it alone matched).
    pub share: f32,
}

/// A hybrid hit's score taken apart: each list's normalised score (None: not in that list)
/// and its weighted share of the fused score (convex: weight × normalised score, the missing
/// list's floor included; RRF: 1 / (k + rank)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contribution {
    /// The fusion setting that produced the score.
    pub setting: FusionSetting,
    /// The BM25 score on the fusion's scale (None: not in the keyword list).
    pub bm25_normalized: Option<f64>,
    /// The cosine on the fusion's scale (None: not in the vector list).
    pub vector_normalized: Option<f64>,
    /// BM25's weighted share of the fused score.
    pub bm25_part: f64,
    /// The vectors' weighted share of the fused score.
    pub vector_part: f64,
}

impl Contribution {
    /// What `f`, fused by `setting`, got from each list.
    fn of(f: &Fused, setting: FusionSetting) -> Self {
        Self {
            setting,
            bm25_normalized: f.bm25_normalized,
            vector_normalized: f.vector_normalized,
            bm25_part: f.bm25_part,
            vector_part: f.vector_part,
        }
    }

    /// BM25's share of the fused score, in [0, 1] (None when the score is not positive).
    pub fn bm25_share(&self) -> Option<f64> {
        let total = self.bm25_part + self.vector_part;
        (self.bm25_part >= 0.0 && self.vector_part >= 0.0 && total > 0.0)
            .then(|| self.bm25_part / total)
    }
}

impl Hit {
    /// "bm25 #rank score" and "cosine #rank value" (or "–"), as the CLI and TUI show them.
    pub fn breakdown(&self) -> (String, String) {
        let bm25 = match (self.bm25_rank, self.bm25) {
            (Some(r), Some(s)) => format!("bm25 #{r} {s:.2}"),
            _ => "bm25 –".into(),
        };
        let cosine = match (self.vector_rank, self.cosine) {
            (Some(r), Some(c)) => format!("cosine #{r} {c:.3}"),
            (None, Some(c)) => format!("cosine {c:.3}"),
            _ => "cosine –".into(),
        };
        (bm25, cosine)
    }
}

/// What one query ranks with: its BM25 query and its unit vector (None: no token of it has
/// one).
#[derive(Clone, Copy)]
pub struct QueryInputs<'a> {
    /// The parsed BM25 query.
    pub bm25: &'a dyn Query,
    /// The query's unit vector (`query_vector`, or a document's own in evaluation).
    pub vector: Option<&'a [f32]>,
}

impl SearchIndex {
    /// The two candidate lists of `request`, `take` long: BM25's and the vector list extended
    /// with the cosine of every BM25 candidate it lacks (the lists its mode does not use stay
    /// empty), honouring its label filter and excluded document.
    pub fn lists(
        &self,
        request: &SearchRequest,
        query: QueryInputs<'_>,
        take: usize,
    ) -> Result<Lists> {
        let (mode, exclude, label) = (request.mode, request.exclude, request.label.as_deref());
        let (bm25_query, q) = (query.bm25, query.vector);
        let take = take + exclude.is_some() as usize;
        let entries = self.entries_for(take);
        let bm25 = match (mode, label) {
            (Mode::Vector, _) => Vec::new(),
            (_, Some(l)) => {
                let term = Term::from_field_text(self.fields.label, l);
                let filtered = BooleanQuery::new(vec![
                    (Occur::Must, bm25_query.box_clone()),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    ),
                ]);
                self.run_bm25(&filtered, entries)?
            }
            (_, None) => self.run_bm25(bm25_query, entries)?,
        };
        let docs = &self.meta.documents;
        let keep = |d: u32| {
            Some(self.document_of(d)) != exclude
                && self.is_alive(d)
                && label.is_none_or(|l| docs[d as usize].label.as_deref() == Some(l))
        };
        let vector = match (mode != Mode::Bm25, q) {
            (true, Some(q)) => self.vector_top_k(q, entries, keep),
            _ => Vec::new(),
        };
        let bm25: Vec<(u32, f32)> = bm25
            .into_iter()
            .filter(|d| Some(self.document_of(d.0)) != exclude)
            .collect();
        let (mut best_bm25, mut best_vector) = (HashMap::new(), HashMap::new());
        let bm25 = self.fold(bm25, take, &mut best_bm25);
        let vector = self.fold(vector, take, &mut best_vector);
        let hybrid_q = q.filter(|_| mode == Mode::Hybrid);
        Ok(Lists {
            bm25_bound: if mode == Mode::Vector {
                0.0
            } else {
                self.bm25_bound(bm25_query)
            },
            mean_cosine: hybrid_q.map_or(0.0, |q| self.mean_cosine(q)),
            rescored: hybrid_q
                .map_or_else(Vec::new, |q| self.cosines_of_missing(&vector, &bm25, q)),
            bm25,
            vector,
            best_bm25,
            best_vector,
        })
    }

    /// Answers `request`; hits carry their score breakdown and a snippet.
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<Hit>> {
        let query = request.text.trim();
        if query.is_empty() {
            return Err(Error::Usage("empty query".into()));
        }
        let (mode, k) = (request.mode, request.k);
        let tokens = self.tokenizer.tokenize(query);
        let parsed = self.parse(query, true);
        // Also gives the cosine of hits the vector list did not rank (BM25 mode).
        let query_vector = self.query_vector(query, &tokens);
        let inputs = QueryInputs {
            bm25: &*parsed,
            vector: query_vector.as_deref(),
        };
        let lists = self.lists(request, inputs, self.take(mode, k))?;
        let setting = self.fusion_with(&request.overrides);
        // Hybrid: fused once, keeping what each list contributed to each hit.
        let (fused, contributions): (Vec<(u32, f64)>, HashMap<u32, Contribution>) =
            if mode == Mode::Hybrid {
                let explained: Vec<Fused> = lists.explained(&setting).into_iter().take(k).collect();
                let contributions = explained
                    .iter()
                    .map(|f| (f.doc, Contribution::of(f, setting)))
                    .collect();
                (
                    explained.iter().map(|f| (f.doc, f.score)).collect(),
                    contributions,
                )
            } else {
                (lists.ranking(mode, &setting, k), HashMap::new())
            };
        let searcher = self.reader.searcher();
        let snippets = SnippetGenerator::create(&searcher, &*parsed, self.fields.text)
            .map_err(tantivy_error(&self.dir))?;
        let mut hits = Vec::new();
        for &(doc, score) in &fused {
            // The passage shown: the one BM25 ranked the document by, else the vectors'.
            let best = lists
                .best_bm25
                .get(&doc)
                .or_else(|| lists.best_vector.get(&doc))
                .copied();
            let unit = best.map_or(doc, |b| b.unit);
            let Some(address) = self.addresses.get(unit as usize).copied().flatten() else {
                continue;
            };
            let stored: TantivyDocument =
                searcher.doc(address).map_err(tantivy_error(&self.dir))?;
            let mut hit = self.hit(doc, score, &lists, query_vector.as_deref());
            if let Some(p) = self.meta.documents[unit as usize].passage {
                hit.passage = Some(PassageHit {
                    line: p.line,
                    part: p.part + 1,
                    parts: p.parts,
                    share: best.map_or(1.0, |b| b.share),
                });
            }
            let snippet = snippets.snippet_from_doc(&stored);
            hit.snippet = snippet.fragment().to_string();
            hit.matches = snippet
                .highlighted()
                .iter()
                .map(|r| [r.start, r.end])
                .collect();
            if hit.snippet.is_empty() {
                let text = stored
                    .get_first(self.fields.text)
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                hit.snippet = text.chars().take(150).collect();
            }
            hit.fusion = contributions.get(&doc).copied();
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Document `doc` as a hit with `score`: its stored fields and each list's rank and score
    /// (the cosine computed when the vector list did not rank it); no snippet yet.
    fn hit(&self, doc: u32, score: f64, lists: &Lists, q: Option<&[f32]>) -> Hit {
        let info = &self.meta.documents[doc as usize];
        let rank_in = |list: &[(u32, f32)]| list.iter().position(|d| d.0 == doc);
        let bm25_rank = rank_in(&lists.bm25);
        let vector_rank = rank_in(&lists.vector);
        Hit {
            doc,
            id: info.id.clone(),
            title: info.title.clone(),
            label: info.label.clone(),
            score,
            bm25: bm25_rank.map(|r| lists.bm25[r].1),
            bm25_rank: bm25_rank.map(|r| r + 1),
            cosine: vector_rank
                .map(|r| lists.vector[r].1)
                .or_else(|| self.best_cosine(doc, q?)),
            vector_rank: vector_rank.map(|r| r + 1),
            snippet: String::new(),
            matches: Vec::new(),
            passage: None,
            fusion: None,
        }
    }

    /// The `k` documents nearest to `q`: from the approximate index where there is one (plus an
    /// exact scan of documents added after it was built), else by brute force. A filter that
    /// leaves the approximate search short of `k` falls back to brute force.
    pub fn vector_top_k(
        &self,
        q: &[f32],
        k: usize,
        keep: impl Fn(u32) -> bool + Sync,
    ) -> Vec<(u32, f32)> {
        let Some((graph, covered)) = self.ann.as_ref().zip(self.meta.ann_docs) else {
            return self.vectors.top_k(q, k, keep);
        };
        let ef = self.config.ann.ef_search.max(k);
        let row = |d: u32| self.vectors.row(d).unwrap_or(&[]);
        let mut found = graph.search(q, k, ef, row, &keep);
        if found.len() < k.min(covered) {
            return self.vectors.top_k(q, k, keep);
        }
        if covered < self.vectors.len() {
            found.extend(
                self.vectors
                    .top_k(q, k, |d| d as usize >= covered && keep(d)),
            );
            found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            found.truncate(k);
        }
        found
    }

    /// Recall@k of the approximate index against brute force, with `samples` documents' own
    /// vectors as queries (None without an approximate index).
    pub fn ann_recall(&self, samples: usize, k: usize) -> Option<f64> {
        let covered = self.meta.ann_docs?;
        self.ann.as_ref()?;
        let step = (covered / samples.max(1)).max(1);
        let queries: Vec<u32> = (0..covered).step_by(step).map(|d| d as u32).collect();
        let hits: usize = queries
            .par_iter()
            .map(|&d| {
                let q = self.vectors.row(d).unwrap_or(&[]).to_vec();
                let truth: HashSet<u32> = self
                    .vectors
                    .top_k(&q, k, |_| true)
                    .into_iter()
                    .map(|x| x.0)
                    .collect();
                self.vector_top_k(&q, k, |_| true)
                    .iter()
                    .filter(|x| truth.contains(&x.0))
                    .count()
            })
            .sum();
        Some(hits as f64 / (queries.len() * k).max(1) as f64)
    }

    /// The mean of `q`'s cosines with every document: `q` · the mean document vector (rows
    /// are unit length), that mean computed once per opened index.
    pub fn mean_cosine(&self, q: &[f32]) -> f32 {
        let mean = self.mean_vector.get_or_init(|| {
            let dim = q.len();
            let n = self.vectors.len();
            let sum = (0..n as u32)
                .into_par_iter()
                .fold(
                    || vec![0.0f64; dim],
                    |mut acc, d| {
                        let row = self.vectors.row(d).unwrap_or(&[]);
                        acc.iter_mut().zip(row).for_each(|(a, &x)| *a += x as f64);
                        acc
                    },
                )
                .reduce(
                    || vec![0.0f64; dim],
                    |mut a, b| {
                        a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                        a
                    },
                );
            sum.iter().map(|&s| (s / n.max(1) as f64) as f32).collect()
        });
        dot(mean, q)
    }

    /// How many candidates each list gives `mode` for `k` results (hybrid fuses more).
    fn take(&self, mode: Mode, k: usize) -> usize {
        if mode == Mode::Hybrid {
            self.config.candidates.max(k)
        } else {
            k
        }
    }

    /// The exact cosine of every BM25 candidate the vector list lacks: BM25's candidates are
    /// re-scored by meaning instead of getting the vector list's floor.
    fn cosines_of_missing(
        &self,
        vector: &[(u32, f32)],
        bm25: &[(u32, f32)],
        q: &[f32],
    ) -> Vec<(u32, f32)> {
        let seen: HashSet<u32> = vector.iter().map(|d| d.0).collect();
        bm25.iter()
            .filter(|d| !seen.contains(&d.0))
            .filter_map(|&(doc, _)| Some((doc, self.best_cosine(doc, q)?)))
            .collect()
    }
}

/// One query's two candidate lists (document, score), best first.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// Documents cut into passages: the passage that gave each list its score.
    pub best_bm25: HashMap<u32, BestPassage>,
    pub best_vector: HashMap<u32, BestPassage>,
    pub bm25: Vec<(u32, f32)>,
    pub vector: Vec<(u32, f32)>,
    /// Cosines of the BM25 candidates missing from `vector` (hybrid mode only).
    pub rescored: Vec<(u32, f32)>,
    /// The highest BM25 score the query allows (`SearchIndex::bm25_bound`).
    pub bm25_bound: f32,
    /// The query's mean cosine over the collection (`SearchIndex::mean_cosine`; hybrid only).
    pub mean_cosine: f32,
}

impl Lists {
    /// The first `k` of `mode`'s ranking (hybrid: fused by `setting`).
    pub fn ranking(&self, mode: Mode, setting: &FusionSetting, k: usize) -> Vec<(u32, f64)> {
        let widen = |l: &[(u32, f32)]| l.iter().take(k).map(|&(d, s)| (d, s as f64)).collect();
        match mode {
            Mode::Bm25 => widen(&self.bm25),
            Mode::Vector => widen(&self.vector),
            Mode::Hybrid => self
                .explained(setting)
                .into_iter()
                .take(k)
                .map(|f| (f.doc, f.score))
                .collect(),
        }
    }

    /// The hybrid ranking with what each list contributed to each document.
    pub fn explained(&self, setting: &FusionSetting) -> Vec<Fused> {
        let mut vector = self.vector.clone();
        vector.extend_from_slice(&self.rescored);
        vector.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let scales = Scales {
            bm25_bound: self.bm25_bound,
            mean_cosine: self.mean_cosine,
        };
        fuse_explained(&self.bm25, &vector, scales, setting)
    }
}
