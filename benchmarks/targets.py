"""Who said what about whom: quotes, speakers and targets against the hand-annotated articles.

    python benchmarks/targets.py [--data-dir ../shared/data] [--split test|dev|all]
        [--sources polnear bbc] [--model DIR_OR_RUN] [--claim-model DIR_OR_RUN] [--list]

The gold sets are benchmarks/gold/<source>.jsonl, one line per (quote, target) pair and one
with target null for a quote without a target (how the articles were chosen:
benchmarks/gold/SELECTION.md). The article texts are read from --data-dir; nothing from them
is copied into the project. Prints Markdown tables and writes them to reports/targets.md.

Quotes: a system quote matches a gold quote when its segments cover at least 30% of the gold
span's characters; one-to-one, the pairs sharing most characters first. Targets: the names
(normalised by ``normalise_name``: one gazetteer entity is one name) of a matched gold
quote's targets against those of its system quote. ``--model``/``--claim-model`` add
stance and claim type on the pairs found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from quotestance.entities import load_entities
from quotestance.errors import QuotestanceError
from quotestance.experiments.data import GOLD_FOLDERS
from quotestance.extract import analyse_file
from quotestance.extract.evaluate import length, overlap
from quotestance.io import atomic_write_text
from quotestance.labels import CLAIM_TYPES, STANCES
from quotestance.predict import apply, load_predictor, pair_row, targets_of

GOLD_DIR = Path(__file__).resolve().parent / "gold"
TRACKING_URI = "sqlite:///mlruns/mlflow.db"
THRESHOLD = 0.3
SPLITS = ("test", "dev")
CUE_CLASSES = ("speech", "written", "thought", "plan", "source", "question")
SPEECH = ("speech", "written")
TARGET_TYPES = ("person", "party", "organisation", "country", "place")
# Titles dropped in front of a name; "Lord" stays: the annotation keeps peers' titles.
TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir"})
QUOTE_MARKS = ('"', "“", "”")
GOLD_KEYS = (
    "split",
    "article",
    "quote_start",
    "quote_end",
    "speaker",
    "cue",
    "cue_class",
    "target",
    "target_type",
    "target_mention_start",
    "target_mention_end",
    "stance",
    "claim_type",
)

Span = tuple[int, int]


@dataclass(frozen=True)
class Source:
    """A gold set: its folder under --data-dir and SELECTION.md's rule for its articles."""

    folder: str
    pattern: str
    sizes: tuple[tuple[str, int], ...]


SOURCES = {
    "polnear": Source(GOLD_FOLDERS["polnear"], "train/text/*.txt", (("test", 15), ("dev", 15))),
    "bbc": Source(GOLD_FOLDERS["bbc"], "politics/*.txt", (("test", 10), ("dev", 12))),
}


# -- the records compared --------------------------------------------------------------------


@dataclass
class GoldTarget:
    name: str
    type: str | None = None
    mention: Span | None = None
    stance: str | None = None
    claim_type: str | None = None


@dataclass
class GoldQuote:
    start: int
    end: int
    speaker: str | None = None
    cue_class: str = "speech"
    targets: list[GoldTarget] = field(default_factory=list)
    source: str = ""
    split: str = "test"
    article: str = ""
    cue: str | None = None


@dataclass
class SystemTarget:
    name: str
    start: int
    end: int
    found: Any = None  # the predict.Target it stands for


@dataclass
class SystemQuote:
    segments: list[Span]
    speaker: str | None = None
    targets: list[SystemTarget] = field(default_factory=list)
    cue_class: str | None = None
    found: Any = None  # the extract.Quote it stands for


@dataclass
class Pair:
    """A (quote, target) pair found by both: gold and system sides, and model predictions."""

    gold: GoldTarget
    target: SystemTarget
    quote: SystemQuote
    path: Path | None = None
    stance: str | None = None
    claim_type: str | None = None


# -- matching --------------------------------------------------------------------------------


