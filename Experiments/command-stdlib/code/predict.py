"""Predicts with the released model (`hpo predict --package DIR --data FILE.csv`).

Reads HPO_DATA, a CSV holding the training columns by name (in any order; a
label column or others may be there and are ignored), and writes HPO_OUTPUT:
the predicted class and one probability column per class, a row per input row.
"""
import csv
import os
import sys

from softmax import Model


def main():
    loaded = Model.load(os.environ["HPO_CHECKPOINT_DIR"])
    if loaded is None:
        print("predict.py: the package's checkpoint holds no model.json", file=sys.stderr)
        sys.exit(1)
    model, _ = loaded
    with open(os.environ["HPO_DATA"], newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in model.features if c not in (reader.fieldnames or [])]
        if missing:
            print(f"predict.py: {os.environ['HPO_DATA']} lacks the columns {', '.join(missing)}", file=sys.stderr)
            sys.exit(2)
        rows = [[float(r[c]) for c in model.features] for r in reader]
    with open(os.environ["HPO_OUTPUT"], "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["prediction"] + [f"p_{c}" for c in model.classes])
        for row in rows:
            p = model.probabilities(model.standardise(row))
            best = max(range(len(p)), key=p.__getitem__)
            writer.writerow([model.classes[best]] + [f"{v:.6f}" for v in p])
    print(f"predict.py: {len(rows)} predictions", file=sys.stderr)


if __name__ == "__main__":
    main()
