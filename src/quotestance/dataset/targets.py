"""Targets: the countries, organisations and people a quote is about, as canonical entities.

Aliases, demonyms, metonyms and other languages come from ``resources/entities.tsv``
("Beijing", "Kina", "Chinese" -> China, Q148). A possessive pronoun that clearly points back at
one entity ("their Indo-Pacific strategy" after "the US' intention") counts too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from quotestance.entities import EntityTable, load_entities
from quotestance.extract.schema import Quote
from quotestance.lexicon import read_list, resource_dir


@dataclass(frozen=True)
class Target:
    name: str
    qid: str | None
    type: str
    mention: str
    start: int
    end: int
    via: str  # alias | pronoun

    @property
    def key(self) -> str:
        return self.qid or re.sub(r"\W+", "_", self.name.lower()).strip("_")


@functools.cache
def target_pronouns(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for w in read_list(resource_dir() / lang / "target_pronouns.txt"))


def entity_mentions(quote: Quote, text: str, table: EntityTable) -> list[Target]:
    found: list[Target] = []
    for start, end in quote.segments:
        for m in table.find(text[start:end], quote.lang, offset=start):
            found.append(
                Target(
                    m.entity.name,
                    m.entity.qid or None,
                    m.entity.type,
                    m.text,
                    m.start,
                    m.end,
                    "alias",
                )
            )
    return found


def find_targets(
    quote: Quote,
    text: str,
    previous: list[Quote] | None = None,
    table: EntityTable | None = None,
) -> list[Target]:
    """Targets of one quote, one per entity, in order of first mention.

    ``previous`` are the article's earlier quotes; the last one by the same speaker gives the
    antecedent of a possessive pronoun that opens the quote's references.
    """
    table = table or load_entities()
    mentions = entity_mentions(quote, text, table)
    pronouns = target_pronouns(quote.lang)
    first_alias = min((t.start for t in mentions), default=None)
    for start, end in quote.segments:
        for m in re.finditer(r"\w+", text[start:end]):
            word = m.group().lower()
            pos = start + m.start()
            if word not in pronouns or (first_alias is not None and first_alias < pos):
                continue
            antecedent = _antecedent(quote, text, previous or [], table)
            if antecedent is not None:
                mentions.append(
                    Target(
                        antecedent.name,
                        antecedent.qid,
                        antecedent.type,
                        m.group(),
                        pos,
                        pos + len(m.group()),
                        "pronoun",
                    )
                )
            break
    targets: dict[str, Target] = {}
    for t in sorted(mentions, key=lambda t: t.start):
        if t.name == quote.speaker and t.via == "pronoun":
            continue
        targets.setdefault(t.name, t)
    return list(targets.values())


def _antecedent(
    quote: Quote, text: str, previous: list[Quote], table: EntityTable
) -> Target | None:
    """The first entity of the same speaker's previous quote that is not the speaker's own
    side: a speaker says "our" of their own country, "their" of another's."""
    same = [q for q in previous if q.speaker and q.speaker == quote.speaker]
    if not same:
        return None
    own = {quote.affiliation, quote.speaker}
    for t in entity_mentions(same[-1], text, table):
        if t.name not in own:
            return t
    return None
