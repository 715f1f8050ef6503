"""The canonical entity table: countries, organisations, parties, people and places, with
Wikidata ids and aliases.

The table is read from data files, in this order (see docs/gazetteer.md):

1. ``resources/gazetteer/*.tsv``: the broad gazetteer (``countries.tsv`` is generated from data
   packages by ``python -m quotestance.gazetteer build``; organisations, parties and people are
   kept by hand);
2. ``resources/entities.tsv``: the user's own rows for their beat;
3. the files named in ``$QUOTESTANCE_GAZETTEER`` (``os.pathsep``-separated).

Rows with the same QID, or without a QID the same name and type, are one entity: a later row
adds its aliases and replaces the name, type and country where it gives them. An alias that two
entities claim is an error within one file; across files the later file wins. Aliases are
matched case-sensitively as whole words; Norwegian genitives ("Kinas") are derived.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from quotestance.errors import InputError
from quotestance.lexicon import read_table, resource_dir
from quotestance.log import logger

COLUMNS = ("qid", "name", "type", "country_qid", "en_aliases", "no_aliases")
TYPES = ("country", "organisation", "person", "party", "place")
LANGS = ("en", "no")
GAZETTEER_VARIABLE = "QUOTESTANCE_GAZETTEER"
# files in resources/gazetteer/ that the generator reads; they are not entity tables
GENERATOR_INPUTS = frozenset({"exclude.tsv", "country_extra.tsv"})

QID = re.compile(r"Q\d+")
# a word that may open an alias: a run of word characters not preceded by one or by a hyphen
_WORD = re.compile(r"(?<![\w-])\w+")
_FIRST_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"[\w-]")


@dataclass(frozen=True)
class Entity:
    qid: str
    name: str
    type: str
    country_qid: str


@dataclass(frozen=True)
class EntityMention:
    start: int
    end: int
    text: str
    entity: Entity


class EntityTable:
    def __init__(self, entities: list[Entity], aliases: dict[str, dict[str, Entity]]) -> None:
        self.entities = entities
        self.by_qid = {e.qid: e for e in entities if e.qid}
        self.by_name = {e.name: e for e in entities}
        self._aliases = aliases
        # first word of an alias -> the aliases that open with it, longest first: ``find``
        # looks at each word of the text once instead of trying every alias at every position
        self._by_first_word: dict[str, dict[str, list[str]]] = {}
        for lang, table in aliases.items():
            index: dict[str, list[str]] = {}
            for alias in sorted(table, key=len, reverse=True):
                first = _FIRST_WORD.match(alias)
                if first is not None:
                    index.setdefault(first.group(), []).append(alias)
            self._by_first_word[lang] = index

    def find(self, text: str, lang: str, offset: int = 0) -> list[EntityMention]:
        """Every alias occurrence in ``text``, longest alias first, no overlaps.

        An alias matches as a whole word: not preceded or followed by a word character or a
        hyphen.
        """
        table = self._aliases[lang]
        index = self._by_first_word[lang]
        found: list[EntityMention] = []
        end = 0
        for word in _WORD.finditer(text):
            start = word.start()
            if start < end:
                continue
            candidates = index.get(word.group())
            if candidates is None:
                continue
            for alias in candidates:
                stop = start + len(alias)
                if text.startswith(alias, start) and not _WORD_CHAR.match(text, stop):
                    found.append(EntityMention(start + offset, stop + offset, alias, table[alias]))
                    end = stop
                    break
        return found

    def lookup(self, alias: str, lang: str) -> Entity | None:
        return self._aliases[lang].get(alias)

    def country_of(self, entity: Entity) -> Entity | None:
        """The country an entity belongs to (itself for a country)."""
        return self.by_qid.get(entity.country_qid) if entity.country_qid else None

    def main_country(self, text: str, lang: str) -> str | None:
        """The QID of the country most of the text's entities belong to (its politics)."""
        counts: dict[str, int] = {}
        for m in self.find(text, lang):
            qid = m.entity.country_qid
            if qid and m.entity.type in ("person", "party", "organisation", "country"):
                counts[qid] = counts.get(qid, 0) + 1
        return max(counts, key=lambda q: counts[q]) if counts else None


@functools.cache
def descriptions(lang: str) -> dict[tuple[str, str], str]:
    """(phrase, country qid) -> entity name: "the government" in a British story is the UK
    Government (resources/<lang>/descriptions.tsv)."""
    rows = read_table(
        resource_dir() / lang / "descriptions.tsv", ("phrase", "country_qid", "entity")
    )
    return {(phrase.lower(), qid): entity for _n, (phrase, qid, entity) in rows}


def _genitives(alias: str) -> list[str]:
    """Norwegian genitive: 'Kina' -> 'Kinas', 'USA' -> 'USAs'; lower-case adjectives have none."""
    if not alias[:1].isupper() or alias.endswith("s"):
        return []
    return [alias + "s"]


