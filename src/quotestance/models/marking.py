"""Which mention is the target: its character offsets in the model's text (``target_start``,
``target_end``), and how the models are shown it when ``model.mark_target`` is set.

Two targets of one sentence ("Biden criticised Trump") must reach a model as two different
inputs. The transformer sees the mention wrapped in plain brackets, ``[ Trump ]``; TF-IDF sees
the words left and right of it as features of their own (``L1__criticised``, ``R1__over``).
A row whose offsets are missing or do not fit inside its text is left as it is.

Brackets rather than new special tokens (``<t>`` … ``</t>``): they are already in every
tokenizer's vocabulary with trained embeddings (WordPiece for MiniLM, SentencePiece for e5), so
nothing is resized or learnt from scratch on a few thousand rows, the saved tokenizer, the
artifact and the ONNX graph stay exactly as they were, and punctuation markers are known to
work as well as new marker tokens for entity-centred classification (Zhou & Chen, 2022, "An
Improved Baseline for Sentence-level Relation Extraction"). The spaces inside the brackets
keep a SentencePiece mention in its word-initial form (``▁Trump``), as it is unmarked.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

WORD = re.compile(r"\w+", re.UNICODE)
OPEN, CLOSE = "[ ", " ]"
CONTEXT_WORDS = 3  # TF-IDF: words on each side of the mention that get a position feature

Span = tuple[int, int]


def whole(value: Any) -> int | None:
    """``value`` as a whole number of characters, or None (missing, NaN, "", not a number):
    offsets reach the model as ints, floats (a JSON column with gaps) or strings."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return int(number) if math.isfinite(number) and number.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def mention_span(text: str, start: Any, end: Any) -> Span | None:
    """(start, end) when both are whole numbers with 0 <= start < end <= len(text)."""
    s, e = whole(start), whole(end)
    if s is None or e is None or not 0 <= s < e <= len(text):
        return None
    return s, e


def spans(frame: pd.DataFrame) -> list[Span | None]:
    """The target's span in ``text`` per row; None where a table has no offsets."""
    if "target_start" not in frame.columns or "target_end" not in frame.columns:
        return [None] * len(frame)
    return [
        mention_span(str(text), start, end)
        for text, start, end in zip(
            frame["text"], frame["target_start"], frame["target_end"], strict=True
        )
    ]


def bracket(text: str, span: Span | None) -> str:
    """``text`` with the mention at ``span`` wrapped in brackets (unchanged without a span)."""
    if span is None:
        return text
    s, e = span
    return f"{text[:s]}{OPEN}{text[s:e]}{CLOSE}{text[e:]}"


def marked_texts(frame: pd.DataFrame) -> list[str]:
    return [bracket(str(t), span) for t, span in zip(frame["text"], spans(frame), strict=True)]


def context_words(text: str, span: Span | None, n: int = CONTEXT_WORDS) -> list[str]:
    """``L1__w`` … ``Ln__w`` for the n words before the mention (nearest first) and
    ``R1__w`` … for the n words after it, lower-cased; nothing without a span."""
    if span is None:
        return []
    s, e = span
    words = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    left = [w for a, b, w in words if b <= s][::-1][:n]
    right = [w for a, b, w in words if a >= e][:n]
    return [f"L{i}__{w}" for i, w in enumerate(left, 1)] + [
        f"R{i}__{w}" for i, w in enumerate(right, 1)
    ]


def quote_span(
    segments: Sequence[Sequence[int]], start: Any, end: Any, text: str | None = None
) -> Span | None:
    """The span of an article-relative mention (``start``, ``end``) inside a quote's text,
    which is the quote's ``segments`` of the article joined by one space; None when the
    mention is not inside one segment (or, given ``text``, when the span falls outside it)."""
    s, e = whole(start), whole(end)
    if s is None or e is None or s >= e:
        return None
    base = 0
    for segment in segments:
        a, b = int(segment[0]), int(segment[1])
        if a <= s and e <= b:
            found = (base + s - a, base + e - a)
            if text is not None and found[1] > len(text):
                return None
            return found
        base += (b - a) + 1
    return None
