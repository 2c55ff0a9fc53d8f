//! Every malformed vector file gives an error that names the file and the line or byte, and
//! what was expected — before any huge allocation.

use wordlens::embed::io;

use crate::{shared, temp_file, w2v_binary as binary};

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
fn fasttext_bin_damaged_in_every_way() {
    let good = std::fs::read(shared("formats/toy-model.bin")).unwrap();
    let with = |at: usize, bytes: &[u8]| {
        let mut b = good.clone();
        b[at..at + bytes.len()].copy_from_slice(bytes);
        b
    };
    // Version 13 does not exist yet.
    let err = error_of("v13.bin", &with(4, &13i32.to_le_bytes()));
    assert!(
        err.contains("v13.bin (byte 4)") && err.contains("version 13"),
        "{err}"
    );
    // A dimension of four billion is refused before allocating anything.
    let err = error_of("dim.bin", &with(8, &(-1i32).to_le_bytes()));
    assert!(
        err.contains("dim.bin (byte 8)") && err.contains("dim -1"),
        "{err}"
    );
    // A dictionary claiming two billion words.
    let err = error_of("dict.bin", &with(64, &i32::MAX.to_le_bytes()));
    assert!(
        err.contains("dict.bin (byte 64)") && err.contains("entries"),
        "{err}"
    );
    // A quantized model (.ftz): the flag after the dictionary, before the input matrix
    // (22 words + 100 buckets) and the output matrix (22 rows), each with its flag and sizes.
    let quant_at = good.len() - (1 + 16 + 22 * 5 * 4) - (16 + 122 * 5 * 4) - 1;
    assert_eq!(good[quant_at], 0);
    let err = error_of("model.ftz", &with(quant_at, &[1]));
    assert!(err.contains("quantized model (.ftz)"), "{err}");
    // Truncated anywhere: inside the arguments, the dictionary, the matrix.
    for cut in [30, 200, good.len() - 100, good.len() - 1] {
        let err = error_of("cut.bin", &good[..cut]);
        assert!(
            err.contains("cut.bin (byte") && err.contains("truncated"),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn native_file_damaged_in_every_way() {
    let emb = wordlens::embed::io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
        .unwrap()
        .embeddings;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.wl");
    wordlens::embed::io::write(&path, &emb, wordlens::embed::io::VectorFormat::Wordlens).unwrap();
    let good = std::fs::read(&path).unwrap();
    let err = error_of("cut.wl", &good[..good.len() - 7]);
    assert!(
        err.contains("cut.wl (byte") && err.contains("truncated"),
        "{err}"
    );
    let err = error_of("short.wl", &good[..100]);
    assert!(err.contains("not a wordlens vectors file"), "{err}");
    // A flipped bit in the header or the vocabulary is caught by its checksum on open.
    let mut b = good.clone();
    b[24] ^= 1;
    assert!(error_of("h.wl", &b).contains("header checksum"));
    let mut b = good.clone();
    b[140] ^= 1;
    assert!(error_of("vocab.wl", &b).contains("vocabulary checksum"));
    // One in the matrix is caught by verify (open stays instant and does not read it).
    let mut b = good.clone();
    let last = b.len() - 1;
    b[last] ^= 0x40;
    let damaged = temp_file(&dir, "m.wl", &b);
    assert!(wordlens::embed::io::read(&damaged).is_ok());
    let err = wordlens::embed::io::verify_native(&damaged)
        .unwrap_err()
        .to_string();
    assert!(err.contains("data checksum"), "{err}");
    wordlens::embed::io::verify_native(&path).unwrap();
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
fn invalid_utf8_in_a_text_vectors_file_is_escaped_or_decoded_as_told() {
    // Not an error since #29: the byte is kept as `\xe9` (counted), or decoded with --encoding.
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "latin1.txt", b"2 1\ncaf\xe9 1\ncafe 2\n");
    let loaded = io::read(&p).unwrap();
    assert_eq!(loaded.embeddings.words(), ["caf\\xe9", "cafe"]);
    assert_eq!(loaded.notes.escaped_words, 1);
    let latin1 = io::read_in(&p, io::WordEncoding::parse("latin1").unwrap()).unwrap();
    assert_eq!(latin1.embeddings.words(), ["caf\u{e9}", "cafe"]);
    assert_eq!(latin1.notes.escaped_words, 0);
}
