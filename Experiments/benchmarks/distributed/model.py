#!/usr/bin/env python3
"""Alpha-beta model of a gang's training step, fitted to measured all-reduces (issue 17).

    model.py --allreduce FILE [FILE ...] --step-ms T1 --grad-bytes S [--link-gbit RATE]

FILE: hpo rows of allreduce.sh (tab-separated: N, bytes, iterations, µs per all-reduce,
algbw, busbw), measured on links of RATE Gbit/s (default 1: the shaped links). The ring
all-reduce of S bytes between N members costs

    t(N, S) = 2 (N - 1) alpha + 2 (N - 1) / N * S / beta

alpha (per ring step: a message's latency) and beta (bytes per second one member moves) are
fitted by least squares on relative error over every row. beta / RATE is the share of the
link the transport reaches; the model keeps that share on faster links.

T1: one worker's compute time per step at the global batch (ms). Two ways to add members:
  strong scaling: the global batch stays, each member computes T1 / N, then all-reduces;
  weak scaling:   each member keeps half of it (T1 / 2, the per-member batch of a gang of 2), the
                  global batch grows with N.
Each as the step time with no overlap (compute, then all-reduce) and with perfect overlap
(max of the two, what bucketing the all-reduce behind the backward pass could reach at best),
and the efficiency: strong T1 / (N step), weak (T1 / 2) / step.
"""
import argparse
import statistics


def load(paths):
    rows = []
    for path in paths:
        for line in open(path):
            f = line.split()
            if len(f) == 6:
                rows.append((int(f[0]), int(f[1]), float(f[3]) * 1e-6))
    return rows


def fit(rows):
    # t = a * x1 + b * x2 with x1 = 2(N-1), x2 = 2(N-1)/N * S; minimise sum ((pred - t) / t)^2.
    s11 = s12 = s22 = r1 = r2 = 0.0
    for n, size, t in rows:
        x1, x2 = 2 * (n - 1) / t, 2 * (n - 1) / n * size / t
        s11 += x1 * x1; s12 += x1 * x2; s22 += x2 * x2; r1 += x1; r2 += x2
    det = s11 * s22 - s12 * s12
    alpha = (r1 * s22 - r2 * s12) / det
    inverse_beta = (s11 * r2 - s12 * r1) / det
    return max(alpha, 0.0), 1.0 / inverse_beta


def allreduce(n, size, alpha, beta):
    return 2 * (n - 1) * alpha + 2 * (n - 1) / n * size / beta


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--allreduce", nargs="+", required=True)
    p.add_argument("--step-ms", type=float, required=True)
    p.add_argument("--grad-bytes", type=float, required=True)
    p.add_argument("--link-gbit", type=float, default=1.0)
    a = p.parse_args()
    rows = load(a.allreduce)
    alpha, beta = fit(rows)
    share = beta * 8 / (a.link_gbit * 1e9)
    errors = [abs(allreduce(n, s, alpha, beta) - t) / t for n, s, t in rows]
    print(f"fitted on {len(rows)} all-reduces ({a.link_gbit:g} Gbit/s links): alpha = {alpha * 1e6:.1f} µs per ring step, "
          f"beta = {beta / 1e9:.3f} GB/s ({100 * share:.0f}% of the link); "
          f"median relative error {100 * statistics.median(errors):.1f}%, largest {100 * max(errors):.1f}%")
    t1 = a.step_ms / 1e3
    print(f"one worker: {a.step_ms:.2f} ms of compute per step; gradients {a.grad_bytes / 1e6:.2f} MB\n")
    print("| link | N | all-reduce | strong: step (no overlap / overlap) | strong efficiency | "
          "weak: step (no overlap / overlap) | weak efficiency |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for gbit in (10, 100):
        b = share * gbit * 1e9 / 8
        for n in (2, 8, 32, 128):
            comm = allreduce(n, a.grad_bytes, alpha, b)
            strong_c, weak_c = t1 / n, t1 / 2
            s0, s1 = strong_c + comm, max(strong_c, comm)
            w0, w1 = weak_c + comm, max(weak_c, comm)
            print(f"| {gbit} Gbit/s | {n} | {comm * 1e3:.2f} ms | {s0 * 1e3:.2f} / {s1 * 1e3:.2f} ms | "
                  f"{100 * t1 / (n * s0):.0f}% / {100 * t1 / (n * s1):.0f}% | {w0 * 1e3:.2f} / {w1 * 1e3:.2f} ms | "
                  f"{100 * weak_c / w0:.0f}% / {100 * weak_c / w1:.0f}% |")


if __name__ == "__main__":
    main()
