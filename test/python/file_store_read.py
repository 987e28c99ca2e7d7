"""Reads back, with MLflow's own client, what mlflow-pr-report wrote to a file store.

Usage: file_store_read.py <tracking_uri> <experiment_name> <run_id> <model_name>
Prints one JSON object on the last line.
"""
import json
import math
import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

tracking_uri, experiment_name, run_id, model_name = sys.argv[1:5]
mlflow.set_tracking_uri(tracking_uri)
client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def number(value):
    """JSON has no NaN/Infinity: spell them out."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return value


def version_dict(mv):
    return {
        "name": mv.name,
        "version": str(mv.version),
        "source": mv.source,
        "run_id": mv.run_id,
        "current_stage": mv.current_stage,
        "status": mv.status,
        "description": mv.description,
        "aliases": sorted(mv.aliases),
        "tags": dict(mv.tags),
    }


experiment = client.get_experiment_by_name(experiment_name)
run = client.get_run(run_id)
history = {
    key: [[m.timestamp, number(m.value), m.step] for m in client.get_metric_history(run_id, key)]
    for key in run.data.metrics
}


def walk(path=None):
    found = []
    for f in client.list_artifacts(run_id, path):
        found.append({"path": f.path, "is_dir": f.is_dir, "file_size": f.file_size})
        if f.is_dir:
            found.extend(walk(f.path))
    return found


artifact_root = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="", dst_path=None)
contents = {}
for base, _, files in os.walk(artifact_root):
    for name in files:
        full = os.path.join(base, name)
        with open(full, encoding="utf-8") as handle:
            contents[os.path.relpath(full, artifact_root).replace(os.sep, "/")] = handle.read()

registered = client.get_registered_model(model_name)
searched = client.search_runs(
    [experiment.experiment_id], filter_string="tags.team = 'churn' and attributes.status = 'FINISHED'"
)

print(
    json.dumps({
        "experiment": {
            "id": experiment.experiment_id,
            "name": experiment.name,
            "artifact_location": experiment.artifact_location,
            "lifecycle_stage": experiment.lifecycle_stage,
        },
        "default_experiment": client.get_experiment("0").name,
        "run": {
            "run_id": run.info.run_id,
            "run_name": run.info.run_name,
            "experiment_id": run.info.experiment_id,
            "status": run.info.status,
            "start_time": run.info.start_time,
            "end_time": run.info.end_time,
            "artifact_uri": run.info.artifact_uri,
            "lifecycle_stage": run.info.lifecycle_stage,
            "user_id": run.info.user_id,
            "metrics": {k: number(v) for k, v in run.data.metrics.items()},
            "params": run.data.params,
            "tags": run.data.tags,
        },
        "history": history,
        "artifacts": walk(),
        "artifact_contents": contents,
        "searched_run_ids": [r.info.run_id for r in searched],
        "registered_model": {
            "name": registered.name,
            "description": registered.description,
            "aliases": dict(registered.aliases),
            "tags": dict(registered.tags),
        },
        "champion": version_dict(client.get_model_version_by_alias(model_name, "champion")),
        "latest_production": [version_dict(v) for v in client.get_latest_versions(model_name, ["Production"])],
        "latest_all": sorted(
            [version_dict(v) for v in client.get_latest_versions(model_name)], key=lambda v: int(v["version"])
        ),
        "versions": sorted(
            [version_dict(v) for v in client.search_model_versions(f"name = '{model_name}'")],
            key=lambda v: int(v["version"]),
        ),
        "versions_of_run": [str(v.version) for v in client.search_model_versions(f"run_id = '{run_id}'")],
    })
)
