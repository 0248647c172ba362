#!/usr/bin/env python3
"""The Optuna side of the multi-objective benchmark: the same work as `hpo bench pareto`.

    optuna_mo_bench.py search --problem zdt1|zdt2|dtlz2 --sampler nsga2|tpe|random --trials T --seeds K
    optuna_mo_bench.py suggest --problem zdt1 --sampler nsga2|tpe --history N [--repetitions R] [--seed S]

Prints one JSON object in the shape of `hpo bench pareto --format json` (search: the
"hypervolume" part; suggest: the "latency" part). Samplers: NSGAIISampler(population_size=50,
seed=s), TPESampler(seed=s) (multi-objective with several directions), RandomSampler(seed=s);
nothing else is set. Problems, sizes and reference points are hpo's (ParetoProblem.swift).
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import optuna
from optuna._hypervolume import compute_hypervolume
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)


def names(n):
    return [f"x{i:02d}" for i in range(n)]


def zdt(n, second):
    def evaluate(x):
        g = 1 + 9 * sum(x[1:]) / (n - 1)
        return [x[0], second(x[0], g)]
    return n, evaluate


def dtlz2(m=3, k=10):
    n = m - 1 + k

    def evaluate(x):
        g = sum((v - 0.5) ** 2 for v in x[m - 1:])
        out = []
        for j in range(m):
            f = 1 + g
            for i in range(m - 1 - j):
                f *= math.cos(x[i] * math.pi / 2)
            if j > 0:
                f *= math.sin(x[m - 1 - j] * math.pi / 2)
            out.append(f)
        return out
    return n, evaluate


PROBLEMS = {
    "zdt1": (zdt(30, lambda f1, g: g * (1 - math.sqrt(f1 / g))), [11.0, 11.0]),
    "zdt2": (zdt(30, lambda f1, g: g * (1 - (f1 / g) ** 2)), [11.0, 11.0]),
    "dtlz2": (dtlz2(), [2.2, 2.2, 2.2]),
}


def make_sampler(name, seed):
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(population_size=50, seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)


def hypervolume(values, reference):
    """The hypervolume of the points strictly better than `reference` in every objective."""
    ref = np.array(reference)
    pts = np.array([v for v in values if all(a < r for a, r in zip(v, reference))])
    return float(compute_hypervolume(pts, ref)) if len(pts) else 0.0


def bench_search(args):
    (n, evaluate), reference = PROBLEMS[args.problem]
    keys = names(n)

    def objective(t):
        return evaluate([t.suggest_float(k, 0.0, 1.0) for k in keys])

    volumes = []
    for seed in range(args.seeds):
        study = optuna.create_study(directions=["minimize"] * len(reference), sampler=make_sampler(args.sampler, seed))
        study.optimize(objective, n_trials=args.trials)
        volumes.append(hypervolume([t.values for t in study.trials if t.state == TrialState.COMPLETE], reference))
    q = np.quantile(volumes, [0.25, 0.5, 0.75])
    return {
        "problem": args.problem, "sampler": f"optuna-{args.sampler}", "trials": args.trials, "seeds": args.seeds,
        "reference": reference, "hypervolume": {"q1": q[0], "median": q[1], "q3": q[2]}, "hypervolumes": volumes,
    }


def bench_suggest(args):
    (n, evaluate), reference = PROBLEMS[args.problem]
    keys = names(n)
    space = {k: FloatDistribution(0.0, 1.0) for k in keys}
    sampler = make_sampler(args.sampler, args.seed)
    study = optuna.create_study(directions=["minimize"] * len(reference), sampler=sampler)
    rng = np.random.default_rng(args.seed)
    trials = []
    for number in range(args.history):
        x = [float(v) for v in rng.uniform(0.0, 1.0, n)]
        # NSGA-II reads each trial's generation from a system attribute written when the trial
        # started; trials added from outside have none and would all look like generation 0
        # (random sampling). Tag them as NSGAIISampler would have: 50 per generation.
        attrs = {"NSGAIISampler:generation": number // 50} if args.sampler == "nsga2" else {}
        trials.append(optuna.trial.create_trial(
            params=dict(zip(keys, x)), distributions=space, values=evaluate(x), system_attrs=attrs))
    study.add_trials(trials)
    times = []
    for r in range(args.repetitions + 1):
        start = time.perf_counter()
        trial = study.ask()
        for k in keys:
            trial.suggest_float(k, 0.0, 1.0)
        elapsed = time.perf_counter() - start
        # A failed trial is not a parent (NSGA-II) and not an observation (TPE): the history stays at N.
        study.tell(trial, state=TrialState.FAIL)
        if r > 0:  # the first is a warm-up, as in hpo
            times.append(elapsed)
    times.sort()
    q = np.quantile(times, [0.5, 0.9])
    return {
        "problem": args.problem, "sampler": f"optuna-{args.sampler}",
        "latency": {"history": args.history, "repetitions": len(times), "median_ms": q[0] * 1e3, "p90_ms": q[1] * 1e3},
    }


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search")
    s.add_argument("--problem", choices=sorted(PROBLEMS), required=True)
    s.add_argument("--sampler", choices=["nsga2", "tpe", "random"], required=True)
    s.add_argument("--trials", type=int, required=True)
    s.add_argument("--seeds", type=int, required=True)
    l = sub.add_parser("suggest")
    l.add_argument("--problem", choices=sorted(PROBLEMS), default="zdt1")
    l.add_argument("--sampler", choices=["nsga2", "tpe"], required=True)
    l.add_argument("--history", type=int, required=True)
    l.add_argument("--repetitions", type=int, default=10)
    l.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    json.dump(bench_search(args) if args.command == "search" else bench_suggest(args), sys.stdout)
    print()


if __name__ == "__main__":
    main()
