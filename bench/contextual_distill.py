"""Distillation beside model2vec, and what the distilled model buys: one run.

usage: python bench/contextual_distill.py ENCODER_DIR WORDLENS_BIN [--dim 256] [--docs 1000]
Prints: seconds of `wordlens distill` and of model2vec's `distill_from_model` on the same
encoder; the agreement of their token vectors (cosine per token, same vocabulary); that
model2vec's `StaticModel.load` reads wordlens's folder and encodes as wordlens does; and the
documents/s of the distilled model beside the encoder it came from (`wordlens embed`).
"""

import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

from contextual_speed import DATA, read_column, wordlens_embed


def embed_seconds(wordlens, model, texts, tmp):
    seconds, vectors, _ = wordlens_embed(wordlens, model, texts, tmp)
    return seconds, vectors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("encoder")
    ap.add_argument("wordlens")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    import torch
    from model2vec import StaticModel
    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        ours_dir = os.path.join(tmp, "ours")
        started = time.perf_counter()
        subprocess.run([args.wordlens, "distill", "--from", args.encoder, "--out", ours_dir,
                        "--dim", str(args.dim), "-q"], check=True, capture_output=True)
        ours_s = time.perf_counter() - started
        started = time.perf_counter()
        model = AutoModel.from_pretrained(args.encoder)
        tokenizer = AutoTokenizer.from_pretrained(args.encoder, use_fast=True)
        theirs = distill_from_model(model, tokenizer, pca_dims=args.dim, quantize_to="float32")
        theirs_s = time.perf_counter() - started
        ours = StaticModel.from_pretrained(ours_dir)
        a, b = ours.embedding, theirs.embedding
        same_vocab = ours.tokenizer.get_vocab() == theirs.tokenizer.get_vocab()
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-30)
        print(f"| distill ({a.shape[0]} tokens → {a.shape[1]}) | wordlens {ours_s:.1f} s | "
              f"model2vec {theirs_s:.1f} s | {theirs_s / ours_s:.2f}x | same vocabulary: {same_vocab} | "
              f"token cosine min {cos.min():.5f}, median {np.median(cos):.6f} |")

        texts = {
            "BBC bodies": read_column(os.path.join(DATA, "bbc-news.csv"), "text", args.docs),
            "tweets": read_column(os.path.join(DATA, "tweets-sentiment.csv"), "text", args.docs),
        }
        print("| collection | encoder docs/s | distilled docs/s | ratio | model2vec's load of our folder vs wordlens (min cosine) |")
        print("|---|---|---|---|---|")
        for name, docs in texts.items():
            enc_s, _ = embed_seconds(args.wordlens, args.encoder, docs, tmp)
            dis_s, dis_vectors = embed_seconds(args.wordlens, ours_dir, docs, tmp)
            m2v = ours.encode(docs)
            c = np.sum(m2v * dis_vectors, axis=1) / (
                np.linalg.norm(m2v, axis=1) * np.linalg.norm(dis_vectors, axis=1) + 1e-30)
            n = len(docs)
            print(f"| {name} | {n / enc_s:.1f} | {n / dis_s:.0f} | {enc_s / dis_s:.0f}x | {c.min():.6f} |")


if __name__ == "__main__":
    main()
