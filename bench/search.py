"""Runs ../shared/peers/search.py and wordlens on the same task and vectors' training corpus:
word2vec on the peers' corpus (Wikipedia sample + BBC + tweets), BBC bodies indexed with titles
stored apart, known-item search by title and label precision@10 with every body as the query."""
import json, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / 'shared' / 'peers'
sys.path.insert(0, str(PEERS))
from common import corpus_lines  # noqa: E402

WL = str(ROOT / 'target' / 'release' / 'wordlens')
work = Path(tempfile.mkdtemp(prefix='wl-search-'))
corpus = work / 'corpus.txt'
corpus.write_text('\n'.join(corpus_lines()) + '\n', encoding='utf-8')

def wl(*args):
    return subprocess.run([WL, *args, '--quiet'], check=True, capture_output=True, text=True).stdout

wl('train', '--corpus', str(corpus), '--out', str(work / 'v.bin'), '--threads', '2')
t = time.perf_counter()
wl('index', '--data', str(ROOT / 'datasets' / 'bbc-news.csv'), '--id-col', 'id', '--title-col', 'title', '--text-col', 'text',
   '--label-col', 'category', '--vectors', str(work / 'v.bin'), '--index', str(work / 'ix'))
index_secs = time.perf_counter() - t
ours = {}
for fusion in ('rrf', 'convex'):
    ki = json.loads(wl('eval-search', '--index', str(work / 'ix'), '--known-item-col', 'title', '--fusion', fusion, '--json'))
    dq = json.loads(wl('eval-search', '--index', str(work / 'ix'), '--doc-queries', '--fusion', fusion, '--json'))
    for a, b in zip(ki['modes'], dq['modes']):
        name = a['mode'] if a['mode'] != 'hybrid' else f'hybrid ({fusion})'
        ours[name] = {**a, 'label_precision_at_10': b['label_precision_at_10']}
# The peers' known-item part, live (as ../shared/peers/search.py computes it); its every-body-as-
# query part takes over 20 minutes in rank-bm25, so those figures come from the recorded run.
import csv
import numpy as np
from rank_bm25 import BM25Okapi
from common import DATA, tokens
rows = list(csv.DictReader(open(DATA / 'bbc-news.csv', encoding='utf-8')))
bodies = [tokens(r['text']) for r in rows]; titles = [tokens(r['title']) for r in rows]
t = time.perf_counter()
bm = BM25Okapi(bodies, k1=1.2, b=0.75)
mrr, r1, r10, lat = [], [], [], []
for i, q in enumerate(titles):
    t0 = time.perf_counter(); s = bm.get_scores(q); lat.append(time.perf_counter() - t0)
    r = np.argsort(-s)[:10]; pos = np.where(r == i)[0]
    mrr.append(1 / (pos[0] + 1) if len(pos) else 0); r1.append(r[0] == i); r10.append(len(pos) > 0)
peer_secs = time.perf_counter() - t
recorded = json.load(open(PEERS / 'results-search-bbc.json'))
peer = {m: {**v, 'median_query_ms': v.get('median_query_ms', float('nan'))} for m, v in recorded.items()}
peer['bm25 (live)'] = {'mrr_at_10': float(np.mean(mrr)), 'recall_at_1': float(np.mean(r1)), 'recall_at_10': float(np.mean(r10)),
                       'topic_precision_at_10': recorded['bm25']['topic_precision_at_10'],
                       'median_query_ms': 1000 * float(np.median(lat))}

print(f'wordlens index of 2,225 BBC bodies built in {index_secs:.1f} s (vectors given); rank-bm25 known-item run {peer_secs:.1f} s')
print('peers rows are the recorded results-search-bbc.json, plus "bm25 (live)" measured in this run\n')
print('| tool | mode | MRR@10 | R@1 | R@10 | label P@10 | median query ms |')
print('|---|---|---|---|---|---|---|')
for m, r in peer.items():
    print(f'| peers | {m} | {r["mrr_at_10"]:.3f} | {r["recall_at_1"]:.3f} | {r["recall_at_10"]:.3f} | '
          f'{r["topic_precision_at_10"]:.3f} | {r.get("median_query_ms", float("nan")):.3f} |')
for m, r in ours.items():
    if m == 'bm25' or m == 'vector' or m.startswith('hybrid'):
        print(f'| wordlens | {m} | {r["mrr_at_10"]:.3f} | {r["recall_at_1"]:.3f} | {r["recall_at_10"]:.3f} | '
              f'{r["label_precision_at_10"]:.3f} | {r["median_query_ms"]:.3f} |')
