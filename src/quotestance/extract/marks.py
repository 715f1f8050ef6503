"""Finding text between quotation marks, across paragraphs, in every mark style news uses."""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from quotestance.lexicon import read_table, resource_dir


@dataclass
class Quoted:
    """One run of quoted text: the inner text of one or more segments (paragraph continuations)."""

    segments: list[tuple[int, int]]  # inner spans, marks excluded
    opener: str
    terminated: bool = True
    marks: list[tuple[int, int]] = field(default_factory=list)  # (open_pos, close_pos or -1)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


@functools.cache
def _mark_table() -> tuple[dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    rows = read_table(resource_dir() / "quote_marks.tsv", ("open", "close", "name"))
    pairs: dict[str, tuple[str, ...]] = {}
    mixed: dict[str, frozenset[str]] = {}
    for _, (opener, closers, _name) in rows:
        marks = closers.split("|")
        pairs[opener] = tuple(m.removeprefix("~") for m in marks)
        mixed[opener] = frozenset(m[1:] for m in marks if m.startswith("~"))
    return pairs, mixed


def mark_pairs() -> dict[str, tuple[str, ...]]:
    """Each opening mark's closing marks."""
    return _mark_table()[0]


def mixed_closers() -> dict[str, frozenset[str]]:
    """Each opening mark's closers of mixed typing (quote_marks.tsv's ~X)."""
    return _mark_table()[1]


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _can_open(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if after.isspace():
        return False
    if mark in {"‘", "‚", '"', "‹", "»", "''"}:
        return not _is_word(before)
    return True


def _can_close(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if mark in {"’", '"', "'", "›", "''"}:
        return not before.isspace() and not _is_word(after)
    return True


def _mark_at(text: str, i: int, marks: tuple[str, ...]) -> str | None:
    for m in marks:
        if text.startswith(m, i):
            return m
    return None


# How many paragraphs on the closing mark of a quote left open may come (``_closes_later``).
QUOTE_RUN = 8


def _closes_later(text: str, paragraphs: list[tuple[int, int]], opener: str) -> bool:
    """A closing mark of ``opener`` in these paragraphs before any new ``opener``: only for
    marks that differ from their closers (« », “ ”), where the two cannot be confused; a
    closer of mixed typing never closes across paragraphs, so it does not count here."""
    closers = tuple(c for c in mark_pairs()[opener] if c not in mixed_closers()[opener])
    if opener in closers:
        return False
    for ps, pe in paragraphs:
        for i in range(ps, pe):
            if text.startswith(opener, i) and _can_open(text, i, opener):
                return False
            mark = _mark_at(text, i, closers)
            if mark is not None and _can_close(text, i, mark):
                return True
    return False


def find_quoted(text: str, paragraphs: list[tuple[int, int]]) -> list[Quoted]:
    """Outermost quoted runs. A quote left open at a paragraph's end continues when the next
    paragraph opens with the same mark (the news convention for multi-paragraph quotes);
    otherwise it ends with its paragraph and is marked unterminated."""
    pairs, mixed = mark_pairs(), mixed_closers()
    openers = tuple(sorted(pairs, key=len, reverse=True))
    found: list[Quoted] = []
    current: Quoted | None = None
    seg_start = 0
    inner = 0  # quotes opened inside the current one whose closer is one of its mixed closers
    same = 0  # quotes opened inside it with its own opening mark (« inside «)
    for p_index, (ps, pe) in enumerate(paragraphs):
        i = ps
        if current is not None:
            if text.startswith(current.opener, ps):
                seg_start = ps + len(current.opener)
                current.marks.append((ps, -1))
                i = seg_start
            elif _closes_later(text, paragraphs[p_index : p_index + QUOTE_RUN], current.opener):
                # one sentence a paragraph, as some newspaper text comes: the quote's closing
                # mark is a few paragraphs on, and no new quote opens before it
                seg_start = ps
                current.marks.append((ps, -1))
            else:
                current.terminated = False
                found.append(current)
                current = None
        while i < pe:
            if current is None:
                mark = _mark_at(text, i, openers)
                if mark is not None and _can_open(text, i, mark):
                    current = Quoted(segments=[], opener=mark, marks=[(i, -1)])
                    seg_start, inner, same = i + len(mark), 0, 0
                    i = seg_start
                    continue
            else:
                closers = pairs[current.opener]
                mark = _mark_at(text, i, closers)
                loose = mark if mark is not None and mark in mixed[current.opener] else None
                if loose is not None and inner and _can_close(text, i, loose):
                    inner -= 1
                    i += len(loose)
                    continue
                if (
                    current.opener not in closers
                    and text.startswith(current.opener, i)
                    and _can_open(text, i, current.opener)
                    and not (mark is not None and _can_close(text, i, mark))
                ):
                    same += 1  # «... det finnes ikke noe «du», ...»: a quote inside the quote
                    i += len(current.opener)
                    continue
                if same and mark is not None and loose is None and _can_close(text, i, mark):
                    same -= 1
                    i += len(mark)
                    continue
                nested = _mark_at(text, i, openers)
                if (
                    nested is not None
                    and nested != current.opener
                    and mixed[current.opener] & set(pairs[nested])
                    and _can_open(text, i, nested)
                    and not (mark is not None and loose is None and _can_close(text, i, mark))
                ):
                    inner += 1  # “He called it "crap" today”: a pair inside the quote
                    i += len(nested)
                    continue
                if loose is not None and (inner or len(current.marks) > 1):
                    i += len(loose)  # not across a paragraph, not while an inner quote is open
                    continue
                if mark is not None and _can_close(text, i, mark) and i > seg_start:
                    current.segments.append((seg_start, i))
                    current.marks[-1] = (current.marks[-1][0], i)
                    found.append(current)
                    current = None
                    i += len(mark)
                    continue
            i += 1
        if current is not None:
            current.segments.append((seg_start, pe))
            last = p_index == len(paragraphs) - 1
            if last:
                current.terminated = False
                found.append(current)
                current = None
    return [q for q in found if q.segments and any(e > s for s, e in q.segments)]


class Spans:
    """Half-open spans ``(start, end)`` looked up by bisection instead of a scan.

    Every answer is exactly what a scan over the list in its given order would give, whatever
    the order and overlaps of the spans: lookups sort the starts once and keep the running
    maximum of the ends, so "is there a span around this position" is one bisection and
    "which spans touch this range" costs the spans it walks past, not the whole list.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = list(spans)
        self._order = sorted(range(len(self.spans)), key=lambda i: self.spans[i][0])
        self._starts = [self.spans[i][0] for i in self._order]
        # the furthest end among the spans that start at or before each sorted start
        self._reach = list(accumulate((self.spans[i][1] for i in self._order), max))
        # in list order: the largest start so far, and the smallest end from here on
        self._start_max = list(accumulate((s for s, _ in self.spans), max))
        self._end_min = list(accumulate((e for _, e in reversed(self.spans)), min))[::-1]

    def __len__(self) -> int:
        return len(self.spans)

    def contains(self, pos: int) -> bool:
        """Some span holds ``pos``: ``s <= pos < e``."""
        j = bisect_right(self._starts, pos)
        return j > 0 and self._reach[j - 1] > pos

    def covers(self, start: int, end: int) -> bool:
        """Some span holds the whole range: ``s <= start and end <= e``."""
        j = bisect_right(self._starts, start)
        return j > 0 and self._reach[j - 1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Some span overlaps the range: ``s < end and start < e``."""
        j = bisect_left(self._starts, end)
        return j > 0 and self._reach[j - 1] > start

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indices, in list order, of the spans that overlap the range (``s < end``, ``start
        < e``); the walk back stops where no earlier span reaches past ``start``."""
        found = []
        j = bisect_left(self._starts, end) - 1
        while j >= 0 and self._reach[j] > start:
            i = self._order[j]
            if self.spans[i][1] > start:
                found.append(i)
            j -= 1
        return sorted(found)

    def at(self, pos: int) -> list[int]:
        """Indices, in list order, of the spans that hold ``pos``."""
        return self.overlapping(pos, pos + 1)

    def first_at(self, pos: int) -> int | None:
        """The first span in list order that holds ``pos``."""
        found = self.at(pos)
        return found[0] if found else None

    def first_starting_from(self, pos: int) -> int | None:
        """The first span in list order with ``s >= pos``."""
        j = bisect_left(self._start_max, pos)
        return j if j < len(self.spans) else None

    def last_ending_by(self, pos: int) -> int | None:
        """The last span in list order with ``e <= pos``."""
        j = bisect_right(self._end_min, pos) - 1
        return j if j >= 0 else None
