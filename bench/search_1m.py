"""Writes a synthetic collection of N documents (default 1,000,000) made of real BBC sentences
recombined: each document takes 3-8 sentences, the first from an article whose topic becomes its
label and whose title (with a number) its title. Also writes 1,000 topics (real BBC titles) and
qrels for `wordlens eval-search --topics` (used for latency; relevance is not the point here).
Usage: python3 bench/search_1m.py OUT_DIR [N]"""
import csv, random, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(1)
rows = list(csv.DictReader(open(ROOT / 'datasets' / 'bbc-news.csv', encoding='utf-8')))
split = re.compile(r'(?<=[.!?])\s+')
articles = [(r['title'], r['category'], [s for s in split.split(r['text'].replace('\n', ' ')) if len(s) > 20]) for r in rows]
articles = [a for a in articles if a[2]]
pool = [s for a in articles for s in a[2]]
with open(out / 'docs.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['id', 'title', 'text', 'label'])
    for i in range(n):
        title, label, sents = articles[rng.randrange(len(articles))]
        body = [rng.choice(sents)] + [rng.choice(pool) for _ in range(rng.randint(2, 7))]
        w.writerow([f'd{i}', f'{title} ({i})', ' '.join(body), label])
with open(out / 'topics.tsv', 'w', encoding='utf-8') as t, open(out / 'qrels.txt', 'w') as q:
    for j, (title, _, _) in enumerate(rng.sample(articles, 1000)):
        t.write(f'q{j}\t{title}\n')
        q.write(f'q{j} 0 d{rng.randrange(n)} 1\n')
print(f'{n} documents in {out / "docs.csv"}')
