"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from quotestance.errors import OutputExistsError, QuotestanceError

CACHE_ENV = "QUOTESTANCE_CACHE"


def cache_root() -> Path:
    """Where prepared models live outside the repository: ``$QUOTESTANCE_CACHE``, default
    ``~/.cache/quotestance``."""
    return Path(os.environ.get(CACHE_ENV) or "~/.cache/quotestance").expanduser()


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
        # mkstemp makes the file 0600; give it the mode any other new file would get
        os.chmod(tmp, file_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def new_mode(*, directory: bool = False) -> int:
    """The mode a new file (0666) or folder (0777) gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def file_mode(target: Path) -> int:
    """The mode of the file being replaced, or that of a new file."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    return new_mode()


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
    """A pandas table as CSV text with every string cell neutralised for spreadsheets.

    Text cells are quoted, so that a cell holding a bare carriage return stays one cell.
    """
    import csv

    safe = frame.astype(object).map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return str(safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC))


def check_output(out: Path, inputs: Iterable[Path], *, force: bool) -> None:
    """Refuse an ``--out`` that cannot be written, before any work is done: an input file
    (even with ``force``), a folder, an existing file without ``force``, or a path whose
    folder cannot be made or written."""
    resolved = out.resolve()
    for path in inputs:
        if path.resolve() == resolved or (
            out.exists() and path.exists() and os.path.samefile(path, out)
        ):
            raise QuotestanceError(f"{out}: is one of the input files; choose another --out")
    if out.is_dir():
        raise QuotestanceError(f"{out}: is a folder; --out takes a file name")
    if out.exists() and not force:
        raise OutputExistsError(out)
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise QuotestanceError(f"{out}: cannot be created ({folder} is not a folder)")
    try:  # a real write, since permission bits do not say it for root or read-only mounts
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        reason = exc.strerror or "not writable"
        raise QuotestanceError(f"{out}: cannot be created ({folder}: {reason})") from exc
