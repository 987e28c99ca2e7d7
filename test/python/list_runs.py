"""Lists every run of an experiment (all statuses) with MLflow's own client, as JSON.

usage: list_runs.py <experiment_name>
"""
import json
import sys

from mlflow.entities import ViewType
from mlflow.tracking import MlflowClient


def main():
    client = MlflowClient()
    experiment = client.get_experiment_by_name(sys.argv[1])
    if experiment is None:
        print(json.dumps({"experiment": None, "runs": []}))
        return
    runs = client.search_runs([experiment.experiment_id], run_view_type=ViewType.ALL, max_results=1000)
    print(json.dumps({
        "experiment": experiment.experiment_id,
        "runs": [{"run_id": r.info.run_id, "status": r.info.status, "tags": r.data.tags} for r in runs],
    }))


if __name__ == "__main__":
    main()
