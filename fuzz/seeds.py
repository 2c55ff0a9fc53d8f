"""Writes the seeds of the model-folder fuzz targets from the repository's own fixtures:
small BPE and Unigram tokenizer.json files cut from the bundled WordLlama tokenizer and the
Unigram test fixture (the first N tokens, with the merges among them), and the hub's answers.
Usage: python3 fuzz/seeds.py OUT_DIR (run by fuzz/run.sh)."""
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

# BPE: WordLlama's first 1,500 tokens and the merges that stay inside them.
bpe = json.loads((root / "datasets/wordllama-l2-supercat/tokenizer.json").read_text())
keep = {t: i for t, i in bpe["model"]["vocab"].items() if i < 1500}
bpe["model"]["vocab"] = keep
merges = []
for m in bpe["model"]["merges"]:
    a, b = m.split(" ", 1) if isinstance(m, str) else m
    if a in keep and b in keep and a + b in keep:
        merges.append(m)
bpe["model"]["merges"] = merges
bpe["added_tokens"] = [t for t in bpe.get("added_tokens", []) if t["id"] < 1500]
(out / "bpe-small.json").write_text(json.dumps(bpe, ensure_ascii=False))

# Unigram: the fixture's first 600 pieces (unk is piece 0).
uni = json.loads((root / "tests/fixtures/unigram/tokenizer.json").read_text())
uni["model"]["vocab"] = uni["model"]["vocab"][:600]
uni["added_tokens"] = [t for t in uni.get("added_tokens", []) if t["id"] < 600]
(out / "unigram-small.json").write_text(json.dumps(uni, ensure_ascii=False))

print(f"BPE seed: {len(keep)} tokens, {len(merges)} merges; Unigram seed: 600 pieces")
