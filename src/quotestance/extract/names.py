"""Names in a language without an entity recogniser: capitalised word sequences.

The documented fallback for Norwegian until a trained pipeline exists: every run of
capitalised words ("Jonas Gahr Støre", "Sør-Korea", "Arbeiderpartiet") that does not merely
open a sentence, with the word before it. Whether a run is a target is decided by the target
finder: the gazetteer must know it, or the article's register of full person names.
"""

from __future__ import annotations

import re

from quotestance.entities import Entity, EntityTable
from quotestance.extract.schema import NamedMention

# A capitalised word (hyphenated parts and a genitive -s allowed) and the particles that may
# stand inside a name ("Jonas Gahr Støre", "Ursula von der Leyen").
WORD = r"[A-ZÆØÅ][\w’'-]*"
RUN = re.compile(rf"{WORD}(?:\s+(?:(?:von|van|der|de|den|la|le|al)\s+)*{WORD})*")
# a genitive ending: "Charles Clarke's plans", "Downing Street's view"
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
OPENERS = re.compile(r"[\s«»“”\"'(–—-]*$")


LAST_WORD = re.compile(r"(\w+)\W*$")


def word_before(text: str, position: int) -> str:
    """The word before ``position``, lower case ("til" of "flyttet til New York")."""
    m = LAST_WORD.search(text, max(0, position - 40), position)
    return m.group(1).lower() if m else ""


def opens_sentence_at(text: str, position: int, ends: str = ".!?\n", dashes: str = " –-") -> bool:
    """Nothing but a sentence end (one of ``ends``), a line break or a dash before
    ``position``: there a capital says nothing ("Eieren erkjenner ...")."""
    before = text[max(0, position - 3) : position].rstrip(dashes)
    return not before or before[-1] in ends


def demonym_adjective(word: str, lang: str, entities: EntityTable) -> Entity | None:
    """The country of a Norwegian demonym adjective capitalised because it opens the
    sentence ("Danske Ellen Porsdal Hink synes ..."): a -ske form the gazetteer knows."""
    low = word.lower()
    return entities.lookup(low, lang) if lang == "no" and low.endswith("ske") else None


def capitalised_names(text: str, sentences: list[tuple[int, int]]) -> list[NamedMention]:
    """Runs of capitalised words in each sentence. Capitals say nothing at the start of a
    sentence (after any quote mark or dash), so there a run of several words loses its
    first ("Statsminister Jonas Gahr Støre"), and a single word is kept for the target finder
    to check against the gazetteer and the register like any other."""
    found: list[NamedMention] = []
    for s_start, s_end in sentences:
        for m in RUN.finditer(text, s_start, s_end):
            opening = OPENERS.fullmatch(text[s_start : m.start()]) is not None
            words = m.group().split()
            start, name = m.start(), m.group()
            if opening and len(words) > 1:  # "Statsminister Jonas Gahr Støre sier ...": drop one
                start = m.start() + name.index(words[1], len(words[0]))
                name = text[start : m.end()]
            before = text[max(s_start, start - 30) : start].split()
            found.append(
                NamedMention(
                    start, start + len(name), name, "NAME", before[-1].lower() if before else ""
                )
            )
    return found
