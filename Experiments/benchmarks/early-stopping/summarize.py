#!/usr/bin/env python3
"""Medians over seeds of bench.py's and optuna_baseline.py's JSON lines, as Markdown tables.

For every early-stopping setting against the no-early-stopping run of the same tool and seed:
winner validation and test accuracy (medians), the difference of the medians and the median of
the per-seed differences (points), epochs and wall-time ratios (median of per-seed ratios; hpo's
runs of one seed ran back to back, Optuna's too). When a (tool, seed, setting) appears more than
once, the last line counts. Optuna without pruning spends TRIALS x EPOCHS epochs by construction;
if its "none" run is missing, its epochs ratio uses that and its accuracy columns stay empty.

usage: summarize.py RESULTS.jsonl [MORE.jsonl ...]
"""
import json, statistics, sys

med = statistics.median
rows = {}
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                tool = r.get("tool", "hpo")
                setting = r["mode"] if r["mode"] == "none" or tool != "hpo" else f'{r["mode"]} min {r["min_epochs"]} η {r["reduction_factor"]}'
                rows[(tool, setting, r["seed"])] = r

def fmt(x, spec):
    return "—" if x is None else format(x, spec)

print("| tool | setting | seeds | val acc (median) | test acc (median) | test, diff of medians (pts) | test, median of diffs (pts) | epochs (median) | epochs ratio | wall ratio |")
print("|---|---|---|---|---|---|---|---|---|---|")
for tool in ("hpo", "optuna"):
    settings = []
    for (t, s, _) in rows:
        if t == tool and s not in settings:
            settings.append(s)
    settings.sort(key=lambda s: (s != "none", s))
    for s in settings:
        seeds = sorted(k[2] for k in rows if k[0] == tool and k[1] == s)
        rs = [rows[(tool, s, k)] for k in seeds]
        base = [rows.get((tool, "none", k)) for k in seeds]
        val = med(r["winner_validation"] for r in rs)
        test = med(r["test_accuracy"] for r in rs)
        epochs = med(r["total_epochs"] for r in rs)
        dm = dd = ratio = wall = None
        if s != "none":
            full = [b["total_epochs"] if b else r["trials"] * r["max_epochs"] for r, b in zip(rs, base)]
            ratio = med(r["total_epochs"] / f for r, f in zip(rs, full))
            if all(base):
                dm = 100 * (test - med(b["test_accuracy"] for b in base))
                dd = med(100 * (r["test_accuracy"] - b["test_accuracy"]) for r, b in zip(rs, base))
                if tool == "hpo":  # Optuna's settings ran as separate invocations, under other loads
                    wall = med(r["wall_s"] / b["wall_s"] for r, b in zip(rs, base))
        print(f"| {tool} | {s} | {','.join(map(str, seeds))} | {val:.4f} | {test:.4f} | {fmt(dm, '+.2f')} | {fmt(dd, '+.2f')} | "
              f"{epochs:.0f} | {fmt(ratio, '.1%')} | {fmt(wall, '.2f')} |")

print("\nPer seed:\n")
print("| tool | setting | seed | winner | val acc | test acc | epochs | wall s | complete/pruned/failed |")
print("|---|---|---|---|---|---|---|---|---|")
for (tool, s, seed), r in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "none", kv[0][1], kv[0][2])):
    st = r["states"]
    print(f"| {tool} | {s} | {seed} | #{r['winner']} | {r['winner_validation']:.4f} | {r['test_accuracy']:.4f} | "
          f"{r['total_epochs']} | {r['wall_s']:.1f} | {st.get('complete', 0)}/{st.get('pruned', 0)}/{st.get('failed', st.get('fail', 0))} |")
