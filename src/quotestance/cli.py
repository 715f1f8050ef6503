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


if __name__ == "__main__":
    app()
