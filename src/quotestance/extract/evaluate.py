"""Scoring extracted quotes against gold attributions (brat standoff, as in PolNeAR).

A gold attribution has content span(s) and optionally source span(s). A predicted quote
matches a gold one when their characters overlap by at least a threshold share of the gold
content; matching is one-to-one, best overlap first. The speaker of a matched quote is right
when the predicted speaker mention overlaps the gold source, or, for a speaker resolved from
earlier in the text, when the resolved name contains the gold source's last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from quotestance.errors import InputError
from quotestance.extract.schema import Quote

Spans = list[tuple[int, int]]


@dataclass
class GoldAttribution:
    content: Spans
    source: Spans = field(default_factory=list)
    source_text: str = ""


def _spans(field_text: str) -> Spans:
    return [(int(a), int(b)) for a, b in (part.split() for part in field_text.split(";"))]


def read_brat(path: str | Path) -> list[GoldAttribution]:
    """Attributions of one ``.ann`` file: T lines with spans, E lines linking them."""
    spans: dict[str, tuple[str, Spans, str]] = {}
    events: list[dict[str, str]] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            if line.startswith("T"):
                kind, _, offsets = parts[1].partition(" ")
                spans[parts[0]] = (kind, _spans(offsets), parts[2] if len(parts) > 2 else "")
            elif line.startswith("E"):
                events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
        except (IndexError, ValueError) as exc:
            raise InputError(path, f"malformed brat line: {line[:60]!r}", number) from exc
    gold: list[GoldAttribution] = []
    for event in events:
        content = [
            s
            for key, t in event.items()
            if key.startswith("Content")
            for s in spans.get(t, ("", [], ""))[1]
        ]
        if not content:
            continue
        source_ids = [t for key, t in event.items() if key.startswith("Source")]
        source = [s for t in source_ids for s in spans.get(t, ("", [], ""))[1]]
        text = " ".join(spans[t][2] for t in source_ids if t in spans)
        gold.append(GoldAttribution(sorted(content), sorted(source), text))
    return gold


def overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def length(spans: Spans) -> int:
    return sum(e - s for s, e in spans)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_total: int = 0
    speaker_correct: int = 0

    def add(self, other: Score) -> None:
        for key in self.__dataclass_fields__:
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0


def speaker_correct(quote: Quote, gold: GoldAttribution) -> bool:
    if (
        quote.speaker_start is not None
        and quote.speaker_end is not None
        and overlap([(quote.speaker_start, quote.speaker_end)], gold.source)
    ):
        return True
    words = re.findall(r"\w+", gold.source_text.lower())
    return bool(quote.speaker and words and words[-1] in quote.speaker.lower().split())


def score(quotes: list[Quote], gold: list[GoldAttribution], threshold: float) -> Score:
    pairs = []
    for i, q in enumerate(quotes):
        pred = [(s, e) for s, e in q.segments]
        for j, g in enumerate(gold):
            shared = overlap(pred, g.content)
            if shared and shared >= threshold * length(g.content):
                pairs.append((shared / length(g.content), i, j))
    used_q: set[int] = set()
    used_g: set[int] = set()
    result = Score(gold=len(gold), predicted=len(quotes))
    for _ratio, i, j in sorted(pairs, reverse=True):
        if i in used_q or j in used_g:
            continue
        used_q.add(i)
        used_g.add(j)
        result.matched += 1
        if gold[j].source:
            result.speaker_total += 1
            result.speaker_correct += speaker_correct(quotes[i], gold[j])
    return result
