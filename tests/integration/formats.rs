//! Vector files written by gensim, fastText and GloVe: read, detected, written back.

use wordlens::embed::io::{self, VectorFormat};

use crate::{shared, temp_file};

fn assert_same(a: &wordlens::Embeddings, b: &wordlens::Embeddings, tol: f32) {
    assert_eq!(a.words(), b.words());
    assert_eq!(a.dim(), b.dim());
    let max = a
        .matrix()
        .iter()
        .zip(b.matrix())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(max <= tol, "max difference {max}");
}

#[test]
fn gensim_binary_and_text_hold_the_same_vectors() {
    let bin = io::read(&shared("formats/gensim-lee-32d.w2v.bin")).unwrap();
    let txt = io::read(&shared("formats/gensim-lee-32d.w2v.txt")).unwrap();
    assert_eq!(bin.format, VectorFormat::W2vBin);
    assert_eq!(txt.format, VectorFormat::W2vTxt);
    assert_eq!(bin.embeddings.len(), 2747);
    assert_eq!(bin.embeddings.dim(), 32);
    assert_same(&bin.embeddings, &txt.embeddings, 1e-6);
    // gensim writes its vocabulary in frequency order: "the" comes first in the Lee corpus.
    assert_eq!(bin.embeddings.words()[0], "the");
}

#[test]
fn gensim_files_are_written_back_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("formats/gensim-lee-32d.w2v.bin", VectorFormat::W2vBin),
        ("formats/gensim-lee-32d.w2v.txt", VectorFormat::W2vTxt),
    ] {
        let original = std::fs::read(shared(name)).unwrap();
        let emb = io::read(&shared(name)).unwrap().embeddings;
        let out = dir.path().join("out");
        io::write(&out, &emb, format).unwrap();
        assert!(
            std::fs::read(&out).unwrap() == original,
            "{name} differs after a round trip"
        );
    }
}

#[test]
fn fasttext_vec_and_glove_files_read() {
    let vec = io::read(&shared("formats/toy-model.vec")).unwrap();
    assert_eq!(vec.format, VectorFormat::W2vTxt);
    let header = std::fs::read_to_string(shared("formats/toy-model.vec")).unwrap();
    let (count, dim) = header.lines().next().unwrap().split_once(' ').unwrap();
    assert_eq!(vec.embeddings.len(), count.parse::<usize>().unwrap());
    assert_eq!(vec.embeddings.dim(), dim.trim().parse::<usize>().unwrap());

    let glove = io::read(&shared("formats/test_glove.txt")).unwrap();
    assert_eq!(glove.format, VectorFormat::Glove);
    let text = std::fs::read_to_string(shared("formats/test_glove.txt")).unwrap();
    let first: Vec<&str> = text.lines().next().unwrap().split(' ').collect();
    assert_eq!(
        glove.embeddings.len(),
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
    assert_eq!(glove.embeddings.dim(), first.len() - 1);
    let v = glove.embeddings.get(first[0]).unwrap();
    assert_eq!(v[0], first[1].parse::<f32>().unwrap());
}

#[test]
fn every_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let emb = io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
        .unwrap()
        .embeddings;
    for format in [
        VectorFormat::W2vBin,
        VectorFormat::W2vTxt,
        VectorFormat::Vec,
        VectorFormat::Glove,
    ] {
        let out = dir.path().join(format!("v-{format:?}"));
        io::write(&out, &emb, format).unwrap();
        let back = io::read(&out).unwrap();
        assert_same(&emb, &back.embeddings, 0.0);
    }
}

#[test]
fn c_tool_binary_with_newlines_after_vectors_reads() {
    // The C tool writes "\n" after each vector; gensim does not. Both must read the same.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"2 3\n".to_vec();
    for (w, v) in [("alpha", [1.0f32, 2.0, 3.0]), ("beta", [-1.0, 0.5, 0.25])] {
        bytes.extend_from_slice(w.as_bytes());
        bytes.push(b' ');
        v.iter()
            .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
        bytes.push(b'\n');
    }
    let p = temp_file(&dir, "c.bin", &bytes);
    let emb = io::read(&p).unwrap().embeddings;
    assert_eq!(emb.words(), ["alpha", "beta"]);
    assert_eq!(emb.get("beta").unwrap(), [-1.0, 0.5, 0.25]);
}

#[test]
fn binary_whose_first_float_holds_a_newline_byte_is_still_binary() {
    // Found by the crash tests: a float starting with 0x0A cut the "second line" short and the
    // file was taken for text. The floats are those bytes, read back exactly.
    let dir = tempfile::tempdir().unwrap();
    let v = [
        f32::from_le_bytes([0x0a, 0x00, 0x80, 0x3f]),
        f32::from_le_bytes([0x41, 0x42, 0x43, 0x3e]),
    ];
    let emb =
        wordlens::Embeddings::new(vec!["the".into(), "cat".into()], [v, v].concat(), 2).unwrap();
    let p = dir.path().join("nl.bin");
    io::write(&p, &emb, VectorFormat::W2vBin).unwrap();
    let back = io::read(&p).unwrap();
    assert_eq!(back.format, VectorFormat::W2vBin);
    assert_eq!(back.embeddings.get("cat").unwrap(), v);
}

#[test]
fn word_cut_inside_a_utf8_character_is_escaped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"1 1\n".to_vec();
    bytes.extend_from_slice(&"caf\u{e9}".as_bytes()[..4]); // "caf" + first byte of é
    bytes.push(b' ');
    bytes.extend_from_slice(&1.0f32.to_le_bytes());
    let p = temp_file(&dir, "cut.bin", &bytes);
    let loaded = io::read(&p).unwrap();
    assert_eq!(loaded.notes.escaped_words, 1);
    assert_eq!(loaded.embeddings.words()[0], "caf\\xc3");
}

#[test]
fn glove_tokens_with_non_breaking_spaces_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "g.txt", "a\u{a0}b 0.5 1.5\nc 1 2\n".as_bytes());
    let emb = io::read(&p).unwrap().embeddings;
    assert_eq!(emb.words(), ["a\u{a0}b", "c"]);
    assert_eq!(emb.get("a\u{a0}b").unwrap(), [0.5, 1.5]);
}

#[test]
fn neighbours_in_gensim_model_match_gensim() {
    // gensim 4.4.0 on this file: most_similar("president", topn=1) and the cosine of a pair,
    // recomputed here from the stored vectors to keep the test independent of gensim.
    let emb = io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
        .unwrap()
        .embeddings;
    let a = emb.get("president").unwrap();
    let b = emb.get("government").unwrap();
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    let sim = emb.similarity("president", "government").unwrap();
    assert!((sim - dot / (na * nb)).abs() < 1e-5);
    let hits = emb.most_similar("president", 5).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(hits.iter().all(|(w, _)| w != "president"));
}
