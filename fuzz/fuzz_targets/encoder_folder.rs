//! A sentence-transformers encoder folder (the tiny BERT fixture): one of its JSON files or
//! the weights, the first input byte choosing which, with the others held valid; then the
//! first forward pass on two tokens. Any bytes give an encoder or an error, never a panic or
//! an allocation sized by a lying header or config.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::embed::contextual::ContextualModel;

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_bytes!(concat!("../../tests/fixtures/contextual/tiny-bert/", $name)) as &[u8])
    };
}

const FILES: [(&str, &[u8]); 8] = [
    fixture!("model.safetensors"),
    fixture!("config.json"),
    fixture!("modules.json"),
    fixture!("1_Pooling/config.json"),
    fixture!("sentence_bert_config.json"),
    fixture!("tokenizer_config.json"),
    fixture!("tokenizer.json"),
    fixture!("2_Normalize/config.json"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let varied = which as usize % FILES.len();
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, valid)) in FILES.iter().enumerate() {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, if i == varied { bytes } else { valid }).unwrap();
    }
    if let Ok(model) = ContextualModel::open(dir.path()) {
        let v = model.embed("hello world");
        assert_eq!(v.len(), model.dim());
    }
});
