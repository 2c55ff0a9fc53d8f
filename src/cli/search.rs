//! `wordlens index`, `search` and `eval-search`.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use wordlens::docvec::DocVecMethod;
use wordlens::search::folder_sync::FolderState;
use wordlens::search::{
    Fusion, FusionOverrides, Hit, Mode, Normalization, SearchIndex, SearchRequest,
};
use wordlens::text::{CorpusReader, CorpusSpec, TextSource};
use wordlens::{Error, Result};

use super::color::Styles;
use super::index_folder::{self, open};
use super::output::{print, print_json};
use super::progress_bar::Bar;
use super::vectors::resolve_source;
use super::{Context, deprecated_flag};
use wordlens::progress::Progress;

#[derive(Debug, Args, Clone)]
pub struct IndexArgs {
    /// CSV/TSV with a header, or a text file with one document per line.
    #[arg(long, value_name = "FILE", required_unless_present = "delete")]
    pub data: Option<PathBuf>,
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub title_col: Option<String>,
    #[command(flatten)]
    pub text: super::collection::TextArgs,
    #[arg(long, value_name = "NAME")]
    pub label_col: Option<String>,
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Add the documents to an existing index (its word vectors embed them) instead of rebuilding.
    #[arg(long, conflicts_with = "vectors")]
    pub append: bool,
    /// Delete the documents with these ids from an existing index.
    #[arg(long, value_delimiter = ',', value_name = "ID,...", conflicts_with_all = ["data", "append"])]
    pub delete: Vec<String>,
    /// Stem every token with this Snowball stemmer (english, french, ...) for BM25 and the
    /// vectors trained here (default: config's tokenizer.stem).
    #[arg(long, value_name = "LANGUAGE", conflicts_with_all = ["append", "delete"])]
    pub stem: Option<String>,
    /// How word vectors pool into document vectors and queries: mean, tfidf or sif (fitted on
    /// the collection; default: config's docvec.method). A static model pools its own tokens.
    #[arg(long, value_enum, conflicts_with_all = ["append", "delete"])]
    pub docvec: Option<DocVecMethod>,
    /// Cut documents longer than this many tokens into passages of at most this many, each
    /// searched on its own (0: never; default: config's index.passage_tokens).
    #[arg(long, value_name = "N", conflicts_with_all = ["append", "delete"])]
    pub passage_tokens: Option<usize>,
    /// Tokens each passage repeats from the one before (default: config's
    /// index.passage_overlap).
    #[arg(long, value_name = "N", conflicts_with_all = ["append", "delete"])]
    pub passage_overlap: Option<usize>,
    /// A folder indexed before into --index is updated in place (only files whose size, time
    /// and content changed are read again); --rebuild builds it anew instead.
    #[arg(long, conflicts_with_all = ["append", "delete"])]
    pub rebuild: bool,
    /// After indexing a folder, keep the index current as its files change (Ctrl-C stops).
    #[arg(long, conflicts_with_all = ["append", "delete"])]
    pub watch: bool,
    /// Cut only documents longer than this many tokens (default: config's index.split_above).
    #[arg(long, value_name = "N", conflicts_with_all = ["append", "delete"])]
    pub split_above: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    #[arg(long, value_enum, default_value = "hybrid")]
    pub mode: Mode,
    #[command(flatten)]
    pub fusion: FusionArgs,
    #[arg(short, long, default_value_t = 10)]
    pub k: usize,
    /// Only documents with this label.
    #[arg(long)]
    pub label: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Highlight matches with terminal styles: auto (on a terminal, unless NO_COLOR is set),
    /// always or never. `--json` carries the plain snippet and the matches' byte offsets.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: super::color::ColorChoice,
    /// Ask this engine collection instead (milvus://HOST:PORT/COLLECTION, made by `wordlens
    /// export` from this index): the query is encoded by the index's encoder; BM25 is the
    /// engine's over its analyzer (plain words: no phrases, fields or boosts).
    #[arg(long, value_name = "URI")]
    pub engine: Option<String>,
    /// The query: words, "phrases", field:term, term^boost.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
}

/// Hybrid mode's settings (defaults from config's `[search]`).
#[derive(Debug, Args)]
pub struct FusionArgs {
    /// Hybrid fusion: rrf or convex.
    #[arg(long, value_enum)]
    pub fusion: Option<Fusion>,
    /// Convex fusion's weight of the vector score, in [0, 1]; BM25 gets the rest (default:
    /// the index's tuned setting, else config's search.vector_weight).
    #[arg(long)]
    pub vector_weight: Option<f64>,
    /// Old name of --vector-weight (warns; to be removed).
    #[arg(long, hide = true, conflicts_with = "vector_weight")]
    pub alpha: Option<f64>,
    /// Convex fusion's score normalisation.
    #[arg(long, value_enum)]
    pub normalization: Option<Normalization>,
}

