#!/usr/bin/env bash
# Known-item search (short description -> its long description, MRR@10) and section classification
# in other languages, wordlens beside the peers of ../shared/peers/multilingual.py on the same
# split (that script writes split.csv, topics.tsv, qrels.txt and peers.json into OUTDIR).
# Usage: bash bench/languages.sh CSV OUTDIR [WORDLENS]   (run multilingual.py CSV OUTDIR first)
set -euo pipefail
csv=$1; out=$2; wl=${3:-target/release/wordlens}
ix=$out/index
rm -rf "$ix"
$wl --quiet index --data "$csv" --text-col text --id-col id --label-col label --index "$ix" ${INDEX_FLAGS:-} >/dev/null
$wl --quiet eval-search --index "$ix" --topics "$out/topics.tsv" --qrels "$out/qrels.txt" --json >"$out/search.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
s = json.load(open(f'{out}/search.json'))
p = json.load(open(f'{out}/peers.json'))
mrr = {m['mode']: m['mrr_at_10'] for m in s['modes']}
best = max((v, k) for k, v in p.items() if k.startswith('rank_bm25_known_item_mrr10_'))
print(f"known-item MRR@10: bm25 {mrr['bm25']:.4f}  vector {mrr['vector']:.4f}  hybrid {mrr['hybrid']:.4f}"
      f"  | best rank-bm25 {best[0]:.4f} ({best[1].rsplit('_', 1)[-1]})")
PY
