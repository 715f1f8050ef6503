"""The stance map of a corpus: who (speakers, grouped by affiliation) stands how toward whom
(targets), as a PNG, an interactive self-contained HTML page (click a line to read the quotes
behind it), the edges as CSV and a table per target in Markdown.

It reads what ``quotestance predict`` writes (JSON lines or CSV) and the built dataset
(``data/processed/quotes.jsonl``, which has a stance but no probabilities)."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.errors import InputError, OutputExistsError
from quotestance.io import atomic_write_text, csv_text, restore_cell
from quotestance.log import logger

COLOURS = {"favor": "#1a9850", "against": "#d73027", "neutral": "#9e9e9e"}
NEEDED = ("speaker", "target", "stance")
NUMERIC = ("stance_confidence", "start", "end")
UNAFFILIATED = "unaffiliated"


# -- reading ------------------------------------------------------------------------------


def _read_text(file: Path) -> str:
    if not file.exists():
        raise InputError(file, "no such file")
    if file.is_dir():
        raise InputError(file, "a folder, not a predictions file")
    data = file.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(file, "a binary file, not JSON lines or CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            file, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def _json_rows(file: Path, text: str) -> pd.DataFrame:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(file, f"not valid JSON ({exc.msg})", number) from exc
        if not isinstance(row, dict):
            raise InputError(file, "not a JSON object (one prediction per line)", number)
        rows.append(row)
    return pd.DataFrame(rows)


def _check_delimiter(file: Path, text: str) -> None:
    """A header that only splits into the needed columns on ``;``, tab or ``|`` is a CSV
    written with the wrong delimiter: say so rather than "missing columns"."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    names = {restore_cell(name.strip()) for name in next(csv.reader([header]), [])}
    if set(NEEDED) <= names:
        return
    for delimiter, called in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        split = {restore_cell(n.strip()) for n in next(csv.reader([header], delimiter=delimiter))}
        if len(split) > 1 and (set(NEEDED) <= split or len(names) == 1):
            raise InputError(
                file, f"expected comma-separated values, but the header is separated by {called}"
            )


