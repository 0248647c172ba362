"""Optuna's standard distributed mode, timed: W processes share one study.

    python optuna_dist.py --storage rdb|journal --sampler random|tpe --workers W --trials T --dir DIR

Prints one JSON object: trials/s from the moment every worker is ready (Python
started, optuna imported, study loaded) to the moment the last one returns from
`study.optimize`, the number of COMPLETE trials in the storage, and the CPU
seconds the workers used in that window.

Each worker calls `study.optimize(objective, n_trials=T/W)` (the remainder goes to
the first ones) with an objective that suggests one float in [0, 1] and returns
it, i.e. the same work as hpo's `sleep` function at 0 s. Optuna's per-trial INFO
log is turned off (it would only slow Optuna down).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def make_storage(kind, directory):
    import optuna
    if kind == "rdb":
        # A generous busy timeout: with several writers SQLite otherwise answers
        # "database is locked" instead of waiting.
        return optuna.storages.RDBStorage(
            "sqlite:///" + os.path.join(directory, "optuna.db"),
            engine_kwargs={"connect_args": {"timeout": 60}})
    from optuna.storages.journal import JournalFileBackend
    return optuna.storages.JournalStorage(JournalFileBackend(os.path.join(directory, "optuna.journal")))


def make_sampler(name, seed):
    import optuna
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def worker(args):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="throughput", storage=make_storage(args.storage, args.dir),
                              sampler=make_sampler(args.sampler, args.index))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()  # "go"
    cpu0 = time.process_time()
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=args.share)
    end = time.time()
    sys.stdout.write(json.dumps({"end": end, "cpu": time.process_time() - cpu0}) + "\n")
    sys.stdout.flush()


def driver(args):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    os.makedirs(args.dir, exist_ok=True)
    storage = make_storage(args.storage, args.dir)
    optuna.create_study(study_name="throughput", storage=storage, direction="minimize")
    shares = [args.trials // args.workers + (1 if i < args.trials % args.workers else 0) for i in range(args.workers)]
    procs = []
    for i, share in enumerate(shares):
        cmd = [sys.executable, __file__, "--role", "worker", "--index", str(i), "--share", str(share),
               "--storage", args.storage, "--sampler", args.sampler, "--dir", args.dir]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            raise SystemExit("an Optuna worker did not start")
    start = time.time()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    reports = []
    for p in procs:
        line = p.stdout.readline()
        p.wait(timeout=args.timeout)
        if p.returncode != 0 or not line:
            raise SystemExit(f"an Optuna worker failed (exit {p.returncode})")
        reports.append(json.loads(line))
    seconds = max(r["end"] for r in reports) - start
    study = optuna.load_study(study_name="throughput", storage=storage)
    complete = sum(1 for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE)
    print(json.dumps({
        "tool": "optuna-" + args.storage, "sampler": args.sampler, "workers": args.workers, "trials": args.trials,
        "complete": complete, "seconds": seconds, "trials_per_s": complete / seconds,
        "worker_cpu_s": sum(r["cpu"] for r in reports), "optuna": optuna.__version__}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--role", default="driver", choices=["driver", "worker"])
    p.add_argument("--storage", required=True, choices=["rdb", "journal"])
    p.add_argument("--sampler", required=True, choices=["random", "tpe"])
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--dir", required=True)
    p.add_argument("--index", type=int, default=0)
    p.add_argument("--share", type=int, default=0)
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args()
    worker(args) if args.role == "worker" else driver(args)


if __name__ == "__main__":
    main()
