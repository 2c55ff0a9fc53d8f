//! `wordlens export --to milvus://…`, and the `--engine` side of `search` and `eval-search`.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use wordlens::engine::milvus::Milvus;
use wordlens::engine::{EngineHit, EngineUri};
use wordlens::search::evaluate::{SearchEval, Task};
use wordlens::search::{FusionOverrides, Mode, SearchIndex, SearchRequest};
use wordlens::{Error, Result};

use super::Context;
use super::output::{print, print_json};
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The wordlens index to export.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// The collection: milvus://HOST:PORT/COLLECTION (created when missing; an earlier export
    /// of the same index is resumed or brought up to date).
    #[arg(long, value_name = "URI")]
    pub to: String,
    /// Drop the collection first when it holds something else (another model, not wordlens's).
    #[arg(long)]
    pub replace: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn connect(text: &str) -> Result<Milvus> {
    Milvus::connect(&EngineUri::parse(text)?)
}

pub fn export(ctx: &Context, a: ExportArgs) -> Result<()> {
    let index = SearchIndex::open(&a.index, &ctx.config.search)?;
    if index.is_empty() {
        return Err(Error::in_file(
            &a.index,
            "the index holds no documents to export",
        ));
    }
    let engine = connect(&a.to)?;
    let report = engine.export(&index, a.replace, &Bar::new(ctx.quiet), &ctx.cancel)?;
    if a.json {
        return print_json(&report);
    }
    let mut out = format!(
        "{} {}: {} documents sent, {} already there, {} in the collection ({:.1} s, {:.0} documents/s)\n",
        if report.created { "created" } else { "updated" },
        report.collection,
        report.written,
        report.skipped,
        report.total,
        report.seconds,
        report.written as f64 / report.seconds.max(1e-9)
    );
    if report.truncated > 0 {
        out.push_str(&format!(
            "note: {} texts are longer than Milvus's {} bytes and were cut (their BM25 there sees the start only)\n",
            report.truncated,
            wordlens::engine::milvus::TEXT_MAX_BYTES
        ));
    }
    print(&out)
}

/// One engine answer with what the index knows of the document.
#[derive(Serialize)]
struct EngineResult<'a> {
    id: &'a str,
    title: Option<&'a str>,
    label: Option<&'a str>,
    score: f64,
}

#[derive(Serialize)]
struct EngineHits<'a> {
    engine: String,
    mode: Mode,
    hits: Vec<EngineResult<'a>>,
}

/// `search --engine`: the query encoded by the index's encoder, answered by the engine.
pub fn search(index: &SearchIndex, uri: &str, request: &SearchRequest, json: bool) -> Result<()> {
    let engine = connect(uri)?;
    engine.check_export_of(index)?;
    let hits: Vec<EngineHit> = engine.search(index, request)?;
    let numbers = wordlens::engine::milvus::doc_numbers(index);
    let results: Vec<EngineResult> = hits
        .iter()
        .map(|h| {
            let info = numbers
                .get(h.id.as_str())
                .and_then(|&d| index.documents().get(d as usize));
            EngineResult {
                id: &h.id,
                title: info.and_then(|i| i.title.as_deref()),
                label: info.and_then(|i| i.label.as_deref()),
                score: h.score,
            }
        })
        .collect();
    if json {
        return print_json(&EngineHits {
            engine: engine.uri().to_string(),
            mode: request.mode,
            hits: results,
        });
    }
    let mut out = format!("{} ({} mode)\n", engine.uri(), request.mode.name());
    for (i, r) in results.iter().enumerate() {
        let label = r.label.map(|l| format!(" [{l}]")).unwrap_or_default();
        out.push_str(&format!(
            "{:>2}. {}{label}  (id {}; engine score {:.4})\n",
            i + 1,
            r.title.unwrap_or(r.id),
            r.id,
            r.score
        ));
    }
    if results.is_empty() {
        out.push_str("no results\n");
    }
    print(&out)
}

/// `eval-search --engine`: the same task answered by the engine.
pub fn evaluate(
    ctx: &Context,
    index: &SearchIndex,
    uri: &str,
    task: &Task,
    overrides: &FusionOverrides,
) -> Result<EngineEval> {
    let engine = connect(uri)?;
    let bar = Bar::new(ctx.quiet);
    let eval = wordlens::engine::evaluate::run(index, &engine, task, overrides, &bar, &ctx.cancel)?;
    Ok(EngineEval {
        uri: engine.uri().to_string(),
        eval,
    })
}

/// The engine's report beside wordlens's.
#[derive(Serialize)]
pub struct EngineEval {
    pub uri: String,
    #[serde(flatten)]
    pub eval: SearchEval,
}

/// wordlens's and the engine's figures, mode by mode.
pub fn render_side_by_side(ours: &SearchEval, engine: &EngineEval) -> String {
    use wordlens::search::evaluate::{Metric, ModeScore};
    let value = |m: &ModeScore| match ours.metric {
        Metric::MrrAt10 => m.mrr_at_10,
        Metric::NdcgAt10 => m.ndcg_at_10,
        Metric::LabelPrecisionAt10 => m.label_precision_at_10.unwrap_or(0.0),
    };
    let mut out = format!(
        "\nwordlens beside {} (hybrid there: {})\n\
         mode     {:>10}  {:>10}  difference  median ms wordlens  engine  p99 ms engine\n",
        engine.uri,
        engine.eval.fusion,
        format!("{} ours", ours.metric.name()),
        "engine"
    );
    for (w, e) in ours.modes.iter().zip(&engine.eval.modes) {
        out.push_str(&format!(
            "{:<8} {:>10.3}  {:>10.3}  {:>+10.3}  {:>18.2}  {:>6.2}  {:>13.2}\n",
            w.mode,
            value(w),
            value(e),
            value(e) - value(w),
            w.median_query_ms,
            e.median_query_ms,
            e.p99_query_ms
        ));
    }
    out
}
