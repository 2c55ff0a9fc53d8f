//! `wordlens eval-search`: judged queries in every mode, each against BM25, and the fusion
//! sweep and tuning.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use wordlens::search::SearchIndex;
use wordlens::search::evaluate::sweep::{self, SweepRow, Tuning};
use wordlens::search::evaluate::{self, SearchEval, Task};
use wordlens::{Error, Result};

use super::Context;
use super::index_folder::open;
use super::output::{print, print_json};
use super::search::FusionArgs;

#[derive(Debug, Args)]
pub struct EvalSearchArgs {
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Known-item search: each document's title is a query for that document.
    #[arg(long, value_name = "COL", conflicts_with_all = ["topics", "doc_queries"])]
    pub known_item_col: Option<String>,
    /// TREC topics: `qid<TAB>query` lines (with --qrels).
    #[arg(long, value_name = "FILE", requires = "qrels")]
    pub topics: Option<PathBuf>,
    /// TREC qrels: `qid 0 docid relevance` lines.
    #[arg(long, value_name = "FILE")]
    pub qrels: Option<PathBuf>,
    /// Every document's text as a query (itself excluded): label precision@10.
    #[arg(long)]
    pub doc_queries: bool,
    #[command(flatten)]
    pub fusion: FusionArgs,
    /// Also score every fusion setting (convex vector weight 0..1 for each normalisation, RRF k 10,
    /// 30, 60, 100, and the current one) on these queries.
    #[arg(long)]
    pub sweep: bool,
    /// Choose the best fusion setting on these queries and store it in the index (search and
    /// the TUI use it; --fusion/--vector-weight/--normalization still override).
    #[arg(long)]
    pub tune: bool,
    #[arg(long)]
    pub json: bool,
    /// Also run the queries through this engine collection (milvus://HOST:PORT/COLLECTION,
    /// exported from this index) and print its figures beside wordlens's.
    #[arg(long, value_name = "URI", conflicts_with_all = ["sweep", "tune"])]
    pub engine: Option<String>,
    /// Score at most N queries, spread evenly over the task (the same ones for wordlens and
    /// the engine).
    #[arg(long, value_name = "N")]
    pub max_queries: Option<usize>,
}

fn task(index: &SearchIndex, a: &EvalSearchArgs) -> Result<Task> {
    match (&a.known_item_col, &a.topics, &a.qrels, a.doc_queries) {
        (Some(col), _, _, _) if col == "title" => evaluate::known_item_task(index),
        (Some(col), _, _, _) => Err(Error::Usage(format!(
            "--known-item-col {col}: the known-item query must be the indexed title column (`title`)"
        ))),
        (None, Some(t), Some(q), _) => evaluate::trec_task(index, t, q),
        (None, None, _, true) => evaluate::document_task(index),
        _ => Err(Error::Usage(
            "give --known-item-col title, --topics with --qrels, or --doc-queries".into(),
        )),
    }
}

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    eval: SearchEval,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<Vec<SweepRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tuning: Option<Tuning>,
    #[cfg(feature = "milvus")]
    #[serde(skip_serializing_if = "Option::is_none")]
    engine: Option<super::engine::EngineEval>,
}

pub fn eval(ctx: &Context, a: EvalSearchArgs) -> Result<()> {
    let index = open(ctx, &a.index)?;
    let overrides = a.fusion.overrides()?;
    let mut task = task(&index, &a)?;
    if let Some(n) = a.max_queries {
        task = task.sample(n);
    }
    let run = evaluate::run(&index, &task, &overrides)?;
    let current = index.fusion_with(&overrides);
    let sweep = a.sweep.then(|| sweep::sweep(&run, &task, current));
    let tuning = a.tune.then(|| sweep::tune(&run, &task, current));
    if let Some(t) = &tuning {
        index.store_tuned(Some(t.fusion))?;
    }
    #[cfg(feature = "milvus")]
    let engine = match &a.engine {
        Some(uri) => Some(super::engine::evaluate(
            ctx, &index, uri, &task, &overrides,
        )?),
        None => None,
    };
    #[cfg(not(feature = "milvus"))]
    if a.engine.is_some() {
        return Err(Error::Usage(
            "--engine: this wordlens was built without the `milvus` feature".into(),
        ));
    }
    let out = Output {
        eval: run.eval,
        sweep,
        tuning,
        #[cfg(feature = "milvus")]
        engine,
    };
    if a.json {
        return print_json(&out);
    }
    let mut text = render_eval(&out.eval);
    #[cfg(feature = "milvus")]
    if let Some(e) = &out.engine {
        text.push_str(&super::engine::render_side_by_side(&out.eval, e));
    }
    if let Some(rows) = &out.sweep {
        text.push_str(&render_sweep(rows));
    }
    if let Some(t) = &out.tuning {
        text.push_str(&render_tuning(t, &a.index));
    }
    print(&text)
}

