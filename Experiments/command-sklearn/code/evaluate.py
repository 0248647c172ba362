"""Scores the checkpointed model on the held-out test split (HPO_TEST) and
reports the test metrics to hpo; run by hpo on the winner after the search."""
import os
import sys

import hpo_client
from boosting import load, metrics, read_csv


def main():
    folder = os.environ["HPO_CHECKPOINT_DIR"]
    loaded = load(folder)
    if loaded is None:
        print(f"evaluate.py: no model.pkl in {folder}", file=sys.stderr)
        sys.exit(1)
    model, epoch = loaded
    x_test, y_test = read_csv(os.environ["HPO_TEST"])
    result = metrics(model, x_test, y_test)
    print(f"test, model of epoch {epoch} ({model.n_iter_} iterations): " + ", ".join(f"{k} {v:.4f}" for k, v in result.items()))
    hpo_client.final(result)


if __name__ == "__main__":
    main()
