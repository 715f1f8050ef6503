"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from quotestance.errors import OutputExistsError


def atomic_write_text(path: str | Path, text: str, *, force: bool = True) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    With ``force=False`` an existing file is never replaced (``OutputExistsError``).
    """
    target = Path(path)
    if not force and target.exists():
        raise OutputExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def dumps_jsonl(records: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(dict(r), ensure_ascii=False) + "\n" for r in records)


def write_jsonl(
    records: Iterable[Mapping[str, Any]], path: str | Path, *, force: bool = True
) -> Path:
    return atomic_write_text(path, dumps_jsonl(records), force=force)


# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and CR,
# may shift it into one); such a cell is written with a leading apostrophe, the usual escape.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A string a spreadsheet will not run: ``=1+1`` becomes ``'=1+1``.

    A value that already starts with apostrophes before such a character gets one more, so
    that :func:`restore_cell` undoes exactly what this did and round trips are exact.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell` on a cell read back from a CSV."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START):
        return value[1:]
    return value


def csv_text(frame: Any) -> str:
    """A pandas table as CSV text with every string cell neutralised for spreadsheets."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return str(safe.to_csv(index=False, lineterminator="\n"))
