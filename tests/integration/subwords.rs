//! fastText `.bin` models, vectors for unseen words, and the native format (with
//! quantisation), checked against what fastText itself computes.

use wordlens::embed::eval::evaluate_pairs;
use wordlens::embed::io::{self, Quantization, VectorFormat};

use crate::{bundled, shared};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Word, whether the model knows it, and the vector a peer computed for it.
fn peer_vectors(name: &str) -> Vec<(String, bool, Vec<f32>)> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let v = f[2].split(' ').map(|x| x.parse().unwrap()).collect();
            (f[0].to_string(), f[1] == "1", v)
        })
        .collect()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn fasttext_bin_word_vectors_equal_its_vec_file() {
    let bin = io::read(&shared("formats/toy-model.bin")).unwrap();
    let vec = io::read(&shared("formats/toy-model.vec"))
        .unwrap()
        .embeddings;
    assert_eq!(bin.format, VectorFormat::FasttextBin);
    let emb = bin.embeddings;
    assert_eq!(emb.words(), vec.words());
    assert_eq!(emb.dim(), 5);
    let sub = emb.subwords().expect("n-gram rows");
    assert_eq!((sub.minn, sub.maxn, sub.bucket_count(5)), (3, 6, 100));
    // The .vec lists 5 significant digits; a wrong hash or a missing n-gram is off by far more.
    for w in vec.words() {
        let d = max_diff(emb.get(w).unwrap(), vec.get(w).unwrap());
        assert!(d < 1e-5, "{w}: {d}");
    }
}

#[test]
fn unseen_words_get_the_vectors_fasttext_gives_them() {
    let emb = io::read(&shared("formats/toy-model.bin"))
        .unwrap()
        .embeddings;
    // From fastText's Python package (bench/fasttext_oov_fixture.py).
    let fixture = peer_vectors("fasttext-toy-oov.tsv");
    assert!(fixture.iter().filter(|f| !f.1).count() >= 6);
    for (word, in_vocab, expected) in fixture {
        assert_eq!(emb.index_of(&word).is_some(), in_vocab, "{word}");
        let got = emb.lookup(&word).unwrap();
        let d = max_diff(&got, &expected);
        // "café" and "überall" hold bytes ≥ 0x80: they check the signed-char hash.
        assert!(d < 1e-6, "{word}: {d}");
    }
    // Neighbours of a word the model never saw.
    let hits = emb.most_similar("anarchistic", 3).unwrap();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter().any(|(w, _)| w.starts_with("anarch")),
        "{hits:?}"
    );
}

#[test]
fn a_model_saved_by_gensim_reads_with_gensims_vectors() {
    // gensim's save_facebook_model (bench/gensim_fasttext_fixture.py): 2,680 words, 2,000
    // buckets, n-grams of 3 to 5 characters.
    let emb = io::read(&fixture("gensim-fasttext.bin"))
        .unwrap()
        .embeddings;
    assert_eq!((emb.len(), emb.dim()), (2680, 8));
    let sub = emb.subwords().unwrap();
    assert_eq!((sub.minn, sub.maxn, sub.bucket_count(8)), (3, 5, 2000));
    let fixture = peer_vectors("gensim-fasttext-oov.tsv");
    for (word, in_vocab, expected) in fixture {
        assert_eq!(emb.index_of(&word).is_some(), in_vocab, "{word}");
        let d = max_diff(&emb.lookup(&word).unwrap(), &expected);
        assert!(d < 1e-5, "{word}: {d}");
    }
}

