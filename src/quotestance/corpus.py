"""A corpus of articles in, records out, at the speed of every core or of a cluster.

The work of one article is :func:`run_task`: its quotes (``extract``) or its (quote, target)
rows (``predict``), or the error that stopped it. An engine maps it over the articles in
input order: in process, on a local ``multiprocessing`` pool, or on a Dask cluster
(:mod:`quotestance.cluster`). :class:`Output` writes the records as articles finish, so that
memory does not grow with the corpus, and keeps what a resumed run needs:

* records go to ``<out>.partial``, renamed to ``<out>`` when the run ends;
* after each article's records are flushed, its path and the byte size of the partial file
  are appended to ``<out>.done`` and fsynced;
* ``--resume`` skips the articles listed there, cuts the partial file back to the size of the
  last finished article (whatever a crash left after it is dropped) and appends from there;
  after a finished run it continues from a copy of ``<out>``.

Parquet is written in row groups with pyarrow's ``ParquetWriter``; a Parquet file is
unreadable until it is closed, so Parquet output cannot be resumed.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, get_args, get_type_hints

from quotestance.errors import QuotestanceError
from quotestance.log import logger
from quotestance.predict import Counts

Kind = Literal["quotes", "pairs"]
ENGINES = ("local", "dask")
PARQUET_ROWS = 10_000  # rows per Parquet row group
# libraries of models that run on their own thread pools (spaCy's pipeline imports torch
# but runs none of it)
MODEL_RUNTIMES = ("transformers", "onnxruntime")


@dataclass(frozen=True)
class Task:
    """What to do with each article: its quotes or its (quote, target) rows."""

    kind: Kind
    lang: str = "auto"
    max_bytes: int | None = None
    cues: tuple[str, ...] | None = None  # the cue classes kept (None: the default set)


@dataclass
class ArticleResult:
    """One article's records, or the error that stopped it (then no records)."""

    path: str
    records: list[dict[str, Any]]
    error: str | None = None
    counts: Counts = field(default_factory=Counts)


def run_task(task: Task, path: str | Path) -> ArticleResult:
    """The records of one article; a bad file is an error in the result, never raised."""
    if task.kind == "quotes":
        from quotestance.extract import extract_files

        for _, quotes, error in extract_files(
            [Path(path)], task.lang, task.max_bytes, cues=task.cues
        ):
            if error is not None:
                return ArticleResult(str(path), [], str(error), Counts(failed=1))
            assert quotes is not None
            records = [q.to_dict() for q in quotes]
            return ArticleResult(str(path), records, counts=Counts(1, len(records)))
    from quotestance.predict import pairs_for

    rows, errors, counts = pairs_for(
        [Path(path)], task.lang, max_bytes=task.max_bytes, cues=task.cues
    )
    return ArticleResult(str(path), rows, errors[0] if errors else None, counts)


def warm_up(lang: str = "auto") -> None:
    """Load what every article needs once per worker process (the English spaCy pipeline)."""
    if lang in ("en", "auto"):
        from quotestance.extract.english import load_nlp

        load_nlp()


def default_workers() -> int:
    return os.cpu_count() or 1


def local_results(paths: list[str], task: Task, workers: int) -> Iterator[ArticleResult]:
    """The results in input order: in process with one worker, else on a process pool whose
    workers each load spaCy once and take one article at a time."""
    workers = max(1, min(workers, len(paths)))
    if workers == 1:
        for path in paths:
            yield run_task(task, path)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not any(m in sys.modules for m in MODEL_RUNTIMES):
        # forked workers share the parent's loaded pipeline and start at once
        warm_up(task.lang)
        method: str | None = "fork"
    else:
        # a parent that has run a transformer holds its runtime's threads, which a forked
        # child cannot use: start the workers clean (each loads spaCy, a few seconds)
        method = "forkserver" if "forkserver" in methods else None
    context = multiprocessing.get_context(method)
    with context.Pool(workers, initializer=warm_up, initargs=(task.lang,)) as pool:
        yield from pool.imap(functools.partial(run_task, task), paths, chunksize=1)


