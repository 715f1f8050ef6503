"""The ``quotestance`` command. Each command is a thin shell over a package function."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from quotestance.cli_models import models_app
from quotestance.errors import QuotestanceError
from quotestance.log import logger, progress_enabled, setup_logging

T = TypeVar("T")

HELP = {"max_content_width": 100, "help_option_names": ["-h", "--help"]}
app = typer.Typer(
    help="Who said what about whom, and how: quotes, speakers, targets and stance in news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: full defaults at any width, no type column
    context_settings=HELP,
)


@app.callback()
def main(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More detail (repeatable).")
    ] = 0,
) -> None:
    setup_logging(verbose, quiet)


MaxBytes = Annotated[
    int | None,
    typer.Option(
        "--max-bytes",
        min=1,
        envvar="QUOTESTANCE_MAX_ARTICLE_BYTES",
        help="Refuse an article file larger than this many bytes [default: 2000000].",
    ),
]


Cues = Annotated[
    str | None,
    typer.Option(
        "--cues",
        help="Cue classes to keep, comma-separated, of speech, written, thought, plan, source, "
        "question [default: speech,written,thought,source].",
    ),
]


def cue_classes(value: str | None) -> tuple[str, ...] | None:
    """The --cues option checked: an unknown class is a one-line error."""
    from quotestance.lexicon import cue_set

    if value is None:
        return None
    try:
        return tuple(sorted(cue_set(value)))
    except ValueError as exc:
        fail(f"--cues: {exc}")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Processes that parse articles (1: in this process) [default: the machine's cores]; "
        "with --engine dask and no --address, the size of the local cluster.",
    ),
]
Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue an interrupted run: skip the articles already written to --out "
        "(listed in OUT.done).",
    ),
]
Engine = Annotated[
    str,
    typer.Option(help="local (this machine) or dask (a Dask cluster: pip install '.[cluster]')."),
]
Address = Annotated[
    str | None,
    typer.Option(
        envvar="DASK_SCHEDULER_ADDRESS",
        help="The Dask scheduler, e.g. tcp://host:8786 (default: a local cluster).",
    ),
]


ArticlePaths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Article files (.txt or .html), or folders of them (searched recursively).",
        show_default=False,
    ),
]
FilesFrom = Annotated[
    Path | None,
    typer.Option(
        "--files-from",
        help="Also read article paths from this file, one a line (- for stdin): a corpus "
        "too large for the command line.",
    ),
]


def article_files(folder: Path) -> list[Path]:
    """The .txt and .html files under a folder, in name order (hidden ones left out)."""
    from quotestance.extract.article import HTML_SUFFIXES

    suffixes = {".txt", *HTML_SUFFIXES}
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in suffixes
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def corpus_paths(articles: list[Path] | None, files_from: Path | None) -> list[Path]:
    """ARTICLES (a folder stands for its article files), then the paths listed in
    --files-from; at least one."""
    paths: list[Path] = []
    for path in articles or []:
        if path.is_dir():
            found = article_files(path)
            if not found:
                fail(f"{path}: a folder without .txt or .html files")
            paths += found
        else:
            paths.append(path)
    if files_from is not None:
        try:
            if str(files_from) == "-":
                listing = sys.stdin.read()
            else:
                listing = files_from.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{files_from}: cannot read the list of articles ({exc})")
        paths += [Path(line) for line in listing.splitlines() if line.strip()]
    if not paths:
        fail("no articles: give ARTICLES or --files-from")
    return paths


def check_out(out: Path | None, articles: list[Path], force: bool, resume: bool) -> None:
    """--out checked before any work: an existing file is refused without --force or
    --resume."""
    from quotestance.io import check_output

    if out is not None:
        check_output(out, articles, force=force or resume)


def report_error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


@app.command()
def extract(
    articles: ArticlePaths = None,
    lang: Annotated[str, typer.Option(help="en, no or auto (detect per article).")] = "auto",
    out: Annotated[
        Path | None,
        typer.Option(help="quotes.jsonl, .csv or .parquet (default: JSON Lines on stdout)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --out file.")
    ] = False,
    max_bytes: MaxBytes = None,
    cues: Cues = None,
    workers: Workers = None,
    resume: Resume = False,
    engine: Engine = "local",
    address: Address = None,
    files_from: FilesFrom = None,
) -> None:
    """Find every quote in ARTICLES with its speaker; one JSON object per quote."""
    from quotestance.corpus import Output, Task, process_corpus, quote_columns

    if lang not in ("en", "no", "auto"):
        fail(f"--lang must be en, no or auto, not {lang!r}")
    articles = corpus_paths(articles, files_from)
    try:
        check_out(out, articles, force, resume)
        output = Output(out, resume=resume, columns=quote_columns())
        summary = process_corpus(
            articles,
            Task("quotes", lang, max_bytes, cue_classes(cues)),
            output,
            engine=engine,
            workers=workers,
            address=address,
            on_error=report_error,
            progress=lambda items, n: with_progress(items, n, "extracting"),
        )
    except QuotestanceError as exc:
        fail(str(exc))
    logger.info("%s%s", summary.line(), f" -> {out}" if out is not None else "")
    if summary.counts.failed:
        typer.echo(
            f"error: {summary.counts.failed} of {len(articles)} files could not be read", err=True
        )
        raise typer.Exit(1)


def with_progress(items: Iterable[T], total: int, description: str) -> Iterable[T]:
    """A progress bar with ETA on stderr (never on stdout, which may carry JSON Lines), for
    more than one item and unless --quiet."""
    if not progress_enabled() or total < 2:
        return items
    from rich.progress import track

    from quotestance.log import stderr

    return track(items, total=total, description=description, console=stderr, transient=True)


dataset_app = typer.Typer(
    help="Build the labelled quote dataset.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=HELP,
)
annotate_app = typer.Typer(
    help="Label quote-target pairs: export to fill in, import back.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=HELP,
)
app.add_typer(dataset_app, name="dataset")
app.add_typer(annotate_app, name="annotate")

ARTICLES_DIR = Path("data/raw/articles")
GOLD = Path("data/annotations/gold.jsonl")
PROCESSED = Path("data/processed")


@dataset_app.command("build")
def dataset_build(
    articles: Annotated[Path, typer.Option(help="Folder of articles.")] = ARTICLES_DIR,
    annotations: Annotated[Path, typer.Option(help="Gold labels (JSONL).")] = GOLD,
    out: Annotated[Path, typer.Option(help="Output folder.")] = PROCESSED,
) -> None:
    """Extract quotes, find targets, attach gold/weak labels, split by article."""
    from quotestance.dataset import build_dataset

    try:
        result = build_dataset(articles, annotations, out)
    except QuotestanceError as exc:
        fail(str(exc))
    counts = result.counts()
    sources = ", ".join(f"{n} {source}" for source, n in counts["label_source"].items())
    logger.info(
        "%d articles, %d quotes, %d with at least one target, %d (quote, target) pairs "
        "(%s) -> %s/quotes.jsonl",
        counts["articles"],
        counts["quotes"],
        counts["quotes_with_target"],
        counts["pairs"],
        sources or "none labelled",
        out,
    )


def _pairs(dataset: Path) -> list[dict]:
    import json

    if not dataset.exists():
        fail(f"{dataset}: no built dataset; run `dvc repro` or `quotestance dataset build`")
    return [
        json.loads(line)
        for line in dataset.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@annotate_app.command("export")
def annotate_export(
    out: Annotated[Path, typer.Option(help="CSV to fill in.")] = Path("to_label.csv"),
    dataset: Annotated[Path, typer.Option(help="Built dataset.")] = PROCESSED / "quotes.jsonl",
    label_studio: Annotated[
        Path | None, typer.Option(help="Also write a Label Studio import file (JSON tasks).")
    ] = None,
    all_pairs: Annotated[
        bool, typer.Option("--all", help="Include pairs already labelled.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing output files.")
    ] = False,
) -> None:
    """Write the pairs without a gold label to a CSV (stance, claim_type, rationale to fill)."""
    from quotestance.dataset.annotations import export_pairs
    from quotestance.io import check_output

    try:
        for target in (out, label_studio):
            if target is not None:
                check_output(target, [dataset], force=force)
        n = export_pairs(
            _pairs(dataset), out, include_labeled=all_pairs, label_studio=label_studio, force=force
        )
    except QuotestanceError as exc:
        fail(str(exc))
    logger.info("wrote %d pairs to %s%s", n, out, f" and {label_studio}" if label_studio else "")


@annotate_app.command("import")
def annotate_import(
    filled: Annotated[Path, typer.Argument(help="The filled CSV.")],
    dataset: Annotated[Path, typer.Option(help="Built dataset.")] = PROCESSED / "quotes.jsonl",
    annotations: Annotated[Path, typer.Option(help="Gold labels to merge into.")] = GOLD,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite gold labels that differ.")
    ] = False,
) -> None:
    """Validate a filled CSV and merge its labels into the gold file."""
    from quotestance.dataset.annotations import (
        load_annotations,
        merge,
        read_filled,
        save_annotations,
    )

    try:
        pairs = {p["pair_id"]: p for p in _pairs(dataset)}
        gold = load_annotations(annotations)
        report = merge(gold, read_filled(filled, pairs), force=force)
        save_annotations(gold, annotations)
    except QuotestanceError as exc:
        fail(str(exc))
    logger.info("%s: %s", annotations, report.summary())


TRACKING_URI = "sqlite:///mlruns/mlflow.db"
UriOption = Annotated[
    str,
    typer.Option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", help="MLflow tracking store."),
]


@app.command("export")
def export_cmd(
    model: Annotated[str, typer.Argument(help="RUN_ID or models:/NAME@ALIAS.")],
    out: Annotated[Path, typer.Option(help="Folder to create.")],
    onnx: Annotated[
        bool,
        typer.Option(
            "--onnx",
            help="Add an ONNX copy of a transformer (checked against torch on the test split).",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder.")] = False,
    tracking_uri: UriOption = TRACKING_URI,
) -> None:
    """Write a self-contained model folder (servable with `mlflow models serve -m`)."""
    from quotestance.export import export

    try:
        export(model, out, tracking_uri, force=force, onnx=onnx)
    except QuotestanceError as exc:
        fail(str(exc))


@app.command()
def register(
    run_id: Annotated[str, typer.Argument(help="The run whose model to register.")],
    name: Annotated[
        str | None,
        typer.Option(help="Registered model name (default: quotestance-<task of the run>)."),
    ] = None,
    alias: Annotated[
        str | None, typer.Option(help="Point this alias at the new version, e.g. champion.")
    ] = None,
    tracking_uri: UriOption = TRACKING_URI,
) -> None:
    """Register a run's model in the MLflow model registry and move an alias to it."""
    from quotestance.tracking import connect
    from quotestance.tracking import register as register_model

    try:
        task = connect(tracking_uri).get_run(run_id).data.tags.get("task", "stance")
        chosen = name or f"quotestance-{task}"
        version = register_model(run_id, chosen, alias, tracking_uri)
    except QuotestanceError as exc:
        fail(str(exc))
    except Exception as exc:  # MLflow's own errors: one line
        fail(f"{run_id}: {str(exc).splitlines()[0]}")
    logger.info(
        "registered %s version %d%s",
        chosen,
        version,
        f" as @{alias} (models:/{chosen}@{alias})" if alias else "",
    )