def normalise_name(name: str | None) -> str | None:
    """The gazetteer's name where the name is one of its aliases ("State Department" and
    "United States Department of State" are one entity), then case-folded, spaces collapsed,
    without a leading "the" or title (Mr, Mrs, Ms, Dr, Sir; Lord stays)."""
    if name is None:
        return None
    entity = load_entities().lookup(" ".join(name.split()), "en")
    words = (entity.name if entity is not None else name).casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[0].rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def covered(segments: Sequence[Span], start: int, end: int) -> int:
    """Characters of the span [start, end) that the segments cover."""
    return overlap(list(segments), [(start, end)])


def match_quotes(
    system: Sequence[Sequence[Span]], gold: Sequence[Span], threshold: float = THRESHOLD
) -> list[tuple[int, int]]:
    """One-to-one (system index, gold index) pairs: a system quote's segments must cover at
    least ``threshold`` of the gold span's characters; most covered characters first, then
    the larger share of the gold span, then text order."""
    candidates = []
    for i, segments in enumerate(system):
        for j, (start, end) in enumerate(gold):
            shared = covered(segments, start, end)
            size = length([(start, end)])
            if shared and size and shared / size >= threshold:
                candidates.append((-shared, -shared / size, i, j))
    used_system: set[int] = set()
    used_gold: set[int] = set()
    pairs = []
    for _shared, _share, i, j in sorted(candidates):
        if i in used_system or j in used_gold:
            continue
        used_system.add(i)
        used_gold.add(j)
        pairs.append((i, j))
    return sorted(pairs, key=lambda p: p[1])


def speaker_agrees(system: str | None, gold: str | None) -> bool:
    """Same name after normalisation; a gold quote without speaker wants none."""
    if gold is None:
        return system is None
    return system is not None and normalise_name(system) == normalise_name(gold)


def by_name(targets: Iterable[Any]) -> dict[str, Any]:
    """The first target of each normalised name."""
    found: dict[str, Any] = {}
    for t in targets:
        found.setdefault(normalise_name(t.name) or "", t)
    return found


@dataclass
class TargetScore:
    """Targets of one matched quote pair."""

    gold: int = 0
    system: int = 0
    tp: int = 0
    agree_total: int = 0  # gold mentions that a system target's mention overlaps
    agree_same: int = 0  # ... of which the names agree
    pairs: list[tuple[GoldTarget, SystemTarget]] = field(default_factory=list)
    gold_types: Counter[str] = field(default_factory=Counter)
    tp_types: Counter[str] = field(default_factory=Counter)


def score_targets(gold: Sequence[GoldTarget], system: Sequence[SystemTarget]) -> TargetScore:
    gold_names = by_name(gold)
    system_names = by_name(system)
    result = TargetScore(gold=len(gold_names), system=len(system_names))
    for name, g in gold_names.items():
        result.gold_types[g.type or "unknown"] += 1
        if name in system_names:
            result.tp += 1
            result.tp_types[g.type or "unknown"] += 1
            result.pairs.append((g, system_names[name]))
        if g.mention is None:
            continue
        touching = [s for s in system if overlap([(s.start, s.end)], [g.mention])]
        if touching:
            result.agree_total += 1
            result.agree_same += any(normalise_name(s.name) == name for s in touching)
    return result


# -- tallies ---------------------------------------------------------------------------------


