"""Classifier quality, training time and peak memory on the benchmark data sets.

    python benchmarks/classifiers.py --data-dir ../shared/data --models tfidf bert --seeds 1 2 3

Each (data set, model, seed) trains in a process of its own through ``train()``, so its wall
time and peak memory are its own; runs are logged to the MLflow store given by --tracking-uri.
Prints a Markdown table (mean ± std over seeds) and writes it to reports/classifiers.md, and
appends each run's metrics, seconds and peak memory to reports/classifiers.jsonl as it ends.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# data set -> (task, headline metrics, published anchor, overrides: "*" for every model)
SETS: dict[str, tuple[str, list[str], str, dict[str, list[str]]]] = {
    "semeval2016": (
        "stance",
        ["macro_f1", "f_avg"],
        "F_avg: SVM n-grams 67.3–69.0, best team 67.8, RoBERTa 68.0, BERTweet 71.2",
        # C chosen on dev: train.py -m experiment=semeval_tfidf model.C=0.3,1,3,10,30,100;
        # e5's epochs on dev (seed 1): 2 epochs macro-F1 0.646, 4 epochs 0.666
        {"tfidf": ["model.C=30"], "e5": ["model.epochs=4"]},
    ),
    "danish": (
        "stance",
        ["macro_f1", "f_avg"],
        "macro-F1: LSTM grids of the paper's repository, best 0.512 (own split)",
        {"*": ["model.use_speaker=true"]},  # the paper's finding: politician and party help
    ),
    "claimbuster": (
        "checkworthy",
        ["f1_checkworthy", "macro_f1"],
        "none published for train.json/test.json",
        {},
    ),
    "clef2019": (
        "checkworthy",
        ["map", "f1_checkworthy"],
        "MAP: best primary run 0.166, best run 0.182, ClaimBuster SVM 0.103",
        {"*": ["model.use_speaker=true"]},
    ),
}


def run_one(args: argparse.Namespace) -> None:
    """Child process: one training run; writes its metrics as JSON."""
    from hydra import compose, initialize_config_dir

    from quotestance.experiments.config import register_configs
    from quotestance.experiments.train import train

    register_configs()
    overrides = json.loads(args.one)
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        cfg = compose(config_name="train", overrides=overrides)
    result = train(cfg)
    Path(args.result).write_text(json.dumps(result))


def launch(overrides: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = handle.name
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", json.dumps(overrides), "--result", result_file],
        cwd=ROOT,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"error: run {overrides} failed (status {status})")
    result = json.loads(Path(result_file).read_text())
    os.unlink(result_file)
    result["seconds"] = seconds
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def fmt(values: list[float]) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--models", nargs="+", default=["majority", "tfidf", "bert"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--tracking-uri", default="sqlite:///mlruns/mlflow.db")
    parser.add_argument("--extra", nargs="*", default=[], help="more Hydra overrides")
    parser.add_argument("--out", type=Path, default=Path("reports/classifiers.md"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        run_one(args)
        return 0
    rows = [
        "| data | model | seeds | "
        + " | ".join(["metric 1", "metric 2"])
        + " | train+eval s | peak MiB | overrides | anchor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in args.sets:
        task, headline, anchor, per_set = SETS[name]
        for model in args.models:
            overrides = [*per_set.get("*", []), *per_set.get(model, []), *args.extra]
            results = []
            for seed in args.seeds:
                result = launch(
                    [
                        f"data={name}",
                        f"task={task}",
                        f"model={model}",
                        f"seed={seed}",
                        f"data.data_dir={args.data_dir.resolve()}",
                        f"tracking.uri={args.tracking_uri}",
                        *overrides,
                    ]
                )
                results.append(result)
                # every run as it ends, so that a long benchmark cut short keeps what it measured
                args.out.parent.mkdir(parents=True, exist_ok=True)
                with args.out.with_suffix(".jsonl").open("a", encoding="utf-8") as log:
                    record = {"data": name, "model": model, "seed": seed, **result}
                    log.write(json.dumps(record) + "\n")
            metrics = [
                fmt([r[f"test/{m}"] for r in results if f"test/{m}" in r]) for m in headline
            ]
            rows.append(
                f"| {name} | {model} | {len(results)} | "
                + " | ".join(f"{m}: {v}" for m, v in zip(headline, metrics, strict=True))
                + f" | {statistics.mean(r['seconds'] for r in results):.0f} | "
                f"{max(r['peak_mib'] for r in results):.0f} | "
                f"{' '.join(overrides) or '–'} | {anchor} |"
            )
            print(rows[-1], flush=True)
    table = "\n".join(["# Classifier benchmark", "", *rows, ""])
    print(table)
    from quotestance.io import atomic_write_text

    atomic_write_text(args.out, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
