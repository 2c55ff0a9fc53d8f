use super::*;

#[test]
fn runs_needing_a_dictionary_are_found_by_script() {
    let text = "GDP 经济增长 und 東京タワー ภาษาไทย 게임";
    let runs: Vec<DictionaryRun> = ["经", "東", "ภ"]
        .iter()
        .map(|first| run_at(text, text.find(first).unwrap()))
        .collect();
    let pieces: Vec<&str> = runs.iter().map(|r| &text[r.range.clone()]).collect();
    assert_eq!(pieces, ["经济增长", "東京タワー", "ภาษาไทย"]);
    assert_eq!(
        runs.iter()
            .map(|r| (r.has_kana, r.south_east_asian))
            .collect::<Vec<_>>(),
        [(false, false), (true, false), (false, true)]
    );
}

#[test]
fn korean_particles_split_and_long_words_become_syllable_pairs() {
    let tokens = |w: &str| -> Vec<String> {
        korean_tokens(w)
            .into_iter()
            .map(|(r, t)| {
                assert_eq!(&w[r], t);
                t.to_string()
            })
            .collect()
    };
    assert_eq!(tokens("게임을"), ["게임"]);
    assert_eq!(tokens("게임에서"), ["게임"]);
    assert_eq!(tokens("전략게임을"), ["전략", "략게", "게임"]);
    // Too short to hold a particle: kept whole.
    assert_eq!(tokens("나는"), ["나는"]);
    // Latin glued to Hangul: split at the script boundary.
    assert_eq!(tokens("API를"), ["API", "를"]);
}

#[test]
fn user_dictionary_lines_are_checked_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.dict");
    std::fs::write(&path, "\u{feff}# words\n云原生 20 n\n区块链\n\n").unwrap();
    let dict = UserDictionary::read(&path).unwrap();
    assert_eq!(dict.len(), 2);
    assert_eq!(dict.sha256.len(), 64);
    for (bad, needle) in [
        ("a 1 n extra\n", "4 fields"),
        ("a 0\n", "positive whole number"),
        ("a -3 n\n", "\"-3\""),
    ] {
        std::fs::write(&path, format!("ok 1\n{bad}")).unwrap();
        let err = UserDictionary::read(&path).unwrap_err().to_string();
        assert!(err.contains("u.dict:2") && err.contains(needle), "{err}");
    }
    std::fs::write(&path, b"ok 1\n\xff\xfe\n").unwrap();
    let err = UserDictionary::read(&path).unwrap_err().to_string();
    assert!(err.contains("byte 5") && err.contains("UTF-8"), "{err}");
}

#[test]
fn segmenters_parse_by_name() {
    for (name, s) in SEGMENTERS {
        assert_eq!(Segmenter::parse(name).unwrap(), s);
        assert_eq!(s.name(), name);
    }
    let err = Segmenter::parse("mecab").unwrap_err().to_string();
    assert!(
        err.contains("tokenizer.segmenter") && err.contains("jieba"),
        "{err}"
    );
}

#[test]
fn indexes_and_models_from_before_segmentation_keep_unicode_words() {
    #[derive(serde::Deserialize)]
    struct Saved {
        #[serde(deserialize_with = "crate::text::saved_config")]
        tokenizer: crate::text::TokenizerConfig,
    }
    let old: Saved = serde_json::from_str(
        r#"{"tokenizer": {"lowercase": true, "min_len": 1, "stop_words": [], "stem": ""}}"#,
    )
    .unwrap();
    assert_eq!(old.tokenizer.segmenter, Segmenter::Unicode);
    let new: Saved =
        serde_json::from_str(r#"{"tokenizer": {"segmenter": "auto", "stem": ""}}"#).unwrap();
    assert_eq!(new.tokenizer.segmenter, Segmenter::Auto);
}
