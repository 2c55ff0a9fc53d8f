//! A wordlens index in a Milvus collection: export (create, insert in batches, resume, record
//! what was exported) and search (BM25 over Milvus's analyzer, exact cosine over the index's
//! own document vectors, and Milvus's hybrid search with its weighted or RRF ranker).
//!
//! The official client is async (tonic); each call here runs on a one-thread tokio runtime
//! owned by the connection, so the rest of wordlens stays synchronous.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::{Duration, Instant};

use milvus::v2::prelude::*;
use serde_json::json;

use super::{EngineUri, ExportRecord, ExportReport, quoted};
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};
use crate::search::SearchIndex;

/// The collection property holding the `ExportRecord` (JSON).
const RECORD_KEY: &str = "wordlens.export";
/// Milvus's longest VARCHAR (bytes); longer texts are cut at a character boundary.
pub const TEXT_MAX_BYTES: usize = 65_535;
const ID_MAX_BYTES: usize = 4_096;
/// Rows per insert request: small enough for gRPC's 64 MB message limit at 1,024 dimensions
/// with texts at the longest.
const BATCH: usize = 256;
/// Rows per page when listing the ids already exported.
const PAGE: i64 = 10_000;

/// The fields of an exported collection.
const F_ID: &str = "id";
const F_TITLE: &str = "title";
const F_LABEL: &str = "label";
const F_TEXT: &str = "text";
const F_DENSE: &str = "dense";
const F_SPARSE: &str = "sparse";

/// Writing an index's documents into the collection.
mod export;
mod search;

/// What a collection holds, as far as wordlens is concerned.
enum Stored {
    Missing,
    Foreign,
    Export(ExportRecord),
}

/// A connection to one collection.
pub struct Milvus {
    runtime: tokio::runtime::Runtime,
    client: ClientV2,
    uri: EngineUri,
}

