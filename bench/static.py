"""Static embedding models, wordlens beside the reference packages in one run (bench/static.sh):
parity of document vectors, embedding throughput, and the quality tasks of ../shared/peers/static.py.

    python static.py WORK_DIR [--throughput-only]
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

# Throughput: every BBC body and every tweet. Like for like, in one process with the model
# loaded: the package's embed() against wordlens's embed_batch (bench/static_stages.rs); and
# end to end: `wordlens embed` as a command (process start, opening the model, reading the CSV,
# writing and syncing the .npy). Best of 3 each, alternating.
from wordllama import WordLlama
from model2vec import StaticModel
wlm = WordLlama.load()
m2v = StaticModel.from_pretrained(os.path.join(work, 'model2vec'))
sets = {
    'BBC bodies': (os.path.join(DATA, 'bbc-news.csv'), [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'bbc-news.csv'), encoding='utf-8'))]),
    'tweets': (os.path.join(DATA, 'tweets-sentiment.csv'), [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'tweets-sentiment.csv'), encoding='utf-8'))]),
}
STAGES = os.path.join(ROOT, 'target', 'release', 'examples', 'static_stages')


def in_process(model_dir):
    """embed_batch documents/s per text set, and the stage table, from bench/static_stages.rs."""
    out = subprocess.run([STAGES, model_dir], check=True, capture_output=True, text=True).stdout
    rates = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip('|').split('|')]
        if cells[0] in sets:
            rates[cells[0]] = float(cells[5])
    return rates, out


print('\n## Throughput (documents/s, best of 3, 2 cores)\n')
print('| model | texts | package, in process | wordlens embed_batch, in process | ratio | `wordlens embed` command, end to end | ratio |')
print('|---|---|---|---|---|---|---|')
stage_tables = {}
for label, folder, pkg in (('WordLlama', 'wordllama', lambda ts: wlm.embed(ts, norm=True)), ('model2vec folder', 'model2vec', lambda ts: m2v.encode(ts))):
    rates, stage_tables[label] = in_process(os.path.join(work, folder))
    for name, (path, texts) in sets.items():
        best_pkg = best_cli = 0.0
        for _ in range(3):
            t = time.perf_counter(); pkg(texts); best_pkg = max(best_pkg, len(texts) / (time.perf_counter() - t))
            t = time.perf_counter(); wl('embed', '--vectors', os.path.join(work, folder), '--data', path, '--out', os.path.join(work, 'tp.npy'))
            best_cli = max(best_cli, len(texts) / (time.perf_counter() - t))
        ours = rates[name]
        print(f'| {label} | {name} | {best_pkg:.0f} | {ours:.0f} | {ours / best_pkg:.1f}x | {best_cli:.0f} | {best_cli / best_pkg:.1f}x |')
for label, table in stage_tables.items():
    print(f'\nwordlens stages in one process, {label} (bench/static_stages.rs):\n')
    print(table)

if '--throughput-only' in sys.argv:
    sys.exit(0)

# The bundled default model is the wheel's, byte for byte (so everything below holds for
# `--vectors default` and for commands run without --vectors).
model = os.path.join(work, 'wordllama')
bundled = os.path.join(ROOT, 'datasets', 'wordllama-l2-supercat')
same = all(open(os.path.join(model, f), 'rb').read() == open(os.path.join(bundled, f), 'rb').read()
           for f in ('model.safetensors', 'tokenizer.json'))
print(f'\nbundled datasets/wordllama-l2-supercat equals the wheel\'s files: {same}')
assert same, 'the bundled model differs from the wordllama wheel'

# Quality: the tasks of ../shared/peers/static.py with wordlens's index and compare.
ix = os.path.join(work, 'ix')
wl('index', '--data', os.path.join(DATA, 'bbc-news.csv'), '--id-col', 'id', '--title-col', 'title', '--text-col', 'text',
   '--label-col', 'category', '--vectors', model, '--index', ix)
ki = {m['mode']: m['mrr_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--known-item-col', 'title', '--json'))['modes']}
dq = {m['mode']: m['label_precision_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--doc-queries', '--json'))['modes']}
sweep = {}
for a in ('0.2', '0.4', '0.5', '0.6', '0.7'):
    sweep[a] = [m['mrr_at_10'] for m in json.loads(wl('eval-search', '--index', ix, '--known-item-col', 'title', '--vector-weight', a, '--json'))['modes'] if m['mode'] == 'hybrid'][0]
print('\n## Search on BBC with WordLlama (bodies indexed without titles)\n')
print('| mode | known-item MRR@10 | label precision@10 |\n|---|---|---|')
for m in ('bm25', 'vector', 'hybrid'):
    print(f'| {m} | {ki[m]:.3f} | {dq[m]:.3f} |')
print('\nhybrid known-item MRR@10 by convex vector weight: ' + ', '.join(f'{a}: {v:.3f}' for a, v in sweep.items()))
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
