"""Writes tests/fixtures/static-parity/: a pruned copy of WordLlama 0.4.0's model (float16 rows of
only the tokens the fixture texts use, in model2vec's layout with `mapping`; the full tokenizer)
and the reference vectors of the fixture texts from the wordllama package (plain mean) and from
model2vec's StaticModel (unit length) — the parity check that runs in `cargo test`.

    python static_fixture.py MODEL_DIR   (MODEL_DIR from static_reference.py: OUT_DIR/wordllama)
"""
import csv, json, os, sys
import numpy as np

csv.field_size_limit(1 << 30)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'static-parity')


def main():
    src = sys.argv[1]
    from safetensors.numpy import load_file, save_file
    from tokenizers import Tokenizer
    from wordllama import WordLlama
    from model2vec import StaticModel
    tok = Tokenizer.from_file(os.path.join(src, 'tokenizer.json'))
    bbc = [r['text'] for r in csv.DictReader(open(os.path.join(ROOT, 'datasets', 'bbc-news.csv'), encoding='utf-8'))]
    tweets = [r['text'] for r in csv.DictReader(open(os.path.join(ROOT, 'datasets', 'tweets-sentiment.csv'), encoding='utf-8'))]
    # Short BBC bodies (no truncation at 512 tokens) and the first tweets, with accents and emoji.
    short = [t for t in bbc if len(tok.encode(t, add_special_tokens=False).ids) < 300][:4]
    texts = short + tweets[:6] + ['Café crème – naïve “quotes” 😀 and 2,000 € in Zürich']
    emb = load_file(os.path.join(src, 'model.safetensors'))['embedding.weight']
    ids = sorted({i for t in texts for i in tok.encode(t, add_special_tokens=False).ids})
    rows = np.zeros((len(ids) + 1, emb.shape[1]), dtype=np.float16)
    rows[:len(ids)] = emb[ids]
    mapping = np.full(emb.shape[0], len(ids), dtype=np.int64)
    mapping[ids] = np.arange(len(ids))
    os.makedirs(OUT, exist_ok=True)
    save_file({'embeddings': rows, 'mapping': mapping}, os.path.join(OUT, 'model.safetensors'))
    tok.save(os.path.join(OUT, 'tokenizer.json'), pretty=False)
    json.dump({'normalize': False, 'max_length': None}, open(os.path.join(OUT, 'config.json'), 'w'))
    import wordllama, shutil
    pkg = os.path.dirname(wordllama.__file__)
    wanted = os.path.join(pkg, 'tokenizer', 'l2_supercat_tokenizer_config.json')
    if not os.path.exists(wanted):
        os.makedirs(os.path.dirname(wanted), exist_ok=True)
        shutil.copy(os.path.join(pkg, 'tokenizers', 'l2_supercat_tokenizer_config.json'), wanted)
    wl = WordLlama.load()
    m2v = StaticModel(vectors=emb.astype(np.float32), tokenizer=tok, normalize=True)
    ref = {
        'texts': texts,
        'token_ids': [tok.encode(t, add_special_tokens=False).ids for t in texts],
        'wordllama': np.asarray(wl.embed(texts, norm=False), dtype=np.float32).tolist(),
        'model2vec': np.asarray(m2v.encode(texts), dtype=np.float32).tolist(),
    }
    json.dump(ref, open(os.path.join(OUT, 'reference.json'), 'w'))
    print(f'wrote {OUT}: {len(texts)} texts, {len(ids)} token rows')


if __name__ == '__main__':
    main()
