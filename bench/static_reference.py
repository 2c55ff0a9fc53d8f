"""Reference document vectors from the static models' own packages, for wordlens's parity check.

    python static_reference.py OUT_DIR [N]

Writes, for the first N (default 500) BBC bodies and N tweets:
  OUT_DIR/wordllama/            WordLlama 0.4.0's bundled model as a plain folder (model.safetensors + tokenizer.json)
  OUT_DIR/model2vec/            a model2vec folder built from the same matrix and tokenizer (save_pretrained)
  OUT_DIR/model2vec-int8/       the same quantised to int8 (quantize_to='int8')
  OUT_DIR/ref-{model}-{bbc,tweets}.npy   the package's vectors (wordllama: embed(norm=False); model2vec: encode())
  OUT_DIR/{bbc,tweets}.csv      the texts embedded (columns id,text), so wordlens reads exactly them
"""
import csv, os, shutil, sys
import numpy as np

csv.field_size_limit(1 << 30)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'datasets')


def wordllama_dir(out):
    import wordllama
    pkg = os.path.dirname(wordllama.__file__)
    shipped = os.path.join(pkg, 'tokenizers', 'l2_supercat_tokenizer_config.json')
    wanted = os.path.join(pkg, 'tokenizer', 'l2_supercat_tokenizer_config.json')
    if not os.path.exists(wanted):  # the loader looks here, else tries the network
        os.makedirs(os.path.dirname(wanted), exist_ok=True)
        shutil.copy(shipped, wanted)
    d = os.path.join(out, 'wordllama')
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(pkg, 'weights', 'l2_supercat_256.safetensors'), os.path.join(d, 'model.safetensors'))
    shutil.copy(shipped, os.path.join(d, 'tokenizer.json'))
    from wordllama import WordLlama
    return WordLlama.load(), d


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    os.makedirs(out, exist_ok=True)
    texts = {
        'bbc': [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'bbc-news.csv'), encoding='utf-8'))][:n],
        'tweets': [r['text'] for r in csv.DictReader(open(os.path.join(DATA, 'tweets-sentiment.csv'), encoding='utf-8'))][:n],
    }
    for name, ts in texts.items():
        with open(os.path.join(out, f'{name}.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['id', 'text'])
            w.writerows([(i, t) for i, t in enumerate(ts)])
    wl, wl_dir = wordllama_dir(out)
    for name, ts in texts.items():
        np.save(os.path.join(out, f'ref-wordllama-{name}.npy'), np.asarray(wl.embed(ts, norm=False), dtype=np.float32))
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    from model2vec import StaticModel
    emb = load_file(os.path.join(wl_dir, 'model.safetensors'))['embedding.weight'].astype(np.float32)
    tok = Tokenizer.from_file(os.path.join(wl_dir, 'tokenizer.json'))
    m2v = StaticModel(vectors=emb, tokenizer=tok, normalize=True)
    m2v.save_pretrained(os.path.join(out, 'model2vec'))
    m = StaticModel.from_pretrained(os.path.join(out, 'model2vec'))
    for name, ts in texts.items():
        np.save(os.path.join(out, f'ref-model2vec-{name}.npy'), np.asarray(m.encode(ts), dtype=np.float32))
    q = StaticModel.from_pretrained(os.path.join(out, 'model2vec'), quantize_to='int8')
    q.save_pretrained(os.path.join(out, 'model2vec-int8'))
    q = StaticModel.from_pretrained(os.path.join(out, 'model2vec-int8'))
    for name, ts in texts.items():
        np.save(os.path.join(out, f'ref-model2vec-int8-{name}.npy'), np.asarray(q.encode(ts), dtype=np.float32))
    print('wrote', out)


if __name__ == '__main__':
    main()
