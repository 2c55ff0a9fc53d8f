//! Documents as they come: JSON Lines through the corpus reader (text, title and label
//! fields), and the same bytes as HTML, Markdown, reStructuredText and Org through the markup
//! extractor.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::text::markup::{Markup, extract};
use wordlens::text::{CorpusReader, CorpusSpec};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.jsonl");
    std::fs::write(&p, data).unwrap();
    for lossy in [false, true] {
        let mut spec = CorpusSpec::new(&p).label_col("label");
        spec.title_col = Some("title".into());
        spec.lossy_utf8 = lossy;
        if let Ok(reader) = CorpusReader::open(&spec) {
            for doc in reader.take(10_000) {
                if doc.is_err() {
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    for markup in [Markup::Html, Markup::Markdown, Markup::Rst, Markup::Org, Markup::Plain] {
        let _ = extract(&text, markup);
    }
});
