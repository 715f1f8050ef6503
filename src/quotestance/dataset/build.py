"""Build the labelled quote dataset: one row per (quote, target), with gold or weak labels,
an article-level split and a leave-one-article-out fold."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotestance.dataset.annotations import Annotation, load_annotations
from quotestance.dataset.targets import article_targets
from quotestance.dataset.weak import weak_claim, weak_stance
from quotestance.errors import InputError, QuotestanceError
from quotestance.extract import Analysis, analyse_files
from quotestance.extract.article import HTML_SUFFIXES
from quotestance.io import atomic_write_text, dumps_jsonl, file_mode
from quotestance.labels import CLAIM_TYPES, STANCES
from quotestance.log import logger, progress_enabled

QUOTE_FIELDS = (
    "quote_id",
    "article_id",
    "lang",
    "kind",
    "text",
    "start",
    "end",
    "segments",
    "speaker",
    "speaker_mention",
    "speaker_type",
    "collective",
    "affiliation",
    "affiliation_qid",
    "cue",
    "sentence",
)
SPLITS = ("train", "dev", "test")


def article_paths(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(folder, "articles folder does not exist")
    paths = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and (p.suffix == ".txt" or p.suffix.lower() in HTML_SUFFIXES)
    )
    if not paths:
        raise InputError(folder, "no .txt or .html articles in the folder")
    return paths


def assign_splits(article_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
    """(split, fold) per article. Articles are ordered by a hash of their id, so adding an
    article moves few others; a fifth go to test and a tenth to dev (at least one each from
    three articles on). The fold is the article's place in that order (leave-one-out)."""
    ids = sorted(set(article_ids), key=lambda a: hashlib.sha1(a.encode()).hexdigest())
    n = len(ids)
    n_test = max(1, round(n * 0.2)) if n >= 3 else 0
    n_dev = max(1, round(n * 0.1)) if n >= 3 else 0
    result = {}
    for i, article in enumerate(ids):
        split = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
        result[article] = (split, i)
    return result


@dataclass
class BuildResult:
    rows: list[dict[str, Any]]
    quotes: int
    quotes_without_target: int
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        rows = self.rows
        gold = [r for r in rows if r["label_source"] == "gold"]
        return {
            "articles": len({r["article_id"] for r in rows}),
            "quotes": self.quotes,
            "quotes_with_target": len({r["quote_id"] for r in rows}),
            "pairs": len(rows),
            "pairs_by_lang": dict(sorted(Counter(r["lang"] for r in rows).items())),
            "label_source": dict(sorted(Counter(r["label_source"] for r in rows).items())),
            "gold_stance": {s: sum(r["stance"] == s for r in gold) for s in STANCES},
            "gold_claim_type": {c: sum(r["claim_type"] == c for r in gold) for c in CLAIM_TYPES},
            "gold_stance_by_lang": {
                lang: {
                    s: sum(r["stance"] == s and r["lang"] == lang for r in gold) for s in STANCES
                }
                for lang in sorted({r["lang"] for r in rows})
            },
            "pairs_by_split": dict(sorted(Counter(r["split"] for r in rows).items())),
            "targets": dict(Counter(r["target"] for r in rows).most_common()),
        }


