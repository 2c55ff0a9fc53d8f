//! `wordlens embed`: document vectors for other tools (.npy, .csv, .jsonl).

use std::path::PathBuf;

use clap::Args;
use wordlens::Result;
use wordlens::docvec::DocVecMethod;
use wordlens::docvec::export::{EmbedSettings, embed_file, ids_path};
use wordlens::text::{CorpusSpec, TextSource};

use super::Context;
use super::output::print;
use super::progress_bar::Bar;
use super::vectors::resolve;

#[derive(Debug, Args)]
pub struct EmbedArgs {
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
    /// CSV/TSV with a header, or a text file with one document per line.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    #[command(flatten)]
    pub text: super::collection::TextArgs,
    /// Id column (default: the row number).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Output: .npy (float32 [n, dim]; ids in FILE.ids.txt), .csv (id,d0,...) or .jsonl.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Scale every vector to unit length (default: config's docvec.normalize; a static model
    /// also follows its own config).
    #[arg(long)]
    pub normalize: bool,
    /// How word vectors are pooled (default from config; static models pool their own tokens).
    #[arg(long, value_enum)]
    pub docvec: Option<DocVecMethod>,
}

pub fn run(ctx: &Context, a: EmbedArgs) -> Result<()> {
    let config = &ctx.config;
    let spec = CorpusSpec {
        id_col: a.id_col.clone(),
        ..a.text.spec(config, &a.data)
    };
    // Check the input opens before loading a large model.
    wordlens::text::CorpusReader::open(&spec)?;
    let encoder = resolve(ctx, a.vectors.as_deref(), &[TextSource::File(spec.clone())])?.encoder;
    let mut docvec = config.docvec.clone();
    if let Some(m) = a.docvec {
        docvec.method = m;
    }
    let settings = EmbedSettings {
        tokenizer: &config.tokenizer,
        docvec: &docvec,
        bow: &config.bow,
        normalize: a.normalize || config.docvec.normalize,
    };
    let started = std::time::Instant::now();
    let (rows, dim) = embed_file(
        &encoder,
        &spec,
        &a.out,
        &settings,
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    let secs = started.elapsed().as_secs_f64();
    let ids = if a.out.extension().is_some_and(|e| e == "npy") {
        format!(" (ids in {})", ids_path(&a.out).display())
    } else {
        String::new()
    };
    print(&format!(
        "wrote {rows} vectors of dimension {dim} to {}{ids} in {secs:.2} s ({:.0} documents/s) with {}\n",
        a.out.display(),
        rows as f64 / secs.max(1e-9),
        encoder.describe()
    ))
}
