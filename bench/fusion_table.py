"""bench/fusion_sweep.sh's table: per fusion setting, hybrid minus max(BM25, vector) for each
index and task (k: known-item MRR@10, d: label precision@10), and the worst cell.

    python fusion_table.py WORK [SETTING-FILTER...]
"""
import json, sys

work, filters = sys.argv[1], sys.argv[2:]
sources = ['w2v', 'glove', 'words', 'words50', 'static', 'off']
cells = {}
for ix in sources:
    for task, key in [('k', 'mrr_at_10'), ('d', 'label_precision_at_10')]:
        e = json.load(open(f'{work}/{ix}-{task}.json'))
        m = {r['mode']: r[key] for r in e['modes']}
        best = max(m['bm25'], m['vector'])
        for row in e['sweep']:
            cells.setdefault(row['setting'], {})[(ix, task)] = row[key] - best
print('| setting | ' + ' | '.join(f'{ix} {t}' for ix in sources for t in 'kd') + ' | worst |')
print('|---' * (2 * len(sources) + 2) + '|')
for setting, r in cells.items():
    if filters and not any(f in setting for f in filters):
        continue
    vals = [r[(ix, t)] for ix in sources for t in 'kd']
    print(f'| {setting} | ' + ' | '.join(f'{v:+.3f}' for v in vals) + f' | {min(vals):+.3f} |')
