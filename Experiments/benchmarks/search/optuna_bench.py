#!/usr/bin/env python3
"""The Optuna side of the search benchmark: the same work as `hpo bench`.

    optuna_bench.py suggest --history N [--repetitions R] [--seed S]
    optuna_bench.py search --function branin|rosenbrock|mixed --trials T --seeds K [--sampler tpe|random]

Prints one JSON object in the shape of `hpo bench ... --format json`. Optuna's
TPESampler runs with its defaults (only the seed is set).
"""
import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)

# The 6-D mixed space of `hpo bench suggest` (BenchmarkProblem.latencySpace).
LATENCY_SPACE = {
    "dropout": FloatDistribution(0.0, 0.5),
    "layers": IntDistribution(1, 8),
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "momentum": FloatDistribution(0.8, 0.99),
    "optimizer": CategoricalDistribution(["sgd", "adam", "adamw", "rmsprop"]),
    "weight_decay": FloatDistribution(1e-6, 1e-2, log=True),
}


def latency_objective(p):
    lr = math.log10(p["lr"]) + 3
    wd = math.log10(p["weight_decay"]) + 4
    dropout = p["dropout"] - 0.2
    momentum = p["momentum"] - 0.9
    layers = p["layers"] - 4
    opt = 0.0 if p["optimizer"] == "adam" else 0.5
    return lr * lr + 0.3 * wd * wd + 4 * dropout**2 + 20 * momentum**2 + 0.05 * layers**2 + opt


def random_params(rng):
    """Uniform in each parameter's scale, as hpo's random sampler."""
    p = {}
    for name, d in LATENCY_SPACE.items():
        if isinstance(d, CategoricalDistribution):
            p[name] = d.choices[int(rng.integers(len(d.choices)))]
        elif isinstance(d, IntDistribution):
            p[name] = int(rng.integers(d.low, d.high + 1))
        elif d.log:
            p[name] = float(math.exp(rng.uniform(math.log(d.low), math.log(d.high))))
        else:
            p[name] = float(rng.uniform(d.low, d.high))
    return p


def suggest_all(trial):
    for name, d in LATENCY_SPACE.items():
        if isinstance(d, CategoricalDistribution):
            trial.suggest_categorical(name, d.choices)
        elif isinstance(d, IntDistribution):
            trial.suggest_int(name, d.low, d.high)
        else:
            trial.suggest_float(name, d.low, d.high, log=d.log)


def bench_suggest(args):
    rng = np.random.default_rng(args.seed)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=args.seed))
    trials = []
    for _ in range(args.history):
        p = random_params(rng)
        trials.append(optuna.trial.create_trial(params=p, distributions=LATENCY_SPACE, value=latency_objective(p)))
    study.add_trials(trials)
    times = []
    for r in range(args.repetitions + 1):
        start = time.perf_counter()
        trial = study.ask()
        suggest_all(trial)
        elapsed = time.perf_counter() - start
        # A failed trial is invisible to TPE, so the history stays at N finished trials.
        study.tell(trial, state=TrialState.FAIL)
        if r > 0:  # the first is a warm-up, as in hpo
            times.append(elapsed)
    times.sort()
    q = np.quantile(times, [0.5, 0.9])
    return {
        "sampler": "optuna-tpe", "history": args.history, "repetitions": len(times),
        "median_ms": q[0] * 1e3, "p90_ms": q[1] * 1e3, "min_ms": times[0] * 1e3,
    }


def branin(t):
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    s = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - s) * math.cos(x1) + 10


def rosenbrock(t):
    x = [t.suggest_float(f"x{i}", -5, 10) for i in range(5)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(4))


def mixed(t):
    activation = t.suggest_categorical("activation", ["relu", "tanh", "sigmoid", "linear"])
    dropout = t.suggest_float("dropout", 0, 0.9)
    layers = t.suggest_int("layers", 1, 12)
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    penalty = {"relu": 0.0, "tanh": 0.3, "sigmoid": 0.8}.get(activation, 1.5)
    a = math.log(lr) / math.log(10) + 2.5 + 0.1 * (layers - 4)
    return a * a + 2 * (dropout - 0.3) ** 2 + 0.05 * (layers - 6) ** 2 + penalty


FUNCTIONS = {"branin": branin, "rosenbrock": rosenbrock, "mixed": mixed}


def summary(values, trials):
    q = np.quantile(values, [0.25, 0.5, 0.75])
    return {"trials": trials, "q1": q[0], "median": q[1], "q3": q[2]}


def bench_search(args):
    objective = FUNCTIONS[args.function]
    half = max(args.trials // 2, 1)
    at_half, at_full = [], []
    for seed in range(args.seeds):
        if args.sampler == "random":
            sampler = optuna.samplers.RandomSampler(seed=seed)
        else:
            sampler = optuna.samplers.TPESampler(seed=seed)
        study = optuna.create_study(sampler=sampler)
        study.optimize(objective, n_trials=half)
        at_half.append(study.best_value)
        study.optimize(objective, n_trials=args.trials - half)
        at_full.append(study.best_value)
    return {
        "function": args.function, "sampler": f"optuna-{args.sampler}", "trials": args.trials,
        "seeds": args.seeds, "half": summary(at_half, half), "full": summary(at_full, args.trials),
    }


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("suggest")
    s.add_argument("--history", type=int, required=True)
    s.add_argument("--repetitions", type=int, default=30)
    s.add_argument("--seed", type=int, default=0)
    q = sub.add_parser("search")
    q.add_argument("--function", choices=sorted(FUNCTIONS), required=True)
    q.add_argument("--trials", type=int, required=True)
    q.add_argument("--seeds", type=int, required=True)
    q.add_argument("--sampler", choices=["tpe", "random"], default="tpe")
    args = parser.parse_args()
    result = bench_suggest(args) if args.command == "suggest" else bench_search(args)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
