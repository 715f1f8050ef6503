"""``train(cfg)``: load the data, fit the configured model on each split or fold, evaluate,
and log everything to one MLflow run. Returns the test metrics. ``train.py`` at the top of the
repository composes the config and calls this; tests and notebooks call it too."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from quotestance.calibration import expected_calibration_error, log_loss, reliability
from quotestance.errors import QuotestanceError
from quotestance.evaluation import (
    aggregate,
    confusion,
    metrics,
    plot_confusion,
    ranking_metrics,
    report,
)
from quotestance.experiments.config import check_config
from quotestance.experiments.data import Split, dataset_hash, load_splits
from quotestance.experiments.sweep import experiment_name
from quotestance.labels import labels_for
from quotestance.log import logger
from quotestance.models import MODELS
from quotestance.tracking import Tracker, parent_of


def _sweep_parent() -> tuple[str, str] | None:
    try:
        from hydra.core.hydra_config import HydraConfig
        from hydra.types import RunMode

        hydra_cfg = HydraConfig.get()
    except (ImportError, ValueError):
        return None
    if hydra_cfg.mode != RunMode.MULTIRUN:
        return None
    return parent_of(hydra_cfg.sweep.dir)


def _overrides() -> str:
    try:
        from hydra.core.hydra_config import HydraConfig

        return " ".join(HydraConfig.get().overrides.task)
    except (ImportError, ValueError):
        return ""


def evaluate(
    model: Any, frame: pd.DataFrame, labels: tuple[str, ...], ranking: bool = False
) -> tuple[list[str], dict[str, float], np.ndarray]:
    proba = model.predict_proba(frame)
    pred = [labels[i] for i in proba.argmax(axis=1)]
    found = metrics(list(frame["label"]), pred, labels, list(frame["lang"]))
    gold = [labels.index(label) for label in frame["label"]]
    found["ece"] = expected_calibration_error(proba, gold)
    found["log_loss"] = log_loss(proba, gold)
    if "checkworthy" in labels:  # rank by the check-worthy probability
        found.update(
            ranking_metrics(
                list(frame["label"] == "checkworthy"),
                list(proba[:, labels.index("checkworthy")]),
                list(frame["group"]) if ranking else None,
            )
        )
    return pred, found, proba


def train(cfg: DictConfig | Any) -> dict[str, float]:
    if not isinstance(cfg, DictConfig):
        cfg = OmegaConf.structured(cfg)
    check_config(cfg)
    task = cfg.task.name
    labels = labels_for(task)
    if cfg.model.kind not in MODELS:
        raise QuotestanceError(
            f"unknown model.kind {cfg.model.kind!r}; expected one of {sorted(MODELS.keys())}"
        )
    splits = load_splits(cfg.data, task)
    digest = dataset_hash(splits)
    parent = _sweep_parent()
    experiment = parent[1] if parent else experiment_name(cfg)
    tracker = Tracker(cfg.tracking, experiment)
    tags = {
        "model_kind": cfg.model.kind,
        "task": task,
        "data": cfg.data.name,
        "dataset_hash": digest,
        "hydra_overrides": _overrides(),
        "evaluation": cfg.data.evaluation,
    }
    run_name = cfg.run_name or f"{cfg.model.kind} {task} {cfg.data.name} seed={cfg.seed}"
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict)
    with tracker.run(run_name, tags, parent_id=parent[0] if parent else None) as run:
        tracker.config({str(k): v for k, v in resolved.items()}, OmegaConf.to_yaml(cfg))
        source = cfg.data.path if cfg.data.name == "quotes" else cfg.data.data_dir
        fold_metrics: list[dict[str, float]] = []
        dev_metrics: list[dict[str, float]] = []
        rows: list[pd.DataFrame] = []
        probas: list[np.ndarray] = []
        temperatures: list[float] = []
        model = None
        for split in splits:
            prefix = "" if len(splits) == 1 else f"{split.name}/"
            model = _fit(cfg, split, labels, tracker, prefix)
            temperatures.append(model.temperature)
            pred, found, proba = evaluate(model, split.test, labels, cfg.data.ranking)
            _, dev_found, _ = evaluate(model, split.dev, labels, cfg.data.ranking)
            probas.append(proba)
            tracker.metrics(found, f"{prefix}test")
            tracker.metrics(dev_found, f"{prefix}dev")
            fold_metrics.append(found)
            dev_metrics.append(dev_found)
            rows.append(split.test.assign(predicted=pred, fold=split.name))
        results = pd.concat(rows, ignore_index=True)
        if len(splits) > 1:
            summary = aggregate(fold_metrics)
            tracker.metrics(summary, "test")
            # the headline numbers of a fold run are the means over folds
            headline = {
                k.removesuffix("_mean"): v for k, v in summary.items() if k.endswith("_mean")
            }
            tracker.metrics(headline, "test")
            dev_summary = aggregate(dev_metrics)
            tracker.metrics(dev_summary, "dev")
            tracker.metrics(
                {
                    k.removesuffix("_mean"): v
                    for k, v in dev_summary.items()
                    if k.endswith("_mean")
                },
                "dev",
            )
            logger.info(
                "refitting on all %d labelled rows for the logged model",
                sum(len(s.test) for s in splits),
            )
            everything = pd.concat([s.test for s in splits], ignore_index=True)
            model = _fit(
                cfg, Split(everything, everything, everything, "all"), labels, tracker, "all/"
            )
            # no rows left to calibrate on: the folds' temperatures, geometric mean
            model.temperature = float(np.exp(np.mean(np.log(temperatures))))
            tracker.metrics({"temperature": model.temperature}, "all")
            trained_on = everything
        else:
            headline = fold_metrics[0]
            trained_on = splits[0].train
        # the data the logged model was fitted on, and every row it was evaluated on
        name = cfg.data.name
        tracker.dataset(
            trained_on,
            f"{name}-{'all' if len(splits) > 1 else 'train'}",
            source,
            "training",
            digest,
        )
        tracker.dataset(results, f"{name}-test", source, "testing", digest)
        _log_evaluation(tracker, results, labels)
        gold = [labels.index(label) for label in results["label"]]
        tracker.table(reliability(np.concatenate(probas), gold), "evaluation/reliability.csv")
        if cfg.tracking.log_model and model is not None:
            _log_model(tracker, model, results)
        out = {f"test/{k}": float(v) for k, v in headline.items()}
        logger.info("test macro_f1 %.3f (run %s)", out.get("test/macro_f1", 0.0), run.info.run_id)
        out["run_id"] = run.info.run_id
        return out


def _fit(
    cfg: DictConfig, split: Split, labels: tuple[str, ...], tracker: Tracker, prefix: str
) -> Any:
    model = MODELS[cfg.model.kind](cfg.model, labels)
    logger.info("fitting %s on %d rows (%s)", cfg.model.kind, len(split.train), split.name)

    def on_epoch(epoch: int, values: dict[str, float]) -> None:
        tracker.metrics(values, f"{prefix}dev_epoch", step=epoch)

    model.fit(split.train, split.dev, cfg.seed, on_epoch=on_epoch)
    if cfg.model.calibrate and split.dev is not split.train and len(split.dev):
        temperature, before = model.calibrate(split.dev)
        tracker.metrics({"temperature": temperature, "ece_uncalibrated": before}, f"{prefix}dev")
        logger.debug("temperature %.3f fitted on %d dev rows", temperature, len(split.dev))
    return model


def _log_evaluation(tracker: Tracker, results: pd.DataFrame, labels: tuple[str, ...]) -> None:
    gold, pred = list(results["label"]), list(results["predicted"])
    tracker.text(report(gold, pred, labels), "evaluation/classification_report.txt")
    with tempfile.TemporaryDirectory() as tmp:
        png = plot_confusion(
            confusion(gold, pred, labels),
            labels,
            Path(tmp) / "confusion_matrix.png",
            "test (all folds)",
        )
        tracker.artifact(png, "evaluation")
    wrong = results[results["label"] != results["predicted"]]
    tracker.table(
        wrong[
            [
                "id",
                "fold",
                "lang",
                "speaker",
                "affiliation",
                "target",
                "label",
                "predicted",
                "text",
            ]
        ],
        "evaluation/misclassified.csv",
    )


def _log_model(tracker: Tracker, model: Any, results: pd.DataFrame) -> None:
    from quotestance.artifact import INPUT_COLUMNS, OPTIONAL_COLUMNS, output_frame

    example = results[[*INPUT_COLUMNS, *OPTIONAL_COLUMNS]]
    with_target = example[example["target"].astype(str).str.strip() != ""]
    # data without targets (claim types of whole sentences): the contract still asks for one
    example = (with_target if len(with_target) else example.assign(target="none")).head(3)
    example = example.reset_index(drop=True)
    output = output_frame(model.labels, model.predict_proba(example))
    with tempfile.TemporaryDirectory() as tmp:
        folder = model.save(Path(tmp) / "model")
        tracker.model(folder, example, output)
