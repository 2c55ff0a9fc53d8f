//! `wordlens convert`: any readable vectors file to any writable format.

use std::path::PathBuf;

use clap::Args;
use wordlens::Result;
use wordlens::embed::io::{self, VectorFormat};

use super::Context;
use super::output::print;
use super::query::load;

#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[arg(long = "in", value_name = "PATH")]
    pub input: PathBuf,
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    #[arg(long, value_enum)]
    pub format: VectorFormat,
}

pub fn run(_ctx: &Context, a: ConvertArgs) -> Result<()> {
    let emb = load(&a.input)?;
    io::write(&a.out, &emb, a.format)?;
    print(&format!(
        "wrote {} vectors of dimension {} to {} ({})\n",
        emb.len(),
        emb.dim(),
        a.out.display(),
        a.format.name()
    ))
}
