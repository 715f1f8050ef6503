"""Applying trained models to new articles: extraction, targets, stance and claim type."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.artifact import INPUT_COLUMNS, OPTIONAL_COLUMNS
from quotestance.dataset.targets import Target, article_targets
from quotestance.errors import InputError, QuotestanceError
from quotestance.extract import Analysis, Quote, analyse_files
from quotestance.log import logger
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
    if not isinstance(found, list):
        raise QuotestanceError(f"{file}: 'labels' must be a list of label names, not {found!r}")
    if tuple(found) != labels:
        raise QuotestanceError(
            f"{file}: lists labels {found!r} but the model predicts {list(labels)!r}"
        )


def load_predictor(ref: str | None, task: str, uri: str, fallback: bool = True) -> QuoteModel:
    """A model from an exported folder, a model folder, a run id or ``models:/name@alias``;
    with no ``ref`` the registered champion of the task, or (``fallback``) the newest
    finished run of the task that logged a model, said in one line."""
    from quotestance.export import plain_model_dir
    from quotestance.tracking import TrackingError, download_model, newest_model_run

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
        if ref is not None:
            raise
        if not fallback:
            raise QuotestanceError(f"no registered model {source} in {uri}") from exc
        newest = newest_model_run(uri, task)
        if newest is None:
            raise QuotestanceError(
                f"no {task} model in {uri}: train one with `python train.py task={task}` "
                f"(or `make run`), then register it with "
                f"`quotestance register RUN_ID --alias champion`"
            ) from exc
        run_id, name = newest
        logger.info(
            "no champion %s registered; using the newest finished %s run %s (%s). "
            "Register a model with `quotestance register RUN_ID --alias champion`",
            source,
            task,
            run_id,
            name,
        )
        folder, _ = download_model(run_id, uri, tempfile.mkdtemp(prefix="quotestance-model-"))
    return load_model(plain_model_dir(folder))


@dataclass
class Counts:
    """What a prediction run found, for its one summary line."""

    articles: int = 0
    quotes: int = 0
    quotes_with_target: int = 0
    pairs: int = 0
    failed: int = 0

    def add(self, other: Counts) -> None:
        for name in ("articles", "quotes", "quotes_with_target", "pairs", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        line = (
            f"{self.articles} articles, {self.quotes} quotes, {self.quotes_with_target} "
            f"with at least one target, {self.pairs} (quote, target) pairs"
        )
        if self.failed:
            line += f"; {self.failed} files could not be read"
        if self.quotes and not self.pairs:
            line += " (no quote named a known target: see resources/entities.tsv)"
        return line


def targets_of(analysis: Analysis) -> list[list[Target]]:
    """The targets of every quote of one analysed article."""
    return article_targets(analysis)


def pair_row(path: Path | str | None, quote: Quote, target: Target) -> dict[str, Any]:
    """The row ``predict`` writes for one (quote, target) pair."""
    return {
        "article": str(path),
        "article_id": quote.article_id,
        "quote_id": quote.quote_id,
        "pair_id": f"{quote.quote_id}:{target.key}",
        "lang": quote.lang,
        "kind": quote.kind,
        "cue_class": quote.cue_class,
        "speaker": quote.speaker,
        "speaker_type": quote.speaker_type,
        "affiliation": quote.affiliation,
        "target": target.name,
        "target_qid": target.qid,
        "target_type": target.type,
        "target_mention": target.mention,
        "target_start": target.start,
        "target_end": target.end,
        "target_via": target.via,
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "segments": quote.segments,
        "speaker_start": quote.speaker_start,
        "speaker_end": quote.speaker_end,
        "cue": quote.cue,
    }


def pairs_for(
    paths: Iterable[Path], lang: str = "auto", **read: Any
) -> tuple[list[dict[str, Any]], list[str], Counts]:
    """(quote, target) rows of the articles, the errors of the files that could not be
    read, and the counts. ``read`` goes to the article reader (``max_bytes``)."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    counts = Counts()
    for path, analysis, error in analyse_files(list(paths), lang, **read):
        if error is not None:
            errors.append(str(error))
            counts.failed += 1
            continue
        assert analysis is not None
        quotes = analysis.quotes
        counts.articles += 1
        counts.quotes += len(quotes)
        for quote, targets in zip(quotes, targets_of(analysis), strict=True):
            counts.quotes_with_target += bool(targets)
            if not targets:
                logger.debug("%s: no target in quote %s", path, quote.quote_id)
            rows.extend(pair_row(path, quote, target) for target in targets)
    counts.pairs = len(rows)
    return rows, errors, counts


def apply(
    rows: list[dict[str, Any]], model: QuoteModel, column: str, batch_size: int = 32
) -> None:
    if not rows:
        return
    from quotestance.models.marking import quote_span

    frame = pd.DataFrame(rows).reindex(columns=[*INPUT_COLUMNS, *OPTIONAL_COLUMNS])
    # the model reads the target's mention relative to the quote's text, not the article
    spans = [
        quote_span(r.get("segments") or [], r.get("target_start"), r.get("target_end"), r["text"])
        for r in rows
    ]
    frame["target_start"] = pd.array([s[0] if s else None for s in spans], dtype="Int64")
    frame["target_end"] = pd.array([s[1] if s else None for s in spans], dtype="Int64")
    text_columns = [c for c in frame.columns if c not in ("target_start", "target_end")]
    frame[text_columns] = frame[text_columns].astype(object).fillna("")
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


COLUMNS = ("article", "article_id", "quote_id", "pair_id", "lang", "speaker", "target", "stance")


def check_out_suffix(out: Path | None) -> None:
    if out is not None and out.suffix not in (".jsonl", ".json", ".csv", ".parquet"):
        raise InputError(out, "--out must end in .jsonl, .csv or .parquet")
