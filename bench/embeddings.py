"""Side by side on the bundled corpus (Wikipedia sample + BBC + tweets, one document per line,
lowercased and tokenised as ../shared/peers/common.py does, so both tools see the same words):

1. fastText's own train_unsupervised (skipgram and cbow, the pinned Python package) vs
   `wordlens train --model fasttext-skipgram` / `fasttext-cbow`, same settings: words/s (tokens x epochs / wall
   seconds) and the ratio per run; WordSim-353 / SimLex-999 Spearman and analogy accuracy
   for each (gensim's evaluator on each tool's word vectors).
2. wordlens GloVe beside wordlens word2vec skip-gram (same corpus, same evaluator).
3. Load time of a 400k x 300 random vectors file: word2vec text, word2vec binary and the
   native format for wordlens (median of 5 warm opens, `load_vectors` example) and gensim
   (`load_word2vec_format`; its own `KeyedVectors.load(mmap='r')` as the native peer).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared'
sys.path.insert(0, str(SHARED / 'peers'))
from common import DATA, corpus_lines, tokens  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--runs', type=int, default=3)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--skip', default='', help='comma list of parts to skip: fasttext (or skipgram, cbow),glove,load')
ap.add_argument('--load-words', type=int, default=400_000)
ap.add_argument('--load-formats', default='text,binary,native,query',
                help='comma list of the load rows to run (text takes gensim minutes)')
a = ap.parse_args()
skip = set(filter(None, a.skip.split(',')))

work = Path(os.environ.get('WL_BENCH_DIR') or tempfile.mkdtemp(prefix='wl-emb-'))
work.mkdir(parents=True, exist_ok=True)
corpus = work / 'corpus.txt'
lines = [' '.join(tokens(l)) for l in corpus_lines()]
corpus.write_text('\n'.join(lines) + '\n', encoding='utf-8')
n_tokens = sum(len(l.split()) for l in lines)
wl = str(ROOT / 'target' / 'release' / 'wordlens')
S = dict(dim=100, ws=5, epoch=5, minCount=5, neg=5, minn=3, maxn=6, bucket=2_000_000, t=1e-4, lr=0.05)

FASTTEXT = r'''
import sys, time, json, fasttext
S = json.loads(sys.argv[3])
t0 = time.perf_counter()
m = fasttext.train_unsupervised(sys.argv[1], model=sys.argv[5], thread=int(sys.argv[4]), verbose=0, **S)
secs = time.perf_counter() - t0
words = m.get_words()
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write('%d %d\n' % (len(words), m.get_dimension()))
    for w in words:
        f.write(w + ' ' + ' '.join('%.6g' % x for x in m.get_word_vector(w)) + '\n')
print(json.dumps({'seconds': secs}))
'''


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f'{cmd[0]} failed: {p.stderr[-2000:]}')
    return p.stdout


def quality(path, binary):
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    ws = kv.evaluate_word_pairs(str(DATA / 'wordsim353.tsv'))
    sl = kv.evaluate_word_pairs(str(DATA / 'simlex999.txt'))
    an = kv.evaluate_word_analogies(str(DATA / 'questions-words.txt'), restrict_vocab=30000)[0]
    return {'wordsim353': ws[1][0], 'simlex999': sl[1][0], 'analogy': an, 'vocab': len(kv)}


def wl_train(model, out, extra, seed):
    st = json.loads(run([wl, 'train', '--corpus', str(corpus), '--out', str(out), '--format', 'w2v-bin',
                         '--model', model, '--threads', str(a.threads), '--seed', str(seed), '--json', '--quiet']
                        + extra))
    return st['seconds_reading'] + st['seconds_training']


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def table(results, epochs):
    print('| tool | seconds | words/s | WS353 | SimLex | analogies | vocab |')
    print('|---|---|---|---|---|---|---|')
    for tool, rows in results.items():
        if rows:
            secs = med(rows, 'seconds')
            print(f'| {tool} | {secs:.2f} | {n_tokens * epochs / secs / 1e6:.2f} M | {med(rows, "wordsim353"):.3f} | '
                  f'{med(rows, "simlex999"):.3f} | {100 * med(rows, "analogy"):.1f} % | {med(rows, "vocab"):.0f} |')


print(f'corpus: {n_tokens:,} tokens, {len(lines):,} documents; {a.threads} threads; medians of {a.runs} runs', flush=True)

for ft_model, wl_model in [('skipgram', 'fasttext-skipgram'), ('cbow', 'fasttext-cbow')]:
    if 'fasttext' in skip or ft_model in skip:
        continue
    ours = f'wordlens {wl_model}'
    res = {f'fastText {ft_model}': [], ours: []}
    flags = ['--dim', '100', '--window', '5', '--epochs', '5', '--min-count', '5', '--negative', '5', '--minn', '3',
             '--maxn', '6', '--bucket', '2000000', '--sample', '1e-4', '--learning-rate', '0.05', '--min-learning-rate', '0']
    for r in range(a.runs):
        out = run([sys.executable, '-c', FASTTEXT, str(corpus), str(work / 'ft.vec'), json.dumps(S), str(a.threads),
                   ft_model])
        res[f'fastText {ft_model}'].append({'seconds': json.loads(out)['seconds'], **quality(work / 'ft.vec', False)})
        secs = wl_train(wl_model, work / 'wft.bin', flags, r + 1)
        res[ours].append({'seconds': secs, **quality(work / 'wft.bin', True)})
        print(f'run {r + 1}: fastText {res[f"fastText {ft_model}"][-1]["seconds"]:.2f}s  wordlens {secs:.2f}s',
              flush=True)
    print(f'\n## subword {ft_model}: dim 100, window 5, 5 epochs, min_count 5, neg 5, n-grams 3-6, 2M buckets, '
          't 1e-4, lr 0.05 (wordlens: its default order, thread offsets as fastText)\n')
    table(res, 5)
    f, w = res[f'fastText {ft_model}'], res[ours]
    ratios = [x['seconds'] / y['seconds'] for x, y in zip(f, w)]
    print(f'\nspeed ratio wordlens/fastText (per run): {", ".join(f"{x:.2f}x" for x in ratios)}; '
          f'median {statistics.median(ratios):.2f}x')
    print(f'Spearman difference (wordlens - fastText): WS353 {med(w, "wordsim353") - med(f, "wordsim353"):+.3f}, '
          f'SimLex {med(w, "simlex999") - med(f, "simlex999"):+.3f}; analogy '
          f'{100 * (med(w, "analogy") - med(f, "analogy")):+.1f} points', flush=True)

if 'glove' not in skip:
    res = {'wordlens skipgram': [], 'wordlens glove': []}
    for r in range(a.runs):
        secs = wl_train('skipgram', work / 'sg.bin', [], r + 1)
        res['wordlens skipgram'].append({'seconds': secs, **quality(work / 'sg.bin', True)})
        secs = wl_train('glove', work / 'gl.bin', [], r + 1)
        res['wordlens glove'].append({'seconds': secs, **quality(work / 'gl.bin', True)})
    print('\n## GloVe beside word2vec (defaults: skip-gram 5 epochs; GloVe window 10, x_max 10, weighting exponent 0.75, '
          '25 epochs; dim 100, min_count 5)\n')
    print('(words/s counts corpus tokens x epochs; GloVe epochs pass over co-occurrence records, so compare seconds)')
    table(res, 1)

if 'load' not in skip:
    from gensim.models import KeyedVectors
    prefix = work / f'v{a.load_words // 1000}k'
    if not Path(str(prefix) + '.bin').exists():
        run([sys.executable, str(ROOT / 'bench' / 'make_vectors.py'), str(prefix), str(a.load_words), '300'])
    native = Path(str(prefix) + '.wl')
    run([wl, 'convert', '--in', str(prefix) + '.bin', '--out', str(native), '--format', 'wordlens'])
    gnative = Path(str(prefix) + '.kv')
    if not gnative.exists():
        KeyedVectors.load_word2vec_format(str(prefix) + '.bin', binary=True).save(str(gnative))
    print(f'\n## opening {a.load_words:,} x 300 vectors (wordlens: median of 5 warm opens; gensim: one warm open)\n')
    print('| file | size | wordlens | gensim | ratio |')
    print('|---|---|---|---|---|')
    rows = [
        ('text', 'word2vec text', str(prefix) + '.txt', lambda p: KeyedVectors.load_word2vec_format(p, binary=False)),
        ('binary', 'word2vec binary', str(prefix) + '.bin', lambda p: KeyedVectors.load_word2vec_format(p, binary=True)),
        ('native', 'native (wordlens mmap / gensim KeyedVectors.load mmap=r)', None, None),
        ('query', 'word2vec binary, open + one neighbour query (`wordlens neighbors` process, median of 3 / gensim load + most_similar)', 'query', None),
    ]
    for key, label, path, gload in rows:
        if key not in a.load_formats.split(','):
            continue
        if path == 'query':
            path = str(prefix) + '.bin'
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                run([wl, 'neighbors', '--vectors', path, 'w0001000', '-k', '10'])
                times.append(time.perf_counter() - t0)
            w = sorted(times)[1]
            t0 = time.perf_counter()
            KeyedVectors.load_word2vec_format(path, binary=True).most_similar('w0001000', topn=10)
            g = time.perf_counter() - t0
            size = Path(path).stat().st_size
        elif path is None:
            w = json.loads(run([str(ROOT / 'target/release/examples/load_vectors'), str(native)]))['open_seconds']
            t0 = time.perf_counter(); KeyedVectors.load(str(gnative), mmap='r'); g = time.perf_counter() - t0
            t0 = time.perf_counter(); KeyedVectors.load(str(gnative), mmap='r'); g = time.perf_counter() - t0
            size = native.stat().st_size
        else:
            w = json.loads(run([str(ROOT / 'target/release/examples/load_vectors'), path]))['open_seconds']
            t0 = time.perf_counter(); gload(path); g = time.perf_counter() - t0
            size = Path(path).stat().st_size
        print(f'| {label} | {size / 1e6:.0f} MB | {1000 * w:.1f} ms | {1000 * g:.1f} ms | {g / w:.1f}x |', flush=True)