pub fn render_eval(e: &SearchEval) -> String {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{x:.3}"));
    let mut out = format!(
        "{} ({} queries; hybrid: {}, {})\n",
        e.task,
        e.modes.first().map_or(0, |m| m.queries),
        e.fusion,
        e.fusion_source
    );
    if let (Some(setting), Some(v)) = (&e.default_fusion, e.default_hybrid) {
        out.push_str(&format!(
            "hybrid with the configured default ({setting}) on the same queries: {} {v:.3}\n",
            e.metric.name()
        ));
    }
    if let Some(r) = e.ann_recall_at_10 {
        out.push_str(&format!(
            "approximate vector index: recall@10 {r:.3} against brute force\n"
        ));
    }
    out.push_str("mode     MRR@10  nDCG@10  R@1    R@10   R@100  label-P@10  median ms\n");
    for m in &e.modes {
        out.push_str(&format!(
            "{:<8} {:>6.3}  {:>7.3}  {:>5.3}  {:>5.3}  {:>5.3}  {:>10}  {:>9.2}\n",
            m.mode,
            m.mrr_at_10,
            m.ndcg_at_10,
            m.recall_at_1,
            m.recall_at_10,
            m.recall_at_100,
            f(m.label_precision_at_10),
            m.median_query_ms
        ));
    }
    for s in &e.significance {
        let t = &s.test;
        out.push_str(&format!(
            "{} − {} on {}: {:+.3} (95 % interval {:+.3} to {:+.3}), p = {:.4}; better on {}, worse on {}, equal on {} queries\n",
            s.mode,
            s.against,
            s.metric.name(),
            t.difference,
            t.ci_low,
            t.ci_high,
            t.p_value,
            t.wins,
            t.losses,
            t.ties
        ));
    }
    out
}

fn render_sweep(rows: &[SweepRow]) -> String {
    let dq = rows.iter().any(|r| r.label_precision_at_10.is_some());
    let mut out = format!(
        "\n{:<34} {:>7} {:>7} {:>7}{}\n",
        "fusion setting",
        "nDCG@10",
        "MRR@10",
        "R@100",
        if dq { "  label-P@10" } else { "" }
    );
    for r in rows {
        let name = if r.current {
            format!("{} (current)", r.setting)
        } else {
            r.setting.clone()
        };
        out.push_str(&format!(
            "{name:<34} {:>7.3} {:>7.3} {:>7.3}{}\n",
            r.ndcg_at_10,
            r.mrr_at_10,
            r.recall_at_100,
            r.label_precision_at_10
                .map(|p| format!("  {p:>10.3}"))
                .unwrap_or_default()
        ));
    }
    out
}

fn render_tuning(t: &Tuning, dir: &std::path::Path) -> String {
    let h = &t.held_out;
    format!(
        "\ntuned on all {} queries: {} ({} {:.3}); stored in {} (search and the TUI use it; flags override)\n\
         check, two-fold: chosen on one random half ({} / {}), scored on the other: hybrid {:.3}, bm25 {:.3}, vector {:.3}\n",
        h.queries,
        t.setting,
        t.metric.name(),
        t.value,
        dir.display(),
        h.settings[0],
        h.settings[1],
        h.hybrid,
        h.bm25,
        h.vector
    )
}
