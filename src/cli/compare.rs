//! `wordlens compare`: bag-of-words vs embeddings vs both on the same split, with
//! significance and an optional learning curve.

use std::path::PathBuf;

use clap::Args;
use wordlens::Result;
use wordlens::classify::compare::sources::{SourceRun, SourcesReport};
use wordlens::classify::compare::{CompareReport, CurvePoint, Experiment, TestRow, Vectors};
use wordlens::dataset::{self, Dataset};
use wordlens::text::Tokenizer;

use super::Context;
use super::classify::DataArgs;
use super::output::{print, print_json};
use super::progress_bar::Bar;

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Split file: CSV with `row` (0-based data row) and `split` (train/test) columns.
    #[arg(long, value_name = "FILE", conflicts_with = "folds")]
    pub split: Option<PathBuf>,
    /// Stratified k-fold cross-validation instead of one split.
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
    /// Vector sources, comma-separated, compared side by side on the same split: `default` (the
    /// bundled model), `trained` (word2vec on each training split + the background corpus, never
    /// on test rows), vectors files, model folders, hub names. Default: config's [vectors] default.
    #[arg(long, value_name = "SOURCE,...")]
    pub vectors: Option<String>,
    /// Learning curve: repeat every method on these shares of the training split.
    #[arg(long, value_delimiter = ',', value_name = "F,...")]
    pub train_sizes: Vec<f64>,
    /// Weight classes inversely to their frequency.
    #[arg(long)]
    pub balanced: bool,
    /// Keep the fixed C, bigrams and dense_scale of the config instead of choosing them by inner
    /// cross-validation on the training rows.
    #[arg(long)]
    pub no_tune: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, a: CompareArgs) -> Result<()> {
    let config = &ctx.config;
    if let Some(bad) = a.train_sizes.iter().find(|&&f| !(f > 0.0 && f <= 1.0)) {
        return Err(wordlens::Error::Usage(format!(
            "--train-sizes: {bad} is not in (0, 1]"
        )));
    }
    let data = Dataset::load(&a.data.spec(config), &Tokenizer::new(&config.tokenizer)?)?;
    data.require_two_classes()?;
    let (splits, split_name) = match (&a.split, a.folds) {
        (Some(path), _) => (
            vec![dataset::from_file(path, data.len())?],
            format!("split file {}", path.display()),
        ),
        (None, Some(k)) => (
            dataset::k_fold(&data.y, &data.labels, k, config.compare.seed)?,
            format!("stratified {k}-fold"),
        ),
        (None, None) => (
            vec![dataset::stratified(
                &data.y,
                data.labels.len(),
                config.compare.test_fraction,
                config.compare.seed,
            )],
            format!(
                "stratified {:.0}/{:.0}, seed {}",
                100.0 * (1.0 - config.compare.test_fraction),
                100.0 * config.compare.test_fraction,
                config.compare.seed
            ),
        ),
    };
    let sample: Vec<&str> = data.texts.iter().map(String::as_str).collect();
    let sources = super::vectors::sources_for(ctx, a.vectors.as_deref(), &sample)?;
    // Every source opens (or is found to be trained) before any comparison runs.
    let vectors: Vec<Vectors> = sources
        .iter()
        .map(|s| super::vectors::for_comparison(ctx, s))
        .collect::<Result<_>>()?;
    let mut logreg = config.logreg.clone();
    logreg.balanced |= a.balanced;
    let mut compare = config.compare.clone();
    compare.tune.enabled &= !a.no_tune;
    let mut runs = Vec::new();
    for (source, vectors) in sources.iter().zip(vectors) {
        let experiment = Experiment {
            data: &data,
            tokenizer: &config.tokenizer,
            bow: &config.bow,
            docvec: &config.docvec,
            logreg: &logreg,
            compare: &compare,
            vectors,
        };
        let report = experiment.run(
            &splits,
            &split_name,
            &a.train_sizes,
            &Bar::new(ctx.quiet),
            &ctx.cancel,
        )?;
        runs.push(SourceRun {
            source: source.short_name(),
            report,
        });
    }
    if let [one] = runs.as_slice() {
        return match a.json {
            true => print_json(&one.report),
            false => print(&render(&one.report)),
        };
    }
    let report = SourcesReport::gather(runs, compare.bootstrap, compare.seed);
    match a.json {
        true => print_json(&report),
        false => print(&render_sources(&report)),
    }
}

