//! The search query path: any string, in every mode and with a label filter, through tantivy's
//! query parser (and the lenient fallback), the tokenizer, the query vector and fusion, gives
//! hits or an error, never a panic. The index (300 BBC articles, the gensim Lee vectors) is
//! built once per process.
#![no_main]
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wordlens::search::{IndexSettings, Mode, SearchConfig, SearchIndex, SearchRequest};
use wordlens::text::{CorpusReader, CorpusSpec};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut spec = CorpusSpec::new(root.join("datasets/bbc-news.csv")).label_col("category");
        spec.title_col = Some("title".into());
        let docs: Vec<_> = CorpusReader::open(&spec)
            .unwrap()
            .take(300)
            .collect::<Result<_, _>>()
            .unwrap();
        let vectors = root.join("../shared/datasets/formats/gensim-lee-32d.w2v.bin");
        let emb = Arc::new(wordlens::embed::io::read(&vectors).unwrap().embeddings);
        let dir = tempfile::tempdir().unwrap().keep().join("index");
        let config = SearchConfig::default();
        let cancel = wordlens::Cancel::new();
        let settings = IndexSettings::default();
        SearchIndex::build(&dir, &docs, emb, &settings, &wordlens::progress::Silent, &cancel).unwrap();
        SearchIndex::open(&dir, &config).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let index = index();
    for mode in Mode::ALL {
        let _ = index.search(&SearchRequest::new(query, mode, 10));
        let _ = index.search(&SearchRequest::new(query, mode, 3).with_label(Some("sport")));
    }
});
