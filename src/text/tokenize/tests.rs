use super::*;

fn toks(text: &str) -> Vec<String> {
    Tokenizer::default().tokenize(text)
}

#[test]
fn optional_stemming_joins_word_forms() {
    let config = TokenizerConfig {
        stem: "english".into(),
        ..TokenizerConfig::default()
    };
    assert_eq!(
        Tokenizer::new(&config)
            .unwrap()
            .tokenize("Oil prices rising; the price rose"),
        ["oil", "price", "rise", "the", "price", "rose"]
    );
    let bad = TokenizerConfig {
        stem: "klingon".into(),
        ..TokenizerConfig::default()
    };
    let err = bad.validate().unwrap_err().to_string();
    assert!(
        err.contains("tokenizer.stem") && err.contains("english"),
        "{err}"
    );
}

#[test]
fn english_lowercases_and_keeps_inner_apostrophes() {
    assert_eq!(
        toks("Don't PANIC: it's the U.S. economy, 3,000 jobs!"),
        [
            "don't", "panic", "it's", "the", "u", "s", "economy", "3", "000", "jobs"
        ]
    );
}

#[test]
fn edge_apostrophes_and_typographic_apostrophe() {
    assert_eq!(
        toks("'quoted' rock’n’roll players'"),
        ["quoted", "rock'n'roll", "players"]
    );
}

#[test]
fn accented_words_stay_whole() {
    assert_eq!(
        toks("Café Müller naïve São Paulo"),
        ["café", "müller", "naïve", "são", "paulo"]
    );
}

#[test]
fn non_latin_scripts() {
    assert_eq!(
        toks("Москва — столица России"),
        ["москва", "столица", "россии"]
    );
    assert_eq!(toks("Αθήνα και Σπάρτη"), ["αθήνα", "και", "σπάρτη"]);
    // Japanese goes through a dictionary; under UAX #29 alone ideographs are one token each.
    assert_eq!(toks("東京タワー"), ["東京", "タワー"]);
    let unicode = Tokenizer::new(&TokenizerConfig {
        segmenter: Segmenter::Unicode,
        ..TokenizerConfig::default()
    })
    .unwrap();
    assert_eq!(unicode.tokenize("東京タワー"), ["東", "京", "タワー"]);
    // Devanagari vowel signs (combining marks) stay inside the word.
    assert_eq!(toks("हिन्दी भाषा"), ["हिन्दी", "भाषा"]);
}

#[test]
fn underscores_hyphens_and_symbols_split() {
    assert_eq!(
        toks("snake_case well-known #tag @user 50%"),
        ["snake", "case", "well", "known", "tag", "user", "50"]
    );
}

#[test]
fn min_len_and_stop_words() {
    let t = Tokenizer::new(&TokenizerConfig {
        lowercase: true,
        min_len: 3,
        stop_words: vec!["The".into(), "and".into()],
        ..TokenizerConfig::default()
    })
    .unwrap();
    assert_eq!(t.tokenize("The cat and a dog ran"), ["cat", "dog", "ran"]);
}

#[test]
fn case_kept_when_asked() {
    let t = Tokenizer::new(&TokenizerConfig {
        lowercase: false,
        ..TokenizerConfig::default()
    })
    .unwrap();
    assert_eq!(t.tokenize("New York"), ["New", "York"]);
}

#[test]
fn spans_point_at_the_original_text() {
    let text = "Say: Don’t U.S. café!";
    let mut spans = Vec::new();
    Tokenizer::default().for_each_token_span(text, |r, t| {
        spans.push((text[r].to_string(), t.to_string()))
    });
    let expected = [
        ("Say", "say"),
        ("Don’t", "don't"),
        ("U", "u"),
        ("S", "s"),
        ("café", "café"),
    ];
    assert_eq!(spans, expected.map(|(a, b)| (a.to_string(), b.to_string())));
}

#[test]
fn empty_and_punctuation_only() {
    assert!(toks("").is_empty());
    assert!(toks(" ... --- !!! ''").is_empty());
}
