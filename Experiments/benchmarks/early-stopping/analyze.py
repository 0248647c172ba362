#!/usr/bin/env python3
"""Why does an early-stopping winner differ from the no-early-stopping winner?
Reads the stores bench.py left in WORK/runs/ (standard library only).

For every no-ES store (fm-none-s<seed>-...):
  - the winner's validation accuracy at each epoch and its rank among the 81 trials there;
  - Spearman's rho between the validation accuracy at epoch k and at the last epoch
    (how well an early rung predicts the final ranking);
  - a replay of ASHA (rule of Sources/HPOSearch/Schedulers/ASHAScheduler.swift: at a rung,
    go on if among the best max(n // eta, 1) of the n values recorded there so far, the
    trial's own included) on the same trials' learning curves, in the order the store
    recorded the reports: would the no-ES winner have been stopped, where, and which trial
    would then have won. Same configurations, so this isolates the scheduler from TPE's
    different path when it is fed pruned trials.
For every early-stopping store of the same seed: the winner, its validation accuracy, how
many trials reached the last epoch and the best of them.

usage: analyze.py WORK [REPLAY="1:3 3:3 1:4"]
"""
import glob, json, os, re, sqlite3, statistics, sys

work = sys.argv[1]
replays = [tuple(int(x) for x in s.split(":")) for s in (sys.argv[2] if len(sys.argv) > 2 else "1:3 3:3 1:4").split()]

def load(path):
    db = sqlite3.connect(path)
    trials = {n: {"state": s, "value": v, "epochs": e} for n, s, v, e in
              db.execute("SELECT number, state, value, epochs FROM trials")}
    curves = {n: {} for n in trials}
    events = []
    for n, step, value, at in db.execute(
            "SELECT trial_number, step, value, recorded_at FROM intermediate_metrics ORDER BY recorded_at, trial_number, step"):
        curves[n][step] = value
        events.append((at, n, step, value))
    return trials, curves, events

def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r

def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = statistics.mean(ra), statistics.mean(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    den = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return num / den if den else float("nan")

def rungs(m, eta, last):
    out, e = [], m
    while e < last:
        out.append(e)
        e *= eta
    return out

def replay(trials, curves, events, m, eta, last):
    """ASHA on recorded curves, reports in recording order; returns stopped {trial: epoch}."""
    ladder = set(rungs(m, eta, last))
    recorded = {e: [] for e in ladder}
    stopped = {}
    for _, n, step, value in events:
        if n in stopped or step not in ladder:
            continue
        values = recorded[step] + [value]
        kept = max(len(values) // eta, 1)
        better = sum(1 for v in recorded[step] if v > value)
        recorded[step].append(value)
        if better >= kept:
            stopped[n] = step
    return stopped

def winner(trials):
    done = [(t["value"], -n, n) for n, t in trials.items() if t["state"] == "complete" and t["value"] is not None]
    return max(done)[2] if done else None

stores = sorted(glob.glob(os.path.join(work, "runs", "fm-*", "store.sqlite")))
by_seed = {}
for s in stores:
    name = os.path.basename(os.path.dirname(s))
    m = re.match(r"fm-(.+)-s(\d+)-t(\d+)-e(\d+)$", name)
    if m:
        by_seed.setdefault(int(m.group(2)), []).append((m.group(1), int(m.group(4)), s))

for seed in sorted(by_seed):
    print(f"\n=== seed {seed}")
    for mode, last, path in sorted(by_seed[seed], key=lambda x: (x[0] != "none", x[0])):
        trials, curves, events = load(path)
        w = winner(trials)
        full = sorted(((t["value"], n) for n, t in trials.items() if t["state"] == "complete"), reverse=True)
        total = sum(t["epochs"] for t in trials.values())
        print(f"-- {mode}: {total} epochs, {len(full)} trials reached epoch {last}; winner #{w} "
              f"val {trials[w]['value']:.4f}; next best: "
              + ", ".join(f"#{n} {v:.4f}" for v, n in full[1:4]))
        if mode != "none":
            continue
        steps = [k for k in (1, 2, 3, 4, 9, 12, 16) if k < last]
        line = []
        for k in steps:
            at = sorted((c[k] for c in curves.values() if k in c), reverse=True)
            v = curves[w].get(k)
            line.append(f"e{k} {v:.4f} (rank {at.index(v) + 1}/{len(at)})")
        print(f"   winner #{w} curve: " + "; ".join(line))
        comp = [n for n, t in trials.items() if t["state"] == "complete"]
        print("   spearman(val@k, val@%d) over %d complete trials: " % (last, len(comp))
              + ", ".join(f"k={k} {spearman([curves[n][k] for n in comp], [curves[n][last] for n in comp]):.2f}" for k in steps))
        top5 = [n for _, n in full[:5]]
        for mm, eta in replays:
            stopped = replay(trials, curves, events, mm, eta, last)
            survivors = sorted(((trials[n]["value"], n) for n in comp if n not in stopped), reverse=True)
            spent = sum(min(stopped.get(n, t["epochs"]), t["epochs"]) for n, t in trials.items())
            fate = f"stopped at epoch {stopped[w]}" if w in stopped else "survives"
            best = f"#{survivors[0][1]} val {survivors[0][0]:.4f} ({100 * (survivors[0][0] - trials[w]['value']):+.2f} pts)" if survivors else "none"
            print(f"   replay asha min {mm} eta {eta} (rungs {rungs(mm, eta, last)}): winner {fate}; "
                  f"top-5 survive {sum(1 for n in top5 if n not in stopped)}/5; {len(survivors)} reach {last}; "
                  f"replay winner {best}; {spent} epochs ({spent / total:.0%})")
