"""Norwegian quotes and speakers against the hand-annotated NorNE articles.

    python benchmarks/norwegian.py --data-dir ../shared/data [--split test|dev|all] [--list]

The articles are cut from the NDT/NorNE newspaper files and chosen by the fixed rule of
benchmarks/norne.py (benchmarks/gold/SELECTION.md), written as .txt files to
data/interim/norne_articles/ (outside git) and read by ``extract_file(path, "no")``. The gold
quotes are benchmarks/gold/norne.jsonl, character offsets into those texts; a line with
``quote_start`` null marks an article without quotes. Quotes are matched and speakers
compared as in benchmarks/targets.py (its functions, imported): a system quote matches a gold
quote when its segments cover at least 30% of the gold span, one-to-one. Prints Markdown
tables per newspaper (the file prefix) and overall, with recall per gold cue class, and
writes them to reports/norwegian.md. ``--list`` prints the chosen articles and checks that
the gold file holds exactly them.

Names come from the trained Norwegian pipeline where one is built (`quotestance models
train-norwegian`), else from capitalised words: with a pipeline the run scores both, and
times extraction both ways over every NorNE article not reserved for evaluation (the ratio
holds where absolute speed drifts). ``--names rules`` scores the rules alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import norne
from targets import (
    GOLD_DIR,
    SPLIT_NOTES,
    SPLITS,
    BenchmarkError,
    GoldQuote,
    SystemQuote,
    Tally,
    check_offsets,
    class_tables,
    gold_rows,
    quote_table,
    score_article,
)
from targets import groups_for as targets_groups

from quotestance.errors import QuotestanceError
from quotestance.extract.article import read_article
from quotestance.extract.pipeline import extract_file
from quotestance.io import atomic_write_text
from quotestance.lexicon import DEFAULT_CUES

GOLD_FILE = GOLD_DIR / "norne.jsonl"
SOURCE = "norne"


@dataclass
class Gold:
    """The gold file: each article's split and its quotes (none for a quote-less article)."""

    splits: dict[str, str]
    quotes: dict[str, list[GoldQuote]]

    def articles(self, split: str) -> list[str]:
        return [a for a, s in self.splits.items() if s == split]


def read_gold(file: Path = GOLD_FILE) -> Gold:
    """The gold lines of ``file``; a line with quote_start null stands for its article only."""
    splits: dict[str, str] = {}
    quotes: dict[str, list[GoldQuote]] = defaultdict(list)
    for number, row in gold_rows(file):
        try:
            article, split = str(row["article"]), str(row["split"])
            if splits.setdefault(article, split) != split:
                raise ValueError(f"{article} is in two splits")
            quotes.setdefault(article, [])
            if row["quote_start"] is None:
                continue
            start, end = int(row["quote_start"]), int(row["quote_end"])
            if not 0 <= start < end:
                raise ValueError(f"empty or negative span {start}-{end}")
        except (ValueError, TypeError, AttributeError) as exc:
            raise BenchmarkError(f"{file}:{number}: not a gold row ({exc})") from exc
        quotes[article].append(
            GoldQuote(
                start=start,
                end=end,
                speaker=row["speaker"],
                cue_class=row["cue_class"] or "speech",
                source=SOURCE,
                split=split,
                article=article,
                cue=row["cue"],
            )
        )
    return Gold(splits, dict(quotes))


def selection_check(
    chosen: dict[str, list[tuple[norne.Article, Path]]], gold: Gold, splits: Sequence[str]
) -> str:
    """Whether the gold file holds exactly the articles the rule picks, each in its split."""
    differences = []
    for split in splits:
        picked = {a.id for a, _ in chosen.get(split, [])}
        annotated = set(gold.articles(split))
        differences += [f"{split}: {a} not annotated" for a in sorted(picked - annotated)]
        differences += [f"{split}: {a} not picked by the rule" for a in sorted(annotated - picked)]
    if not differences:
        return "the gold file holds exactly the articles SELECTION.md's rule picks"
    return "differs from SELECTION.md's rule: " + "; ".join(differences)


