#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600) on nightly with cargo-fuzz, seeding each
# from the bundled data. Crashes land in fuzz/artifacts/TARGET/; keep each one as a regression
# test under tests/ after fixing it. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(vectors corpus model index_files search_query)
mkdir -p corpus/vectors corpus/corpus corpus/model corpus/index_files corpus/search_query
head -c 4096 ../datasets/bbc-news.csv > corpus/corpus/bbc.csv
head -c 4096 ../datasets/tweets-sentiment.csv > corpus/corpus/tweets.csv
for f in ../../shared/datasets/formats/*; do
  [ -f "$f" ] && head -c 65536 "$f" > "corpus/vectors/$(basename "$f")"
done
cp ../tests/fixtures/gensim-fasttext.bin corpus/vectors/
if [ -x ../target/release/wordlens ]; then   # native-format seeds, float and quantised
  for q in none int8 pq; do
    ../target/release/wordlens --quiet convert --in ../../shared/datasets/formats/toy-model.bin \
      --out "corpus/vectors/toy-$q.wl" --format wordlens --quantize "$q" >/dev/null
  done
fi
printf 'oil prices' > corpus/search_query/plain
printf 'title:"world cup" AND -rugby' > corpus/search_query/syntax
printf 'chelsea^2 (manager OR coach) [a TO z]' > corpus/search_query/ranges
for t in "${targets[@]}"; do
  echo "== $t for $secs s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10
done
