//! model2vec-rs 0.4.0 in process, as its README times it: the model loaded once, then
//! `encode_with_args(texts, Some(512), 1024)` over every text of each CSV, best of 3.
//!
//!     static_peer MODEL_DIR NAME=FILE.csv... [--dump DIR]
//!
//! Prints `open: X ms` and one line `| NAME | seconds | texts/s |` per file; with `--dump`,
//! writes the first 500 vectors of each file to DIR/NAME.f32 (raw little-endian floats).

use std::time::Instant;

use model2vec_rs::model::StaticModel;

fn texts(path: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).expect("read the CSV");
    let headers = reader.headers().expect("a header row").clone();
    let col = headers.iter().position(|h| h == "text").expect("a text column");
    reader
        .records()
        .map(|r| r.expect("a CSV record")[col].to_string())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .map(|i| args[i + 1].clone());
    let t = Instant::now();
    let model = StaticModel::from_pretrained(&args[0], None, None, None).expect("open the model");
    println!("open: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    for spec in args[1..].iter().filter(|a| a.contains('=')) {
        let (name, file) = spec.split_once('=').expect("NAME=FILE");
        let texts = texts(file);
        let mut best = f64::INFINITY;
        let mut vectors = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            vectors = model.encode_with_args(&texts, Some(512), 1024);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("| {name} | {best:.4} | {:.0} |", texts.len() as f64 / best);
        if let Some(dir) = &dump {
            let bytes: Vec<u8> = vectors
                .iter()
                .take(500)
                .flatten()
                .flat_map(|x| x.to_le_bytes())
                .collect();
            std::fs::write(format!("{dir}/{name}.f32"), bytes).expect("write the vectors");
        }
    }
}