def _csv_rows(file: Path, text: str) -> pd.DataFrame:
    """The CSV that ``predict --out x.csv`` writes: every string cell went through
    :func:`quotestance.io.neutralise_cell`, so each is restored; an empty cell is null."""
    _check_delimiter(file, text)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise InputError(file, f"not valid CSV ({reason})") from exc
    frame.columns = [restore_cell(str(c)) for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: restore_cell(v) if v != "" else None)
        if column in NUMERIC or column.startswith("stance_prob_"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _filled(column: pd.Series) -> pd.Series:
    return column.notna() & (column.astype(str).str.strip() != "")


def read_predictions(path: str | Path) -> tuple[pd.DataFrame, int]:
    """The rows to draw and how many rows were skipped for lack of a speaker, a target or a
    stance. ``.csv`` is read as CSV, anything else as JSON lines."""
    file = Path(path)
    text = _read_text(file)
    if not text.strip():
        raise InputError(file, "no predictions (the file is empty)")
    frame = _csv_rows(file, text) if file.suffix.lower() == ".csv" else _json_rows(file, text)
    if frame.empty:
        raise InputError(file, "no predictions (the file has no rows)")
    missing = set(NEEDED) - set(frame.columns)
    if missing:
        raise InputError(
            file, f"needs rows with speaker, target and stance (missing {sorted(missing)})"
        )
    keep = _filled(frame["speaker"]) & _filled(frame["target"]) & _filled(frame["stance"])
    skipped = int((~keep).sum())
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        raise InputError(
            file, f"no rows with a speaker, a target and a stance (all {skipped} lack one)"
        )
    if skipped:
        logger.warning(
            "%s: skipped %d of %d rows without a speaker, a target or a stance",
            file,
            skipped,
            skipped + len(frame),
        )
    for column in NEEDED:
        frame[column] = frame[column].astype(str)
    for column in [c for c in frame.columns if c.startswith("stance_prob_")] + [
        c for c in ("stance_confidence",) if c in frame.columns
    ]:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame[column].notna() & values.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 1
            raise InputError(
                file, f"{column} must be a number, not {frame[column][bad].iloc[0]!r} (row {row})"
            )
        frame[column] = values
    if "affiliation" not in frame:
        frame["affiliation"] = None
    side = frame["affiliation"].where(_filled(frame["affiliation"]), UNAFFILIATED)
    frame["side"] = side.astype(str)
    return frame, skipped


# -- tables -------------------------------------------------------------------------------


def edges(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (speaker, affiliation, target, stance) with its count."""
    return (
        frame.groupby(["side", "speaker", "target", "stance"])
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["side", "speaker", "target"])
    )


def target_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    tables = {}
    for target, part in frame.groupby("target"):
        counts = part.groupby(["side", "speaker", "stance"]).size().unstack(fill_value=0)
        for stance in ("favor", "against", "neutral"):
            if stance not in counts:
                counts[stance] = 0
        table = counts[["favor", "against", "neutral"]].rename_axis(columns=None)
        tables[str(target)] = table.reset_index()
    return tables


def markdown_text(value: Any) -> Any:
    """A name as Markdown shows it and nothing more: no raw HTML (renderers pass it through),
    no table breaks, links or code spans."""
    if not isinstance(value, str):
        return value
    text = html.escape(" ".join(value.splitlines()))
    for char, entity in (("|", "&#124;"), ("[", "&#91;"), ("]", "&#93;"), ("`", "&#96;")):
        text = text.replace(char, entity)
    return text


def targets_markdown(tables: dict[str, pd.DataFrame]) -> str:
    parts = []
    for target, table in tables.items():
        safe = table.astype(object).map(markdown_text)
        parts += [f"## {markdown_text(target)}", "", safe.to_markdown(index=False), ""]
    return "\n".join(parts)


# -- the picture --------------------------------------------------------------------------


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
    # parse_math=False: a "$" in a name is a dollar sign, not the start of a formula
    for (side, speaker), y in y_s.items():
        ax.text(
            -0.02, y, f"{speaker}  [{side}]", ha="right", va="center", fontsize=9, parse_math=False
        )
    for target, y in y_t.items():
        ax.text(
            1.02,
            y,
            target,
            ha="left",
            va="center",
            fontsize=10,
            fontweight="bold",
            parse_math=False,
        )
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


# -- the interactive page -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A cell as JSON can hold it: null for a missing value, Python numbers for numpy's."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text(value: Any) -> str | None:
    value = _plain(value)
    return None if value is None else str(value)


def _side_order(side: str) -> tuple[bool, str]:
    return side == UNAFFILIATED, side.casefold()


def page_data(frame: pd.DataFrame) -> dict[str, Any]:
    """Everything the page draws: speakers (grouped by affiliation), targets (ordered to
    cross fewer lines), edges and, per edge, its quotes with article and stance probability."""
    speakers = sorted(
        dict.fromkeys(zip(frame["side"], frame["speaker"], strict=True)),
        key=lambda s: (*_side_order(s[0]), s[1].casefold()),
    )
    speaker_index = {s: i for i, s in enumerate(speakers)}
    weights: dict[str, list[float]] = {}
    for side, speaker, target in zip(
        frame["side"], frame["speaker"], frame["target"], strict=True
    ):
        weights.setdefault(target, []).append(speaker_index[(side, speaker)])
    targets = sorted(weights, key=lambda t: (sum(weights[t]) / len(weights[t]), t.casefold()))
    target_index = {t: i for i, t in enumerate(targets)}

    prob_columns = [c for c in frame.columns if c.startswith("stance_prob_")]
    quotes = []
    for row in frame.to_dict("records"):
        quote: dict[str, Any] = {
            "text": _text(row.get("text")) or "",
            "article_id": _text(row.get("article_id")),
            "article": _text(row.get("article")),
            "stance": row["stance"],
        }
        probs = {
            c.removeprefix("stance_prob_"): float(v)
            for c in prob_columns
            if (v := _plain(row.get(c))) is not None
        }
        p = probs.get(row["stance"], _plain(row.get("stance_confidence")))
        if p is not None:
            quote["p"] = float(p)
        if probs:
            quote["probs"] = probs
        quotes.append(quote)

    article_ids = [_text(v) or "" for v in frame.get("article_id", [None] * len(frame))]
    starts = [_plain(v) for v in frame.get("start", [None] * len(frame))]

    def reading_order(i: int) -> tuple[str, float, int]:
        start = starts[i]
        return article_ids[i], float(start) if isinstance(start, int | float) else 0.0, i

    keys = list(
        zip(frame["side"], frame["speaker"], frame["target"], frame["stance"], strict=True)
    )
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for i in sorted(range(len(frame)), key=reading_order):
        groups.setdefault(keys[i], []).append(i)
    edge_list = [
        {
            "s": speaker_index[(side, speaker)],
            "t": target_index[target],
            "stance": stance,
            "count": len(rows),
            "quotes": rows,
        }
        for (side, speaker, target, stance), rows in groups.items()
    ]
    edge_list.sort(key=lambda e: (e["s"], e["t"], e["stance"]))
    return {
        "colours": COLOURS,
        "speakers": [{"name": speaker, "side": side} for side, speaker in speakers],
        "targets": [{"name": t} for t in targets],
        "edges": edge_list,
        "quotes": quotes,
    }


def script_json(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``</script>`` or ``<!--`` in a
    quote can end it early, since every ``<``, ``>`` and ``&`` is written as ``\\u003c`` etc."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


STYLE = """
:root{--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa;--focus:#0969da}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);max-width:1320px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:28px 0 8px}
.summary{color:var(--muted);margin:0 0 12px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:0 0 10px;
color:var(--muted);font-size:13px}
.legend .key{display:inline-flex;align-items:center;gap:6px;color:var(--ink)}
.legend .swatch{display:inline-block;width:26px;height:0;border-top:4px solid;border-radius:2px}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:20px;align-items:start}
@media (max-width:960px){.layout{grid-template-columns:1fr}}
.map{border:1px solid var(--line);border-radius:8px;padding:8px;overflow-x:auto;background:#fff}
#map{display:block;max-width:100%;height:auto;margin:0 auto;font-size:13px}
#map .group-band{fill:var(--soft)}
#map .group{fill:var(--muted);font-size:11px;font-weight:600;letter-spacing:.06em;
text-transform:uppercase}
#map .node text{fill:var(--ink);cursor:pointer}
#map .node.target text{font-weight:600;font-size:14px}
#map .node circle{fill:#57606a}
#map .node:focus{outline:none}
#map .node:focus-visible text{text-decoration:underline;fill:var(--focus)}
#map .edge{cursor:pointer}
#map .edge .hit{stroke:transparent;fill:none}
#map .edge .line{fill:none;stroke-linecap:round;stroke-opacity:.78;transition:stroke-opacity .1s}
#map .edge[data-stance=neutral] .line{stroke-opacity:.6}
#map .edge:hover .line{stroke-opacity:1}
#map .edge:hover .hit{stroke:rgba(0,0,0,.05)}
#map .edge:focus{outline:none}
#map .edge:focus-visible .hit{stroke:rgba(9,105,218,.28)}
#map.selecting .edge{opacity:.12}
#map.selecting .edge.on{opacity:1}
#map.selecting .edge.on .line{stroke-opacity:1}
#map.selecting .node text{fill:var(--muted)}
#map.selecting .node.on text{fill:var(--ink);font-weight:700}
.panel{border:1px solid var(--line);border-radius:8px;padding:14px 16px;background:#fff;
position:sticky;top:12px;max-height:calc(100vh - 24px);overflow:auto}
.panel h2{margin:0 0 4px;font-size:18px;overflow-wrap:anywhere}
.panel h3{margin:16px 0 4px;font-size:15px;overflow-wrap:anywhere}
.panel .hint{color:var(--muted);margin:0}
.panel .sub{color:var(--muted);margin:0 0 8px;font-size:13px}
.panel ol{list-style:none;margin:0;padding:0}
.quote{border-top:1px solid var(--line);padding:10px 0}
.quote:first-child{border-top:0}
.quote blockquote{margin:0 0 6px;padding-left:10px;border-left:3px solid var(--line);
overflow-wrap:anywhere}
.quote[data-stance=favor] blockquote{border-left-color:#1a9850}
.quote[data-stance=against] blockquote{border-left-color:#d73027}
.meta{display:flex;flex-wrap:wrap;gap:4px 10px;font-size:12.5px;color:var(--muted)}
.meta code{font-size:12px;color:var(--ink);overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 7px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;background:#6e7781}
.badge.favor{background:#1a9850}.badge.against{background:#d73027}.badge.neutral{background:#8c959f}
button.clear{font:inherit;font-size:12.5px;border:1px solid var(--line);background:var(--soft);
border-radius:6px;padding:2px 8px;cursor:pointer;float:right}
table{border-collapse:collapse;font-size:14px}
td,th{padding:3px 12px;text-align:left;border-bottom:1px solid var(--line)}
tr:nth-child(even) td{background:var(--soft)}
details{margin:18px 0}
details img{width:100%;border:1px solid var(--line);border-radius:8px;margin-top:8px}
"""

SCRIPT = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("stance-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("map");
  const panel = document.getElementById("panel");
  const ROW = 30, GAP = 30, XS = 0, XT = 460, XM = XT / 2;
  const OFFSET = { favor: -4, against: 4, neutral: 0 };

  function svgEl(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    for (const key of Object.keys(attrs)) node.setAttribute(key, String(attrs[key]));
    parent.appendChild(node);
    return node;
  }
  function htmlEl(name, cls, text, parent) {
    const node = document.createElement(name);
    if (cls) node.className = cls;
    if (text !== null && text !== undefined) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // -- layout: speakers grouped by affiliation on the left, targets on the right
  const ys = [];
  const groups = [];
  let y = 0;
  data.speakers.forEach(function (s, i) {
    if (i === 0 || s.side !== data.speakers[i - 1].side) {
      y += GAP;
      groups.push({ side: s.side, first: i, last: i });
    }
    groups[groups.length - 1].last = i;
    ys.push(y);
    y += ROW;
  });
  const speakerHeight = y;
  const height = Math.max(speakerHeight, GAP + data.targets.length * ROW * 1.2);
  const shift = (height - speakerHeight) / 2;
  for (let i = 0; i < ys.length; i++) ys[i] += shift;
  const step = (height - GAP) / data.targets.length;
  const yt = data.targets.map(function (_, j) { return GAP + (j + 0.5) * step - ROW / 2; });

  const bands = svgEl("g", {}, svg);
  const edgeLayer = svgEl("g", { "aria-label": "speaker to target lines" }, svg);
  const nodeLayer = svgEl("g", {}, svg);
  const most = Math.max.apply(null, data.edges.map(function (e) { return e.count; }));

  const speakerNodes = data.speakers.map(function (s, i) {
    const g = svgEl("g", { class: "node speaker", tabindex: 0, role: "button",
      transform: "translate(" + XS + "," + ys[i] + ")" }, nodeLayer);
    g.setAttribute("aria-label", s.name + " (" + s.side + "): all quotes");
    g.setAttribute("data-speaker", s.name);
    svgEl("circle", { r: 4.5 }, g);
    const label = svgEl("text", { x: -12, dy: "0.35em", "text-anchor": "end" }, g);
    label.textContent = s.name;
    g.addEventListener("click", function () { selectNode("s", i); });
    g.addEventListener("keydown", onKey(function () { selectNode("s", i); }));
    return g;
  });
  const targetNodes = data.targets.map(function (t, j) {
    const g = svgEl("g", { class: "node target", tabindex: 0, role: "button",
      transform: "translate(" + XT + "," + yt[j] + ")" }, nodeLayer);
    g.setAttribute("aria-label", t.name + ": all quotes");
    g.setAttribute("data-target", t.name);
    svgEl("circle", { r: 4.5 }, g);
    const label = svgEl("text", { x: 12, dy: "0.35em" }, g);
    label.textContent = t.name;
    g.addEventListener("click", function () { selectNode("t", j); });
    g.addEventListener("keydown", onKey(function () { selectNode("t", j); }));
    return g;
  });

  // thick lines first, so that a thin one on top of them stays clickable
  const drawOrder = data.edges.map(function (_, k) { return k; })
    .sort(function (a, b) { return data.edges[b].count - data.edges[a].count; });
  const edgeNodes = [];
  drawOrder.forEach(function (k) {
    const e = data.edges[k];
    const s = data.speakers[e.s], t = data.targets[e.t];
    const off = OFFSET[e.stance] || 0;
    const y0 = ys[e.s] + off, y1 = yt[e.t] + off;
    const d = "M" + XS + "," + y0 + " C" + XM + "," + y0 + " " + XM + "," + y1 +
      " " + XT + "," + y1;
    const width = 1.5 + 8.5 * e.count / most;
    const label = s.name + " \\u2192 " + t.name + ": " + e.stance + ", " +
      plural(e.count, "quote");
    const g = svgEl("g", { class: "edge", tabindex: 0, role: "button" }, edgeLayer);
    g.setAttribute("aria-label", label);
    g.setAttribute("data-speaker", s.name);
    g.setAttribute("data-target", t.name);
    g.setAttribute("data-stance", e.stance);
    svgEl("title", {}, g).textContent = label;
    svgEl("path", { class: "hit", d: d, "stroke-width": Math.max(14, width + 8) }, g);
    svgEl("path", { class: "line", d: d, stroke: data.colours[e.stance] || "#444",
      "stroke-width": width }, g);
    g.addEventListener("click", function (ev) { ev.stopPropagation(); selectEdge(k); });
    g.addEventListener("keydown", onKey(function () { selectEdge(k); }));
    edgeNodes[k] = g;
  });

  groups.forEach(function (grp) {
    const label = svgEl("text", { class: "group", x: -12, y: ys[grp.first] - 17,
      "text-anchor": "end" }, nodeLayer);
    label.textContent = grp.side;
  });

  // fit the picture to its labels, however long the names are
  const box = svg.getBBox();
  const left = Math.floor(box.x) - 10;
  groups.forEach(function (grp) {
    svgEl("rect", { class: "group-band", x: left + 4, y: ys[grp.first] - 34,
      width: XS - left + 6, height: ys[grp.last] - ys[grp.first] + 50, rx: 6 }, bands);
  });
  const all = svg.getBBox();
  const x0 = Math.min(left, Math.floor(all.x) - 6), y0 = Math.floor(all.y) - 6;
  const w = Math.ceil(all.x + all.width) + 10 - x0, h = Math.ceil(all.y + all.height) + 10 - y0;
  svg.setAttribute("viewBox", x0 + " " + y0 + " " + w + " " + h);
  svg.setAttribute("width", w);
  svg.setAttribute("height", h);

  // -- selection and the quotes panel
  function onKey(action) {
    return function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); action(); }
    };
  }
  function mark(edgeIds) {
    const on = new Set(edgeIds);
    svg.classList.toggle("selecting", edgeIds.length > 0);
    edgeNodes.forEach(function (g, k) { g.classList.toggle("on", on.has(k)); });
    const ss = new Set(), tt = new Set();
    edgeIds.forEach(function (k) { ss.add(data.edges[k].s); tt.add(data.edges[k].t); });
    speakerNodes.forEach(function (g, i) { g.classList.toggle("on", ss.has(i)); });
    targetNodes.forEach(function (g, j) { g.classList.toggle("on", tt.has(j)); });
  }
  function quoteItem(q, list) {
    const li = htmlEl("li", "quote", null, list);
    li.setAttribute("data-stance", q.stance);
    htmlEl("blockquote", null, q.text, li);
    const meta = htmlEl("div", "meta", null, li);
    htmlEl("span", "badge " + q.stance, q.stance, meta);
    if (typeof q.p === "number") {
      htmlEl("span", "prob", "p(" + q.stance + ") = " + q.p.toFixed(2), meta);
    }
    if (q.article_id !== null) {
      const art = htmlEl("span", "article", "article ", meta);
      htmlEl("code", null, q.article_id, art);
      if (q.article) art.title = q.article;
    }
    if (q.probs) {
      const parts = Object.keys(q.probs).map(function (k) {
        return k + " " + q.probs[k].toFixed(2);
      });
      htmlEl("span", "probs", parts.join(" \\u00b7 "), meta);
    }
  }
  function header(title, sub) {
    panel.replaceChildren();
    const clear = htmlEl("button", "clear", "clear", panel);
    clear.type = "button";
    clear.addEventListener("click", clearSelection);
    htmlEl("h2", null, title, panel);
    const p = htmlEl("p", "sub", null, panel);
    sub.forEach(function (part) {
      if (part.badge) htmlEl("span", "badge " + part.badge, part.badge, p);
      else p.appendChild(document.createTextNode(part));
    });
  }
  function selectEdge(k) {
    const e = data.edges[k];
    const s = data.speakers[e.s], t = data.targets[e.t];
    mark([k]);
    header(s.name + " \\u2192 " + t.name,
      [{ badge: e.stance }, "  " + plural(e.count, "quote") + " \\u00b7 " + s.side]);
    const list = htmlEl("ol", null, null, panel);
    e.quotes.forEach(function (q) { quoteItem(data.quotes[q], list); });
  }
  function selectNode(kind, index) {
    const ids = [];
    data.edges.forEach(function (e, k) { if (e[kind] === index) ids.push(k); });
    const node = kind === "s" ? data.speakers[index] : data.targets[index];
    const total = ids.reduce(function (n, k) { return n + data.edges[k].count; }, 0);
    mark(ids);
    header(node.name, [plural(total, "quote") + (kind === "s" ? " \\u00b7 " + node.side : "")]);
    ids.forEach(function (k) {
      const e = data.edges[k];
      const other = kind === "s" ? "\\u2192 " + data.targets[e.t].name
        : data.speakers[e.s].name + " \\u2192";
      const h = htmlEl("h3", null, other + " ", panel);
      htmlEl("span", "badge " + e.stance, e.stance, h);
      const list = htmlEl("ol", null, null, panel);
      e.quotes.forEach(function (q) { quoteItem(data.quotes[q], list); });
    });
  }
  const hint = Array.from(panel.childNodes).map(function (n) { return n.cloneNode(true); });
  function clearSelection() {
    mark([]);
    panel.replaceChildren.apply(panel, hint.map(function (n) { return n.cloneNode(true); }));
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") clearSelection();
  });
  svg.addEventListener("click", function (ev) { if (ev.target === svg) clearSelection(); });
})();
"""


def page(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], png: bytes, skipped: int) -> str:
    """The stance map as one HTML file that works offline: the data as JSON in the page, drawn
    as SVG by a small script; every name and quote is set as text, never parsed as HTML."""
    script = SCRIPT.strip()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    counts = Counter(frame["stance"])
    articles = frame["article_id"].nunique() if "article_id" in frame else None
    summary = (
        f"{len(frame)} quote–target pairs"
        + (f" from {articles} articles" if articles is not None else "")
        + ": "
        + ", ".join(f"{n} {html.escape(s)}" for s, n in sorted(counts.items()))
        + (
            f" ({skipped} rows without a speaker, a target or a stance left out)"
            if skipped
            else ""
        )
        + "."
    )
    legend = "".join(
        f"<span class='key'><span class='swatch' style='border-color:{colour}'></span>{stance}"
        "</span>"
        for stance, colour in COLOURS.items()
    )
    sections = "".join(
        f"<h2>{html.escape(target)}</h2>{t.to_html(index=False, border=0)}"
        for target, t in tables.items()
    )
    image = base64.b64encode(png).decode()
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<link rel='icon' href='data:,'><title>Stance map</title>"
        f"<style>{STYLE.strip()}</style></head><body>"
        f"<h1>Stance map</h1><p class='summary'>{summary}</p>"
        f"<div class='legend'>{legend}<span>line width = number of quotes · speakers grouped "
        "by affiliation · click a line or a name to read its quotes</span></div>"
        "<div class='layout'><div class='map'><svg id='map' role='group' "
        "aria-label='Stance map: speakers on the left, targets on the right' "
        "xmlns='http://www.w3.org/2000/svg'></svg>"
        "<noscript><p>The interactive map needs JavaScript: the picture and the tables "
        "below show the same counts.</p></noscript></div>"
        "<aside id='panel' class='panel' aria-live='polite'><p class='hint'>Click a line "
        "(or Tab to it and press Enter) to read the quotes behind it, with their article and "
        "stance probability; click a name for all of its quotes. Esc clears.</p></aside></div>"
        f"<details><summary>The same map as a picture (stance_map.png)</summary>"
        f"<img alt='stance map' src='data:image/png;base64,{image}'></details>"
        f"<h1>By target</h1>{sections}"
        f"<script type='application/json' id='stance-data'>{script_json(page_data(frame))}"
        f"</script><script>{script}</script></body></html>"
    )


REPORT_FILES = ("stance_map.png", "stance_map.html", "edges.csv", "targets.md")


def write_report(predictions: str | Path, out: str | Path, force: bool = False) -> dict[str, Any]:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "not a folder (--out names the folder for the report)")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise OutputExistsError(folder)
    source = Path(predictions).resolve()
    if source.parent == folder.resolve() and source.name in REPORT_FILES:
        raise InputError(predictions, "is one of the report's own files; choose another --out")
    frame, skipped = read_predictions(predictions)
    folder.mkdir(parents=True, exist_ok=True)
    table = edges(frame)
    png = draw(table, folder / "stance_map.png")
    tables = target_tables(frame)
    atomic_write_text(folder / "targets.md", targets_markdown(tables))
    # object columns: csv_text neutralises the cells of object columns only
    atomic_write_text(folder / "edges.csv", csv_text(table.astype(object)))
    atomic_write_text(folder / "stance_map.html", page(frame, tables, png.read_bytes(), skipped))
    return {"pairs": len(frame), "edges": len(table), "targets": len(tables), "skipped": skipped}
