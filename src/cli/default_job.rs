//! `wordlens` with no subcommand: train on the bundled corpus with a progress bar, then print
//! the intrinsic evaluation and a few neighbours. (The TUI issue will make this open the TUI.)

use wordlens::Result;
use wordlens::text::{CorpusSpec, TextSource};

use super::Context;
use super::eval_embeddings::{evaluate_bundled, render};
use super::output::print;
use super::train::{summary, train_sources};

/// The bundled training corpus: Wikipedia sample, BBC titles and bodies, tweets.
pub fn bundled_corpus(config: &wordlens::Config) -> Vec<TextSource<'static>> {
    [
        CorpusSpec::new(config.data_file("enwiki-sample.txt")),
        CorpusSpec::new(config.data_file("bbc-news.csv")).text_cols(&["title", "text"]),
        CorpusSpec::new(config.data_file("tweets-sentiment.csv")).text_cols(&["text"]),
    ]
    .into_iter()
    .map(TextSource::File)
    .collect()
}

const PROBES: [&str; 5] = ["government", "music", "football", "computer", "happy"];

pub fn run(ctx: &Context) -> Result<()> {
    let config = &ctx.config;
    print(&format!(
        "wordlens: training {:?} (dim {}, window {}, {} epochs) on the bundled corpus in {}\n",
        config.word2vec.model,
        config.word2vec.dim,
        config.word2vec.window,
        config.word2vec.epochs,
        config.data.dir.display()
    ))?;
    let trained = train_sources(ctx, config, &bundled_corpus(config))?;
    print(&summary(&trained.stats))?;
    let report = evaluate_bundled(&trained.embeddings, config)?;
    print(&format!(
        "\nintrinsic evaluation\n{}\nnearest neighbours\n",
        render(&report)
    ))?;
    for word in PROBES {
        if let Ok(hits) = trained.embeddings.most_similar(word, 6) {
            let list: Vec<String> = hits.iter().map(|(w, s)| format!("{w} ({s:.2})")).collect();
            print(&format!("  {word:<12} {}\n", list.join(", ")))?;
        }
    }
    print("\nsave vectors with: wordlens train --corpus FILE... --out vectors.bin\n")
}
