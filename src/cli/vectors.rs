//! `--vectors` for every command: the library's resolver, with read warnings printed and a
//! progress bar while `trained` trains.

use std::path::Path;
use std::sync::Arc;

use wordlens::Result;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::fit::SAMPLE_DOCS;
use wordlens::docvec::source::{Resolved, VectorSource, Vectors};
use wordlens::embed::Embeddings;
use wordlens::text::{TextSource, Tokenizer};

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

/// The sources of `arg` (or `[vectors] default`) for a collection whose first documents are
/// `sample`: each one's fit to the collection printed (language, scripts, coverage), and the
/// configured default replaced by a better-suited cached model when it does not suit.
pub fn sources_for(ctx: &Context, arg: Option<&str>, sample: &[&str]) -> Result<Vec<VectorSource>> {
    let resolver = ctx.config.resolver()?;
    let tokenizer = Tokenizer::new(&ctx.config.tokenizer)?;
    let sample = &sample[..sample.len().min(SAMPLE_DOCS)];
    sources(ctx, arg)?
        .iter()
        .map(|s| {
            let choice = resolver.for_collection(s, arg.is_none(), sample, &tokenizer)?;
            if let Some(fit) = &choice.fit {
                eprintln!("collection: {} (vectors {s})", fit.line());
            }
            if let Some(note) = &choice.note {
                eprintln!("{note}");
            }
            Ok(choice.source)
        })
        .collect()
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

/// `source` as a comparison takes it: opened (read warnings printed), or `trained` on each
/// training split later.
pub fn for_comparison(ctx: &Context, source: &VectorSource) -> Result<Vectors> {
    let opened = ctx.config.resolver()?.open_or_defer(source)?;
    if let Some(warning) = opened.notes().and_then(|n| n.warning(&source.to_string())) {
        eprintln!("{warning}");
    }
    Ok(opened.into_vectors())
}

/// The word table of a vectors file or model folder at `path` (`convert --in`): read by the
/// resolver in `[vectors] encoding`, warnings printed; never a name or `trained`.
pub fn load_file(ctx: &Context, path: &Path) -> Result<Arc<Embeddings>> {
    let source = VectorSource::Path(path.to_path_buf());
    word_table(ctx, resolve_source(ctx, &source, &[])?.encoder)
}

/// The word table of `arg` for word-level questions (a static model's whole-word tokens; an
/// encoder's, read through it with a progress bar).
pub fn words(ctx: &Context, arg: Option<&str>) -> Result<Arc<Embeddings>> {
    word_table(ctx, resolve(ctx, arg, &[])?.encoder)
}

fn word_table(ctx: &Context, encoder: Encoder) -> Result<Arc<Embeddings>> {
    match encoder {
        Encoder::Contextual(m) => m.word_table(&Bar::new(ctx.quiet), &ctx.cancel),
        other => other.words(),
    }
}
