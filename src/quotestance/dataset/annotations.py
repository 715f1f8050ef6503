"""Gold labels: a human-written JSONL file keyed by pair id, and the round trip to fill it.

``export`` writes the pairs that have no gold label yet to a CSV a person fills in (and a
Label Studio import file); ``import`` validates a filled CSV and merges it: unknown ids, unknown
labels and duplicates are errors with file and line, and nothing already labelled changes
without ``force``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from quotestance.errors import InputError, QuotestanceError
from quotestance.io import atomic_write_text, neutralise_cell, restore_cell
from quotestance.labels import CLAIM_TYPES, STANCES

CSV_COLUMNS = (
    "pair_id",
    "article_id",
    "speaker",
    "target",
    "quote",
    "sentence",
    "stance",
    "claim_type",
    "rationale",
)


@dataclass
class Annotation:
    pair_id: str
    quote_id: str
    target_qid: str | None
    target: str
    stance: str
    claim_type: str
    rationale: str | None = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_labels(path: Path, line: int, stance: str, claim: str) -> None:
    if stance not in STANCES:
        raise InputError(path, f"unknown stance {stance!r}; expected one of {STANCES}", line)
    if claim not in CLAIM_TYPES:
        raise InputError(
            path, f"unknown claim_type {claim!r}; expected one of {CLAIM_TYPES}", line
        )


def load_annotations(path: str | Path) -> dict[str, Annotation]:
    """The gold file, validated: one JSON object per line, known labels, no duplicate ids."""
    file = Path(path)
    if not file.exists():
        return {}
    gold: dict[str, Annotation] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ann = Annotation(
                pair_id=row["pair_id"],
                quote_id=row["quote_id"],
                target_qid=row.get("target_qid"),
                target=row["target"],
                stance=row["stance"],
                claim_type=row["claim_type"],
                rationale=row.get("rationale", ""),
            )
        except json.JSONDecodeError as exc:
            raise InputError(file, f"not valid JSON ({exc.msg})", number) from exc
        except (KeyError, TypeError) as exc:
            raise InputError(file, f"missing field {exc}", number) from exc
        _check_labels(file, number, ann.stance, ann.claim_type)
        if ann.pair_id in gold:
            raise InputError(file, f"duplicate pair_id {ann.pair_id!r}", number)
        gold[ann.pair_id] = ann
    return gold


def save_annotations(gold: Mapping[str, Annotation], path: str | Path) -> None:
    rows = sorted(gold.values(), key=lambda a: a.pair_id)
    atomic_write_text(
        path, "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in rows)
    )


def export_pairs(
    rows: Iterable[Mapping[str, Any]],
    out: str | Path,
    *,
    include_labeled: bool,
    label_studio: str | Path | None = None,
    force: bool = False,
) -> int:
    """Write pairs (without gold, unless ``include_labeled``) to a CSV to fill in."""
    chosen = [r for r in rows if include_labeled or r["label_source"] != "gold"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in chosen:
        gold = r["label_source"] == "gold"
        row = {
            "pair_id": r["pair_id"],
            "article_id": r["article_id"],
            "speaker": r["speaker"] or "",
            "target": r["target"],
            "quote": r["text"],
            "sentence": r["sentence"],
            "stance": r["stance"] if gold else "",
            "claim_type": r["claim_type"] if gold else "",
            "rationale": r.get("rationale") or "",
        }
        writer.writerow({k: neutralise_cell(v) for k, v in row.items()})
    atomic_write_text(out, buffer.getvalue(), force=force)
    if label_studio is not None:
        tasks = [
            {
                "data": {
                    "pair_id": r["pair_id"],
                    "speaker": r["speaker"] or "",
                    "target": r["target"],
                    "text": r["text"],
                    "sentence": r["sentence"],
                }
            }
            for r in chosen
        ]
        atomic_write_text(
            label_studio, json.dumps(tasks, ensure_ascii=False, indent=1), force=force
        )
    return len(chosen)


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_empty: int = 0
    fields: dict[str, int] = field(default_factory=dict)  # changed rows per field

    def summary(self) -> str:
        what = ", ".join(f"{n} {name}" for name, n in sorted(self.fields.items()))
        return (
            f"{self.added} added, {self.changed} changed"
            + (f" ({what})" if what else "")
            + f", {self.unchanged} unchanged"
        )


def _read_csv_text(file: Path) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(file, f"cannot read ({exc.strerror})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            file,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the CSV as UTF-8",
            line,
        ) from exc


def read_filled(path: str | Path, pairs: Mapping[str, Mapping[str, Any]]) -> list[Annotation]:
    """Rows of a filled CSV that carry labels, validated against the dataset's pairs.

    Cells that the export protected against spreadsheet formulas are read back as written.
    A CSV without a ``rationale`` column gives annotations whose rationale is ``None``: the
    merge then keeps the stored one.
    """
    file = Path(path)
    text = _read_csv_text(file)
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    missing = {"pair_id", "stance", "claim_type"} - set(fields)
    if missing:
        header = text.splitlines()[0] if text.strip() else ""
        for delimiter in (";", "\t", "|"):
            if len(fields) <= 1 and delimiter in header:
                raise InputError(
                    file,
                    f"expected comma-separated values, found {delimiter!r} between the column "
                    "names; save the CSV with commas",
                    1,
                )
        raise InputError(file, f"missing column(s) {sorted(missing)}", 1)
    has_rationale = "rationale" in fields
    seen: dict[str, int] = {}
    filled: list[Annotation] = []
    for row in reader:
        line = reader.line_num
        cells = {k: restore_cell(v or "") for k, v in row.items() if isinstance(k, str)}
        pair_id = cells.get("pair_id", "").strip()
        stance = cells.get("stance", "").strip().lower()
        claim = cells.get("claim_type", "").strip().lower()
        if pair_id in seen:
            raise InputError(
                file, f"duplicate pair_id {pair_id!r} (first on line {seen[pair_id]})", line
            )
        seen[pair_id] = line
        if pair_id not in pairs:
            raise InputError(file, f"unknown pair_id {pair_id!r}", line)
        if not stance and not claim:
            continue
        if not stance or not claim:
            raise InputError(file, "label both stance and claim_type, or neither", line)
        _check_labels(file, line, stance, claim)
        pair = pairs[pair_id]
        filled.append(
            Annotation(
                pair_id,
                pair["quote_id"],
                pair["target_qid"],
                pair["target"],
                stance,
                claim,
                cells.get("rationale", "").strip() if has_rationale else None,
            )
        )
    return filled


def _changes(old: Annotation, new: Annotation) -> list[str]:
    """The fields of a gold row that ``new`` would change (a ``None`` rationale keeps it)."""
    fields = ["stance", "claim_type"] + ([] if new.rationale is None else ["rationale"])
    return [f for f in fields if getattr(old, f) != getattr(new, f)]


def merge(gold: dict[str, Annotation], filled: list[Annotation], *, force: bool) -> ImportReport:
    """Merge ``filled`` into ``gold``. Any change to a row already in the gold file, label or
    rationale, needs ``force``; a rationale the CSV does not carry is kept."""
    report = ImportReport()
    conflicts = [a.pair_id for a in filled if a.pair_id in gold and _changes(gold[a.pair_id], a)]
    if conflicts and not force:
        fields = sorted({f for p in conflicts for f in _changes(gold[p], _by_id(filled, p))})
        raise QuotestanceError(
            f"{len(conflicts)} gold pair(s) would change ({', '.join(fields)}; first: "
            f"{conflicts[0]}); pass --force to overwrite them"
        )
    for ann in filled:
        old = gold.get(ann.pair_id)
        if old is None:
            report.added += 1
            if ann.rationale is None:
                ann.rationale = ""
            gold[ann.pair_id] = ann
            continue
        changed = _changes(old, ann)
        if not changed:
            report.unchanged += 1
            continue
        report.changed += 1
        for name in changed:
            report.fields[name] = report.fields.get(name, 0) + 1
        if ann.rationale is None:
            ann.rationale = old.rationale
        gold[ann.pair_id] = ann
    return report


def _by_id(rows: list[Annotation], pair_id: str) -> Annotation:
    return next(a for a in rows if a.pair_id == pair_id)