#[test]
fn a_model_from_before_fasttext_0_9_reads_with_gensims_vectors() {
    // fastText's first layout (no magic, version, pruned-index size or quantisation flags),
    // rewritten from a fastText 0.9 model by bench/fasttext_old_fixture.py; the reference is
    // gensim's load_facebook_vectors, which reads both layouts.
    let loaded = io::read(&fixture("fasttext-old-layout.bin")).unwrap();
    assert_eq!(loaded.format, VectorFormat::FasttextBin);
    // One word holds a byte that is not UTF-8: kept as `\xe9` and counted.
    assert_eq!(loaded.notes.escaped_words, 1);
    let emb = loaded.embeddings;
    assert_eq!((emb.len(), emb.dim()), (2583, 8));
    let sub = emb.subwords().unwrap();
    assert_eq!((sub.minn, sub.maxn, sub.bucket_count(8)), (3, 5, 1000));
    let fixture = peer_vectors("fasttext-old-layout.tsv");
    assert!(fixture.iter().filter(|f| !f.1).count() >= 5);
    for (word, in_vocab, expected) in fixture {
        // The fixture names the non-UTF-8 word "governmen\u{FFFD}"; it reads as gensim's
        // backslashreplace text, and is composed from its raw bytes' n-grams, as fastText
        // trained it: the text's n-grams would give another vector.
        let word = word.replace('\u{FFFD}', "\\xe9");
        // `</s>` included: fastText before version 12 gave it n-grams, as gensim does.
        assert_eq!(emb.index_of(&word).is_some(), in_vocab, "{word}");
        let d = max_diff(&emb.lookup(&word).unwrap(), &expected);
        assert!(d < 1e-5, "{word}: {d}");
    }
}

/// gensim's test model `lee_fasttext.bin` (the layout without a version), beside the `.vec`
/// file the fastText that trained it wrote: every word agrees, `</s>` included, whose vector
/// is the mean of its own row and its n-grams in that version. (Version 12 drops `</s>`'s n-grams; that is checked
/// against fastText 0.9 itself in encodings.rs.)
#[test]
fn old_fasttext_models_equal_the_vec_file_their_tool_wrote_end_of_sentence_included() {
    let vec = io::read(&fixture("lee_fasttext.vec")).unwrap().embeddings;
    assert_eq!((vec.len(), vec.dim()), (1762, 10));
    let emb = io::read(&fixture("lee_fasttext.bin")).unwrap().embeddings;
    assert_eq!(emb.words(), vec.words());
    for w in vec.words() {
        let want = vec.get(w).unwrap();
        // The .vec holds 5 significant digits.
        let worst = emb
            .get(w)
            .unwrap()
            .iter()
            .zip(want)
            .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
            .fold(0.0, f32::max);
        assert!(worst < 5e-5, "{w}: {worst}");
    }
}

#[test]
fn binary_data_in_no_known_layout_says_what_was_tried() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(fixture("fasttext-old-layout.bin")).unwrap();
    // dim 0: no longer a plausible argument block, and no other layout matches.
    bytes[..4].copy_from_slice(&0i32.to_le_bytes());
    let path = crate::temp_file(&dir, "mystery.bin", &bytes);
    let err = io::read(&path).err().unwrap().to_string();
    assert!(err.contains("matches no vector layout"), "{err}");
    assert!(err.contains("fastText .bin before 0.9"), "{err}");
    assert!(
        err.contains("mystery.bin") && err.contains("byte 0"),
        "{err}"
    );
    assert!(!err.contains("UTF-8 text"), "{err}");

    // An old-layout model cut inside its input matrix is named truncated, with the offset.
    let whole = std::fs::read(fixture("fasttext-old-layout.bin")).unwrap();
    let path = crate::temp_file(&dir, "cut.bin", &whole[..whole.len() / 2]);
    let err = io::read(&path).err().unwrap().to_string();
    assert!(err.contains("truncated fastText model"), "{err}");
    assert!(err.contains("input matrix"), "{err}");
}

