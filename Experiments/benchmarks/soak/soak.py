"""Soak (issue 15, "The suite"): one coordinator, a few workers, a stream of
`sleep` experiments for N minutes, while a random worker is killed (SIGKILL)
and restarted every few seconds and the coordinator is stopped and restarted on
the same store every 5 minutes. Then: every experiment ended with exactly its
budget of trials (numbers 0..budget-1 once each, all complete), the
coordinator's resident memory and open file descriptors are flat (median of
the first window vs the last, within 10 %), and no zombie process was seen.

    python soak.py --hpo HPO [--minutes 30] [--seed N] [--smoke]

Standard library only. Every process it starts is its own child, stopped by
pid and reaped at once; every wait is bounded; the only address is 127.0.0.1.
Exit 0 when every check passes, 1 when one fails, 3 when the harness itself
could not run (a coordinator that does not start, for example).
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


# ---------------------------------------------------------------- /proc

def rss_kb(pid):
    """VmRSS of a live process in kB, None when it is gone."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def open_fds(pid):
    """Entries of /proc/PID/fd, None when the process is gone."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def processes():
    """(pid, ppid, state, comm) of every process on the machine."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
        except OSError:
            continue  # it ended while we listed
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out.append((int(name), int(fields[1]), fields[0], comm))
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the soak

