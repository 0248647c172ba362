#!/usr/bin/env python3
"""Optuna's pruners on the benchmark's work: same CSV, same split sizes, same space,
TRIALS trials of at most EPOCHS epochs, TPE seeded per seed; scikit-learn's
MLPClassifier trained with partial_fit, one call per epoch, validation accuracy
reported after each epoch. Pruners: SuccessiveHalvingPruner(min_resource=MIN_EPOCHS,
reduction_factor=ETA) and HyperbandPruner(MIN_EPOCHS, EPOCHS, ETA); "none" (no pruner) too
when OPTUNA_PRUNERS includes it. The winner (best complete trial) is retrained with
its seed for EPOCHS epochs and scored on the test split.

usage: optuna_baseline.py CSV OUT.jsonl   (env: SEEDS, TRIALS, EPOCHS, MIN_EPOCHS, ETA,
       OPTUNA_PRUNERS="sh hyperband", OPTUNA_JOBS=1)
"""
import json, os, statistics, sys, time, warnings
import numpy as np
import optuna
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)
optuna.logging.set_verbosity(optuna.logging.WARNING)

csv_path, out = sys.argv[1], sys.argv[2]
seeds = [int(s) for s in os.environ.get("SEEDS", "1 2 3").split()]
trials = int(os.environ.get("TRIALS", "81"))
epochs = int(os.environ.get("EPOCHS", "27"))
min_epochs = int(os.environ.get("MIN_EPOCHS", "1"))
eta = int(os.environ.get("ETA", "3"))
pruners = os.environ.get("OPTUNA_PRUNERS", "sh hyperband").split()
jobs = int(os.environ.get("OPTUNA_JOBS", "1"))

data = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.float32)
X, y = data[:, :-1], data[:, -1].astype(np.int64)
# The same sizes as hpo's split (validation 1/6, test 1/6, stratified, seed 0);
# not the same rows (hpo's split is its own).
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=1 / 6, stratify=y, random_state=0)
X_tr, X_val, y_tr, y_val = train_test_split(X_rest, y_rest, test_size=0.2, stratify=y_rest, random_state=0)
scaler = StandardScaler().fit(X_tr)
X_tr, X_val, X_test = (scaler.transform(a) for a in (X_tr, X_val, X_test))
classes = np.unique(y)

def suggest(trial):
    p = {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 0.3, log=True),
        "hidden_units": trial.suggest_int("hidden_units", 16, 256, log=True),
        "layers": trial.suggest_int("layers", 1, 3),
        "activation": trial.suggest_categorical("activation", ["relu", "tanh"]),
        "l2": trial.suggest_float("l2", 1e-6, 1e-2, log=True),
        "optimizer": trial.suggest_categorical("optimizer", ["sgd", "adam"]),
        "batch_size": trial.suggest_categorical("batch_size", [32, 64, 128]),
    }
    if p["optimizer"] == "sgd":
        p["momentum"] = trial.suggest_float("momentum", 0.0, 0.99)
    return p

def model(p, seed):
    return MLPClassifier(hidden_layer_sizes=(p["hidden_units"],) * p["layers"], activation=p["activation"],
                         solver=p["optimizer"], alpha=p["l2"], batch_size=p["batch_size"],
                         learning_rate_init=p["learning_rate"], momentum=p.get("momentum", 0.9),
                         nesterovs_momentum=False, random_state=seed)

def train(p, seed, trial=None):
    m = model(p, seed)
    rng = np.random.default_rng(seed)
    acc, done = 0.0, 0
    for epoch in range(1, epochs + 1):
        idx = rng.permutation(len(X_tr))
        if trial is not None:
            trial.set_user_attr("epochs", epoch)  # spent even if this epoch diverges
        # Diverged weights raise ValueError (caught by study.optimize: a FAIL trial,
        # as hpo records a diverged trial as failed).
        m.partial_fit(X_tr[idx], y_tr[idx], classes=classes)
        done = epoch
        acc = float((m.predict(X_val) == y_val).mean())
        if not np.isfinite(acc):
            acc = 0.0
        if trial is not None:
            trial.report(acc, epoch)
            trial.set_user_attr("epochs", done)
            if trial.should_prune():
                raise optuna.TrialPruned()
    return m, acc, done

rows = []
for seed in seeds:
    for name in pruners:
        pruner = {"none": optuna.pruners.NopPruner(),
                  "sh": optuna.pruners.SuccessiveHalvingPruner(min_resource=min_epochs, reduction_factor=eta),
                  "hyperband": optuna.pruners.HyperbandPruner(min_resource=min_epochs, max_resource=epochs,
                                                              reduction_factor=eta)}[name]
        # A fixed study name: HyperbandPruner assigns brackets from a hash of the study
        # name and the trial number, and an unnamed study gets a random name.
        study = optuna.create_study(study_name=f"es-bench-{name}-s{seed}", direction="maximize",
                                    sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)

        def objective(trial):
            return train(suggest(trial), seed * 100003 + trial.number, trial)[1]

        t0 = time.monotonic()
        study.optimize(objective, n_trials=trials, n_jobs=jobs, catch=(ValueError,))
        wall = time.monotonic() - t0
        total = sum(t.user_attrs.get("epochs", 0) for t in study.trials)
        best = study.best_trial
        p = dict(best.params)
        m, _, _ = train(p, seed * 100003 + best.number)
        test = float((m.predict(X_test) == y_test).mean())
        states = {s: sum(1 for t in study.trials if t.state.name.lower() == s) for s in ("complete", "pruned", "fail")}
        rec = {"tool": "optuna", "seed": seed, "mode": name, "trials": trials, "max_epochs": epochs, "jobs": jobs,
               "wall_s": round(wall, 1), "total_epochs": total, "states": states, "winner": best.number,
               "winner_validation": best.value, "test_accuracy": test, "winner_params": p}
        rows.append(rec)
        with open(out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        print(f"  optuna seed {seed} {name:>9}: {wall:7.1f} s  {total:5d} epochs  {states}  winner #{best.number} "
              f"val {best.value:.4f} test {test:.4f}", flush=True)

print("\noptuna medians over seeds")
for name in pruners:
    r = [x for x in rows if x["mode"] == name]
    print(f"  {name:>9}: test {statistics.median(x['test_accuracy'] for x in r):.4f}  "
          f"epochs {statistics.median(x['total_epochs'] for x in r):.0f} (of {trials * epochs})  "
          f"wall {statistics.median(x['wall_s'] for x in r):.1f} s")
