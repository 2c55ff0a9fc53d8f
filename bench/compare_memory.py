"""Peak memory of `compare` as rows grow, beside scikit-learn's LogisticRegressionCV on the
same rows (#28). bench/compare_memory.py WORK_DIR [ROWS] [FACTORS...]: takes ROWS (6,303)
shuffled tweets (seed 1), writes them 1x, 4x, 16x... (the same rows again with fresh ids), and
for each runs `wordlens compare` (seven methods, tuned, the bundled model) and scikit-learn
(TF-IDF uni+bigrams as wordlens tokenizes, LogisticRegressionCV C 0.1-30, 3 folds, n_jobs 2,
on the same 80/20 stratified split, written as a split file for `compare --split`) in their
own processes under /usr/bin/time. The copies leak into the test rows, so accuracy beyond 1x
is no measure of quality: the table is about memory and time."""
import csv, json, random, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
work = Path(sys.argv[1]); work.mkdir(parents=True, exist_ok=True)
rows_n = int(sys.argv[2]) if len(sys.argv) > 2 else 6303
factors = [int(f) for f in sys.argv[3:]] or [1, 4, 16]
WL = str(ROOT / 'target' / 'release' / 'wordlens')

SKLEARN = r'''
import csv, re, sys, time, warnings
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
warnings.filterwarnings('ignore')
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
word = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
toks = [word.findall(r['text'].lower()) for r in rows]
y = np.array([r['sentiment'] for r in rows])
split = [r['split'] for r in csv.DictReader(open(sys.argv[2]))]
tr = np.array([i for i, s in enumerate(split) if s == 'train'])
te = np.array([i for i, s in enumerate(split) if s == 'test'])
v = TfidfVectorizer(sublinear_tf=True, analyzer=lambda d: d + [a + ' ' + b for a, b in zip(d, d[1:])])
t = time.perf_counter()
A = v.fit_transform([toks[i] for i in tr]); B = v.transform([toks[i] for i in te])
m = LogisticRegressionCV(Cs=[0.1, 0.3, 1, 3, 10, 30], cv=StratifiedKFold(3, shuffle=True, random_state=0),
                         max_iter=1000, tol=1e-4, n_jobs=2).fit(A, y[tr])
print(f"{(m.predict(B) == y[te]).mean():.4f}")
'''


def measured(cmd):
    """Runs cmd under /usr/bin/time: (seconds, peak RSS MB, stdout)."""
    t = time.perf_counter()
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t
    return secs, int(p.stderr.strip().splitlines()[-1]) / 1024, p.stdout


source = list(csv.reader(open(ROOT / 'datasets' / 'tweets-sentiment.csv', encoding='utf-8')))
header, body = source[0], source[1:]
random.seed(1)
random.shuffle(body)
body = body[:rows_n]
print(f'| rows | CSV | wordlens compare: 7 methods, tuned (its bow accuracy) | peak RSS | scikit-learn LogisticRegressionCV, bow only (accuracy) | peak RSS |')
print('|---|---|---|---|---|---|')
(work / 'lrcv.py').write_text(SKLEARN)
for k in factors:
    path = work / f'tweets-{k}x.csv'
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f); w.writerow(['id'] + header)
        for rep in range(k):
            for i, r in enumerate(body):
                w.writerow([rep * len(body) + i] + r)
    # One stratified 80/20 split for both tools (every 5th row of each class is a test row).
    seen = {}
    split_path = work / f'split-{k}x.csv'
    with open(split_path, 'w', newline='') as f:
        w = csv.writer(f); w.writerow(['row', 'split'])
        for i in range(k * len(body)):
            label = body[i % len(body)][0]
            seen[label] = seen.get(label, 0) + 1
            w.writerow([i, 'test' if seen[label] % 5 == 0 else 'train'])
    ws, wm, out = measured([WL, '--quiet', 'compare', '--data', str(path), '--text-col', 'text',
                            '--label-col', 'sentiment', '--split', str(split_path), '--json'])
    bow = next(m for m in json.loads(out)['methods'] if m['name'] == 'bow')
    ss, sm, acc = measured([sys.executable, str(work / 'lrcv.py'), str(path), str(split_path)])
    print(f'| {k * len(body):,} ({k}x) | {path.stat().st_size / 1e6:.1f} MB | {ws:.1f} s (bow {bow["accuracy"]:.4f}) '
          f'| **{wm:.0f} MB** | {ss:.1f} s ({acc.strip()}) | {sm:.0f} MB |', flush=True)
