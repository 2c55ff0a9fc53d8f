//! `wordlens models`: the models found locally (the bundled one and the Hugging Face cache),
//! and `models pull org/name[@revision]`, which downloads one into that cache.

use std::path::Path;

use clap::{Args, Subcommand};
use serde::Serialize;
use wordlens::docvec::encoder::Encoder;
use wordlens::hub::{self, ModelName, cache};
use wordlens::{Error, Result};

use super::Context;
use super::output::{print, print_json};
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: Option<ModelsCommand>,
    /// List as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// The models found locally: the bundled one and the Hugging Face cache (the default).
    List,
    /// Download a model (`org/name` or `org/name@revision`) into the Hugging Face cache: the
    /// files a model folder needs, resumable, checked against the hub's ETags. The endpoint is
    /// HF_ENDPOINT, else config's [vectors] hub_endpoint; HF_TOKEN is sent when set.
    Pull {
        /// `org/name` or `org/name@revision`.
        name: String,
    },
}

/// One model found locally.
#[derive(Serialize)]
struct Found {
    /// What `--vectors` takes to use it.
    name: String,
    /// The model's kind, or why wordlens cannot read it.
    kind: String,
    dim: Option<usize>,
    vocab: Option<usize>,
    bytes: u64,
    path: String,
}

fn describe(name: String, dir: &Path) -> Found {
    let bytes = cache::size_on_disk(dir);
    let path = dir.display().to_string();
    // (kind, dimension, vocabulary) of an encoder or a static model.
    let read = Encoder::open(dir).map(|encoder| match encoder {
        Encoder::Contextual(m) => (
            "contextual encoder (BERT)".to_string(),
            m.dim(),
            m.tokenizer().get_vocab_size(true),
        ),
        Encoder::Static(m) => (m.family.name().to_string(), m.dim(), m.vocab_size()),
        Encoder::Words(e) => ("word vectors".to_string(), e.dim(), e.len()),
    });
    let (kind, dim, vocab) = match read {
        Ok((kind, dim, vocab)) => (kind, Some(dim), Some(vocab)),
        Err(e) => (format!("not readable by wordlens: {e}"), None, None),
    };
    Found {
        name,
        kind,
        dim,
        vocab,
        bytes,
        path,
    }
}

pub fn run(ctx: &Context, a: ModelsArgs) -> Result<()> {
    match a.command {
        None | Some(ModelsCommand::List) => list(ctx, a.json),
        Some(ModelsCommand::Pull { name }) => pull(ctx, &name),
    }
}

fn list(ctx: &Context, json: bool) -> Result<()> {
    let resolver = ctx.config.resolver()?;
    let mut found = Vec::new();
    if resolver.bundled.is_dir() {
        found.push(describe("default".into(), &resolver.bundled));
    }
    for m in cache::list(&resolver.hub_cache)? {
        let name = match m.revisions.iter().find(|r| *r == "main") {
            Some(_) => m.repo.clone(),
            None => match m.revisions.first() {
                Some(r) => format!("{}@{r}", m.repo),
                None => format!("{}@{}", m.repo, m.commit),
            },
        };
        if let Some(why) = cache::incomplete(&m.dir) {
            found.push(Found {
                name,
                kind: format!("incomplete ({why}): pull it again"),
                dim: None,
                vocab: None,
                bytes: cache::size_on_disk(&m.dir),
                path: m.dir.display().to_string(),
            });
            continue;
        }
        found.push(describe(name, &m.dir));
    }
    if json {
        return print_json(&serde_json::json!({
            "cache": resolver.hub_cache.display().to_string(),
            "models": found,
        }));
    }
    let width = found.iter().map(|f| f.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{:<width$}  {:>5}  {:>7}  {:>9}  kind\n",
        "name", "dim", "vocab", "size"
    );
    for f in &found {
        let num = |v: Option<usize>| v.map_or("–".into(), |v| v.to_string());
        out.push_str(&format!(
            "{:<width$}  {:>5}  {:>7}  {:>6.1} MB  {}\n",
            f.name,
            num(f.dim),
            num(f.vocab),
            f.bytes as f64 / 1e6,
            f.kind
        ));
    }
    out.push_str(&format!(
        "\nhub cache: {}\nuse one with --vectors NAME; download more with `wordlens models pull org/name`\n",
        resolver.hub_cache.display()
    ));
    print(&out)
}

fn pull(ctx: &Context, arg: &str) -> Result<()> {
    let name = ModelName::parse(arg).ok_or_else(|| {
        Error::Usage(format!(
            "{arg:?} is not a model name: expected org/name or org/name@revision"
        ))
    })?;
    let opts = ctx.config.pull_options()?;
    let pulled = hub::pull::pull(&name, &opts, &Bar::new(ctx.quiet), &ctx.cancel)?;
    let mut out = String::new();
    for f in &pulled.files {
        let how = match (f.cached, f.resumed_from) {
            (true, _) => "already in the cache".to_string(),
            (false, 0) => "downloaded".to_string(),
            (false, n) => format!("resumed at byte {n}"),
        };
        out.push_str(&format!(
            "  {:<40} {:>12} bytes  {how}, checked: {}\n",
            f.path, f.bytes, f.checked
        ));
    }
    let described = match Encoder::open(&pulled.dir)? {
        Encoder::Contextual(m) => m.describe(),
        Encoder::Static(m) => m.describe(),
        other => other.describe(),
    };
    out.push_str(&format!(
        "{name} at {} in {}\n{described}\nuse it with --vectors {name}\n",
        pulled.commit,
        pulled.dir.display(),
    ));
    print(&out)
}
