//! `--vectors` for every command: the library's resolver, with read warnings printed and a
//! progress bar while `trained` trains.

use std::path::Path;
use std::sync::Arc;

use wordlens::Result;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::source::{Resolved, VectorSource};
use wordlens::embed::{Embeddings, io};
use wordlens::text::TextSource;

use super::Context;
use super::progress_bar::Bar;

/// Help text shared by every `--vectors` flag.
pub const HELP: &str = "Vectors: `default` (the bundled static model), `trained` (word2vec on the \
collection + background corpus), a vectors file or model folder, or a hub name org/name[@rev] in \
the local Hugging Face cache (`wordlens models`). Default: config's [vectors] default";

/// The source `arg` names, or `[vectors] default` without one.
pub fn source(ctx: &Context, arg: Option<&str>) -> VectorSource {
    arg.map_or_else(|| ctx.config.default_vectors(), VectorSource::parse)
}

/// Resolves `arg` (or the configured default); `trained` trains on `collection`.
pub fn resolve(
    ctx: &Context,
    arg: Option<&str>,
    collection: &[TextSource<'_>],
) -> Result<Resolved> {
    resolve_source(ctx, &source(ctx, arg), collection)
}

/// The sources a comma-separated `arg` names (`default,trained,PATH`), or `[vectors] default`.
pub fn sources(ctx: &Context, arg: Option<&str>) -> Result<Vec<VectorSource>> {
    let list = arg.map_or_else(
        || vec![ctx.config.default_vectors()],
        VectorSource::parse_list,
    );
    if list.is_empty() {
        return Err(wordlens::Error::Usage(
            "--vectors: name at least one source".into(),
        ));
    }
    Ok(list)
}

/// Resolves `source`; `trained` trains on `collection`.
pub fn resolve_source(
    ctx: &Context,
    source: &VectorSource,
    collection: &[TextSource<'_>],
) -> Result<Resolved> {
    let resolved =
        ctx.config
            .resolver()?
            .open(source, collection, &Bar::new(ctx.quiet), &ctx.cancel)?;
    if let Some(warning) = resolved.notes.warning(&source.to_string()) {
        eprintln!("{warning}");
    }
    Ok(resolved)
}

/// A vectors file (not a model or a name: `convert` reads and writes files), warnings printed.
pub fn load_file(ctx: &Context, path: &Path) -> Result<Embeddings> {
    let loaded = io::read_in(path, ctx.config.vectors.word_encoding()?)?;
    if let Some(warning) = loaded.notes.warning(&path.display().to_string()) {
        eprintln!("{warning}");
    }
    Ok(loaded.embeddings)
}

/// The word table of `arg` for word-level questions (a static model's whole-word tokens; an
/// encoder's, read through it with a progress bar).
pub fn words(ctx: &Context, arg: Option<&str>) -> Result<Arc<Embeddings>> {
    match resolve(ctx, arg, &[])?.encoder {
        Encoder::Contextual(m) => m.word_table(&Bar::new(ctx.quiet), &ctx.cancel),
        other => other.words(),
    }
}
