"""Why wordlens's BM25 (tantivy) and rank-bm25 differ on known-item search: one difference at a
time from rank-bm25 as ../shared/peers/search.py runs it to tantivy's formula, scored by MRR@10
with ties broken by document order (and for and against the target at both ends), beside the
real rank-bm25 package and wordlens itself (`index` + `eval-search --mode bm25`) on the same
documents and queries. Same tokens (the peers' regex), k1 1.2, b 0.75.

    python bench/bm25_ablation.py [bbc|tweets|wiki]

bbc: BBC bodies indexed, titles as queries (the peers' task). tweets: tweets of 10+ tokens as
documents, each one's first 4 tokens as its query. wiki: the Wikipedia
sample cut at sentence ends into passages of 40-200 tokens, each one's tokens 11-14 as its
query. tantivy's length table is read from the cargo registry.
"""
import bisect, csv, glob, json, math, os, re, subprocess, sys, tempfile
import numpy as np
from collections import Counter
from rank_bm25 import BM25Okapi

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
tok = lambda t: TOKEN.findall(t.lower())
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
which = sys.argv[1] if len(sys.argv) > 1 else 'bbc'


def collection():
    """(document texts, query texts, the documents queried)."""
    if which == 'bbc':
        rows = list(csv.DictReader(open(os.path.join(ROOT, 'datasets', 'bbc-news.csv'), encoding='utf-8')))
        return [r['text'] for r in rows], [r['title'] for r in rows], list(range(len(rows)))
    if which == 'tweets':
        rows = list(csv.DictReader(open(os.path.join(ROOT, 'datasets', 'tweets-sentiment.csv'), encoding='utf-8')))
        docs = [r['text'] for r in rows if len(tok(r['text'])) >= 10]
        return docs, [' '.join(tok(d)[:4]) for d in docs], list(range(len(docs)))
    text = open(os.path.join(ROOT, 'datasets', 'enwiki-sample.txt'), encoding='utf-8').read()
    docs, cur = [], []
    for line in text.split('\n'):
        for sentence in re.split(r'(?<=[.!?])\s+', line):
            cur.append(sentence)
            n = len(tok(' '.join(cur)))
            if n >= 40:
                if n <= 200:
                    docs.append(' '.join(cur))
                cur = []
        cur = []
    return docs, [' '.join(tok(d)[10:14]) for d in docs], list(range(len(docs)))


texts, query_texts, queried = collection()
bodies = [tok(t) for t in texts]
queries = [tok(q) for q in query_texts]
N = len(bodies); dls = np.array([len(b) for b in bodies], float); avgdl = dls.mean()
print(f'## {which}: {N} documents ({int(dls.min())}-{int(dls.max())} tokens, mean {avgdl:.0f}), '
      f'{len(queried)} queries\n')
# tantivy stores a field's length in one byte: the largest of these 256 values not above it.
code = sorted(glob.glob(os.path.expanduser('~/.cargo/registry/src/*/tantivy-0.25*/src/fieldnorm/code.rs')))[-1]
src = open(code).read()
body = src[src.index('FIELD_NORMS_TABLE: [u32; 256] = ['):]
body = body[body.index('[', body.index('=')) + 1:body.index('];')]
table = [int(x.replace('_', '')) for x in re.findall(r'[0-9_]+', body)]
assert len(table) == 256
def quant(d): return table[bisect.bisect_right(table, d) - 1]
qdls = np.array([quant(int(d)) for d in dls], float)
print(f'documents whose stored length differs from the true one: {np.mean(qdls != dls):.1%}\n')
df = Counter(); tfs = []
for b in bodies:
    c = Counter(b); tfs.append(c); df.update(c.keys())
post = {}
for i, c in enumerate(tfs):
    for w, f in c.items(): post.setdefault(w, []).append((i, f))
# Postings as arrays (document numbers, term frequencies): one vector operation per term.
post = {w: (np.array([d for d, _ in p]), np.array([f for _, f in p], float)) for w, p in post.items()}
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
        ids, f = post[w]
        s[ids] += idf[w] * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[ids] / avgdl))
    return s
def mrr_of(score, ties='order', every=1):
    tot = 0
    for i in queried[::every]:
        s = score(queries[i])
        if ties == 'order': r = np.argsort(-s, kind='stable')
        elif ties == 'favour': r = np.lexsort((np.arange(N) != i, -s))
        else: r = np.lexsort((np.arange(N) == i, -s))
        top = list(r[:10])
        if i in top: tot += 1 / (top.index(i) + 1)
    return tot / len(queried[::every])
def mrr(idf, unique, lengths, ties='order', every=1):
    return mrr_of(lambda q: scores(q, idf, unique, lengths), ties, every)

package = BM25Okapi(bodies, k1=1.2, b=0.75)
# get_scores walks every document in Python per query term: on large collections every 10th
# query, beside the first model step on the same queries (equal wherever both ran in full).
every = 10 if N > 10_000 else 1
sampled = f' (every {every}th query; the next step on them: {mrr(okapi, False, dls, every=every):.4f})' if every > 1 else ''
print(f'{mrr_of(lambda q: package.get_scores(q), every=every):.4f}  rank-bm25 package (BM25Okapi.get_scores){sampled}')
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

# wordlens itself: the documents indexed (queries stored as titles, which BM25 does not search
# in known-item evaluation), every queried document's title as its query.
work = tempfile.mkdtemp()
with open(os.path.join(work, 'docs.csv'), 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f); w.writerow(['id', 'title', 'text'])
    w.writerows((i, query_texts[i], t) for i, t in enumerate(texts))
wl = os.path.join(ROOT, 'target', 'release', 'wordlens')
subprocess.run([wl, 'index', '-q', '--data', os.path.join(work, 'docs.csv'), '--id-col', 'id', '--title-col', 'title',
                '--text-col', 'text', '--vectors', 'default', '--index', os.path.join(work, 'ix')],
               check=True, stdout=subprocess.DEVNULL)
e = json.loads(subprocess.run([wl, 'eval-search', '-q', '--index', os.path.join(work, 'ix'), '--known-item-col',
                               'title', '--json'], check=True, capture_output=True, text=True).stdout)
bm25 = next(m for m in e['modes'] if m['mode'] == 'bm25')
print(f"{bm25['mrr_at_10']:.4f}  wordlens bm25 (tantivy, wordlens's tokenizer), all {bm25['queries']} documents queried")
