//! Asking an exported collection: BM25 through the engine's analyser, exact cosine over the
//! exported vectors, and the engine's hybrid search with its weighted or RRF ranker.

use milvus::v2::prelude::*;
use serde_json::json;

use super::{F_DENSE, F_ID, F_LABEL, F_SPARSE, Milvus, request_error};
use crate::engine::{EngineHit, quoted};
use crate::error::{Error, Result};
use crate::search::{Fusion, FusionSetting, Mode, SearchIndex, SearchRequest as Request};

/// One request as the engine is asked it: the text (BM25 through Milvus's analyzer), the
/// query's unit vector from the index's own encoder, the fusion and the filters.
struct EngineQuery<'a> {
    mode: Mode,
    text: &'a str,
    /// None: no token of the query has a vector (vector mode then finds nothing).
    vector: Option<Vec<f32>>,
    /// Hybrid: convex → Milvus's weighted ranker (BM25 1 − w, vector w); rrf → its RRF ranker.
    fusion: FusionSetting,
    k: usize,
    /// Candidates each list gives hybrid fusion.
    candidates: usize,
    /// Leave this document id out (document-as-query evaluation).
    exclude: Option<&'a str>,
    label: Option<&'a str>,
}

impl<'a> EngineQuery<'a> {
    /// `request` encoded by `index`: a request that leaves a document out asks with that
    /// document's stored vector (document as query), any other with the text's vector.
    fn of(index: &'a SearchIndex, request: &'a Request) -> Self {
        let exclude = request.exclude;
        let vector = match exclude {
            Some(d) => index.document_vector(d),
            None => index.query_vector(&request.text, &index.tokenizer().tokenize(&request.text)),
        };
        Self {
            mode: request.mode,
            text: &request.text,
            vector,
            fusion: index.fusion_with(&request.overrides),
            k: request.k,
            candidates: index.config.candidates.max(request.k),
            exclude: exclude
                .and_then(|d| index.documents().get(d as usize))
                .map(|info| info.id.as_str()),
            label: request.label.as_deref(),
        }
    }
}

impl Milvus {
    /// The engine's answer to `request`, best first, the query encoded by `index`'s own
    /// encoder and hybrid fused by the engine's ranker with the index's fusion setting.
    pub fn search(&self, index: &SearchIndex, request: &Request) -> Result<Vec<EngineHit>> {
        let q = EngineQuery::of(index, request);
        let mut filters = Vec::new();
        if let Some(id) = q.exclude {
            filters.push(format!("{F_ID} != {}", quoted(id)));
        }
        if let Some(label) = q.label {
            filters.push(format!("{F_LABEL} == {}", quoted(label)));
        }
        let filter = filters.join(" and ");
        let take = q.k + q.exclude.is_some() as usize;
        let bm25 = (!q.text.trim().is_empty()).then(|| {
            (
                F_SPARSE,
                SearchVectors::EmbeddedText(vec![q.text.to_string()]),
            )
        });
        let dense = q
            .vector
            .as_ref()
            .map(|v| (F_DENSE, SearchVectors::Float(vec![v.clone()])));
        let response = match (q.mode, bm25, dense) {
            (Mode::Bm25, Some(list), _) | (Mode::Vector, _, Some(list)) => {
                self.single(list, &filter, take)?
            }
            (Mode::Hybrid, Some(b), Some(v)) => self.hybrid(b, v, &filter, take, &q)?,
            (Mode::Hybrid, Some(list), None) | (Mode::Hybrid, None, Some(list)) => {
                self.single(list, &filter, take)?
            }
            _ => return Ok(Vec::new()),
        };
        let mut hits = Vec::new();
        for result in response.results() {
            let Ids::VarChar(ids) = result.get_ids() else {
                return Err(Error::remote(
                    self.uri.to_string(),
                    "the collection's ids are not strings: not a wordlens export",
                ));
            };
            for (id, &score) in ids.iter().zip(result.get_scores()) {
                if Some(id.as_str()) != q.exclude {
                    hits.push(EngineHit {
                        id: id.clone(),
                        score: score as f64,
                    });
                }
            }
        }
        hits.truncate(q.k);
        Ok(hits)
    }

    fn single(
        &self,
        (field, vectors): (&str, SearchVectors),
        filter: &str,
        take: usize,
    ) -> Result<SearchResponse> {
        let request = SearchRequest::builder()
            .collection_name(self.name())
            .vector_field(field)
            .vectors(vectors)
            .filter(filter)
            .limit(take as i64)
            .output_fields([F_ID])
            .consistency_level(ConsistencyLevel::Strong)
            .build()
            .map_err(request_error)?;
        self.call("search", self.client.search(request))
    }

    fn hybrid(
        &self,
        bm25: (&str, SearchVectors),
        dense: (&str, SearchVectors),
        filter: &str,
        take: usize,
        q: &EngineQuery,
    ) -> Result<SearchResponse> {
        let sub = |(field, vectors): (&str, SearchVectors)| {
            SubSearchRequest::builder()
                .vector_field(field)
                .vectors(vectors)
                .filter(filter)
                .limit(q.candidates.max(take) as i64)
                .build()
                .map_err(request_error)
        };
        let builder = HybridSearchRequest::builder()
            .collection_name(self.name())
            .sub_requests(vec![sub(bm25)?, sub(dense)?])
            .output_fields([F_ID])
            .limit(take as i64)
            .consistency_level(ConsistencyLevel::Strong);
        let w = q.fusion.vector_weight;
        let builder = match q.fusion.fusion {
            Fusion::Convex => builder.rerank(WeightedRerank::new().function(weighted(1.0 - w, w))),
            Fusion::Rrf => builder.rerank(RRFRerank::new().k(q.fusion.rrf_k.round() as i64)),
        };
        let request = builder.build().map_err(request_error)?;
        self.call("hybrid search", self.client.hybrid_search(request))
    }
}

/// Milvus's weighted ranker with its scores normalised first (`norm_score`, pymilvus's
/// default: BM25 → 2·atan(score)/π, cosine → (1 + cos)/2); the SDK's builder leaves it off.
fn weighted(bm25: f64, vector: f64) -> Function {
    let weights = json!([bm25, vector]);
    Function::new()
        .function_type(FunctionType::Rerank)
        .param("reranker", "weighted")
        .param("strategy", "weighted")
        .param("weights", weights.to_string())
        .param("norm_score", "true")
        .param(
            "params",
            json!({"weights": weights, "norm_score": true}).to_string(),
        )
}
