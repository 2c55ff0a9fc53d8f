#!/usr/bin/env bash
# The one-knob table behind the default fusion weight: six BBC indexes (word2vec trained by
# `index`; GloVe 50-d trained on the Wikipedia sample + tweets; WordLlama's whole-word table;
# its 50-d PCA; the bundled static model; the 50-d table plus one common offset, whose averaged
# cosines bunch near 1), `eval-search --sweep` on known-item (titles) and label precision@10,
# and per setting the hybrid minus the better of BM25 and vector in every cell.
#   bench/fusion_sweep.sh [SETTING-FILTER...]   e.g. bench/fusion_sweep.sh bound centered
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
cargo build --release --quiet --bin wordlens
WL=target/release/wordlens
work=$(mktemp -d /tmp/wl-fusion-sweep-XXXX)
cols=(--data datasets/bbc-news.csv --id-col id --title-col title --text-col text --label-col category)
$WL train -q --corpus datasets/enwiki-sample.txt datasets/tweets-sentiment.csv --model glove --dim 50 \
  --min-count 3 --format glove --out "$work/glove50.txt"
$WL convert -q --in datasets/wordllama-l2-supercat --out "$work/words.txt" --format glove
"$PY" bench/sweep_vectors.py "$work"
$WL index -q "${cols[@]}" --vectors trained --index "$work/w2v" >/dev/null
for src in glove50:glove words:words words50:words50 off:off; do
  $WL index -q "${cols[@]}" --vectors "$work/${src%%:*}.txt" --index "$work/${src##*:}" >/dev/null
done
$WL index -q "${cols[@]}" --vectors default --index "$work/static" >/dev/null
for ix in w2v glove words words50 static off; do
  $WL eval-search -q --index "$work/$ix" --known-item-col title --sweep --json > "$work/$ix-k.json"
  $WL eval-search -q --index "$work/$ix" --doc-queries --sweep --json > "$work/$ix-d.json"
done
"$PY" bench/fusion_table.py "$work" "$@"
rm -rf "$work"
