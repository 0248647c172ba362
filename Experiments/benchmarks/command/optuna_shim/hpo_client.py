"""What noop.py needs of hpo_client when Optuna's CLI drives it instead of hpo:
the parameters from HPO_PARAMS (set by optuna_loop.sh from `optuna ask`), and
final() printing the value for `optuna tell`."""
import json
import os


def params():
    return json.loads(os.environ["HPO_PARAMS"])


def final(metrics):
    print(metrics["value"])