@app.command()
def predict(
    articles: ArticlePaths = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Stance model: an exported folder, RUN_ID or models:/NAME@ALIAS "
            "(default: models:/quotestance-stance@champion)."
        ),
    ] = None,
    claim_model: Annotated[
        str | None,
        typer.Option(
            help="Claim-type model (default: models:/quotestance-claim@champion if registered)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="predictions.jsonl, .csv or .parquet (default: JSON Lines on stdout)."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    lang: Annotated[str, typer.Option(help="en, no or auto.")] = "auto",
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --out file.")
    ] = False,
    tracking_uri: UriOption = TRACKING_URI,
    max_bytes: MaxBytes = None,
    cues: Cues = None,
    workers: Workers = None,
    resume: Resume = False,
    engine: Engine = "local",
    address: Address = None,
    files_from: FilesFrom = None,
) -> None:
    """Who said what about whom, with stance: one row per (quote, target)."""
    from quotestance.corpus import Output, Task, process_corpus
    from quotestance.predict import COLUMNS, apply, check_out_suffix, load_predictor

    articles = corpus_paths(articles, files_from)
    # the workers (or the cluster) find the quotes and their targets, the expensive part;
    # the models stay in this process, one copy, and label the rows in batches
    try:
        check_out(out, articles, force, resume)
        check_out_suffix(out)
        stance = load_predictor(model, "stance", tracking_uri)
        claim = None
        try:
            claim = load_predictor(claim_model, "claim", tracking_uri, fallback=False)
        except QuotestanceError as exc:
            if claim_model is not None:
                raise
            logger.debug("no claim-type model: %s", exc)

        output = Output(out, resume=resume, columns=COLUMNS)

        def label(rows: list[dict]) -> None:
            apply(rows, stance, "stance", batch_size)
            if claim is not None:
                apply(rows, claim, "claim_type", batch_size)

        summary = process_corpus(
            articles,
            Task("pairs", lang, max_bytes, cue_classes(cues)),
            output,
            engine=engine,
            workers=workers,
            address=address,
            transform=label,
            batch_size=batch_size,
            on_error=report_error,
            progress=lambda items, n: with_progress(items, n, "predicting"),
        )
    except QuotestanceError as exc:
        fail(str(exc))
    skipped = f"; {summary.skipped} skipped as already done" if summary.skipped else ""
    where = f" -> {out}" if out is not None else ""
    logger.info("%s%s%s", summary.counts.summary(), skipped, where)
    if summary.counts.failed:
        raise typer.Exit(1)


@app.command()
def report(
    predictions: Annotated[
        Path,
        typer.Argument(
            help="predictions.jsonl (or the built dataset, data/processed/quotes.jsonl)."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Folder for the PNG, HTML and tables.")],
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that has files.")
    ] = False,
) -> None:
    """Draw the stance map: who stands how toward whom (PNG, HTML, a table per target)."""
    from quotestance.report import write_report

    try:
        found = write_report(predictions, out, force)
    except QuotestanceError as exc:
        fail(str(exc))
    logger.info(
        "stance map of %d pairs (%d edges, %d targets) in %s",
        found["pairs"],
        found["edges"],
        found["targets"],
        out,
    )


app.add_typer(models_app, name="models", help="Prepare pretrained checkpoints offline.")


for _group in (app, dataset_app, annotate_app, models_app):
    for _command in _group.registered_commands:
        # the whole first line of the docstring in the command list, never cut with "..."
        if _command.callback is not None and _command.callback.__doc__:
            _command.short_help = _command.callback.__doc__.strip().splitlines()[0]


if __name__ == "__main__":
    app()
