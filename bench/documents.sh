#!/usr/bin/env bash
# Documents as they are: a folder of 10,000 files against the same texts in one CSV, and
# re-indexing after 1% of the files change. Run by hand: bash bench/documents.sh [WORDLENS] [OUT]
# The files: BBC bodies (.txt), Wikipedia articles split at 4,000 characters (.md, under a
# heading), tweets (.html) - 10,000 in all, in folders of 500.
set -euo pipefail
WL=${1:-target/release/wordlens}
OUT=${2:-/tmp/wordlens-documents-bench}
rm -rf "$OUT"; mkdir -p "$OUT"
python3 - "$OUT" <<'PY'
import csv, html, os, sys
out = sys.argv[1]
root = os.path.dirname(os.path.abspath("bench/documents.sh"))
docs = []
with open("datasets/bbc-news.csv", newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        docs.append(("txt", r["title"], r["text"]))
for i, line in enumerate(open("datasets/enwiki-sample.txt", encoding="utf-8")):
    line = line.strip()
    for j in range(0, len(line), 4000):
        docs.append(("md", f"Article {i} part {j // 4000}", line[j:j + 4000]))
with open("datasets/tweets-sentiment.csv", newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if len(docs) >= 10000:
            break
        docs.append(("html", "", r["text"]))
docs = docs[:10000]
rows = []
for n, (ext, title, text) in enumerate(docs):
    rel = f"d{n // 500:02d}/{n:05d}.{ext}"
    path = os.path.join(out, "folder", rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if ext == "md":
        body, text = f"# {title}\n\n{text}\n", f"{title}\n\n{text}"
    elif ext == "html":
        body = f"<html><body><p>{html.escape(text)}</p></body></html>"
    else:
        body = text
    open(path, "w", encoding="utf-8").write(body)
    rows.append((rel, text))
with open(os.path.join(out, "same.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    w.writerows(rows)
print(f"{len(rows)} files, {sum(len(t) for _, t in rows) / 1e6:.1f} MB of text")
PY
secs() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
for round in 1 2 3; do
  csv=$(secs "$WL" index --quiet --data "$OUT/same.csv" --id-col id --index "$OUT/ix-csv")
  folder=$(secs "$WL" index --quiet --data "$OUT/folder" --index "$OUT/ix-folder" --rebuild)
  # 1% of the files change: 100 edited in place.
  for n in $(seq 0 99); do f=$(printf "%s/folder/d%02d/%05d" "$OUT" $((n * 100 / 500)) $((n * 100))); for e in txt md html; do [ -f "$f.$e" ] && printf '\nedited in round %s\n' "$round" >>"$f.$e"; done; done
  update=$(secs "$WL" index --quiet --data "$OUT/folder" --index "$OUT/ix-folder")
  printf 'round %s: csv %.2f s, folder %.2f s (%.0f%% of the csv rate), update after 1%% changed %.2f s (%.1f%% of the folder build)\n' \
    "$round" "$csv" "$folder" "$(echo "100 * $csv / $folder" | bc -l)" "$update" "$(echo "100 * $update / $folder" | bc -l)"
done
