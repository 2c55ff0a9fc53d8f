#!/usr/bin/env bash
# Search at 1,000,000 documents (real BBC sentences recombined, bench/search_1m.py): index build
# time and size, p50/p99 query latency per mode over 1,000 real BBC titles, and the recall@10 of
# the approximate vector index against brute force. Usage: bench/search_1m.sh [N] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=${2:-$(mktemp -d)}
cargo build --release --quiet
WL=$PWD/target/release/wordlens
[ -f "$work/docs.csv" ] || python3 bench/search_1m.py "$work" "$n"
[ -f "$work/v.bin" ] || "$WL" train --quiet --corpus datasets/enwiki-sample.txt datasets/bbc-news.csv \
  --text-col text --out "$work/v.bin" --threads 2
rm -rf "$work/ix"
/usr/bin/time -f "index: %e s wall, %M KB peak RSS" "$WL" index --quiet --data "$work/docs.csv" --id-col id \
  --title-col title --text-col text --label-col label --vectors "$work/v.bin" --index "$work/ix"
echo "index size: $(du -sh "$work/ix" | cut -f1) (tantivy $(du -sh "$work/ix/tantivy" | cut -f1))"
"$WL" eval-search --quiet --index "$work/ix" --topics "$work/topics.tsv" --qrels "$work/qrels.txt" --json \
  | python3 -c "
import json, sys
e = json.load(sys.stdin)
print('approximate index recall@10 vs brute force:', e.get('ann_recall_at_10'))
for m in e['modes']:
    print(f\"{m['mode']:<7} p50 {m['median_query_ms']:.2f} ms  p99 {m['p99_query_ms']:.2f} ms  ({m['queries']} queries)\")
"
