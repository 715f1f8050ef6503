"""The typed config schema under ``conf/``: registered in Hydra's ConfigStore, so a misspelt
key or a wrong type fails when the config is composed, before any work."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from quotestance.errors import QuotestanceError


@dataclass
class DataConfig:
    name: str = "quotes"  # a loader in experiments.data.LOADERS
    path: str = "data/processed/quotes.jsonl"  # the built quote dataset (name=quotes)
    data_dir: str = "../shared/data"  # benchmark data sets (name=semeval2016, danish, ...)
    evaluation: str = "split"  # split (train/dev/test) or folds (leave one article out)
    label_sources: list[str] = field(default_factory=lambda: ["gold"])
    dev_fraction: float = 0.15  # carved from train where a data set has no dev split
    ranking: bool = False  # also rank within each group (document): MAP, as CLEF CheckThat!
    max_train_samples: int | None = None
    max_eval_samples: int | None = None
    gold_dir: str = "benchmarks/gold"  # name=news_claim: the hand-annotated articles' labels
    test_set: str = "rw"  # name=newsmtsc: rw (devtest_rw) or mt (devtest_mt); others ignore it


@dataclass
class ModelConfig:
    kind: str = "tfidf"  # a class in models.MODELS
    # tf-idf baseline
    classifier: str = "logreg"  # logreg or svm
    C: float = 1.0
    word_ngrams: list[int] = field(default_factory=lambda: [1, 2])
    char_ngrams: list[int] = field(default_factory=lambda: [2, 5])
    target_aware: bool = True
    # both: give the model who speaks and for which side (speaker, affiliation)
    use_speaker: bool = False
    # both: show which mention is the target (target_start/target_end): brackets around it
    # for the transformer, the words left/right of it for TF-IDF (models/marking.py)
    mark_target: bool = False
    # transformer
    pretrained: str = "all-MiniLM-L6-v2"  # a hub id, a local path, or the packaged default
    tiny: bool = False  # a small random BERT (tests and smoke runs)
    max_length: int = 128
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weights: bool = True
    # both: fit a temperature on the dev split so that the probabilities are honest
    # (calibration.py); the predicted labels stay the same
    calibrate: bool = True
    early_stopping_patience: int = 2
    # keep the word-embedding matrix as pretrained: for e5 it is 96M of the 118M parameters, so
    # training the rest halves a CPU step, and words the training data never shows (Norwegian
    # ones, when it is English) keep the vectors the encoder was pretrained with
    freeze_embeddings: bool = False


@dataclass
class TaskConfig:
    name: str = "stance"  # stance, claim or checkworthy (labels.TASKS)


@dataclass
class TrackingConfig:
    uri: str = "sqlite:///mlruns/mlflow.db"
    artifact_root: str = "mlruns/artifacts"
    experiment: str | None = None  # default: quotestance-<task>-<data>
    log_model: bool = True
    register: bool = False
    timeout_s: float = 10.0


@dataclass
class TrainConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    task: TaskConfig = field(default_factory=TaskConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    seed: int = 42
    run_name: str | None = None
    verbose: int = 0
    quiet: bool = False


def register_configs() -> None:
    cs = ConfigStore.instance()
    cs.store(name="train_schema", node=TrainConfig)
    cs.store(group="data", name="schema", node=DataConfig)
    cs.store(group="model", name="schema", node=ModelConfig)
    cs.store(group="task", name="schema", node=TaskConfig)
    cs.store(group="tracking", name="schema", node=TrackingConfig)


# -- checks the schema's types cannot express --------------------------------------------------

SECTIONS: dict[str, type] = {
    "data": DataConfig,
    "model": ModelConfig,
    "task": TaskConfig,
    "tracking": TrackingConfig,
}
GROUPS = ("data", "model", "task", "tracking", "experiment", "debug")
SCHEMES = ("sqlite:///", "http://", "https://", "file:", "postgresql", "mysql", "databricks")


def _unknown_keys(node: Any, schema: type, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Keys of ``node`` that the dataclass ``schema`` does not have (Hydra's ``+key=`` can add
    them past the ConfigStore's check), each with the valid keys at that level."""
    found: list[tuple[str, list[str]]] = []
    names = [f.name for f in fields(schema)]
    sections = SECTIONS if schema is TrainConfig else {}
    for key in node:
        path = f"{prefix}{key}"
        if key not in names:
            found.append((path, [f"{prefix}{n}" for n in names]))
        elif key in sections and isinstance(node[key], DictConfig):
            found += _unknown_keys(node[key], sections[key], f"{path}.")
    return found


def _unknown_key_error(key: str, valid: list[str]) -> QuotestanceError:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else f"; valid keys: {', '.join(valid)}"
    return QuotestanceError(f"unknown config key {key}{hint}")


