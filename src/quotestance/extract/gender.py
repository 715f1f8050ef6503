"""The gender a person's name, title or pronoun says, for pronouns that refer to people.

Three word lists, all data: ``resources/<lang>/gendered_words.tsv`` (titles and role words:
Mr, Mrs, Baroness, spokeswoman), ``resources/first_names.tsv`` (a documented hand list of
first names) and ``resources/<lang>/target_person_pronouns.tsv`` (he, her, hun). Genders are
``m`` or ``f``; a bad row is an ``InputError`` naming the file and line. Shared by speaker
resolution (extract/speakers.py) and quote targets (dataset/targets.py).
"""

from __future__ import annotations

import functools
from pathlib import Path

from quotestance.errors import InputError
from quotestance.lexicon import read_table, resource_dir

GENDERS = ("m", "f")


def _table(path: Path, key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for number, (word, gender) in read_table(path, (key, "gender")):
        if gender not in GENDERS:
            raise InputError(path, f"unknown gender {gender!r}; expected m or f", number)
        found[word.lower()] = gender
    return found


@functools.cache
def title_genders(lang: str) -> dict[str, str]:
    return _table(resource_dir() / lang / "gendered_words.tsv", "word")


@functools.cache
def first_names() -> dict[str, str]:
    return _table(resource_dir() / "first_names.tsv", "name")


@functools.cache
def pronoun_genders(lang: str) -> dict[str, str]:
    return _table(resource_dir() / lang / "target_person_pronouns.tsv", "word")


def name_gender(name: str, lang: str, before: str = "") -> str | None:
    """The gender a person's name says: a gendered title in it or in ``before`` (the words
    written just before it: "Mrs" of "Mrs Thatcher"), else its first name ("Margaret
    Beckett"); None when neither says."""
    titles = title_genders(lang)
    words = [w.strip(",.").lower() for w in name.split()]
    for word in [*reversed(before.split()[-2:]), *words[:2]]:
        word = word.strip(",").lower()
        if word in titles:
            return titles[word]
        if word.rstrip(".") in titles:
            return titles[word.rstrip(".")]
    given = [w for w in words if w not in titles]
    if len(given) > 1 and given[0] in first_names():
        return first_names()[given[0]]
    return None