pub fn index(ctx: &Context, a: IndexArgs) -> Result<()> {
    if let Some((with_flags, a)) = settings_from_flags(ctx, &a)? {
        return index(&with_flags, a);
    }
    let config = &ctx.config;
    if !a.delete.is_empty() {
        let mut index = SearchIndex::open(&a.index, &config.search)?;
        let found = index.delete(&a.delete)?;
        return print(&format!(
            "deleted {found} of {} ids from {}\n",
            a.delete.len(),
            a.index.display()
        ));
    }
    let Some(data) = a.data.clone() else {
        return Err(Error::Usage("--data is required".into()));
    };
    let spec = CorpusSpec {
        label_col: a.label_col.clone(),
        id_col: a.id_col.clone(),
        title_col: a.title_col.clone(),
        ..a.text.spec(config, &data)
    };
    // The corpus streams through: neither the texts nor their tokens are held in memory.
    if a.append {
        let mut index = open(ctx, &a.index)?;
        let before = index.len();
        let mut source = CorpusReader::open(&spec)?;
        let added = index.add_from(&mut source, &Bar::new(ctx.quiet), &ctx.cancel)?;
        if added == 0 {
            return Err(Error::in_file(&data, "no documents to add"));
        }
        return print(&format!(
            "added {added} documents to {} ({} in all)\n",
            a.index.display(),
            before + added
        ));
    }
    // Settings given on the command line call for a new index; so does --rebuild.
    let settings_given = a.vectors.is_some() || ctx.segmenter_given;
    let known = match a.rebuild || settings_given {
        true => None,
        false => index_folder::same_folder(&a.index, &spec)?,
    };
    match known {
        Some(state) => {
            index_folder::update(ctx, &a.index, &spec, &state, true)?;
        }
        None => build(ctx, &a, &spec)?,
    }
    if a.watch {
        return index_folder::watch(ctx, &a.index, &spec);
    }
    Ok(())
}

/// The index settings flags (stemmer, pooling, passages) applied over config, with the flags
/// cleared; None when none was given. Such flags describe a new index: they rebuild it.
fn settings_from_flags(ctx: &Context, a: &IndexArgs) -> Result<Option<(Context, IndexArgs)>> {
    let given = a.stem.is_some()
        || a.docvec.is_some()
        || a.passage_tokens.is_some()
        || a.passage_overlap.is_some()
        || a.split_above.is_some();
    if !given {
        return Ok(None);
    }
    let mut config = ctx.config.clone();
    let passages = &mut config.index;
    passages.split_above = a.split_above.unwrap_or(passages.split_above);
    passages.passage_tokens = a.passage_tokens.unwrap_or(passages.passage_tokens);
    passages.passage_overlap = a.passage_overlap.unwrap_or(passages.passage_overlap);
    if let Some(language) = &a.stem {
        config.tokenizer.stem = language.clone();
    }
    if let Some(method) = a.docvec {
        config.docvec.method = method;
    }
    config.validate()?;
    let with_flags = Context {
        config,
        quiet: ctx.quiet,
        cancel: ctx.cancel.clone(),
        segmenter_given: ctx.segmenter_given,
    };
    let a = IndexArgs {
        stem: None,
        docvec: None,
        passage_tokens: None,
        passage_overlap: None,
        split_above: None,
        rebuild: true,
        ..a.clone()
    };
    Ok(Some((with_flags, a)))
}

/// A new index of `spec`'s documents in `a.index`, with vectors chosen for the collection.
fn build(ctx: &Context, a: &IndexArgs, spec: &CorpusSpec) -> Result<()> {
    let config = &ctx.config;
    // Check the file before a possibly long training run.
    let mut source = CorpusReader::open(spec)?;
    let sample: Vec<String> = CorpusReader::open(spec)?
        .take(wordlens::docvec::fit::SAMPLE_DOCS)
        .map(|d| d.map(|d| d.text))
        .collect::<Result<_>>()?;
    let sample: Vec<&str> = sample.iter().map(String::as_str).collect();
    let sources = super::vectors::sources_for(ctx, a.vectors.as_deref(), &sample)?;
    let resolved = resolve_source(ctx, &sources[0], &[TextSource::File(spec.clone())])?;
    let emb = resolved.encoder;
    let pooling = if emb.reads_text() {
        "the model's own pooling".to_string()
    } else {
        format!("{} of word vectors", config.docvec.method.name())
    };
    let started = std::time::Instant::now();
    let count = SearchIndex::build_from(
        &a.index,
        &mut source,
        emb,
        &config.index_settings(),
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    if source.is_folder() {
        FolderState::of(spec, source.take_stamps()).write(&a.index)?;
    }
    let built = SearchIndex::open(&a.index, &config.search)?;
    calibrate_fusion(ctx, &built)?;
    let stemmer = match built.stemmer() {
        "" => "no stemming".to_string(),
        s => format!("{s} stemmer"),
    };
    print(&format!(
        "indexed {count} documents into {} in {:.2} s (language: {}, {stemmer}; segmenter: {}; document vectors: {pooling})\n",
        a.index.display(),
        started.elapsed().as_secs_f64(),
        built.language(),
        built.tokenizer().segmenter().name(),
    ))
}

impl FusionArgs {
    /// The flags given, which win over the index's tuned setting and config's default.
    pub fn overrides(&self) -> Result<FusionOverrides> {
        let weight =
            deprecated_flag("--alpha", "--vector-weight", self.alpha).or(self.vector_weight);
        if let Some(w) = weight
            && !(0.0..=1.0).contains(&w)
        {
            return Err(Error::Usage("--vector-weight must be in [0, 1]".into()));
        }
        Ok(FusionOverrides {
            fusion: self.fusion,
            vector_weight: weight,
            normalization: self.normalization,
        })
    }
}

#[derive(Serialize)]
struct Hits<'a> {
    hits: &'a [Hit],
}

