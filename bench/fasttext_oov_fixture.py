"""Writes tests/fixtures/fasttext-toy-oov.tsv: vectors that the fastText Python package
computes from ../shared/datasets/formats/toy-model.bin for words in and out of its
vocabulary. The Rust tests compare wordlens' reading of the same model against them.

Run: . bench/peer_env.sh && $PY bench/fasttext_oov_fixture.py
"""
import sys

import fasttext

MODEL = "../shared/datasets/formats/toy-model.bin"
WORDS = ["the", "of", "night", "nights", "nightly", "parliamentary", "zzz", "café", "a", "überall"]

m = fasttext.load_model(MODEL)
out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/fasttext-toy-oov.tsv"
with open(out, "w", encoding="utf-8") as f:
    f.write("# word\tin_vocab\tvector (fastText %s get_word_vector on toy-model.bin)\n" % fasttext.__name__)
    for w in WORDS:
        v = m.get_word_vector(w)
        in_vocab = m.get_word_id(w) >= 0
        f.write("%s\t%d\t%s\n" % (w, in_vocab, " ".join("%.8g" % x for x in v)))
print("wrote", out)
