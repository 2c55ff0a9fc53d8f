//! Does the `[docvec] method` help search? Vector-only retrieval on BBC with each pooling:
//! bodies pooled as the index would pool them (fitted on the bodies), titles pooled with the
//! same fitted weights as known-item queries, and every body as a query for label precision.
//! `cargo run --release --features bench-examples --example docvec_search -- BBC.csv VECTORS...` prints one Markdown row
//! per vectors file and method: known-item MRR@10 and label precision@10 (cosine, exact).

use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::{DocVecConfig, DocVecMethod, DocVectorizer};
use wordlens::features::{Tfidf, TfidfConfig};
use wordlens::kernels::{dot, normalize};
use wordlens::text::{CorpusReader, CorpusSpec, Tokenizer, TokenizerConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bbc, vectors) = args.split_first().ok_or("usage: BBC.csv VECTORS...")?;
    let spec = CorpusSpec {
        text_cols: vec!["text".into()],
        title_col: Some("title".into()),
        label_col: Some("category".into()),
        ..CorpusSpec::new(bbc)
    };
    let docs = CorpusReader::open(&spec)?.collect::<wordlens::Result<Vec<_>>>()?;
    let tokenizer = Tokenizer::new(&TokenizerConfig::default());
    let bodies: Vec<Vec<String>> = docs.iter().map(|d| tokenizer.tokenize(&d.text)).collect();
    let titles: Vec<Vec<String>> = docs
        .iter()
        .map(|d| tokenizer.tokenize(d.title.as_deref().unwrap_or("")))
        .collect();
    let labels: Vec<&str> = docs
        .iter()
        .map(|d| d.label.as_deref().unwrap_or(""))
        .collect();
    // TF-IDF's idf as the classifier fits it, but with every term kept (queries need them all).
    let tfidf = Tfidf::fit(&bodies, &TfidfConfig::default())?;
    println!("| vectors | method | known-item MRR@10 | label P@10 |");
    println!("|---|---|---|---|");
    for path in vectors {
        let emb = Encoder::open(path.as_ref())?.words()?;
        for method in DocVecMethod::ALL {
            let config = DocVecConfig {
                method,
                normalize: true,
                ..DocVecConfig::default()
            };
            let fitted = DocVectorizer::fit(&config, &bodies, &emb, Some(&tfidf));
            let (mut body_vecs, _) = fitted.transform(&bodies, &emb);
            let (mut title_vecs, _) = fitted.transform(&titles, &emb);
            body_vecs.iter_mut().for_each(|v| normalize(v));
            title_vecs.iter_mut().for_each(|v| normalize(v));
            let mrr = mean((0..docs.len()).map(|q| {
                let ranked = top10(&title_vecs[q], &body_vecs, None);
                ranked
                    .iter()
                    .position(|&d| d == q)
                    .map_or(0.0, |r| 1.0 / (r + 1) as f64)
            }));
            let precision = mean((0..docs.len()).map(|q| {
                let ranked = top10(&body_vecs[q], &body_vecs, Some(q));
                ranked.iter().filter(|&&d| labels[d] == labels[q]).count() as f64 / 10.0
            }));
            println!("| {path} | {} | {mrr:.3} | {precision:.3} |", method.name());
        }
    }
    Ok(())
}

/// The ten documents nearest `query` by cosine (ties by document order), `skip` left out.
fn top10(query: &[f32], docs: &[Vec<f32>], skip: Option<usize>) -> Vec<usize> {
    let mut scored: Vec<(f32, usize)> = docs
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(i, d)| (dot(query, d), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(10).map(|(_, i)| i).collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n.max(1) as f64
}
