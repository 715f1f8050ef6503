"""Office holders: "the chancellor" in a British story of 2005 is Gordon Brown.

``resources/offices.tsv`` lists who held which office of which country, and when. An article
does not say when it was written, so the years it is about are the years in which most of
the office holders it names by name (two at least) held their offices; a speaker or target
named only by an office ("the prime minister", "statsministeren") is the holder of that
office in those years, in the country the article is about. Nothing is resolved where the
years do not give one holder. Users add rows for their beat (see the file's header).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from quotestance.errors import InputError
from quotestance.lexicon import read_table, resource_dir

COLUMNS = ("country_qid", "en", "no", "holder", "from", "to")


@dataclass(frozen=True)
class Term:
    country_qid: str
    phrases: dict[str, frozenset[str]]  # language -> the office's names, lower case
    holder: str
    start: int
    end: int  # the year the term ended, where the next holder's began (next year if now)

    @property
    def years(self) -> range:
        """The years in office: from the first up to, not including, the year the next
        holder took over (a term within one year holds that year)."""
        return range(self.start, max(self.end, self.start + 1))


def offices_file() -> Path:
    return resource_dir() / "offices.tsv"


@functools.cache
def load_terms(path: Path | None = None) -> tuple[Term, ...]:
    """The terms of ``path`` (``resources/offices.tsv``); a bad row is a one-line error
    naming the file and line."""
    path = path or offices_file()
    now = datetime.date.today().year
    terms = []
    for number, (country, en, no, holder, start, end) in read_table(path, COLUMNS):
        try:
            first, last = int(start), int(end) if end.strip() else now + 1
        except ValueError:
            raise InputError(
                path, f"years {start!r}-{end!r} must be whole numbers", number
            ) from None
        if not country or not holder or last < first or not (en or no):
            raise InputError(
                path, "a row needs a country, an office name, a holder and from <= to", number
            )
        phrases = {
            lang: frozenset(p.strip().lower() for p in names.split("|") if p.strip())
            for lang, names in (("en", en), ("no", no))
        }
        terms.append(Term(country, phrases, holder, first, last))
    return tuple(terms)


@functools.cache
def office_words(lang: str) -> frozenset[str]:
    """The offices' names in ``lang`` and their head words ("prime minister", "minister";
    "secretary of state", "secretary"): words for one office holder."""
    words: set[str] = set()
    for term in load_terms():
        for phrase in term.phrases.get(lang, ()):
            words.add(phrase)
            parts = phrase.split(" of ")[0].split()
            words.add(parts[0] if " of " in phrase else parts[-1])
    return frozenset(words)


class OfficeHolders:
    """The holders of one country's offices in the years an article is about."""

    def __init__(self, terms: Iterable[Term], country_qid: str | None, named: Iterable[str]):
        self.all_terms = list(terms)
        self.terms = [t for t in self.all_terms if t.country_qid == country_qid]
        named = set(named)
        in_office: dict[int, set[str]] = {}
        for t in self.terms:
            if t.holder in named:
                for year in t.years:
                    in_office.setdefault(year, set()).add(t.holder)
        # one holder alone does not date an article ("under John Major's government")
        most = max((len(h) for h in in_office.values()), default=0)
        self.years = frozenset(y for y, h in in_office.items() if len(h) == most and most >= 2)
        self.named = named

    def holder(self, office: str, lang: str) -> str | None:
        """The one holder of ``office`` (as the text names it, lower case) in those years."""
        office = " ".join(office.lower().split())
        holders = {
            t.holder
            for t in self.terms
            if office in t.phrases.get(lang, ()) and any(y in t.years for y in self.years)
        }
        if len(holders) > 1:  # the years span two holders: one the article names decides
            holders &= self.named
        return holders.pop() if len(holders) == 1 else None

    def held_by(self, office: str, lang: str, people: Iterable[str]) -> str | None:
        """The one of ``people`` who ever held ``office`` (of any country), if one alone did."""
        office = " ".join(office.lower().split())
        people = set(people)
        holders = {
            t.holder
            for t in self.all_terms
            if t.holder in people and office in t.phrases.get(lang, ())
        }
        return holders.pop() if len(holders) == 1 else None

    def roles(self, lang: str) -> dict[str, str]:
        """Every office name of the country that has one holder in those years -> holder."""
        names = {p for t in self.terms for p in t.phrases.get(lang, ())}
        found = {name: self.holder(name, lang) for name in sorted(names)}
        return {name: holder for name, holder in found.items() if holder is not None}
