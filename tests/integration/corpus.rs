//! Corpus readers on real and malformed input.

use std::io::Write;

use wordlens::text::{CorpusFormat, CorpusReader, CorpusSpec, Document};

use crate::{bundled, temp_file};

fn read_all(spec: &CorpusSpec) -> wordlens::Result<Vec<Document>> {
    CorpusReader::open(spec)?.collect()
}

fn error_of(spec: &CorpusSpec) -> String {
    match read_all(spec) {
        Ok(d) => panic!("expected an error, read {} documents", d.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bbc_csv_reads_every_article_with_joined_columns() {
    let spec = CorpusSpec::new(bundled("bbc-news.csv"))
        .text_cols(&["title", "text"])
        .label_col("category");
    let docs = read_all(&spec).unwrap();
    assert_eq!(docs.len(), 2225);
    let sport = docs
        .iter()
        .filter(|d| d.label.as_deref() == Some("sports"))
        .count();
    assert_eq!(sport, 511);
    assert_eq!(docs[0].row, 0);
    assert_eq!(docs[2224].row, 2224);
    // Title and body are joined with a space.
    let mut raw = csv::Reader::from_path(bundled("bbc-news.csv")).unwrap();
    let first = raw.records().next().unwrap().unwrap();
    assert_eq!(docs[0].text, format!("{} {}", &first[2], &first[3]));
}

#[test]
fn tweets_csv_reads_every_row() {
    let spec = CorpusSpec::new(bundled("tweets-sentiment.csv")).label_col("sentiment");
    let docs = read_all(&spec).unwrap();
    assert_eq!(docs.len(), 38158);
    let neg = docs
        .iter()
        .filter(|d| d.label.as_deref() == Some("negative"))
        .count();
    assert_eq!(neg, 16186);
}

#[test]
fn plain_text_one_document_per_line() {
    let docs = read_all(&CorpusSpec::new(bundled("enwiki-sample.txt"))).unwrap();
    assert_eq!(docs.len(), 106);
}

#[test]
fn gzip_is_read_transparently() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(bundled("enwiki-sample.txt")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    let p = temp_file(&dir, "wiki.txt.gz", &gz.finish().unwrap());
    let a = read_all(&CorpusSpec::new(p)).unwrap();
    let b = read_all(&CorpusSpec::new(bundled("enwiki-sample.txt"))).unwrap();
    assert_eq!(a, b);
}

#[test]
fn fasttext_label_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(
        &dir,
        "train.txt",
        b"__label__pos great film\n\n__label__neg dull\n",
    );
    let docs = read_all(&CorpusSpec::new(p)).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].label.as_deref(), Some("pos"));
    assert_eq!(docs[1].text, "dull");
    assert_eq!(docs[1].line, 3);
}

#[test]
fn bom_crlf_and_quoted_newlines_are_valid_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(
        &dir,
        "ok.csv",
        b"\xEF\xBB\xBFtext,label\r\n\"two\r\nlines\",a\r\nplain,b\r\n",
    );
    let docs = read_all(&CorpusSpec::new(p).label_col("label")).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].text, "two\r\nlines");
    assert_eq!(docs[1].label.as_deref(), Some("b"));
    assert_eq!(docs[1].line, 4);
}

#[test]
fn tsv_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "d.tsv", b"id\ttext\n7\tsay \"hi\"\n");
    let mut spec = CorpusSpec::new(p);
    spec.id_col = Some("id".into());
    let docs = read_all(&spec).unwrap();
    assert_eq!(docs[0].id, "7");
    assert_eq!(docs[0].text, "say \"hi\"");
}

#[test]
fn missing_column_names_the_header() {
    let err = error_of(&CorpusSpec::new(bundled("bbc-news.csv")).text_cols(&["body"]));
    assert!(
        err.contains("bbc-news.csv:1") && err.contains("no text column named \"body\""),
        "{err}"
    );
    assert!(err.contains("id, category, title, text"), "{err}");
}

#[test]
fn ragged_row_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "ragged.csv", b"text,label\na,b\nc\n");
    let err = error_of(&CorpusSpec::new(p));
    assert!(
        err.contains("ragged.csv:3") && err.contains("expected 2 fields"),
        "{err}"
    );
}

#[test]
fn unterminated_quote_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(
        &dir,
        "open.csv",
        b"label,text\na,fine\nb,\"never closed\nmore text\n",
    );
    let err = error_of(&CorpusSpec::new(p));
    assert!(
        err.contains("open.csv:3") && err.contains("unterminated"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_fails_or_is_counted_when_lenient() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "latin1.csv", b"text\nok\ncaf\xe9\n");
    let err = error_of(&CorpusSpec::new(&p));
    assert!(
        err.contains("latin1.csv:3") && err.contains("UTF-8"),
        "{err}"
    );
    let mut spec = CorpusSpec::new(&p);
    spec.lossy_utf8 = true;
    let mut reader = CorpusReader::open(&spec).unwrap();
    let docs: Vec<_> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(docs[1].text, "caf\u{fffd}");
    assert_eq!(reader.stats().lossy_records, 1);
    let p = temp_file(&dir, "latin1.txt", b"ok\ncaf\xe9\n");
    let err = error_of(&CorpusSpec::new(&p));
    assert!(err.contains("latin1.txt:2"), "{err}");
}

#[test]
fn empty_and_header_only_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "empty.csv", b"");
    let err = error_of(&CorpusSpec::new(p));
    assert!(err.contains("empty.csv") && err.contains("empty"), "{err}");
    let p = temp_file(&dir, "header.csv", b"text,label\n");
    let source = wordlens::text::TextSource::File(CorpusSpec::new(p));
    let err = wordlens::text::corpus::for_each_text(&[source], |_, _| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("header.csv") && err.contains("no documents"),
        "{err}"
    );
}

#[test]
fn explicit_format_overrides_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "data.dat", b"text\nhello\n");
    let mut spec = CorpusSpec::new(p);
    spec.format = CorpusFormat::Csv;
    assert_eq!(read_all(&spec).unwrap()[0].text, "hello");
}
