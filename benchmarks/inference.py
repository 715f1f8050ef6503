"""Inference throughput of an exported transformer: torch against ONNX Runtime, batch 1 and 32,
in one process (ratios hold where absolute times drift on a shared machine).

    quotestance export RUN_ID --out models/bench --onnx
    python benchmarks/inference.py --model models/bench --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from quotestance.export import plain_model_dir
from quotestance.io import atomic_write_text
from quotestance.models import load_model


def quotes(data_dir: Path, n: int) -> pd.DataFrame:
    """Test tweets of SemEval-2016 as (target, text) pairs, or the fixture when absent."""
    path = data_dir / "semeval2016_task6_original" / "testdata-taskA-all-annotations.txt"
    if path.exists():
        lines = path.read_bytes().decode("cp1252", errors="replace").splitlines()[1:]
        rows = [line.split("\t") for line in lines if line.count("\t") >= 3]
        frame = pd.DataFrame({"target": [r[1] for r in rows], "text": [r[2] for r in rows]})
    else:
        frame = pd.read_json(
            Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "quotes_fixture.jsonl",
            lines=True,
        )[["target", "text"]]
    frame = pd.concat([frame] * (n // len(frame) + 1), ignore_index=True).head(n)
    return frame.assign(speaker="", lang="en")


def measure(model, frame: pd.DataFrame, batch: int) -> float:  # type: ignore[no-untyped-def]
    model.predict_proba(frame.head(batch), batch_size=batch)  # warm-up
    start = time.perf_counter()
    model.predict_proba(frame, batch_size=batch)
    return len(frame) / (time.perf_counter() - start)


def benchmark(model_dir: Path, frame: pd.DataFrame) -> list[dict]:
    model = load_model(plain_model_dir(model_dir))
    if model.kind != "bert" or getattr(model, "onnx_session", None) is None:
        raise SystemExit(f"error: {model_dir}: needs a transformer exported with --onnx")
    session = model.onnx_session
    rows = []
    for batch in (1, 32):
        model.onnx_session = None
        torch_rate = measure(model, frame, batch)
        model.onnx_session = session
        onnx_rate = measure(model, frame, batch)
        rows.append(
            {
                "batch": batch,
                "torch": torch_rate,
                "onnx": onnx_rate,
                "ratio": onnx_rate / torch_rate,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="exported folder (--onnx)")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("-n", type=int, default=512, help="quotes per measurement")
    parser.add_argument("--out", type=Path, default=Path("reports/inference.md"))
    args = parser.parse_args(argv)
    rows = benchmark(args.model, quotes(args.data_dir, args.n))
    lines = [
        "# Inference throughput (quotes/s, one process)",
        "",
        "| batch | torch | ONNX Runtime | ONNX / torch |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['batch']} | {r['torch']:.1f} | {r['onnx']:.1f} | {r['ratio']:.2f} |" for r in rows
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    atomic_write_text(args.out, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