/// Several sources: what each is, the method × source table, each source's best method
/// against bag-of-words, the two best sources against each other, and the learning curves.
pub fn render_sources(r: &SourcesReport) -> String {
    let Some(first) = r.sources.first() else {
        return String::new();
    };
    let f = &first.report;
    let mut out = format!(
        "dataset: {} — {} rows, {} classes\nsplit: {} — train {}, test {}\n\nsources\n",
        f.dataset,
        f.summary.rows,
        f.summary.classes.len(),
        f.split,
        f.train,
        f.test
    );
    let width = r
        .sources
        .iter()
        .map(|s| s.source.len())
        .max()
        .unwrap_or(0)
        .max(10);
    for s in &r.sources {
        let e = &s.report.embeddings;
        out.push_str(&format!(
            "  {:<width$}  {} — {} × {}, {:.1} s making vectors; {:.1}% test coverage\n",
            s.source,
            e.source,
            e.vocab,
            e.dim,
            e.train_seconds,
            100.0 * e.test_coverage
        ));
    }
    out.push_str(&format!("\n{:<18}", "accuracy"));
    for s in &r.sources {
        out.push_str(&format!(" {:>width$}", s.source));
    }
    out.push('\n');
    for row in &r.table {
        out.push_str(&format!("{:<18}", row.method));
        for a in &row.accuracy {
            out.push_str(&format!(" {a:>width$.4}"));
        }
        out.push('\n');
    }
    out.push_str("\neach source's best method vs bow (accuracy difference [95% CI], McNemar p)\n");
    for s in &r.sources {
        let best = s
            .report
            .tests
            .iter()
            .max_by(|a, b| a.difference.total_cmp(&b.difference));
        if let Some(t) = best {
            out.push_str(&format!(
                "  {:<width$}  {:<18} {}\n",
                s.source,
                t.method,
                test_line(t)
            ));
        }
    }
    if let Some(t) = &r.between {
        out.push_str(&format!(
            "\nbest two sources: {} vs {}: {}\n",
            t.method,
            t.baseline,
            test_line(t)
        ));
    }
    if !first.report.learning_curve.is_empty() {
        render_sources_curve(r, &mut out);
    }
    out
}

/// The learning curve of every source's methods (bag-of-words once).
fn render_sources_curve(r: &SourcesReport, out: &mut String) {
    let Some(first) = r.sources.first() else {
        return;
    };
    let fractions = curve_heading(&first.report.learning_curve, "method@source", 30, out);
    for (i, s) in r.sources.iter().enumerate() {
        for m in &s.report.methods {
            // bag-of-words is the same under every source: once.
            if m.name == "bow" && i > 0 {
                continue;
            }
            let label = if m.name == "bow" {
                "bow".to_string()
            } else {
                format!("{}@{}", m.name, s.source)
            };
            out.push_str(&format!("{label:<30}"));
            for fr in &fractions {
                let acc = s
                    .report
                    .learning_curve
                    .iter()
                    .find(|p| p.fraction == *fr && p.method == m.name)
                    .map_or(f64::NAN, |p| p.accuracy);
                out.push_str(&format!(" {acc:>12.4}"));
            }
            out.push('\n');
        }
    }
}

/// Writes the learning curve's title and column heads (share of the training split and its
/// rows) after a first column `label` of `width`; returns the shares in order.
fn curve_heading(curve: &[CurvePoint], label: &str, width: usize, out: &mut String) -> Vec<f64> {
    let mut fractions: Vec<f64> = curve.iter().map(|p| p.fraction).collect();
    fractions.dedup();
    out.push_str("\nlearning curve (test accuracy by share of the training split)\n");
    out.push_str(&format!("{label:<width$}"));
    for f in &fractions {
        let rows = curve
            .iter()
            .find(|p| p.fraction == *f)
            .map_or(0, |p| p.train_rows);
        out.push_str(&format!(" {:>12}", format!("{f} ({rows})")));
    }
    out.push('\n');
    fractions
}

fn test_line(t: &TestRow) -> String {
    format!(
        "{:+.1} pts [{:+.1}, {:+.1}], p = {:.3}{}",
        100.0 * t.difference,
        100.0 * t.ci_low,
        100.0 * t.ci_high,
        t.p_value,
        if t.significant {
            " (significant)"
        } else {
            " (not significant)"
        }
    )
}

