#!/usr/bin/env bash
# Subword training vs fastText, GloVe beside word2vec, and vector-file load times vs gensim,
# in one run. Usage: bench/embeddings.sh [RUNS] [extra flags for bench/embeddings.py]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
cargo build --release --quiet --bin wordlens --features bench-examples --example load_vectors
"$PY" bench/embeddings.py --runs "${1:-3}" "${@:2}"
