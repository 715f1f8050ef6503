"""Build the generated gazetteer file ``resources/gazetteer/countries.tsv`` from data packages.

    python -m quotestance.gazetteer build [--out DIR]

Every ISO 3166-1 country gets one row: its names from ``pycountry`` (ISO name, common name,
official name) and their Norwegian Bokmål translations from pycountry's gettext catalogues;
its capital (a metonym: "Paris" -> France), demonym and English alternative spellings from
``countryinfo``. Two hand-kept files beside the output complete and clean the data:

- ``country_extra.tsv``: what the packages lack (Wikidata QIDs, the names news use, established
  abbreviations, plural demonyms, Norwegian demonyms and exonyms) and rows for entities that
  are not in ISO 3166-1 (Kosovo, the nations of the United Kingdom);
- ``exclude.tsv``: aliases never to write (ordinary words, first names, US states, ambiguous
  capitals), each with its reason.

The output is sorted and depends only on those files and the package versions, which its
header names. The packages are an optional dependency group (``pip install -e ".[gazetteer]"``);
the project reads the committed file and does not need them at run time.
"""

from __future__ import annotations

import argparse
import gettext
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from quotestance.entities import COLUMNS, LANGS, QID, _genitives, _load
from quotestance.errors import InputError, QuotestanceError
from quotestance.lexicon import read_table, resource_dir

OUTPUT = "countries.tsv"
EXTRA_COLUMNS = ("code", "qid", "name", "country_qid", "en_aliases", "no_aliases")
EXCLUDE_COLUMNS = ("alias", "lang", "reason")
# An alias claimed by several countries goes to the most populous one when it has at least
# this many times the population of the next ("French": France, not Réunion); otherwise it
# is ambiguous and dropped ("Jomfruøyene": the US or the British Virgin Islands).
DOMINANCE = 10

# altSpellings of countryinfo mix English long forms, codes and native names ("Nippon",
# "Mann", "Prathet"); only English long forms are kept, told by one of these words.
_ENGLISH_FORM = re.compile(
    r"\b(Republic|Kingdom|State|States|Federation|Federal|Commonwealth|Union|Principality|"
    r"Islands?|Duchy|Sultanate|Territory|Bailiwick|Confederation|Emirates|Democratic|"
    r"People's|Plurinational|Bolivarian|Socialist|Independent|Co-operative|Hashemite|Arab)\b"
)
# function words of the native long forms ("Union des Comores", "Stet bilong Papua Niugini")
_FOREIGN_WORDS = {"de", "des", "du", "la", "le", "di", "del", "da", "y", "e", "et", "und", "van"}
_FOREIGN_WORDS |= {"ya", "wa", "na", "ng", "blong", "bilong"}
_CODE = re.compile(r"[A-Z]{2,3}")
_PUNCTUATION = frozenset(" '’.-")


@dataclass
class Country:
    code: str
    qid: str = ""
    name: str = ""
    country_qid: str = ""
    population: int = 0
    aliases: dict[str, list[str]] = field(default_factory=lambda: {lang: [] for lang in LANGS})
    # aliases from country_extra.tsv: kept even where they look like codes ("US", "UAE")
    hand: set[str] = field(default_factory=set)

    def add(self, lang: str, *names: str | None, article: bool = True) -> None:
        for name in names:
            name = _tidy(name or "", article)
            if name and name not in self.aliases[lang]:
                self.aliases[lang].append(name)


def _tidy(name: str, article: bool = True) -> str:
    """One name as an alias: no parenthesis, single spaces and, for a country's name
    (``article``), no leading article ("The Gambia" -> "Gambia")."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if article:
        name = re.sub(r"^(the|The)\s+", "", name)
    return " ".join(name.split())


def _folded(name: str) -> str:
    """The name without accents ("Bogotá" -> "Bogota"), or '' when it has none."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain if plain != name and plain.isascii() else ""


def _plural(demonym: str, country: str) -> str:
    """The people noun of a demonym where English adds an s: "Iranian" -> "Iranians"."""
    if demonym == country or not re.search(r"(an|i|er)$", demonym):
        return ""
    return demonym + "s"