pub fn render(r: &CompareReport) -> String {
    let s = &r.summary;
    let classes: Vec<String> = s.classes.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let mut out = format!(
        "dataset: {} — {} rows, {} classes ({})\n",
        r.dataset,
        s.rows,
        s.classes.len(),
        classes.join(", ")
    );
    if s.empty_labels + s.empty_texts > 0 {
        out.push_str(&format!(
            "  skipped for training: {} rows with an empty label, {} with no token\n",
            s.empty_labels, s.empty_texts
        ));
    }
    out.push_str(&format!(
        "split: {} — train {}, test {}; {} test rows have an identical text in the training rows\n",
        r.split, r.train, r.test, r.test_duplicates_in_train
    ));
    let e = &r.embeddings;
    out.push_str(&format!(
        "embeddings: {} — {} words × {}, {:.1} s; {:.1}% of test tokens have a vector\n\n",
        e.source,
        e.vocab,
        e.dim,
        e.train_seconds,
        100.0 * e.test_coverage
    ));
    render_methods(r, &mut out);
    render_choices(r, &mut out);
    render_curve(r, &mut out);
    out
}

/// Each method's row, with its test against bag-of-words.
fn render_methods(r: &CompareReport, out: &mut String) {
    out.push_str(&format!(
        "{:<18} {:>8} {:>8} {:>8} {:>6} {:>7}   {}\n",
        "method",
        "accuracy",
        "macro-F1",
        "log loss",
        "ECE",
        "fit s",
        "vs bow: accuracy difference [95% CI], McNemar p"
    ));
    for m in &r.methods {
        let test = r.tests.iter().find(|t| t.method == m.name);
        let vs = test.map_or_else(|| "—".to_string(), test_line);
        let std = m
            .accuracy_std
            .map(|s| format!(" ±{s:.3}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:<18} {:>8.4} {:>8.4} {:>8.4} {:>6.3} {:>7.2}   {vs}{std}{}\n",
            m.name,
            m.accuracy,
            m.macro_f1,
            m.log_loss.unwrap_or(f64::NAN),
            m.calibration.as_ref().map_or(f64::NAN, |c| c.ece),
            m.fit_seconds,
            if m.converged { "" } else { " (not converged)" }
        ));
    }
}

/// What tuning chose per method, and where bag-of-words and the best method disagree.
fn render_choices(r: &CompareReport, out: &mut String) {
    let tuned: Vec<String> = r
        .methods
        .iter()
        .filter_map(|m| m.tuned.as_ref().map(|t| (m, t)))
        .map(|(m, t)| {
            format!(
                "  {:<18} {} (inner-CV accuracy {:.4})\n",
                m.name,
                t.describe(),
                t.cv_accuracy
            )
        })
        .collect();
    if let Some(folds) = r
        .methods
        .iter()
        .find_map(|m| m.tuned.as_ref().map(|t| t.folds))
    {
        out.push_str(&format!(
            "\nchosen by {folds}-fold cross-validation on the training rows (--no-tune: fixed settings)\n{}",
            tuned.concat()
        ));
    }
    if let Some(d) = &r.disagreements {
        let m = &d.method;
        out.push_str(&format!(
            "\nbow and {m} disagree on {} test rows: {m} right and bow wrong {}, bow right and {m} wrong {} (McNemar's b and c; the rows: --json \"disagreements\")\n",
            d.rows.len(),
            d.method_right_bow_wrong,
            d.bow_right_method_wrong
        ));
    }
}

/// The learning curve, and what tuning chose at each size.
fn render_curve(r: &CompareReport, out: &mut String) {
    if !r.learning_curve.is_empty() {
        let fractions = curve_heading(&r.learning_curve, "method", 18, out);
        for m in &r.methods {
            out.push_str(&format!("{:<18}", m.name));
            for f in &fractions {
                let acc = r
                    .learning_curve
                    .iter()
                    .find(|p| p.fraction == *f && p.method == m.name)
                    .map_or(f64::NAN, |p| p.accuracy);
                out.push_str(&format!(" {acc:>12.4}"));
            }
            out.push('\n');
        }
        if r.learning_curve.iter().any(|p| p.tuned.is_some()) {
            out.push_str("\nchosen at each size (inner cross-validation)\n");
            for m in &r.methods {
                let chosen: Vec<String> = fractions
                    .iter()
                    .map(|f| {
                        r.learning_curve
                            .iter()
                            .find(|p| p.fraction == *f && p.method == m.name)
                            .and_then(|p| p.tuned.as_ref())
                            .map_or("fixed".into(), |t| t.describe())
                    })
                    .collect();
                out.push_str(&format!("{:<18} {}\n", m.name, chosen.join(" | ")));
            }
        }
    }
}
