#!/usr/bin/env bash
# Static embedding models: wordlens beside wordllama and model2vec in one run — parity of the
# document vectors, embedding throughput, and BBC search/classification with WordLlama's model.
# Usage: bench/static.sh [--throughput-only]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
"$PY" -c 'import wordllama, model2vec' 2>/dev/null || "$VENV/bin/pip" install -q wordllama==0.4.0.post1 model2vec safetensors tokenizers
cargo build --release --quiet --bin wordlens --features bench-examples --example static_stages
work=$(mktemp -d /tmp/wl-static-XXXX)
"$PY" bench/static.py "$work" "$@"
