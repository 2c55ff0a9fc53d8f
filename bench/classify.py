"""Runs the peers' classify.py (scikit-learn TF-IDF + LR, fastText supervised, gensim vectors + LR)
and `wordlens compare` on the same fixed split, one after the other, and prints accuracy,
macro-F1 and fit time side by side with ratios."""
import json, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / 'shared' / 'peers'
WL = ROOT / 'target' / 'release' / 'wordlens'
ARGS = {'bbc-news': ['--text-col', 'title,text', '--label-col', 'category'],
        'tweets-sentiment': ['--text-col', 'text', '--label-col', 'sentiment']}

def lrcv(name):
    """scikit-learn's LogisticRegressionCV on TF-IDF with wordlens's grid ([compare.tune]: C 0.1-30,
    3 stratified folds) for unigrams and for unigrams + bigrams: the same search `compare` runs
    for `bow`. Returns (seconds for both, best accuracy, its description)."""
    sys.path.insert(0, str(PEERS))
    import warnings
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold
    from common import load, split, tokens
    warnings.filterwarnings('ignore')
    texts, labels = load(name); tr, te = split(name)
    toks = [tokens(t) for t in texts]
    y = np.array(labels)
    total, best = 0.0, (0.0, '')
    for bigrams in (False, True):
        v = TfidfVectorizer(sublinear_tf=True, analyzer=lambda d: d + ([a + ' ' + b for a, b in zip(d, d[1:])] if bigrams else []))
        A = v.fit_transform([toks[i] for i in tr]); B = v.transform([toks[i] for i in te])
        t = time.perf_counter()
        m = LogisticRegressionCV(Cs=[0.1, 0.3, 1, 3, 10, 30], cv=StratifiedKFold(3, shuffle=True, random_state=0),
                                 max_iter=1000, tol=1e-4, n_jobs=2).fit(A, y[tr])
        total += time.perf_counter() - t
        acc = float((m.predict(B) == y[te]).mean())
        if acc > best[0]:
            best = (acc, f'C {m.C_[0]:g}{", bigrams" if bigrams else ""}')
    return total, best[0], best[1]


for name in sys.argv[1:]:
    t = time.perf_counter()
    peer = json.loads(subprocess.run([sys.executable, 'classify.py', name], cwd=PEERS, check=True,
                                     capture_output=True, text=True).stdout)
    peer_secs = time.perf_counter() - t
    t = time.perf_counter()
    ours = json.loads(subprocess.run([str(WL), 'compare', '--data', str(ROOT / 'datasets' / f'{name}.csv'), *ARGS[name],
                                      '--split', str(PEERS / 'splits' / f'{name}.csv'), '--json', '--quiet'],
                                     check=True, capture_output=True, text=True).stdout)
    ours_secs = time.perf_counter() - t
    print(f'\n## {name}: train {ours["train"]}, test {ours["test"]} '
          f'({ours["test_duplicates_in_train"]} test texts also in train)\n')
    print('| tool | method | accuracy | macro-F1 | fit s |')
    print('|---|---|---|---|---|')
    for r in peer['results']:
        print(f'| peer | {r["method"]} | {r["accuracy"]:.4f} | {r["macro_f1"]:.4f} | {r["fit_seconds"]:.2f} |')
    for m in ours['methods']:
        print(f'| wordlens | {m["name"]} | {m["accuracy"]:.4f} | {m["macro_f1"]:.4f} | {m["fit_seconds"]:.2f} |')
    print(f'\nwordlens embeddings: {ours["embeddings"]["vocab"]} words, trained in {ours["embeddings"]["train_seconds"]:.1f} s '
          f'(not in fit s above); whole run {ours_secs:.1f} s vs peers script {peer_secs:.1f} s')
    sk = next(r for r in peer['results'] if r['method'].startswith('sklearn tfidf(1, 1)'))
    bow = next(m for m in ours['methods'] if m['name'] == 'bow')
    ft = max((r for r in peer['results'] if r['method'].startswith('fastText')), key=lambda r: r['accuracy'])
    best = max(ours['methods'], key=lambda m: m['accuracy'])
    print(f'bow vs scikit-learn: accuracy {100 * (bow["accuracy"] - sk["accuracy"]):+.2f} points, '
          f'fit time ratio (sklearn / wordlens) {sk["fit_seconds"] / bow["fit_seconds"]:.2f}x')
    print(f'best wordlens ({best["name"]} {best["accuracy"]:.4f}) vs best fastText ({ft["accuracy"]:.4f}): '
          f'{100 * (best["accuracy"] - ft["accuracy"]):+.2f} points')
    cv_secs, cv_acc, cv_what = lrcv(name)
    print(f'bow tuned by inner CV: wordlens {bow["accuracy"]:.4f} ({bow["tuned"]["c"]:g}'
          f'{", bigrams" if bow["tuned"]["bigrams"] else ""}) in {bow["fit_seconds"]:.2f} s; scikit-learn '
          f'LogisticRegressionCV, same grid, uni- and bigrams: {cv_acc:.4f} ({cv_what}) in {cv_secs:.2f} s; '
          f'ratio {cv_secs / bow["fit_seconds"]:.2f}x')
    for m in ours['methods']:
        if m.get('tuned'):
            t = m['tuned']
            print(f'  chosen {m["name"]:<16} C {t.get("c")} bigrams {t.get("bigrams")} '
                  f'combination {t.get("combination")} (inner-CV accuracy {t["cv_accuracy"]:.4f})')
    for t in ours['tests']:
        print(f'  {t["method"]:<16} vs bow: {100 * t["difference"]:+.1f} pts [{100 * t["ci_low"]:+.1f}, {100 * t["ci_high"]:+.1f}], McNemar p {t["p_value"]:.3f}')
