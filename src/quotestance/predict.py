"""Applying trained models to new articles: extraction, targets, stance and claim type."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.artifact import INPUT_COLUMNS, OPTIONAL_COLUMNS
from quotestance.dataset.targets import find_targets
from quotestance.errors import InputError, QuotestanceError
from quotestance.extract import extract_files
from quotestance.extract.article import read_article
from quotestance.models import QuoteModel, load_model

CHAMPION = "models:/quotestance-{task}@champion"
RUN_ID = re.compile(r"[0-9a-f]{32}")


def check_label_map(folder: Path, labels: tuple[str, ...]) -> None:
    """An exported folder's ``labels.json`` must be readable and agree with the model."""
    file = folder / "labels.json"
    if not file.exists():
        return
    try:
        found = json.loads(file.read_text(encoding="utf-8"))["labels"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise QuotestanceError(f"{file}: not a label map ({exc})") from exc
    if tuple(found) != labels:
        raise QuotestanceError(
            f"{file}: lists labels {found!r} but the model predicts {list(labels)!r}"
        )


def load_predictor(ref: str | None, task: str, uri: str) -> QuoteModel:
    """A model from an exported folder, a model folder, a run id or ``models:/name@alias``;
    with no ``ref`` the registered champion of the task."""
    from quotestance.export import plain_model_dir
    from quotestance.tracking import TrackingError, download_model

    if ref and Path(ref).is_dir():
        model = load_model(plain_model_dir(ref))
        check_label_map(Path(ref), model.labels)
        return model
    if ref and not ref.startswith(("models:/", "runs:/")) and not RUN_ID.fullmatch(ref):
        what = "is not a folder" if Path(ref).exists() else "no such model folder"
        raise QuotestanceError(
            f"{ref}: {what}; --model takes an exported folder, a run id or models:/NAME@ALIAS"
        )
    source = ref or CHAMPION.format(task=task)
    try:
        folder, _ = download_model(source, uri, tempfile.mkdtemp(prefix="quotestance-model-"))
    except TrackingError as exc:
        if ref is None:
            raise QuotestanceError(
                f"no registered champion model {source} in {uri}: train one with "
                f"`python train.py task={task}` and register it with "
                f"`quotestance register RUN_ID --alias champion`"
            ) from exc
        raise
    return load_model(plain_model_dir(folder))


def pairs_for(paths: Iterable[Path], lang: str = "auto") -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for path, quotes, error in extract_files(list(paths), lang):
        if error is not None:
            errors.append(str(error))
            continue
        assert quotes is not None
        text = read_article(path, lang).text
        for i, quote in enumerate(quotes):
            for target in find_targets(quote, text, quotes[:i]):
                rows.append(
                    {
                        "article": str(path),
                        "article_id": quote.article_id,
                        "quote_id": quote.quote_id,
                        "pair_id": f"{quote.quote_id}:{target.key}",
                        "lang": quote.lang,
                        "kind": quote.kind,
                        "speaker": quote.speaker,
                        "speaker_type": quote.speaker_type,
                        "affiliation": quote.affiliation,
                        "target": target.name,
                        "target_qid": target.qid,
                        "text": quote.text,
                        "start": quote.start,
                        "end": quote.end,
                        "cue": quote.cue,
                    }
                )
    return rows, errors


def apply(
    rows: list[dict[str, Any]], model: QuoteModel, column: str, batch_size: int = 32
) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows)[[*INPUT_COLUMNS, *OPTIONAL_COLUMNS]].fillna("")
    for start in range(0, len(frame), batch_size):
        part = frame.iloc[start : start + batch_size]
        proba = model.predict_proba(part)
        for offset, row_proba in enumerate(proba):
            row = rows[start + offset]
            best = int(row_proba.argmax())
            row[column] = model.labels[best]
            row[f"{column}_confidence"] = float(row_proba[best])
            for j, label in enumerate(model.labels):
                row[f"{column}_prob_{label}"] = float(row_proba[j])


def write_predictions(rows: list[dict[str, Any]], out: Path | None, force: bool) -> str | None:
    from quotestance.io import atomic_write_text, dumps_jsonl

    if out is None:
        return dumps_jsonl(rows)
    if out.suffix == ".csv":
        atomic_write_text(out, pd.DataFrame(rows).to_csv(index=False), force=force)
    elif out.suffix in (".jsonl", ".json"):
        atomic_write_text(out, dumps_jsonl(rows), force=force)
    else:
        raise InputError(out, "--out must end in .jsonl or .csv")
    return None
