#!/usr/bin/env python3
"""Writes the models of issue 6's reproductions (Tests/HefMLTests/Fixtures/regressions/<name>/):
skl2onnx exports of scikit-learn pipelines that are NOT the bundled models, with the training
rows (calibration_X.csv), held-back rows (test_X.csv) and scikit-learn's own scores
(reference_scores.csv: decision values before the output tail). Deterministic.

    python3 -m venv /work/venv && /work/venv/bin/pip install scikit-learn skl2onnx onnx
    /work/venv/bin/python Models/regressions.py
"""
import os, sys, warnings
import numpy as np
import sklearn.datasets as skd
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from skl2onnx import to_onnx

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "HefMLTests", "Fixtures", "regressions")


def write_csv(path, rows):
    with open(path, "w") as f:
        for r in np.atleast_2d(rows):
            f.write(",".join(repr(float(v)) for v in r) + "\n")


def export(name, pipe, Xtr, Xte, n_test):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    onx = to_onnx(pipe, Xtr[:1].astype(np.float32), target_opset={"": 17, "ai.onnx.ml": 3},
                  options={id(pipe): {"zipmap": False}})
    with open(os.path.join(d, "model_skl2onnx.onnx"), "wb") as f:
        f.write(onx.SerializeToString())
    write_csv(os.path.join(d, "calibration_X.csv"), Xtr)
    write_csv(os.path.join(d, "test_X.csv"), Xte[:n_test])
    mlp = pipe[-1]
    Z = pipe[0].transform(Xte[:n_test])
    acts = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "identity": lambda v: v,
            "logistic": lambda v: 1 / (1 + np.exp(-v))}
    for W, b in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1]):
        Z = acts[mlp.activation](Z @ W + b)
    Z = Z @ mlp.coefs_[-1] + mlp.intercepts_[-1]
    write_csv(os.path.join(d, "reference_scores.csv"), Z)
    print(name, Xtr.shape, "test", n_test, "accuracy", pipe.score(Xte, yte_global[name]))


yte_global = {}

# 1. wine: 13 features from ~0.1 to ~1700, 3 classes, relu (16,)
X, y = skd.load_wine(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
yte_global["wine-relu"] = yte
p = Pipeline([("scaler", StandardScaler()),
              ("mlp", MLPClassifier(hidden_layer_sizes=(16,), activation="relu", max_iter=2000, random_state=0))])
p.fit(Xtr, ytr)
export("wine-relu", p, Xtr, Xte, len(Xte))

# 3. breast cancer: 30 features, binary, tanh (8, 8)
X, y = skd.load_breast_cancer(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
yte_global["breast-cancer-tanh8"] = yte
p = Pipeline([("scaler", StandardScaler()),
              ("mlp", MLPClassifier(hidden_layer_sizes=(8, 8), activation="tanh", max_iter=2000, random_state=0))])
p.fit(Xtr, ytr)
export("breast-cancer-tanh8", p, Xtr, Xte, len(Xte))

# 5. 40 features, 4 classes, raw scales 0.01 ... 300, relu (48, 32, 16)
Xs, ys = skd.make_classification(n_samples=600, n_features=40, n_informative=20, n_redundant=10,
                                 n_classes=4, n_clusters_per_class=2, random_state=0)
scales = np.logspace(-2, np.log10(300), 40)
Xs = Xs * scales + scales * 3
Xtr, Xte, ytr, yte = train_test_split(Xs, ys, test_size=40, random_state=0, stratify=ys)
yte_global["synthetic40-relu3"] = yte
p = Pipeline([("scaler", StandardScaler()),
              ("mlp", MLPClassifier(hidden_layer_sizes=(48, 32, 16), activation="relu", max_iter=2000, random_state=0))])
p.fit(Xtr, ytr)
export("synthetic40-relu3", p, Xtr, Xte, 40)
