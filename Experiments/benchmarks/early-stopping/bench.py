#!/usr/bin/env python3
"""Driver of the early-stopping benchmark (called by run.sh; standard library only).

For each seed: one experiment per entry of MODES, run with `hpo run --workers W`:
"none" (no early stopping) and schedulers written SCHEDULER[:MIN_EPOCHS[:ETA]]
("asha", "asha:3:3", "hyperband:1:3", ...; MIN_EPOCHS and ETA default to the
environment's); wall time, total epochs (sum over the store's trials), the
winner (best complete trial by validation accuracy) and its test accuracy from
`hpo train --params <winner> --seed <the trial's own seed> --format json`.
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
launch = os.environ.get("LAUNCH", "processes")  # or "run": `hpo run --workers W`

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

def parse_mode(spec):
    """"asha:3:4" -> ("asha", 3, 4); "none" -> ("none", None, None)."""
    parts = spec.split(":")
    if parts[0] == "none":
        return "none", None, None
    m = int(parts[1]) if len(parts) > 1 else min_epochs
    r = int(parts[2]) if len(parts) > 2 else eta
    return parts[0], m, r

def label(spec):
    mode, m, r = parse_mode(spec)
    return mode if mode == "none" else f"{mode}-m{m}-r{r}"

def experiment(name, seed, spec):
    mode, m, r = parse_mode(spec)
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
        e["early_stopping"] = {"scheduler": mode, "min_epochs": m, "reduction_factor": r}
    return e

def run_cluster(path, store):
    """The processes `hpo run` starts, started here: a coordinator on an ipc endpoint, WORKERS
    workers without --idle-exit, and `hpo submit`, which returns when the experiment has
    finished. (Older `hpo run` builds gave their workers --idle-exit 5 and aborted when one
    exited; the figures were measured with this launcher: see README.)"""
    endpoint = f"ipc://{work}/hpo-bench-{os.getpid()}.ipc"
    env = dict(os.environ, OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
    coordinator = subprocess.Popen([hpo, "coordinator", "--bind", endpoint, "--store", store,
                                    "--exit-when-finished", "--log-level", "warning"], **quiet)
    procs = [subprocess.Popen([hpo, "worker", "--coordinator", endpoint, "--id", f"bench-{k}", "--log-level", "warning"],
                              **quiet) for k in range(workers)]
    try:
        return subprocess.run([hpo, "submit", path, "--coordinator", endpoint, "--timeout", "60"],
                              capture_output=True, text=True)
    finally:
        for q in procs:
            q.terminate()
        for q in procs:
            q.wait(timeout=60)
        try:
            coordinator.wait(timeout=60)
        except subprocess.TimeoutExpired:
            coordinator.terminate()
            coordinator.wait(timeout=60)

def run_one(seed, spec):
    mode, m, r = parse_mode(spec)
    name = f"fm-{label(spec)}-s{seed}-t{trials}-e{epochs}"
    path = os.path.join(work, name + ".json")
    shutil.rmtree(os.path.join(work, "runs", name), ignore_errors=True)
    with open(path, "w") as f:
        json.dump(experiment(name, seed, spec), f, indent=1)
    store = os.path.join(work, "runs", name, "store.sqlite")
    os.makedirs(os.path.dirname(store), exist_ok=True)
    t0 = time.monotonic()
    if launch == "run":
        p = subprocess.run([hpo, "run", path, "--workers", str(workers)], capture_output=True, text=True)
    else:
        p = run_cluster(path, store)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{launch} {name} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    db = sqlite3.connect(store)
    rows = db.execute("SELECT number, state, value, epochs, seed, configuration_json FROM trials").fetchall()
    states = {s: sum(1 for r in rows if r[1] == s) for s in ("complete", "pruned", "failed")}
    total_epochs = sum(r[3] for r in rows)
    best = max((r for r in rows if r[1] == "complete" and r[2] is not None), key=lambda r: (r[2], -r[0]))
    trial_seed = best[4] & 0xFFFFFFFFFFFFFFFF
    t = subprocess.run([hpo, "train", path, "--params", best[5], "--seed", str(trial_seed), "--format", "json"],
                       capture_output=True, text=True, check=True)
    tr = json.loads(t.stdout)
    rec = {"seed": seed, "mode": mode, "min_epochs": m, "reduction_factor": r, "store": name, "strategy": strategy, "trials": trials, "max_epochs": epochs,
           "workers": workers, "launch": launch, "wall_s": round(wall, 1), "total_epochs": total_epochs, "states": states,
           "winner": best[0], "winner_validation": best[2], "retrain_validation": tr["validation"]["accuracy"],
           "test_accuracy": tr["test"]["accuracy"], "winner_params": json.loads(best[5])}
    print(f"  seed {seed} {label(spec):>14}: {wall:7.1f} s  {total_epochs:5d} epochs  {states}  winner #{best[0]} "
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
        es_label = label(es)
        print(f"\n{'seed':>4} {'test no-ES':>10} {'test ES':>10} {'diff pts':>9} {'epochs no-ES':>12} "
              f"{'epochs ES':>11} {'ratio':>6} {'wall no-ES':>10} {'wall ES':>9}   ({es_label})")
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
        dm = 100 * (med(ta) - med(tn))
        print(f"targets: |diff of medians| <= 0.5 points: {'met' if abs(dm) <= 0.5 else 'NOT met'}"
              f" ({dm:+.2f}; median of diffs {med(diffs):+.2f}); median epochs ratio <= 35%: {'met' if med(ratios) <= 0.35 else 'NOT met'}"
              f" ({med(ratios):.1%})")
