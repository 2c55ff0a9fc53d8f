//! The search index: a tantivy index (BM25, stored fields, wordlens's tokenizer), the word
//! vectors it was built with, and the document vectors, all in one folder. Built in a temporary
//! folder and renamed into place, so an interrupted build never leaves a half index.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, TantivyDocument, Term};

use super::analyzer::{self, Analyzer};
use super::fusion::{Fusion, Normalization, fuse};
use super::hnsw::{AnnConfig, Hnsw};
use super::ingest::{DocumentList, DocumentSource, ingest};
use super::vectors::{DocVectorWriter, DocVectors};
use crate::docvec::{DocVecConfig, DocVecMethod, DocVectorizer};
use crate::embed::io;
use crate::embed::kernels::{dot, normalize};
use crate::embed::static_model::StaticModel;
use crate::encoder::Encoder;
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress};
use crate::text::{Document, Tokenizer, TokenizerConfig};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// How hybrid mode fuses BM25 and vector results: rrf or convex.
    pub fusion: Fusion,
    /// Reciprocal rank fusion's k.
    pub rrf_k: f64,
    /// Convex fusion's weight of the vector score (1 − alpha goes to BM25), for word vectors.
    pub alpha: f64,
    /// The same weight for an index built with a static model, whose document vectors are far
    /// stronger than averaged word vectors (measured on BBC: README "Static models").
    pub alpha_static: f64,
    /// Score normalisation before convex fusion: minmax or zscore.
    pub normalization: Normalization,
    /// Results taken from each list before fusing.
    pub candidates: usize,
    /// BM25 boost of the title field over the text field.
    pub title_boost: f32,
    /// Memory of tantivy's index writer.
    pub writer_memory_mb: usize,
    /// The approximate nearest-neighbour index of large collections.
    pub ann: AnnConfig,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            fusion: Fusion::Convex,
            rrf_k: 60.0,
            alpha: 0.2,
            alpha_static: 0.6,
            normalization: Normalization::MinMax,
            candidates: 100,
            title_boost: 2.0,
            writer_memory_mb: 100,
            ann: AnnConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Bm25,
    Vector,
    Hybrid,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Bm25, Mode::Vector, Mode::Hybrid];
    pub fn name(self) -> &'static str {
        match self {
            Mode::Bm25 => "bm25",
            Mode::Vector => "vector",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// What is stored beside the tantivy index.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    version: u32,
    tokenizer: TokenizerConfig,
    docvec: DocVectorizer,
    documents: Vec<DocInfo>,
    /// Documents covered by the approximate index (`ann.bin`); later ones are searched exactly.
    #[serde(default)]
    ann_docs: Option<usize>,
    /// What made the vectors: word vectors (`embeddings.bin`) or a static model (`static/`).
    #[serde(default)]
    encoder: EncoderKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum EncoderKind {
    #[default]
    Words,
    Static,
}

/// The folder beside the tantivy index holding a copy of the static model.
const STATIC_DIR: &str = "static";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocInfo {
    pub id: String,
    pub title: Option<String>,
    pub label: Option<String>,
}

const META_VERSION: u32 = 2;

impl DocInfo {
    pub(super) fn of(d: &Document) -> Self {
        Self {
            id: d.id.clone(),
            title: d.title.clone(),
            label: d.label.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Document number in the index.
    #[serde(skip)]
    pub doc: u32,
    pub id: String,
    pub title: Option<String>,
    pub label: Option<String>,
    /// The mode's score (BM25, cosine, or the fused score).
    pub score: f64,
    pub bm25: Option<f32>,
    pub bm25_rank: Option<usize>,
    pub cosine: Option<f32>,
    pub vector_rank: Option<usize>,
    /// The text around the query terms, with matches in <b>…</b>.
    pub snippet: String,
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

pub(super) struct Fields {
    pub id: Field,
    pub title: Field,
    pub text: Field,
    pub label: Field,
    pub ord: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer::NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_opts = TextOptions::default()
        .set_indexing_options(indexing)
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        label: b.add_text_field("label", STRING | STORED),
        ord: b.add_u64_field("ord", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

pub(super) fn tv(dir: &Path) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| match e {
        tantivy::TantivyError::LockFailure(..) => Error::Usage(format!(
            "{}: the index is locked by another writer ({e})",
            dir.display()
        )),
        other => Error::in_file(dir, format!("search index: {other}")),
    }
}

pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    meta: Meta,
    tokenizer: Tokenizer,
    encoder: Encoder,
    vectors: DocVectors,
    /// The approximate index over the first `meta.ann_docs` documents, if built.
    ann: Option<Hnsw>,
    /// Document number → its address in tantivy; None once deleted (tantivy is the truth on
    /// which documents are alive, so a crash between tantivy and our files loses nothing).
    addresses: Vec<Option<DocAddress>>,
    /// Tantivy documents whose number the metadata does not know (a crash after tantivy's
    /// commit during `add`); ignored, and deleted by the next `add`.
    orphans: Vec<u64>,
    pub config: SearchConfig,
}

mod build;
mod query;

impl SearchIndex {
    pub fn open(dir: &Path, config: &SearchConfig) -> Result<Self> {
        if !dir.join("meta.json").exists() {
            return Err(Error::in_file(
                dir,
                "no wordlens index here (meta.json missing): build one with `wordlens index`",
            ));
        }
        let meta_path = dir.join("meta.json");
        let bytes = std::fs::read(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
        let meta: Meta = serde_json::from_slice(&bytes)
            .map_err(|e| Error::in_file(&meta_path, format!("invalid index metadata: {e}")))?;
        if meta.version != META_VERSION {
            return Err(Error::in_file(
                &meta_path,
                format!(
                    "index format {}; expected {META_VERSION}: rebuild the index",
                    meta.version
                ),
            ));
        }
        let tokenizer = Tokenizer::new(&meta.tokenizer);
        let index = Index::open_in_dir(dir.join("tantivy")).map_err(tv(dir))?;
        index
            .tokenizers()
            .register(analyzer::NAME, Analyzer(tokenizer.clone()));
        let (_, fields) = schema();
        let reader = index.reader().map_err(tv(dir))?;
        let searcher = reader.searcher();
        let n = meta.documents.len();
        let mut addresses = vec![None; n];
        let mut orphans = Vec::new();
        for (seg_ord, seg) in searcher.segment_readers().iter().enumerate() {
            let ords = seg.fast_fields().u64("ord").map_err(tv(dir))?;
            for doc in seg.doc_ids_alive() {
                match ords.first(doc) {
                    Some(o) if (o as usize) < n => {
                        addresses[o as usize] = Some(DocAddress::new(seg_ord as u32, doc))
                    }
                    Some(o) => orphans.push(o),
                    None => {}
                }
            }
        }
        let encoder = match meta.encoder {
            EncoderKind::Words => {
                Encoder::Words(Arc::new(io::read(&dir.join("embeddings.bin"))?.embeddings))
            }
            EncoderKind::Static => {
                Encoder::Static(Arc::new(StaticModel::open(&dir.join(STATIC_DIR))?))
            }
        };
        let vectors = DocVectors::read(&dir.join("vectors.bin"), n, encoder.dim())?;
        let ann = match meta.ann_docs {
            Some(covered) if covered <= n => Some(Hnsw::read(&dir.join("ann.bin"), covered)?),
            _ => None,
        };
        Ok(Self {
            ann,
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            meta,
            tokenizer,
            encoder,
            vectors,
            addresses,
            orphans,
            config: config.clone(),
        })
    }

    /// Documents alive (added and not deleted).
    pub fn len(&self) -> usize {
        self.addresses.iter().filter(|a| a.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_alive(&self, doc: u32) -> bool {
        self.addresses
            .get(doc as usize)
            .is_some_and(|a| a.is_some())
    }

    pub fn documents(&self) -> &[DocInfo] {
        &self.meta.documents
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Document number of an id.
    pub fn doc_of(&self, id: &str) -> Option<u32> {
        self.meta
            .documents
            .iter()
            .position(|d| d.id == id)
            .map(|p| p as u32)
    }

    /// The unit vector of a query (`text`, and its `tokens` by the index's tokenizer), or
    /// None when no token has a vector.
    pub fn query_vector(&self, text: &str, tokens: &[String]) -> Option<Vec<f32>> {
        let mut q = match &self.encoder {
            Encoder::Words(e) => {
                let (mut v, cov) = self
                    .meta
                    .docvec
                    .transform(std::slice::from_ref(&tokens.to_vec()), e);
                if cov.covered == 0 {
                    return None;
                }
                v.pop()?
            }
            Encoder::Static(m) => m.embed(text),
        };
        if q.iter().all(|&x| x == 0.0) {
            return None;
        }
        normalize(&mut q);
        Some(q)
    }

    /// The stored unit vector of document `doc` (None once deleted, or when it had no vector).
    pub fn document_vector(&self, doc: u32) -> Option<Vec<f32>> {
        if !self.is_alive(doc) {
            return None;
        }
        let row = self.vectors.row(doc)?;
        (!row.iter().all(|&x| x == 0.0)).then(|| row.to_vec())
    }

    /// Convex fusion's vector weight for this index's kind of vectors.
    pub fn alpha(&self) -> f64 {
        if self.encoder.is_static() {
            self.config.alpha_static
        } else {
            self.config.alpha
        }
    }

    /// What made the document vectors.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Ranked (document, score) lists for one query in each mode, `k` long (hybrid: fused).
    /// `q` is the query's unit vector (`query_vector`). `exclude` drops a document (the query
    /// itself in document-as-query evaluation); `label` keeps only documents with that label,
    /// in both lists before fusing.
    pub fn ranked(
        &self,
        mode: Mode,
        bm25_query: &dyn Query,
        q: Option<&[f32]>,
        k: usize,
        exclude: Option<u32>,
        label: Option<&str>,
    ) -> Result<Ranked> {
        let take = if mode == Mode::Hybrid {
            self.config.candidates.max(k)
        } else {
            k
        } + exclude.is_some() as usize;
        let bm25 = if mode == Mode::Vector {
            Vec::new()
        } else if let Some(l) = label {
            let term = Term::from_field_text(self.fields.label, l);
            let filtered = BooleanQuery::new(vec![
                (Occur::Must, bm25_query.box_clone()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                ),
            ]);
            self.run_bm25(&filtered, take)?
        } else {
            self.run_bm25(bm25_query, take)?
        };
        let docs = &self.meta.documents;
        let keep = |d: u32| {
            Some(d) != exclude
                && self.is_alive(d)
                && label.is_none_or(|l| docs[d as usize].label.as_deref() == Some(l))
        };
        let vector = match (mode != Mode::Bm25, q) {
            (true, Some(q)) => self.vector_top_k(q, take, keep),
            _ => Vec::new(),
        };
        let bm25: Vec<(u32, f32)> = bm25.into_iter().filter(|d| Some(d.0) != exclude).collect();
        let fused: Vec<(u32, f64)> = match mode {
            Mode::Bm25 => bm25.iter().map(|&(d, s)| (d, s as f64)).collect(),
            Mode::Vector => vector.iter().map(|&(d, s)| (d, s as f64)).collect(),
            Mode::Hybrid => fuse(
                &bm25,
                &self.with_bm25_cosines(&vector, &bm25, q),
                self.config.fusion,
                self.config.rrf_k,
                self.alpha(),
                self.config.normalization,
            ),
        };
        Ok(Ranked {
            fused: fused.into_iter().take(k).collect(),
            bm25,
            vector,
        })
    }

    /// Searches `query` in `mode`; hits carry their score breakdown and a snippet. `label`
    /// keeps only documents with that label.
    pub fn search(
        &self,
        query: &str,
        mode: Mode,
        k: usize,
        label: Option<&str>,
    ) -> Result<Vec<Hit>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(Error::Usage("empty query".into()));
        }
        let tokens = self.tokenizer.tokenize(query);
        let parsed = self.parse(query, true);
        // Also gives the cosine of hits the vector list did not rank (BM25 mode).
        let query_vector = self.query_vector(query, &tokens);
        let ranked = self.ranked(mode, &*parsed, query_vector.as_deref(), k, None, label)?;
        let searcher = self.reader.searcher();
        let snippets = SnippetGenerator::create(&searcher, &*parsed, self.fields.text)
            .map_err(tv(&self.dir))?;
        let mut hits = Vec::new();
        for &(doc, score) in &ranked.fused {
            let info = &self.meta.documents[doc as usize];
            let Some(address) = self.addresses[doc as usize] else {
                continue;
            };
            let stored: TantivyDocument = searcher.doc(address).map_err(tv(&self.dir))?;
            let mut snippet = snippets.snippet_from_doc(&stored).to_html();
            if snippet.is_empty() {
                let text = stored
                    .get_first(self.fields.text)
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                snippet = text.chars().take(150).collect();
            }
            let rank_in = |list: &[(u32, f32)]| list.iter().position(|d| d.0 == doc);
            let bm25_rank = rank_in(&ranked.bm25);
            let vector_rank = rank_in(&ranked.vector);
            hits.push(Hit {
                doc,
                id: info.id.clone(),
                title: info.title.clone(),
                label: info.label.clone(),
                score,
                bm25: bm25_rank.map(|r| ranked.bm25[r].1),
                bm25_rank: bm25_rank.map(|r| r + 1),
                cosine: vector_rank
                    .map(|r| ranked.vector[r].1)
                    .or_else(|| Some(dot(self.vectors.row(doc)?, query_vector.as_deref()?))),
                vector_rank: vector_rank.map(|r| r + 1),
                snippet,
            });
        }
        Ok(hits)
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

    /// The vector list extended with the exact cosine of every BM25 candidate it lacks, best
    /// first: BM25's candidates are re-scored by meaning instead of getting the list's floor.
    fn with_bm25_cosines(
        &self,
        vector: &[(u32, f32)],
        bm25: &[(u32, f32)],
        q: Option<&[f32]>,
    ) -> Vec<(u32, f32)> {
        let Some(q) = q else {
            return vector.to_vec();
        };
        let seen: HashSet<u32> = vector.iter().map(|d| d.0).collect();
        let mut out = vector.to_vec();
        for &(doc, _) in bm25.iter().filter(|d| !seen.contains(&d.0)) {
            if let Some(row) = self.vectors.row(doc) {
                out.push((doc, crate::embed::kernels::dot(row, q)));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The stored text of a document (empty once deleted).
    pub fn text(&self, doc: u32) -> Result<String> {
        let Some(address) = self.addresses.get(doc as usize).copied().flatten() else {
            return Ok(String::new());
        };
        let searcher = self.reader.searcher();
        let stored: TantivyDocument = searcher.doc(address).map_err(tv(&self.dir))?;
        Ok(stored
            .get_first(self.fields.text)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string())
    }
}

/// One query's lists: the final ranking and the two it came from.
pub struct Ranked {
    pub fused: Vec<(u32, f64)>,
    pub bm25: Vec<(u32, f32)>,
    pub vector: Vec<(u32, f32)>,
}
