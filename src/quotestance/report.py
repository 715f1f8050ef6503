"""The stance map of a corpus: who (speakers, grouped by affiliation) stands how toward whom
(targets), as a PNG, a self-contained HTML page, and a table per target."""

from __future__ import annotations

import base64
import html
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.errors import InputError, OutputExistsError
from quotestance.io import atomic_write_text

COLOURS = {"favor": "#1a9850", "against": "#d73027", "neutral": "#9e9e9e"}


def read_predictions(path: str | Path) -> pd.DataFrame:
    file = Path(path)
    if not file.exists():
        raise InputError(file, "no such file")
    rows = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(file, f"not valid JSON ({exc.msg})", number) from exc
    frame = pd.DataFrame(rows)
    missing = {"speaker", "target", "stance"} - set(frame.columns)
    if frame.empty or missing:
        raise InputError(
            file, f"needs rows with speaker, target and stance (missing {sorted(missing)})"
        )
    frame = frame[frame["speaker"].notna() & frame["stance"].notna()].copy()
    if "affiliation" not in frame:
        frame["affiliation"] = None
    frame["side"] = frame["affiliation"].fillna("unaffiliated")
    return frame


def edges(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (speaker, affiliation, target, stance) with its count."""
    return (
        frame.groupby(["side", "speaker", "target", "stance"])
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["side", "speaker", "target"])
    )


def draw(edge_table: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    speakers = list(
        dict.fromkeys(
            (r.side, r.speaker) for r in edge_table.sort_values(["side", "speaker"]).itertuples()
        )
    )
    targets = sorted(edge_table["target"].unique())
    height = max(len(speakers), len(targets))
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.45 * height))
    y_s = (
        {
            s: height - 1 - i * (height - 1) / max(1, len(speakers) - 1)
            for i, s in enumerate(speakers)
        }
        if len(speakers) > 1
        else {speakers[0]: height / 2}
    )
    y_t = (
        {
            t: height - 1 - i * (height - 1) / max(1, len(targets) - 1)
            for i, t in enumerate(targets)
        }
        if len(targets) > 1
        else {targets[0]: height / 2}
    )
    most = edge_table["count"].max()
    offsets = {"favor": -0.08, "against": 0.08, "neutral": 0.0}
    for r in edge_table.itertuples():
        y0 = y_s[(r.side, r.speaker)] + offsets.get(r.stance, 0)
        y1 = y_t[r.target] + offsets.get(r.stance, 0)
        ax.plot(
            [0, 1],
            [y0, y1],
            color=COLOURS.get(r.stance, "black"),
            linewidth=1 + 5 * r.count / most,
            alpha=0.75 if r.stance != "neutral" else 0.35,
        )
    for (side, speaker), y in y_s.items():
        ax.text(-0.02, y, f"{speaker}  [{side}]", ha="right", va="center", fontsize=9)
    for target, y in y_t.items():
        ax.text(1.02, y, target, ha="left", va="center", fontsize=10, fontweight="bold")
    for stance, colour in COLOURS.items():
        ax.plot([], [], color=colour, linewidth=3, label=stance)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False)
    ax.set_xlim(-0.9, 1.5)
    ax.set_ylim(-1, height)
    ax.axis("off")
    ax.set_title("Stance map: speaker [affiliation] → target (line width = number of quotes)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def target_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    tables = {}
    for target, part in frame.groupby("target"):
        counts = part.groupby(["side", "speaker", "stance"]).size().unstack(fill_value=0)
        for stance in ("favor", "against", "neutral"):
            if stance not in counts:
                counts[stance] = 0
        tables[str(target)] = counts[["favor", "against", "neutral"]].reset_index()
    return tables


def write_report(predictions: str | Path, out: str | Path, force: bool = False) -> dict[str, Any]:
    folder = Path(out)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise OutputExistsError(folder)
    frame = read_predictions(predictions)
    if frame.empty:
        raise InputError(predictions, "no rows with a speaker and a stance to draw")
    folder.mkdir(parents=True, exist_ok=True)
    table = edges(frame)
    png = draw(table, folder / "stance_map.png")
    tables = target_tables(frame)
    markdown = []
    for target, t in tables.items():
        markdown += [f"## {target}", "", t.to_markdown(index=False), ""]
    atomic_write_text(folder / "targets.md", "\n".join(markdown))
    table.to_csv(folder / "edges.csv", index=False)
    image = base64.b64encode(png.read_bytes()).decode()
    sections = "".join(
        f"<h2>{html.escape(target)}</h2>{t.to_html(index=False, border=0)}"
        for target, t in tables.items()
    )
    counts = Counter(frame["stance"])
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Stance map</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}"
        "tr:nth-child(even){background:#f3f3f3}</style></head><body>"
        f"<h1>Stance map</h1><p>{len(frame)} quote–target pairs from "
        f"{frame['article_id'].nunique() if 'article_id' in frame else '?'} articles: "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        + f"</p><img alt='stance map' src='data:image/png;base64,{image}' style='width:100%'>"
        f"<h1>By target</h1>{sections}</body></html>"
    )
    atomic_write_text(folder / "stance_map.html", page)
    return {"pairs": len(frame), "edges": len(table), "targets": len(tables)}
