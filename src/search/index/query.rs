//! BM25 queries: the user's text through tantivy's parser or as one flat disjunction, a
//! document's own tokens as a query, and running a query to (document, score) pairs.

use super::*;
use tantivy::collector::TopDocs;

/// Words only: nothing tantivy's query language would read as syntax. Punctuation that only
/// looks like syntax is text: a hyphen or plus inside a word (`five-year`, `c++`) — tantivy's
/// parser would make `five-year` the phrase "five year" — and a colon not after a field name
/// (`review: Harry Potter`). With them read as syntax, BBC known-item MRR@10 was 0.722; as
/// words, 0.735 (bench/README.md, "Search"). `-` and `+` starting a word mean "must not" and "must";
/// alone (`Taxes must be trusted - Kennedy`) they are dashes.
fn is_plain(query: &str) -> bool {
    const FIELDS: [&str; 4] = ["title:", "text:", "label:", "id:"];
    !query.contains(|c: char| "\"()^*~[]{}!\\/<>=".contains(c))
        && !query.split_whitespace().any(|w| {
            matches!(w, "AND" | "OR" | "NOT" | "IN")
                || (w.len() > 1 && w.starts_with(['-', '+']))
                || FIELDS.iter().any(|f| w.starts_with(f) && w.len() > f.len())
        })
}

impl SearchIndex {
    /// The user's query through tantivy's parser (field boosts, phrases, `field:term`); a
    /// query with syntax errors falls back to its plain terms instead of failing. Plain words
    /// skip the parser: one flat disjunction of term queries scores the same as the parser's
    /// nested one, and lets tantivy prune with block-max WAND (3x faster at 1M documents).
    pub(super) fn parse(&self, query: &str, title: bool) -> Box<dyn Query> {
        if is_plain(query) {
            return self.flat_query(&self.tokenizer.tokenize(query), title);
        }
        let mut fields = vec![self.fields.text];
        if title {
            fields.push(self.fields.title);
        }
        let mut parser = QueryParser::for_index(&self.index, fields);
        parser.set_field_boost(self.fields.title, self.config.title_boost);
        let (q, _errors) = parser.parse_query_lenient(&self.split_unspaced_words(query));
        q
    }

    /// The query with each unquoted word of an unspaced script (`经济发展`) written as its
    /// segmented words (`(经济 发展)`): tantivy's parser turns a word its analyzer splits
    /// into a phrase query (tantivy#718), which a Chinese query never meant. Quoted text
    /// stays a phrase.
    fn split_unspaced_words(&self, query: &str) -> String {
        let mut out = String::with_capacity(query.len() + 8);
        for (i, part) in query.split('"').enumerate() {
            if i > 0 {
                out.push('"');
            }
            if i % 2 == 1 {
                out.push_str(part);
                continue;
            }
            let words: Vec<String> = part
                .split(' ')
                .map(|word| self.split_unspaced_word(word))
                .collect();
            out.push_str(&words.join(" "));
        }
        out
    }

    fn split_unspaced_word(&self, word: &str) -> String {
        if word.is_ascii() || !word.chars().any(crate::text::segment::needs_segmenting) {
            return word.to_string();
        }
        // Keep a leading `+`/`-`, a `field:` prefix and a `^boost` suffix around the words.
        let body_start = word.find(':').map_or_else(
            || word.len() - word.trim_start_matches(['+', '-']).len(),
            |i| i + 1,
        );
        let body_end = word
            .rfind('^')
            .filter(|&i| i >= body_start)
            .unwrap_or(word.len());
        let tokens = self.tokenizer.tokenize(&word[body_start..body_end]);
        if tokens.len() < 2 {
            return word.to_string();
        }
        format!(
            "{}({}){}",
            &word[..body_start],
            tokens.join(" "),
            &word[body_end..]
        )
    }

