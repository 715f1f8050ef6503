"""The model interface: fit, predict_proba, save, load. A new model is one class here (added
to ``MODELS``) and one YAML file in ``conf/model/``."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from quotestance.calibration import expected_calibration_error, fit_temperature, scaled
from quotestance.errors import QuotestanceError
from quotestance.experiments.config import ModelConfig

MODEL_JSON = "quotestance_model.json"
EpochCallback = Callable[[int, dict[str, float]], None]


def speakers(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(speaker, affiliation) per row; empty strings where a table lacks them."""
    empty = pd.Series([""] * len(frame), index=frame.index)
    who = frame.get("speaker", empty)
    side = frame.get("affiliation", empty)
    return [(str(s or ""), str(a or "")) for s, a in zip(who, side, strict=True)]


class QuoteModel(ABC):
    kind: ClassVar[str]

    def __init__(self, cfg: ModelConfig, labels: tuple[str, ...] | list[str]) -> None:
        self.cfg = cfg
        self.labels = tuple(labels)

    @abstractmethod
    def fit(
        self,
        train: pd.DataFrame,
        dev: pd.DataFrame,
        seed: int,
        on_epoch: EpochCallback | None = None,
    ) -> None: ...

    temperature: float = 1.0  # divides the log-probabilities; fitted on dev by calibrate()

    @abstractmethod
    def _proba(self, frame: pd.DataFrame, **options: Any) -> np.ndarray:
        """The model's own probabilities: a row per input row, a column per label."""

    def predict_proba(self, frame: pd.DataFrame, **options: Any) -> np.ndarray:
        """One row per input row, one column per label in ``self.labels`` order, calibrated
        by the model's temperature."""
        return scaled(self._proba(frame, **options), self.temperature)

    def calibrate(self, dev: pd.DataFrame) -> tuple[float, float]:
        """Fit the temperature on ``dev`` (which needs a ``label`` column); return it and the
        calibration error of the model's own probabilities on ``dev``, before it."""
        gold = [self.labels.index(label) for label in dev["label"]]
        raw = self._proba(dev)
        self.temperature = fit_temperature(raw, gold)
        return self.temperature, expected_calibration_error(raw, gold)

    def predict(self, frame: pd.DataFrame) -> list[str]:
        proba = self.predict_proba(frame)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    @abstractmethod
    def _save(self, folder: Path) -> None: ...

    @classmethod
    @abstractmethod
    def _load(cls, folder: Path, cfg: ModelConfig, labels: tuple[str, ...]) -> QuoteModel: ...

    def save(self, folder: str | Path) -> Path:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self._save(out)
        meta = {
            "kind": self.kind,
            "labels": list(self.labels),
            "config": _cfg_dict(self.cfg),
            "temperature": self.temperature,
        }
        (out / MODEL_JSON).write_text(json.dumps(meta, indent=2))
        return out


def _cfg_dict(cfg: ModelConfig) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    from omegaconf import OmegaConf

    if is_dataclass(cfg):
        return asdict(cfg)
    return dict(OmegaConf.to_container(cfg, resolve=True))


def read_model_json(folder: Path) -> tuple[str, tuple[str, ...], dict[str, Any], float]:
    """(kind, labels, config, temperature) of a model folder, each checked: one line naming
    the file. A folder saved before models were calibrated has temperature 1."""
    meta_file = folder / MODEL_JSON
    if not meta_file.is_file():
        raise QuotestanceError(f"{folder}: not a quotestance model folder (no {MODEL_JSON})")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QuotestanceError(f"{meta_file}: not a readable JSON file ({exc})") from exc
    if not isinstance(meta, dict):
        raise QuotestanceError(f"{meta_file}: expected a JSON object with kind, labels, config")
    kind, labels, config = meta.get("kind"), meta.get("labels"), meta.get("config", {})
    if kind not in MODELS:
        raise QuotestanceError(
            f"{meta_file}: unknown model kind {kind!r}; expected one of {sorted(MODELS.keys())}"
        )
    if (
        not isinstance(labels, list)
        or len(labels) < 2
        or not all(isinstance(label, str) and label for label in labels)
        or len(set(labels)) != len(labels)
    ):
        raise QuotestanceError(
            f"{meta_file}: 'labels' must list two or more distinct label names, not {labels!r}"
        )
    if not isinstance(config, dict):
        raise QuotestanceError(f"{meta_file}: 'config' must be a JSON object")
    temperature = meta.get("temperature", 1.0)
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not 0 < temperature < float("inf")
    ):
        raise QuotestanceError(
            f"{meta_file}: 'temperature' must be a positive number, not {temperature!r}"
        )
    return str(kind), tuple(labels), config, float(temperature)


def load_model(folder: str | Path) -> QuoteModel:
    """Load a model folder. Nothing in the folder runs: scikit-learn models load through
    skops with an explicit list of trusted types, transformers from safetensors only."""
    path = Path(folder)
    kind, labels, config, temperature = read_model_json(path)
    fields = ModelConfig.__dataclass_fields__
    cfg = ModelConfig(**{k: v for k, v in config.items() if k in fields})
    model = MODELS[kind]._load(path, cfg, labels)
    model.temperature = temperature
    return model


def _registry() -> dict[str, type[QuoteModel]]:
    from quotestance.models.baselines import MajorityModel, TfidfModel
    from quotestance.models.transformer import TransformerModel

    return {m.kind: m for m in (MajorityModel, TfidfModel, TransformerModel)}


class _Models(dict):
    """Filled on first use, so importing the package does not import torch."""

    def _fill(self) -> None:
        if not super().__len__():
            self.update(_registry())

    def __getitem__(self, key: str) -> type[QuoteModel]:
        self._fill()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def keys(self):
        self._fill()
        return super().keys()


MODELS: dict[str, type[QuoteModel]] = _Models()
