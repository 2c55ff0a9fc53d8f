//! Export (x): the Search tab's results with their scores to CSV, written at once; the
//! Classify tab's predictions of the whole collection, written by a job.

use std::path::PathBuf;

use super::*;
use crate::fsutil::atomic_write;

/// `text` as a file-name part: letters and digits, the rest as single dashes.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(40).collect();
    if out.is_empty() { "all".into() } else { out }
}

impl App {
    /// x: exports what the current tab shows, naming the file written in the notice.
    pub(super) fn export(&mut self) {
        match self.tab {
            Tab::Search => match self.export_hits() {
                Ok(Some((path, n))) => {
                    self.status.notice = Some(format!("wrote {n} results to {}", path.display()))
                }
                Ok(None) => self.status.notice = Some("no results to export; type a query".into()),
                Err(e) => self.status.errors.push(format!("export: {e}")),
            },
            Tab::Classify if self.loaded.classifier.is_some() => {
                let stem = std::path::Path::new(&self.status.data_name)
                    .file_stem()
                    .map_or("collection".into(), |s| s.to_string_lossy().into_owned());
                let out = self.export_dir.join(format!("{stem}-predictions.csv"));
                self.status
                    .jobs
                    .insert(JobKind::Export, JobStatus::default());
                self.status.notice =
                    Some(format!("labelling the collection into {}", out.display()));
                self.requests.push(Request::ExportPredictions(out));
            }
            Tab::Classify => {
                self.status.notice =
                    Some("the classifier is not ready yet (see the status bar)".into())
            }
            _ => self.status.notice = Some("x exports on the Search and Classify tabs".into()),
        }
    }

    /// Writes the hits as `wordlens-search-<query>.csv`: rank, id, title, label, the mode's
    /// score, BM25 and cosine with their ranks, and the snippet.
    fn export_hits(&self) -> crate::Result<Option<(PathBuf, usize)>> {
        if self.search.hits.is_empty() {
            return Ok(None);
        }
        let path = self
            .export_dir
            .join(format!("wordlens-search-{}.csv", slug(&self.search.query)));
        let mode = format!("{:?}", self.search.mode()).to_lowercase();
        atomic_write(&path, |w| {
            let mut out = csv::Writer::from_writer(w);
            out.write_record([
                "rank",
                "id",
                "title",
                "label",
                "mode",
                "score",
                "bm25",
                "bm25_rank",
                "cosine",
                "vector_rank",
                "snippet",
            ])?;
            let opt = |v: Option<String>| v.unwrap_or_default();
            for (i, h) in self.search.hits.iter().enumerate() {
                out.write_record([
                    (i + 1).to_string(),
                    h.id.clone(),
                    opt(h.title.clone()),
                    opt(h.label.clone()),
                    mode.clone(),
                    format!("{:.6}", h.score),
                    opt(h.bm25.map(|v| format!("{v:.6}"))),
                    opt(h.bm25_rank.map(|r| r.to_string())),
                    opt(h.cosine.map(|v| format!("{v:.6}"))),
                    opt(h.vector_rank.map(|r| r.to_string())),
                    h.snippet.clone(),
                ])?;
            }
            out.flush()
        })?;
        Ok(Some((path, self.search.hits.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_query() {
        assert_eq!(slug("Oil prices, OPEC!"), "oil-prices-opec");
        assert_eq!(slug("  "), "all");
    }
}
