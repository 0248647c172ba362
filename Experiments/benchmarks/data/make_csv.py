"""Writes Fashion-MNIST's 60,000 training images as one numeric CSV (~150 MB).

Usage: make_csv.py OUT.csv
Columns: pixel_<row>_<col> (784 grey values 0-255), then label (0-9). Reads the
IDX files that Debian's dataset-fashion-mnist package installs.
"""
import gzip
import struct
import sys

import numpy as np

SOURCE = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and kind == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main(out):
    images = read_idx(f"{SOURCE}/train-images-idx3-ubyte.gz").reshape(60000, -1)
    labels = read_idx(f"{SOURCE}/train-labels-idx1-ubyte.gz")
    table = np.concatenate([images, labels[:, None]], axis=1)
    header = ",".join([f"pixel_{r}_{c}" for r in range(28) for c in range(28)] + ["label"])
    tmp = out + ".tmp"
    np.savetxt(tmp, table, fmt="%d", delimiter=",", header=header, comments="")
    import os

    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv[1])
