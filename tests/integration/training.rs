//! word2vec trained on the bundled corpus: quality floors measured on this data, determinism,
//! progress, cancellation, and the spill-to-disk path.

use std::sync::Mutex;
use std::sync::OnceLock;

use wordlens::embed::eval::{evaluate_analogies, evaluate_pairs};
use wordlens::embed::trainer::{Model, TrainConfig, Trained, Update};
use wordlens::embed::word2vec::train;
use wordlens::embed::{AnalogyMethod, Embeddings};
use wordlens::progress::{Cancel, Progress, Report, Silent};
use wordlens::text::{CorpusSpec, TextSource, Tokenizer};

use crate::bundled;

fn bundled_corpus() -> Vec<TextSource<'static>> {
    [
        CorpusSpec::new(bundled("enwiki-sample.txt")),
        CorpusSpec::new(bundled("bbc-news.csv")).text_cols(&["title", "text"]),
        CorpusSpec::new(bundled("tweets-sentiment.csv")),
    ]
    .into_iter()
    .map(TextSource::File)
    .collect()
}

/// The benchmark's settings (gensim's defaults; the window minibatches), trained once and
/// shared by the tests.
fn skipgram() -> &'static Trained {
    static MODEL: OnceLock<Trained> = OnceLock::new();
    MODEL.get_or_init(|| bundled_skipgram(Update::Windows))
}

fn bundled_skipgram(update: Update) -> Trained {
    let cfg = TrainConfig {
        threads: 2,
        update,
        ..TrainConfig::default()
    };
    train(
        &bundled_corpus(),
        &Tokenizer::default(),
        &cfg,
        &Silent,
        &Cancel::new(),
    )
    .unwrap()
}

#[test]
fn skipgram_reaches_gensim_quality_on_the_bundled_corpus() {
    let t = skipgram();
    // Same corpus as ../shared/peers/word2vec.py (2,002,098 tokens there; our tokenizer
    // differs in a handful of Unicode corner cases), 20,252 words in gensim's vocabulary.
    assert!(
        (2_000_000..2_005_000).contains(&t.stats.tokens),
        "{}",
        t.stats.tokens
    );
    assert!(
        (20_200..20_300).contains(&t.stats.vocab_size),
        "{}",
        t.stats.vocab_size
    );
    let e = &t.embeddings;
    // gensim: WS353 0.330, SimLex 0.210, analogies 5.3 %; ours measured 0.33-0.35, 0.21-0.23,
    // 4.7-5.2 %. Floors leave room for thread-order noise.
    let ws = evaluate_pairs(e, &bundled("wordsim353.tsv")).unwrap();
    assert!(ws.spearman > 0.29, "WordSim-353 {}", ws.spearman);
    assert!((ws.oov_ratio - 0.147).abs() < 0.01, "oov {}", ws.oov_ratio);
    let sl = evaluate_pairs(e, &bundled("simlex999.txt")).unwrap();
    assert!(sl.spearman > 0.17, "SimLex {}", sl.spearman);
    let an = evaluate_analogies(
        e,
        &bundled("questions-words.txt"),
        30_000,
        AnalogyMethod::CosAdd,
    )
    .unwrap();
    assert_eq!(an.total, 8692, "usable questions (gensim: 8,692)");
    assert!(an.accuracy > 0.035, "analogies {}", an.accuracy);
}

#[test]
fn pair_steps_and_window_minibatches_reach_the_same_quality() {
    // The window minibatch shares one draw of noise words across a window and updates from the
    // rows as they were read; measured level with (WordSim-353 above) the pair steps and
    // gensim in bench/README.md. A wrong sign, a transposed product or a lost update in the
    // minibatch path drops it far below the pair steps.
    let windows = &skipgram().embeddings;
    let pairs = bundled_skipgram(Update::Pairs);
    assert_eq!(pairs.stats.settings.update, Some("pairs"));
    assert_eq!(skipgram().stats.settings.update, Some("windows"));
    let ws = |e: &Embeddings| {
        evaluate_pairs(e, &bundled("wordsim353.tsv"))
            .unwrap()
            .spearman
    };
    let sl = |e: &Embeddings| {
        evaluate_pairs(e, &bundled("simlex999.txt"))
            .unwrap()
            .spearman
    };
    let (ws_pairs, ws_windows) = (ws(&pairs.embeddings), ws(windows));
    let (sl_pairs, sl_windows) = (sl(&pairs.embeddings), sl(windows));
    assert!(ws_pairs > 0.29, "pairs: WordSim-353 {ws_pairs}");
    assert!(sl_pairs > 0.17, "pairs: SimLex {sl_pairs}");
    assert!(
        ws_windows > ws_pairs - 0.03 && sl_windows > sl_pairs - 0.03,
        "windows WS353 {ws_windows} SimLex {sl_windows}, pairs {ws_pairs} {sl_pairs}"
    );
}