impl Milvus {
    /// Connects (within 5 s) to the engine `uri` names; the collection need not exist.
    pub fn connect(uri: &EngineUri) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
        let config = ConnectConfig::new()
            .uri(uri.endpoint())
            .connect_timeout(Duration::from_secs(5));
        let client = runtime.block_on(ClientV2::new(&config)).map_err(|e| {
            Error::remote(
                uri.to_string(),
                format!(
                    "cannot reach Milvus at {} ({e}); is it running? (e.g. `milvus-lite server \
                     --data-dir DIR --host {} --port {}`)",
                    uri.endpoint(),
                    uri.host,
                    uri.port
                ),
            )
        })?;
        Ok(Self {
            runtime,
            client,
            uri: uri.clone(),
        })
    }

    /// The collection this connection works on.
    pub fn uri(&self) -> &EngineUri {
        &self.uri
    }

    fn call<T>(
        &self,
        what: &str,
        future: impl Future<Output = milvus::v2::error::Result<T>>,
    ) -> Result<T> {
        self.runtime
            .block_on(future)
            .map_err(|e| Error::remote(self.uri.to_string(), format!("{what}: {e}")))
    }

    fn name(&self) -> &str {
        &self.uri.collection
    }

    fn exists(&self) -> Result<bool> {
        let request = HasCollectionRequest::builder()
            .collection_name(self.name())
            .build()
            .map_err(request_error)?;
        Ok(self
            .call("has collection", self.client.has_collection(request))?
            .exists())
    }

    /// What the collection holds: nothing (no collection), something wordlens did not make
    /// (no record), or an export with its record.
    fn stored(&self) -> Result<Stored> {
        if !self.exists()? {
            return Ok(Stored::Missing);
        }
        let request = DescribeCollectionRequest::builder()
            .collection_name(self.name())
            .build()
            .map_err(request_error)?;
        let described = self.call(
            "describe collection",
            self.client.describe_collection(request),
        )?;
        let properties = described.description().get_properties();
        let Some(text) = properties.get(RECORD_KEY) else {
            return Ok(Stored::Foreign);
        };
        match serde_json::from_str(text) {
            Ok(record) => Ok(Stored::Export(record)),
            // A damaged record is not ours to trust: as a collection wordlens did not make.
            Err(_) => Ok(Stored::Foreign),
        }
    }

    /// The record of the export the collection holds; None when there is no collection. A
    /// collection wordlens did not make is an error.
    pub fn record(&self) -> Result<Option<ExportRecord>> {
        match self.stored()? {
            Stored::Missing => Ok(None),
            Stored::Export(record) => Ok(Some(record)),
            Stored::Foreign => Err(self.foreign()),
        }
    }

    fn foreign(&self) -> Error {
        Error::remote(
            self.uri.to_string(),
            "this collection was not made by `wordlens export` (no valid wordlens.export \
             property): choose another name, or export with --replace to drop it",
        )
    }

    /// Checks that the collection holds a complete export of `index` (same model, pooling,
    /// tokenizer and dimension), so its queries can be encoded by `index`'s encoder.
    pub fn check_export_of(&self, index: &SearchIndex) -> Result<ExportRecord> {
        let Some(record) = self.record()? else {
            return Err(Error::remote(
                self.uri.to_string(),
                "no such collection: export the index first (`wordlens export --index DIR --to URI`)",
            ));
        };
        let fingerprint = index.encoder_fingerprint()?;
        if record.fingerprint != fingerprint || record.dim != index.encoder().dim() {
            return Err(Error::remote(
                self.uri.to_string(),
                format!(
                    "holds vectors of another model ({}, {} dimensions, fingerprint {}); this \
                     index's: {}, {} dimensions, fingerprint {fingerprint}: export this index \
                     with --replace, or search with the index that was exported",
                    record.model,
                    record.dim,
                    record.fingerprint,
                    index.encoder().describe(),
                    index.encoder().dim()
                ),
            ));
        }
        self.load()?;
        let (held, live) = (self.count()?, index.len());
        if held != live {
            return Err(Error::remote(
                self.uri.to_string(),
                format!(
                    "holds {held} documents, the index {live}: the export did not finish or the \
                     index changed since; run `wordlens export` again (it sends only what is missing)"
                ),
            ));
        }
        Ok(record)
    }

    /// Drops the collection (nothing happens when there is none).
    pub fn drop_collection(&self) -> Result<()> {
        if !self.exists()? {
            return Ok(());
        }
        let request = DropCollectionRequest::builder()
            .collection_name(self.name())
            .build()
            .map_err(request_error)?;
        self.call("drop collection", self.client.drop_collection(request))
            .map(|_| ())
    }

    fn create(&self, record: &ExportRecord) -> Result<()> {
        let varchar = |name: &str, max: u32| {
            FieldSchema::new()
                .name(name)
                .data_type(DataType::VarChar)
                .max_length(max)
        };
        let schema = CollectionSchema::new()
            .enable_dynamic_field(false)
            .add_field(varchar(F_ID, ID_MAX_BYTES as u32).primary_key(true))
            .add_field(varchar(F_TITLE, TEXT_MAX_BYTES as u32))
            .add_field(varchar(F_LABEL, ID_MAX_BYTES as u32))
            .add_field(
                // The analyzer nearest wordlens's tokenizer: Unicode word runs, lowercased
                // (no stemming or stop words unless the index had them: see docs/engines.md).
                varchar(F_TEXT, TEXT_MAX_BYTES as u32)
                    .enable_analyzer(true)
                    .analyzer_params(json!({"tokenizer": "standard", "filter": ["lowercase"]})),
            )
            .add_field(
                FieldSchema::new()
                    .name(F_DENSE)
                    .data_type(DataType::FloatVector)
                    .dimension(record.dim as u32),
            )
            .add_field(
                FieldSchema::new()
                    .name(F_SPARSE)
                    .data_type(DataType::SparseFloatVector),
            )
            .add_function(
                Function::new()
                    .name("text_bm25")
                    .function_type(FunctionType::Bm25)
                    .input_fields([F_TEXT])
                    .output_fields([F_SPARSE]),
            );
        let text = serde_json::to_string(record)
            .map_err(|e| Error::Internal(format!("export record does not serialise: {e}")))?;
        let request = CreateCollectionRequest::builder()
            .collection_name(self.name())
            .schema(schema)
            .properties(HashMap::from([(RECORD_KEY.to_string(), text)]))
            .index_params(vec![
                // FLAT: exact cosine, the same answers as wordlens's brute force. A cluster
                // serving millions of documents would use HNSW here (docs/engines.md).
                IndexParam::new()
                    .field_name(F_DENSE)
                    .index_type(IndexType::Flat)
                    .metric_type(MetricType::Cosine),
                IndexParam::new()
                    .field_name(F_SPARSE)
                    .index_type(IndexType::SparseInvertedIndex)
                    .metric_type(MetricType::Bm25),
            ])
            .build()
            .map_err(request_error)?;
        self.call("create collection", self.client.create_collection(request))?;
        self.load()
    }

    /// Loads the collection into the engine's memory: a restarted Milvus holds its collections
    /// released, and refuses queries on them until they are loaded again.
    pub fn load(&self) -> Result<()> {
        let request = LoadCollectionRequest::builder()
            .collection_name(self.name())
            .build()
            .map_err(request_error)?;
        self.call("load collection", self.client.load_collection(request))
            .map(|_| ())
    }

    /// Every id in the collection.
    pub fn ids(&self) -> Result<HashSet<String>> {
        let mut ids = HashSet::new();
        let mut offset = 0;
        loop {
            let request = QueryRequest::builder()
                .collection_name(self.name())
                .filter(format!("{F_ID} != \"\""))
                .output_fields([F_ID])
                .limit(PAGE)
                .offset(offset)
                .consistency_level(ConsistencyLevel::Strong)
                .build()
                .map_err(request_error)?;
            let response = self.call("list exported ids", self.client.query(request))?;
            let before = ids.len();
            let mut rows = 0;
            for row in response
                .results()
                .rows()
                .map_err(response_error(&self.uri))?
            {
                ids.insert(
                    row.get_str(F_ID)
                        .map_err(response_error(&self.uri))?
                        .to_string(),
                );
                rows += 1;
            }
            if rows < PAGE as usize || ids.len() == before {
                return Ok(ids);
            }
            offset += PAGE;
        }
    }

    /// Documents in the collection.
    pub fn count(&self) -> Result<usize> {
        let request = QueryRequest::builder()
            .collection_name(self.name())
            .output_fields(["count(*)"])
            .consistency_level(ConsistencyLevel::Strong)
            .build()
            .map_err(request_error)?;
        let response = self.call("count", self.client.query(request))?;
        let mut rows = response
            .results()
            .rows()
            .map_err(response_error(&self.uri))?;
        let row = rows
            .next()
            .ok_or_else(|| Error::remote(self.uri.to_string(), "count(*) returned no row"))?;
        let n = row.get_i64("count(*)").map_err(response_error(&self.uri))?;
        usize::try_from(n)
            .map_err(|_| Error::remote(self.uri.to_string(), format!("count(*) returned {n}")))
    }
}

/// `text` cut to at most `max` bytes at a character boundary, and whether it was cut.
fn cut_at(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

fn request_error(e: milvus::v2::error::Error) -> Error {
    Error::Internal(format!("a Milvus request wordlens built is invalid: {e}"))
}

fn response_error(uri: &EngineUri) -> impl Fn(milvus::v2::error::Error) -> Error + '_ {
    move |e| Error::remote(uri.to_string(), format!("unexpected answer: {e}"))
}

/// Maps engine ids back to the index's document numbers.
pub fn doc_numbers(index: &SearchIndex) -> HashMap<&str, u32> {
    index
        .documents()
        .iter()
        .enumerate()
        .filter(|(d, info)| index.is_alive(*d as u32) && info.starts_document())
        .map(|(d, info)| (info.id.as_str(), d as u32))
        .collect()
}

#[cfg(test)]
mod tests;
