"""Writes a random vectors file of COUNT x DIM in word2vec binary and text, as gensim writes
them (the issue's 400k x 300 stand-in for GloVe 400k): bench/make_vectors.py OUT_PREFIX COUNT DIM"""
import sys

import numpy as np
from gensim.models import KeyedVectors

prefix, count, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
kv = KeyedVectors(dim, dtype=np.float32)
kv.add_vectors(["w%07d" % i for i in range(count)], rng.standard_normal((count, dim), dtype=np.float32))
kv.save_word2vec_format(prefix + ".bin", binary=True)
kv.save_word2vec_format(prefix + ".txt", binary=False)
print("wrote", prefix + ".bin", prefix + ".txt")
