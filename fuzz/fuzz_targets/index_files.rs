//! The search index's side files: document vectors and the HNSW graph.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::search::hnsw::Hnsw;
use wordlens::search::vectors::DocVectors;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.bin");
    std::fs::write(&p, data).unwrap();
    for (n, dim) in [(0, 1), (1, 2), (3, 4)] {
        if let Ok(v) = DocVectors::read(&p, n, dim) {
            let q = vec![0.5f32; dim];
            let _ = v.top_k(&q, 3, |_| true);
        }
    }
    for n in [0, 1, 10] {
        let _ = Hnsw::read(&p, n);
    }
});
