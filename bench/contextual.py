"""Reference vectors for wordlens's contextual encoders, without downloading weights.

A randomly initialised BERT proves the arithmetic as well as a trained one: this script builds
one with `transformers` (a WordPiece tokenizer trained on BBC with `tokenizers`), wraps it as a
sentence-transformers folder, and writes what sentence-transformers and model2vec make of it:

    OUT/tiny-bert/          the encoder (mean pooling, Normalize), f32 safetensors
    OUT/tiny-bert-f16/      the same weights stored as f16
    OUT/reference.json      document vectors of the first N BBC bodies and N tweets under
                            mean / cls / max pooling (not normalised), from sentence-transformers
    OUT/distilled/          model2vec's distill of the encoder (f32, PCA to --pca dims)
    OUT/minilm-shaped/      (--minilm) a random BERT of all-MiniLM-L6-v2's shape for speed runs

usage: python bench/contextual.py OUT [--docs 500] [--pca 32] [--minilm]
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch
from sentence_transformers import SentenceTransformer, models
from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors, decoders
from tokenizers.models import WordPiece
from tokenizers.trainers import WordPieceTrainer
from transformers import BertConfig, BertModel, BertTokenizerFast

from contextual_speed import DATA, read_column


def train_wordpiece(texts, vocab_size):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tk = Tokenizer(WordPiece(unk_token="[UNK]"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tk.decoder = decoders.WordPiece()
    tk.train_from_iterator(texts, WordPieceTrainer(vocab_size=vocab_size, special_tokens=special))
    cls, sep = tk.token_to_id("[CLS]"), tk.token_to_id("[SEP]")
    tk.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return BertTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]",
                             cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


def save_encoder(folder, bert, tokenizer, max_seq_length, pooling="mean", normalize=True):
    bert.save_pretrained(folder + "/hf")
    tokenizer.save_pretrained(folder + "/hf")
    transformer = models.Transformer(folder + "/hf", max_seq_length=max_seq_length)
    mods = [transformer, models.Pooling(bert.config.hidden_size, pooling_mode=pooling)]
    if normalize:
        mods.append(models.Normalize())
    st = SentenceTransformer(modules=mods, device="cpu")
    st.save(folder)
    shutil.rmtree(folder + "/hf")  # the saved folder holds its own copy
    return st


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--pca", type=int, default=32)
    ap.add_argument("--minilm", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)

    bbc = read_column(os.path.join(DATA, "bbc-news.csv"), "text")
    tweets = read_column(os.path.join(DATA, "tweets-sentiment.csv"), "text")
    tokenizer = train_wordpiece(bbc, 3000)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=128, max_position_embeddings=128,
                        hidden_act="gelu", layer_norm_eps=1e-12)
    bert = BertModel(config, add_pooling_layer=False).eval()
    # A random BERT's output is dominated by its embeddings' LayerNorm; larger weights make
    # every layer matter, so the comparison tests attention and the feed-forward too.
    with torch.no_grad():
        for p in bert.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.2)
    tiny = os.path.join(args.out, "tiny-bert")
    save_encoder(tiny, bert, tokenizer, max_seq_length=64)
    bert_f16 = BertModel(config, add_pooling_layer=False)
    bert_f16.load_state_dict(bert.state_dict())
    save_encoder(os.path.join(args.out, "tiny-bert-f16"), bert_f16.half(), tokenizer, 64)

    docs = {"bbc": bbc[: args.docs], "tweets": tweets[: args.docs]}
    transformer = models.Transformer(tiny, max_seq_length=64)
    reference = {"max_seq_length": 64, "dim": 64, "texts": docs, "vectors": {}}
    for mode in ["mean", "cls", "max"]:
        st = SentenceTransformer(modules=[transformer, models.Pooling(64, pooling_mode=mode)],
                                 device="cpu")
        reference["vectors"][mode] = {
            name: st.encode(texts, batch_size=32).round(7).tolist() for name, texts in docs.items()
        }
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(reference, f)

    from model2vec.distill import distill_from_model
    distilled = distill_from_model(bert, tokenizer, pca_dims=args.pca, quantize_to="float32")
    distilled.save_pretrained(os.path.join(args.out, "distilled"))

    if args.minilm:
        # all-MiniLM-L6-v2's shape: 30,522 tokens, 384 wide, 6 layers, 12 heads, 1,536 inner.
        big_tk = train_wordpiece(bbc + tweets, 30522)
        big = BertConfig(vocab_size=len(big_tk), hidden_size=384, num_hidden_layers=6,
                         num_attention_heads=12, intermediate_size=1536,
                         max_position_embeddings=512, hidden_act="gelu")
        save_encoder(os.path.join(args.out, "minilm-shaped"),
                     BertModel(big, add_pooling_layer=False).eval(), big_tk, max_seq_length=256)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
