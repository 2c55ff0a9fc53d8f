#!/usr/bin/env bash
# wordlens vs gensim word2vec on the same corpus and settings, alternating, in one run.
# Usage: bench/word2vec.sh [RUNS] [extra flags for bench/word2vec.py]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
cargo build --release --quiet
"$PY" bench/word2vec.py --runs "${1:-3}" "${@:2}"
