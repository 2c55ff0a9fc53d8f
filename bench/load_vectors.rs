//! Times opening vector files and answering one neighbours query, as a user of the library
//! would: `cargo run --release --features bench-examples --example load_vectors -- FILE...` prints one JSON line per
//! file with the median of 5 opens (the first open warms the page cache and is not counted).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let path = std::path::PathBuf::from(path);
        let mut opens = Vec::new();
        let mut first = None;
        for run in 0..6 {
            let t = Instant::now();
            let loaded = wordlens::embed::io::read(&path)?;
            let secs = t.elapsed().as_secs_f64();
            if run > 0 {
                opens.push(secs);
            }
            first.get_or_insert(loaded);
        }
        let loaded = first.ok_or("no run")?;
        let emb = &loaded.embeddings;
        let t = Instant::now();
        let word = emb.words().get(1000).cloned().unwrap_or_default();
        let hits = emb.most_similar(&word, 10)?;
        let query = t.elapsed().as_secs_f64();
        opens.sort_by(f64::total_cmp);
        println!(
            "{{\"file\": {:?}, \"format\": {:?}, \"words\": {}, \"dim\": {}, \"mapped\": {}, \"open_seconds\": {:.6}, \"first_query_seconds\": {:.4}, \"neighbour\": {:?}}}",
            path.display().to_string(),
            loaded.format.name(),
            emb.len(),
            emb.dim(),
            emb.is_mapped(),
            opens[opens.len() / 2],
            query,
            hits.first().map(|h| h.0.clone()).unwrap_or_default()
        );
    }
    Ok(())
}
