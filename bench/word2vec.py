"""wordlens train vs gensim Word2Vec: same corpus (Wikipedia sample + BBC title/text + tweets,
one document per line, as ../shared/peers/common.py builds it), same settings, alternating
runs in one process tree. Prints words/s (raw tokens x epochs / seconds), the ratio, peak RSS,
and WordSim-353 / SimLex-999 Spearman and analogy accuracy (gensim's evaluator for both)."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared'
sys.path.insert(0, str(SHARED / 'peers'))
from common import DATA, corpus_lines, tokens  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--runs', type=int, default=3)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--model', default='skipgram', choices=['skipgram', 'cbow'])
ap.add_argument('--skip-gensim', action='store_true')
ap.add_argument('--bin', default=str(ROOT / 'target' / 'release' / 'wordlens'),
                help='the wordlens binary (a copy keeps a long run safe from rebuilds)')
ap.add_argument('--variant', action='append', default=[], metavar='NAME=FLAGS',
                help='a wordlens run with extra train flags, e.g. "windows=--update windows" '
                     '(repeatable; default: one run with config.toml\'s settings, named wordlens)')
a = ap.parse_args()
variants = [v.split('=', 1) for v in a.variant] or [['wordlens', '']]

work = Path(tempfile.mkdtemp(prefix='wl-bench-'))
corpus = work / 'corpus.txt'
lines = corpus_lines()
corpus.write_text('\n'.join(lines) + '\n', encoding='utf-8')
n_tokens = sum(len(tokens(l)) for l in lines)
EPOCHS = 5

GENSIM = r'''
import sys, time, json
sys.path.insert(0, sys.argv[1])
from common import tokens
from gensim.models import Word2Vec
sents = []
for l in open(sys.argv[2], encoding='utf-8'):
    t = tokens(l)
    # gensim silently cuts sentences after 10,000 tokens: feed chunks instead.
    sents += [t[i:i + 10000] for i in range(0, len(t), 10000)]
t0 = time.perf_counter()
m = Word2Vec(sents, sg=int(sys.argv[4] == 'skipgram'), vector_size=100, window=5, negative=5, min_count=5,
             sample=1e-3, epochs=5, workers=int(sys.argv[5]), seed=1)
secs = time.perf_counter() - t0
m.wv.save_word2vec_format(sys.argv[3], binary=True)
print(json.dumps({'seconds': secs}))
'''


def run_measured(cmd):
    """Runs cmd under /usr/bin/time; returns (stdout, peak RSS in MB of that command alone)."""
    rss_file = work / 'rss'
    p = subprocess.run(['/usr/bin/time', '-f', '%M', '-o', str(rss_file)] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f'{cmd[0]} failed: {p.stderr[-2000:]}')
    return p.stdout, int(rss_file.read_text().split()[-1]) / 1024

def quality(path):
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
    ws = kv.evaluate_word_pairs(str(DATA / 'wordsim353.tsv'))
    sl = kv.evaluate_word_pairs(str(DATA / 'simlex999.txt'))
    an = kv.evaluate_word_analogies(str(DATA / 'questions-words.txt'), restrict_vocab=30000)[0]
    return {'wordsim353': ws[1][0], 'simlex999': sl[1][0], 'analogy': an, 'vocab': len(kv)}

wl = a.bin
results = {'gensim': [], **{name: [] for name, _ in variants}}
for r in range(a.runs):
    if not a.skip_gensim:
        out, rss = run_measured([sys.executable, '-c', GENSIM, str(SHARED / 'peers'), str(corpus), str(work / 'g.bin'),
                                 a.model, str(a.threads)])
        secs = json.loads(out)['seconds']
        results['gensim'].append({'seconds': secs, 'rss': rss, **quality(work / 'g.bin')})
    for name, flags in variants:
        out, rss = run_measured([wl, 'train', '--corpus', str(corpus), '--out', str(work / 'w.bin'), '--model', a.model,
                                 '--dim', '100', '--window', '5', '--negative', '5', '--min-count', '5', '--sample', '1e-3',
                                 '--epochs', '5', '--threads', str(a.threads), '--seed', str(r + 1), '--json', '--quiet']
                                + flags.split())
        st = json.loads(out)
        secs = st['seconds_reading'] + st['seconds_training']
        results[name].append({'seconds': secs, 'rss': rss, **quality(work / 'w.bin')})
    print(f'run {r + 1}: ' + '  '.join(f'{k} {v[-1]["seconds"]:.2f}s' for k, v in results.items() if v), flush=True)

def med(tool, key):
    return statistics.median(x[key] for x in results[tool])

print(f'\ncorpus: {n_tokens:,} tokens, {len(lines):,} documents; {a.model}, dim 100, window 5, negative 5, '
      f'min_count 5, sample 1e-3, {EPOCHS} epochs, {a.threads} threads; medians of {a.runs} runs\n')
def spread(tool, key, scale=1.0, digits=3):
    # The median with the lowest and highest run: one run's quality moves by more than the
    # margins compared, so the range is part of the figure.
    v = sorted(scale * x[key] for x in results[tool])
    return f'{statistics.median(v):.{digits}f} ({v[0]:.{digits}f}–{v[-1]:.{digits}f})'

print(f'| tool | seconds | words/s | WS353 | SimLex | analogies (%) | peak RSS |')
print(f'|---|---|---|---|---|---|---|')
for tool in results:
    if not results[tool]:
        continue
    secs = med(tool, 'seconds')
    print(f'| {tool} | {spread(tool, "seconds", digits=2)} | {n_tokens * EPOCHS / secs / 1e6:.2f} M | '
          f'{spread(tool, "wordsim353")} | {spread(tool, "simlex999")} | {spread(tool, "analogy", 100, 1)} | '
          f'{med(tool, "rss"):.0f} MB |')
for name, _ in variants:
    if not results['gensim']:
        break
    ratios = [g['seconds'] / w['seconds'] for g, w in zip(results['gensim'], results[name])]
    print(f'\n{name}: speed ratio to gensim (per run, same pair): {", ".join(f"{r:.2f}x" for r in ratios)}; '
          f'median {statistics.median(ratios):.2f}x')
    print(f'{name}: difference to gensim: WS353 {med(name, "wordsim353") - med("gensim", "wordsim353"):+.3f}, '
          f'SimLex {med(name, "simlex999") - med("gensim", "simlex999"):+.3f}; analogy '
          f'{100 * (med(name, "analogy") - med("gensim", "analogy")):+.1f} points')
