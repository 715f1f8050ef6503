"""Honest confidence: one temperature per model (Guo et al., ICML 2017, "On Calibration of
Modern Neural Networks"), fitted on the dev split by the negative log-likelihood, and the
expected calibration error and reliability table that check it on data the temperature was
not fitted on. A temperature divides the log-probabilities, so the predicted label never
changes; only how sure the model says it is."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

EPS = 1e-12
BOUNDS = (0.05, 20.0)  # the temperatures searched


def scaled(proba: np.ndarray, temperature: float) -> np.ndarray:
    """``proba`` with its log-probabilities divided by ``temperature``, renormalised."""
    if temperature == 1.0 or len(proba) == 0:
        return proba
    logits = np.log(np.clip(proba, EPS, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return np.asarray(out / out.sum(axis=1, keepdims=True))


def log_loss(proba: np.ndarray, gold: Sequence[int]) -> float:
    picked = proba[np.arange(len(gold)), np.asarray(gold, dtype=int)]
    return float(-np.log(np.clip(picked, EPS, 1.0)).mean())


def fit_temperature(proba: np.ndarray, gold: Sequence[int]) -> float:
    """The temperature that minimises the log-loss of ``proba`` on the ``gold`` indices."""
    if len(gold) == 0:
        return 1.0
    lo, hi = np.log(BOUNDS[0]), np.log(BOUNDS[1])
    found = minimize_scalar(
        lambda t: log_loss(scaled(proba, float(np.exp(t))), gold),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(np.exp(found.x))


def reliability(proba: np.ndarray, gold: Sequence[int], bins: int = 10) -> pd.DataFrame:
    """Per confidence bin (of the predicted label's probability, equal widths over 0..1): how
    many rows, their mean confidence and how many of them are right."""
    confidence = proba.max(axis=1) if len(proba) else np.zeros(0)
    right = proba.argmax(axis=1) == np.asarray(gold, dtype=int) if len(proba) else np.zeros(0)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        rows.append(
            {
                "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                "n": n,
                "confidence": float(confidence[inside].mean()) if n else float("nan"),
                "accuracy": float(right[inside].mean()) if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def expected_calibration_error(proba: np.ndarray, gold: Sequence[int], bins: int = 10) -> float:
    """The mean gap between confidence and accuracy over the bins, weighted by their rows."""
    table = reliability(proba, gold, bins)
    used = table[table["n"] > 0]
    if used.empty:
        return 0.0
    gap = (used["confidence"] - used["accuracy"]).abs() * used["n"]
    return float(gap.sum() / used["n"].sum())
