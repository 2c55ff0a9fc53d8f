//! The CSV/TSV and line corpus readers, strict and lenient UTF-8, with a label column.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::text::{CorpusReader, CorpusSpec};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    for name in ["c.csv", "c.tsv", "c.txt"] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        for lossy in [false, true] {
            let mut spec = CorpusSpec::new(&p).label_col("label");
            spec.lossy_utf8 = lossy;
            if let Ok(reader) = CorpusReader::open(&spec) {
                for doc in reader.take(10_000) {
                    if doc.is_err() {
                        break;
                    }
                }
            }
        }
    }
});
