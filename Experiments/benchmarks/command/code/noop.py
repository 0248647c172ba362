"""The no-op trial: what every command trial pays for and nothing more.

Imports hpo_client, reads the parameters and reports its final metrics once
(the value is the parameter x, so the search has something to compare), then
exits. The same file runs under hpo and in the Optuna baseline's shell loop
(there, optuna_shim/hpo_client.py prints the value for `optuna tell`).
"""
import hpo_client

x = float(hpo_client.params()["x"])
hpo_client.final({"value": x, "accuracy": x})
