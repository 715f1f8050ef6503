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