@functools.cache
def gazetteer_files() -> tuple[Path, ...]:
    """The packaged gazetteer tables, in load order (sorted by file name)."""
    folder = resource_dir() / "gazetteer"
    return tuple(p for p in sorted(folder.glob("*.tsv")) if p.name not in GENERATOR_INPUTS)


def entity_files(path: str | None = None) -> list[Path]:
    """The files the table is read from, in order: the gazetteer, ``path`` (default
    ``resources/entities.tsv``), then those named in ``$QUOTESTANCE_GAZETTEER``."""
    files = [*gazetteer_files(), Path(path) if path else resource_dir() / "entities.tsv"]
    extra = os.environ.get(GAZETTEER_VARIABLE, "")
    files += [Path(p.strip()) for p in extra.split(os.pathsep) if p.strip()]
    return files


def load_entities(path: str | None = None) -> EntityTable:
    """The entity table. ``path`` replaces ``resources/entities.tsv`` (the gazetteer and the
    files of ``$QUOTESTANCE_GAZETTEER`` are still read); each list of files is read once."""
    return _load(tuple(str(f) for f in entity_files(path)))


@dataclass
class _Row:
    """An entity while the files are read: later rows may still change it."""

    qid: str
    name: str
    type: str
    country_qid: str


@functools.cache
def _load(files: tuple[str, ...]) -> EntityTable:
    rows: list[_Row] = []
    by_qid: dict[str, int] = {}
    by_key: dict[tuple[str, str], int] = {}
    owner: dict[str, dict[str, int]] = {lang: {} for lang in LANGS}

    def merge(file: Path, number: int, qid: str, name: str, kind: str, country: str) -> int:
        """The row index of the entity a line describes, updated with what the line gives."""
        index = by_qid.get(qid) if qid else None
        if index is None:
            same = by_key.get((name, kind))
            if same is not None and not (qid and rows[same].qid):
                index = same
        if index is None:
            rows.append(_Row(qid, name, kind, country))
            index = len(rows) - 1
            if qid:
                by_qid[qid] = index
            by_key[(name, kind)] = index
            return index
        row = rows[index]
        if qid and not row.qid:
            row.qid = qid
            by_qid[qid] = index
        if (name, kind) != (row.name, row.type):
            logger.debug(
                "%s:%d: %s (%s) is now %s (%s)", file, number, row.name, row.type, name, kind
            )
            if by_key.get((row.name, row.type)) == index:
                del by_key[(row.name, row.type)]
            row.name, row.type = name, kind
            by_key[(name, kind)] = index
        if country and country != row.country_qid:
            if row.country_qid:
                logger.debug(
                    "%s:%d: %s: country %s -> %s", file, number, name, row.country_qid, country
                )
            row.country_qid = country
        return index

    for name_of_file in files:
        file = Path(name_of_file)
        here: dict[str, dict[str, int]] = {lang: {} for lang in LANGS}
        for number, (qid, name, kind, country, en, no) in read_table(file, COLUMNS, required=1):
            if kind not in TYPES:
                raise InputError(file, f"unknown type {kind!r}; expected one of {TYPES}", number)
            if qid and not QID.fullmatch(qid):
                raise InputError(file, f"qid must look like Q123, got {qid!r}", number)
            if country and not QID.fullmatch(country):
                raise InputError(file, f"country_qid must look like Q123, got {country!r}", number)
            index = merge(file, number, qid, name, kind, country)
            for lang, column in zip(LANGS, (en, no), strict=True):
                names = [a.strip() for a in column.split("|") if a.strip()]
                if lang == "no":
                    names += [g for a in names for g in _genitives(a)]
                for alias in names:
                    if not _FIRST_WORD.match(alias):
                        raise InputError(
                            file,
                            f"alias {alias!r} ({lang}) must begin with a letter or digit",
                            number,
                        )
                    other = here[lang].get(alias)
                    if other is not None and other != index:
                        raise InputError(
                            file,
                            f"alias {alias!r} ({lang}) already belongs to {rows[other].name}",
                            number,
                        )
                    before = owner[lang].get(alias)
                    if before is not None and before != index:
                        logger.debug(
                            "%s:%d: alias %r (%s) moves from %s to %s",
                            file,
                            number,
                            alias,
                            lang,
                            rows[before].name,
                            name,
                        )
                    here[lang][alias] = owner[lang][alias] = index
    entities = [
        Entity(r.qid, r.name, r.type, r.country_qid or (r.qid if r.type == "country" else ""))
        for r in rows
    ]
    aliases = {
        lang: {alias: entities[index] for alias, index in table.items()}
        for lang, table in owner.items()
    }
    return EntityTable(entities, aliases)
