"""Static models on every tokenizer family, side by side in one run (bench/static.sh --families):
model2vec-rs 0.4.0 (built from crates.io in bench/static_peer), wordlens and the Python model2vec
package on the same model2vec folders — WordPiece and Unigram trained here on the bundled data
and the bundled WordLlama BPE (bench/tokenizer_families.py) — over every BBC body and tweet.

    python static_families.py WORK_DIR

Prints parity (min cosine between the three), in-process texts/s (best of 3 each, model loaded;
model2vec-rs as its README times it: encode_with_args(texts, Some(512), 1024)), the whole
`wordlens embed` process, and the time to open each folder (and a 500,000-token one).
"""
import csv, os, subprocess, sys, time
import numpy as np

csv.field_size_limit(1 << 30)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
DATA = os.path.join(ROOT, 'datasets')
WL = os.path.join(ROOT, 'target', 'release', 'wordlens')
STAGES = os.path.join(ROOT, 'target', 'release', 'examples', 'static_stages')
PEER = os.path.join(ROOT, 'target', 'static_peer', 'release', 'static_peer')
work = sys.argv[1]
FAMILIES = ('wordpiece', 'unigram', 'bpe')
SETS = {'BBC bodies': 'bbc-news.csv', 'tweets': 'tweets-sentiment.csv'}
ENV = dict(os.environ, RAYON_NUM_THREADS='2')

if not all(os.path.exists(os.path.join(work, f, 'model.safetensors')) for f in FAMILIES + ('wordpiece-500k',)):
    subprocess.run([sys.executable, os.path.join(HERE, 'tokenizer_families.py'), 'bench', work], check=True)
texts = {name: [r['text'] for r in csv.DictReader(open(os.path.join(DATA, f), encoding='utf-8', newline=''))] for name, f in SETS.items()}


def run(*cmd):
    return subprocess.run(list(cmd), check=True, capture_output=True, text=True, env=ENV).stdout


def peer(folder, dump=None):
    """model2vec-rs: open ms and texts/s per set."""
    args = [PEER, folder] + [f'{n.split()[0]}={os.path.join(DATA, f)}' for n, f in SETS.items()]
    out = run(*(args + (['--dump', dump] if dump else [])))
    rates, open_ms = {}, None
    for line in out.splitlines():
        if line.startswith('open:'):
            open_ms = float(line.split()[1])
        elif line.startswith('|'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            rates[cells[0]] = float(cells[2])
    return open_ms, rates


def ours(folder):
    """wordlens in process (bench/static_stages.rs): open ms, embed_batch texts/s, the stage table."""
    out = run(STAGES, folder)
    rates, open_ms = {}, None
    for line in out.splitlines():
        if line.startswith('open:'):
            open_ms = float(line.split()[1])
        cells = [c.strip() for c in line.strip('|').split('|')]
        if cells[0] in SETS:
            rates[cells[0].split()[0]] = float(cells[5])
    return open_ms, rates, out


def whole_process(folder, name):
    best = 0.0
    for _ in range(3):
        t = time.perf_counter()
        run(WL, '--quiet', 'embed', '--vectors', folder, '--data', os.path.join(DATA, SETS[name]), '--text-col', 'text',
            '--out', os.path.join(work, 'whole.npy'))
        best = max(best, len(texts[name]) / (time.perf_counter() - t))
    return best


def cos_min(a, b):
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    keep = (na > 0) & (nb > 0)
    assert ((na == 0) == (nb == 0)).all(), 'a zero vector on one side only'
    return float(((a * b).sum(1)[keep] / (na[keep] * nb[keep])).min())


from model2vec import StaticModel
print('## Parity, first 500 of each set: min cosine\n')
print('| family | set | wordlens vs model2vec-rs | wordlens vs Python model2vec |\n|---|---|---|---|')
for fam in FAMILIES:
    folder = os.path.join(work, fam)
    peer(folder, dump=work)
    py = StaticModel.from_pretrained(folder)
    for name, f in SETS.items():
        out = os.path.join(work, f'ours-{fam}.npy')
        run(WL, '--quiet', 'embed', '--vectors', folder, '--data', os.path.join(DATA, f), '--text-col', 'text', '--out', out)
        mine = np.load(out)[:500]
        theirs = np.fromfile(os.path.join(work, f'{name.split()[0]}.f32'), dtype='<f4').reshape(len(mine), -1)
        package = py.encode(texts[name][:500])
        print(f'| {fam} | {name} | {cos_min(mine, theirs):.7f} | {cos_min(mine, package):.7f} |')

print('\n## Throughput, texts/s (2 cores; best of 3 each; model2vec-rs and wordlens alternate)\n')
print('| family | set | model2vec-rs 0.4.0 in process | wordlens in process | ratio | `wordlens embed`, whole process | whole / in process | Python model2vec in process | wordlens in process / Python |')
print('|---|---|---|---|---|---|---|---|---|')
opens, stage_tables = {}, {}
for fam in FAMILIES:
    folder = os.path.join(work, fam)
    p_open, p_rates = peer(folder)
    o_open, o_rates, stage_tables[fam] = ours(folder)
    opens[fam] = (p_open, o_open)
    py = StaticModel.from_pretrained(folder)
    for name in SETS:
        key = name.split()[0]
        best_py = 0.0
        for _ in range(3):
            t = time.perf_counter(); py.encode(texts[name]); best_py = max(best_py, len(texts[name]) / (time.perf_counter() - t))
        whole = whole_process(folder, name)
        o, p = o_rates[key], p_rates[key]
        print(f'| {fam} | {name} | {p:.0f} | {o:.0f} | **{o / p:.2f}x** | {whole:.0f} | {whole / o:.2f}x | {best_py:.0f} | {o / best_py:.1f}x |')

print('\n## Opening a folder (ms, in process)\n')
print('| folder | model2vec-rs | wordlens |\n|---|---|---|')
for fam in FAMILIES + ('wordpiece-500k',):
    p_open = peer(os.path.join(work, fam))[0] if fam not in opens else opens[fam][0]
    o_open = ours(os.path.join(work, fam))[0] if fam not in opens else opens[fam][1]
    print(f'| {fam} | {p_open:.1f} | {o_open:.1f} |')
for fam, table in stage_tables.items():
    print(f'\nwordlens stages in one process, {fam} (bench/static_stages.rs):\n')
    print(table)
