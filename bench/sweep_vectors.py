"""Two of the fusion sweep's vector sources, from WORK/words.txt (WordLlama's whole-word table
as a GloVe text file): its 50-d PCA (WORK/words50.txt) and the PCA plus one common offset, whose
averaged cosines bunch near 1 (WORK/off.txt). Used by bench/fusion_sweep.sh and
bench/calibration.sh.

    python sweep_vectors.py WORK
"""
import sys
import numpy as np
work = sys.argv[1]
words, rows = [], []
for line in open(f'{work}/words.txt', encoding='utf-8'):
    f = line.rstrip('\n').split(' ')
    words.append(f[0]); rows.append(np.array(f[1:], dtype=np.float32))
X = np.stack(rows)
_, _, vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
Y = X @ vt[:50].T
d = np.random.default_rng(0).standard_normal(50)
d /= np.linalg.norm(d)
for name, M in [('words50', Y), ('off', Y + 0.5 * np.linalg.norm(Y, axis=1).mean() * d)]:
    with open(f'{work}/{name}.txt', 'w', encoding='utf-8') as f:
        for w, v in zip(words, M):
            f.write(w + ' ' + ' '.join(f'{x:.5f}' for x in v) + '\n')
