//! Unit tests of `train_config`.

use super::*;

#[test]
fn each_model_family_trains_with_its_own_tools_defaults() {
    let word2vec = TrainConfig::default();
    assert_eq!(
        (word2vec.model_learning_rate(), word2vec.sampling()),
        (0.025, 1e-3)
    );
    for model in [Model::FasttextSkipgram, Model::FasttextCbow] {
        let fasttext = TrainConfig {
            model,
            ..TrainConfig::default()
        };
        assert_eq!(
            (fasttext.model_learning_rate(), fasttext.sampling()),
            (0.05, 1e-4)
        );
        let s = fasttext.effective();
        assert_eq!((s.learning_rate, s.sample), (Some(0.05), Some(1e-4)));
        assert_eq!(s.ngrams, Some((3, 6, 2_000_000)));
    }
    // Setting the rate (what --learning-rate and --sample do) changes the chosen model's only.
    let mut c = TrainConfig {
        model: Model::FasttextSkipgram,
        ..TrainConfig::default()
    };
    c.set_learning_rate(0.1);
    c.set_sampling(1e-5);
    assert_eq!((c.fasttext_learning_rate, c.fasttext_sample), (0.1, 1e-5));
    assert_eq!((c.learning_rate, c.sample), (0.025, 1e-3));
    c.model = Model::Skipgram;
    assert_eq!(c.model_learning_rate(), 0.025);
    assert!(c.effective().ngrams.is_none());
}

#[test]
fn bad_rates_name_their_key() {
    let c = TrainConfig {
        fasttext_learning_rate: 1.5,
        ..TrainConfig::default()
    };
    assert!(
        c.validate()
            .unwrap_err()
            .to_string()
            .contains("fasttext_learning_rate")
    );
    let c = TrainConfig {
        model: Model::FasttextCbow,
        fasttext_learning_rate: 0.00001,
        ..TrainConfig::default()
    };
    assert!(
        c.validate()
            .unwrap_err()
            .to_string()
            .contains("min_learning_rate")
    );
}

#[test]
fn settings_describe_what_the_run_used() {
    let c = TrainConfig {
        model: Model::FasttextSkipgram,
        threads: 2,
        ..TrainConfig::default()
    };
    assert_eq!(
        c.effective().describe(),
        "fasttext-skipgram · dim 100 · window 5 · epochs 5 · min_count 5 · negative 5 · \
         lr 0.05→0.0001 · sample 0.0001 · n-grams 3–6 in 2000000 buckets · order thread-offsets · lr_decay block · \
         noise_redraw false · 2 threads"
    );
}
