#!/usr/bin/env bash
# Two wordlens binaries on the same work, alternating (a refactor's check that behaviour and
# speed did not move): index BBC with the bundled model, eval-search it, embed the tweets; then
# the artifacts compared byte for byte and each binary's eval-search on one shared index.
# Run from the project root:  bash bench/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
set -eu
OLD=$1; NEW=$2; ROUNDS=${3:-3}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
t() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; python3 -c "print(f'{$(date +%s.%N)-$s:.3f}')"; }
for round in $(seq 1 "$ROUNDS"); do
  for v in old new; do
    BIN=$OLD; [ $v = new ] && BIN=$NEW
    rm -rf "$W/ix-$v"
    a=$(t "$BIN" index --data datasets/bbc-news.csv --text-col text --title-col title --label-col category --id-col id --index "$W/ix-$v")
    b=$(t "$BIN" eval-search --index "$W/ix-$v" --known-item-col title --json)
    c=$(t "$BIN" embed --data datasets/tweets-sentiment.csv --text-col text --out "$W/t-$v.npy")
    echo "round $round $v: index ${a} s  eval-search ${b} s  embed tweets ${c} s"
  done
done
for f in meta.json vectors.bin; do cmp -s "$W/ix-old/$f" "$W/ix-new/$f" && echo "index $f: identical" || echo "index $f: DIFFERENT"; done
cmp -s "$W/t-old.npy" "$W/t-new.npy" && echo "tweets .npy: identical" || echo "tweets .npy: DIFFERENT"
# tantivy's segments differ from build to build (and so BM25's ties), so both binaries answer one index.
mrr() { "$1" eval-search --index "$W/ix-old" --known-item-col title --json | python3 -c "import json,sys; print(' '.join(f\"{m['mode']} {m['mrr_at_10']:.4f}\" for m in json.load(sys.stdin)['modes']))"; }
echo "known-item MRR@10 on one index: old $(mrr "$OLD") | new $(mrr "$NEW")"
same=0; total=0
for q in "oil prices" "world cup final" "interest rates rise" "mobile phone sales" "election campaign"; do
  for m in bm25 vector hybrid; do
    total=$((total + 1))
    [ "$("$OLD" search --index "$W/ix-old" --mode $m --json "$q" | md5sum)" = "$("$NEW" search --index "$W/ix-old" --mode $m --json "$q" | md5sum)" ] && same=$((same + 1))
  done
done
echo "search --json on one index: $same of $total answers identical"
