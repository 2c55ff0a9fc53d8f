//! What opening a static model reads: `tokenizer.json` (through our own BPE reader or the
//! `tokenizers` crate) and the safetensors table.

use super::*;

/// What opening reads from `tokenizer.json`.
pub(super) struct ReadTokenizer {
    /// The crate's pipeline, when our own reader does not apply.
    pub(super) pipeline: Option<Tokenizer>,
    /// Token strings by id.
    pub(super) tokens: Vec<String>,
    pub(super) own: Option<OwnIds>,
    pub(super) model_type: String,
    pub(super) continuing_prefix: Option<String>,
    pub(super) unknown: UnknownToken,
}

/// The model's unknown token, as model2vec finds it to drop it.
#[derive(Clone)]
pub(super) enum UnknownToken {
    Named(String),
    Id(u32),
    None,
}

/// Reads `tokenizer.json`: through our own readers when they reproduce it (Llama-style BPE,
/// WordPiece with BERT's normalizer and pre-tokenizer, Unigram with Metaspace; no crate
/// pipeline built), else through the `tokenizers` crate.
pub(super) fn read_tokenizer(path: &Path, bytes: &[u8]) -> Result<ReadTokenizer> {
    let described: TokenizerFile = serde_json::from_slice(bytes)
        .map_err(|e| Error::in_file(path, format!("invalid tokenizer.json: {e}")))?;
    let unknown = match (&described.model.unk_token, described.model.unk_id) {
        (Some(t), _) => UnknownToken::Named(t.clone()),
        (None, Some(id)) => UnknownToken::Id(id),
        _ => UnknownToken::None,
    };
    let model_type = described.model.kind.clone().unwrap_or_default();
    let continuing_prefix = described.model.continuing_subword_prefix.clone();
    let read = |own: OwnIds, tokens: Vec<String>| ReadTokenizer {
        pipeline: None,
        tokens,
        own: Some(own),
        model_type: model_type.clone(),
        continuing_prefix: continuing_prefix.clone(),
        unknown: unknown.clone(),
    };
    let own = match described.llama_style() {
        true => Bpe::from_model(path, &described.model)?,
        false => None,
    };
    if let Some(bpe) = own {
        let tokens = own_token_list(path, bpe.vocab(), bpe.len(), |t| bpe.id(t), &described)?;
        if let Some(split) = WordSplit::detect(&described, bpe, &tokens) {
            return Ok(read(OwnIds::Llama(Box::new(split)), tokens));
        }
    }
    if let Some(pieces) = PieceSplit::detect(path, &described)? {
        let tokens = own_token_list(
            path,
            pieces.vocab(),
            pieces.len(),
            |t| pieces.id(t),
            &described,
        )?;
        return Ok(read(OwnIds::Pieces(Box::new(pieces)), tokens));
    }
    let mut tokenizer = crate_tokenizer(bytes).map_err(|e| Error::in_file(path, e))?;
    tokenizer.with_padding(None);
    let tokens = token_list(path, tokenizer.get_vocab(true))?;
    Ok(ReadTokenizer {
        pipeline: Some(tokenizer),
        tokens,
        own: None,
        model_type,
        continuing_prefix,
        unknown,
    })
}

/// The `tokenizers` crate's pipeline for a `tokenizer.json`. wordlens never turns ids back into
/// text, and the crate panics on some malformed decoders (its `DecoderHelper` in tokenizers
/// 0.22, found by fuzzing), so the decoder is left out before the crate reads the file; any
/// other panic while reading is an error too.
pub(crate) fn crate_tokenizer(bytes: &[u8]) -> std::result::Result<Tokenizer, String> {
    let not_read = |e: &dyn std::fmt::Display| {
        format!("not a tokenizer.json the tokenizers library reads: {e}")
    };
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| not_read(&e))?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("decoder");
    }
    let read = std::panic::catch_unwind(move || serde_json::from_value::<Tokenizer>(value));
    match read {
        Ok(Ok(tokenizer)) => Ok(tokenizer),
        Ok(Err(e)) => Err(not_read(&e)),
        Err(_) => Err(not_read(&"the tokenizers library failed on it")),
    }
}

/// model2vec's cap on tokens per text (none: no truncation).
pub(super) fn cap_tokens(
    tokenizer: &mut Tokenizer,
    cap: Option<usize>,
) -> std::result::Result<(), String> {
    tokenizer.with_padding(None);
    let params = cap.map(|max_length| tokenizers::TruncationParams {
        max_length,
        ..Default::default()
    });
    tokenizer
        .with_truncation(params)
        .map(|_| ())
        .map_err(|e| format!("cannot cap tokens: {e}"))
}