class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.dir = tempfile.mkdtemp(prefix="hpo-soak-", dir=args.dir)
        self.store = os.path.join(self.dir, "store.sqlite")
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.coordinator = None
        self.instance = 0
        self.workers = [None] * args.workers
        self.samples = []        # (t, instance, rss_kb, fds)
        self.zombies = {}        # pid -> (first seen t, ppid, comm)
        self.kills = 0
        self.restarts = []       # (t, signal name, stop seconds, down seconds, exit code)
        self.submitted = []      # experiment names, in order
        self.in_flight = []
        self.ended = {}          # name -> state seen by `hpo status --store`
        self.failures = []
        self.t0 = None
        self.drain_s = 0.0
        self.done = 0            # trials ended in the store, as of the last status poll

    def now(self):
        return time.monotonic() - self.t0

    def hpo(self, *argv, timeout=60):
        return subprocess.run([self.args.hpo, *argv], capture_output=True, text=True, timeout=timeout)

    # ---- processes

    def start_coordinator(self):
        self.instance += 1
        out = os.path.join(self.dir, f"coordinator-{self.instance}.out")
        log = os.path.join(self.dir, f"coordinator-{self.instance}.log")
        started = time.monotonic()
        self.coordinator = subprocess.Popen(
            [self.args.hpo, "coordinator", "--bind", self.endpoint, "--store", self.store,
             "--lock-wait", "60", "--max-attempts", str(self.args.max_attempts), "--drain-timeout", "30"],
            stdout=open(out, "w"), stderr=open(log, "w"), stdin=subprocess.DEVNULL)
        deadline = started + 90
        while time.monotonic() < deadline:
            with open(out) as f:
                if "listening on" in f.read():
                    return time.monotonic() - started
            if self.coordinator.poll() is not None:
                break
            time.sleep(0.02)
        raise HarnessError(f"coordinator {self.instance} did not start (exit {self.coordinator.poll()}); see {log}")

    def start_worker(self, k):
        log = open(os.path.join(self.dir, f"worker-{k}.log"), "a")
        self.workers[k] = subprocess.Popen(
            [self.args.hpo, "worker", "--coordinator", self.endpoint, "--id", f"soak-{k}"],
            stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        log.close()

    def kill_worker(self):
        k = self.rng.randrange(len(self.workers))
        w = self.workers[k]
        if w.poll() is not None:
            self.failures.append(f"worker {k} had exited by itself with {w.returncode} before its kill")
        else:
            w.send_signal(signal.SIGKILL)
        w.wait(timeout=10)
        self.kills += 1
        self.start_worker(k)

    def restart_coordinator(self):
        """Stop the coordinator (SIGKILL on odd restarts, SIGTERM on even ones),
        then start a new one on the same store and endpoint."""
        sig = signal.SIGKILL if len(self.restarts) % 2 == 0 else signal.SIGTERM
        t = self.now()
        begin = time.monotonic()
        self.coordinator.send_signal(sig)
        try:
            code = self.coordinator.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stacks = dump_stacks(self.coordinator.pid, os.path.join(self.dir, f"stuck-{self.coordinator.pid}.txt"))
            self.failures.append(f"coordinator {self.instance} still running 60 s after {sig.name}; killed "
                                 f"(stacks: {stacks})")
            self.coordinator.kill()
            code = self.coordinator.wait(timeout=10)
        if sig == signal.SIGTERM and code != 0:
            self.failures.append(f"coordinator {self.instance} exited {code} after SIGTERM (expected 0)")
        stopped = time.monotonic() - begin
        start = self.start_coordinator()
        self.restarts.append((t, sig.name, stopped, stopped + start, code))
        print(f"  [{t:7.1f} s] coordinator restart {len(self.restarts)}: {sig.name}, exit {code}, "
              f"stopped in {stopped:.2f} s, listening again after {stopped + start:.2f} s", flush=True)

    # ---- experiments

    def spec(self, name, k):
        return {
            "name": name,
            "description": "soak: each trial sleeps `seconds`",
            "model": {"kind": "function", "function": "sleep"},
            "space": {"seconds": {"type": "float", "low": self.args.trial_seconds[0], "high": self.args.trial_seconds[1]}},
            "objective": {"metric": "value", "direction": "minimize"},
            "search": {"strategy": "random", "trials": self.args.budget, "parallel": 2 * self.args.workers,
                       "seed": self.args.seed * 1000 + k},
            "output": {"dir": os.path.join(self.dir, "out", name), "keep_top": 0},
        }

    def submit(self):
        k = len(self.submitted)
        name = f"soak-{k:04d}"
        path = os.path.join(self.dir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(self.spec(name, k), f)
        r = self.hpo("submit", path, "--coordinator", self.endpoint, "--detach", "--timeout", "10")
        if r.returncode == 3:
            return  # no answer (a restart under way): try again on the next turn
        if r.returncode == 2 and name in self.status():
            pass  # accepted, but the reply was lost with a coordinator stop
        elif r.returncode != 0:
            raise HarnessError(f"hpo submit {name} exited {r.returncode}: {r.stderr.strip()}")
        self.submitted.append(name)
        self.in_flight.append(name)

    def status(self):
        """{experiment: state} read from the store file (read-only, while the coordinator writes it);
        also sets `self.done`, the trials ended over every experiment of the store."""
        r = self.hpo("status", "--store", self.store)
        if r.returncode != 0:
            raise HarnessError(f"hpo status --store exited {r.returncode}: {r.stderr.strip()}")
        out, done = {}, 0
        for line in r.stdout.splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 3:
                out[parts[1]] = parts[0]
                done += int(parts[2].split("/")[0])
        self.done = done
        return out

    def poll_experiments(self):
        states = self.status()
        for name in list(self.in_flight):
            state = states.get(name)
            if state in ("finished", "cancelled", "failed"):
                self.ended[name] = state
                self.in_flight.remove(name)

    # ---- sampling

    def sample(self):
        t = self.now()
        pid = self.coordinator.pid
        rss, fds = rss_kb(pid), open_fds(pid)
        if rss is not None and fds is not None:
            self.samples.append((t, self.instance, rss, fds, self.done))
            with open(os.path.join(self.dir, "samples.jsonl"), "a") as f:
                f.write(json.dumps({"t": round(t, 2), "coordinator": self.instance, "rss_kb": rss, "fds": fds,
                                    "trials_ended": self.done}) + "\n")
        ours = {os.getpid(), pid} | {w.pid for w in self.workers}
        for p, ppid, state, comm in processes():
            if state == "Z" and ppid in ours and p not in self.zombies:
                self.zombies[p] = (t, ppid, comm)

    # ---- the run

    def run(self):
        a = self.args
        print(f"== soak: seed {a.seed}; {a.minutes:g} min; {a.workers} workers (1 slot); a worker SIGKILLed and "
              f"restarted every {a.kill_every[0]:g}-{a.kill_every[1]:g} s; the coordinator restarted every "
              f"{a.restart_every:g} s (SIGKILL and SIGTERM alternately); experiments of {a.budget} `sleep` trials of "
              f"{a.trial_seconds[0]:g}-{a.trial_seconds[1]:g} s, {a.in_flight} at a time; store {self.store}", flush=True)
        self.start_coordinator()
        for k in range(len(self.workers)):
            self.start_worker(k)
        self.t0 = time.monotonic()
        duration = a.minutes * 60
        next_kill = self.rng.uniform(*a.kill_every)
        next_restart = a.restart_every if a.restart_every > 0 else float("inf")
        next_sample = 0.0
        next_poll = 0.0
        next_report = 60.0
        while self.now() < duration:
            t = self.now()
            if t >= next_sample:
                self.sample()
                next_sample += a.sample_every
            if t >= next_kill:
                self.kill_worker()
                next_kill = t + self.rng.uniform(*a.kill_every)
            if t >= next_restart and duration - t > 1:
                self.restart_coordinator()
                next_restart += a.restart_every
            if t >= next_poll:
                self.poll_experiments()
                while len(self.in_flight) < a.in_flight:
                    before = len(self.submitted)
                    self.submit()
                    if len(self.submitted) == before:
                        break
                next_poll = self.now() + a.poll_every
            if t >= next_report:
                s = self.samples[-1] if self.samples else (0, 0, 0, 0, 0)
                print(f"  [{t:7.1f} s] {len(self.ended)} experiments ended, {len(self.in_flight)} running; "
                      f"{self.kills} worker kills; coordinator {s[1]}: RSS {s[2] / 1024:.1f} MB, {s[3]} fds", flush=True)
                next_report += 60
            time.sleep(0.05)
        churn_end = self.now()
        print(f"== {churn_end:.0f} s: churn and submissions stop; waiting for the {len(self.in_flight)} running experiment(s)",
              flush=True)
        deadline = time.monotonic() + a.finish_timeout
        while self.in_flight and time.monotonic() < deadline:
            self.sample()
            self.poll_experiments()
            time.sleep(1)
        for name in self.in_flight:
            self.failures.append(f"{name} had not ended {a.finish_timeout:g} s after the churn stopped")
        self.sample()
        self.drain_s = self.now() - churn_end
        return churn_end

    def stop_all(self):
        """SIGTERM to the workers and the coordinator; each is reaped (SIGKILL after 40 s)."""
        live = [w for w in self.workers if w and w.poll() is None]
        if self.coordinator and self.coordinator.poll() is None:
            live.append(self.coordinator)
        for p in live:
            p.send_signal(signal.SIGTERM)
        for p in live:
            try:
                code = p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                stacks = dump_stacks(p.pid, os.path.join(self.dir, f"stuck-{p.pid}.txt"))
                self.failures.append(f"pid {p.pid} ({' '.join(p.args[1:3])}) still running 40 s after SIGTERM; killed "
                                     f"(stacks: {stacks})")
                p.kill()
                code = p.wait(timeout=10)
            if code != 0:
                self.failures.append(f"pid {p.pid} ({' '.join(p.args[1:3])}) exited {code} after SIGTERM (expected 0)")

    # ---- checks

    def check_trials(self):
        total = expected = complete = 0
        attempts = {}
        for name in self.submitted:
            r = self.hpo("trials", name, "--store", self.store, "--format", "json")
            if r.returncode != 0:
                self.failures.append(f"hpo trials {name} --store exited {r.returncode}: {r.stderr.strip()}")
                continue
            trials = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
            numbers = sorted(t["number"] for t in trials)
            expected += self.args.budget
            total += len(trials)
            states = {}
            for t in trials:
                states[t["state"]] = states.get(t["state"], 0) + 1
                attempts[t["attempts"]] = attempts.get(t["attempts"], 0) + 1
            complete += states.get("complete", 0)
            if numbers != list(range(self.args.budget)):
                missing = sorted(set(range(self.args.budget)) - set(numbers))
                dup = sorted({n for n in numbers if numbers.count(n) > 1})
                self.failures.append(f"{name}: {len(trials)} trials for a budget of {self.args.budget}; "
                                     f"missing {missing[:10]}, duplicated {dup[:10]}")
            if states.get("complete", 0) != self.args.budget:
                self.failures.append(f"{name}: states {states} (expected {self.args.budget} complete)")
            if self.ended.get(name) != "finished":
                self.failures.append(f"{name}: experiment state {self.ended.get(name)} (expected finished)")
        print(f"trials: {len(self.submitted)} experiments, {complete} complete of {expected} expected "
              f"({total} rows); attempts per trial {dict(sorted(attempts.items()))}")
        return complete, expected

    def check_flat(self, churn_end):
        w = self.args.window
        first = [s for s in self.samples if s[0] < w]
        last = [s for s in self.samples if churn_end - w <= s[0] < churn_end]
        result = {}
        for i, what in ((2, "rss_kb"), (3, "fds")):
            a = statistics.median(s[i] for s in first)
            b = statistics.median(s[i] for s in last)
            ratio = b / a
            result[what] = (a, b, ratio)
            verdict = "ok" if abs(ratio - 1) <= 0.10 else "NOT FLAT"
            unit = (lambda x: f"{x / 1024:.1f} MB") if what == "rss_kb" else (lambda x: f"{x:g}")
            print(f"coordinator {'RSS' if what == 'rss_kb' else 'open fds'}: median first {w:g} s {unit(a)} "
                  f"({len(first)} samples, coordinator 1), last {w:g} s {unit(b)} ({len(last)} samples, "
                  f"coordinator {last[-1][1]}); last/first {ratio:.3f} — {verdict}")
            if verdict != "ok":
                self.failures.append(f"coordinator {what} last/first {ratio:.3f} (limit ±10 %)")
        # The windows above compare different coordinator processes (one per restart); growth
        # within one process shows here: the median of its first minute against its last.
        for k in sorted({s[1] for s in self.samples}):
            mine = [s for s in self.samples if s[1] == k]
            start, end = mine[0][0], mine[-1][0]
            head = [s[2] for s in mine if s[0] < start + 60]
            tail = [s[2] for s in mine if s[0] >= end - 60]
            served = mine[-1][4] - mine[0][4]
            grown = (statistics.median(tail) - statistics.median(head)) / 1024
            print(f"  coordinator {k} ({start:.0f}-{end:.0f} s, {served} trials ended): RSS first minute "
                  f"{statistics.median(head) / 1024:.1f} MB, last minute {statistics.median(tail) / 1024:.1f} MB "
                  f"({grown:+.1f} MB, {1024 * grown / max(1, served) * 1000:+.0f} kB per 1,000 trials); "
                  f"fds {mine[0][3]} -> {mine[-1][3]}")
        peak = max(s[2] for s in self.samples)
        print(f"coordinator RSS peak {peak / 1024:.1f} MB; fds max {max(s[3] for s in self.samples)}; "
              f"{len(self.samples)} samples every {self.args.sample_every:g} s")
        return result

    def check_zombies(self):
        # After the stop: anything left of this run, or a zombie anywhere whose parent was one of ours.
        left = [p for p, _, _, _ in processes() if self.dir in cmdline(p) or self.endpoint in cmdline(p)]
        for p in left:
            self.failures.append(f"pid {p} of this run still alive after the stop: {cmdline(p)[:200]}")
        print(f"zombies seen while running (children of the harness, the coordinator or a worker): "
              f"{len(self.zombies)}; processes of this run left after the stop: {len(left)}")
        for p, (t, ppid, comm) in sorted(self.zombies.items()):
            self.failures.append(f"zombie pid {p} ({comm}), parent {ppid}, seen at {t:.1f} s")


def dump_stacks(pid, path):
    """Every thread's stack of a stuck process, written to `path` with gdb when the machine has it."""
    if shutil.which("gdb") is None:
        return None
    with open(path, "w") as f:
        subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                       stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=120)
    return path


class HarnessError(Exception):
    pass


def interval(text):
    low, _, high = text.partition("-")
    return (float(low), float(high or low))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hpo", required=True, help="the hpo binary")
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--seed", type=int, default=None, help="default: from the clock (printed)")
    p.add_argument("--smoke", action="store_true",
                   help="a short check of the harness: 2 minutes, restarts every 40 s, windows of 40 s")
    p.add_argument("--workers", type=int, default=6)
    p.add_argument("--kill-every", type=interval, default=(2, 5), help="seconds between worker kills, LOW-HIGH")
    p.add_argument("--restart-every", type=float, default=300, help="seconds between coordinator restarts (0: none)")
    p.add_argument("--window", type=float, default=300, help="seconds of the first and last windows compared")
    p.add_argument("--trial-seconds", type=interval, default=(0.05, 0.15), help="each trial sleeps LOW-HIGH s")
    p.add_argument("--budget", type=int, default=1000, help="trials per experiment")
    p.add_argument("--in-flight", type=int, default=2, help="experiments running at once")
    p.add_argument("--max-attempts", type=int, default=20, help="the coordinator's --max-attempts")
    p.add_argument("--sample-every", type=float, default=2)
    p.add_argument("--poll-every", type=float, default=2)
    p.add_argument("--finish-timeout", type=float, default=300)
    p.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"), help="where the run's folder is made")
    p.add_argument("--keep", action="store_true", help="keep the run's folder (store, logs) even when every check passes")
    args = p.parse_args()
    if args.smoke:
        args.minutes, args.restart_every, args.window, args.budget = 2, 40, 40, 300
    if args.seed is None:
        args.seed = int(time.time()) % 1_000_000
    soak = Soak(args)
    code = 0
    try:
        churn_end = soak.run()
        soak.stop_all()
        print(f"== results (seed {args.seed})")
        complete, expected = soak.check_trials()
        flat = soak.check_flat(churn_end)
        soak.check_zombies()
        print(f"worker kills (SIGKILL, then restarted): {soak.kills}; coordinator restarts: {len(soak.restarts)} "
              f"({', '.join(r[1] for r in soak.restarts)}); down time median "
              f"{statistics.median(r[3] for r in soak.restarts) if soak.restarts else 0:.2f} s")
        print(f"throughput: {complete} trials in {churn_end:.0f} s of churn + {soak.drain_s:.0f} s for the last "
              f"experiments to end ({complete / (churn_end + soak.drain_s):.1f} trials/s)")
        summary = {"seed": args.seed, "minutes": args.minutes, "workers": args.workers, "experiments": len(soak.submitted),
                   "complete": complete, "expected": expected, "worker_kills": soak.kills,
                   "coordinator_restarts": [r[1] for r in soak.restarts],
                   "rss_first_mb": flat["rss_kb"][0] / 1024, "rss_last_mb": flat["rss_kb"][1] / 1024,
                   "rss_ratio": flat["rss_kb"][2], "fds_first": flat["fds"][0], "fds_last": flat["fds"][1],
                   "fds_ratio": flat["fds"][2], "zombies": len(soak.zombies), "failures": soak.failures}
        print("summary: " + json.dumps(summary))
        if soak.failures:
            print("FAILED:")
            for f in soak.failures:
                print(f"  - {f}")
            code = 1
        else:
            print("PASSED: every check")
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        code = 3
    finally:
        if any(p and p.poll() is None for p in soak.workers + [soak.coordinator]):
            soak.stop_all()
        if code == 0 and not args.keep:
            shutil.rmtree(soak.dir, ignore_errors=True)
        else:
            print(f"run folder kept: {soak.dir}")
    sys.exit(code)


if __name__ == "__main__":
    main()
