//! Differential: a `tokenizer.json` through our own ids-only readers (Llama BPE, WordPiece,
//! Unigram) and through the `tokenizers` crate. When both accept the file, every text must get
//! the same ids from both (our reader may leave a text to the crate, never differ from it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::embed::static_model::own_and_crate_ids;

const TEXTS: [&str; 6] = [
    "The quick brown fox, unaffable—naïve CAFÉ jumps 42 times!",
    "人民日报 北京一月 １２３",
    "Debian パッケージの説明です。",
    "  leading and\ttrailing  ",
    "don't re-tokenize e-mail@example.com ##ing ▁x",
    "",
];

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(pairs)) = own_and_crate_ids(data, &TEXTS) {
        for (text, (ours, theirs)) in TEXTS.iter().zip(pairs) {
            if let Some(ours) = ours {
                assert_eq!(ours, theirs, "ids differ on {text:?}");
            }
        }
    }
});
