"""Why wordlens's BM25 (tantivy) and rank-bm25 differ on BBC known-item search (title as the
query, bodies indexed): one difference at a time from rank-bm25 as ../shared/peers/search.py runs
it to tantivy's formula, scored by MRR@10 with ties broken by document order (and for and against
the target at both ends). Same tokens (the peers' regex), k1 1.2, b 0.75.

    python bench/bm25_ablation.py     (tantivy's length table is read from the cargo registry)
"""
import bisect, csv, glob, math, os, re
import numpy as np
from collections import Counter

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
tok = lambda t: TOKEN.findall(t.lower())
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
rows = list(csv.DictReader(open(os.path.join(ROOT, 'datasets', 'bbc-news.csv'), encoding='utf-8')))
bodies = [tok(r['text']) for r in rows]; titles = [tok(r['title']) for r in rows]
N = len(bodies); dls = np.array([len(b) for b in bodies], float); avgdl = dls.mean()
# tantivy stores a field's length in one byte: the largest of these 256 values not above it.
code = sorted(glob.glob(os.path.expanduser('~/.cargo/registry/src/*/tantivy-0.25*/src/fieldnorm/code.rs')))[-1]
src = open(code).read()
body = src[src.index('FIELD_NORMS_TABLE: [u32; 256] = ['):]
body = body[body.index('[', body.index('=')) + 1:body.index('];')]
table = [int(x.replace('_', '')) for x in re.findall(r'[0-9_]+', body)]
assert len(table) == 256
def quant(d): return table[bisect.bisect_right(table, d) - 1]
qdls = np.array([quant(int(d)) for d in dls], float)
df = Counter(); tfs = []
for b in bodies:
    c = Counter(b); tfs.append(c); df.update(c.keys())
post = {}
for i, c in enumerate(tfs):
    for w, f in c.items(): post.setdefault(w, []).append((i, f))
okapi = {w: math.log((N - n + 0.5) / (n + 0.5)) for w, n in df.items()}
avg_idf = sum(okapi.values()) / len(okapi); eps = 0.25 * avg_idf
okapi = {w: (v if v >= 0 else eps) for w, v in okapi.items()}
tant = {w: math.log(1 + (N - n + 0.5) / (n + 0.5)) for w, n in df.items()}
k1, b = 1.2, 0.75
def scores(q, idf, unique, lengths):
    s = np.zeros(N)
    terms = list(dict.fromkeys(q)) if unique else q
    for w in terms:
        if w not in post: continue
        for i, f in post[w]:
            s[i] += idf[w] * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[i] / avgdl))
    return s
def mrr(idf, unique, lengths, ties='order'):
    tot = 0
    for i, q in enumerate(titles):
        s = scores(q, idf, unique, lengths)
        if ties == 'order': r = np.argsort(-s, kind='stable')
        elif ties == 'favour': r = np.lexsort((np.arange(N) != i, -s))
        else: r = np.lexsort((np.arange(N) == i, -s))
        top = list(r[:10])
        if i in top: tot += 1 / (top.index(i) + 1)
    return tot / N
steps = [
 ('rank-bm25 as the peers run it (Okapi idf with 0.25 x mean floor, query terms repeated, exact lengths)', okapi, False, dls),
 ('+ each query term once (as tantivy)', okapi, True, dls),
 ('+ tantivy idf ln(1 + (N - n + 0.5)/(n + 0.5))', tant, True, dls),
 ('+ lengths quantised as tantivy stores them (one byte)', tant, True, qdls),
]
for name, idf, u, L in steps:
    print(f'{mrr(idf,u,L):.4f}  {name}', flush=True)
print('ties, last step: favour %.4f, against %.4f' % (mrr(tant,True,qdls,'favour'), mrr(tant,True,qdls,'against')))
print('ties, first step: favour %.4f, against %.4f' % (mrr(okapi,False,dls,'favour'), mrr(okapi,False,dls,'against')))
