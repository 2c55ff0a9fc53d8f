"""One row of bench/calibration.sh's table from `eval-search --json` on stdin.

    python calibration_row.py COLLECTION VECTORS
"""
import json, sys

e = json.load(sys.stdin)
key = 'mrr_at_10' if e['metric'].startswith('mrr') else 'label_precision_at_10'
m = {r['mode']: r[key] for r in e['modes']}
best = max(m['bm25'], m['vector'])
default = e.get('default_hybrid', m['hybrid'])
queries = e['modes'][0]['queries']
print(f"| {sys.argv[1]} | {sys.argv[2]} | {e['metric']} ({queries} queries) | {m['bm25']:.3f} | "
      f"{m['vector']:.3f} | {default:.3f} | {m['hybrid']:.3f} | {m['hybrid'] - best:+.3f} | "
      f"{e['fusion']} ({e['fusion_source']}) |")
