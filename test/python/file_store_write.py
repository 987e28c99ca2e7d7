"""Writes a file store with MLflow's own client, for mlflow-pr-report to read.

Usage: file_store_write.py <tracking_uri> <experiment_name> <model_name> <work_dir>
Prints one JSON object on the last line: the ids and values written.
"""
import json
import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

tracking_uri, experiment_name, model_name, work_dir = sys.argv[1:5]
mlflow.set_tracking_uri(tracking_uri)
client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

experiment_id = client.create_experiment(experiment_name)

# The older, failed run: same tags, so a search by tag must tell them apart by status and time.
old = client.create_run(experiment_id, run_name="old-run", start_time=1_700_000_000_000, tags={"team": "churn"})
client.log_metric(old.info.run_id, "test_f1", 0.5, timestamp=1_700_000_000_100, step=0)
client.set_terminated(old.info.run_id, "FAILED", end_time=1_700_000_000_200)

run = client.create_run(
    experiment_id,
    run_name="py-run",
    start_time=1_700_000_001_000,
    tags={"team": "churn", "github.pr": "42", "nested/tag": "deep value"},
)
run_id = run.info.run_id
client.log_batch(
    run_id,
    metrics=[Metric("train_loss", v, 1_700_000_001_100 + i, i) for i, v in enumerate([0.9, 0.7, 0.6])]
    + [Metric("test_f1", 0.61, 1_700_000_001_200, 0), Metric("big", 1e20, 1_700_000_001_200, 0)]
    + [Metric("odd", float("nan"), 1_700_000_001_200, 0), Metric("odd", float("-inf"), 1_700_000_001_300, 1)],
    params=[Param("model.n_estimators", "200"), Param("model/depth", "7"), Param("note", "yes")],
    tags=[RunTag("mlflow.note.content", "line one\nline: two # three")],
)
os.makedirs(os.path.join(work_dir, "reports", "plots"), exist_ok=True)
with open(os.path.join(work_dir, "reports", "plots", "roc.txt"), "w") as handle:
    handle.write("roc curve")
with open(os.path.join(work_dir, "training_results.json"), "w") as handle:
    handle.write('{"f1": 0.61}')
client.log_artifact(run_id, os.path.join(work_dir, "training_results.json"))
client.log_artifacts(run_id, os.path.join(work_dir, "reports"), "reports")
client.set_terminated(run_id, "FINISHED", end_time=1_700_000_002_000)

client.create_registered_model(model_name, tags={"owner": "ml"}, description="churn model")
v1 = client.create_model_version(model_name, f"{run.info.artifact_uri}/model", run_id, description="first")
v2 = client.create_model_version(
    model_name, f"{run.info.artifact_uri}/model", run_id, tags={"gate.verdict": "better"}
)
client.transition_model_version_stage(model_name, v1.version, "Production")
client.transition_model_version_stage(model_name, v2.version, "Staging")
client.set_registered_model_alias(model_name, "champion", v2.version)

print(
    json.dumps({
        "experiment_id": experiment_id,
        "run_id": run_id,
        "old_run_id": old.info.run_id,
        "artifact_uri": client.get_run(run_id).info.artifact_uri,
        "experiment_artifact_location": client.get_experiment(experiment_id).artifact_location,
        "v1": str(v1.version),
        "v2": str(v2.version),
    })
)