/// Token strings by id, as `Tokenizer::get_vocab(true)` gives them: the model's vocabulary
/// (`len` distinct tokens, `id_of` looking one up) and the added tokens (an added token's id
/// wins over the vocabulary's for the same text).
pub(super) fn own_token_list<'a>(
    path: &Path,
    vocab: impl Iterator<Item = (&'a str, u32)>,
    len: usize,
    id_of: impl Fn(&str) -> Option<u32>,
    file: &TokenizerFile,
) -> Result<Vec<String>> {
    let added = &file.added_tokens;
    let extra = added.iter().filter(|a| id_of(&a.content).is_none()).count();
    let size = len + extra;
    let mut tokens = vec![String::new(); size];
    let entries = vocab.map(|(t, id)| (t, id, None));
    let added = added
        .iter()
        .map(|a| (a.content.as_str(), a.id, id_of(&a.content)));
    for (t, id, replaces) in entries.chain(added) {
        if let Some(slot) = replaces
            .filter(|&old| old != id)
            .and_then(|old| tokens.get_mut(old as usize))
        {
            slot.clear();
        }
        match tokens.get_mut(id as usize) {
            Some(slot) => t.clone_into(slot),
            None => {
                return Err(Error::in_file(
                    path,
                    format!("token {t:?} has id {id}, beyond the vocabulary of {size}"),
                ));
            }
        }
    }
    Ok(tokens)
}

/// Token strings by id, from token → id (every id below the vocabulary's size).
pub(super) fn token_list<S: std::hash::BuildHasher>(
    path: &Path,
    vocab: std::collections::HashMap<String, u32, S>,
) -> Result<Vec<String>> {
    let size = vocab.len();
    let mut tokens = vec![String::new(); size];
    for (t, id) in vocab {
        match tokens.get_mut(id as usize) {
            Some(slot) => *slot = t,
            None => {
                return Err(Error::in_file(
                    path,
                    format!("token {t:?} has id {id}, beyond the vocabulary of {size}"),
                ));
            }
        }
    }
    Ok(tokens)
}

/// What opening the tensor file finds: the model family it holds and its embedding matrix.
pub(super) struct Tensors {
    pub(super) file: TensorFile,
    pub(super) family: Family,
    /// The matrix's tensor name.
    pub(super) name: &'static str,
    pub(super) matrix: TokenRows,
    pub(super) rows: usize,
    pub(super) dim: usize,
}

pub(super) fn open_tensors(st: &Path) -> Result<Tensors> {
    let tf = TensorFile::open(st)?;
    let (family, name) = if tf.has("embeddings") {
        (Family::Model2Vec, "embeddings")
    } else if tf.has("embedding.weight") {
        (Family::StaticEmbedding, "embedding.weight")
    } else {
        return Err(Error::in_file(
            st,
            format!(
                "no `embeddings` (model2vec) or `embedding.weight` (sentence-transformers, WordLlama) tensor; the file holds {}",
                tf.names().join(", ")
            ),
        ));
    };
    let (matrix, rows, dim) = tf.token_rows(st, name)?;
    Ok(Tensors {
        file: tf,
        family,
        name,
        matrix,
        rows,
        dim,
    })
}

/// Our own reader's ids and the `tokenizers` crate's, text by text, for the `tokenizer.json`
/// bytes `bytes`: Ok(None) when our readers leave the file to the crate; an error when either
/// side refuses it. Each pair's first half is None for a text our reader leaves to the crate.
/// The door of the differential fuzz target (`fuzz/fuzz_targets/tokenizer_diff.rs`).
#[doc(hidden)]
pub fn own_and_crate_ids(bytes: &[u8], texts: &[&str]) -> Result<Option<Vec<IdPair>>> {
    let path = Path::new("tokenizer.json");
    let Some(own) = read_tokenizer(path, bytes)?.own else {
        return Ok(None);
    };
    let mut tokenizer = crate_tokenizer(bytes).map_err(|e| Error::in_file(path, e))?;
    // Whole texts on both sides: the caps are applied outside the readers.
    tokenizer
        .with_truncation(None)
        .map_err(|e| Error::in_file(path, e.to_string()))?;
    tokenizer.with_padding(None);
    let mut pairs = Vec::with_capacity(texts.len());
    for text in texts {
        let theirs = tokenizer
            .encode_fast(*text, false)
            .map_err(|e| Error::in_file(path, e.to_string()))?;
        pairs.push((own.ids(text), theirs.get_ids().to_vec()));
    }
    Ok(Some(pairs))
}

/// Our ids (None: left to the crate) and the crate's, for one text.
pub type IdPair = (Option<Vec<u32>>, Vec<u32>);
