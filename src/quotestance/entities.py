"""The canonical entity table: countries and organisations with Wikidata ids and aliases.

Aliases (names, demonyms, capitals used as metonyms, other languages) live in
``resources/entities.tsv``; users extend the file, not the code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from quotestance.errors import InputError
from quotestance.lexicon import read_table, resource_dir

COLUMNS = ("qid", "name", "type", "country_qid", "en_aliases", "no_aliases")
TYPES = ("country", "organisation", "person")


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
        self._patterns = {
            lang: re.compile(
                r"(?<![\w-])("
                + "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
                + r")(?![\w-])"
            )
            for lang, table in aliases.items()
        }

    def find(self, text: str, lang: str, offset: int = 0) -> list[EntityMention]:
        """Every alias occurrence in ``text``, longest alias first, no overlaps."""
        table = self._aliases[lang]
        return [
            EntityMention(m.start() + offset, m.end() + offset, m.group(1), table[m.group(1)])
            for m in self._patterns[lang].finditer(text)
        ]

    def lookup(self, alias: str, lang: str) -> Entity | None:
        return self._aliases[lang].get(alias)

    def country_of(self, entity: Entity) -> Entity | None:
        """The country an entity belongs to (itself for a country)."""
        return self.by_qid.get(entity.country_qid) if entity.country_qid else None


def _genitives(alias: str) -> list[str]:
    """Norwegian genitive: 'Kina' -> 'Kinas', 'USA' -> 'USAs'; lower-case adjectives have none."""
    if not alias[:1].isupper() or alias.endswith("s"):
        return []
    return [alias + "s"]


@functools.cache
def load_entities(path: str | None = None) -> EntityTable:
    file = Path(path) if path else resource_dir() / "entities.tsv"
    entities: list[Entity] = []
    aliases: dict[str, dict[str, Entity]] = {"en": {}, "no": {}}
    for number, (qid, name, kind, country_qid, en, no) in read_table(file, COLUMNS, required=1):
        if kind not in TYPES:
            raise InputError(file, f"unknown type {kind!r}; expected one of {TYPES}", number)
        if qid and not re.fullmatch(r"Q\d+", qid):
            raise InputError(file, f"qid must look like Q123, got {qid!r}", number)
        entity = Entity(qid, name, kind, country_qid or (qid if kind == "country" else ""))
        entities.append(entity)
        for lang, field in (("en", en), ("no", no)):
            names = [a.strip() for a in field.split("|") if a.strip()]
            if lang == "no":
                names += [g for a in names for g in _genitives(a)]
            for alias in names:
                other = aliases[lang].get(alias)
                if other is not None and other != entity:
                    raise InputError(
                        file, f"alias {alias!r} ({lang}) already belongs to {other.name}", number
                    )
                aliases[lang][alias] = entity
    return EntityTable(entities, aliases)
