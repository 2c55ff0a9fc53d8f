//! A static-model folder (model2vec layout): the bytes of `model.safetensors` or of
//! `tokenizer.json`, the first input byte choosing which, with the other file held valid (the
//! distilled test fixture). Any bytes give a model or an error, never a panic, a hang or an
//! allocation sized by a lying header; an opened model embeds English and Chinese.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::embed::static_model::StaticModel;

const TENSORS: &[u8] = include_bytes!("../../tests/fixtures/contextual/distilled/model.safetensors");
const TOKENIZER: &[u8] = include_bytes!("../../tests/fixtures/contextual/distilled/tokenizer.json");
const CONFIG: &[u8] = include_bytes!("../../tests/fixtures/contextual/distilled/config.json");

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (tensors, tokenizer) = if which % 2 == 0 { (bytes, TOKENIZER) } else { (TENSORS, bytes) };
    std::fs::write(dir.path().join("model.safetensors"), tensors).unwrap();
    std::fs::write(dir.path().join("tokenizer.json"), tokenizer).unwrap();
    std::fs::write(dir.path().join("config.json"), CONFIG).unwrap();
    if let Ok(model) = StaticModel::open(dir.path()) {
        for text in ["The quick brown fox jumps", "人民日报 北京 一月", "", "[UNK] ##ing <s>"] {
            let v = model.embed(text);
            assert_eq!(v.len(), model.dim());
        }
    }
});
