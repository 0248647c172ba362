#!/usr/bin/env python3
"""Fashion-MNIST (IDX .gz) -> one CSV of N images: pixel0..pixel783 (integers 0-255), label last.

The 70,000 images (train + t10k) are pooled and N are drawn without replacement with a
fixed seed; hpo's split (validation 1/6, test 1/6 of N=15,000) then yields 10,000
training, 2,500 validation and 2,500 test images.
usage: make_csv.py SRC_DIR OUT.csv [N] [SEED]
"""
import gzip, random, struct, sys

def images(path):
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051, path
        data = f.read()
    size = rows * cols
    return [data[i * size:(i + 1) * size] for i in range(n)]

def labels(path):
    with gzip.open(path, "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        assert magic == 2049, path
        return list(f.read(n))

src, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 15000
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
X = images(f"{src}/train-images-idx3-ubyte.gz") + images(f"{src}/t10k-images-idx3-ubyte.gz")
y = labels(f"{src}/train-labels-idx1-ubyte.gz") + labels(f"{src}/t10k-labels-idx1-ubyte.gz")
idx = random.Random(seed).sample(range(len(X)), n)
with open(out + ".part", "w") as f:
    f.write(",".join(f"pixel{i}" for i in range(784)) + ",label\n")
    for i in idx:
        f.write(",".join(map(str, X[i])) + f",{y[i]}\n")
import os
os.replace(out + ".part", out)
print(f"wrote {out}: {n} rows", file=sys.stderr)
