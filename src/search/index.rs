//! The search index: a tantivy index (BM25, stored fields, wordlens's tokenizer), the word
//! vectors it was built with, and the document vectors, all in one folder. Built in a temporary
//! folder and renamed into place, so an interrupted build never leaves a half index.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, TantivyDocument, Term};

use super::analyzer::{self, Analyzer};
use super::fusion::{Calibrated, Fusion, FusionOverrides, FusionSetting, Normalization};
use super::hnsw::{AnnConfig, Hnsw};
use super::ingest::{Destination, DocumentList, DocumentSource, Prefetched, Vectorizing, ingest};
use super::schema::{
    DocInfo, Fields, META_VERSION, Meta, addresses, schema, tantivy_error, write_meta,
};
use super::vectors::{DocVectorWriter, DocVectors};
use crate::docvec::encoder::Encoder;
use crate::docvec::{DocVecConfig, DocVecMethod, DocVectorizer};
use crate::error::{Error, Result};
use crate::features::{Tfidf, TfidfConfig};
use crate::kernels::normalize;
use crate::progress::{Cancel, Progress};
use crate::text::passages::PassageConfig;
use crate::text::{Document, LanguageProfile, Tokenizer, TokenizerConfig};

pub use explain::TermScore;
pub use rank::{Contribution, Hit, Lists, Mode, PassageHit, QueryInputs};

/// What a new index is built with: the tokenizer (BM25 and word vectors alike), the `[search]`
/// settings, and how word vectors pool into document vectors (`[docvec]`; a static model pools
/// its own tokens).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexSettings {
    pub tokenizer: TokenizerConfig,
    pub search: SearchConfig,
    pub docvec: DocVecConfig,
    /// How long documents are cut into passages.
    pub passages: PassageConfig,
}

impl IndexSettings {
    /// The tokenizer settings for a collection in `language`: its Snowball stemmer when no
    /// stemmer is set and `[search] stem` is "auto" (measured on Debian descriptions, known-item
    /// MRR@10 without / with: de 0.627 / 0.656, fr 0.679 / 0.700, it 0.694 / 0.717).
    pub fn for_language(&self, language: &LanguageProfile) -> TokenizerConfig {
        let mut tokenizer = self.tokenizer.clone();
        if tokenizer.stem.is_empty() && self.search.stem == "auto" {
            tokenizer.stem = language.default_stemmer().unwrap_or_default().to_string();
        }
        tokenizer
    }

    /// The defaults with these `[search]` settings.
    pub fn with_search(search: &SearchConfig) -> Self {
        Self {
            search: search.clone(),
            ..Self::default()
        }
    }
}

/// The `[search]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// How hybrid mode fuses BM25 and vector results: rrf or convex.
    pub fusion: Fusion,
    /// Reciprocal rank fusion's k.
    pub rrf_k: f64,
    /// Convex fusion's weight of the vector score (1 − the weight goes to BM25).
    pub vector_weight: f64,
    /// Score normalisation before convex fusion: bound (BM25 over the highest score the
    /// query allows, cosines as they are: one weight fits weak and strong vectors; bench/README.md
    /// "Search"), minmax or zscore.
    pub normalization: Normalization,
    /// Results taken from each list before fusing.
    pub candidates: usize,
    /// BM25 boost of the title field over the text field.
    pub title_boost: f32,
    /// Memory of tantivy's index writer.
    pub writer_memory_mb: usize,
    /// The approximate nearest-neighbour index of large collections.
    pub ann: AnnConfig,
    /// The stemmer of an index whose `[tokenizer] stem` is empty: "auto" (the Snowball stemmer
    /// of the language detected in its first documents; none for English, Chinese, Japanese,
    /// Korean) or "none".
    pub stem: String,
    /// Choose the fusion for each index on pseudo-queries from its own documents when it is
    /// built (`search::evaluate::calibrate`); false: the settings above.
    pub calibrate: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            fusion: Fusion::Convex,
            rrf_k: 60.0,
            vector_weight: 0.2,
            normalization: Normalization::Bound,
            candidates: 100,
            title_boost: 2.0,
            writer_memory_mb: 100,
            ann: AnnConfig::default(),
            stem: "auto".into(),
            calibrate: true,
        }
    }
}

impl SearchConfig {
    /// The fusion setting these values describe (hybrid mode's default).
    pub fn fusion_setting(&self) -> FusionSetting {
        FusionSetting {
            fusion: self.fusion,
            vector_weight: self.vector_weight,
            normalization: self.normalization,
            rrf_k: self.rrf_k,
        }
    }

