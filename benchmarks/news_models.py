"""The models for real news, scored on every test set they are meant for, seed by seed, with
mean ± std over the runs of one configuration. Stance runs (``experiment=news_stance*``) on
NewsMTSC dev, devtest_rw and devtest_mt, and zero-shot on the sample articles' gold pairs
(English and Norwegian); claim-type runs (``experiment=news_claim``) on the
hand-annotated dev and test articles, per source. Each run's logged model is loaded once and
applied to every set, so a model trained once is scored on both NewsMTSC test sets. Macro-F1,
F_avg (stance), and the expected calibration error of the probabilities ``predict`` writes.

    python benchmarks/news_models.py --stance RUN_ID ... --claim RUN_ID ...

Prints a Markdown table and writes it to reports/news_models.md.
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from pathlib import Path

import pandas as pd

from quotestance.experiments.config import DataConfig
from quotestance.experiments.data import gold_quotes, load_splits
from quotestance.experiments.train import evaluate
from quotestance.io import atomic_write_text
from quotestance.labels import labels_for
from quotestance.predict import load_predictor

Sets = dict[str, pd.DataFrame]


def stance_sets(data_dir: str, quotes: Path) -> Sets:
    """NewsMTSC dev and both test sets; and, zero-shot, the gold pairs of the sample articles
    (the quote dataset; all of them, and the Norwegian ones on their own) where it is built."""
    sets: Sets = {}
    for name in ("rw", "mt"):
        cfg = DataConfig(name="newsmtsc", data_dir=data_dir, test_set=name)
        split = load_splits(cfg, "stance")
        sets.setdefault("NewsMTSC dev", split[0].dev)
        sets[f"devtest_{name}"] = split[0].test
    if quotes.is_file():
        sample = load_splits(DataConfig(name="quotes", path=str(quotes)), "stance")[0]
        pairs = pd.concat([sample.train, sample.dev, sample.test], ignore_index=True)
        sets["sample pairs (zero-shot)"] = pairs
        sets["sample pairs, Norwegian"] = pairs[pairs["lang"] == "no"]
    return sets


def claim_sets(data_dir: str, gold_dir: str) -> Sets:
    cfg = DataConfig(name="news_claim", data_dir=data_dir, gold_dir=gold_dir)
    sets: Sets = {}
    for part in ("dev", "test"):
        frame = gold_quotes(cfg, part)
        sets[f"annotated {part}"] = frame
        for source, rows in frame.groupby(frame["group"].str.split("/").str[0]):
            sets[f"annotated {part}, {source}"] = rows
    return sets


def run_name(run_id: str, uri: str) -> str:
    import mlflow

    run = mlflow.MlflowClient(uri).get_run(run_id)
    params = run.data.params
    tags = run.data.tags
    name = f"{params.get('model.kind', '?')} {params.get('model.pretrained', '')}".strip()
    if params.get("model.kind") != "bert":
        name = params.get("model.kind", "?")
    return f"{name}, {tags.get('data', '?')}"


def table(results: dict[str, dict[str, list[dict[str, float]]]], stance: bool) -> list[str]:
    """A row per (model, set): its runs, rows, macro-F1 (F_avg for stance) and ECE."""

    def cell(values: list[float]) -> str:
        if len(values) == 1:
            return f"{values[0]:.3f}"
        return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"

    head = ["model", "set", "runs", "rows", "macro-F1", *(["F_avg"] if stance else []), "ECE"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, per_set in results.items():
        for set_name, found in per_set.items():
            cells = [name, set_name, str(len(found)), str(int(found[0]["n"]))]
            cells.append(cell([f["macro_f1"] for f in found]))
            if stance:
                cells.append(cell([f["f_avg"] for f in found]))
            cells.append(cell([f["ece"] for f in found]))
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def evaluate_runs(
    run_ids: list[str], task: str, sets: Sets, uri: str
) -> dict[str, dict[str, list[dict[str, float]]]]:
    labels = labels_for(task)
    results: dict[str, dict[str, list[dict[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for run_id in run_ids:
        model = load_predictor(run_id, task, uri)
        name = run_name(run_id, uri)
        for set_name, frame in sets.items():
            _, found, _ = evaluate(model, frame, labels)
            results[name][set_name].append(found)
            print(f"{run_id} {name} {set_name}: macro-F1 {found['macro_f1']:.3f}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stance", nargs="*", default=[], help="stance run ids")
    parser.add_argument("--claim", nargs="*", default=[], help="claim-type run ids")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--gold-dir", default="benchmarks/gold")
    parser.add_argument("--quotes", type=Path, default=Path("data/processed/quotes.jsonl"))
    parser.add_argument("--tracking-uri", default="sqlite:///mlruns/mlflow.db")
    parser.add_argument("--out", type=Path, default=Path("reports/news_models.md"))
    args = parser.parse_args(argv)
    if not args.stance and not args.claim:
        parser.error("give --stance and/or --claim run ids")
    sections = ["# Models for real news", ""]
    if args.stance:
        sets = stance_sets(args.data_dir, args.quotes)
        found = evaluate_runs(args.stance, "stance", sets, args.tracking_uri)
        sections += ["## Stance on NewsMTSC", "", *table(found, stance=True), ""]
    if args.claim:
        sets = claim_sets(args.data_dir, args.gold_dir)
        found = evaluate_runs(args.claim, "claim", sets, args.tracking_uri)
        sections += ["## Claim type on the annotated articles", ""]
        sections += [*table(found, stance=False), ""]
    text = "\n".join(sections)
    print(text)
    atomic_write_text(args.out, text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