def check_overrides(args: list[str], conf_dir: Path | None = None) -> None:
    """The command line's ``key=value`` overrides (with or without ``+``/``++``) name keys of
    the schema with values of the key's type, and group choices (``model=bert``) name files
    of ``conf/<group>/``; Hydra's own keys are left to Hydra. Sweep values (``a,b``) are
    checked one by one; Hydra's functions (``range(...)``, ``choice(...)``) are left to it."""
    for arg in args:
        if arg.startswith("-") or "=" not in arg:
            continue
        key, value = arg.split("=", 1)
        key = key.lstrip("+~")
        if "/" in key or key.startswith("hydra"):
            continue
        values = [] if "(" in value or "[" in value else value.split(",")
        if "." not in key and key in GROUPS:
            _check_choices(key, values, conf_dir)
            continue
        section, _, rest = key.partition(".")
        schema: type = TrainConfig
        names = [f.name for f in fields(TrainConfig)]
        if section not in names:
            raise _unknown_key_error(key, names)
        if rest:
            schema = SECTIONS.get(section, schema)
            valid = [f"{section}.{f.name}" for f in fields(schema)]
            if section not in SECTIONS or key not in valid:
                raise _unknown_key_error(key, valid)
        kind = str(next(f.type for f in fields(schema) if f.name == (rest or section)))
        for v in values:
            _check_value(key, v, kind)


def _check_choices(group: str, values: list[str], conf_dir: Path | None) -> None:
    folder = (conf_dir or Path(__file__).resolve().parents[3] / "conf") / group
    if not folder.is_dir():
        return
    options = sorted(p.stem for p in folder.glob("*.yaml"))
    for v in values:
        if v not in options and v != "null":
            close = difflib.get_close_matches(v, options, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise QuotestanceError(
                f"unknown {group} {v!r}; {hint}choose one of {', '.join(options)}"
            )


def _check_value(key: str, value: str, kind: str) -> None:
    """A value Hydra would refuse with a multi-line report: one line instead."""
    if value in ("null", "None") and "None" in kind:
        return
    try:
        if kind.startswith("int"):
            int(value)
        elif kind.startswith("float"):
            float(value)
        elif kind.startswith("bool") and value.lower() not in ("true", "false"):
            raise ValueError(value)
    except ValueError:
        expected = kind.split(" ")[0].replace("|", "or")
        raise QuotestanceError(f"{key}={value}: expected {expected}") from None


def check_config(cfg: DictConfig) -> None:
    """Fail with one line on a key the schema lacks (suggesting the nearest one) or a value
    out of range, before any data is read."""
    unknown = _unknown_keys(cfg, TrainConfig)
    if unknown:
        raise _unknown_key_error(*unknown[0])
    m, d, t = cfg.model, cfg.data, cfg.tracking
    problems = [
        (m.C > 0, f"model.C={m.C}: must be > 0"),
        (m.classifier in ("logreg", "svm"), f"model.classifier={m.classifier}: logreg or svm"),
        (m.learning_rate > 0, f"model.learning_rate={m.learning_rate}: must be > 0"),
        (m.epochs >= 1, f"model.epochs={m.epochs}: must be at least 1"),
        (m.batch_size >= 1, f"model.batch_size={m.batch_size}: must be at least 1"),
        (m.max_length >= 8, f"model.max_length={m.max_length}: must be at least 8"),
        (0 <= m.warmup_ratio < 1, f"model.warmup_ratio={m.warmup_ratio}: must be in [0, 1)"),
        (
            len(m.word_ngrams) == 2 and 1 <= m.word_ngrams[0] <= m.word_ngrams[1],
            f"model.word_ngrams={list(m.word_ngrams)}: [low, high] with 1 <= low <= high",
        ),
        (
            len(m.char_ngrams) == 2 and 1 <= m.char_ngrams[0] <= m.char_ngrams[1],
            f"model.char_ngrams={list(m.char_ngrams)}: [low, high] with 1 <= low <= high",
        ),
        (d.evaluation in ("split", "folds"), f"data.evaluation={d.evaluation}: split or folds"),
        (0 < d.dev_fraction < 1, f"data.dev_fraction={d.dev_fraction}: must be in (0, 1)"),
        (t.timeout_s > 0, f"tracking.timeout_s={t.timeout_s}: must be > 0"),
        (
            str(t.uri).startswith(SCHEMES),
            f"tracking.uri={t.uri}: not a tracking store MLflow can use "
            "(sqlite:///path, http(s)://host:port, file:, postgresql://...)",
        ),
    ]
    for ok, message in problems:
        if not ok:
            raise QuotestanceError(message)
