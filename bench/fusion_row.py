"""One row of bench/fusion.sh's table from `eval-search --tune --json` on stdin.

    python fusion_row.py VECTORS TASK < eval.json
"""
import json, sys

e = json.load(sys.stdin)
name, task = sys.argv[1], sys.argv[2]
key = 'label_precision_at_10' if 'doc' in task else 'mrr_at_10'
m = {r['mode']: r[key] for r in e['modes']}
t = e['tuning']['held_out']
ok = 'yes' if m['hybrid'] >= max(m['bm25'], m['vector']) - 0.01 else 'NO'
tuned_ok = 'yes' if t['hybrid'] >= max(t['bm25'], t['vector']) - 1e-9 else 'NO'  # sums in another order
print(f"| {name} | {key} | {m['bm25']:.3f} | {m['vector']:.3f} | {m['hybrid']:.3f} | {ok} "
      f"| {t['hybrid']:.3f} | {tuned_ok} | {' / '.join(t['settings'])} |")
