//! `wordlens report`: the whole pipeline without a terminal UI — embedding scores, the
//! with-vs-without-embeddings comparison with significance and learning curve, and search
//! evaluation — as Markdown or JSON.

use clap::Args;
use serde::Serialize;
use wordlens::classify::compare::sources::{SourceRun, SourcesReport};
use wordlens::classify::compare::{CompareReport, Vectors};
use wordlens::dataset::Dataset;
use wordlens::docvec::encoder::Encoder;
use wordlens::search::SearchIndex;
use wordlens::search::evaluate::{self, SearchEval};
use wordlens::text::{CorpusReader, CorpusSpec, TextSource, Tokenizer};
use wordlens::{Error, Result};

use super::Context;
use super::collection::CollectionArgs;
use super::compare::{render as render_compare, render_sources};
use super::eval_embeddings::{EvalReport, evaluate, render as render_embeddings};
use super::eval_search::render_eval;
use super::output::{print, print_json};
use super::progress_bar::Bar;
use super::vectors::{for_comparison, resolve_source, sources_for};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub collection: CollectionArgs,
    #[arg(long, value_delimiter = ',', default_value = "0.01,0.05,0.1,0.25,1.0")]
    pub train_sizes: Vec<f64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    embeddings: EvalReport,
    /// The first source's comparison.
    classification: CompareReport,
    /// Every source side by side, when `--vectors` names several.
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<SourcesReport>,
    search: Vec<SearchEval>,
}

pub fn run(ctx: &Context, a: ReportArgs) -> Result<()> {
    let config = &ctx.config;
    let c = &a.collection;
    let bundled = c.bundled();
    let data_path = c.path(config);
    let label_col = c
        .column(&c.label_col, "category")
        .ok_or_else(|| Error::Usage("--label-col is required with --data".into()))?;
    // The bundled BBC news: titles and bodies to classify, bodies to search (titles are the
    // known-item queries).
    let (classify_cols, index_cols) = if bundled {
        (vec!["title".into(), "text".into()], vec!["text".into()])
    } else {
        (config.data.text_cols.clone(), config.data.text_cols.clone())
    };
    let spec = CorpusSpec {
        label_col: Some(label_col),
        ..c.text.spec_or(config, &data_path, &classify_cols)
    };
    let data = Dataset::load(&spec, &Tokenizer::new(&config.tokenizer)?)?;
    let bar = Bar::new(ctx.quiet);

    // 1. Word vectors (the first source) and their intrinsic scores. `trained` is trained
    // here on the whole collection for the scores and the index; its comparison retrains on
    // the training split only.
    let sample: Vec<&str> = data.texts.iter().map(String::as_str).collect();
    let sources = sources_for(ctx, c.vectors.as_deref(), &sample)?;
    let first = for_comparison(ctx, &sources[0])?;
    let emb = match &first {
        Vectors::Loaded(e) => e.clone(),
        Vectors::Train(_) => {
            resolve_source(ctx, &sources[0], &[TextSource::Texts(&data.texts)])?.encoder
        }
    };
    let embeddings = evaluate(&*emb.words()?, &config.eval_files())?;

    // 2. With vs without embeddings, per source (each opened once).
    let mut runs = Vec::new();
    let mut first = Some(first);
    for s in &sources {
        let vectors = match first.take() {
            Some(v) => v,
            None => for_comparison(ctx, s)?,
        };
        let report = config.held_out(&data, vectors, &a.train_sizes, &bar, &ctx.cancel)?;
        runs.push(SourceRun {
            source: s.short_name(),
            report,
        });
    }
    let classification = runs[0].report.clone();
    let sources = (runs.len() > 1)
        .then(|| SourcesReport::gather(runs, config.compare.bootstrap, config.compare.seed));

    // 3. Search: index the collection (titles stored apart) and evaluate every mode.
    let index_spec = CorpusSpec {
        label_col: spec.label_col.clone(),
        title_col: c.column(&c.title_col, "title"),
        id_col: c.column(&c.id_col, "id"),
        ..c.text.spec_or(config, &data_path, &index_cols)
    };
    let search = search_report(ctx, &index_spec, emb)?;

    let report = Report {
        embeddings,
        classification,
        sources,
        search,
    };
    if a.json {
        return print_json(&report);
    }
    print(&render(&report, &data_path))
}

/// Indexes the collection `spec` names with `emb` (in a temporary folder) and evaluates
/// every mode: known items when it has titles, and documents as queries.
fn search_report(ctx: &Context, spec: &CorpusSpec, emb: Encoder) -> Result<Vec<SearchEval>> {
    let config = &ctx.config;
    let docs: Vec<_> = CorpusReader::open(spec)?.collect::<Result<_>>()?;
    let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let index_dir = dir.path().join("index");
    let settings = config.index_settings();
    SearchIndex::build(
        &index_dir,
        &docs,
        emb,
        &settings,
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    let index = SearchIndex::open(&index_dir, &config.search)?;
    let mut search = Vec::new();
    if spec.title_col.is_some() {
        search.push(evaluate::known_item_titles(&index)?);
    }
    search.push(evaluate::document_queries(&index)?);
    Ok(search)
}

/// The report as Markdown.
fn render(report: &Report, data_path: &std::path::Path) -> String {
    let mut out = format!(
        "# wordlens report: {}\n\n## Word embeddings\n\n```\n",
        data_path.display()
    );
    out.push_str(&render_embeddings(&report.embeddings));
    out.push_str("```\n\n## Classification: with and without embeddings\n\n```\n");
    match &report.sources {
        Some(s) => out.push_str(&render_sources(s)),
        None => out.push_str(&render_compare(&report.classification)),
    }
    out.push_str("```\n\n## Search\n\n```\n");
    for s in &report.search {
        out.push_str(&render_eval(s));
        out.push('\n');
    }
    out.push_str("```\n");
    out
}