@dataclass
class Tally:
    articles: int = 0
    gold_quotes: int = 0
    system_quotes: int = 0
    matched: int = 0
    speaker_correct: int = 0
    gold_pairs: int = 0
    system_pairs: int = 0
    matched_gold_pairs: int = 0
    matched_system_pairs: int = 0
    tp: int = 0
    agree_total: int = 0
    agree_same: int = 0
    class_gold: Counter[str] = field(default_factory=Counter)
    class_matched: Counter[str] = field(default_factory=Counter)
    class_system: Counter[str] = field(default_factory=Counter)  # system quotes with a class
    class_system_matched: Counter[str] = field(default_factory=Counter)
    type_gold: Counter[str] = field(default_factory=Counter)
    type_matched_gold: Counter[str] = field(default_factory=Counter)
    type_tp: Counter[str] = field(default_factory=Counter)
    pairs: list[Pair] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for key in self.__dataclass_fields__:
            mine = getattr(self, key)
            if isinstance(mine, Counter):
                mine.update(getattr(other, key))
            elif isinstance(mine, list):
                mine.extend(getattr(other, key))
            else:
                setattr(self, key, mine + getattr(other, key))

    @property
    def quote_precision(self) -> float:
        return ratio(self.matched, self.system_quotes)

    @property
    def quote_recall(self) -> float:
        return ratio(self.matched, self.gold_quotes)

    @property
    def speaker_accuracy(self) -> float:
        return ratio(self.speaker_correct, self.matched)


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_article(
    gold: Sequence[GoldQuote], system: Sequence[SystemQuote], path: Path | None = None
) -> Tally:
    """Quotes, speakers and targets of one article."""
    tally = Tally(articles=1, gold_quotes=len(gold), system_quotes=len(system))
    for g in gold:
        tally.class_gold[g.cue_class] += 1
        names = by_name(g.targets)
        tally.gold_pairs += len(names)
        for t in names.values():
            tally.type_gold[t.type or "unknown"] += 1
    for s in system:
        tally.system_pairs += len(by_name(s.targets))
        if s.cue_class is not None:
            tally.class_system[s.cue_class] += 1
    for i, j in match_quotes([s.segments for s in system], [(g.start, g.end) for g in gold]):
        g, s = gold[j], system[i]
        tally.matched += 1
        tally.class_matched[g.cue_class] += 1
        if s.cue_class is not None:
            tally.class_system_matched[s.cue_class] += 1
        tally.speaker_correct += speaker_agrees(s.speaker, g.speaker)
        t = score_targets(g.targets, s.targets)
        tally.matched_gold_pairs += t.gold
        tally.matched_system_pairs += t.system
        tally.tp += t.tp
        tally.agree_total += t.agree_total
        tally.agree_same += t.agree_same
        tally.type_matched_gold.update(t.gold_types)
        tally.type_tp.update(t.tp_types)
        tally.pairs += [Pair(gt, st, s, path) for gt, st in t.pairs]
    return tally


# -- gold files and articles -----------------------------------------------------------------


class BenchmarkError(Exception):
    """A problem with the inputs: one line, exit status 2."""


