"""Splits the coordinator's on-CPU samples into causes.

    perf script -i perf.data | swift demangle --simplified | python perf_breakdown.py

Each sample of `perf record -g` on the coordinator goes to the first category
(in the order below) one of whose markers appears in its call stack; samples of
ZeroMQ's own threads and everything else are counted apart. Prints JSON.
"""
import collections
import json
import sys

CATEGORIES = [
    # Copy-on-write of the experiment's trial array: `var e = experiments[name]`
    # keeps a second reference, so the next mutation of e.trials copies (and
    # later frees) every TrialRecord.
    ("cow_copy_of_trials", ["initializeWithCopy for TrialRecord", "destroy for TrialRecord",
                            "assignWithTake for ExperimentRuntime", "_consumeAndCreateNew",
                            "outlined assign with take of ExperimentRuntime"]),
    ("linear_scans", ["ExperimentRuntime.isDone", "ExperimentRuntime.finishedCount", "ExperimentRuntime.best",
                      "allSatisfy"]),
    ("store_commit", ["ExperimentStore.apply"]),
    ("sampler", ["suggest(in:history:using:)"]),
    ("status_replies", ["CoordinatorCore.status("]),
    ("wire_decode", ["WireCodec.decode"]),
    ("wire_encode", ["WireCodec.encode"]),
    ("logging", ["StreamLogHandler", "Logger.log"]),
    ("zeromq_calls", ["ZeroMQ"]),
    ("lease_tick", ["CoordinatorCore.tick"]),
]

UNROOTED = [
    ("store_commit", ["libsqlite3", "ExperimentStore", "GRDB", "__fcntl64", "fstatat", "pwrite", "fdatasync"]),
    ("heap_growth_brk (mostly the trial-array copies)", ["__brk", "sysmalloc"]),
    ("write_syscall (WAL or log lines)", ["__libc_write"]),
]


def samples(lines):
    header, stack = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if header is not None:
                yield header, stack
            header, stack = None, []
        elif header is None:
            header = line
        else:
            stack.append(line.strip())
    if header is not None:
        yield header, stack


def main():
    counts = collections.Counter()
    total = 0
    for header, stack in samples(sys.stdin):
        total += 1
        thread = header.split()[0]
        if thread.startswith("ZMQ"):
            counts["zeromq_io_threads"] += 1
            continue
        text = "\n".join(stack)
        if "CoordinatorService.run" not in text:
            # The unwinder stops in libraries built without frame pointers
            # (libsqlite3, libc's syscall stubs): classify by what is left.
            for name, markers in UNROOTED:
                if any(m in text for m in markers):
                    counts[name] += 1
                    break
            else:
                counts["unattributed (startup, kernel, broken stacks)"] += 1
            continue
        for name, markers in CATEGORIES:
            if any(m in text for m in markers):
                counts[name] += 1
                break
        else:
            counts["loop_other (poll wait, kernel, misc)"] += 1
    out = {"samples": total, "share": {k: round(v / total, 3) for k, v in counts.most_common()}}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
