"""Trains a small scikit-learn model and saves it as an MLflow model directory, as a training job
would; or loads a registered model through MLflow and predicts.

usage: sklearn_model.py train <workspace> <C>       writes <workspace>/model/, artifacts/training_results.json,
                                                     and prints {"predictions": [...]} for the fixed test rows
       sklearn_model.py predict <model_uri>          prints {"predictions": [...]} from mlflow.pyfunc.load_model
       sklearn_model.py predict-file <model_uri>     the same from a registered single churn_model.pkl file
"""
import json
import os
import sys

import numpy as np


def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 4))
    y = (x[:, 0] + 0.5 * x[:, 1] - 0.25 * x[:, 2] + rng.normal(scale=0.8, size=400) > 0.6).astype(int)
    return x[:300], y[:300], x[300:], y[300:]


def train(workspace, c):
    import mlflow.sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score

    x_train, y_train, x_test, y_test = data()
    model = LogisticRegression(C=c, max_iter=200).fit(x_train, y_train)
    predicted = model.predict(x_test)
    mlflow.sklearn.save_model(model, os.path.join(workspace, "model"))
    # The same model as one plain pickle file, for teams that do not save MLflow model directories.
    import pickle

    with open(os.path.join(workspace, "churn_model.pkl"), "wb") as f:
        pickle.dump(model, f)
    results = {
        "test_results": {
            "metrics": {
                "accuracy": accuracy_score(y_test, predicted),
                "f1": f1_score(y_test, predicted),
                "roc_auc": roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]),
            },
            "confusion_matrix": confusion_matrix(y_test, predicted).tolist(),
        },
        "params": {"C": c, "model_type": "logistic_regression"},
    }
    os.makedirs(os.path.join(workspace, "artifacts"), exist_ok=True)
    with open(os.path.join(workspace, "artifacts", "training_results.json"), "w") as f:
        json.dump(results, f)
    print(json.dumps({"predictions": model.predict_proba(x_test)[:, 1].tolist(), "classes": predicted.tolist(), "metrics": results["test_results"]["metrics"]}))


def predict(uri):
    import mlflow.pyfunc

    _, _, x_test, _ = data()
    model = mlflow.pyfunc.load_model(uri)
    # pyfunc's sklearn flavour predicts classes; the underlying model gives probabilities.
    sk = model.get_raw_model() if hasattr(model, "get_raw_model") else model._model_impl.sklearn_model
    print(json.dumps({"predictions": sk.predict_proba(x_test)[:, 1].tolist(), "classes": model.predict(x_test).tolist()}))


def predict_file(uri):
    """A single pickled model registered as-is: downloaded from the registry and unpickled."""
    import pickle

    import mlflow.artifacts

    _, _, x_test, _ = data()
    local = mlflow.artifacts.download_artifacts(uri)
    with open(os.path.join(local, "churn_model.pkl"), "rb") as f:
        sk = pickle.load(f)
    print(json.dumps({"predictions": sk.predict_proba(x_test)[:, 1].tolist(), "classes": sk.predict(x_test).tolist()}))


if __name__ == "__main__":
    if sys.argv[1] == "train":
        train(sys.argv[2], float(sys.argv[3]))
    elif sys.argv[1] == "predict-file":
        predict_file(sys.argv[2])
    else:
        predict(sys.argv[2])
