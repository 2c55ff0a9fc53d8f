"""Static embedding models, wordlens beside the reference packages in one run (bench/static.sh):
parity of document vectors, embedding throughput, and the quality tasks of ../shared/peers/static.py.

    python static.py WORK_DIR
"""
import csv, json, os, subprocess, sys, time
import numpy as np

csv.field_size_limit(1 << 30)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
DATA = os.path.join(ROOT, 'datasets')
SPLITS = os.path.join(ROOT, '..', 'shared', 'peers', 'splits')
WL = os.path.join(ROOT, 'target', 'release', 'wordlens')
work = sys.argv[1]


def wl(*args):
    return subprocess.run([WL, '--quiet', *args], check=True, capture_output=True, text=True).stdout


def cos_min(a, b):
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    return float(((a * b).sum(1) / (na * nb)).min())


subprocess.run([sys.executable, os.path.join(HERE, 'static_reference.py'), work, '500'], check=True, capture_output=True)
print('## Parity (first 500 BBC bodies, 500 tweets): min cosine, wordlens vs the package\n')
print('| model | package | BBC bodies | tweets |\n|---|---|---|---|')
for m, pkg in (('wordllama', 'wordllama 0.4.0.post1 embed()'), ('model2vec', 'model2vec StaticModel.encode()'), ('model2vec-int8', 'model2vec, int8')):
    row = []
    for d in ('bbc', 'tweets'):
        out = os.path.join(work, f'ours-{m}-{d}.npy')
        wl('embed', '--vectors', os.path.join(work, m), '--data', os.path.join(work, f'{d}.csv'), '--id-col', 'id', '--out', out)
        row.append(cos_min(np.load(os.path.join(work, f'ref-{m}-{d}.npy')), np.load(out)))
    print(f'| {m} | {pkg} | {row[0]:.7f} | {row[1]:.7f} |')

# Throughput: every BBC body and every tweet, the package vs `wordlens embed` (which also reads the
# CSV and writes the .npy), alternating, best of 3 each.
from wordllama import WordLlama
from model2vec import StaticModel
wlm = WordLlama.load()
m2v = StaticModel.from_pretrained(os.path.join(work, 'model2vec'))
sets = {
    'BBC bodies': (os.path.join(DATA, 'bbc-news.csv'), [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'bbc-news.csv'), encoding='utf-8'))]),
    'tweets': (os.path.join(DATA, 'tweets-sentiment.csv'), [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'tweets-sentiment.csv'), encoding='utf-8'))]),
}
print('\n## Throughput (documents/s, best of 3, 2 cores)\n')
print('| texts | wordllama package | wordlens (WordLlama) | ratio | model2vec package | wordlens (model2vec folder) | ratio |\n|---|---|---|---|---|---|---|')
for name, (path, texts) in sets.items():
    best = {k: 0.0 for k in ('wl_pkg', 'wl_ours', 'm2v_pkg', 'm2v_ours')}
    for _ in range(3):
        t = time.perf_counter(); wlm.embed(texts, norm=True); best['wl_pkg'] = max(best['wl_pkg'], len(texts) / (time.perf_counter() - t))
        t = time.perf_counter(); wl('embed', '--vectors', os.path.join(work, 'wordllama'), '--data', path, '--out', os.path.join(work, 'tp.npy'))
        best['wl_ours'] = max(best['wl_ours'], len(texts) / (time.perf_counter() - t))
        t = time.perf_counter(); m2v.encode(texts); best['m2v_pkg'] = max(best['m2v_pkg'], len(texts) / (time.perf_counter() - t))
        t = time.perf_counter(); wl('embed', '--vectors', os.path.join(work, 'model2vec'), '--data', path, '--out', os.path.join(work, 'tp.npy'))
        best['m2v_ours'] = max(best['m2v_ours'], len(texts) / (time.perf_counter() - t))
    print(f"| {name} | {best['wl_pkg']:.0f} | {best['wl_ours']:.0f} | {best['wl_ours'] / best['wl_pkg']:.1f}x | "
          f"{best['m2v_pkg']:.0f} | {best['m2v_ours']:.0f} | {best['m2v_ours'] / best['m2v_pkg']:.1f}x |")

# Quality: the tasks of ../shared/peers/static.py with wordlens's index and compare.
model = os.path.join(work, 'wordllama')
ix = os.path.join(work, 'ix')
wl('index', '--data', os.path.join(DATA, 'bbc-news.csv'), '--id-col', 'id', '--title-col', 'title', '--text-col', 'text',
   '--label-col', 'category', '--vectors', model, '--index', ix)
ki = {m['mode']: m['mrr_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--known-item-col', 'title', '--json'))['modes']}
dq = {m['mode']: m['label_precision_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--doc-queries', '--json'))['modes']}
sweep = {}
for a in ('0.2', '0.4', '0.5', '0.6', '0.7'):
    sweep[a] = [m['mrr_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--known-item-col', 'title', '--alpha', a, '--json'))['modes'] if m['mode'] == 'hybrid'][0]
print('\n## Search on BBC with WordLlama (bodies indexed without titles)\n')
print('| mode | known-item MRR@10 | label precision@10 |\n|---|---|---|')
for m in ('bm25', 'vector', 'hybrid'):
    print(f'| {m} | {ki[m]:.3f} | {dq[m]:.3f} |')
print('\nhybrid known-item MRR@10 by convex alpha: ' + ', '.join(f'{a}: {v:.3f}' for a, v in sweep.items()))
print('\n## Classification: logistic regression on the model\'s document vectors (peers\' splits)\n')
print('| data | bow | embed-mean | embed-tfidf | embed-sif | bow+embed-mean |\n|---|---|---|---|---|---|')
for name, cols, label in (('bbc-news', 'title,text', 'category'), ('tweets-sentiment', 'text', 'sentiment')):
    r = json.loads(wl('compare', '--data', os.path.join(DATA, f'{name}.csv'), '--text-col', cols, '--label-col', label,
                      '--split', os.path.join(SPLITS, f'{name}.csv'), '--vectors', model, '--json'))
    acc = {m['name']: m['accuracy'] for m in r['methods']}
    print(f"| {name} | {acc['bow']:.4f} | {acc['embed-mean']:.4f} | {acc['embed-tfidf']:.4f} | {acc['embed-sif']:.4f} | {acc['bow+embed-mean']:.4f} |")
r = json.loads(wl('compare', '--data', os.path.join(DATA, 'bbc-news.csv'), '--text-col', 'title,text', '--label-col', 'category',
                  '--split', os.path.join(SPLITS, 'bbc-news.csv'), '--vectors', model, '--train-sizes', '0.01,0.05,0.25', '--json'))
print('\nLearning curve on BBC (accuracy; training rows):\n')
curve = {}
for c in r['learning_curve']:
    curve.setdefault(c['train_rows'], {})[c['method']] = c['accuracy']
print('| rows | bow | embed-mean | bow+embed-mean |\n|---|---|---|---|')
for n, a in sorted(curve.items()):
    print(f"| {n} | {a['bow']:.3f} | {a['embed-mean']:.3f} | {a['bow+embed-mean']:.3f} |")
