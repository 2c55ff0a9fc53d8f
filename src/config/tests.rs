//! Unit tests of `config`.

use super::*;

#[test]
fn the_shipped_config_toml_equals_the_built_in_defaults() {
    let text = include_str!("../../config.toml");
    let mut config = Config::from_toml(text).expect("config.toml parses");
    config.data.dir = DataConfig::default().dir;
    assert_eq!(config, Config::default());
}

#[test]
fn unknown_key_is_an_error_naming_it() {
    let err = Config::from_toml("[word2vec]\ndimm = 5\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("dimm"), "{err}");
}

#[test]
fn bad_value_is_an_error_naming_the_key() {
    let err = Config::from_toml("[word2vec]\ndim = \"big\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("dim"), "{err}");
    let err = Config::from_toml("[word2vec]\nwindow = 0\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("word2vec.window"), "{err}");
    let err = Config::from_toml("[word2vec]\nmodel = \"glove2\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("model") || err.contains("glove2"), "{err}");
}

#[test]
fn old_key_names_are_read_with_a_warning_and_refused_beside_the_new_ones() {
    let c = Config::from_toml(
        "[word2vec]\nalpha = 0.05\nmin_alpha = 0.001\n[glove]\nalpha = 0.5\n[search]\nalpha = 0.4\n",
    )
    .unwrap();
    assert_eq!(c.word2vec.learning_rate, 0.05);
    assert_eq!(c.word2vec.min_learning_rate, 0.001);
    assert_eq!(c.glove.weighting_exponent, 0.5);
    assert_eq!(c.search.vector_weight, 0.4);
    assert_eq!(c.deprecations.len(), 4);
    assert!(c.deprecations[3].contains("search.alpha is now search.vector_weight"));
    let err = Config::from_toml("[search]\nalpha = 0.4\nvector_weight = 0.3\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("search.alpha") && err.contains("keep one"),
        "{err}"
    );
    // An old name's bad value is named by both names: the one in the file and the new one.
    let err = Config::from_toml("[search]\nalpha = 7\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("search.alpha (now search.vector_weight)"),
        "{err}"
    );
    let err = Config::from_toml("[word2vec]\nalpha = -1.0\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("word2vec.alpha (now word2vec.learning_rate)"),
        "{err}"
    );
    // A bad value under the new name names only the new name.
    let err = Config::from_toml("[search]\nvector_weight = 7\n")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("alpha"), "{err}");
}

#[test]
fn every_section_refuses_values_that_would_do_nothing_or_harm_naming_the_key() {
    for (text, key) in [
        ("[data]\ntext_cols = []\n", "data.text_cols"),
        ("[output]\npq_dsub = 0\n", "output.pq_dsub"),
        ("[eval]\nneighbors = 0\n", "eval.neighbors"),
        ("[docvec]\nsif_a = 0.0\n", "docvec.sif_a"),
        ("[logreg]\nmax_iter = 0\n", "logreg.max_iter"),
        ("[logreg]\ntol = -1.0\n", "logreg.tol"),
        ("[logreg]\nlbfgs_memory = 0\n", "logreg.lbfgs_memory"),
        ("[compare]\nbootstrap = 5\n", "compare.bootstrap"),
        ("[compare]\ndense_scale = -0.1\n", "compare.dense_scale"),
        ("[tui]\nresults = 0\n", "tui.results"),
        ("[tui]\nlearning_curve = [0.5, 1.5]\n", "tui.learning_curve"),
    ] {
        let err = Config::from_toml(text).unwrap_err().to_string();
        assert!(err.contains(key), "{text}: {err}");
    }
}

#[test]
fn partial_file_keeps_other_defaults() {
    let c = Config::from_toml("[word2vec]\ndim = 50\n").unwrap();
    assert_eq!(c.word2vec.dim, 50);
    assert_eq!(c.word2vec.window, TrainConfig::default().window);
}
