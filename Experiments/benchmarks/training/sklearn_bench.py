#!/usr/bin/env python3
"""The scikit-learn side of the training benchmark (run.sh runs both sides).

    sklearn_bench.py mlp DATASET_DIR --epochs E --dtype float64|float32
        Fashion-MNIST, 60,000 training images scaled to [0, 1], MLPClassifier
        784-256-128-10 ReLU, Adam (lr 1e-3), batch 128, alpha 1e-4, one
        partial_fit per epoch (one pass over the data). Prints one JSON object:
        per-epoch seconds, their median, and test accuracy on the 10,000 test images.

    sklearn_bench.py ridge-data DIR --rows N --features D
        Writes the ridge problem (x.f64, y.f64: raw little-endian float64,
        row-major) both sides fit, from numpy's default_rng(0).

    sklearn_bench.py ridge DIR --rows N --features D [--alpha A]
        Ridge(alpha, solver="cholesky") on DIR's problem: median of 5 fit
        times; writes DIR/sklearn_coef.f64 and prints JSON.

    sklearn_bench.py compare DIR
        Max relative difference between DIR/sklearn_coef.f64 and DIR/hpo_coef.f64.

Every run is limited to one BLAS thread with threadpoolctl, and reports which
BLAS kernel numpy runs.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def blas():
    return [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for i in threadpool_info()]


def mlp(args):
    from sklearn.neural_network import MLPClassifier

    d = args.dir
    dtype = np.float64 if args.dtype == "float64" else np.float32
    x = idx(os.path.join(d, "train-images-idx3-ubyte.gz")).reshape(60000, -1).astype(dtype) / dtype(255)
    y = idx(os.path.join(d, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    xt = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(10000, -1).astype(dtype) / dtype(255)
    yt = idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    model = MLPClassifier(
        hidden_layer_sizes=(256, 128), activation="relu", solver="adam", learning_rate_init=1e-3,
        batch_size=128, alpha=1e-4, shuffle=True, random_state=0)
    classes = np.arange(10)
    epochs = []
    for _ in range(args.epochs):
        t = time.perf_counter()
        model.partial_fit(x, y, classes=classes)
        epochs.append(time.perf_counter() - t)
    accuracy = float((model.predict(xt) == yt).mean())
    print(json.dumps({
        "side": "scikit-learn", "dtype": args.dtype, "epoch_seconds": epochs,
        "median_epoch_seconds": statistics.median(epochs), "test_accuracy": accuracy,
        "coef_dtype": str(model.coefs_[0].dtype), "blas": blas()}))


def ridge_data(args):
    rng = np.random.default_rng(0)
    n, dcount = args.rows, args.features
    x = rng.standard_normal((n, dcount)) * rng.uniform(0.5, 3, dcount) + rng.uniform(-2, 2, dcount)
    w = rng.standard_normal(dcount)
    y = x @ w + 0.5 * rng.standard_normal(n) + 3
    os.makedirs(args.dir, exist_ok=True)
    x.astype("<f8").tofile(os.path.join(args.dir, "x.f64"))
    y.astype("<f8").tofile(os.path.join(args.dir, "y.f64"))


def ridge(args):
    from sklearn.linear_model import Ridge

    n, dcount = args.rows, args.features
    x = np.fromfile(os.path.join(args.dir, "x.f64"), dtype="<f8").reshape(n, dcount)
    y = np.fromfile(os.path.join(args.dir, "y.f64"), dtype="<f8")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        model = Ridge(alpha=args.alpha, solver="cholesky").fit(x, y)
        times.append(time.perf_counter() - t)
    model.coef_.astype("<f8").tofile(os.path.join(args.dir, "sklearn_coef.f64"))
    print(json.dumps({"side": "scikit-learn", "fit_seconds": times, "median_fit_seconds": statistics.median(times),
                      "intercept": float(model.intercept_), "blas": blas()}))


def compare(args):
    a = np.fromfile(os.path.join(args.dir, "sklearn_coef.f64"), dtype="<f8")
    b = np.fromfile(os.path.join(args.dir, "hpo_coef.f64"), dtype="<f8")
    rel = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
    print(json.dumps({"max_relative_difference": rel, "coefficients": int(a.size)}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("mlp")
    m.add_argument("dir")
    m.add_argument("--epochs", type=int, default=3)
    m.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    for name in ("ridge-data", "ridge"):
        r = sub.add_parser(name)
        r.add_argument("dir")
        r.add_argument("--rows", type=int, default=50000)
        r.add_argument("--features", type=int, default=200)
        r.add_argument("--alpha", type=float, default=1.0)
    c = sub.add_parser("compare")
    c.add_argument("dir")
    args = p.parse_args()
    with threadpool_limits(limits=1):
        {"mlp": mlp, "ridge-data": ridge_data, "ridge": ridge, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
