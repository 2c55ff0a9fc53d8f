"""Why the subword skip-gram trailed fastText on WordSim-353, one knob at a time (issue #16).

Same corpus as bench/embeddings.py (Wikipedia sample + BBC + tweets, one document per line,
stored source by source), same settings for both tools (dim 100, window 5, 5 epochs,
min_count 5, neg 5, n-grams 3-6, 2M buckets, t 1e-4, lr 0.05 decaying to 0, 2 threads unless
said), gensim's evaluator on each tool's word vectors. Each row: medians of --runs runs
(wordlens seeds 1..runs; fastText's Python package takes no seed, its threads vary the runs).

Run: . bench/peer_env.sh && $PY bench/subword_ablation.py [--runs 3] [--skip cbow]
(build first: cargo build --release)
"""
import argparse, os, random, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent / 'shared' / 'peers'))
from common import DATA, corpus_lines, tokens  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--runs', type=int, default=3)
ap.add_argument('--skip', default='')
a = ap.parse_args()
work = Path(os.environ.get('WL_BENCH_DIR') or tempfile.mkdtemp(prefix='wl-abl-'))
work.mkdir(parents=True, exist_ok=True)
lines = [' '.join(tokens(l)) for l in corpus_lines()]
corpus = work / 'corpus.txt'
corpus.write_text('\n'.join(lines) + '\n', encoding='utf-8')
# fastText appends </s> to every line and trains it as a word; the same for wordlens.
with_eos = work / 'corpus-eos.txt'
with_eos.write_text('\n'.join(l + ' eostoken' for l in lines) + '\n', encoding='utf-8')
shuffled = work / 'corpus-shuffled.txt'
rnd = random.Random(1)
sl = list(lines)
rnd.shuffle(sl)
shuffled.write_text('\n'.join(sl) + '\n', encoding='utf-8')
wl = str(ROOT / 'target' / 'release' / 'wordlens')

FT = r'''
import sys, fasttext
m = fasttext.train_unsupervised(sys.argv[1], model=sys.argv[4], thread=int(sys.argv[3]), verbose=0, dim=100, ws=5,
                                epoch=5, minCount=5, neg=5, minn=3, maxn=6, bucket=2000000, t=1e-4, lr=0.05)
words = m.get_words()
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write('%d %d\n' % (len(words), m.get_dimension()))
    for w in words:
        f.write(w + ' ' + ' '.join('%.6g' % x for x in m.get_word_vector(w)) + '\n')
'''


def quality(path, binary):
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    ws = kv.evaluate_word_pairs(str(DATA / 'wordsim353.tsv'))[1][0]
    sl = kv.evaluate_word_pairs(str(DATA / 'simlex999.txt'))[1][0]
    an = kv.evaluate_word_analogies(str(DATA / 'questions-words.txt'), restrict_vocab=30000)[0]
    return ws, sl, an


def fasttext_run(text, model, threads, run):
    out = work / 'ft.vec'
    t = time.perf_counter()
    subprocess.run([sys.executable, '-c', FT, str(text), str(out), str(threads), model], check=True)
    return (time.perf_counter() - t, *quality(out, False))


def wordlens_run(text, model, threads, run, order):
    out = work / 'wl.bin'
    t = time.perf_counter()
    subprocess.run([wl, 'train', '--corpus', str(text), '--out', str(out), '--format', 'w2v-bin', '--model', model,
                    '--threads', str(threads), '--seed', str(run + 1), '--order', order, '--quiet', '--dim', '100',
                    '--window', '5', '--epochs', '5', '--min-count', '5', '--negative', '5', '--minn', '3', '--maxn',
                    '6', '--bucket', '2000000', '--sample', '1e-4', '--learning-rate', '0.05', '--min-learning-rate', '0'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t, *quality(out, True))


def row(label, fn):
    rs = [fn(r) for r in range(a.runs)]
    m = [statistics.median(x[i] for x in rs) for i in range(4)]
    spread = f'{min(x[1] for x in rs):.3f}–{max(x[1] for x in rs):.3f}'
    print(f'| {label} | {m[1]:.3f} ({spread}) | {m[2]:.3f} | {100 * m[3]:.1f} % | {m[0]:.1f} s |', flush=True)


print(f'{sum(len(l.split()) for l in lines):,} tokens, {len(lines):,} lines; medians of {a.runs} runs\n')
print('| skip-gram with n-grams | WordSim-353 (range) | SimLex-999 | analogies | seconds |')
print('|---|---|---|---|---|')
row('fastText 0.9.2, file order, 2 threads (each thread starts at its share of the file)',
    lambda r: fasttext_run(corpus, 'skipgram', 2, r))
row('wordlens, blocks in file order (the trainer before this change)',
    lambda r: wordlens_run(corpus, 'fasttext-skipgram', 2, r, 'sequential'))
row('  + a `</s>`-like token ending every line, as fastText trains',
    lambda r: wordlens_run(with_eos, 'fasttext-skipgram', 2, r, 'sequential'))
row('  instead: each thread starts at its share of the corpus (fastText\'s schedule; the default)',
    lambda r: wordlens_run(corpus, 'fasttext-skipgram', 2, r, 'thread-offsets'))
row('  instead: blocks shuffled every epoch (--order shuffle)',
    lambda r: wordlens_run(corpus, 'fasttext-skipgram', 2, r, 'shuffle'))
row('fastText, 1 thread (file order from the start)', lambda r: fasttext_run(corpus, 'skipgram', 1, r))
row('wordlens, 1 thread, file order', lambda r: wordlens_run(corpus, 'fasttext-skipgram', 1, r, 'sequential'))
row('fastText on the lines shuffled once', lambda r: fasttext_run(shuffled, 'skipgram', 2, r))
row('wordlens on the lines shuffled once, file order',
    lambda r: wordlens_run(shuffled, 'fasttext-skipgram', 2, r, 'sequential'))
if 'cbow' not in a.skip:
    print('\n| CBOW with n-grams | WordSim-353 (range) | SimLex-999 | analogies | seconds |')
    print('|---|---|---|---|---|')
    row('fastText cbow (its thread offsets)', lambda r: fasttext_run(corpus, 'cbow', 2, r))
    row('wordlens fasttext-cbow, file order', lambda r: wordlens_run(corpus, 'fasttext-cbow', 2, r, 'sequential'))
    row('wordlens fasttext-cbow, thread offsets (default)', lambda r: wordlens_run(corpus, 'fasttext-cbow', 2, r,
                                                                          'thread-offsets'))
    row('wordlens fasttext-cbow, shuffled blocks', lambda r: wordlens_run(corpus, 'fasttext-cbow', 2, r, 'shuffle'))
