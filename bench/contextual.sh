#!/usr/bin/env bash
# Contextual encoders: wordlens beside sentence-transformers (throughput, vectors, peak memory)
# and beside model2vec (distillation), on a random BERT of all-MiniLM-L6-v2's shape (no
# download: random weights cost what trained ones cost). One run; prints markdown tables.
# Usage: bench/contextual.sh [DOCS]   (documents per collection, default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
"$PY" -c 'import torch, sentence_transformers, model2vec.distill' 2>/dev/null \
  || "$VENV/bin/pip" install -q torch transformers sentence-transformers 'model2vec[distill]'
cargo build --release --quiet --bin wordlens
work=$(mktemp -d /tmp/wl-contextual-XXXX)
trap 'rm -rf "$work"' EXIT
"$PY" bench/contextual.py "$work" --minilm 2>/dev/null
# The machine's f32 FMA peak, the ceiling every row of the speed table is measured against.
peak=()
if gcc -O3 -funroll-all-loops -mavx2 -mfma -pthread bench/fma_peak.c -o "$work/fma_peak" 2>/dev/null; then
  peak=(--peak-gflops "$("$work/fma_peak" 2)")
fi
"$PY" bench/contextual_speed.py "$work/minilm-shaped" target/release/wordlens --docs "${1:-1000}" "${peak[@]}" 2>/dev/null
"$PY" bench/contextual_distill.py "$work/minilm-shaped" target/release/wordlens --docs "${1:-1000}" 2>/dev/null
