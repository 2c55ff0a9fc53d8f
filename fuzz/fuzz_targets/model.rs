//! Saved classifier models (`WORDLENS-MODEL 1`, JSON, embedded word2vec binary).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.wlm");
    std::fs::write(&p, data).unwrap();
    let _ = wordlens::classify::model_file::load(&p);
});
