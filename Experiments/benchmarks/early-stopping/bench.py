#!/usr/bin/env python3
"""Driver of the early-stopping benchmark (called by run.sh; standard library only).

For each seed: one experiment without early stopping and one with ASHA, run with
`hpo run --workers W`; wall time, total epochs (sum over the store's trials), the
winner (best complete trial by validation accuracy) and its test accuracy from
`hpo train --params <winner> --seed <the trial's own seed> --json`.
One JSON line per run goes to OUT; a summary is printed at the end.
"""
import json, os, shutil, sqlite3, statistics, subprocess, sys, time

hpo, csv_path, work, out = sys.argv[1:5]
seeds = [int(s) for s in os.environ.get("SEEDS", "1 2 3").split()]
trials = int(os.environ.get("TRIALS", "81"))
epochs = int(os.environ.get("EPOCHS", "27"))
workers = int(os.environ.get("WORKERS", "2"))
strategy = os.environ.get("STRATEGY", "tpe")
min_epochs = int(os.environ.get("MIN_EPOCHS", "1"))
eta = int(os.environ.get("ETA", "3"))
modes = os.environ.get("MODES", "none asha").split()

SPACE = {
    "learning_rate": {"type": "float", "low": 1e-4, "high": 0.3, "log": True},
    "hidden_units":  {"type": "int", "low": 16, "high": 256, "log": True},
    "layers":        {"type": "int", "low": 1, "high": 3},
    "activation":    {"type": "categorical", "choices": ["relu", "tanh"]},
    "l2":            {"type": "float", "low": 1e-6, "high": 1e-2, "log": True},
    "optimizer":     {"type": "categorical", "choices": ["sgd", "adam"]},
    "momentum":      {"type": "float", "low": 0.0, "high": 0.99, "when": {"optimizer": "sgd"}},
    "batch_size":    {"type": "categorical", "choices": [32, 64, 128]},
}

def experiment(name, seed, mode):
    e = {
        "name": name,
        "description": "early-stopping benchmark: Fashion-MNIST 10k/2.5k/2.5k, MLP space of digits-mlp.json",
        "data": {"path": os.path.abspath(csv_path), "label": "label", "task": "classification",
                 "split": {"validation": 1 / 6, "test": 1 / 6, "seed": 0}},
        "model": {"kind": "mlp", "epochs": epochs},
        "space": SPACE,
        "objective": {"metric": "accuracy", "direction": "maximize"},
        "search": {"strategy": strategy, "trials": trials, "parallel": workers, "seed": seed},
        "output": {"dir": f"runs/{name}", "keep_top": 0},
    }
    if mode != "none":
        e["early_stopping"] = {"scheduler": mode, "min_epochs": min_epochs, "reduction_factor": eta}
    return e

def run_one(seed, mode):
    name = f"fm-{mode}-s{seed}-t{trials}-e{epochs}"
    path = os.path.join(work, name + ".json")
    shutil.rmtree(os.path.join(work, "runs", name), ignore_errors=True)
    with open(path, "w") as f:
        json.dump(experiment(name, seed, mode), f, indent=1)
    t0 = time.monotonic()
    p = subprocess.run([hpo, "run", path, "--workers", str(workers)], capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"hpo run {name} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    db = sqlite3.connect(os.path.join(work, "runs", name, "store.sqlite"))
    rows = db.execute("SELECT number, state, value, epochs, seed, configuration_json FROM trials").fetchall()
    states = {s: sum(1 for r in rows if r[1] == s) for s in ("complete", "pruned", "failed")}
    total_epochs = sum(r[3] for r in rows)
    best = max((r for r in rows if r[1] == "complete" and r[2] is not None), key=lambda r: (r[2], -r[0]))
    trial_seed = best[4] & 0xFFFFFFFFFFFFFFFF
    t = subprocess.run([hpo, "train", path, "--params", best[5], "--seed", str(trial_seed), "--json"],
                       capture_output=True, text=True, check=True)
    tr = json.loads(t.stdout)
    rec = {"seed": seed, "mode": mode, "strategy": strategy, "trials": trials, "max_epochs": epochs,
           "workers": workers, "wall_s": round(wall, 1), "total_epochs": total_epochs, "states": states,
           "winner": best[0], "winner_validation": best[2], "retrain_validation": tr["validation"]["accuracy"],
           "test_accuracy": tr["test"]["accuracy"], "winner_params": json.loads(best[5])}
    print(f"  seed {seed} {mode:>5}: {wall:7.1f} s  {total_epochs:5d} epochs  {states}  winner #{best[0]} "
          f"val {best[2]:.4f} (retrained {rec['retrain_validation']:.4f}) test {rec['test_accuracy']:.4f}", flush=True)
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    return rec

results = {}
for seed in seeds:
    for mode in modes:
        results[(seed, mode)] = run_one(seed, mode)

if "none" in modes and len(modes) > 1:
    print(f"\n{trials} trials x {epochs} epochs max, {strategy}, parallel {workers}, {workers} workers")
    for es in [m for m in modes if m != "none"]:
        print(f"\n{'seed':>4} {'test no-ES':>10} {'test ' + es:>10} {'diff pts':>9} {'epochs no-ES':>12} "
              f"{'epochs ' + es:>11} {'ratio':>6} {'wall no-ES':>10} {'wall ' + es:>9}")
        diffs, ratios, tn, ta, wn, wa = [], [], [], [], [], []
        for seed in seeds:
            n, a = results[(seed, "none")], results[(seed, es)]
            d = 100 * (a["test_accuracy"] - n["test_accuracy"]); r = a["total_epochs"] / n["total_epochs"]
            diffs.append(d); ratios.append(r); tn.append(n["test_accuracy"]); ta.append(a["test_accuracy"])
            wn.append(n["wall_s"]); wa.append(a["wall_s"])
            print(f"{seed:>4} {n['test_accuracy']:>10.4f} {a['test_accuracy']:>10.4f} {d:>+9.2f} {n['total_epochs']:>12} "
                  f"{a['total_epochs']:>11} {r:>6.1%} {n['wall_s']:>9.1f}s {a['wall_s']:>8.1f}s")
        med = statistics.median
        print(f"{'med':>4} {med(tn):>10.4f} {med(ta):>10.4f} {med(diffs):>+9.2f} {'':>12} {'':>11} {med(ratios):>6.1%} "
              f"{med(wn):>9.1f}s {med(wa):>8.1f}s")
        print(f"targets: |median diff| <= 0.5 points: {'met' if abs(med(diffs)) <= 0.5 else 'NOT met'}"
              f" (median diff {med(diffs):+.2f}); median epochs ratio <= 35%: {'met' if med(ratios) <= 0.35 else 'NOT met'}"
              f" ({med(ratios):.1%})")
