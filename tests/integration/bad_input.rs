//! Every malformed vector file gives an error that names the file and the line or byte, and
//! what was expected — before any huge allocation.

use wordlens::embed::io;

use crate::{shared, temp_file};

fn error_of(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, name, bytes);
    let err = match io::read(&p) {
        Ok(_) => panic!("{name}: expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains(name), "error does not name the file: {err}");
    err
}

fn binary(header: &str, records: &[(&str, &[f32])]) -> Vec<u8> {
    let mut b = header.as_bytes().to_vec();
    for (w, v) in records {
        b.extend_from_slice(w.as_bytes());
        b.push(b' ');
        v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    }
    b
}

#[test]
fn empty_file() {
    let err = error_of("empty.vec", b"");
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn text_header_claiming_more_words_than_the_file_holds() {
    let err = error_of("lying.txt", b"3 2\na 1 2\nb 3 4\n");
    assert!(
        err.contains("lying.txt:") && err.contains("claims 3 words"),
        "{err}"
    );
}

#[test]
fn huge_header_is_rejected_before_allocating() {
    let err = error_of("huge.txt", b"1000000000000 4000000000\na 1 2\n");
    assert!(
        err.contains("huge.txt:1") && err.contains("needs at least"),
        "{err}"
    );
    let err = error_of(
        "huge.bin",
        &binary("1000000000000 300\n", &[("a", &[1.0; 300])]),
    );
    assert!(
        err.contains("(byte 0)") && err.contains("needs at least"),
        "{err}"
    );
}

#[test]
fn wrong_dimension_on_a_line() {
    let err = error_of("short.txt", b"2 3\na 1 2 3\nb 1 2\n");
    assert!(
        err.contains("short.txt:3") && err.contains("expected a word and 3 values"),
        "{err}"
    );
    let err = error_of("long.txt", b"2 2\na 1 2\nb 1 2 3\n");
    assert!(
        err.contains("long.txt:3") && err.contains("more than 2 values"),
        "{err}"
    );
}

#[test]
fn nan_and_infinite_values() {
    let err = error_of("nan.txt", b"1 2\na 1 NaN\n");
    assert!(err.contains("nan.txt:2") && err.contains("finite"), "{err}");
    let err = error_of("inf.bin", &binary("1 2\n", &[("a", &[1.0, f32::INFINITY])]));
    assert!(
        err.contains("inf.bin (byte") && err.contains("finite"),
        "{err}"
    );
}

#[test]
fn duplicate_words() {
    let err = error_of("dup.txt", b"2 1\nx 1\nx 2\n");
    assert!(
        err.contains("dup.txt:3") && err.contains("duplicate word \"x\", first on line 2"),
        "{err}"
    );
    let err = error_of("dup.bin", &binary("2 1\n", &[("x", &[1.0]), ("x", &[2.0])]));
    assert!(err.contains("duplicate word \"x\""), "{err}");
}

#[test]
fn truncated_binary() {
    let full = std::fs::read(shared("formats/gensim-lee-32d.w2v.bin")).unwrap();
    let cut = &full[..full.len() - 10];
    let err = error_of("cut.bin", cut);
    assert!(
        err.contains("cut.bin (byte") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn fasttext_bin_model_is_named() {
    let bytes = std::fs::read(shared("formats/toy-model.bin")).unwrap();
    let err = error_of("model.bin", &bytes);
    assert!(err.contains("fastText .bin model"), "{err}");
}

#[test]
fn text_that_is_not_numbers() {
    let err = error_of("words.txt", b"hello world\nthis is text\n");
    assert!(err.contains("words.txt:1"), "{err}");
    let err = error_of("bad.txt", b"1 2\na 1 x\n");
    assert!(
        err.contains("bad.txt:2") && err.contains("expected a number"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_in_a_text_file() {
    let err = error_of("latin1.txt", b"1 1\ncaf\xe9 1\n");
    assert!(
        err.contains("latin1.txt:2") && err.contains("UTF-8"),
        "{err}"
    );
}