pub fn search(ctx: &Context, a: SearchArgs) -> Result<()> {
    let index = open(ctx, &a.index)?;
    let request = SearchRequest::new(a.query.join(" "), a.mode, a.k)
        .with_label(a.label.as_deref())
        .with_overrides(a.fusion.overrides()?);
    if let Some(uri) = &a.engine {
        return engine_search(&index, uri, &request, a.json);
    }
    let hits = index.search(&request)?;
    if a.json {
        return print_json(&Hits { hits: &hits });
    }
    print(&render_hits(&hits, Styles::new(a.color.enabled())))
}

/// Hits as text: a numbered title line with the scores, then the snippet with its matches
/// styled (or plain).
fn render_hits(hits: &[Hit], styles: Styles) -> String {
    let mut out = String::new();
    for (i, h) in hits.iter().enumerate() {
        let title = h.title.clone().unwrap_or_else(|| h.id.clone());
        let label = h
            .label
            .as_ref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let (bm25, cos) = h.breakdown();
        let passage = h
            .passage
            .map(|p| {
                format!(
                    "; line {}, passage {} of {}, {:.0}% of its score",
                    p.line,
                    p.part,
                    p.parts,
                    p.share * 100.0
                )
            })
            .unwrap_or_default();
        let details = format!(
            "(id {}{passage}; score {:.4}; {bm25}; {cos})",
            h.id, h.score
        );
        out.push_str(&format!(
            "{:>2}. {}{label}  {}\n",
            i + 1,
            styles.strong(&title),
            styles.dim(&details)
        ));
        // One line per hit: line breaks become spaces (same byte length, offsets hold).
        let snippet = h.snippet.replace(['\n', '\r'], " ");
        out.push_str(&format!("    {}\n", styles.highlight(&snippet, &h.matches)));
    }
    if hits.is_empty() {
        out.push_str("no results\n");
    }
    out
}

#[cfg(feature = "milvus")]
fn engine_search(
    index: &SearchIndex,
    uri: &str,
    request: &SearchRequest,
    json: bool,
) -> Result<()> {
    super::engine::search(index, uri, request, json)
}

#[cfg(not(feature = "milvus"))]
fn engine_search(_: &SearchIndex, _: &str, _: &SearchRequest, _: bool) -> Result<()> {
    Err(Error::Usage(
        "--engine: this wordlens was built without the `milvus` feature".into(),
    ))
}

/// Chooses the new index's fusion on pseudo-queries from its own documents (unless
/// `[search] calibrate` is off) and says what it chose.
fn calibrate_fusion(ctx: &Context, index: &SearchIndex) -> Result<()> {
    if !ctx.config.search.calibrate {
        return Ok(());
    }
    let default = ctx.config.search.fusion_setting();
    let spinner = Bar::new(ctx.quiet);
    spinner.report(&wordlens::progress::Report {
        stage: "calibrating fusion on the collection's own queries",
        done: 0,
        total: 1,
        metrics: &[],
    });
    let calibrated = wordlens::search::evaluate::calibrate::calibrate(index, default)?;
    spinner.finish("calibrating fusion");
    let Some(c) = calibrated else {
        return Ok(());
    };
    if !ctx.quiet {
        let tasks: Vec<String> = c
            .tasks
            .iter()
            .map(|t| {
                format!(
                    "{} {} {:.3} (default {:.3}, bm25 {:.3}, vector {:.3})",
                    t.name, t.metric, t.chosen, t.default, t.bm25, t.vector
                )
            })
            .collect();
        eprintln!(
            "fusion: calibrated {} (default {}) on {}",
            c.fusion.describe(),
            default.describe(),
            tasks.join("; ")
        );
    }
    index.store_calibrated(Some(c))
}
