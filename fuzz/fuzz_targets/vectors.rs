//! Every vector reader behind `io::read` (format sniffing, word2vec text and binary, GloVe,
//! fastText .vec and .bin, the native format with its quantised variants): any bytes give
//! vectors or an error, never a panic. Unseen-word lookups exercise the n-gram rows.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    for name in ["v.bin", "v.txt", "v.vec"] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        if let Ok(loaded) = wordlens::embed::io::read(&p) {
            let _ = loaded.embeddings.lookup("unseenword");
        }
    }
});