    /// Errors naming the `search` key of a value out of range (flags are checked by clap; a
    /// config file gets the same limits here).
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.vector_weight) {
            return Err(Error::config("search.vector_weight", "must be in [0, 1]"));
        }
        if !(self.rrf_k.is_finite() && self.rrf_k > 0.0) {
            return Err(Error::config("search.rrf_k", "must be a positive number"));
        }
        if self.candidates == 0 {
            return Err(Error::config("search.candidates", "must be at least 1"));
        }
        if !(self.title_boost.is_finite() && self.title_boost > 0.0) {
            return Err(Error::config(
                "search.title_boost",
                "must be a positive number",
            ));
        }
        if !matches!(self.stem.as_str(), "auto" | "none") {
            return Err(Error::config(
                "search.stem",
                format!("expected \"auto\" or \"none\", found {:?}", self.stem),
            ));
        }
        // tantivy's writer refuses less than 15 MB per thread.
        if self.writer_memory_mb < 15 {
            return Err(Error::config(
                "search.writer_memory_mb",
                "must be at least 15",
            ));
        }
        for (key, value, least) in [
            ("search.ann.m", self.ann.m, 2),
            ("search.ann.ef_construction", self.ann.ef_construction, 1),
            ("search.ann.ef_search", self.ann.ef_search, 1),
        ] {
            if value < least {
                return Err(Error::config(key, format!("must be at least {least}")));
            }
        }
        Ok(())
    }
}

/// A searchable collection: tantivy's BM25 index, the document vectors, and the fusion of both.
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
    /// The stored tuned setting; behind a lock so that the TUI, which shares the index with
    /// its background jobs, can re-tune it.
    tuned: std::sync::RwLock<Option<FusionSetting>>,
    /// The fusion chosen on the collection's own pseudo-queries, stored by `store_calibrated`.
    calibrated: std::sync::RwLock<Option<Calibrated>>,
    /// The mean document vector (`mean_cosine`), computed on first use.
    mean_vector: std::sync::OnceLock<Vec<f32>>,
    /// Whether some document was cut into passages (lists are then folded into documents).
    has_passages: bool,
}

pub use grouping::BestPassage;

mod build;
mod explain;
mod grouping;
mod maintain;
mod query;
mod rank;

