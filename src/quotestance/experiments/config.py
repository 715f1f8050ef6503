"""The typed config schema under ``conf/``: registered in Hydra's ConfigStore, so a misspelt
key or a wrong type fails when the config is composed, before any work."""

from __future__ import annotations

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore


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
    early_stopping_patience: int = 2


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
