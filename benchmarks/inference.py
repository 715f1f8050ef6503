"""Inference throughput of exported transformers: torch against ONNX Runtime, batch 1 and 32,
and each model against the first one given (e5 against MiniLM), in one process (ratios hold
where absolute times drift on a shared machine).

    quotestance export RUN_ID --out models/bench --onnx
    python benchmarks/inference.py --model models/minilm models/e5 --data-dir ../shared/data
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
                "model": f"{model_dir.name} ({getattr(model.cfg, 'pretrained', '?')})",
                "batch": batch,
                "torch": torch_rate,
                "onnx": onnx_rate,
                "ratio": onnx_rate / torch_rate,
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    """A row per (model, batch); the last two columns: each model's time against the first
    model's at the same batch size, with torch and with ONNX Runtime."""
    first = {r["batch"]: r for r in rows if r["model"] == rows[0]["model"]}
    lines = [
        "# Inference throughput (quotes/s, one process)",
        "",
        "| model | batch | torch | ONNX Runtime | ONNX / torch | time vs first, torch "
        "| time vs first, ONNX |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = first[r["batch"]]
        lines.append(
            f"| {r['model']} | {r['batch']} | {r['torch']:.1f} | {r['onnx']:.1f} | "
            f"{r['ratio']:.2f} | {base['torch'] / r['torch']:.2f}× | "
            f"{base['onnx'] / r['onnx']:.2f}× |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=Path, nargs="+", required=True, help="exported folders (--onnx)"
    )
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("-n", type=int, default=512, help="quotes per measurement")
    parser.add_argument("--out", type=Path, default=Path("reports/inference.md"))
    args = parser.parse_args(argv)
    frame = quotes(args.data_dir, args.n)
    text = table([row for folder in args.model for row in benchmark(folder, frame)])
    print(text)
    atomic_write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
