"""Chinese word segmentation against the People's Daily gold (January 1998), side by side:
wordlens tokenize (each segmenter) and Python jieba 0.42.1 (lcut, HMM on, its default), on the
same raw text (each gold line's words joined), scored on the same words.

Scoring: precision, recall and F1 of word spans (character offsets). Only word-like tokens
count on both sides (a token with a letter or digit; punctuation is not a token in wordlens),
so gold punctuation is dropped from the gold too. Speed: each tool's whole run over the text,
best of 3 (wordlens: the whole process, reading the file, writing the tokens; jieba: in process,
after its dictionary is loaded).
Usage: python bench/segment.py GOLD.txt WORDLENS_BINARY [LINES] [--all]
(--all: punctuation counts as words on both sides, as SIGHAN's score does)   (needs: pip install jieba==0.42.1)
"""
import json, re, subprocess, sys, tempfile, time

WORD = re.compile(r'\w')
gold_path, wl = sys.argv[1], sys.argv[2]
args = [a for a in sys.argv[3:] if not a.startswith('--')]
limit = int(args[0]) if args else None
gold_lines = [l.split() for l in open(gold_path, encoding='utf-8') if l.strip()][:limit]
raw = [''.join(ws) for ws in gold_lines]


ALL = '--all' in sys.argv  # score punctuation too: a character no token covers is its own segment


def spans(words_with_offsets, length=None):
    got = {(s, e) for w, s, e in words_with_offsets if WORD.search(w)}
    if ALL and length is not None:
        covered = set()
        for s, e in got:
            covered.update(range(s, e))
        got |= {(i, i + 1) for i in range(length) if i not in covered}
    return got


def gold_spans(words):
    out, at = [], 0
    for w in words:
        out.append((w, at, at + len(w)))
        at += len(w)
    if ALL:
        return {(s, e) for _, s, e in out}
    return spans(out)


def score(pred):
    tp = n_pred = n_gold = 0
    for words, p in zip(gold_lines, pred):
        g = gold_spans(words)
        tp += len(g & p); n_pred += len(p); n_gold += len(g)
    prec, rec = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return prec, rec, 2 * prec * rec / max(prec + rec, 1e-12)


with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8') as f:
    f.write('\n'.join(raw) + '\n')
    raw_path = f.name
chars = sum(len(l) for l in raw)
rows = []
for seg in ('unicode', 'auto', 'icu'):
    out = subprocess.run([wl, '--quiet', '--segmenter', seg, 'tokenize', '--json', '--file', raw_path],
                         capture_output=True, check=True).stdout
    texts = json.loads(out)['texts']
    pred = []
    for line, t in zip(raw, texts):
        b = line.encode('utf-8')
        to_char = lambda o: len(b[:o].decode('utf-8'))
        pred.append(spans(((tok, to_char(s), to_char(e)) for tok, (s, e) in zip(t['tokens'], t['spans'])), len(line)))
    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([wl, '--quiet', '--segmenter', seg, 'tokenize', '--file', raw_path],
                       stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t0)
    rows.append((f'wordlens --segmenter {seg}', *score(pred), best))

import jieba
jieba.setLogLevel(60)
jieba.initialize()
best = 1e9
for _ in range(3):
    t0 = time.perf_counter()
    cut = [jieba.lcut(l) for l in raw]
    best = min(best, time.perf_counter() - t0)
pred = []
for toks in cut:
    at, out = 0, []
    for w in toks:
        out.append((w, at, at + len(w))); at += len(w)
    pred.append({(s, e) for _, s, e in out} if ALL else spans(out))
rows.append(('Python jieba 0.42.1 lcut', *score(pred), best))

print(f'{len(raw):,} lines, {chars:,} characters')
print('| segmenter | precision | recall | F1 | seconds | chars/s | speed vs jieba |')
print('|---|---|---|---|---|---|---|')
jieba_s = rows[-1][4]
for name, p, r, f1, s in rows:
    print(f'| {name} | {p:.3f} | {r:.3f} | {f1:.3f} | {s:.2f} | {chars / s:,.0f} | {jieba_s / s:.1f}x |')
