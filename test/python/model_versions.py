"""Lists a registered model's versions and aliases with MLflow's own client, as JSON.

usage: model_versions.py <model_name>
"""
import json
import sys

from mlflow.tracking import MlflowClient


def main():
    client = MlflowClient()
    name = sys.argv[1]
    versions = client.search_model_versions(f"name = '{name}'")
    model = client.get_registered_model(name)
    print(json.dumps({
        "aliases": model.aliases,
        "versions": sorted(
            [{"version": v.version, "run_id": v.run_id, "stage": v.current_stage, "source": v.source,
              "tags": v.tags, "description": v.description} for v in versions],
            key=lambda v: int(v["version"]),
        ),
    }))


if __name__ == "__main__":
    main()
