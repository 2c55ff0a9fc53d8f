#!/usr/bin/env bash
# The untuned hybrid default against both of its lists, for four kinds of vectors, on BBC
# known-item search (title as query) and label precision@10 (every body as the query), and the
# fusion tuned by two-fold cross-validation (eval-search --tune) — one run, one table:
#   word2vec trained by `index` (collection + Wikipedia sample), GloVe 50-d trained elsewhere
#   (Wikipedia sample + tweets), WordLlama's whole-word vectors as a GloVe text file, and
#   WordLlama's static model. Needs the peer venv (wordllama) for the last two.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
"$PY" -c 'import wordllama' 2>/dev/null || "$VENV/bin/pip" install -q wordllama==0.4.0.post1 safetensors tokenizers
cargo build --release --quiet --bin wordlens
WL=target/release/wordlens
work=$(mktemp -d /tmp/wl-fusion-XXXX)
"$PY" bench/static_reference.py "$work/ref" 1 >/dev/null
cols=(--data datasets/bbc-news.csv --id-col id --title-col title --text-col text --label-col category)
$WL train -q --corpus datasets/enwiki-sample.txt datasets/tweets-sentiment.csv --model glove --dim 50 \
  --min-count 3 --format glove --out "$work/glove50.txt"
$WL convert -q --in "$work/ref/wordllama" --out "$work/wordllama-words.txt" --format glove
$WL index -q "${cols[@]}" --index "$work/w2v"
$WL index -q "${cols[@]}" --vectors "$work/glove50.txt" --index "$work/glove"
$WL index -q "${cols[@]}" --vectors "$work/wordllama-words.txt" --index "$work/words"
$WL index -q "${cols[@]}" --vectors "$work/ref/wordllama" --index "$work/static"
echo "| vectors | metric | bm25 | vector | hybrid (default) | ≥ max − 0.01 | tuned, 2-fold | ≥ max | settings chosen |"
echo "|---|---|---|---|---|---|---|---|---|"
for ix in w2v glove words static; do
  for task in "--known-item-col title" "--doc-queries"; do
    # shellcheck disable=SC2086
    $WL eval-search --index "$work/$ix" $task --tune --json | "$PY" bench/fusion_row.py "$ix" "$task"
    # --tune stored its choice: forget it, so the next task measures the default again.
    "$PY" -c 'import json, sys; p = sys.argv[1]; m = json.load(open(p)); m.pop("tuned", None); json.dump(m, open(p, "w"))' "$work/$ix/meta.json"
  done
done
rm -rf "$work"