def gold_rows(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) of a gold file, each row a JSON object with every key of
    ``GOLD_KEYS``; anything else is a BenchmarkError naming the file and line."""
    if not file.is_file():
        raise BenchmarkError(f"{file}: no such gold file")
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            missing = [k for k in GOLD_KEYS if k not in row]
        except (ValueError, TypeError) as exc:
            raise BenchmarkError(f"{file}:{number}: not a gold row ({exc})") from exc
        if missing:
            raise BenchmarkError(f"{file}:{number}: not a gold row (no {', '.join(missing)})")
        yield number, row


def read_gold(file: Path, source: str) -> list[GoldQuote]:
    """The gold quotes of one file, each with its targets, in file order."""
    quotes: dict[tuple[str, int, int], GoldQuote] = {}
    for number, row in gold_rows(file):
        try:
            key = (row["article"], int(row["quote_start"]), int(row["quote_end"]))
        except (ValueError, TypeError, AttributeError) as exc:
            raise BenchmarkError(f"{file}:{number}: not a gold row ({exc})") from exc
        quote = quotes.setdefault(
            key,
            GoldQuote(
                start=key[1],
                end=key[2],
                speaker=row["speaker"],
                cue_class=row["cue_class"],
                source=source,
                split=row["split"],
                article=row["article"],
                cue=row["cue"],
            ),
        )
        if row["target"] is None:
            continue
        start, end = row["target_mention_start"], row["target_mention_end"]
        quote.targets.append(
            GoldTarget(
                row["target"],
                row["target_type"],
                None if start is None or end is None else (int(start), int(end)),
                row["stance"],
                row["claim_type"],
            )
        )
    return list(quotes.values())


def selected_by_rule(folder: Path, source: Source) -> dict[str, list[str]]:
    """SELECTION.md's rule: candidates by the SHA-256 of their relative path, skipping files
    without a quotation mark, the first ones for test and the next for dev."""
    candidates = sorted(
        (p.relative_to(folder).as_posix() for p in folder.glob(source.pattern)),
        key=lambda rel: hashlib.sha256(rel.encode("utf-8")).hexdigest(),
    )
    wanted = sum(n for _, n in source.sizes)
    chosen: list[str] = []
    for rel in candidates:
        if len(chosen) == wanted:
            break
        if any(m in (folder / rel).read_text(encoding="utf-8") for m in QUOTE_MARKS):
            chosen.append(rel)
    out: dict[str, list[str]] = {}
    for split, n in source.sizes:
        out[split], chosen = chosen[:n], chosen[n:]
    return out


def check_offsets(raw: str, text: str, quotes: Iterable[GoldQuote]) -> list[str]:
    """Gold spans that read differently in the file's text and in read_article's text."""
    problems = []
    for q in quotes:
        spans = [("quote", (q.start, q.end))]
        spans += [(f"mention of {t.name}", t.mention) for t in q.targets if t.mention]
        for what, (s, e) in spans:
            if e > len(raw) or e > len(text) or raw[s:e] != text[s:e]:
                problems.append(f"{q.article} {what} {s}-{e}: {raw[s:e][:40]!r}")
    return problems


def system_quotes(analysis: Any) -> list[SystemQuote]:
    """The extracted quotes with their targets, as the fields the benchmark compares."""
    return [
        SystemQuote(
            segments=[(int(s), int(e)) for s, e in q.segments],
            speaker=q.speaker,
            targets=[SystemTarget(t.name, t.start, t.end, t) for t in found],
            cue_class=getattr(q, "cue_class", None),
            found=q,
        )
        for q, found in zip(analysis.quotes, targets_of(analysis), strict=True)
    ]


# -- stance and claim type -------------------------------------------------------------------


def predict_pairs(pairs: list[Pair], model: Any, column: str) -> None:
    rows = [pair_row(p.path, p.quote.found, p.target.found) for p in pairs]
    apply(rows, model, column)
    for p, row in zip(pairs, rows, strict=True):
        setattr(p, column, row[column])


# -- tables ----------------------------------------------------------------------------------


def cell(part: int, whole: int) -> str:
    return f"{ratio(part, whole):.3f} ({part}/{whole})" if whole else "–"


def quote_table(groups: list[tuple[str, Tally]]) -> list[str]:
    rows = [
        "| source | articles | gold quotes | system quotes | matched | P | R | F1 | "
        "speaker acc. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t in groups:
        p, r = t.quote_precision, t.quote_recall
        rows.append(
            f"| {name} | {t.articles} | {t.gold_quotes} | {t.system_quotes} | {t.matched} | "
            f"{p:.3f} | {r:.3f} | {f1(p, r):.3f} | {cell(t.speaker_correct, t.matched)} |"
        )
    return rows


def target_table(groups: list[tuple[str, Tally]]) -> list[str]:
    rows = [
        "| source | gold pairs | system pairs | TP | on matched quotes: gold / system | "
        "P matched | R matched | P end to end | R end to end | F1 end to end | "
        "name agreement |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t in groups:
        pm, rm = ratio(t.tp, t.matched_system_pairs), ratio(t.tp, t.matched_gold_pairs)
        pe, re_ = ratio(t.tp, t.system_pairs), ratio(t.tp, t.gold_pairs)
        rows.append(
            f"| {name} | {t.gold_pairs} | {t.system_pairs} | {t.tp} | "
            f"{t.matched_gold_pairs} / {t.matched_system_pairs} | {pm:.3f} | {rm:.3f} | "
            f"{pe:.3f} | {re_:.3f} | {f1(pe, re_):.3f} | {cell(t.agree_same, t.agree_total)} |"
        )
    return rows


def class_tables(groups: list[tuple[str, Tally]]) -> list[str]:
    names = [n for n, _ in groups]
    rows = [
        "Quote recall per gold cue class (found/gold):",
        "",
        "| cue class | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    seen = {c for _, t in groups for c in t.class_gold}
    for c in [*CUE_CLASSES, *sorted(seen - set(CUE_CLASSES))]:
        if c in seen:
            cells = [cell(t.class_matched[c], t.class_gold[c]) for _, t in groups]
            rows.append(f"| {c} | " + " | ".join(cells) + " |")
    speech = [
        cell(sum(t.class_matched[c] for c in SPEECH), sum(t.class_gold[c] for c in SPEECH))
        for _, t in groups
    ]
    rows.append("| speech only (speech + written) | " + " | ".join(speech) + " |")
    system = {c for _, t in groups for c in t.class_system}
    if system:
        rows += [
            "",
            "Quote precision per system cue class (matched/system):",
            "",
            "| cue class | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for c in [*CUE_CLASSES, *sorted(system - set(CUE_CLASSES))]:
            if c in system:
                cells = [cell(t.class_system_matched[c], t.class_system[c]) for _, t in groups]
                rows.append(f"| {c} | " + " | ".join(cells) + " |")
    else:
        rows += ["", "(No precision per cue class: the system's quotes carry no cue class.)"]
    return rows


def type_table(groups: list[tuple[str, Tally]]) -> list[str]:
    names = [n for n, _ in groups]
    rows = [
        "Target recall per gold target type, end to end (TP/gold pairs); the last column on "
        "matched quotes only:",
        "",
        "| target type | " + " | ".join(names) + f" | {names[-1]}, matched quotes |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    seen = {c for _, t in groups for c in t.type_gold}
    last = groups[-1][1]
    for c in [*TARGET_TYPES, *sorted(seen - set(TARGET_TYPES))]:
        if c in seen:
            cells = [cell(t.type_tp[c], t.type_gold[c]) for _, t in groups]
            cells.append(cell(last.type_tp[c], last.type_matched_gold[c]))
            rows.append(f"| {c} | " + " | ".join(cells) + " |")
    return rows


def label_tables(
    groups: list[tuple[str, Tally]], columns: list[tuple[str, tuple[str, ...]]]
) -> list[str]:
    from quotestance.evaluation import confusion, metrics

    head = "| source | TP pairs |"
    for column, _ in columns:
        head += f" {column} macro-F1 | {column} accuracy |"
    rows = [head, "|---|---|" + "---|---|" * len(columns)]
    for name, t in groups:
        line = f"| {name} | {len(t.pairs)} |"
        for column, labels in columns:
            gold = [getattr(p.gold, column) or "" for p in t.pairs]
            pred = [getattr(p, column) or "" for p in t.pairs]
            m = metrics(gold, pred, labels) if t.pairs else {"macro_f1": 0.0, "accuracy": 0.0}
            line += f" {m['macro_f1']:.3f} | {m['accuracy']:.3f} |"
        rows.append(line)
    name, t = groups[-1]
    for column, labels in columns:
        gold = [getattr(p.gold, column) or "" for p in t.pairs]
        pred = [getattr(p, column) or "" for p in t.pairs]
        matrix = confusion(gold, pred, labels) if t.pairs else None
        n = len(labels)
        rows += [
            "",
            f"{column} confusion on the TP pairs of {name} (rows gold, columns predicted):",
            "",
            "| gold \\ predicted | " + " | ".join(labels) + " |",
            "|---|" + "---|" * len(labels),
        ]
        for i, label in enumerate(labels):
            counts = [str(int(matrix[i][j])) if matrix is not None else "0" for j in range(n)]
            rows.append(f"| {label} | " + " | ".join(counts) + " |")
    return rows


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Article:
    source: str
    split: str
    path: Path
    gold: list[GoldQuote]


def load(data_dir: Path, sources: list[str], splits: list[str], gold_dir: Path) -> list[Article]:
    if not data_dir.is_dir():
        raise BenchmarkError(f"{data_dir}: no such data folder; pass --data-dir")
    articles: list[Article] = []
    for name in sources:
        source = SOURCES[name]
        folder = data_dir / source.folder
        if not folder.is_dir():
            raise BenchmarkError(f"{folder}: no such folder (the {name} articles)")
        by_article: dict[str, list[GoldQuote]] = defaultdict(list)
        for q in read_gold(gold_dir / f"{name}.jsonl", name):
            if q.split in splits:
                by_article[q.article].append(q)
        for rel, quotes in by_article.items():
            path = folder / rel
            if not path.is_file():
                raise BenchmarkError(f"{path}: gold article not found")
            articles.append(Article(name, quotes[0].split, path, quotes))
    return articles


def selection_check(data_dir: Path, sources: list[str], splits: list[str], gold_dir: Path) -> str:
    """Whether the gold files hold the articles SELECTION.md's rule picks."""
    differences = []
    for name in sources:
        source = SOURCES[name]
        rule = selected_by_rule(data_dir / source.folder, source)
        gold = read_gold(gold_dir / f"{name}.jsonl", name)
        for split in splits:
            annotated = {q.article for q in gold if q.split == split}
            picked = set(rule.get(split, []))
            differences += [
                f"{name} {split}: {a} not annotated" for a in sorted(picked - annotated)
            ]
            differences += [
                f"{name} {split}: {a} not picked by the rule" for a in sorted(annotated - picked)
            ]
    if not differences:
        return "the gold files hold exactly the articles SELECTION.md's rule picks"
    return "differs from SELECTION.md's rule: " + "; ".join(differences)


