//! Building an index in a temporary folder renamed into place, so a crash leaves the old
//! index usable.

use super::*;

impl SearchIndex {
    /// Builds an index of `docs` in `dir` (replacing any index there) with `encoder`'s vectors.
    pub fn build(
        dir: &Path,
        docs: &[Document],
        encoder: impl Into<Encoder>,
        settings: &IndexSettings,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<usize> {
        let mut source = DocumentList::new(docs);
        Self::build_from(dir, &mut source, encoder, settings, progress, cancel)
    }

    // Over 80 lines: one transaction: temporary folder, streamed ingest, fitted pooling, metadata,
    // rename; each step needs the previous one's values.
    /// Builds an index of the documents `source` gives, read as they come (a corpus larger than
    /// memory streams through), in `dir`, replacing any index there. Returns how many.
    pub fn build_from(
        dir: &Path,
        source: &mut dyn DocumentSource,
        encoder: impl Into<Encoder>,
        settings: &IndexSettings,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<usize> {
        let config = &settings.search;
        let encoder: Encoder = encoder.into();
        let parent = crate::fsutil::parent_of(dir);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".wordlens-index-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        let mut source = Prefetched::new(source, LANGUAGE_DOCS, LANGUAGE_BYTES)?;
        let language = LanguageProfile::of(source.buffered().iter().map(|d| d.text.as_str()));
        let tokenizer_config = &settings.for_language(&language);
        let tokenizer = Tokenizer::new(tokenizer_config)?;
        let (schema, f) = schema();
        let tantivy_dir = tmp.path().join("tantivy");
        std::fs::create_dir_all(&tantivy_dir).map_err(|e| Error::io(&tantivy_dir, e))?;
        let index = Index::create_in_dir(&tantivy_dir, schema).map_err(tantivy_error(dir))?;
        index
            .tokenizers()
            .register(analyzer::NAME, Analyzer(tokenizer.clone()));
        let mut writer: IndexWriter = index
            .writer(config.writer_memory_mb << 20)
            .map_err(tantivy_error(dir))?;
        // The mean needs no fitting: vectors are computed as documents arrive. tfidf and SIF
        // weigh words by their frequency in the collection, fitted on its first documents.
        // Only a pooling that is fitted reads ahead: the mean keeps the build streaming.
        let fitted = settings.docvec.method != DocVecMethod::Mean && !encoder.reads_text();
        let (ahead_docs, ahead_bytes) = if fitted {
            (FIT_DOCS, FIT_BYTES)
        } else {
            (0, 0)
        };
        source.read_ahead(ahead_docs, ahead_bytes)?;
        let docvec = pooling(&settings.docvec, &encoder, source.buffered(), &tokenizer)?;
        let vectors_path = tmp.path().join("vectors.bin");
        let mut vectors_file = DocVectorWriter::create(&vectors_path, encoder.dim())?;
        let to = Destination {
            writer: &mut writer,
            fields: &f,
            vectors: &mut vectors_file,
            dir,
        };
        let how = Vectorizing {
            tokenizer: &tokenizer,
            docvec: &docvec,
            encoder: &encoder,
            passages: &settings.passages,
        };
        let documents = ingest(to, how, &mut source, 0, progress, cancel)?;
        writer.wait_merging_threads().map_err(tantivy_error(dir))?;
        let count = documents.len();
        if count == 0 {
            return Err(match source.path() {
                Some(p) => Error::in_file(
                    p,
                    "no documents to index: expected at least one data row or non-empty line",
                ),
                None => Error::Usage("no documents to index".into()),
            });
        }
        vectors_file.finish()?;
        // Mapped: the graph below reads the vectors from the page cache, not the heap.
        let vectors = DocVectors::read(&vectors_path, count, encoder.dim())?;
        let ann_docs = if config.ann.min_docs > 0 && count >= config.ann.min_docs {
            let graph = Hnsw::build(
                vectors.data(),
                vectors.dim,
                count,
                &config.ann,
                1,
                progress,
                cancel,
            )?;
            graph.write(&tmp.path().join("ann.bin"))?;
            Some(count)
        } else {
            None
        };
        drop(vectors);
        let whole = documents.iter().filter(|d| d.starts_document()).count();
        let kind = encoder.save(tmp.path())?;
        let meta = Meta {
            version: META_VERSION,
            tokenizer: tokenizer_config.pinned()?,
            docvec,
            documents,
            ann_docs,
            encoder: kind,
            tuned: None,
            calibrated: None,
            language: language.language.to_string(),
            passages: settings.passages,
        };
        write_meta(&tmp.path().join("meta.json"), &meta)?;
        // Swap the new folder in; the old one (if any) is removed only after the rename.
        let old = parent.join(format!(".wordlens-old-{}", std::process::id()));
        let had_old = dir.exists();
        if had_old {
            std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        }
        let built = tmp.keep();
        if let Err(e) = std::fs::rename(&built, dir) {
            if had_old {
                let _ = std::fs::rename(&old, dir);
            }
            return Err(Error::io(dir, e));
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(whole)
    }
}

/// Documents a tfidf or SIF pooling is fitted on at most: the first of the collection (all of
/// most collections; a sample of a larger one, whose frequent words it sees all the same).
/// Documents read ahead to tell the collection's language (its default stemmer).
const LANGUAGE_DOCS: usize = 500;
const LANGUAGE_BYTES: usize = 4 << 20;
const FIT_DOCS: usize = 20_000;
const FIT_BYTES: usize = 64 << 20;

/// The index's pooling of word vectors: `[docvec] method` fitted on `sample` (idf, or SIF's
/// word weights and common component), always unit length. A static model pools its own tokens.
fn pooling(
    config: &DocVecConfig,
    encoder: &Encoder,
    sample: &[Document],
    tokenizer: &Tokenizer,
) -> Result<DocVectorizer> {
    let config = DocVecConfig {
        normalize: true,
        ..config.clone()
    };
    if config.method == DocVecMethod::Mean || encoder.reads_text() || sample.is_empty() {
        return Ok(DocVectorizer::unfitted(&DocVecConfig {
            method: DocVecMethod::Mean,
            ..config
        }));
    }
    let tokens: Vec<Vec<String>> = sample.iter().map(|d| tokenizer.tokenize(&d.text)).collect();
    let tfidf = match config.method {
        DocVecMethod::Tfidf => Some(Tfidf::fit(&tokens, &TfidfConfig::default())?),
        _ => None,
    };
    let words = encoder.words()?;
    Ok(DocVectorizer::fit(&config, &tokens, &words, tfidf.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::Embeddings;
    use crate::progress::Silent;
    use crate::text::{CorpusReader, CorpusSpec};
    use std::sync::Arc;

    /// A small index of real BBC articles with word vectors for a handful of their words.
    fn small_index(dir: &Path) {
        let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/bbc-news.csv");
        let mut spec = CorpusSpec::new(csv).label_col("category");
        spec.id_col = Some("id".into());
        let docs: Vec<Document> = CorpusReader::open(&spec)
            .unwrap()
            .take(40)
            .collect::<Result<_>>()
            .unwrap();
        let words: Vec<String> = ["the", "oil", "market", "film", "game"]
            .map(String::from)
            .to_vec();
        let matrix = (0..words.len() * 4).map(|i| (i % 7) as f32 - 3.0).collect();
        let emb = Embeddings::new(words, matrix, 4).unwrap();
        SearchIndex::build(
            dir,
            &docs,
            Arc::new(emb),
            &IndexSettings::default(),
            &Silent,
            &Cancel::new(),
        )
        .unwrap();
    }

    #[test]
    fn a_second_writer_gets_a_clear_lock_error_and_the_index_stays_usable() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ix");
        small_index(&dir);
        let holder = SearchIndex::open(&dir, &SearchConfig::default()).unwrap();
        let writer: IndexWriter = holder.index.writer(15 << 20).unwrap();
        let mut other = SearchIndex::open(&dir, &SearchConfig::default()).unwrap();
        let first = vec![other.documents()[0].id.clone()];
        let err = other.delete(&first).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err:?}");
        assert!(
            err.to_string().contains("locked by another writer"),
            "{err}"
        );
        assert!(err.to_string().contains(&dir.display().to_string()));
        drop(writer);
        // Once the writer is gone the delete goes through, and the index still opens.
        assert_eq!(other.delete(&first).unwrap(), 1);
        let reopened = SearchIndex::open(&dir, &SearchConfig::default()).unwrap();
        assert_eq!(reopened.len(), 39);
    }
}
