"""A tiny churn scorecard, loadable with mlflow.pyfunc.load_model with no pickle.

It stands in for the real scikit-learn pipeline so the example stays a few text files: a
logistic score over four customer columns, and a decision threshold.
"""
import json
import math


class ChurnScorecard:
    def __init__(self, spec):
        self.intercept = spec["intercept"]
        self.weights = spec["weights"]
        self.threshold = spec["threshold"]

    def predict_proba(self, rows):
        scores = []
        for row in rows:
            z = self.intercept + sum(w * float(row[name]) for name, w in self.weights.items())
            scores.append(1.0 / (1.0 + math.exp(-z)))
        return scores

    def predict(self, model_input, params=None):
        rows = model_input.to_dict("records") if hasattr(model_input, "to_dict") else list(model_input)
        return [int(p >= self.threshold) for p in self.predict_proba(rows)]


def _load_pyfunc(data_path):
    with open(data_path, encoding="utf-8") as handle:
        return ChurnScorecard(json.load(handle))
