"""Scores a trained checkpoint on the held-out test split (HPO_TEST) and reports
the test metrics to hpo; run by hpo on the winner after the search."""
import os
import sys

import hpo_client
from softmax import Model, read_csv


def main():
    folder = os.environ["HPO_CHECKPOINT_DIR"]
    loaded = Model.load(folder)
    if loaded is None:
        print(f"evaluate.py: no model.json in {folder}", file=sys.stderr)
        sys.exit(1)
    model, epoch = loaded
    _, rows, labels = read_csv(os.environ["HPO_TEST"])
    metrics = model.metrics(rows, labels)
    print(f"test after {epoch} epochs: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    hpo_client.final(metrics)


if __name__ == "__main__":
    main()
