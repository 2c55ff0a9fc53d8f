//! The keys artifacts are cached under: for each artifact, every setting that shapes it
//! besides the data (the data's own hash names the folder, see `artifacts.rs`). One place, so
//! the classifier and the comparison cannot drift apart in what they depend on.

use crate::config::Config;
use crate::embed::trainer::TrainConfig;

use super::artifacts::{json, key};

/// Vectors trained with `w2v` on the collection (plus the background corpus).
pub fn trained_vectors_key(config: &Config, w2v: &TrainConfig) -> String {
    key(&[
        &json(&config.tokenizer),
        &json(w2v),
        &json(&config.data.background_corpus),
    ])
}

/// The search index over vectors keyed `vectors_key`.
pub fn index_key(config: &Config, vectors_key: &str) -> String {
    key(&[vectors_key, &json(&config.tokenizer), &json(&config.docvec)])
}

/// The settings of the bag-of-words + document-vector classifier both the "try it" model and
/// the comparison fit.
fn classifier_settings(config: &Config) -> [String; 4] {
    [
        json(&config.tokenizer),
        json(&config.bow),
        json(&config.docvec),
        json(&config.logreg),
    ]
}

/// The "try it" classifier fitted with vectors keyed `vectors_key`.
pub fn classifier_key(config: &Config, vectors_key: &str) -> String {
    let [tokenizer, bow, docvec, logreg] = classifier_settings(config);
    key(&[
        vectors_key,
        &tokenizer,
        &bow,
        &docvec,
        &logreg,
        &config.compare.dense_scale.to_string(),
        &json(&config.compare.tune),
    ])
}

/// The held-out comparison. `given_vectors`: the key of a vectors file the user chose; without
/// one, the comparison trains its own vectors on the split's training rows (plus the background
/// corpus) with `config.word2vec`, so everything that shapes those vectors is part of the key.
pub fn comparison_key(config: &Config, given_vectors: Option<&str>) -> String {
    let vectors = match given_vectors {
        Some(k) => k.to_string(),
        None => trained_vectors_key(config, &config.word2vec),
    };
    let [tokenizer, bow, docvec, logreg] = classifier_settings(config);
    key(&[
        &vectors,
        &tokenizer,
        &bow,
        &docvec,
        &logreg,
        &json(&config.compare),
        &json(&config.tui.learning_curve),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comparison_key_follows_every_setting_its_trained_vectors_depend_on() {
        let config = Config::default();
        let mut other_background = config.clone();
        other_background.data.background_corpus = vec!["other-corpus.txt".into()];
        assert_ne!(
            comparison_key(&config, None),
            comparison_key(&other_background, None),
            "the comparison retrains vectors on the background corpus"
        );
        let mut other_dim = config.clone();
        other_dim.word2vec.dim += 1;
        assert_ne!(
            comparison_key(&config, None),
            comparison_key(&other_dim, None)
        );
        // With a vectors file given, neither shapes the comparison.
        assert_eq!(
            comparison_key(&config, Some("file")),
            comparison_key(&other_background, Some("file"))
        );
        assert_ne!(
            comparison_key(&config, Some("a")),
            comparison_key(&config, Some("b"))
        );
    }

    #[test]
    fn the_classifier_key_follows_its_settings_and_its_vectors() {
        let config = Config::default();
        let mut other_c = config.clone();
        other_c.logreg.c *= 2.0;
        assert_ne!(classifier_key(&config, "v"), classifier_key(&other_c, "v"));
        assert_ne!(classifier_key(&config, "v"), classifier_key(&config, "w"));
        assert_eq!(
            classifier_key(&config, "v"),
            classifier_key(&config.clone(), "v")
        );
        let mut other_tokenizer = config.clone();
        other_tokenizer.tokenizer.lowercase = !config.tokenizer.lowercase;
        assert_ne!(index_key(&config, "v"), index_key(&other_tokenizer, "v"));
        // The index pools word vectors as [docvec] says: another method, another index.
        let mut sif = config.clone();
        sif.docvec.method = crate::docvec::DocVecMethod::Sif;
        assert_ne!(index_key(&config, "v"), index_key(&sif, "v"));
        assert_ne!(
            trained_vectors_key(&config, &config.word2vec),
            trained_vectors_key(&other_tokenizer, &config.word2vec)
        );
    }
}
