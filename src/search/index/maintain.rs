//! Changing a built index: adding documents, deleting them, storing a tuned fusion. Tantivy
//! commits first, then our files are replaced atomically, so a crash leaves a usable index;
//! the document-address table is rebuilt after every commit (merges move documents).

use super::*;

impl SearchIndex {
    /// Adds documents to the index (vectors from the index's own word vectors), committing
    /// tantivy first and then the vector and metadata files, each atomically. Returns how many.
    pub fn add(
        &mut self,
        docs: &[Document],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<usize> {
        self.add_from(&mut DocumentList::new(docs), progress, cancel)
    }

    /// `add` for documents read as they come (see `build_from`).
    pub fn add_from(
        &mut self,
        source: &mut dyn DocumentSource,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<usize> {
        self.replace(&[], source, progress, cancel)
    }

    /// Deletes the documents with ids `gone` and adds those of `source`, in one commit (a
    /// re-indexed file's old and new documents never both answer). Returns how many were added.
    pub fn replace(
        &mut self,
        gone: &[String],
        source: &mut dyn DocumentSource,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<usize> {
        let dir = self.dir.clone();
        let mut writer: IndexWriter = self
            .index
            .writer(self.config.writer_memory_mb << 20)
            .map_err(tantivy_error(&dir))?;
        for &o in &self.orphans {
            writer.delete_term(Term::from_field_u64(self.fields.ord, o));
        }
        for id in gone {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        let first = self.meta.documents.len();
        let dim = self.vectors.dim;
        let path = dir.join("vectors.bin");
        // The new file (old vectors, then the new ones) replaces the old only after tantivy's
        // commit; a crash before leaves the old file, and tantivy's extra documents are orphans.
        let mut vectors_file = DocVectorWriter::create(&path, dim)?;
        for row in self.vectors.data()[..first * dim].chunks(dim.max(1)) {
            vectors_file.push(row)?;
        }
        let to = Destination {
            writer: &mut writer,
            fields: &self.fields,
            vectors: &mut vectors_file,
            dir: &dir,
        };
        let how = Vectorizing {
            tokenizer: &self.tokenizer,
            docvec: &self.meta.docvec,
            encoder: &self.encoder,
            passages: &self.meta.passages,
        };
        let documents = ingest(to, how, source, first as u64, progress, cancel)?;
        writer.wait_merging_threads().map_err(tantivy_error(&dir))?;
        vectors_file.finish()?;
        let added = documents.len();
        let whole = documents.iter().filter(|d| d.starts_document()).count();
        self.vectors = DocVectors::read(&path, first + added, dim)?;
        self.has_passages |= documents.iter().any(|d| d.passage.is_some());
        self.meta.documents.extend(documents);
        self.meta.tuned = self.tuned();
        write_meta(&dir.join("meta.json"), &self.meta)?;
        self.refresh()?;
        Ok(whole)
    }

    /// Deletes the documents with these ids; returns how many were found.
    pub fn delete(&mut self, ids: &[String]) -> Result<usize> {
        let dir = self.dir.clone();
        let found = ids.iter().filter(|id| self.doc_of(id).is_some()).count();
        let mut writer: IndexWriter = self
            .index
            .writer(self.config.writer_memory_mb << 20)
            .map_err(tantivy_error(&dir))?;
        for id in ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        writer.commit().map_err(tantivy_error(&dir))?;
        writer.wait_merging_threads().map_err(tantivy_error(&dir))?;
        self.refresh()?;
        Ok(found)
    }

    /// Stores (or with None, forgets) the fusion `eval-search --tune` chose; `search` and the
    /// TUI use it from then on unless flags override it.
    pub fn store_tuned(&self, setting: Option<FusionSetting>) -> Result<()> {
        let mut meta = self.meta.clone();
        meta.tuned = setting;
        meta.calibrated = self.calibrated();
        write_meta(&self.dir.join("meta.json"), &meta)?;
        *self.tuned.write().unwrap_or_else(|e| e.into_inner()) = setting;
        Ok(())
    }

    /// Where `fusion` comes from: "tuned", "calibrated" or "default".
    pub fn fusion_source(&self) -> &'static str {
        match (self.tuned(), self.calibrated()) {
            (Some(_), _) => "tuned",
            (None, Some(_)) if self.config.calibrate => "calibrated",
            _ => "default",
        }
    }

    /// The fusion this index calibrated on its own documents, if it did.
    pub fn calibrated(&self) -> Option<Calibrated> {
        self.calibrated
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stores the fusion chosen on the collection's own pseudo-queries.
    pub fn store_calibrated(&self, calibrated: Option<Calibrated>) -> Result<()> {
        let mut meta = self.meta.clone();
        meta.tuned = self.tuned();
        meta.calibrated = calibrated.clone();
        write_meta(&self.dir.join("meta.json"), &meta)?;
        *self.calibrated.write().unwrap_or_else(|e| e.into_inner()) = calibrated;
        Ok(())
    }

    /// Sees tantivy's latest commit and rebuilds the table from document numbers to tantivy
    /// addresses: a commit adds segments and a merge renumbers documents, so addresses taken
    /// before are stale.
    fn refresh(&mut self) -> Result<()> {
        self.reader.reload().map_err(tantivy_error(&self.dir))?;
        let (addresses, orphans) = addresses(
            &self.reader.searcher(),
            self.meta.documents.len(),
            &self.dir,
        )?;
        self.addresses = addresses;
        self.orphans = orphans;
        Ok(())
    }
}
