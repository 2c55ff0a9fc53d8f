//! `wordlens convert`: any readable vectors file to any writable format, optionally
//! quantised (native format), with the accuracy cost of quantising measured on the spot.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use wordlens::embed::eval::evaluate_pairs;
use wordlens::embed::io::{self, Quantization, VectorFormat};
use wordlens::{Error, Result};

use super::Context;
use super::output::print;
use super::vectors::load_file as load;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuantizeArg {
    /// float32, memory-mapped on open
    None,
    /// one byte per value and a scale per row (4x smaller)
    Int8,
    /// product quantisation: 256 centroids per sub-vector of `--pq-dsub` values
    Pq,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Any supported vectors file (format detected).
    #[arg(long = "in", value_name = "PATH")]
    pub input: PathBuf,
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    #[arg(long, value_enum)]
    pub format: VectorFormat,
    /// Quantise the matrices (wordlens format only).
    #[arg(long, value_enum, default_value = "none")]
    pub quantize: QuantizeArg,
    /// Values per product-quantisation sub-vector (default from config: output.pq_dsub).
    #[arg(long)]
    pub pq_dsub: Option<usize>,
}

pub fn run(ctx: &Context, a: ConvertArgs) -> Result<()> {
    let dsub = a.pq_dsub.unwrap_or(ctx.config.output.pq_dsub);
    if !(1..=64).contains(&dsub) {
        return Err(Error::Usage("--pq-dsub must be in [1, 64]".into()));
    }
    let emb = load(ctx, &a.input)?;
    let quant = match a.quantize {
        QuantizeArg::None => Quantization::None,
        QuantizeArg::Int8 => Quantization::Int8,
        QuantizeArg::Pq => Quantization::Pq { dsub },
    };
    io::write_quantized(&a.out, &emb, a.format, quant)?;
    let size = std::fs::metadata(&a.out).map(|m| m.len()).unwrap_or(0);
    let mut out = format!(
        "wrote {} vectors of dimension {} to {} ({}{}, {:.1} MB)\n",
        emb.len(),
        emb.dim(),
        a.out.display(),
        a.format.name(),
        quant.describe(),
        size as f64 / 1e6
    );
    if emb.subwords().is_some() && a.format != VectorFormat::Wordlens {
        out.push_str("note: the n-gram rows (vectors for unseen words) are not kept in this format; the wordlens format keeps them\n");
    }
    if quant != Quantization::None {
        out.push_str(&quantisation_cost(ctx, &emb, &a.out)?);
    }
    print(&out)
}

/// Word-pair Spearman of the original and the quantised vectors, on the configured files.
fn quantisation_cost(
    ctx: &Context,
    original: &wordlens::Embeddings,
    written: &std::path::Path,
) -> Result<String> {
    let quantised = load(ctx, written)?;
    let mut out = String::new();
    for file in &ctx.config.eval.pairs {
        let path = ctx.config.data_file(file);
        let (Ok(before), Ok(after)) = (
            evaluate_pairs(original, &path),
            evaluate_pairs(&quantised, &path),
        ) else {
            continue;
        };
        out.push_str(&format!(
            "{}: Spearman {:.4} float, {:.4} quantised ({:+.4}) on {} pairs\n",
            before.file,
            before.spearman,
            after.spearman,
            after.spearman - before.spearman,
            after.used
        ));
    }
    Ok(out)
}
