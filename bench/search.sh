#!/usr/bin/env bash
# wordlens eval-search vs the peers' search.py (rank-bm25, averaged gensim vectors, RRF) on BBC,
# in one run: known-item search (title as query, bodies indexed) and every body as a query.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
cargo build --release --quiet
"$PY" bench/search.py
