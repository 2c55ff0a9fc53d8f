//! JSON Lines (`.jsonl`, `.ndjson`): one object per line; the text, id, title and label are
//! keys of it, and a dotted name (`meta.id`) reaches a nested key.

use std::io::BufRead;
use std::path::PathBuf;

use serde_json::Value;

use crate::error::{Error, Result};

use super::{CorpusSpec, Document, decode};

pub(crate) struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    path: PathBuf,
    line: u64,
    row: u64,
    buf: Vec<u8>,
    text_keys: Vec<String>,
    id_key: Option<String>,
    title_key: Option<String>,
    label_key: Option<String>,
}

/// The value at `key` in `object`: the key itself when the object has it (keys may hold
/// dots), else the dotted path through nested objects.
fn lookup<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    if let Some(v) = object.get(key) {
        return Some(v);
    }
    key.split('.').try_fold(object, |v, part| match v {
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => v.get(part),
    })
}

/// A value as document text: strings as they are, numbers and booleans written out, arrays
/// of them joined by blank lines (paragraphs); None for null and objects.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(as_text).collect();
            parts.map(|p| p.join("\n\n"))
        }
        Value::Null | Value::Object(_) => None,
    }
}

impl JsonLines {
    pub(crate) fn new(reader: Box<dyn BufRead + Send>, spec: &CorpusSpec) -> Self {
        Self {
            reader,
            path: spec.path.clone(),
            line: 0,
            row: 0,
            buf: Vec::new(),
            text_keys: spec.text_cols.clone(),
            id_key: spec.id_col.clone(),
            title_key: spec.title_col.clone(),
            label_key: spec.label_col.clone(),
        }
    }

    fn error(&self, message: String) -> Error {
        Error::at_line(&self.path, self.line, message)
    }

    /// The key's value as text; a missing key or a value that is not text is an error.
    fn required(&self, object: &Value, key: &str, what: &str) -> Result<String> {
        match lookup(object, key) {
            Some(v) => as_text(v).ok_or_else(|| {
                self.error(format!(
                    "the {what} key {key:?} holds {}; expected a string, a number or a list of strings",
                    kind(v)
                ))
            }),
            None => Err(self.error(format!(
                "no {what} key {key:?} in this object; it has {}",
                keys_of(object)
            ))),
        }
    }

    /// The key's value as text; a missing key or null is None (an unlabelled row).
    fn optional(&self, object: &Value, key: &Option<String>) -> Option<String> {
        key.as_deref()
            .and_then(|k| lookup(object, k))
            .and_then(as_text)
    }

    pub(crate) fn next_document(
        &mut self,
        lossy: bool,
        lossy_count: &mut u64,
        blank_lines: &mut u64,
    ) -> Option<Result<Document>> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(Error::io(&self.path, e))),
            }
            self.line += 1;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                *blank_lines += 1;
                continue;
            }
            let line = self.line;
            return Some(
                decode(&self.buf, lossy, lossy_count, &self.path, line, "the line")
                    .and_then(|text| self.document(&text)),
            );
        }
    }

    fn document(&mut self, line: &str) -> Result<Document> {
        let object: Value = serde_json::from_str(line).map_err(|e| {
            // serde's message ends with its own "at line 1 column N": the line is ours.
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            self.error(format!(
                "not JSON at column {}: {message}; expected one JSON object per line",
                e.column()
            ))
        })?;
        if !object.is_object() {
            return Err(self.error(format!(
                "the line holds {}; expected a JSON object",
                kind(&object)
            )));
        }
        let mut parts = Vec::with_capacity(self.text_keys.len());
        for key in &self.text_keys {
            parts.push(self.required(&object, key, "text")?);
        }
        let id = match &self.id_key {
            Some(key) => self.required(&object, key, "id")?,
            None => self.row.to_string(),
        };
        let doc = Document {
            id,
            row: self.row,
            line: self.line,
            text: parts.join(" "),
            label: self.optional(&object, &self.label_key),
            title: self.optional(&object, &self.title_key),
        };
        self.row += 1;
        Ok(doc)
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn keys_of(object: &Value) -> String {
    match object.as_object() {
        Some(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().take(12).map(|k| format!("{k:?}")).collect();
            keys.join(", ")
        }
        _ => "no keys".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_keys_reach_nested_values_and_literal_keys_win() {
        let v: Value =
            serde_json::from_str(r#"{"a":{"b":{"c":"deep"}},"a.b":"flat","xs":[{"t":"one"}]}"#)
                .unwrap();
        assert_eq!(lookup(&v, "a.b.c"), Some(&Value::String("deep".into())));
        assert_eq!(lookup(&v, "a.b"), Some(&Value::String("flat".into())));
        assert_eq!(lookup(&v, "xs.0.t"), Some(&Value::String("one".into())));
        assert_eq!(lookup(&v, "a.x"), None);
        let paragraphs: Value = serde_json::from_str(r#"["p1","p2"]"#).unwrap();
        assert_eq!(as_text(&paragraphs).as_deref(), Some("p1\n\np2"));
        assert_eq!(as_text(&Value::Null), None);
    }
}