def results(
    paths: list[str],
    task: Task,
    *,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> Iterator[ArticleResult]:
    """Each article's result, in input order, from the chosen engine."""
    from quotestance.extract.article import max_article_bytes

    max_article_bytes(task.max_bytes)  # a bad limit is one error, not one per file
    if engine == "local":
        return local_results(paths, task, workers or default_workers())
    if engine == "dask":
        from quotestance.cluster import dask_results

        return dask_results(paths, task, address=address, workers=workers)
    raise QuotestanceError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")


# ---- writers ---------------------------------------------------------------------------


def _fsync(handle: IO[Any]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


class JsonlFormat:
    """JSON Lines: one object a line, appended as articles finish."""

    binary = False

    def __init__(self, handle: IO[Any], columns: list[str], resumed: bool) -> None:
        self.handle = handle

    def write(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self) -> None:
        pass


class CsvFormat:
    """CSV with every string cell neutralised for spreadsheets; the header is the first
    records' keys (or ``columns`` for a file without records)."""

    binary = False

    def __init__(self, handle: IO[Any], columns: list[str], resumed: bool) -> None:
        self.handle = handle
        self.default = columns
        self.columns: list[str] | None = None
        if resumed:
            import csv

            handle.seek(0)
            header = next(csv.reader([handle.readline()]), None)
            handle.seek(0, os.SEEK_END)
            if header:
                from quotestance.io import restore_cell

                self.columns = [restore_cell(c) for c in header]

    def _text(self, records: list[dict[str, Any]], header: bool) -> str:
        import csv

        import pandas as pd

        from quotestance.io import neutralise_cell

        columns = self.columns or []
        # column by column, as objects: an integer column with gaps stays integers
        safe = pd.DataFrame(
            {
                i: pd.Series([neutralise_cell(r.get(c)) for r in records], dtype=object)
                for i, c in enumerate(columns)
            }
        )
        safe.columns = [neutralise_cell(str(c)) for c in columns]
        return str(
            safe.to_csv(
                index=False, header=header, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC
            )
        )

    def write(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        header = self.columns is None
        if self.columns is None:
            self.columns = list(dict.fromkeys(k for r in records for k in r))
        self.handle.write(self._text(records, header))

    def finish(self) -> None:
        if self.columns is None:
            self.columns = self.default
            self.handle.write(self._text([], True))


def _arrow_type(hint: Any) -> Any:
    import pyarrow as pa

    args = [a for a in get_args(hint) if a is not type(None)]
    origin = getattr(hint, "__origin__", None)
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    if args and origin is not list:  # X | None
        return _arrow_type(args[0])
    return {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}[hint]


@functools.cache
def known_types() -> dict[str, Any]:
    """Arrow types of the columns of quotes and of (quote, target) rows, so that a column
    that is empty in the first row group still gets its type."""
    import pyarrow as pa

    from quotestance.dataset.targets import Target
    from quotestance.extract import Quote

    found = {name: _arrow_type(hint) for name, hint in get_type_hints(Quote).items()}
    for name, hint in get_type_hints(Target).items():
        found[f"target_{name}"] = _arrow_type(hint)
    found.update(article=pa.string(), pair_id=pa.string())
    return found


class ParquetFormat:
    """Parquet, in row groups of ``PARQUET_ROWS`` rows as articles finish."""

    binary = True

    def __init__(self, handle: IO[Any], columns: list[str], resumed: bool) -> None:
        self.handle = handle
        self.default = columns
        self.rows: list[dict[str, Any]] = []
        self.writer: Any = None
        self.schema: Any = None

    def _schema(self, records: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        names = list(dict.fromkeys(k for r in records for k in r)) or self.default
        known = known_types()
        fields = []
        for name in names:
            kind = known.get(name)
            if kind is None:
                values = [r[name] for r in records if r.get(name) is not None]
                kind = pa.array(values[:1]).type if values else pa.string()
            fields.append(pa.field(name, kind))
        return pa.schema(fields)

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.schema = self._schema(self.rows)
            self.writer = pq.ParquetWriter(self.handle, self.schema)
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def write(self, records: list[dict[str, Any]]) -> None:
        self.rows += records
        if len(self.rows) >= PARQUET_ROWS:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self.writer.close()


FORMATS: dict[str, type[JsonlFormat] | type[CsvFormat] | type[ParquetFormat]] = {
    ".csv": CsvFormat,
    ".parquet": ParquetFormat,
}


def sidecars(out: Path) -> tuple[Path, Path]:
    """The partial file and the list of finished articles of ``out``."""
    return out.with_name(out.name + ".partial"), out.with_name(out.name + ".done")


def read_done(done: Path) -> list[tuple[str, int]]:
    """The finished articles and the partial file's size after each; a line cut short by a
    crash is left out."""
    found: list[tuple[str, int]] = []
    if not done.exists():
        return found
    for line in done.read_text(encoding="utf-8").splitlines():
        try:
            path, size = json.loads(line)
        except (ValueError, TypeError):
            break
        found.append((str(path), int(size)))
    return found


class Output:
    """Records written as articles finish: to stdout, or to ``out`` through its partial
    file and its list of finished articles (see the module's docstring)."""

    def __init__(
        self,
        out: Path | None,
        *,
        resume: bool = False,
        columns: Iterable[str] = (),
    ) -> None:
        self.out = out
        self.finished: set[str] = set()
        self.done_handle: IO[str] | None = None
        format_ = FORMATS.get(out.suffix, JsonlFormat) if out is not None else JsonlFormat
        if out is None:
            if resume:
                raise QuotestanceError("--resume needs --out (a file to continue)")
            self.handle: IO[Any] = sys.stdout
            self.format: Any = format_(sys.stdout, list(columns), False)
            return
        if resume and format_ is ParquetFormat:
            raise QuotestanceError(
                f"{out}: a Parquet file cannot be resumed; write .jsonl or .csv to use --resume"
            )
        from quotestance.io import file_mode

        self.partial, self.done = sidecars(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        entries = read_done(self.done) if resume else []
        size = entries[-1][1] if entries else 0
        if resume and entries and not self.partial.exists():
            if out.exists() and out.stat().st_size >= size:
                shutil.copyfile(out, self.partial)  # a finished run: continue from a copy
            else:
                logger.info("%s: no partial output to continue; starting afresh", out)
                entries, size = [], 0
        if resume and self.partial.exists() and self.partial.stat().st_size < size:
            logger.info("%s: shorter than %s says; starting afresh", self.partial, self.done)
            entries, size = [], 0
        self.finished = {path for path, _ in entries}
        if resume and entries:
            logger.info("%s: %d articles already done", out, len(self.finished))
        mode = "r+b" if entries else "w+b"
        if not entries:
            self.partial.unlink(missing_ok=True)
        raw = open(self.partial, mode)  # noqa: SIM115 (closed by close())
        raw.truncate(size)
        raw.seek(size)
        os.chmod(self.partial, file_mode(out))
        self.raw = raw
        self.handle = raw if format_.binary else _text(raw)
        self.done_handle = self.done.open("a" if entries else "w", encoding="utf-8")
        if entries:  # drop a line cut short after the last good one
            self.done_handle.truncate(0)
            for path, at in entries:
                self.done_handle.write(json.dumps([path, at], ensure_ascii=False) + "\n")
            _fsync(self.done_handle)
        self.format = format_(self.handle, list(columns), bool(entries))

    def write(self, records: list[dict[str, Any]]) -> None:
        self.format.write(records)

    def mark_done(self, paths: list[str]) -> None:
        """The articles whose records are all written: flushed, fsynced, then listed."""
        if self.done_handle is None:
            self.handle.flush()
            return
        if isinstance(self.format, ParquetFormat):
            return  # a Parquet file cannot be resumed: nothing to list
        self.handle.flush()
        _fsync(self.raw)
        size = self.raw.tell()
        for path in paths:
            self.done_handle.write(json.dumps([path, size], ensure_ascii=False) + "\n")
            self.finished.add(path)
        _fsync(self.done_handle)

    def close(self) -> None:
        """Finish the file and put it in place of ``out``."""
        self.format.finish()
        if self.out is None:
            self.handle.flush()
            return
        self.handle.flush()
        _fsync(self.raw)
        self.handle.close()
        assert self.done_handle is not None
        self.done_handle.close()
        os.replace(self.partial, self.out)
        if isinstance(self.format, ParquetFormat):
            self.done.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Stop without finishing: what is written stays for ``--resume``."""
        if self.out is None:
            return
        self.handle.close()
        if self.done_handle is not None:
            self.done_handle.close()
        if not self.finished:  # nothing to resume from
            self.partial.unlink(missing_ok=True)
            self.done.unlink(missing_ok=True)


def _text(raw: IO[bytes]) -> IO[str]:
    import io

    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


# ---- the run ---------------------------------------------------------------------------


@dataclass
class Summary:
    counts: Counts = field(default_factory=Counts)
    skipped: int = 0

    def line(self) -> str:
        c = self.counts
        return (
            f"{c.articles} articles, {c.quotes} quotes, {c.failed} failures, "
            f"{self.skipped} skipped as already done"
        )


Batch = Callable[[list[dict[str, Any]]], None]


def process_corpus(
    paths: list[Path],
    task: Task,
    output: Output,
    *,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
    transform: Batch | None = None,
    batch_size: int = 32,
    on_error: Callable[[str], None] | None = None,
    progress: Callable[[Iterator[ArticleResult], int], Iterable[ArticleResult]] | None = None,
) -> Summary:
    """Run ``task`` over the articles not yet in ``output`` and write their records in input
    order. ``transform`` (a model) is applied here, in this process, to batches of at least
    ``batch_size`` records gathered across articles; each article is marked done once its
    records are written. A failure leaves the written part for ``--resume``."""
    todo = [str(p) for p in paths if str(p) not in output.finished]
    summary = Summary(skipped=len(paths) - len(todo))
    stream = results(todo, task, engine=engine, workers=workers, address=address)
    found: Iterable[ArticleResult] = progress(stream, len(todo)) if progress else stream
    waiting: list[ArticleResult] = []  # finished articles whose records wait for the model

    def flush() -> None:
        if transform is not None:
            transform([r for result in waiting for r in result.records])
        for result in waiting:
            output.write(result.records)
        output.mark_done([result.path for result in waiting])
        waiting.clear()

    try:
        for result in found:
            if result.error is not None:
                summary.counts.add(result.counts)
                if on_error is not None:
                    on_error(result.error)
                continue
            summary.counts.add(result.counts)
            waiting.append(result)
            if transform is None or sum(len(r.records) for r in waiting) >= batch_size:
                flush()
        flush()
        output.close()
    except BaseException:
        output.abandon()
        raise
    return summary


def quote_columns() -> list[str]:
    from quotestance.extract import Quote

    return [f.name for f in dataclasses.fields(Quote)]
