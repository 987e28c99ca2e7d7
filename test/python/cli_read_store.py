"""Reads, with MLflow's own client, the file store that `node dist/cli.js` wrote, and loads the
registered champion as a pyfunc model.

Usage: cli_read_store.py <tracking_uri> <experiment_name> <model_name>
Prints one JSON object on the last line.
"""
import json
import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
import mlflow.pyfunc  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

tracking_uri, experiment_name, model_name = sys.argv[1:4]
mlflow.set_tracking_uri(tracking_uri)
mlflow.set_registry_uri(tracking_uri)
client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

experiment = client.get_experiment_by_name(experiment_name)


def walk(run_id, path=None):
    found = []
    for f in client.list_artifacts(run_id, path):
        if f.is_dir:
            found.extend(walk(run_id, f.path))
        else:
            found.append(f.path)
    return found


def run_dict(run):
    run_id = run.info.run_id
    return {
        "run_id": run_id,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "artifact_uri": run.info.artifact_uri,
        "metrics": run.data.metrics,
        "params": run.data.params,
        "tags": run.data.tags,
        "history": {
            key: [[m.step, m.value] for m in client.get_metric_history(run_id, key)] for key in run.data.metrics
        },
        "artifacts": sorted(walk(run_id)),
    }


# Read before the model is loaded: with a local artifact store, MLflow loads the model in place and
# adds files to it (registered_model_meta, __pycache__).
runs = [run_dict(r) for r in client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])]
champion = client.get_model_version_by_alias(model_name, "champion")
versions = client.search_model_versions(f"name = '{model_name}'")

# The CLI registered the example's text-only pyfunc model: it must load and predict.
model = mlflow.pyfunc.load_model(f"models:/{model_name}@champion")
customers = pd.DataFrame(
    [
        {"Age": 58, "IsActiveMember": 0, "NumOfProducts": 1, "Balance": 120000.0},
        {"Age": 30, "IsActiveMember": 1, "NumOfProducts": 2, "Balance": 0.0},
    ]
)

print(
    json.dumps({
        "experiment": {"id": experiment.experiment_id, "name": experiment.name},
        "runs": runs,
        "registered_model": {
            "name": client.get_registered_model(model_name).name,
            "aliases": dict(client.get_registered_model(model_name).aliases),
        },
        "champion": {
            "version": str(champion.version),
            "run_id": champion.run_id,
            "source": champion.source,
            "status": champion.status,
            "aliases": sorted(champion.aliases),
            "tags": dict(champion.tags),
        },
        "versions": sorted(str(v.version) for v in versions),
        "predictions": [int(p) for p in model.predict(customers)],
    })
)
