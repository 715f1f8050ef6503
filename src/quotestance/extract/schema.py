"""The quote record: what ``quotestance extract`` writes, one JSON object per quote."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("direct", "indirect", "mixed")
# the cue classes are lexicon.CUE_CLASSES: speech, written, thought, plan, source, question
SPEAKER_TYPES = ("person", "organisation", "country", "unknown")


@dataclass
class Mention:
    """A speaker as written: the core mention and the wider phrase (appositions, modifiers)."""

    start: int
    end: int
    text: str
    phrase_start: int
    phrase_end: int
    refers: tuple[int, int] | None = None  # what a relative pronoun stands for


@dataclass
class Candidate:
    """A quote found by a language module, before speakers are resolved."""

    kind: str
    segments: list[tuple[int, int]]
    cue: str
    cue_span: tuple[int, int] | None
    mention: Mention | None
    sentence: tuple[int, int]
    frame: str = "say"
    inherit: bool = False  # no attribution of its own: continues the previous quote's speaker
    opens: bool = True  # a direct quote that opens its sentence (or follows a colon)
    fragments: list[str] = field(default_factory=list)
    cue_class: str | None = None  # set where the language module knows it; else from the cue

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


@dataclass
class Quote:
    quote_id: str
    article_id: str
    lang: str
    kind: str
    text: str
    start: int
    end: int
    segments: list[list[int]]
    speaker: str | None
    speaker_mention: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_type: str
    speaker_qid: str | None
    collective: bool
    affiliation: str | None
    affiliation_qid: str | None
    cue: str | None
    cue_class: str
    sentence: str
    sentence_start: int
    sentence_end: int
    fragments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_id(article_id: str, text: str, occurrence: int = 0) -> str:
    """Stable across runs: depends on the article and the quote's words, not on offsets."""
    digest = hashlib.sha1(f"{article_id}\x00{normalise(text)}".encode()).hexdigest()[:10]
    return f"{article_id}-{digest}" + (f"-{occurrence}" if occurrence else "")


@dataclass(frozen=True)
class NamedMention:
    """A name in the article as the language module found it: an entity of the parse
    (English: spaCy's PERSON, ORG, NORP, GPE, LOC, FAC) or a capitalised name sequence
    (Norwegian without a pipeline), with the word before it."""

    start: int
    end: int
    text: str
    label: str
    before: str = ""  # the preceding word, lower-cased ("in" of "in Iowa")
    dep: str = ""  # the name's role in the parse ("compound" in "Texas Sen. Ted Cruz")
    head: str = ""  # the lemma of the word it depends on ("people" of "the British people")
    tag: str = ""  # the fine-grained tag of the name's head word ("NNPS" of "Americans")
