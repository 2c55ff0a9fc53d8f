"""Writes tests/fixtures/sklearn-bbc-proba.csv: scikit-learn's TF-IDF (sublinear tf, l2) +
LogisticRegression(C=1) probabilities for a small real problem — every 6th training row of
the BBC split, predicted on every 4th test row (100) — which tests/integration/classify.rs
compares with wordlens's. Run with the peers' virtualenv: python bench/sklearn_fixture.py"""
import csv, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent / 'shared' / 'peers'))
from common import load, split, tokens
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

texts, labels = load('bbc-news'); tr, te = split('bbc-news')
tr, te = tr[::6], te[::4][:100]   # the data is sorted by label: take a spread
v = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
A = v.fit_transform([tokens(texts[i]) for i in tr])
m = LogisticRegression(C=1.0, tol=1e-8, max_iter=10000).fit(A, [labels[i] for i in tr])
P = m.predict_proba(v.transform([tokens(texts[i]) for i in te]))
out = ROOT / 'tests' / 'fixtures' / 'sklearn-bbc-proba.csv'
with open(out, 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['row'] + [f'p_{c}' for c in m.classes_])
    for i, p in zip(te, P): w.writerow([i] + [f'{x:.6f}' for x in p])
print('wrote', out)
