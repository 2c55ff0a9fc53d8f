#!/usr/bin/env bash
# Start-up of the TUI on the bundled BBC news, to a usable search box (the index is open and a
# typed query shows results), on a cold artifact folder (word vectors trained, index built) and
# on a warm one (everything loaded). Runs the binary inside tmux and reads the screen.
# Usage: bench/tui_startup.sh [runs] [vectors]   (needs tmux; vectors: default = the bundled
# model, as a new user meets it; trained = word2vec on the collection; or any --vectors value)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
vectors=${2:-default}
cargo build --release --quiet
WL=$PWD/target/release/wordlens
cache=$(mktemp -d)
trap 'tmux kill-session -t wl-bench 2>/dev/null || true; rm -rf "$cache"' EXIT

# Seconds from launch until the screen shows results for "oil prices".
measure() {
  tmux kill-session -t wl-bench 2>/dev/null || true
  local start now
  start=$(date +%s.%N)
  tmux new-session -d -s wl-bench -x 120 -y 36 "$WL tui --data-dir $cache --vectors $vectors"
  # The query box has the keyboard from the start: type at once, results appear when ready.
  sleep 0.05
  tmux send-keys -t wl-bench "oil prices"
  while ! tmux capture-pane -p -t wl-bench | grep -q "Oil prices fall back"; do
    sleep 0.02
  done
  now=$(date +%s.%N)
  tmux send-keys -t wl-bench C-c
  echo "$now - $start" | bc -l
}

for i in $(seq "$runs"); do
  rm -rf "$cache"/*
  cold=$(measure)
  sleep 1
  warm=$(measure)
  printf 'vectors %s, run %d: cold %.2f s, warm %.2f s\n' "$vectors" "$i" "$cold" "$warm"
done

# Seconds from a cold launch until the Classify tab shows the with-vs-without-embeddings table
# (and, when [tui] compare_trained is on, until its trained column is filled in).
measure_table() {
  tmux kill-session -t wl-bench 2>/dev/null || true
  rm -rf "$cache"/*
  local start
  start=$(date +%s.%N)
  tmux new-session -d -s wl-bench -x 140 -y 40 "$WL tui --data-dir $cache --vectors $vectors"
  sleep 0.5
  tmux send-keys -t wl-bench Escape
  sleep 0.2
  tmux send-keys -t wl-bench 2
  until tmux capture-pane -p -t wl-bench | grep -q "bow+embed-sif  *0\.[0-9]"; do sleep 0.2; done
  printf 'vectors %s: comparison table after %.1f s' "$vectors" "$(echo "$(date +%s.%N) - $start" | bc -l)"
  while tmux capture-pane -p -t wl-bench | grep -q "…  *│"; do sleep 0.5; done
  printf ', trained column after %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"
  tmux send-keys -t wl-bench C-c
}
measure_table