def _variants(alias: str) -> list[str]:
    """The alias and its spelling with a typographic apostrophe ("People’s")."""
    return [alias, alias.replace("'", "’")] if "'" in alias else [alias]


def _latin(alias: str) -> bool:
    """Letters of the Latin script, digits, spaces and name punctuation only."""
    return all(
        unicodedata.name(c, "").startswith("LATIN") if c.isalpha() else c in _PUNCTUATION
        for c in alias
    )


def _usable(alias: str) -> bool:
    """An ISO-style inverted name ("Korea, Republic of") or a name in another script is no
    alias; a bare ISO code neither ("NO", "IN": established ones are in country_extra.tsv)."""
    return "," not in alias and _latin(alias) and not _CODE.fullmatch(alias)


def _english(spelling: str) -> bool:
    """An English long form among countryinfo's altSpellings ("Kingdom of Norway"), not a
    native name ("Kongeriket Norge", "Union des Comores") nor a single word ("Island")."""
    words = set(spelling.split())
    return len(words) > 1 and bool(_ENGLISH_FORM.search(spelling)) and not words & _FOREIGN_WORDS


def read_exclusions(path: Path) -> dict[str, dict[str, str]]:
    """Alias -> reason, per language, from ``exclude.tsv`` (lang: en, no or both)."""
    excluded: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for number, (alias, lang, reason) in read_table(path, EXCLUDE_COLUMNS, required=0):
        if lang not in (*LANGS, "both"):
            raise InputError(path, f"lang must be en, no or both, got {lang!r}", number)
        if not reason:
            raise InputError(path, f"say why {alias!r} is excluded", number)
        for one in LANGS if lang == "both" else (lang,):
            excluded[one][alias] = reason
    return excluded


def read_extra(path: Path) -> list[tuple[int, list[str]]]:
    rows = read_table(path, EXTRA_COLUMNS, required=0)
    for number, (_code, qid, _name, country_qid, _en, _no) in rows:
        for value in (qid, country_qid):
            if value and not QID.fullmatch(value):
                raise InputError(path, f"qid must look like Q123, got {value!r}", number)
    return rows


class _Untranslated(gettext.NullTranslations):
    """Fallback of the Bokmål catalogue: says that a name has no translation."""

    def gettext(self, message: str) -> str:
        return ""


def _packages() -> tuple[Any, Any, Any]:
    try:
        import countryinfo
        import pycountry
    except ImportError as exc:
        raise QuotestanceError(
            f"{exc.name} is not installed: pip install -e '.[gazetteer]'"
        ) from exc
    return pycountry, countryinfo.CountryInfo, countryinfo.CountryNotFoundError


def collect_countries(
    extra: list[tuple[int, list[str]]], excluded: dict[str, dict[str, str]]
) -> list[Country]:
    """One Country per ISO 3166-1 entry, plus the extra file's other codes, with their names
    from the packages, completed by ``extra`` and cleaned of ``excluded`` and ambiguous aliases."""
    pycountry, country_info, not_found = _packages()
    bokmal = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nb"])
    bokmal.add_fallback(_Untranslated())
    hand = {fields[0]: fields for _, fields in extra}
    countries: list[Country] = []
    for iso in pycountry.countries:
        country = Country(iso.alpha_2)
        common = getattr(iso, "common_name", None)
        official = getattr(iso, "official_name", None)
        try:
            info = country_info(iso.alpha_2)
            info_name = info.name()
            capitals = re.split(r"\s*/\s*", info.capital() or "")
            demonyms = [d.strip() for d in (info.demonym() or "").split(",")]
            spellings = [s for s in info.alt_spellings() if _english(s)]
            country.population = info.population() or 0
        except not_found:
            info_name, capitals, demonyms, spellings = "", [], [], []
        names = [common, iso.name, info_name, official]
        override = hand.get(iso.alpha_2, [""] * len(EXTRA_COLUMNS))[2]
        clean = [_tidy(n) for n in [override, *names] if n and _usable(_tidy(n))]
        country.name = clean[0] if clean else iso.name
        country.add("en", country.name, *names, *spellings)
        country.add("en", *capitals, article=False)
        for demonym in demonyms:
            country.add("en", demonym, _plural(demonym, country.name))
        country.add("en", *[_folded(a) for a in country.aliases["en"]])
        for name in names:
            country.add("no", bokmal.gettext(name) if name else "")
        country.add("no", *capitals, article=False)
        countries.append(country)
    known = {c.code: c for c in countries}
    for number, (code, qid, name, country_qid, en, no) in extra:
        if code not in known:
            if not name:
                raise InputError(
                    "country_extra.tsv", f"{code!r} is not ISO 3166-1: name it", number
                )
            known[code] = Country(code, name=name)
            countries.append(known[code])
        country = known[code]
        country.qid = qid or country.qid
        country.name = name or country.name
        country.country_qid = country_qid or country.country_qid
        country.add("en", name, *en.split("|"), article=False)
        country.add("no", *no.split("|"), article=False)
        country.hand |= {a.strip() for a in (en + "|" + no).split("|") if a.strip()}
    _clean(countries, excluded)
    return sorted(countries, key=lambda c: (c.name.casefold(), c.code))


