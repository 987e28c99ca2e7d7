"""Makes a production model with MLflow's own client: a FINISHED run with metrics and params, a
registered version of it, and either the alias `champion` or the legacy stage `Production`.

usage: make_baseline.py <experiment> <model_name> <alias|stage> '<json {"metrics": {...}, "params": {...}, "branch": "main"}>'
"""
import json
import os
import sys
import tempfile

import mlflow
from mlflow.tracking import MlflowClient


def main():
    experiment, model_name, how, spec = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    mlflow.set_experiment(experiment)
    tags = {"mlflow.source.git.branch": spec.get("branch", "main")}
    with mlflow.start_run(run_name="production-model", tags=tags) as run:
        mlflow.log_metrics(spec["metrics"])
        mlflow.log_params(spec.get("params", {}))
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "MLmodel"), "w") as f:
                f.write("flavors: {}\n")
            mlflow.log_artifact(os.path.join(tmp, "MLmodel"), artifact_path="model")
    client = MlflowClient()
    try:
        client.create_registered_model(model_name)
    except mlflow.exceptions.MlflowException:
        pass
    version = client.create_model_version(model_name, f"{run.info.artifact_uri}/model", run.info.run_id)
    if how == "alias":
        client.set_registered_model_alias(model_name, "champion", version.version)
    else:
        client.transition_model_version_stage(model_name, version.version, "Production")
    print(json.dumps({"run_id": run.info.run_id, "version": version.version}))


if __name__ == "__main__":
    main()
