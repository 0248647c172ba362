"""Gradient boosting with scikit-learn's HistGradientBoostingClassifier, one hpo trial.

The boosting iterations are the epochs' resource: with HPO_EPOCHS = E, epoch e
grows the ensemble (warm start) to ceil(max_iter * e / E) iterations, then
checkpoints it and reports validation metrics, so hpo's scheduler can stop a
poor configuration after a fraction of its trees. A requeued trial continues
from the model in HPO_RESUME_DIR.
"""
import math
import os

from sklearn.ensemble import HistGradientBoostingClassifier

import hpo_client
from boosting import load, metrics, read_csv, save


def main():
    p = hpo_client.params()
    max_iter = int(p["max_iter"])
    epochs = int(os.environ.get("HPO_EPOCHS", "1"))
    x_train, y_train = read_csv(os.environ["HPO_TRAIN"])
    x_val, y_val = read_csv(os.environ["HPO_VALIDATION"])

    model, done = None, 0
    resume = hpo_client.resume_dir()
    if resume and (loaded := load(resume)):
        model, done = loaded
        print(f"resuming after epoch {done} ({model.n_iter_} iterations) from {resume}")
    if model is None:
        model = HistGradientBoostingClassifier(
            learning_rate=float(p["learning_rate"]),
            max_depth=int(p["max_depth"]),
            l2_regularization=float(p["l2_regularization"]),
            early_stopping=False,  # hpo decides when to stop
            warm_start=True,
            random_state=(hpo_client.seed() or 0) % 2**32,  # seed() is None when run by hand
        )

    result = None
    for epoch in range(done + 1, epochs + 1):
        model.set_params(max_iter=math.ceil(max_iter * epoch / epochs))
        model.fit(x_train, y_train)
        result = metrics(model, x_val, y_val)
        save(hpo_client.checkpoint_dir(), model, epoch)
        print(f"epoch {epoch}: {model.n_iter_} iterations, accuracy {result['accuracy']:.4f}, log_loss {result['log_loss']:.4f}", flush=True)
        if hpo_client.report(epoch, result):
            print(f"stopped by hpo after epoch {epoch}")
            return
    if result is None:
        # Resumed from a checkpoint of the last epoch: nothing left to train.
        result = metrics(model, x_val, y_val)
    hpo_client.final(result)


if __name__ == "__main__":
    main()
