//! `wordlens tokenize`: the tokens the index, the trainer and the classifier see, in any
//! language. Plain output is one line of space-separated tokens per text (a segmented corpus
//! gensim or fastText can train on); `--json` adds each token's byte span and script.

use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use wordlens::progress::{Progress, Report};
use wordlens::text::{CorpusReader, Tokenizer, script_of};
use wordlens::{Error, Result};

use super::Context;
use super::output::print_json;
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct TokenizeArgs {
    /// Text to tokenize (several arguments are one text). Without it, --file or --data, the
    /// texts are read from standard input, one a line.
    pub text: Vec<String>,
    /// A text file: one text a line.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "data"])]
    pub file: Option<PathBuf>,
    /// A collection (CSV/TSV with a header, or one document per line): each document's tokens.
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub columns: super::collection::TextArgs,
    /// The id column of --data (JSON output names each document by it).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Each text's tokens with byte spans and scripts, and the token count per script.
    #[arg(long)]
    pub json: bool,
}

/// One text's tokens, as `--json` prints them.
#[derive(Serialize)]
struct Tokenized {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    tokens: Vec<String>,
    /// Byte ranges of each token in the text (UTF-8), `[start, end)`.
    spans: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct Output {
    segmenter: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_dict: Option<String>,
    texts: Vec<Tokenized>,
    tokens: usize,
    /// Tokens by the script of their first letter ("none": digits only).
    scripts: BTreeMap<String, usize>,
}

/// Where the texts come from: (optional id, text) pairs.
type Texts = Box<dyn Iterator<Item = Result<(Option<String>, String)>>>;

fn texts(ctx: &Context, a: &TokenizeArgs) -> Result<Texts> {
    if !a.text.is_empty() {
        return Ok(Box::new(std::iter::once(Ok((None, a.text.join(" "))))));
    }
    if let Some(data) = &a.data {
        let spec = wordlens::text::CorpusSpec {
            id_col: a.id_col.clone(),
            ..a.columns.spec(&ctx.config, data)
        };
        let reader = CorpusReader::open(&spec)?;
        let has_ids = a.id_col.is_some();
        return Ok(Box::new(
            reader.map(move |d| d.map(|d| (has_ids.then_some(d.id), d.text))),
        ));
    }
    let (name, input): (String, Box<dyn BufRead>) = match &a.file {
        Some(path) => (
            path.display().to_string(),
            wordlens::text::corpus::open_bytes(path)?,
        ),
        None => ("<stdin>".into(), Box::new(std::io::stdin().lock())),
    };
    Ok(Box::new(input.lines().enumerate().map(move |(n, line)| {
        line.map(|l| (None, l)).map_err(|e| {
            Error::at_line(
                &name,
                n as u64 + 1,
                format!("cannot read a line of text: {e}"),
            )
        })
    })))
}

pub fn run(ctx: &Context, a: TokenizeArgs) -> Result<()> {
    let tokenizer = Tokenizer::new(&ctx.config.tokenizer)?;
    let bar = Bar::new(ctx.quiet);
    let started = Instant::now();
    let mut output = Output {
        segmenter: tokenizer.segmenter().name(),
        user_dict: Some(ctx.config.tokenizer.user_dict.clone()).filter(|d| !d.is_empty()),
        texts: Vec::new(),
        tokens: 0,
        scripts: BTreeMap::new(),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut line = String::new();
    for (done, item) in texts(ctx, &a)?.enumerate() {
        ctx.cancel.check()?;
        let (id, text) = item?;
        let mut tokenized = Tokenized {
            id,
            tokens: Vec::new(),
            spans: Vec::new(),
        };
        tokenizer.for_each_token_span(&text, |range, token| {
            tokenized.tokens.push(token.to_string());
            tokenized.spans.push([range.start, range.end]);
        });
        output.tokens += tokenized.tokens.len();
        for token in &tokenized.tokens {
            let script = token.chars().find_map(script_of);
            let name = script.map_or("none", |s| s.name());
            *output.scripts.entry(name.to_string()).or_default() += 1;
        }
        if a.json {
            output.texts.push(tokenized);
        } else {
            line.clear();
            line.push_str(&tokenized.tokens.join(" "));
            line.push('\n');
            if let Err(e) = out.write_all(line.as_bytes()) {
                return closed_pipe_is_success(e);
            }
        }
        if done % 1000 == 999 {
            let rate = output.tokens as f64 / started.elapsed().as_secs_f64().max(1e-9);
            // The spinner counts tokens; the rate is per second of the whole run.
            bar.report(&Report {
                stage: "tokenize",
                done: output.tokens as u64,
                total: 0,
                metrics: &[("texts", done as f64 + 1.0), ("tokens/s", rate.round())],
            });
        }
    }
    bar.finish("tokenize");
    if let Err(e) = out.flush() {
        return closed_pipe_is_success(e);
    }
    drop(out);
    if a.json {
        print_json(&output)?;
    }
    Ok(())
}

fn closed_pipe_is_success(e: std::io::Error) -> Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(Error::io("<stdout>", e))
    }
}
