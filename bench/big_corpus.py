"""Writes a corpus of about SIZE_MB megabytes (default 2048) made of real sentences recombined:
sentences of the bundled BBC articles and Wikipedia sample, 10-30 per document, each document
labelled with the topic of the BBC article its first sentence comes from. CSV with id, title,
text, label, for `bench/memory.sh`. Usage: python3 bench/big_corpus.py OUT.csv [SIZE_MB]"""
import csv, random, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1])
size = int(sys.argv[2]) * (1 << 20) if len(sys.argv) > 2 else 2048 << 20
rng = random.Random(7)
split = re.compile(r'(?<=[.!?])\s+')
rows = list(csv.DictReader(open(ROOT / 'datasets' / 'bbc-news.csv', encoding='utf-8')))
articles = [(r['title'], r['category'], [s for s in split.split(r['text'].replace('\n', ' ')) if len(s) > 20])
            for r in rows]
articles = [a for a in articles if a[2]]
wiki = [s for line in open(ROOT / 'datasets' / 'enwiki-sample.txt', encoding='utf-8')
        for s in split.split(line.strip()) if len(s) > 20]
pool = [s for a in articles for s in a[2]] + wiki
written, i = 0, 0
with open(out, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['id', 'title', 'text', 'label'])
    while written < size:
        title, label, sents = articles[rng.randrange(len(articles))]
        body = ' '.join([rng.choice(sents)] + rng.choices(pool, k=rng.randint(9, 29)))
        w.writerow([f'd{i}', f'{title} ({i})', body, label])
        written += len(body) + len(title) + 24
        i += 1
print(f'{i} documents, {out.stat().st_size / (1 << 20):.0f} MB in {out}')
