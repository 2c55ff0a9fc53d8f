//! Why BM25 scored a document as it did: tantivy's explanation of the query on that document,
//! read back per query term (frequency, idf, field length, boost and the term's score).

use serde::Serialize;
use serde_json::Value;

use super::*;

/// One query term's share of a document's BM25 score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermScore {
    /// `text` or `title`.
    pub field: String,
    pub term: String,
    pub score: f32,
    /// Occurrences in the field, the term's idf, the field's length (as tantivy stores it:
    /// quantised to one byte) and the field's average length.
    pub freq: f32,
    pub idf: f32,
    pub dl: f32,
    pub avgdl: f32,
    /// The field's boost (the title's `search.title_boost`).
    pub boost: f32,
}

fn number(v: &Value) -> f32 {
    v.get("value").and_then(Value::as_f64).unwrap_or(0.0) as f32
}

fn description(v: &Value) -> &str {
    v.get("description").and_then(Value::as_str).unwrap_or("")
}

fn details(v: &Value) -> &[Value] {
    v.get("details")
        .and_then(Value::as_array)
        .map_or(&[], |d| d.as_slice())
}

/// The first node under `v` whose description starts with `prefix`.
fn find<'a>(v: &'a Value, prefix: &str) -> Option<&'a Value> {
    if description(v).starts_with(prefix) {
        return Some(v);
    }
    details(v).iter().find_map(|d| find(d, prefix))
}

impl SearchIndex {
    /// The BM25 score of document `doc` for `query` (as the search box runs it), term by
    /// term, highest first; empty when the document matches no term.
    pub fn explain_bm25(&self, query: &str, doc: u32) -> Result<Vec<TermScore>> {
        let Some(address) = self.addresses.get(doc as usize).copied().flatten() else {
            return Ok(Vec::new());
        };
        let parsed = self.parse(query, true);
        let searcher = self.reader.searcher();
        // tantivy answers "does not match" with an error: no terms to show.
        let Ok(explanation) = parsed.explain(&searcher, address) else {
            return Ok(Vec::new());
        };
        let tree = serde_json::to_value(&explanation)
            .map_err(|e| Error::in_file(&self.dir, format!("BM25 explanation: {e}")))?;
        let mut out = Vec::new();
        self.collect_terms(&tree, 1.0, &mut out);
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(out)
    }

    fn collect_terms(&self, v: &Value, boost: f32, out: &mut Vec<TermScore>) {
        let d = description(v);
        if let Some(rest) = d.strip_prefix("Boost x") {
            let factor: f32 = rest
                .split_whitespace()
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(1.0);
            for child in details(v) {
                self.collect_terms(child, boost * factor, out);
            }
            return;
        }
        if !d.starts_with("TermQuery") {
            for child in details(v) {
                self.collect_terms(child, boost, out);
            }
            return;
        }
        // Context: `Term=Term(field=2, type=Str, "oil")`.
        let context = v
            .get("context")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(Value::as_str)
            .unwrap_or("");
        let term = context
            .split_once(", \"")
            .map(|(_, t)| t.trim_end_matches(")").trim_end_matches('"'))
            .unwrap_or(context)
            .to_string();
        let field = if context.contains(&format!("field={},", self.fields.title.field_id())) {
            "title"
        } else {
            "text"
        };
        let constant = |name: &str| find(v, name).map_or(0.0, number);
        out.push(TermScore {
            field: field.into(),
            term,
            score: number(v) * boost,
            freq: constant("freq, occurrences"),
            idf: find(v, "idf").map_or(0.0, number),
            dl: constant("dl,"),
            avgdl: constant("avgdl,"),
            boost,
        });
    }
}
