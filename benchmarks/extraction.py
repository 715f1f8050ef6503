"""Quote extraction: quality on PolNeAR, throughput on BBC News and Norwegian newspaper text.

    python benchmarks/extraction.py --data-dir ../shared/data [--polnear-split dev] [--limit N]

Prints Markdown tables and writes them to reports/extraction.md. Reads the benchmark data
from --data-dir; nothing from it is copied into the project.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from quotestance.extract import extract_file
from quotestance.extract.evaluate import Score, read_brat, score
from quotestance.io import atomic_write_text
from quotestance.lexicon import CUE_CLASSES, DEFAULT_CUES

MARKS = ("“", "”", '"', "«", "»", "''", "‘")
# The quotes compared with PolNeAR's attributions (which count beliefs, plans and polls):
# the default classes, every class, and speech only (said or written).
VIEWS = (
    ("default (" + " + ".join(c for c in CUE_CLASSES if c in DEFAULT_CUES) + ")", DEFAULT_CUES),
    ("all cue classes", frozenset(CUE_CLASSES)),
    ("speech only (speech + written)", frozenset({"speech", "written"})),
)


def polnear(data: Path, split: str, limit: int | None) -> tuple[str, dict]:
    folder = data / "polnear" / split
    texts = sorted((folder / "text").glob("*.txt"))[:limit]
    anns = sorted((folder / "attributions").glob("*.ann"))
    by_doc: dict[str, Path] = {}
    for ann in anns:  # several annotators: the first file of each document
        by_doc.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    totals = {(view, t): Score() for view, _ in VIEWS for t in (0.3, 0.8)}
    per_class = {c: Score() for c in CUE_CLASSES}
    marked = Score()  # gold contents holding a quotation mark: direct and mixed quotes
    by_kind: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    for text in texts:
        gold = read_brat(by_doc[text.stem]) if text.stem in by_doc else []
        found = extract_file(text, "en", cues=CUE_CLASSES)
        quotes = [q for q in found if q.cue_class in DEFAULT_CUES]
        for q in quotes:
            by_kind[q.kind] += 1
        for (view, threshold), total in totals.items():
            classes = dict(VIEWS)[view]
            total.add(score([q for q in found if q.cue_class in classes], gold, threshold))
        for cls, total in per_class.items():
            part = score([q for q in found if q.cue_class == cls], gold, 0.3)
            part.gold = 0  # recall per class is not defined: PolNeAR gives no classes
            total.add(part)
        raw = text.read_text(encoding="utf-8")
        with_marks = [g for g in gold if any(m in raw[s:e] for s, e in g.content for m in MARKS)]
        part = score(quotes, with_marks, 0.3)
        marked.gold += part.gold
        marked.matched += part.matched
        marked.speaker_total += part.speaker_total
        marked.speaker_correct += part.speaker_correct
    seconds = time.perf_counter() - start
    rows = [
        "| PolNeAR split | quotes | overlap | gold | predicted | P | R | F1 | speaker acc. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (view, threshold), s in totals.items():
        rows.append(
            f"| {split} ({len(texts)} articles) | {view} | ≥{threshold:.0%} | {s.gold} | "
            f"{s.predicted} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
            f"{s.speaker_accuracy:.3f} ({s.speaker_correct}/{s.speaker_total}) |"
        )
    rows.append(
        f"| {split}, gold with quote marks only | default | ≥30% | {marked.gold} | – | – | "
        f"{marked.recall:.3f} | – | {marked.speaker_accuracy:.3f} "
        f"({marked.speaker_correct}/{marked.speaker_total}) |"
    )
    rows += [
        "",
        "Per cue class of the system's quotes (≥30% overlap; PolNeAR's attributions carry no",
        "class, so only precision and speaker accuracy are defined):",
        "",
        "| cue class | predicted | matched | P | speaker acc. |",
        "|---|---|---|---|---|",
    ]
    for cls, s in per_class.items():
        rows.append(
            f"| {cls} | {s.predicted} | {s.matched} | {s.precision:.3f} | "
            f"{s.speaker_accuracy:.3f} ({s.speaker_correct}/{s.speaker_total}) |"
        )
    default = VIEWS[0][0]
    result = {
        "articles": len(texts),
        "seconds": seconds,
        "kinds": dict(by_kind),
        **{f"f1@{t}": totals[(default, t)].f1 for t in (0.3, 0.8)},
        "speaker_accuracy": totals[(default, 0.3)].speaker_accuracy,
        "precision_speech_only": totals[(VIEWS[2][0], 0.3)].precision,
    }
    return "\n".join(rows), result


def throughput(name: str, paths: list[Path], lang: str) -> tuple[str, dict]:
    errors: list[str] = []
    quotes = with_speaker = 0
    start = time.perf_counter()
    for path in paths:
        try:
            found = extract_file(path, lang)
        except Exception as exc:  # a crash on real data is a finding, not a stop
            errors.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        quotes += len(found)
        with_speaker += sum(1 for q in found if q.speaker)
    seconds = time.perf_counter() - start
    row = (
        f"| {name} | {len(paths)} | {seconds:.1f} | {len(paths) / seconds:.1f} | {quotes} | "
        f"{with_speaker / quotes if quotes else 0:.1%} | {len(errors)} |"
    )
    return row, {"errors": errors, "articles": len(paths), "seconds": seconds, "quotes": quotes}


def norne_articles(data: Path, workdir: Path) -> tuple[list[Path], dict]:
    """One text file per NorNE document (sentences as lines), in a temporary folder only; the
    files reserved for independent evaluation are left out."""
    import norne

    docs = norne.files(data)
    dash = sum(1 for rows in docs.values() for r in rows if r.text[:2] in ("- ", "– ", "— "))
    paths = norne.write_files(docs, workdir)
    return paths, {"sentences": sum(len(r) for r in docs.values()), "dash_sentences": dash}


def stage(what: str) -> None:
    """One line on stderr as each stage of a long benchmark starts, with the time so far."""
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {what} ...", file=sys.stderr, flush=True)


STARTED = time.perf_counter()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--polnear-split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="articles per data set")
    parser.add_argument("--out", type=Path, default=Path("reports/extraction.md"))
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    if not (args.data_dir / "polnear").is_dir():
        print(f"error: {args.data_dir}: no polnear/ folder; pass --data-dir", file=sys.stderr)
        return 2
    sections = ["# Quote extraction benchmark", ""]
    stage(f"PolNeAR {args.polnear_split}: quality of every cue-class view")
    table, quality = polnear(args.data_dir, args.polnear_split, args.limit)
    sections += [
        "## Quality on PolNeAR (English political news)",
        "",
        table,
        "",
        f"Quote kinds predicted: {quality['kinds']}",
        "",
    ]
    errors: list[str] = []
    if not args.skip_throughput:
        rows = [
            "| corpus | articles | seconds | articles/s | quotes | with speaker | crashes |",
            "|---|---|---|---|---|---|---|",
        ]
        bbc = sorted((args.data_dir / "bbc_news_2004_2005").glob("*/*.txt"))[: args.limit]
        stage(f"BBC News: throughput over {len(bbc)} articles")
        row, info = throughput("BBC News 2004–05 (en)", bbc, "auto")
        rows.append(row)
        errors += info["errors"]
        with tempfile.TemporaryDirectory() as tmp:
            paths, counts = norne_articles(args.data_dir, Path(tmp))
            stage(f"NorNE: throughput over {len(paths[: args.limit])} files")
            row, info = throughput(
                f"NorNE newspaper (nb, {counts['sentences']} sentences)", paths[: args.limit], "no"
            )
            rows.append(row)
            errors += info["errors"]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sections += [
            "## Throughput (one process, 2 CPU cores)",
            "",
            *rows,
            "",
            f"Peak resident memory: {rss:.0f} MiB",
            "",
        ]
    if errors:
        sections += ["## Crashes", "", *[f"- {e}" for e in errors], ""]
    report = "\n".join(sections)
    print(report)
    atomic_write_text(args.out, report)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
