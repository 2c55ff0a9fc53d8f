#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600) on nightly with cargo-fuzz, seeding each
# from the bundled data. Crashes land in fuzz/artifacts/TARGET/; keep each one as a regression
# test under tests/ after fixing it. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
all=(vectors corpus model index_files search_query static_folder encoder_folder tokenizer_diff
     hub_answers judgments config_toml documents)
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${all[@]}"; do mkdir -p "corpus/$t"; done
mkdir -p logs
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
# Model folders: each file of a valid folder, prefixed by the byte that picks which is varied.
fx=../tests/fixtures/contextual
{ printf '\x00'; cat $fx/distilled/model.safetensors; } > corpus/static_folder/tensors
{ printf '\x01'; cat $fx/distilled/tokenizer.json; } > corpus/static_folder/tokenizer
{ printf '\x01'; cat ../tests/fixtures/unigram/tokenizer.json; } > corpus/static_folder/unigram
i=0
for f in model.safetensors config.json modules.json 1_Pooling/config.json sentence_bert_config.json \
         tokenizer_config.json tokenizer.json 2_Normalize/config.json; do
  { printf "\\x$(printf %02x $i)"; cat "$fx/tiny-bert/$f"; } > "corpus/encoder_folder/$i"; i=$((i + 1))
done
python3 seeds.py corpus/tokenizer_diff
cp $fx/distilled/tokenizer.json corpus/tokenizer_diff/wordpiece-distilled.json
cp $fx/tiny-bert/tokenizer.json corpus/tokenizer_diff/wordpiece-bert.json
# The hub: a listing and a HEAD answer, cut at the first byte's share of the rest.
listing='{"sha":"0123456789abcdef0123456789abcdef01234567","siblings":[{"rfilename":"model.safetensors"},{"rfilename":"tokenizer.json"},{"rfilename":"0_StaticEmbedding/config.json"},{"rfilename":"README.md"}]}'
head='ETag: "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
X-Linked-Size: 16384096
Content-Length: 1067'
n=$(( (${#listing} * 255 + ${#listing} + ${#head} - 1) / (${#listing} + ${#head}) ))
{ printf "\\x$(printf %02x $n)"; printf '%s%s' "$listing" "$head"; } > corpus/hub_answers/pull
printf '1\toil prices\n2\tworld cup final\n' > corpus/judgments/topics
printf '1 0 bbc-12 1\n1 0 bbc-40 0\n2 0 bbc-7 2\n' > corpus/judgments/qrels
head -c 2048 ../bench/data/splits/debian-packages-en.csv > corpus/judgments/split
cp ../config.toml corpus/config_toml/
python3 - <<'PY'
import csv, json
rows = list(csv.DictReader(open("../datasets/bbc-news.csv", encoding="utf-8")))[:5]
with open("corpus/documents/bbc.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({"title": r["text"][:40], "text": r["text"][:600], "label": r["category"]}, ensure_ascii=False) + "\n")
with open("corpus/documents/page.html", "w", encoding="utf-8") as f:
    f.write("<html><head><title>%s</title><script>x()</script></head><body><h1>BBC</h1><p>%s</p>"
            "<p>&amp; &eacute; &#x4eba;民日报</p></body></html>" % (rows[0]["text"][:40], rows[0]["text"][:400]))
PY
for t in "${targets[@]}"; do
  echo "== $t for $secs s"
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -max_len=1200000 -print_final_stats=1 2>&1 | tee "logs/$t.log" | grep -E "^(==|#[0-9]+ *DONE|stat::|.*(panicked|ERROR|SUMMARY))" || true
done