def build_rows(paths: list[Path], gold: dict[str, Annotation]) -> BuildResult:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    quotes_total = without = 0
    extracted = []
    results: Iterable[tuple[Path, Analysis | None, InputError | None]] = analyse_files(paths)
    if progress_enabled() and len(paths) > 1:
        from rich.progress import track

        from quotestance.log import stderr

        results = track(
            results, total=len(paths), description="extracting", transient=True, console=stderr
        )
    for _path, analysis, error in results:
        if error is not None:
            errors.append(str(error))
            continue
        assert analysis is not None
        extracted.append((analysis.quotes, article_targets(analysis)))
    splits = assign_splits(q.article_id for quotes, _ in extracted for q in quotes)
    for quotes, all_targets in extracted:
        for quote, targets in zip(quotes, all_targets, strict=True):
            quotes_total += 1
            if not targets:
                without += 1
            claim = weak_claim(quote)
            for t_index, target in enumerate(targets):
                pair_id = f"{quote.quote_id}:{target.key}"
                row = {k: getattr(quote, k) for k in QUOTE_FIELDS}
                row.update(
                    pair_id=pair_id,
                    target=target.name,
                    target_qid=target.qid,
                    target_type=target.type,
                    target_mention=target.mention,
                    target_start=target.start,
                    target_end=target.end,
                    target_via=target.via,
                )
                ann = gold.get(pair_id)
                if ann is not None:
                    row.update(
                        stance=ann.stance,
                        claim_type=ann.claim_type,
                        label_source="gold",
                        rationale=ann.rationale,
                        weak_rule=None,
                    )
                else:
                    stance = weak_stance(quote, t_index)
                    row.update(
                        stance=stance[0] if stance else None,
                        claim_type=claim[0] if claim else None,
                        label_source="weak" if stance or claim else "none",
                        rationale="",
                        weak_rule=";".join(
                            r for r in (stance and stance[1], claim and claim[1]) if r
                        )
                        or None,
                    )
                split, fold = splits[quote.article_id]
                row.update(split=split, fold=fold)
                rows.append(row)
    return BuildResult(rows, quotes_total, without, errors)


def build_dataset(articles: str | Path, annotations: str | Path, out: str | Path) -> BuildResult:
    """Extract, find targets, attach labels, split; write JSONL, Parquet and the card."""
    paths = article_paths(Path(articles))
    gold = load_annotations(annotations)
    logger.info("building from %d articles, %d gold labels", len(paths), len(gold))
    result = build_rows(paths, gold)
    if result.errors:
        raise QuotestanceError("; ".join(result.errors))
    stale = sorted(set(gold) - {r["pair_id"] for r in result.rows})
    if stale:
        raise QuotestanceError(
            f"{annotations}: {len(stale)} gold label(s) name pairs the build no longer produces "
            f"(first: {stale[0]}); the articles or the extraction changed — re-export and "
            "relabel those quotes, or remove the lines"
        )
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "quotes.jsonl", dumps_jsonl(result.rows))
    _write_parquet(result.rows, out_dir / "quotes.parquet")
    counts = result.counts()
    atomic_write_text(out_dir / "stats.json", json.dumps(counts, indent=2, ensure_ascii=False))
    atomic_write_text(out_dir / "README.md", card(counts))
    return result


def _write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import os
    import tempfile

    import pandas as pd

    frame = pd.DataFrame(rows)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".parquet.tmp")
    os.close(fd)
    try:
        os.chmod(tmp, file_mode(path))
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def card(counts: dict[str, Any]) -> str:
    """The counts part of the dataset card (docs/dataset.md has the rest)."""
    lines = [
        "# The quote dataset (built)",
        "",
        "Built by `dvc repro` (`quotestance dataset build`). Fields, label definitions and how",
        "it was built: `docs/dataset.md`. Counts of this build:",
        "",
        "| what | count |",
        "|---|---|",
        f"| articles | {counts['articles']} |",
        f"| quotes | {counts['quotes']} |",
        f"| quotes with at least one target | {counts['quotes_with_target']} |",
        f"| (quote, target) pairs | {counts['pairs']} |",
    ]
    lines += [f"| pairs in {lang} | {n} |" for lang, n in counts["pairs_by_lang"].items()]
    lines += [f"| pairs labelled {src} | {n} |" for src, n in counts["label_source"].items()]
    lines += [f"| gold stance {s} | {n} |" for s, n in counts["gold_stance"].items()]
    lines += [f"| gold claim_type {c} | {n} |" for c, n in counts["gold_claim_type"].items()]
    lines += [f"| pairs in split {s} | {n} |" for s, n in counts["pairs_by_split"].items()]
    return "\n".join(lines) + "\n"