impl SearchIndex {
    /// Opens the index built in `dir` (memory-mapping its vectors).
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
        let tokenizer = Tokenizer::new(&meta.tokenizer)?;
        let index = Index::open_in_dir(dir.join("tantivy")).map_err(tantivy_error(dir))?;
        index
            .tokenizers()
            .register(analyzer::NAME, Analyzer(tokenizer.clone()));
        let (_, fields) = schema();
        let reader = index.reader().map_err(tantivy_error(dir))?;
        let n = meta.documents.len();
        let (addresses, orphans) = addresses(&reader.searcher(), n, dir)?;
        let encoder = meta.encoder.reopen_saved(dir)?;
        let vectors = DocVectors::read(&dir.join("vectors.bin"), n, encoder.dim())?;
        let ann = match meta.ann_docs {
            Some(covered) if covered <= n => Some(Hnsw::read(&dir.join("ann.bin"), covered)?),
            _ => None,
        };
        Ok(Self {
            has_passages: meta.documents.iter().any(|d| d.passage.is_some()),
            tuned: std::sync::RwLock::new(meta.tuned),
            calibrated: std::sync::RwLock::new(meta.calibrated.clone()),
            mean_vector: std::sync::OnceLock::new(),
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

    /// Documents alive (added and not deleted); a document cut into passages counts once.
    pub fn len(&self) -> usize {
        self.addresses
            .iter()
            .zip(&self.meta.documents)
            .filter(|(a, d)| a.is_some() && d.starts_document())
            .count()
    }

    /// The number a document is known by (its first passage's) for entry `unit`.
    pub fn document_of(&self, unit: u32) -> u32 {
        match self
            .meta
            .documents
            .get(unit as usize)
            .and_then(|d| d.passage)
        {
            Some(p) => unit.saturating_sub(p.part),
            None => unit,
        }
    }

    /// The entries (passages) of the document known by `doc`.
    pub fn units_of(&self, doc: u32) -> std::ops::Range<u32> {
        match self
            .meta
            .documents
            .get(doc as usize)
            .and_then(|d| d.passage)
        {
            Some(p) => doc..doc + p.parts,
            None => doc..doc + 1,
        }
    }

    /// Whether some document of the index was cut into passages.
    pub fn has_passages(&self) -> bool {
        self.has_passages
    }

    /// How the index cuts long documents into passages.
    pub fn passages(&self) -> PassageConfig {
        self.meta.passages
    }

    /// Whether the index holds no live document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether document `doc` is live (not deleted).
    pub fn is_alive(&self, doc: u32) -> bool {
        self.addresses
            .get(doc as usize)
            .is_some_and(|a| a.is_some())
    }

    /// Id, title and label of every document, by document number.
    pub fn documents(&self) -> &[DocInfo] {
        &self.meta.documents
    }

    /// The language guessed from the collection's first documents ("" if built before).
    pub fn language(&self) -> &str {
        &self.meta.language
    }

    /// The Snowball stemmer BM25 and the vectors' tokens use ("" for none).
    pub fn stemmer(&self) -> &str {
        &self.meta.tokenizer.stem
    }

    /// The tokenizer settings the index was built with (as recorded in it).
    pub fn tokenizer_config(&self) -> &TokenizerConfig {
        &self.meta.tokenizer
    }

    /// The tokenizer the index was built with.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Document number of an id.
    pub fn doc_of(&self, id: &str) -> Option<u32> {
        // A document deleted and added again (a re-indexed file) has a dead first entry.
        let mut numbers = (0..self.meta.documents.len() as u32)
            .filter(|&d| self.meta.documents[d as usize].id == id);
        let first = numbers.next()?;
        if self.is_alive(first) {
            return Some(first);
        }
        Some(numbers.find(|&d| self.is_alive(d)).unwrap_or(first))
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
            Encoder::Contextual(m) => m.embed(text),
        };
        if q.iter().all(|&x| x == 0.0) {
            return None;
        }
        normalize(&mut q);
        Some(q)
    }

    /// The stored unit vector of document `doc` (None once deleted, or when it had no vector);
    /// for a document cut into passages, the unit-length mean of its passages' vectors.
    pub fn document_vector(&self, doc: u32) -> Option<Vec<f32>> {
        if !self.is_alive(doc) {
            return None;
        }
        let mut sum = self.vectors.row(doc)?.to_vec();
        for unit in self.units_of(doc).skip(1) {
            let row = self.vectors.row(unit)?;
            sum.iter_mut().zip(row).for_each(|(s, x)| *s += x);
        }
        if sum.iter().all(|&x| x == 0.0) {
            return None;
        }
        normalize(&mut sum);
        Some(sum)
    }

    /// The fusion hybrid mode uses: the setting `eval-search --tune` stored from judgments,
    /// else the one calibrated on the collection (unless `[search] calibrate` is off), else
    /// config's default.
    pub fn fusion(&self) -> FusionSetting {
        self.fusion_with(&FusionOverrides::default())
    }

    /// The fusion with `overrides` (a request's flags) over what `fusion` gives.
    pub fn fusion_with(&self, overrides: &FusionOverrides) -> FusionSetting {
        let calibrated = || {
            self.calibrated()
                .filter(|_| self.config.calibrate)
                .map(|c| c.fusion)
        };
        let base = self
            .tuned()
            .or_else(calibrated)
            .unwrap_or_else(|| self.config.fusion_setting());
        overrides.apply(base)
    }

    /// The setting `eval-search --tune` stored for this index, if any.
    pub fn tuned(&self) -> Option<FusionSetting> {
        *self.tuned.read().unwrap_or_else(|e| e.into_inner())
    }

    /// What made the document vectors.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// A checksum of what turns text into this index's vectors: the encoder's files, the
    /// pooling fitted on the collection and the tokenizer. Two indexes with the same
    /// fingerprint give the same vector for the same text (an engine export records it).
    pub fn encoder_fingerprint(&self) -> Result<String> {
        let files = self.encoder.saved_files(&self.dir)?;
        let mut hash = crc32fast::Hasher::new();
        for path in files {
            let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n =
                    std::io::Read::read(&mut file, &mut buf).map_err(|e| Error::io(&path, e))?;
                if n == 0 {
                    break;
                }
                hash.update(&buf[..n]);
            }
        }
        let settings = serde_json::to_vec(&(&self.meta.docvec, &self.meta.tokenizer))
            .map_err(|e| Error::Internal(format!("index settings do not serialise: {e}")))?;
        hash.update(&settings);
        Ok(format!("{:08x}", hash.finalize()))
    }

    /// The stored text of a document (empty once deleted); a document cut into passages is
    /// rebuilt from them.
    pub fn text(&self, doc: u32) -> Result<String> {
        let mut text = String::new();
        for unit in self.units_of(doc) {
            let part = self.entry_text(unit)?;
            // The passage repeats the end of the one before: keep what comes after it.
            let start = self.meta.documents[unit as usize]
                .passage
                .map_or(0, |p| p.start as usize);
            let overlap = text.len().saturating_sub(start);
            let from = (overlap..=part.len())
                .find(|&i| part.is_char_boundary(i))
                .unwrap_or(part.len());
            text.push_str(&part[from..]);
        }
        Ok(text)
    }

    /// The stored text of entry `unit` (a whole document or one passage).
    pub fn entry_text(&self, unit: u32) -> Result<String> {
        let Some(address) = self.addresses.get(unit as usize).copied().flatten() else {
            return Ok(String::new());
        };
        let searcher = self.reader.searcher();
        let stored: TantivyDocument = searcher.doc(address).map_err(tantivy_error(&self.dir))?;
        Ok(stored
            .get_first(self.fields.text)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string())
    }
}