#[test]
fn native_format_round_trips_words_vectors_and_ngrams_and_maps_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let ft = io::read(&shared("formats/toy-model.bin"))
        .unwrap()
        .embeddings;
    let path = dir.path().join("toy.wl");
    io::write(&path, &ft, VectorFormat::Wordlens).unwrap();
    let back = io::read(&path).unwrap();
    assert_eq!(back.format, VectorFormat::Wordlens);
    let back = back.embeddings;
    assert!(back.is_mapped());
    assert_eq!(back.words(), ft.words());
    assert_eq!(back.matrix(), ft.matrix());
    assert_eq!(
        back.lookup("überall").unwrap(),
        ft.lookup("überall").unwrap()
    );
    io::verify_native(&path).unwrap();

    // Plain word2vec vectors too, byte for byte through a second write.
    let lee = io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
        .unwrap()
        .embeddings;
    let (a, b) = (dir.path().join("a.wl"), dir.path().join("b.wl"));
    io::write(&a, &lee, VectorFormat::Wordlens).unwrap();
    io::write(
        &b,
        &io::read(&a).unwrap().embeddings,
        VectorFormat::Wordlens,
    )
    .unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(io::read(&a).unwrap().embeddings.subwords().is_none());
}

#[test]
fn quantised_vectors_keep_their_word_similarity_scores() {
    let dir = tempfile::tempdir().unwrap();
    let lee = io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
        .unwrap()
        .embeddings;
    let ws = bundled("wordsim353.tsv");
    let float = evaluate_pairs(&lee, &ws).unwrap();
    assert!(float.used > 50, "{float:?}");
    let mut sizes = Vec::new();
    for (q, tol) in [
        (Quantization::Int8, 0.01),
        (Quantization::Pq { dsub: 2 }, 0.05),
    ] {
        let path = dir.path().join("q.wl");
        io::write_quantized(&path, &lee, VectorFormat::Wordlens, q).unwrap();
        sizes.push(std::fs::metadata(&path).unwrap().len());
        let back = io::read(&path).unwrap().embeddings;
        assert!(!back.is_mapped());
        let s = evaluate_pairs(&back, &ws).unwrap();
        assert_eq!(s.used, float.used);
        assert!(
            (s.spearman - float.spearman).abs() < tol,
            "{q:?}: {} vs float {}",
            s.spearman,
            float.spearman
        );
    }
    let float_size = {
        let p = dir.path().join("f.wl");
        io::write(&p, &lee, VectorFormat::Wordlens).unwrap();
        std::fs::metadata(&p).unwrap().len()
    };
    // int8: a byte per value plus a scale per row; PQ by 2: half a byte per value plus the
    // codebooks (the vocabulary is the same in all three).
    assert!(sizes[0] * 2 < float_size, "{sizes:?} vs {float_size}");
    assert!(sizes[1] < sizes[0], "{sizes:?} vs {float_size}");
    assert!(
        io::write_quantized(
            &dir.path().join("x.bin"),
            &lee,
            VectorFormat::W2vBin,
            Quantization::Int8
        )
        .is_err()
    );
}

#[test]
fn document_vectors_use_ngrams_for_unseen_words() {
    use wordlens::docvec::{DocVecConfig, DocVectorizer};
    let ft = io::read(&fixture("gensim-fasttext.bin"))
        .unwrap()
        .embeddings;
    let docs = vec![vec!["governmnet".to_string(), "histories".to_string()]];
    assert!(ft.index_of("governmnet").is_none() && ft.index_of("histories").is_none());
    let cfg = DocVecConfig::default();
    let fitted = DocVectorizer::fit(&cfg, &docs, &ft, None);
    let (vectors, cov) = fitted.transform(&docs, &ft);
    assert_eq!((cov.tokens, cov.covered, cov.empty_documents), (2, 2, 0));
    // The mean of the two n-gram vectors.
    let (a, b) = (
        ft.lookup("governmnet").unwrap(),
        ft.lookup("histories").unwrap(),
    );
    for j in 0..8 {
        assert!((vectors[0][j] - (a[j] + b[j]) / 2.0).abs() < 1e-6);
    }
    // The same words through vectors without n-grams: nothing covered.
    let dir = tempfile::tempdir().unwrap();
    let words_only = dir.path().join("w.bin");
    io::write(&words_only, &ft, VectorFormat::W2vBin).unwrap();
    let plain = io::read(&words_only).unwrap().embeddings;
    let (_, cov) = DocVectorizer::fit(&cfg, &docs, &plain, None).transform(&docs, &plain);
    assert_eq!(cov.covered, 0);
}
