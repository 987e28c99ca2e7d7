"""Writes a production model into a file store with MLflow's own client, the way the seed's
scripts/run_mlflow.py logs a training job, so that `node dist/cli.js` can compare against it.

Usage: cli_write_baseline.py <tracking_uri> <experiment_name> <model_name> <example_dir>
<example_dir> holds training_results.json, config.yaml and model/ (examples/bank-churn/v1).
Prints one JSON object on the last line.
"""
import json
import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
import yaml  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

tracking_uri, experiment_name, model_name, example_dir = sys.argv[1:5]
mlflow.set_tracking_uri(tracking_uri)
mlflow.set_registry_uri(tracking_uri)
client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

with open(os.path.join(example_dir, "training_results.json"), encoding="utf-8") as handle:
    data = json.load(handle)
with open(os.path.join(example_dir, "config.yaml"), encoding="utf-8") as handle:
    config = yaml.safe_load(handle)

# As run_mlflow.py: scalar cv_results and test metrics, then the business metrics.
metrics = {}
for key, value in data.get("cv_results", {}).items():
    if isinstance(value, (int, float)):
        metrics[f"cv_{key}"] = float(value)
for key, value in data["test_results"]["metrics"].items():
    metrics[f"test_{key}"] = float(value)
(tn, fp), (fn, tp) = data["test_results"]["confusion_matrix"]
saved_customers = tp * 0.3
metrics.update({
    "biz_detected_churners": float(tp),
    "biz_saved_customers": saved_customers,
    "biz_saved_revenue_usd": saved_customers * 2300.0,
    "biz_false_positives": float(fp),
    "biz_missed_churners": float(fn),
})

mlflow.set_experiment(experiment_name)
with mlflow.start_run(run_name="python-baseline") as run:
    mlflow.log_params({f"model.{k}": v for k, v in config["model"].items()})
    mlflow.log_metrics(metrics)
    mlflow.log_artifact(os.path.join(example_dir, "training_results.json"))
    mlflow.log_artifacts(os.path.join(example_dir, "model"), artifact_path="model")
run_id = run.info.run_id

version = mlflow.register_model(f"runs:/{run_id}/model", model_name)
client.set_registered_model_alias(model_name, "champion", version.version)

print(json.dumps({"run_id": run_id, "version": str(version.version), "metrics": metrics}))
