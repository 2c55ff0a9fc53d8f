//! Judgment and split files: TREC topics (`qid<TAB>query`) and qrels (`qid 0 docid rel`) as a
//! judgments folder, and a split file (`row,split`). The same bytes go to each.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::search::judgments::{Judgments, QRELS, TOPICS};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(TOPICS), data).unwrap();
    std::fs::write(dir.path().join(QRELS), data).unwrap();
    if let Ok(mut j) = Judgments::load(dir.path()) {
        let _ = j.judged_queries();
        let _ = j.toggle("oil prices", "doc-1", true);
    }
    let split = dir.path().join("split.csv");
    std::fs::write(&split, data).unwrap();
    for rows in [0, 3, 1000] {
        if let Ok(s) = wordlens::dataset::from_file(&split, rows) {
            assert!(s.train.iter().chain(&s.test).all(|&r| r < rows));
        }
    }
});
