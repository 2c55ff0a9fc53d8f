#!/usr/bin/env bash
# Peak memory on a corpus larger than the budgets: generates SIZE_MB (default 2048) of real
# sentences recombined (bench/big_corpus.py), then trains word2vec on it (one epoch) and indexes
# it, each under /usr/bin/time, and prints peak RSS beside the corpus size and the parts of the
# bound (vocabulary and matrices, token budget, writer budget, document vectors).
# Usage: bench/memory.sh [SIZE_MB] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2048}
work=${2:-$(mktemp -d)}
cargo build --release --quiet
WL=$PWD/target/release/wordlens
[ -f "$work/big.csv" ] || python3 bench/big_corpus.py "$work/big.csv" "$size"
echo "corpus: $(du -m "$work/big.csv" | cut -f1) MB, $(($(wc -l < "$work/big.csv") - 1)) documents"
/usr/bin/time -f "train: %e s wall, %M KB peak RSS" "$WL" train --quiet --corpus "$work/big.csv" \
  --text-col text --epochs 1 --threads 2 --out "$work/v.bin"
rm -rf "$work/ix"
/usr/bin/time -f "index: %e s wall, %M KB peak RSS" "$WL" index --quiet --data "$work/big.csv" \
  --id-col id --title-col title --text-col text --label-col label --vectors "$work/v.bin" --index "$work/ix"
echo "index size: $(du -sh "$work/ix" | cut -f1)"
