#!/usr/bin/env bash
# Peak memory on a corpus larger than the budgets: generates SIZE_MB (default 2048) of real
# sentences recombined (bench/big_corpus.py), trains word2vec on it (one epoch; once with the
# default token budget, once with 256 MB) and indexes it. For each run: wall time, peak RSS
# (/usr/bin/time) and the peaks of its two parts sampled from /proc every 0.5 s — anonymous
# memory (the heap: what the bound in docs/reference.md "Memory" covers) and file-backed mapped pages (tantivy's
# segments and the mapped vectors: page cache the kernel can reclaim).
# Usage: bench/memory.sh [SIZE_MB] [WORK_DIR]
#        bench/memory.sh compare [WORK_DIR]: compare's peak memory on tweets at 1x, 4x, 16x rows
#        beside scikit-learn's LogisticRegressionCV (bench/compare_memory.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = compare ]; then
  cargo build --release --quiet
  source bench/peer_env.sh
  exec "$PY" bench/compare_memory.py "${2:-$(mktemp -d)}"
fi
size=${1:-2048}
work=${2:-$(mktemp -d)}
cargo build --release --quiet
WL=$PWD/target/release/wordlens

# measure LABEL CMD...: runs CMD, prints its time and peak memory.
measure() {
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" &
  local timer=$! pid="" anon=0 file=0
  while kill -0 "$timer" 2>/dev/null; do
    [ -n "$pid" ] || pid=$(pgrep -P "$timer" || true)
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      read -r a f < <(awk '/RssAnon/{a=$2} /RssFile/{f=$2} END{print a+0, f+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
      [ "$a" -gt "$anon" ] && anon=$a
      [ "$f" -gt "$file" ] && file=$f
    fi
    sleep 0.5
  done
  wait "$timer"
  echo "$label: peak anonymous $((anon / 1024)) MB, peak file-backed mapped $((file / 1024)) MB"
}

[ -f "$work/big.csv" ] || python3 bench/big_corpus.py "$work/big.csv" "$size"
echo "corpus: $(du -m "$work/big.csv" | cut -f1) MB, $(($(wc -l < "$work/big.csv") - 1)) documents"
measure "train" "$WL" train --quiet --corpus "$work/big.csv" --text-col text --epochs 1 --threads 2 \
  --out "$work/v.bin"
printf '[word2vec]\nmemory_budget_mb = 256\n' > "$work/budget256.toml"
measure "train, token budget 256 MB" "$WL" --config "$work/budget256.toml" train --quiet \
  --corpus "$work/big.csv" --text-col text --epochs 1 --threads 2 --out "$work/v256.bin"
rm -rf "$work/ix"
measure "index" "$WL" index --quiet --data "$work/big.csv" --id-col id --title-col title \
  --text-col text --label-col label --vectors "$work/v.bin" --index "$work/ix"
echo "index size: $(du -sh "$work/ix" | cut -f1)"