    /// Each distinct token in the text field, and (boosted) in the title field.
    fn flat_query(&self, tokens: &[String], title: bool) -> Box<dyn Query> {
        let unique: Vec<&String> = {
            let mut seen = HashSet::new();
            tokens.iter().filter(|t| seen.insert(*t)).collect()
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in unique {
            let term = Term::from_field_text(self.fields.text, t);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
            if title {
                let term = Term::from_field_text(self.fields.title, t);
                let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), self.config.title_boost)),
                ));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A disjunction of the document's distinct tokens (for document-as-query evaluation), in
    /// the order they first appear: a hash set's order changes from one set to the next, and
    /// with it the order BM25's float sums are added in, which flipped near-ties between two
    /// evaluations of the same index (`fusion::tuning_is_stored_used_and_overridden`).
    fn terms_query(&self, tokens: &[String]) -> Box<dyn Query> {
        let mut seen = HashSet::new();
        let clauses: Vec<(Occur, Box<dyn Query>)> = tokens
            .iter()
            .filter(|t| seen.insert(*t))
            .map(|t| {
                let term = Term::from_field_text(self.fields.text, t);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    pub(super) fn run_bm25(&self, query: &dyn Query, k: usize) -> Result<Vec<(u32, f32)>> {
        let searcher = self.reader.searcher();
        let top = searcher
            .search(query, &TopDocs::with_limit(k.max(1)))
            .map_err(tantivy_error(&self.dir))?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let ords = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("ord")
                .map_err(tantivy_error(&self.dir))?;
            if let Some(o) = ords
                .first(addr.doc_id)
                .filter(|&o| (o as usize) < self.meta.documents.len())
            {
                out.push((o as u32, score));
            }
        }
        // Equal scores (twins) in document order, as the peers break ties: tantivy's own order
        // follows the segment layout, which differs between a streamed and an in-memory build.
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Parses a query as `search` does, for evaluation (`title`: also search the title field).
    pub fn query(&self, text: &str, title: bool) -> Box<dyn Query> {
        self.parse(text, title)
    }

    /// The document's own tokens as a query (for document-as-query evaluation).
    pub fn document_query(&self, tokens: &[String]) -> Box<dyn Query> {
        self.terms_query(tokens)
    }
}

impl SearchIndex {
    /// The highest BM25 score any document could reach for `query`: for each distinct term,
    /// its idf × (k1 + 1) — the limit of the term's score as its frequency grows — times the
    /// title boost for title terms. Same idf as tantivy's (documents counted with deletions).
    pub fn bm25_bound(&self, query: &dyn Query) -> f32 {
        const K1: f32 = 1.2;
        let searcher = self.reader.searcher();
        let docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|s| s.max_doc() as u64)
            .sum();
        // Ordered, so the f32 sum is the same on every run (a HashSet's order is random).
        let mut terms: std::collections::BTreeSet<&Term> = std::collections::BTreeSet::new();
        query.query_terms(&mut |t, _| {
            terms.insert(t);
        });
        terms
            .into_iter()
            .map(|t| {
                let boost = if t.field() == self.fields.title {
                    self.config.title_boost
                } else if t.field() == self.fields.text {
                    1.0
                } else {
                    return 0.0;
                };
                let df = searcher.doc_freq(t).unwrap_or(0).min(docs);
                if df == 0 {
                    return 0.0;
                }
                let idf = (1.0 + ((docs - df) as f32 + 0.5) / (df as f32 + 0.5)).ln();
                idf * (1.0 + K1) * boost
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::is_plain;

    #[test]
    fn punctuation_inside_words_is_text_and_syntax_is_syntax() {
        for plain in [
            "India's rupee hits five-year high",
            "Taxes must be trusted - Kennedy",
            "DVD review: Harry Potter",
            "c++ compilers",
        ] {
            assert!(is_plain(plain), "{plain}");
        }
        for syntax in [
            "title:oil",
            "oil -prices",
            "+oil prices",
            "\"oil prices\"",
            "oil^2",
            "oil AND gas",
        ] {
            assert!(!is_plain(syntax), "{syntax}");
        }
    }
}
