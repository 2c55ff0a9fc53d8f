#!/usr/bin/env python3
"""Long documents as passages: known-item search with queries taken from beyond the first
256 tokens of the Wikipedia sample's articles (datasets/enwiki-sample.txt, one article per
line), for several `--passage-tokens`, in bm25, vector and hybrid mode.

    python3 bench/passages.py target/release/wordlens OUTDIR [SIZES] [--vectors V]

SIZES is comma-separated passage lengths in tokens (0 = whole documents); default
0,128,256,512,1024. Writes OUTDIR/wiki.csv, topics.tsv, qrels.txt and prints MRR@10 per mode.
Queries: from each article, 3 sentences of 8-40 words that start after its 300th word
(seed 1), so no query can be answered from the first 256 tokens alone.
"""
import csv, json, os, random, re, subprocess, sys

wl, out = sys.argv[1], sys.argv[2]
sizes = [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 and not sys.argv[3].startswith("--") else "0,128,256,512,1024").split(",")]
split_above = sys.argv[sys.argv.index("--split-above") + 1] if "--split-above" in sys.argv else "0"
overlap = sys.argv[sys.argv.index("--overlap") + 1] if "--overlap" in sys.argv else "0"
extra = []
if "--vectors" in sys.argv:
    extra = ["--vectors", sys.argv[sys.argv.index("--vectors") + 1]]
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
articles = [l.strip() for l in open(os.path.join(root, "datasets/enwiki-sample.txt"), encoding="utf-8") if l.strip()]

rng = random.Random(1)
with open(f"{out}/wiki.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    for i, a in enumerate(articles):
        w.writerow([f"w{i}", a])
topics, qrels = [], []
for i, a in enumerate(articles):
    words = a.split()
    tail = " ".join(words[300:])
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", tail)]
    sentences = [s for s in sentences if 8 <= len(s.split()) <= 40 and "'''" not in s]
    for s in rng.sample(sentences, min(3, len(sentences))):
        qid = f"q{len(topics)}"
        topics.append(f"{qid}\t{s}")
        qrels.append(f"{qid} 0 w{i} 1")
open(f"{out}/topics.tsv", "w", encoding="utf-8").write("\n".join(topics) + "\n")
open(f"{out}/qrels.txt", "w").write("\n".join(qrels) + "\n")
print(f"{len(articles)} articles, {len(topics)} queries from beyond word 300", flush=True)
print("| passage_tokens | entries | bm25 MRR@10 | vector MRR@10 | hybrid MRR@10 |")
print("|---|---|---|---|---|")
for n in sizes:
    ix = f"{out}/ix{n}"
    subprocess.run([wl, "index", "--quiet", "--data", f"{out}/wiki.csv", "--id-col", "id",
                    "--index", ix, "--passage-tokens", str(n), "--split-above", split_above, "--passage-overlap", overlap, *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = json.loads(subprocess.run([wl, "eval-search", "--quiet", "--index", ix, "--topics",
                                   f"{out}/topics.tsv", "--qrels", f"{out}/qrels.txt", "--json"],
                                  check=True, capture_output=True, text=True).stdout)
    entries = len(json.load(open(f"{ix}/meta.json"))["documents"])
    m = {s["mode"]: s["mrr_at_10"] for s in r["modes"]}
    print(f"| {n} | {entries} | {m.get('bm25', float('nan')):.3f} | {m.get('vector', float('nan')):.3f} | {m.get('hybrid', float('nan')):.3f} |", flush=True)
