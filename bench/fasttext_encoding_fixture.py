"""Writes tests/fixtures/fasttext-cp852.bin and fasttext-latin1.bin: fastText models trained
(fastText 0.9.2, the pinned Python package) on sentences of the Wikipedia sample re-encoded
to the DOS Central European code page 852 and to ISO-8859-1, so their dictionary words are
not UTF-8; and beside each a .tsv with, per word, the word decoded in its code page, the word
gensim's default reader gives (UTF-8 with backslashreplace), and fastText's own vector for the
word's bytes (get_word_vector with the raw bytes: word row + n-gram rows of the bytes).

It also prints how gensim's load_facebook_vectors(encoding=...) compares: it reads the same
words, and the same vectors for ASCII words; for non-ASCII words gensim hashes the n-grams of
the UTF-8 re-encoding of the decoded text, not of the file's bytes, so those vectors differ
from fastText's (fastText is the reference there).

Run: . bench/peer_env.sh && $PY bench/fasttext_encoding_fixture.py
"""
import re, tempfile
from pathlib import Path

import fasttext
import numpy as np
from gensim.models.fasttext import load_facebook_vectors

OUT = Path('tests/fixtures')
WIKI = Path(__file__).resolve().parent.parent.parent / 'shared' / 'datasets' / 'enwiki-sample.txt'
text = WIKI.read_text(encoding='utf-8')
sentences = [s for s in re.split(r'(?<=[.!?])\s+', text) if s.strip()]


def fixture(name, encoding, limit):
    def encodable_non_ascii(w):
        if w.isascii():
            return False
        try:
            w.encode(encoding)
            return True
        except UnicodeEncodeError:
            return False
    chosen = [s for s in sentences if any(encodable_non_ascii(w) for w in re.findall(r'\w+', s))][:limit]
    lines = [' '.join(re.findall(r'\w+', s)) for s in chosen]
    tmp = Path(tempfile.mkdtemp())
    corpus = tmp / 'corpus.txt'
    corpus.write_bytes('\n'.join(lines).encode(encoding, errors='replace') + b'\n')
    m = fasttext.train_unsupervised(str(corpus), model='skipgram', dim=8, minCount=1, minn=3, maxn=5,
                                    bucket=1000, epoch=1, thread=1, verbose=0)
    path = OUT / f'fasttext-{name}.bin'
    m.save_model(str(path))
    # The dictionary's words as bytes: read them back from the file (pybind decodes to str).
    b = path.read_bytes()
    pos = 8 + 12 * 4 + 8
    size, nwords, nlabels = np.frombuffer(b[pos:pos + 12], '<i4'); pos += 12 + 8 + 8
    words = []
    for _ in range(size):
        end = b.index(b'\0', pos)
        words.append(b[pos:end])
        pos = end + 1 + 9
    rows = []
    for w in words:
        v = m.get_word_vector(w)  # bytes: fastText's own n-grams of the raw bytes
        rows.append((w.decode(encoding), w.decode('utf-8', errors='backslashreplace'), v))
    with open(OUT / f'fasttext-{name}.tsv', 'w', encoding='utf-8') as f:
        for word, default, v in rows:
            f.write(f"{word}\t{default}\t{' '.join(f'{float(x):.9g}' for x in v)}\n")
    non_ascii = [r for r in rows if not r[0].isascii()]
    collide = len({r[1].encode('utf-8').decode('utf-8') for r in rows})
    lossy = len({w.decode('utf-8', errors='replace') for w in words})
    print(f'{name}: {len(rows)} words, {len(non_ascii)} non-ASCII; U+FFFD decoding leaves {lossy} distinct, '
          f'backslashreplace {collide}; {path.stat().st_size} bytes')
    kv = load_facebook_vectors(str(path), encoding=encoding)
    assert list(kv.index_to_key) == [r[0] for r in rows]
    # "</s>" excepted: fastText gives the end-of-sentence token no n-grams, gensim does.
    ascii_diff = max(np.abs(kv[r[0]] - r[2]).max() for r in rows if r[0].isascii() and r[0] != '</s>')
    other = [np.abs(kv[r[0]] - r[2]).max() for r in non_ascii]
    print(f'  gensim encoding={encoding!r}: same {len(rows)} words in order; ASCII words but </s> max |diff| '
          f'{ascii_diff:.2e}; non-ASCII words: {sum(d > 1e-5 for d in other)} of {len(other)} differ '
          f'(max {max(other):.3f}), gensim hashing the UTF-8 of the decoded text')
    kv8 = load_facebook_vectors(str(path))
    assert list(kv8.index_to_key) == [r[1] for r in rows]
    print(f'  gensim default (utf-8, backslashreplace): same words as the tsv default column')


fixture('cp852', 'cp852', 220)
fixture('latin1', 'latin-1', 220)
