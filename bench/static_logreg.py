"""One knob at a time: logistic regression on the bundled static model's document vectors,
wordlens (`classify train --features embed`) against scikit-learn on the very same vectors
(`wordlens embed`, unit length), on the peers' fixed split.

    python static_logreg.py bbc-news|tweets-sentiment

Rows: wordlens as shipped (unit-length vectors standardised, C by inner 3-fold CV) and with
C 1 (--no-tune); scikit-learn LogisticRegression C 1 and LogisticRegressionCV with wordlens's C
grid, on the unit-length and the raw vectors, standardised or not.
"""
import csv, os, subprocess, sys, tempfile, time
from pathlib import Path

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore", FutureWarning)
ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / 'shared' / 'peers'
WL = ROOT / 'target' / 'release' / 'wordlens'
COLS = {'bbc-news': ('title,text', 'category'), 'tweets-sentiment': ('text', 'sentiment'),
        'debian-packages-en': ('title,text', 'label')}
name = sys.argv[1]
# A config file for wordlens's rows (say, another [compare.tune] c_grid): WORDLENS_CONFIG.
CONFIG = ['--config', os.environ['WORDLENS_CONFIG']] if os.environ.get('WORDLENS_CONFIG') else []
ONLY_WORDLENS = bool(os.environ.get('ONLY_WORDLENS'))
text_col, label_col = COLS[name]
bundled = ROOT / 'datasets' / f'{name}.csv'
rows = list(csv.DictReader(open(bundled if bundled.exists() else ROOT.parent / 'shared' / 'datasets' / f'{name}.csv',
                                encoding='utf-8')))
split_file = PEERS / 'splits' / f'{name}.csv'
if not split_file.exists():
    # A held-out set the peers have no split for: the same recipe as their make_splits.py
    # (stratified 80/20, seed 42), kept in bench/data so every run sees the same rows.
    split_file = ROOT / 'bench' / 'data' / 'splits' / f'{name}.csv'
    if not split_file.exists():
        from sklearn.model_selection import train_test_split
        tr, te = train_test_split(range(len(rows)), test_size=0.2, random_state=42,
                                  stratify=[r[label_col] for r in rows])
        which = {i: 'train' for i in tr} | {i: 'test' for i in te}
        split_file.parent.mkdir(parents=True, exist_ok=True)
        with open(split_file, 'w', newline='') as f:
            w = csv.writer(f); w.writerow(['row', 'split'])
            for i in range(len(rows)): w.writerow([i, which[i]])
split = {int(r['row']): r['split'] for r in csv.DictReader(open(split_file))}
work = Path(tempfile.mkdtemp())
for part in ['train', 'test']:
    with open(work / f'{part}.csv', 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(r for i, r in enumerate(rows) if split.get(i) == part)
y = {p: [r[label_col] for i, r in enumerate(rows) if split.get(i) == p] for p in ['train', 'test']}


def wordlens(extra):
    t = time.perf_counter()
    subprocess.run([str(WL), *CONFIG, 'classify', 'train', '-q', '--data', str(work / 'train.csv'), '--text-col', text_col,
                    '--label-col', label_col, '--features', 'embed', '--vectors', 'default',
                    '--out', str(work / 'm.wlm'), *extra], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(WL), 'classify', 'predict', '-q', '--model', str(work / 'm.wlm'),
                    '--data', str(work / 'test.csv'), '--out', str(work / 'pred.csv')],
                   check=True, stdout=subprocess.DEVNULL)
    pred = [r['predicted'] for r in csv.DictReader(open(work / 'pred.csv', encoding='utf-8'))]
    return np.mean([p == t for p, t in zip(pred, y['test'])]), time.perf_counter() - t


def vectors(part):
    subprocess.run([str(WL), 'embed', '-q', '--vectors', 'default', '--data', str(work / f'{part}.csv'),
                    '--text-col', text_col, '--out', str(work / f'{part}.npy')], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.load(work / f'{part}.npy')


print(f'## {name}: train {len(y["train"])}, test {len(y["test"])}\n')
print('| tool | standardised | C | accuracy | seconds |\n|---|---|---|---|---|')
for label, extra in [('tuned (inner 3-fold)', []), ('1 (--no-tune)', ['--no-tune'])]:
    acc, secs = wordlens(extra)
    print(f'| wordlens (unit vectors) | yes | {label} | {acc:.4f} | {secs:.1f} |', flush=True)
if ONLY_WORDLENS:
    sys.exit(0)
raw = vectors('train'), vectors('test')
unit = tuple(X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12) for X in raw)
for kind, (Xtr, Xte) in [('unit', unit), ('raw', raw)]:
  sc = StandardScaler().fit(Xtr)
  for label, std, model in [
        ('1', False, LogisticRegression(C=1.0, max_iter=1000)),
        ('1', True, LogisticRegression(C=1.0, max_iter=1000)),
        ('CV 0.1-30 (3-fold)', False, LogisticRegressionCV(Cs=[0.1, 0.3, 1, 3, 10, 30], max_iter=1000,
                                                          cv=StratifiedKFold(3, shuffle=True, random_state=0))),
        ('CV 0.1-30 (3-fold)', True, LogisticRegressionCV(Cs=[0.1, 0.3, 1, 3, 10, 30], max_iter=1000,
                                                         cv=StratifiedKFold(3, shuffle=True, random_state=0)))]:
    t = time.perf_counter()
    a, b = (sc.transform(Xtr), sc.transform(Xte)) if std else (Xtr, Xte)
    model.fit(a, y['train'])
    acc = np.mean(model.predict(b) == np.array(y['test']))
    c = f' (chose {float(np.ravel(model.C_)[0]):g})' if hasattr(model, 'C_') else ''
    print(f'| scikit-learn, {kind} vectors | {"yes" if std else "no"} | {label}{c} | {acc:.4f} | '
          f'{time.perf_counter() - t:.1f} |', flush=True)