def system_quotes(quotes: Sequence[object]) -> list[SystemQuote]:
    """extract_file's quotes as the fields the benchmark compares."""
    return [
        SystemQuote(
            segments=[(int(s), int(e)) for s, e in q.segments],  # type: ignore[attr-defined]
            speaker=q.speaker,  # type: ignore[attr-defined]
            cue_class=getattr(q, "cue_class", None),
            found=q,
        )
        for q in quotes
    ]


def evaluate(
    items: Sequence[tuple[norne.Article, Path, str]], gold: Gold
) -> tuple[dict[tuple[str, str], Tally], list[str]]:
    """Tallies by (newspaper, split) and the gold spans that do not read back."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    problems: list[str] = []
    for article, path, split in items:
        quotes = gold.quotes.get(article.id, [])
        try:
            raw = path.read_text(encoding="utf-8")
            text = read_article(path, "no").text
            found = extract_file(path, "no")
        except (OSError, UnicodeDecodeError, QuotestanceError) as exc:
            raise BenchmarkError(f"{path}: cannot read the article ({exc})") from exc
        if raw != article.text:
            problems.append(f"{article.id}: the written text differs from the rebuilt one")
        problems += check_offsets(raw, text, quotes)
        # the default view, as `quotestance extract` writes it: a question put to the speaker
        # is no quote of theirs (cue class "question", kept only with --cues)
        quoted = [q for q in quotes if q.cue_class in DEFAULT_CUES]
        tallies[(article.newspaper, split)].add(score_article(quoted, system_quotes(found), path))
    return dict(tallies), problems


def groups_for(
    tallies: dict[tuple[str, str], Tally], splits: Sequence[str]
) -> list[tuple[str, Tally]]:
    """One tally per newspaper that has articles in the splits, then "all"."""
    labels = {code: f"{code} ({name})" for code, name in norne.NEWSPAPERS.items()}
    return targets_groups(tallies, list(norne.NEWSPAPERS), splits, labels, skip_empty=True)


METRICS = """\
What the numbers mean: a system quote matches a gold quote when its segments cover at least
30% of the gold span's characters, one-to-one, the pairs sharing most characters first
(benchmarks/targets.py's match_quotes). P = matched / system quotes, R = matched / gold quotes.
Speaker acc. = matched quotes whose system speaker equals the gold speaker after
targets.py's normalise_name (case-folded, spaces collapsed, a leading "the" and English titles
dropped; Norwegian titles such as "statsadvokat" are not); a gold quote without speaker (an
interviewer's question, an unnamed source) wants none. Gold speakers are the fullest name the
article gives (a surname alone where it never gives more), else the group or role it names.
The tables are extraction's default view (cue classes speech, written, thought, source):
the interviewers' questions annotated with cue class "question" are left out on both sides.
"""


def report(
    tallies: dict[tuple[str, str], Tally],
    splits: Sequence[str],
    selection: str,
    problems: list[str],
    names: str = "rules",
) -> str:
    sections = [
        f"# Norwegian quotes and speakers: NorNE newspaper articles, names from {names}",
        "",
    ]
    views = [(s, [s]) for s in splits] + ([("all", list(splits))] if len(splits) > 1 else [])
    for view, view_splits in views:
        groups = groups_for(tallies, view_splits)
        sections += [f"## {view.capitalize()} split" if view != "all" else "## All splits", ""]
        sections += [SPLIT_NOTES[view], "", *quote_table(groups), "", *class_tables(groups), ""]
    if problems:
        offsets = f"{len(problems)} gold spans read differently: " + "; ".join(problems[:10])
    else:
        offsets = (
            "every gold span reads the same in the written file and in read_article's text, "
            "and every written text equals the rebuilt one"
        )
    sections += ["## Checks", "", f"- Articles: {selection}.", f"- Offsets: {offsets}.", ""]
    sections += [METRICS]
    return "\n".join(sections)


def trained_pipeline() -> str | None:
    """The folder of the trained pipeline extraction would load (the one built here even
    where ``QUOTESTANCE_NORWEGIAN_MODEL=none``), if any."""
    from quotestance.norwegian_model import built_pipeline, pipeline_folder, rules_only

    folder = built_pipeline() if rules_only() else pipeline_folder()
    return str(folder) if folder is not None else None


def use_names(source: str | None) -> None:
    """Extraction from here on reads names from ``source`` (a pipeline folder; None: the
    capitalised-word rules)."""
    from quotestance.extract import norwegian
    from quotestance.norwegian_model import MODEL_ENV

    os.environ[MODEL_ENV] = source or "none"
    norwegian.load_pipeline.cache_clear()


def readable(paths: Sequence[Path]) -> list[Path]:
    """The articles extraction reads (a few NorNE articles are nothing but a byline)."""
    found = []
    for path in paths:
        try:
            extract_file(path, "no")
        except QuotestanceError:
            continue
        found.append(path)
    return found


def timed(paths: Sequence[Path]) -> tuple[float, int]:
    """Seconds and quotes of extracting every path (the pipeline loaded before the clock)."""
    extract_file(paths[0], "no")
    start = time.perf_counter()
    quotes = sum(len(extract_file(p, "no")) for p in paths)
    return time.perf_counter() - start, quotes


def throughput(data_dir: Path, pipeline: str) -> list[str]:
    """Rules against the trained pipeline over every article not reserved for evaluation."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = list(norne.materialise(norne.all_articles(data_dir), Path(tmp)).values())
        use_names(None)
        paths = readable(paths)
        runs = {}
        for name, source in (("rules", None), ("trained pipeline", pipeline)):
            use_names(source)
            runs[name] = timed(paths)
    base = runs["rules"][0]
    return [
        f"## Throughput: {len(paths)} NorNE articles (every one not reserved that has text "
        "outside a byline), one process",
        "",
        "| names from | seconds | articles/s | quotes | time |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {s:.1f} | {len(paths) / s:.1f} | {q} | {s / base:.2f}× the rules' |"
            for name, (s, q) in runs.items()
        ),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    parser.add_argument("--articles-dir", type=Path, default=norne.OUT_DIR)
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--list", action="store_true", help="print the chosen articles and exit")
    parser.add_argument("--out", type=Path, default=Path("reports/norwegian.md"))
    parser.add_argument(
        "--names",
        default="both",
        choices=["both", "rules"],
        help="both: the rules and the trained pipeline, where one is built",
    )
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    splits = list(SPLITS) if args.split == "all" else [args.split]
    try:
        if not (args.data_dir / norne.SENTENCES).is_file():
            raise BenchmarkError(f"{args.data_dir / norne.SENTENCES}: not found; pass --data-dir")
        chosen = norne.chosen(args.data_dir, args.articles_dir)
        gold = read_gold(args.gold)
        selection = selection_check(chosen, gold, splits)
        if args.list:
            for split in splits:
                for a, path in chosen[split]:
                    n = len(gold.quotes.get(a.id, []))
                    print(f"{split}\t{a.id}\t{a.newspaper}\t{n} gold quotes\t{path}")
            print(selection)
            return 0 if selection.startswith("the gold file holds") else 1
        items = [(a, path, split) for split in splits for a, path in chosen[split]]
        pipeline = trained_pipeline() if args.names == "both" else None
        sections = []
        modes = [("rules", None), *([("trained pipeline", pipeline)] if pipeline else [])]
        for name, source in modes:
            if pipeline:
                use_names(source)
            else:  # before any extraction: the rules alone
                os.environ["QUOTESTANCE_NORWEGIAN_MODEL"] = "none"
            tallies, problems = evaluate(items, gold)
            sections.append(report(tallies, splits, selection, problems, name))
        if pipeline and not args.skip_throughput:
            sections.append("\n".join(throughput(args.data_dir, pipeline)))
    except (BenchmarkError, QuotestanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = "\n".join(sections)
    print(text)
    atomic_write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
