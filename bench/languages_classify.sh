#!/usr/bin/env bash
# Section classification in other languages: `wordlens compare` (tuned, bundled vectors) on the
# split ../shared/peers/multilingual.py wrote, beside scikit-learn's and fastText's accuracy on it.
# Usage: bash bench/languages_classify.sh CSV OUTDIR [WORDLENS]   (run multilingual.py CSV OUTDIR first)
set -euo pipefail
csv=$1; out=$2; wl=${3:-target/release/wordlens}
$wl --quiet compare --data "$csv" --text-col title,text --label-col label --split "$out/split.csv" --json >"$out/compare.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
c = json.load(open(f'{out}/compare.json'))
p = json.load(open(f'{out}/peers.json'))
ours = {m['name']: m['accuracy'] for m in c['methods']}
best = max((v, k) for k, v in p.items() if k.startswith('sklearn_lrcv_') and not k.endswith('_seconds'))
print('wordlens:', {k: round(v, 4) for k, v in ours.items()}, '| best scikit-learn', best, '| fastText', p.get('fasttext_jieba_best'))
PY
