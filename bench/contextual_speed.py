"""Throughput of a contextual encoder: sentence-transformers (torch, CPU) beside `wordlens embed`
on the same model folder and the same texts, one run, plus the vectors' agreement.

usage: python bench/contextual_speed.py MODEL_DIR WORDLENS_BIN [--docs N] [--threads 2]
                                        [--peak-gflops G]
Prints one markdown row per collection: documents/s of each, the ratio, peak RSS of each, and
the worst cosine between the two tools' vectors. Then the arithmetic: the model's floating-point
operations per document (its matrix products and attention over the tokens it reads, cut at
max_seq_length; no padding counted), the GFLOPS each tool reached, and — given the machine's
FMA peak (bench/fma_peak.c) — the highest ratio over sentence-transformers any f32
implementation could reach if every operation ran at that peak.
"""

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "datasets")


def read_column(path, column, limit=None):
    """The `column` of a CSV file, first `limit` rows (all when None)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r[column] for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def wordlens_embed(wordlens, model, texts, tmp, env=None):
    """`wordlens embed` over `texts` as a whole process: (seconds, vectors, peak RSS in MB)."""
    data = os.path.join(tmp, "docs.csv")
    with open(data, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerows([i, t] for i, t in enumerate(texts))
    out = os.path.join(tmp, "v.npy")
    started = time.perf_counter()
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%M", wordlens, "embed", "--vectors", model, "--data", data,
         "--text-col", "text", "--id-col", "id", "--out", out, "-q"],
        check=True, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    peak_mb = int(run.stderr.strip().splitlines()[-1]) / 1024
    return seconds, np.load(out), peak_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("wordlens")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--peak-gflops", type=float, default=None)
    args = ap.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    st = SentenceTransformer(args.model, device="cpu")
    collections = {
        "BBC bodies": read_column(os.path.join(DATA, "bbc-news.csv"), "text", args.docs),
        "tweets": read_column(os.path.join(DATA, "tweets-sentiment.csv"), "text", args.docs),
    }
    print(f"model {args.model}: max_seq_length {st.max_seq_length}, {args.threads} threads")
    print("| collection | docs | sentence-transformers docs/s | wordlens docs/s | ratio | worst cosine |")
    print("|---|---|---|---|---|---|")
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    peaks = []
    rates = {}
    for name, texts in collections.items():
        st.encode(texts[:32], batch_size=32)  # warm up
        started = time.perf_counter()
        theirs = st.encode(texts, batch_size=32, convert_to_numpy=True)
        st_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            wl_seconds, ours, peak = wordlens_embed(args.wordlens, args.model, texts, tmp, env)
            peaks.append(peak)
        cos = np.sum(ours * theirs, axis=1) / (
            np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
        n = len(texts)
        print(f"| {name} | {n} | {n / st_seconds:.1f} | {n / wl_seconds:.1f} | "
              f"{st_seconds / wl_seconds:.2f}x | {cos.min():.6f} |")
        rates[name] = (model_flops(st, texts) / n, n / st_seconds, n / wl_seconds)
    peak_py = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: sentence-transformers process {peak_py:.0f} MB, "
          f"wordlens embed {max(peaks):.0f} MB")
    print()
    print("| collection | GFLOP/doc | sentence-transformers GFLOPS | wordlens GFLOPS | "
          "ceiling: ratio at the FMA peak |")
    print("|---|---|---|---|---|")
    for name, (flops, st_rate, wl_rate) in rates.items():
        ceiling = (f"{args.peak_gflops * 1e9 / flops / st_rate:.2f}x "
                   f"({args.peak_gflops:.0f} GFLOPS)" if args.peak_gflops else "not measured")
        print(f"| {name} | {flops / 1e9:.3f} | {flops * st_rate / 1e9:.1f} | "
              f"{flops * wl_rate / 1e9:.1f} | {ceiling} |")
    sys.stdout.flush()


def model_flops(st, texts):
    """Floating-point operations of a BERT encoder over `texts` as cut at max_seq_length:
    per token the Q, K, V, output and two feed-forward products of every layer, per text the
    attention scores and weighted sums (all heads). Pooling, norms and GELU are not counted."""
    cfg = st[0].auto_model.config
    hidden, inner, layers = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    lengths = [min(len(ids), st.max_seq_length) for ids in st.tokenizer(texts)["input_ids"]]
    per_token = layers * 2 * (4 * hidden * hidden + 2 * hidden * inner)
    attention = sum(layers * 2 * 2 * n * n * hidden for n in lengths)
    return sum(lengths) * per_token + attention


if __name__ == "__main__":
    main()
