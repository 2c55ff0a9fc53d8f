#!/usr/bin/env bash
# Static embedding models: wordlens beside wordllama and model2vec in one run — parity of the
# document vectors, embedding throughput, and BBC search/classification with WordLlama's model.
# Usage: bench/static.sh [--throughput-only]
#        bench/static.sh --families   # WordPiece, Unigram and BPE beside model2vec-rs 0.4.0
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peer_env.sh
"$PY" -c 'import wordllama, model2vec' 2>/dev/null || "$VENV/bin/pip" install -q wordllama==0.4.0.post1 model2vec safetensors tokenizers
cargo build --release --quiet --bin wordlens --features bench-examples --example static_stages
work=$(mktemp -d /tmp/wl-static-XXXX)
if [ "${1:-}" = "--families" ]; then
    # The peer, from crates.io: model2vec-rs = "=0.4.0", default features off, onig.
    cargo build --release --quiet --manifest-path bench/static_peer/Cargo.toml --target-dir target/static_peer
    exec "$PY" bench/static_families.py "${2:-$work}"
fi
"$PY" bench/static.py "$work" "$@"
