"""Chinese word vectors from raw text vs from the gold segmentation (People's Daily, January 1998).

Trains word2vec twice with the same settings and seed: on the raw text (each gold line's words
joined; wordlens segments it, `--segmenter auto`) and on the gold-segmented text
(`--segmenter whitespace`). Reports each vocabulary's share of multi-character words and, for the
200 most frequent multi-character gold words that both vocabularies hold, the mean overlap of
their 10 nearest neighbours (cosine, the word itself excluded).
Usage: python bench/chinese_vectors.py GOLD.txt WORDLENS_BINARY OUTDIR
"""
import collections, subprocess, sys
import numpy as np

gold, wl, out = sys.argv[1:4]
lines = [l.split() for l in open(gold, encoding='utf-8') if l.strip()]
with open(f'{out}/raw.txt', 'w', encoding='utf-8') as f:
    f.writelines(''.join(ws) + '\n' for ws in lines)
common = ['--format', 'w2v-txt', '--dim', '100', '--epochs', '5', '--min-count', '5', '--seed', '1', '--threads', '1']
subprocess.run([wl, '--quiet', 'train', '--corpus', f'{out}/raw.txt', '--out', f'{out}/raw.vec', *common], check=True)
subprocess.run([wl, '--quiet', '--segmenter', 'whitespace', 'train', '--corpus', gold, '--out', f'{out}/gold.vec', *common], check=True)
# The ceiling: the gold segmentation trained again with another seed agrees with itself only so far.
subprocess.run([wl, '--quiet', '--segmenter', 'whitespace', 'train', '--corpus', gold, '--out', f'{out}/gold2.vec', *common[:-4], '--seed', '2', '--threads', '1'], check=True)


def load(path):
    with open(path, encoding='utf-8') as f:
        n, d = map(int, f.readline().split())
        words, vecs = [], np.zeros((n, d), np.float32)
        for i, line in enumerate(f):
            parts = line.rstrip('\n').split(' ')
            words.append(parts[0]); vecs[i] = np.array(parts[1:d + 1], np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-12
    return {w: i for i, w in enumerate(words)}, words, vecs


def neighbours(model, word, k=10):
    index, words, vecs = model
    sims = vecs @ vecs[index[word]]
    sims[index[word]] = -2
    return {words[i] for i in np.argsort(-sims)[:k]}


raw, goldm = load(f'{out}/raw.vec'), load(f'{out}/gold.vec')
for name, m in (('raw text, segmented by wordlens', raw), ('gold segmentation', goldm)):
    multi = sum(1 for w in m[1] if len(w) > 1)
    print(f'{name}: {len(m[1]):,} words, {multi / len(m[1]):.1%} of more than one character')
freq = collections.Counter(w for ws in lines for w in ws if len(w) > 1 and w.isalpha())
probe = [w for w, _ in freq.most_common() if w in raw[0] and w in goldm[0]][:200]
overlap = [len(neighbours(raw, w) & neighbours(goldm, w)) / 10 for w in probe]
print(f'overlap@10 over the {len(probe)} most frequent multi-character words: mean {np.mean(overlap):.3f}, median {np.median(overlap):.3f}')
gold2 = load(f'{out}/gold2.vec')
ceiling = [len(neighbours(gold2, w) & neighbours(goldm, w)) / 10 for w in probe if w in gold2[0]]
print(f'ceiling (gold segmentation, seed 2 vs seed 1): mean {np.mean(ceiling):.3f}')
print('e.g.', {w: sorted(neighbours(raw, w))[:5] for w in ('经济', '发展', '改革')})
