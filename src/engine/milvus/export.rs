//! Export: an index's documents written into the collection in batches, resumable and
//! idempotent by id, refused for another model.

use super::*;

impl Milvus {
    // Over 80 lines: one resumable export: check the record, create, skip ids already there, write
    // batches, then the record.
    /// Exports `index`'s live documents: creates the collection (or, for a collection holding
    /// an export of the same index, sends only what is missing and deletes what the index no
    /// longer has), in batches with progress; `replace` first drops a collection holding
    /// something else.
    pub fn export(
        &self,
        index: &SearchIndex,
        replace: bool,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<ExportReport> {
        let started = Instant::now();
        // One row per document: a document cut into passages is sent whole, with the mean of
        // its passages' vectors (the engine's ids are unique).
        let live: Vec<u32> = (0..index.documents().len() as u32)
            .filter(|&d| index.is_alive(d) && index.documents()[d as usize].starts_document())
            .collect();
        let record = ExportRecord {
            model: index.encoder().describe(),
            fingerprint: index.encoder_fingerprint()?,
            dim: index.encoder().dim(),
        };
        // Only a collection wordlens did not make is dropped for --replace; an engine that
        // fails to answer stops the export.
        let existing = match self.stored()? {
            Stored::Foreign if replace => {
                self.drop_collection()?;
                None
            }
            Stored::Foreign => return Err(self.foreign()),
            Stored::Missing => None,
            Stored::Export(r) => Some(r),
        };
        let same = |r: &ExportRecord| r.fingerprint == record.fingerprint && r.dim == record.dim;
        let existing = match existing {
            Some(r) if !same(&r) && !replace => {
                return Err(Error::remote(
                    self.uri.to_string(),
                    format!(
                        "already holds an export of another model or index ({}, {} dimensions, \
                         fingerprint {}); this index: {}, {} dimensions, fingerprint {}: \
                         export with --replace to rebuild it, or choose another collection",
                        r.model, r.dim, r.fingerprint, record.model, record.dim, record.fingerprint
                    ),
                ));
            }
            Some(r) if !same(&r) || replace => {
                self.drop_collection()?;
                None
            }
            other => other,
        };
        let created = existing.is_none();
        let present = if created {
            self.create(&record)?;
            HashSet::new()
        } else {
            self.load()?;
            self.ids()?
        };
        let wanted: HashSet<&str> = live
            .iter()
            .map(|&d| index.documents()[d as usize].id.as_str())
            .collect();
        let stale: Vec<String> = present
            .iter()
            .filter(|id| !wanted.contains(id.as_str()))
            .cloned()
            .collect();
        self.delete(&stale)?;
        let todo: Vec<u32> = live
            .iter()
            .copied()
            .filter(|&d| !present.contains(&index.documents()[d as usize].id))
            .collect();
        let mut truncated = 0;
        for (b, batch) in todo.chunks(BATCH).enumerate() {
            cancel.check()?;
            let mut rows = Vec::with_capacity(batch.len());
            for &d in batch {
                let (row, cut) = self.row(index, d)?;
                truncated += cut as usize;
                rows.push(row);
            }
            let request = InsertRequest::builder()
                .collection_name(self.name())
                .rows(rows)
                .build()
                .map_err(request_error)?;
            self.call("insert", self.client.insert(request))?;
            progress.report(&Report {
                stage: "exporting",
                done: ((b + 1) * BATCH).min(todo.len()) as u64,
                total: todo.len() as u64,
                metrics: &[],
            });
        }
        progress.finish("exporting");
        let total = self.count()?;
        if total != live.len() {
            return Err(Error::remote(
                self.uri.to_string(),
                format!(
                    "holds {total} documents after the export; the index has {}: run the export again",
                    live.len()
                ),
            ));
        }
        Ok(ExportReport {
            collection: self.uri.to_string(),
            written: todo.len(),
            skipped: live.len() - todo.len(),
            total,
            truncated,
            created,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// One document as a row, and whether its text was cut to `TEXT_MAX_BYTES`.
    fn row(&self, index: &SearchIndex, doc: u32) -> Result<(serde_json::Value, bool)> {
        let info = &index.documents()[doc as usize];
        if info.id.len() > ID_MAX_BYTES {
            return Err(Error::Usage(format!(
                "document id {:?}… is longer than the {ID_MAX_BYTES} bytes Milvus keeps",
                info.id.chars().take(40).collect::<String>()
            )));
        }
        let text = index.text(doc)?;
        let (text, cut) = cut_at(&text, TEXT_MAX_BYTES);
        let title = info.title.as_deref().unwrap_or("");
        let (title, _) = cut_at(title, TEXT_MAX_BYTES);
        // A document without a vector (no token had one) is stored as zeros: it is never a
        // cosine neighbour, as in wordlens.
        let vector = index
            .document_vector(doc)
            .unwrap_or_else(|| vec![0.0; index.encoder().dim()]);
        Ok((
            json!({
                F_ID: info.id,
                F_TITLE: title,
                F_LABEL: info.label.as_deref().unwrap_or(""),
                F_TEXT: text,
                F_DENSE: vector,
            }),
            cut,
        ))
    }

    fn delete(&self, ids: &[String]) -> Result<()> {
        for chunk in ids.chunks(1_000) {
            let list: Vec<String> = chunk.iter().map(|id| quoted(id)).collect();
            let request = DeleteRequest::builder()
                .collection_name(self.name())
                .filter(format!("{F_ID} in [{}]", list.join(", ")))
                .build()
                .map_err(request_error)?;
            self.call("delete", self.client.delete(request))?;
        }
        Ok(())
    }
}