def evaluate(articles: list[Article]) -> tuple[dict[tuple[str, str], Tally], list[str]]:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    problems: list[str] = []
    for article in articles:
        try:
            with open(article.path, encoding="utf-8") as handle:  # the gold offsets' reading
                raw = handle.read()
            analysis = analyse_file(article.path, "en")
        except (OSError, UnicodeDecodeError, QuotestanceError) as exc:
            raise BenchmarkError(f"{article.path}: cannot read the article ({exc})") from exc
        problems += check_offsets(raw, analysis.article.text, article.gold)
        tally = score_article(article.gold, system_quotes(analysis), article.path)
        tallies[(article.source, article.split)].add(tally)
    return dict(tallies), problems


def throughput(paths: list[Path], repeats: int = 2) -> tuple[float, float]:
    """Seconds for extraction alone and for extraction + targets_of, the faster of
    ``repeats`` passes each (interleaved, after the scoring pass has warmed up)."""
    alone: list[float] = []
    both: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        for path in paths:
            analyse_file(path, "en")
        alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        for path in paths:
            targets_of(analyse_file(path, "en"))
        both.append(time.perf_counter() - start)
    return min(alone), min(both)


def groups_for(
    tallies: dict[tuple[str, str], Tally],
    sources: Sequence[str],
    splits: Sequence[str],
    labels: dict[str, str] | None = None,
    skip_empty: bool = False,
) -> list[tuple[str, Tally]]:
    """One tally per source (named by ``labels`` where given) over the splits, then "all";
    ``skip_empty`` leaves out a source without articles in those splits."""
    groups: list[tuple[str, Tally]] = []
    total = Tally()
    for name in sources:
        t = Tally()
        for split in splits:
            t.add(tallies.get((name, split), Tally()))
        if skip_empty and not t.articles:
            continue
        groups.append(((labels or {}).get(name, name), t))
        total.add(t)
    groups.append(("all", total))
    return groups


