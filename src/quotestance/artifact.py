"""The one artifact contract for every model: an MLflow pyfunc model.

Input: a table with ``text`` and ``target`` (``speaker``, ``affiliation``, ``lang`` and
``target_start``/``target_end``, the mention's character offsets in ``text`` as whole numbers,
optional). Output: the
predicted ``label`` and one ``prob_<label>`` column per label, in the order of
``quotestance.labels``. The model folder (``save``/``load`` of models.base) travels inside the
MLflow model as an artifact, and the package's code with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

try:
    import mlflow.pyfunc

    _Base: Any = mlflow.pyfunc.PythonModel
except ImportError:  # pragma: no cover - mlflow is a dependency
    _Base = object

INPUT_COLUMNS = ("text", "target")
OFFSET_COLUMNS = ("target_start", "target_end")  # integers; empty where unknown
OPTIONAL_COLUMNS = ("speaker", "affiliation", "lang", *OFFSET_COLUMNS)


def output_frame(labels: tuple[str, ...], proba: Any) -> pd.DataFrame:
    out = pd.DataFrame({"label": [labels[i] for i in proba.argmax(axis=1)]})
    for j, label in enumerate(labels):
        out[f"prob_{label}"] = proba[:, j].astype(float)
    return out


def prepare_input(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"input table lacks column(s) {missing}; expected text, target "
            f"({', '.join(OPTIONAL_COLUMNS)} optional)"
        )
    for column in INPUT_COLUMNS:
        values = frame[column]
        empty = values.isna() | (values.astype(str).str.strip() == "")
        if empty.any():
            rows = [int(i) for i in list(frame.index[empty.to_numpy()])[:5]]
            raise ValueError(
                f"{int(empty.sum())} row(s) have no {column} (rows {rows}); every row needs "
                "a text and a target"
            )
    frame = frame.copy()
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    for column in OFFSET_COLUMNS:  # a float column with gaps takes "" only as object
        frame[column] = frame[column].astype(object)
    return frame.fillna("")


class QuotestancePyfunc(_Base):
    def load_context(self, context: Any) -> None:
        from quotestance.models import load_model

        self.model = load_model(context.artifacts["model"])

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        try:
            frame = prepare_input(pd.DataFrame(model_input))
        except ValueError as exc:  # the server answers 400 with the message
            from mlflow.exceptions import MlflowException
            from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

            raise MlflowException(str(exc), error_code=INVALID_PARAMETER_VALUE) from exc
        return output_frame(self.model.labels, self.model.predict_proba(frame))


def package_dir() -> Path:
    return Path(__file__).resolve().parent
