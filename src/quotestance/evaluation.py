"""Metrics shared by every model: macro-F1, the SemEval F_avg, accuracy, per class, per
language, the confusion matrix (as numbers and as a picture), and for check-worthiness the
ranking scores of CLEF CheckThat! (average precision, MAP and R-precision over documents)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)


def metrics(
    gold: Sequence[str],
    pred: Sequence[str],
    labels: Sequence[str],
    langs: Sequence[str] | None = None,
) -> dict[str, float]:
    """Flat metric names: macro_f1, f_avg (stance only), accuracy, f1_<label>, ..."""
    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    out: dict[str, float] = {
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, pred)) if len(gold) else 0.0,
        "n": float(len(gold)),
    }
    if {"favor", "against"} <= set(labels):
        out["f_avg"] = float((f[labels.index("favor")] + f[labels.index("against")]) / 2)
    for i, label in enumerate(labels):
        out[f"precision_{label}"] = float(p[i])
        out[f"recall_{label}"] = float(r[i])
        out[f"f1_{label}"] = float(f[i])
        out[f"support_{label}"] = float(s[i])
    if langs is not None:
        for lang in sorted(set(langs)):
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            g = [gold[i] for i in idx]
            q = [pred[i] for i in idx]
            out[f"{lang}_macro_f1"] = float(
                f1_score(g, q, labels=labels, average="macro", zero_division=0)
            )
    return out


def average_precision(relevant: Sequence[bool], scores: Sequence[float]) -> float:
    """AP of a ranking by descending score, as the CLEF CheckThat! scorer computes it: the mean
    of precision@k over the relevant items' ranks, divided by all relevant items (0 if none);
    ties keep the input order."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    total = sum(bool(r) for r in relevant)
    found, precisions = 0, 0.0
    for rank, i in enumerate(order, 1):
        if relevant[i]:
            found += 1
            precisions += found / rank
    return precisions / total if total else 0.0


def r_precision(relevant: Sequence[bool], scores: Sequence[float]) -> float:
    """Precision among the top R items, R the number of relevant ones (0 if none)."""
    total = sum(bool(r) for r in relevant)
    if not total:
        return 0.0
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return sum(bool(relevant[i]) for i in order[:total]) / total


def ranking_metrics(
    relevant: Sequence[bool], scores: Sequence[float], groups: Sequence[str] | None = None
) -> dict[str, float]:
    """``average_precision`` over all rows; with ``groups`` (documents), also ``map`` and
    ``r_precision``: each document ranked on its own, then averaged (CLEF CheckThat! 2019)."""
    out = {"average_precision": average_precision(relevant, scores)}
    if groups is not None:
        per_ap, per_rp = [], []
        for group in sorted(set(groups)):
            idx = [i for i, g in enumerate(groups) if g == group]
            rel = [relevant[i] for i in idx]
            sco = [scores[i] for i in idx]
            per_ap.append(average_precision(rel, sco))
            per_rp.append(r_precision(rel, sco))
        out["map"] = float(np.mean(per_ap))
        out["r_precision"] = float(np.mean(per_rp))
    return out


def report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> str:
    return str(classification_report(gold, pred, labels=list(labels), zero_division=0, digits=3))


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    return confusion_matrix(gold, pred, labels=list(labels))


def plot_confusion(
    matrix: np.ndarray, labels: Sequence[str], path: str | Path, title: str = ""
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 2, 1.2 * len(labels) + 1.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels=list(labels), rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels=list(labels))
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color="white" if matrix[i, j] > matrix.max() / 2 else "black",
            )
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def aggregate(folds: list[dict[str, float]]) -> dict[str, Any]:
    """mean and std over folds for every metric the folds share."""
    keys = set.intersection(*(set(f) for f in folds)) if folds else set()
    out: dict[str, float] = {}
    for key in sorted(keys):
        values = np.array([f[key] for f in folds], dtype=float)
        out[f"{key}_mean"] = float(values.mean())
        out[f"{key}_std"] = float(values.std(ddof=0))
    return out