SPLIT_NOTES = {
    "test": "The headline numbers: nothing was tuned on these articles.",
    "dev": "Rules and models may be tuned on the dev articles only, so these numbers are "
    "optimistic once anything was tuned.",
    "all": "Test and dev articles together.",
}

METRICS = """\
What the numbers mean:

- **Quotes**: a system quote matches a gold quote when its segments cover at least 30% of the
  gold span's characters, one-to-one, the pairs sharing most characters first. P = matched /
  system quotes, R = matched / gold quotes. Speaker acc. = matched quotes whose system speaker
  equals the gold speaker after normalisation (case-folded, spaces collapsed, no leading
  "the", no Mr/Mrs/Ms/Dr/Sir; Lord kept); a gold quote without speaker wants none.
- **Targets**: the distinct normalised names of a quote's targets. TP = names in both a
  matched gold quote and its system quote. P/R matched = TP / system, gold targets of matched
  quotes; P/R end to end = TP / all system, gold (quote, target) pairs (targets of unfound
  quotes are misses, those of spurious quotes false alarms). Name agreement = of the gold
  targets of matched quotes whose mention a system target's mention overlaps, the share where
  one such system target has the gold name (gold mentions outside the quote or without
  offsets never count). Issue goal: R ≥ 0.85 at P ≥ 0.85, name agreement ≥ 0.9.
- **Stance, claim type** (with --model, --claim-model): on the TP pairs, the model's label
  against the gold label of the pair; macro-F1 over all labels of the task.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--gold-dir", type=Path, default=GOLD_DIR)
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), choices=list(SOURCES))
    parser.add_argument("--model", help="stance model: a folder, a run id or models:/NAME@ALIAS")
    parser.add_argument("--claim-model", help="claim-type model, as --model")
    parser.add_argument(
        "--tracking-uri", default=os.environ.get("MLFLOW_TRACKING_URI", TRACKING_URI)
    )
    parser.add_argument("--list", action="store_true", help="print the article paths and exit")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("reports/targets.md"))
    args = parser.parse_args(argv)
    splits = list(SPLITS) if args.split == "all" else [args.split]
    sources = list(dict.fromkeys(args.sources))
    try:
        if args.list:
            for name in sources:
                quotes = read_gold(args.gold_dir / f"{name}.jsonl", name)
                for rel in dict.fromkeys(q.article for q in quotes if q.split in splits):
                    print(args.data_dir / SOURCES[name].folder / rel)
            return 0
        articles = load(args.data_dir, sources, splits, args.gold_dir)
        selection = selection_check(args.data_dir, sources, splits, args.gold_dir)
        tallies, offset_problems = evaluate(articles)
        columns: list[tuple[str, tuple[str, ...]]] = []
        pairs = [p for t in tallies.values() for p in t.pairs]
        if args.model:
            predict_pairs(pairs, load_predictor(args.model, "stance", args.tracking_uri), "stance")
            columns.append(("stance", STANCES))
        if args.claim_model:
            model = load_predictor(args.claim_model, "claim", args.tracking_uri)
            predict_pairs(pairs, model, "claim_type")
            columns.append(("claim_type", CLAIM_TYPES))
    except (BenchmarkError, QuotestanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sections = ["# Targets benchmark: who said what about whom", ""]
    views = [(s, [s]) for s in splits] + ([("all", splits)] if len(splits) > 1 else [])
    for view, view_splits in views:
        groups = groups_for(tallies, sources, view_splits)
        sections += [f"## {view.capitalize()} split" if view != "all" else "## All splits", ""]
        sections += [SPLIT_NOTES[view], "", "### Quotes and speakers", ""]
        sections += [*quote_table(groups), "", *class_tables(groups), ""]
        sections += ["### Targets", "", *target_table(groups), "", *type_table(groups), ""]
        if columns:
            sections += ["### Stance and claim type on the TP pairs", ""]
            sections += [*label_tables(groups, columns), ""]
    if not args.skip_throughput:
        paths = [a.path for a in articles]
        alone, both = throughput(paths)
        sections += [
            "## Throughput (one process; the faster of 2 passes each)",
            "",
            "| run | articles | seconds | articles/s |",
            "|---|---|---|---|",
            f"| extraction | {len(paths)} | {alone:.2f} | {len(paths) / alone:.1f} |",
            f"| extraction + targets_of | {len(paths)} | {both:.2f} | {len(paths) / both:.1f} |",
            "",
            f"Targets cost {both / alone - 1:+.1%} of extraction time (ratio {both / alone:.3f}; "
            "the issue allows at most 1.10).",
            "",
        ]
    if offset_problems:
        offsets = f"{len(offset_problems)} gold spans read differently: " + "; ".join(
            offset_problems[:10]
        )
    else:
        offsets = (
            "every gold quote and mention span reads the same in the file's text and in "
            "read_article's text"
        )
    sections += [
        "## Checks",
        "",
        f"- Articles: {selection}.",
        f"- Offsets: {offsets}.",
        "",
        METRICS,
    ]
    report = "\n".join(sections)
    print(report)
    atomic_write_text(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
