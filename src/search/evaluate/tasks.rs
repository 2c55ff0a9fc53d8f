//! The search tasks evaluation runs: known items (titles find their documents), TREC topics
//! with judgments, and documents as queries (labels as relevance).

use super::*;

/// Known-item search: each document's title is the query, the document itself the target.
/// BM25 searches the text only (the title would give the answer away).
pub fn known_item_task(index: &SearchIndex) -> Result<Task> {
    let calibration = calibrate::calibration_documents(index);
    let queries: Vec<Judged> = index
        .documents()
        .iter()
        .enumerate()
        .filter(|(i, d)| index.is_alive(*i as u32) && d.starts_document())
        .filter(|(i, _)| !calibration.contains(&(*i as u32)))
        .filter_map(|(i, d)| {
            d.title
                .as_ref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| Judged {
                    id: d.id.clone(),
                    text: t.clone(),
                    relevant: Relevant::Graded(HashMap::from([(i as u32, 1)])),
                    as_document: None,
                })
        })
        .collect();
    if queries.is_empty() {
        return Err(Error::Usage(
            "the index has no titles: build it with --title-col to run known-item search".into(),
        ));
    }
    Ok(Task {
        name: format!("known-item (title as query){}", left_out(calibration.len())),
        queries,
        title: false,
        metric: Metric::MrrAt10,
    })
}

/// Each document's title as a query for that document (MRR@10).
pub fn known_item_titles(index: &SearchIndex) -> Result<SearchEval> {
    Ok(run(index, &known_item_task(index)?, &FusionOverrides::default())?.eval)
}

/// TREC topics (`qid<TAB>query`) and qrels (`qid 0 docid relevance`).
pub fn trec_task(index: &SearchIndex, topics: &Path, qrels: &Path) -> Result<Task> {
    let mut judgments: HashMap<String, HashMap<u32, u32>> = HashMap::new();
    let mut unknown_docs = 0;
    for (n, line) in read_small_text(qrels)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(qid), Some(doc), Some(rel)) = (
            f.first(),
            f.get(2),
            f.get(3).and_then(|r| r.parse::<i64>().ok()),
        ) else {
            return Err(Error::at_line(
                qrels,
                n as u64 + 1,
                "expected `qid 0 docid relevance`",
            ));
        };
        match index.doc_of(doc) {
            Some(d) if rel > 0 => {
                judgments
                    .entry(qid.to_string())
                    .or_default()
                    .insert(d, rel as u32);
            }
            Some(_) => {}
            None => unknown_docs += 1,
        }
    }
    let _ = unknown_docs;
    let mut queries = Vec::new();
    for (n, line) in read_small_text(topics)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((qid, text)) = line.split_once('\t') else {
            return Err(Error::at_line(
                topics,
                n as u64 + 1,
                "expected `qid<TAB>query text`",
            ));
        };
        if let Some(relevant) = judgments.get(qid.trim()) {
            queries.push(Judged {
                id: qid.trim().to_string(),
                text: text.to_string(),
                relevant: Relevant::Graded(relevant.clone()),
                as_document: None,
            });
        }
    }
    if queries.is_empty() {
        return Err(Error::in_file(
            topics,
            "no topic has a relevant document in the qrels (do the doc ids match the index's id column?)",
        ));
    }
    Ok(Task {
        name: "TREC topics".into(),
        queries,
        title: true,
        metric: Metric::NdcgAt10,
    })
}

/// The queries and judgments of TREC files (nDCG@10).
pub fn trec(index: &SearchIndex, topics: &Path, qrels: &Path) -> Result<SearchEval> {
    Ok(run(
        index,
        &trec_task(index, topics, qrels)?,
        &FusionOverrides::default(),
    )?
    .eval)
}

/// Every document's text as the query (itself excluded); the documents with its label are
/// the relevant ones, so precision@10 is label precision@10.
pub fn document_task(index: &SearchIndex) -> Result<Task> {
    let docs = index.documents();
    if docs.iter().all(|d| d.label.is_none()) {
        return Err(Error::Usage(
            "the index has no labels: build it with --label-col for --doc-queries".into(),
        ));
    }
    let calibration = calibrate::calibration_documents(index);
    let queries = docs
        .iter()
        .enumerate()
        .filter(|(i, d)| d.label.is_some() && index.is_alive(*i as u32) && d.starts_document())
        .filter(|(i, _)| !calibration.contains(&(*i as u32)))
        .map(|(i, d)| {
            Ok(Judged {
                id: d.id.clone(),
                text: index.text(i as u32)?,
                relevant: Relevant::Label(d.label.clone().unwrap_or_default()),
                as_document: Some(i as u32),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Task {
        name: format!("every document as a query{}", left_out(calibration.len())),
        queries,
        title: false,
        metric: Metric::LabelPrecisionAt10,
    })
}

/// Each document's text as a query for the others of its label (label precision@10).
pub fn document_queries(index: &SearchIndex) -> Result<SearchEval> {
    Ok(run(index, &document_task(index)?, &FusionOverrides::default())?.eval)
}

/// The note a task's name carries when the index's calibration sample was left out.
fn left_out(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(", the {n} documents fusion was calibrated on left out"),
    }
}
