#!/usr/bin/env bash
# wordlens beside Milvus on the same BBC index (the bundled static model's document vectors):
# build and export throughput, and known-item / documents-as-queries figures and latency for
# bm25, vector and hybrid, wordlens and the engine on the same queries.
# Usage: bench/engine.sh [KNOWN_ITEM_QUERIES [DOCUMENT_QUERIES]]  (defaults 300 and 100: the
# Python Milvus Lite answers a BBC BM25 query in ~0.5 s, so not all 2,225 of each)
# MILVUS=host:port uses a running Milvus; otherwise Milvus Lite is installed into
# target/milvus-lite (as .ci/run does) and started on a free port for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
known=${1:-300}
docs=${2:-100}
cargo build --release --quiet --bin wordlens
bin=target/release/wordlens
work=$(mktemp -d /tmp/wl-engine-XXXX)
if [ -z "${MILVUS:-}" ]; then
  venv=target/milvus-lite
  [ -x "$venv/bin/milvus-lite" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'milvus-lite==3.2.2' 'pymilvus==3.0.2'; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$venv/bin/milvus-lite" server --data-dir "$work/milvus" --host 127.0.0.1 --port "$port" >"$work/milvus.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null' EXIT
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do sleep 0.5; done
  MILVUS=127.0.0.1:$port
fi
uri=milvus://$MILVUS/bbc_bench
echo "engine: $uri ($("${venv:-/nonexistent}/bin/pip" show milvus-lite 2>/dev/null | grep ^Version || echo 'a running Milvus'))"
/usr/bin/time -f "index build: %e s, peak RSS %M KB" "$bin" -q index --data datasets/bbc-news.csv \
  --id-col id --title-col title --label-col category --index "$work/ix"
/usr/bin/time -f "export: %e s, peak RSS %M KB" "$bin" -q export --index "$work/ix" --to "$uri" --replace
"$bin" -q export --index "$work/ix" --to "$uri"
"$bin" -q eval-search --index "$work/ix" --known-item-col title --engine "$uri" --max-queries "$known"
"$bin" -q eval-search --index "$work/ix" --doc-queries --engine "$uri" --max-queries "$docs"
"$bin" -q eval-search --index "$work/ix" --known-item-col title --engine "$uri" --max-queries "$known" --fusion rrf
rm -rf "$work"
