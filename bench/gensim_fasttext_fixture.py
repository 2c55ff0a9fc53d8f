"""Writes tests/fixtures/gensim-fasttext.bin (a fastText model saved by gensim's
save_facebook_model, trained on the first 2,000 lines of datasets/enwiki-sample.txt) and
tests/fixtures/gensim-fasttext-oov.tsv (gensim's vectors for words in and out of it).

Run: . bench/peer_env.sh && $PY bench/gensim_fasttext_fixture.py
"""
from gensim.models import FastText
from gensim.models.fasttext import save_facebook_model

lines = []
with open("datasets/enwiki-sample.txt", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= 2000:
            break
        lines.append(line.lower().split())
model = FastText(vector_size=8, window=3, min_count=20, bucket=2000, min_n=3, max_n=5,
                 epochs=1, workers=1, seed=1)
model.build_vocab(lines)
model.train(lines, total_examples=len(lines), epochs=1)
save_facebook_model(model, "tests/fixtures/gensim-fasttext.bin")
words = ["the", "history", "histories", "historically", "wordlens", "über"]
with open("tests/fixtures/gensim-fasttext-oov.tsv", "w", encoding="utf-8") as f:
    f.write("# word\tin_vocab\tvector (gensim 4.4.0 FastText.wv on gensim-fasttext.bin)\n")
    for w in words:
        v = model.wv[w]
        f.write("%s\t%d\t%s\n" % (w, w in model.wv.key_to_index, " ".join("%.8g" % x for x in v)))
print(len(model.wv), "words")
