"""The ``quotestance`` command. Each command is a thin shell over a package function."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quotestance.errors import QuotestanceError
from quotestance.log import logger, progress_enabled, setup_logging

if TYPE_CHECKING:
    from quotestance.extract import Quote

app = typer.Typer(
    help="Who said what about whom, and how: quotes, speakers, targets and stance in news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More detail (repeatable).")
    ] = 0,
) -> None:
    setup_logging(verbose, quiet)


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command()
def extract(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.txt or .html).")],
    lang: Annotated[str, typer.Option(help="en, no or auto (detect per article).")] = "auto",
    out: Annotated[
        Path | None, typer.Option(help="Write JSON Lines here (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --out file.")] = False,
) -> None:
    """Find every quote in ARTICLES with its speaker; one JSON object per quote."""
    from rich.progress import track

    from quotestance.extract import extract_files
    from quotestance.io import dumps_jsonl, write_jsonl

    if lang not in ("en", "no", "auto"):
        fail(f"--lang must be en, no or auto, not {lang!r}")
    if out is not None and out.exists() and not force:
        fail(f"{out}: already exists; pass --force to overwrite it")
    records: list[dict] = []
    failed = 0
    results: Iterable[tuple[Path, list[Quote] | None, QuotestanceError | None]]
    results = extract_files(articles, lang)
    if progress_enabled() and len(articles) > 1:
        results = track(
            results, total=len(articles), description="extracting", console=None, transient=True
        )
    for path, quotes, error in results:
        if error is not None:
            failed += 1
            typer.echo(f"error: {error}", err=True)
            continue
        assert quotes is not None
        logger.debug("%s: %d quotes", path, len(quotes))
        records.extend(q.to_dict() for q in quotes)
    try:
        if out is None:
            sys.stdout.write(dumps_jsonl(records))
        else:
            write_jsonl(records, out, force=force)
            logger.info(
                "wrote %d quotes from %d articles to %s", len(records), len(articles) - failed, out
            )
    except QuotestanceError as exc:
        fail(str(exc))
    if failed:
        typer.echo(f"error: {failed} of {len(articles)} files could not be read", err=True)
        raise typer.Exit(1)


dataset_app = typer.Typer(help="Build the labelled quote dataset.", no_args_is_help=True)
annotate_app = typer.Typer(
    help="Label quote-target pairs: export to fill in, import back.", no_args_is_help=True
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
    logger.info(
        "%d pairs from %d quotes (%s) -> %s/quotes.jsonl",
        counts["pairs"],
        counts["quotes"],
        counts["label_source"],
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
    force: Annotated[bool, typer.Option(help="Overwrite existing output files.")] = False,
) -> None:
    """Write the pairs without a gold label to a CSV (stance, claim_type, rationale to fill)."""
    from quotestance.dataset.annotations import export_pairs

    try:
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
    force: Annotated[bool, typer.Option(help="Overwrite gold labels that differ.")] = False,
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
    logger.info(
        "%s: %d added, %d changed, %d unchanged",
        annotations,
        report.added,
        report.changed,
        report.unchanged,
    )


if __name__ == "__main__":
    app()
