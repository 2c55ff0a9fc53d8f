#!/usr/bin/env bash
# wordlens compare vs scikit-learn and fastText (../shared/peers/classify.py) on the peers'
# fixed splits, in one run. Usage: bench/classify.sh [bbc-news|tweets-sentiment ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
cargo build --release --quiet
if [ $# -eq 0 ]; then set -- bbc-news tweets-sentiment; fi
"$PY" bench/classify.py "$@"
