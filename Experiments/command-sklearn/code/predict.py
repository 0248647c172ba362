"""Predicts with the released model (`hpo predict --package DIR --data FILE.csv`).

Reads HPO_DATA, a CSV whose first columns are the training features in the
training order (a label column after them is ignored), and writes HPO_OUTPUT:
the predicted class and one probability column per class, a row per input row.
"""
import csv
import math
import os
import sys

import numpy as np

from boosting import MISSING, load


def main():
    loaded = load(os.environ["HPO_CHECKPOINT_DIR"])
    if loaded is None:
        print("predict.py: the package's checkpoint holds no model.pkl", file=sys.stderr)
        sys.exit(1)
    model, _ = loaded
    width = model.n_features_in_
    with open(os.environ["HPO_DATA"], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if len(header) < width:
            print(f"predict.py: {len(header)} columns; the model reads the first {width}", file=sys.stderr)
            sys.exit(2)
        rows = [[math.nan if v.strip().lower() in MISSING else float(v) for v in row[:width]] for row in reader if row]
    proba = model.predict_proba(np.array(rows, dtype=float))
    with open(os.environ["HPO_OUTPUT"], "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["prediction"] + [f"p_{c}" for c in model.classes_])
        for p in proba:
            writer.writerow([model.classes_[p.argmax()]] + [f"{v:.6f}" for v in p])
    print(f"predict.py: {len(rows)} predictions", file=sys.stderr)


if __name__ == "__main__":
    main()
