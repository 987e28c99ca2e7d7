"""Reads one run back with MLflow's own client and prints it as JSON (last line of stdout).

usage: read_run.py <run_id>
"""
import json
import sys

from mlflow.tracking import MlflowClient


def walk(client, run_id, path=None):
    files = []
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            files.extend(walk(client, run_id, info.path))
        else:
            files.append({"path": info.path, "size": info.file_size})
    return files


def main():
    run_id = sys.argv[1]
    client = MlflowClient()
    run = client.get_run(run_id)
    history = {
        key: [{"value": m.value, "step": m.step, "timestamp": m.timestamp} for m in client.get_metric_history(run_id, key)]
        for key in run.data.metrics
    }
    experiment = client.get_experiment(run.info.experiment_id)
    print(json.dumps({
        "run_id": run.info.run_id,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "experiment_name": experiment.name,
        "artifact_uri": run.info.artifact_uri,
        "metrics": run.data.metrics,
        "history": history,
        "params": run.data.params,
        "tags": run.data.tags,
        "artifacts": sorted(walk(client, run_id), key=lambda f: f["path"]),
    }))


if __name__ == "__main__":
    main()
