"""Writes tests/fixtures/fasttext-old-layout.bin, a fastText model in the layout fastText
wrote before version 0.9 (no magic number and version, no pruned-index size, no
quantisation flags before the matrices), and tests/fixtures/fasttext-old-layout.tsv: the
vectors gensim's load_facebook_vectors (the reference reader of both layouts) gives for words
in and out of it.

The model: fastText 0.9 (the pinned Python package) trained on the first 300 BBC articles,
then rewritten field by field into the old layout. One dictionary word has a byte replaced
by 0xE9 (Latin-1 é, not UTF-8), as old models built from mixed encodings hold: its expected
vector is computed from its raw bytes, as fastText does (gensim decodes it with
backslashreplace and hashes that text instead, so it is not the reference for that word).

Run: . bench/peer_env.sh && $PY bench/fasttext_old_fixture.py
"""
import struct, sys, tempfile
from pathlib import Path

import fasttext
import numpy as np
from gensim.models.fasttext import load_facebook_vectors
from gensim.models.fasttext_inner import ft_hash_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / 'shared' / 'peers'))
from common import load, tokens  # noqa: E402

OUT = Path('tests/fixtures')
texts = [' '.join(tokens(t)) for t in load('bbc-news')[0][:300]]
tmp = Path(tempfile.mkdtemp())
(tmp / 'corpus.txt').write_text('\n'.join(texts) + '\n', encoding='utf-8')
m = fasttext.train_unsupervised(str(tmp / 'corpus.txt'), model='skipgram', dim=8, minCount=5, minn=3, maxn=5,
                                bucket=1000, epoch=1, thread=1, verbose=0)
m.save_model(str(tmp / 'new.bin'))
b = (tmp / 'new.bin').read_bytes()

pos = 0
def take(n):
    global pos
    out = b[pos:pos + n]
    pos += n
    return out

magic, version = struct.unpack('<ii', take(8))
assert (magic, version) == (793712314, 12)
args = take(12 * 4 + 8)
dim, _, _, _, _, _, _, _, bucket, minn, maxn, _ = struct.unpack('<12i', args[:48])
size, nwords, nlabels = struct.unpack('<3i', take(12))
ntokens, = struct.unpack('<q', take(8))
prune, = struct.unpack('<q', take(8))
assert prune == -1 or prune == 0, prune
entries = []
for _ in range(size):
    end = b.index(b'\0', pos)
    word = take(end - pos)
    take(1)
    count, kind = struct.unpack('<qb', take(9))
    entries.append((word, count, kind))
assert take(1) == b'\0'  # quant_input
rows, cols = struct.unpack('<2q', take(16))
matrix = take(rows * cols * 4)
assert take(1) == b'\0'  # qout
orows, ocols = struct.unpack('<2q', take(16))
output = take(orows * ocols * 4)
assert pos == len(b)

# One word that is not UTF-8: "government" → "governmen\xe9".
LOSSY = next(i for i, (w, _, _) in enumerate(entries) if w == b'government')
entries[LOSSY] = (b'governmen\xe9', entries[LOSSY][1], entries[LOSSY][2])

old = bytearray(args)  # dim and ws first, where the magic and version were
old += struct.pack('<3iq', size, nwords, nlabels, ntokens)
for word, count, kind in entries:
    old += word + b'\0' + struct.pack('<qb', count, kind)
old += struct.pack('<2q', rows, cols) + matrix
old += struct.pack('<2q', orows, ocols) + output
(OUT / 'fasttext-old-layout.bin').write_bytes(bytes(old))

kv = load_facebook_vectors(str(OUT / 'fasttext-old-layout.bin'))
M = np.frombuffer(matrix, dtype='<f4').reshape(rows, cols)


def ngram_rows(raw):
    """fastText's n-grams of the raw bytes, as input-matrix rows."""
    w = b'<' + raw + b'>'
    out = []
    for i in range(len(w)):
        if w[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < len(w) and n <= maxn:
            j += 1
            while j < len(w) and w[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(w))):
                out.append(nwords + ft_hash_bytes(w[i:j]) % bucket)
            n += 1
    return out


lossy = M[[LOSSY] + ngram_rows(entries[LOSSY][0])].mean(axis=0)
seen = [w.decode() for w, _, _ in entries[:40] if w != b'governmen\xe9']
unseen = ['wordlens', 'governmentally', 'telecommunicationz', 'über', 'naïveté', 'x']
with open(OUT / 'fasttext-old-layout.tsv', 'w', encoding='utf-8') as f:
    f.write('# word\tin_vocab\tvector (gensim load_facebook_vectors on fasttext-old-layout.bin; '
            'the non-UTF-8 word from its raw bytes)\n')
    for w in seen + unseen:
        f.write('%s\t%d\t%s\n' % (w, w in kv.key_to_index, ' '.join('%.8g' % x for x in kv[w])))
    f.write('governmen\ufffd\t1\t%s\n' % ' '.join('%.8g' % x for x in lossy))
print(f'{nwords} words, {bucket} buckets, dim {dim}; {len(old)} bytes')
