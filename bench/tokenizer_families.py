"""Model2vec folders over the three tokenizer families static models use, for the parity tests
and bench/static.sh. Each tokenizer is trained here with the `tokenizers` library on the bundled
corpora (see datasets/README.md for their provenance and terms); the token vectors are seeded
random numbers, since parity and speed do not depend on what the vectors mean.

    python tokenizer_families.py fixture DIR          # the small Unigram test fixture
    python tokenizer_families.py bench DIR [--vocab N] # WordPiece and Unigram folders, N tokens × 256
    python tokenizer_families.py reference OUT.json    # model2vec's vectors of the test texts

`bench` also writes DIR/bpe (the bundled WordLlama tokenizer and matrix, widened to float32, as a
model2vec folder) and DIR/wordpiece-500k (the WordPiece vocabulary padded with made-up tokens to
500,000 × 64, only for timing how long a folder takes to open).

Writes DIR/<family>/{tokenizer.json, model.safetensors, config.json}.
"""
import csv, json, os, sys
import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

csv.field_size_limit(1 << 30)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'datasets')
SHARED = os.path.join(HERE, '..', '..', 'shared', 'datasets')


def corpus(chinese_lines):
    for name in ('bbc-news.csv', 'tweets-sentiment.csv'):
        with open(os.path.join(DATA, name), encoding='utf-8') as f:
            for row in csv.DictReader(f):
                yield row['text']
    wiki = os.path.join(DATA, 'enwiki-sample.txt')
    if os.path.exists(wiki):
        with open(wiki, encoding='utf-8') as f:
            yield from f
    # Chinese, so that Han pieces are in the vocabulary (the committed People's Daily slice).
    with open(os.path.join(HERE, '..', 'tests', 'fixtures', 'peoples-daily-1998-01-slice.txt'), encoding='utf-8') as f:
        for i, line in enumerate(f):
            if i >= chinese_lines:
                break
            yield ''.join(line.split())


def unigram(vocab):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement='▁', prepend_scheme='always', split=True)
    trainer = trainers.UnigramTrainer(vocab_size=vocab, special_tokens=['<unk>'], unk_token='<unk>', show_progress=False)
    tok.train_from_iterator(corpus(10_000), trainer=trainer)
    return tok


def wordpiece(vocab):
    tok = Tokenizer(models.WordPiece(unk_token='[UNK]'))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab, special_tokens=['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], show_progress=False)
    tok.train_from_iterator(corpus(10_000), trainer=trainer)
    return tok


def write_folder(out, tok, dim, seed):
    os.makedirs(out, exist_ok=True)
    tok.save(os.path.join(out, 'tokenizer.json'))
    n = tok.get_vocab_size(with_added_tokens=True)
    rng = np.random.default_rng(seed)
    save_file({'embeddings': rng.standard_normal((n, dim)).astype(np.float32)}, os.path.join(out, 'model.safetensors'))
    config = {'model_type': 'model2vec', 'architectures': ['StaticModel'], 'hidden_dim': dim,
              'normalize': True, 'max_length': 512, 'embedding_dtype': 'float32'}
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)


def bpe_folder(out):
    """The bundled WordLlama model (Llama 2 BPE, 32,000 × 256, float16) as a model2vec folder."""
    from safetensors.numpy import load_file
    import shutil
    src = os.path.join(DATA, 'wordllama-l2-supercat')
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(src, 'tokenizer.json'), os.path.join(out, 'tokenizer.json'))
    matrix = load_file(os.path.join(src, 'model.safetensors'))['embedding.weight'].astype(np.float32)
    save_file({'embeddings': matrix}, os.path.join(out, 'model.safetensors'))
    config = {'model_type': 'model2vec', 'hidden_dim': int(matrix.shape[1]), 'normalize': True, 'max_length': 512}
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)


def big_folder(out, tok, size):
    """`tok`'s vocabulary padded with made-up continuation tokens to `size` (opening time only)."""
    os.makedirs(out, exist_ok=True)
    spec = json.loads(tok.to_str())
    vocab = spec['model']['vocab']
    i = 0
    while len(vocab) < size:
        vocab.setdefault(f'##x{i}q', len(vocab))
        i += 1
    with open(os.path.join(out, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(spec, f, ensure_ascii=False)
    rng = np.random.default_rng(3)
    save_file({'embeddings': rng.standard_normal((len(vocab), 64)).astype(np.float32)}, os.path.join(out, 'model.safetensors'))
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump({'model_type': 'model2vec', 'hidden_dim': 64, 'normalize': True, 'max_length': 512}, f)


def reference(out):
    """model2vec's `StaticModel.encode` of 100 BBC bodies, 100 tweets and 50 People's Daily
    lines (spaces removed) with the WordPiece fixture (model2vec's distillation of the tiny
    BERT) and the Unigram fixture, for the vector parity test."""
    from model2vec import StaticModel
    fixtures = os.path.join(HERE, '..', 'tests', 'fixtures')
    texts = []
    for name in ('bbc-news.csv', 'tweets-sentiment.csv'):
        with open(os.path.join(DATA, name), encoding='utf-8') as f:
            texts += [r['text'] for _, r in zip(range(100), csv.DictReader(f))]
    with open(os.path.join(fixtures, 'peoples-daily-1998-01-slice.txt'), encoding='utf-8') as f:
        texts += [''.join(line.split()) for _, line in zip(range(50), f)]
    models = {'wordpiece': os.path.join(fixtures, 'contextual', 'distilled'), 'unigram': os.path.join(fixtures, 'unigram')}
    ref = {'texts': texts}
    for name, folder in models.items():
        ref[name] = StaticModel.from_pretrained(folder).encode(texts).tolist()
    with open(out, 'w') as f:
        json.dump(ref, f)


if __name__ == '__main__':
    mode, out = sys.argv[1], sys.argv[2]
    if mode == 'reference':
        reference(out)
    elif mode == 'fixture':
        write_folder(out, unigram(8000), 16, 7)
    else:
        vocab = int(sys.argv[sys.argv.index('--vocab') + 1]) if '--vocab' in sys.argv else 30_000
        wp = wordpiece(vocab)
        write_folder(os.path.join(out, 'wordpiece'), wp, 256, 1)
        write_folder(os.path.join(out, 'unigram'), unigram(vocab), 256, 2)
        bpe_folder(os.path.join(out, 'bpe'))
        big_folder(os.path.join(out, 'wordpiece-500k'), wp, 500_000)