#[test]
fn neighbours_of_clear_words_make_sense() {
    let e = &skipgram().embeddings;
    let near = |w: &str| -> Vec<String> {
        e.most_similar(w, 10)
            .unwrap()
            .into_iter()
            .map(|x| x.0)
            .collect()
    };
    let computer = near("computer");
    assert!(
        ["software", "pc", "computers", "desktop"]
            .iter()
            .any(|w| computer.contains(&w.to_string())),
        "{computer:?}"
    );
    let happy = near("happy");
    assert!(
        ["glad", "pleased", "delighted"]
            .iter()
            .any(|w| happy.contains(&w.to_string())),
        "{happy:?}"
    );
    // Related pairs score above unrelated ones.
    assert!(e.similarity("music", "songs").unwrap() > e.similarity("music", "tax").unwrap());
    assert!(
        e.similarity("election", "vote").unwrap() > e.similarity("election", "guitar").unwrap()
    );
}

fn small(cfg: TrainConfig) -> TrainConfig {
    TrainConfig {
        dim: 24,
        epochs: 1,
        threads: 1,
        ..cfg
    }
}

fn wiki_train(cfg: &TrainConfig) -> Embeddings {
    let specs = [TextSource::File(CorpusSpec::new(bundled(
        "enwiki-sample.txt",
    )))];
    train(&specs, &Tokenizer::default(), cfg, &Silent, &Cancel::new())
        .unwrap()
        .embeddings
}

#[test]
fn one_thread_and_a_seed_give_the_same_vectors() {
    for update in [Update::Windows, Update::Pairs] {
        let cfg = small(TrainConfig {
            update,
            ..TrainConfig::default()
        });
        let a = wiki_train(&cfg);
        let b = wiki_train(&cfg);
        assert_eq!(a.matrix(), b.matrix(), "{update:?}");
        let c = wiki_train(&TrainConfig { seed: 2, ..cfg });
        assert_ne!(a.matrix(), c.matrix(), "{update:?}");
    }
}

#[test]
fn spilling_the_token_stream_to_disk_changes_nothing() {
    let cfg = small(TrainConfig::default());
    let in_memory = wiki_train(&cfg);
    let spilled = wiki_train(&TrainConfig {
        memory_budget_mb: 0,
        ..cfg
    });
    assert_eq!(in_memory.matrix(), spilled.matrix());
}

/// The losses reported while training, and (done, total) of the reports while reading.
#[derive(Default)]
struct LossLog(Mutex<Vec<f64>>, Mutex<Vec<(u64, u64)>>);

impl Progress for LossLog {
    fn report(&self, r: &Report<'_>) {
        if r.stage == "reading corpus" {
            self.1.lock().unwrap().push((r.done, r.total));
        }
        if let Some((_, loss)) = r.metrics.iter().find(|(k, _)| *k == "loss")
            && loss.is_finite()
        {
            self.0.lock().unwrap().push(*loss);
        }
    }
}

#[test]
fn cbow_trains_and_its_loss_goes_down() {
    let cfg = TrainConfig {
        model: Model::Cbow,
        threads: 2,
        ..TrainConfig::default()
    };
    let log = LossLog::default();
    let t = train(
        &bundled_corpus(),
        &Tokenizer::default(),
        &cfg,
        &log,
        &Cancel::new(),
    )
    .unwrap();
    let losses = log.0.lock().unwrap().clone();
    assert!(losses.len() >= 3, "too few reports: {losses:?}");
    // Reading reports bytes of all three files, forward only, never past their total.
    let reading = log.1.lock().unwrap().clone();
    let total: u64 = ["enwiki-sample.txt", "bbc-news.csv", "tweets-sentiment.csv"]
        .iter()
        .map(|f| std::fs::metadata(bundled(f)).unwrap().len())
        .sum();
    assert!(!reading.is_empty());
    assert!(
        reading.iter().all(|&(d, t)| t == total && d > 0 && d <= t),
        "{reading:?}"
    );
    assert!(reading.windows(2).all(|w| w[0].0 <= w[1].0), "{reading:?}");
    assert!(
        t.stats.final_loss < losses[0],
        "{losses:?} final {}",
        t.stats.final_loss
    );
    // gensim CBOW on this corpus: WS353 0.213; ours measured 0.19-0.20.
    let ws = evaluate_pairs(&t.embeddings, &bundled("wordsim353.tsv")).unwrap();
    assert!(ws.spearman > 0.15, "CBOW WordSim-353 {}", ws.spearman);
}

/// Cancels the job at its first training report.
struct CancelOnTraining(Cancel);

impl Progress for CancelOnTraining {
    fn report(&self, r: &Report<'_>) {
        if r.stage == "training" {
            self.0.cancel();
        }
    }
}

#[test]
fn cancelling_stops_training_with_cancelled() {
    let cancel = Cancel::new();
    let cfg = TrainConfig {
        epochs: 50,
        ..TrainConfig::default()
    };
    let specs = [TextSource::File(CorpusSpec::new(bundled(
        "enwiki-sample.txt",
    )))];
    let started = std::time::Instant::now();
    let r = train(
        &specs,
        &Tokenizer::default(),
        &cfg,
        &CancelOnTraining(cancel.clone()),
        &cancel,
    );
    assert!(matches!(r, Err(wordlens::Error::Cancelled)));
    // 50 epochs take minutes; cancelling must not wait for them.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn min_count_above_every_word_is_a_clear_error() {
    let cfg = small(TrainConfig {
        min_count: 10_000_000,
        ..TrainConfig::default()
    });
    let specs = [TextSource::File(CorpusSpec::new(bundled(
        "enwiki-sample.txt",
    )))];
    let err = train(&specs, &Tokenizer::default(), &cfg, &Silent, &Cancel::new())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("min_count"), "{err}");
}
