//! Search engines beyond one machine: a wordlens index exported to Milvus (standalone,
//! distributed, or Milvus Lite — one gRPC API) and searched there in the same three modes, so
//! that its answers can be put beside wordlens's own on the same queries.
//!
//! `EngineUri` names a collection (`milvus://HOST:PORT/COLLECTION`); `milvus::Milvus` talks to
//! it (behind the `milvus` cargo feature, on by default).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[cfg(feature = "milvus")]
pub mod evaluate;
#[cfg(feature = "milvus")]
pub mod milvus;

/// A collection on a search engine: `milvus://HOST:PORT/COLLECTION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineUri {
    pub host: String,
    pub port: u16,
    pub collection: String,
}

impl EngineUri {
    /// Parses `milvus://HOST:PORT/COLLECTION` (the port defaults to Milvus's 19530).
    pub fn parse(text: &str) -> Result<Self> {
        let usage = |why: &str| {
            Error::Usage(format!(
                "--engine/--to {text:?}: {why}; expected milvus://HOST:PORT/COLLECTION \
                 (e.g. milvus://127.0.0.1:19530/bbc)"
            ))
        };
        let rest = text
            .strip_prefix("milvus://")
            .ok_or_else(|| usage("only milvus:// engines are supported"))?;
        let (address, collection) = rest
            .split_once('/')
            .ok_or_else(|| usage("no collection name"))?;
        let (host, port) = match address.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| usage(&format!("port {p:?} is not a number from 0 to 65535")))?,
            ),
            None => (address, 19530),
        };
        if host.is_empty() {
            return Err(usage("no host"));
        }
        // Milvus's rule for collection names: a letter or underscore, then letters, digits,
        // underscores; at most 255 characters.
        let valid = collection
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && collection
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && collection.len() <= 255;
        if !valid {
            return Err(usage(&format!(
                "collection name {collection:?} must start with a letter or _ and hold only \
                 letters, digits and _"
            )));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            collection: collection.to_string(),
        })
    }

    /// The gRPC endpoint, `http://HOST:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }
}

impl fmt::Display for EngineUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "milvus://{}:{}/{}",
            self.host, self.port, self.collection
        )
    }
}

/// What made an exported collection's vectors, kept on the collection itself (a property set
/// when it is created), so that a second export of the same index resumes or updates instead
/// of duplicating, and a search through the engine can check it encodes queries with the
/// same model. Whether the export is complete is not stored: the collection must hold exactly
/// the index's live documents (`Milvus::check_export_of`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// What made the vectors (`Encoder::describe`).
    pub model: String,
    /// `SearchIndex::encoder_fingerprint` of the exported index.
    pub fingerprint: String,
    /// Dimension of the dense vectors.
    pub dim: usize,
}

/// One answer of the engine: the document's id and the engine's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineHit {
    pub id: String,
    pub score: f64,
}

/// What `export` did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub collection: String,
    /// Documents sent in this run.
    pub written: usize,
    /// Documents already there from an earlier (possibly interrupted) export of the same index.
    pub skipped: usize,
    /// Documents in the collection now.
    pub total: usize,
    /// Texts cut to the engine's longest text field (their BM25 there sees only the start).
    pub truncated: usize,
    /// Whether the collection was created by this run.
    pub created: bool,
    pub seconds: f64,
}

/// A string literal in Milvus's filter expressions: double quotes, `\` and `"` escaped.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse_and_bad_ones_say_what_is_expected() {
        let u = EngineUri::parse("milvus://127.0.0.1:19531/bbc_news").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.collection.as_str()),
            ("127.0.0.1", 19531, "bbc_news")
        );
        assert_eq!(u.endpoint(), "http://127.0.0.1:19531");
        assert_eq!(u.to_string(), "milvus://127.0.0.1:19531/bbc_news");
        assert_eq!(EngineUri::parse("milvus://db/x").unwrap().port, 19530);
        for bad in [
            "http://h:1/x",
            "milvus://h:1",
            "milvus://h:99999/x",
            "milvus://h:1/9x",
            "milvus://h:1/a-b",
            "milvus://:1/x",
        ] {
            let e = EngineUri::parse(bad).unwrap_err().to_string();
            assert!(e.contains("milvus://HOST:PORT/COLLECTION"), "{bad}: {e}");
        }
    }

    #[test]
    fn filter_literals_escape_quotes_and_backslashes() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