def _clean(countries: list[Country], excluded: dict[str, dict[str, str]]) -> None:
    """Drop excluded and unusable aliases, and those two countries claim (unless one of them
    is far more populous), counting Norwegian genitives as the loader derives them."""
    for lang in LANGS:
        claims: dict[str, list[Country]] = {}
        for country in countries:
            kept = [
                v
                for a in country.aliases[lang]
                if (a in country.hand or _usable(a)) and a not in excluded[lang]
                for v in _variants(a)
            ]
            country.aliases[lang] = list(dict.fromkeys(kept))
            derived = [g for a in kept for g in _genitives(a)] if lang == "no" else []
            for alias in dict.fromkeys([*kept, *derived]):
                claims.setdefault(alias, []).append(country)
        for alias, owners in claims.items():
            if len(owners) < 2:
                continue
            first, second = sorted(owners, key=lambda c: c.population, reverse=True)[:2]
            winner = first if first.population >= DOMINANCE * max(second.population, 1) else None
            for country in owners:
                if country is not winner:
                    country.aliases[lang] = [
                        a for a in country.aliases[lang] if a != alias and a + "s" != alias
                    ]


def render(countries: Iterable[Country], header: Sequence[str]) -> str:
    lines = [f"# {line}".rstrip() for line in header]
    lines.append("\t".join(COLUMNS))
    for c in countries:
        en, no = ("|".join(c.aliases[lang]) for lang in LANGS)
        lines.append("\t".join([c.qid, c.name, "country", c.country_qid, en, no]))
    return "\n".join(lines) + "\n"


def build(out: Path | None = None) -> dict[str, int]:
    """(Re)write ``countries.tsv`` in ``out`` (default: the package's resources/gazetteer);
    returns the counts of rows and aliases written."""
    source = resource_dir() / "gazetteer"
    out = out or source
    excluded = read_exclusions(source / "exclude.tsv")
    countries = collect_countries(read_extra(source / "country_extra.tsv"), excluded)
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("pycountry", "countryinfo"))
    header = [
        "Countries: generated by `python -m quotestance.gazetteer build` from",
        f"{versions}, country_extra.tsv and exclude.tsv. Do not edit: change those",
        "two files and rebuild, or add rows to entities.tsv or a file of your own.",
        "columns: qid	name	type	country_qid	en_aliases	no_aliases",
    ]
    out.mkdir(parents=True, exist_ok=True)
    path = out / OUTPUT
    path.write_text(render(countries, header), encoding="utf-8")
    _load((str(path),))  # the loader's own checks: one owner per alias, valid ids
    return {
        "rows": len(countries),
        "with_qid": sum(bool(c.qid) for c in countries),
        **{f"{lang}_aliases": sum(len(c.aliases[lang]) for c in countries) for lang in LANGS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quotestance.gazetteer", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("build", help="(re)write countries.tsv from the data packages")
    run.add_argument("--out", type=Path, help="folder to write to (default: the package's)")
    args = parser.parse_args(argv)
    try:
        counts = build(args.out)
    except QuotestanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
