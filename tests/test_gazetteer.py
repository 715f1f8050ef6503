"""The gazetteer: every country, the hand-kept organisations, parties, people and places, the
order in which the files are read, and the lookup that finds them in a text."""

import itertools
import logging
import re

import pytest
from conftest import SAMPLES

from quotestance.entities import (
    COLUMNS,
    GAZETTEER_VARIABLE,
    _load,
    entity_files,
    gazetteer_files,
    load_entities,
)
from quotestance.errors import InputError
from quotestance.gazetteer import _plural, _tidy, _usable, read_exclusions
from quotestance.lexicon import read_table, resource_dir

GAZETTEER = resource_dir() / "gazetteer"
HEADER = "\t".join(COLUMNS) + "\n"

# the rows of resources/entities.tsv as committed before the gazetteer: the sample articles'
# gold labels name these entities by these names and ids
HAND_ROWS = [
    ("Q148", "China"),
    ("Q30", "United States"),
    ("Q423", "North Korea"),
    ("Q884", "South Korea"),
    ("Q159", "Russia"),
    ("Q17", "Japan"),
    ("Q212", "Ukraine"),
    ("Q865", "Taiwan"),
    ("Q145", "United Kingdom"),
    ("Q142", "France"),
    ("Q183", "Germany"),
    ("Q20", "Norway"),
    ("Q35", "Denmark"),
    ("Q34", "Sweden"),
    ("Q794", "Iran"),
    ("Q801", "Israel"),
    ("Q668", "India"),
    ("Q458", "European Union"),
    ("Q1065", "United Nations"),
    ("Q7184", "NATO"),
    ("Q37230", "Central Intelligence Agency"),
    ("", "US Indo-Pacific Command"),
    ("", "Korean Central News Agency"),
    ("Q40464", "Agence France-Presse"),
    ("", "Norsk Telegrambyrå"),
    ("Q130879", "Reuters"),
    ("Q40469", "Associated Press"),
    ("Q11209", "United States Department of Defense"),
    ("Q35525", "White House"),
    ("Q789915", "United States Department of State"),
    ("Q56226", "Kim Jong Un"),
    ("Q7747", "Vladimir Putin"),
    ("Q15031", "Xi Jinping"),
    ("Q6279", "Joe Biden"),
    ("Q22686", "Donald Trump"),
]


@pytest.fixture(autouse=True)
def no_user_files(monkeypatch):
    monkeypatch.delenv(GAZETTEER_VARIABLE, raising=False)


def entity(alias, lang="en"):
    found = load_entities().lookup(alias, lang)
    assert found is not None, alias
    return found


def test_every_country_has_a_row():
    rows = read_table(GAZETTEER / "countries.tsv", COLUMNS, required=1)
    assert len(rows) >= 240  # the 249 ISO 3166-1 entries and a few more
    countries = {e.name: e for e in load_entities().entities if e.type == "country"}
    assert len(countries) >= 240
    for name, qid in [("France", "Q142"), ("Norway", "Q20"), ("Kosovo", "Q1246")]:
        assert countries[name].qid == qid
    for name in ("Tuvalu", "Eswatini", "Åland Islands", "Western Sahara"):
        assert name in countries


def test_the_gazetteer_files_and_their_order(monkeypatch, tmp_path):
    names = [p.name for p in gazetteer_files()]
    assert names == sorted(names) and "countries.tsv" in names and "people.tsv" in names
    assert "exclude.tsv" not in names and "country_extra.tsv" not in names
    mine = tmp_path / "mine.tsv"
    monkeypatch.setenv(GAZETTEER_VARIABLE, str(mine))
    files = entity_files()
    assert files[-2] == resource_dir() / "entities.tsv" and files[-1] == mine


@pytest.mark.parametrize(
    ("lang", "alias", "name"),
    [
        ("en", "France", "France"),
        ("en", "French", "France"),
        ("en", "Paris", "France"),
        ("en", "French Republic", "France"),
        ("no", "Frankrike", "France"),
        ("no", "Frankrikes", "France"),
        ("en", "Iranians", "Iran"),
        ("en", "Korea, Republic of", None),  # ISO-style inverted names are no aliases
        ("en", "South Korea", "South Korea"),
        ("en", "UK", "United Kingdom"),
        ("en", "NO", None),  # bare ISO codes are no aliases
        ("en", "IT", None),
        ("en", "Brasilia", "Brazil"),
        ("en", "Democratic People’s Republic of Korea", "North Korea"),
        ("no", "Sør-Afrika", "South Africa"),
        ("en", "Brussels", "European Union"),
        ("no", "Brussel", "European Union"),
        ("en", "Westminster", "UK Parliament"),
        ("en", "Downing Street", "UK Government"),
        ("en", "Kremlin", "Russia"),
        ("no", "FN", "United Nations"),
        ("no", "Verdens helseorganisasjon", "World Health Organization"),
        ("no", "Det internasjonale pengefondet", "International Monetary Fund"),
        ("en", "Labour", "Labour Party"),
        ("en", "Obama", "Barack Obama"),
        ("en", "Latin America", "Latin America"),
    ],
)
def test_aliases(lang, alias, name):
    found = load_entities().lookup(alias, lang)
    assert (found.name if found else None) == name


def test_one_party_under_its_everyday_names():
    tories = {entity(a) for a in ("Tories", "Conservatives", "Conservative Party", "Tory")}
    assert len(tories) == 1
    party = tories.pop()
    assert (party.name, party.type, party.country_qid) == ("Conservative Party", "party", "Q145")
    for alias in ("Høyre", "Arbeiderpartiet", "Frp", "Sp", "SV", "KrF"):
        found = entity(alias, "no")
        assert found.type == "party" and found.country_qid == "Q20", alias
    # "Venstre" is a Norwegian and a Danish party: each language means its most common one
    assert entity("Venstre", "no").name == "Venstre (Norway)"
    assert entity("Venstre", "en").name == "Venstre (Denmark)"


def test_people_and_their_country():
    table = load_entities()
    obama = entity("Obama")
    assert (obama.name, obama.type, obama.qid) == ("Barack Obama", "person", "Q76")
    assert table.country_of(obama) == table.by_qid["Q30"]
    assert entity("Tony Blair") is entity("Blair")
    assert entity("Gahr Støres", "no").name == "Jonas Gahr Støre"
    # common surnames and first names alone are nobody
    for word in ("May", "Brown", "Johnson", "Bush", "Clinton", "Jordan", "Georgia", "Victoria"):
        assert table.lookup(word, "en") is None, word


def test_excluded_aliases_match_no_country_or_person():
    table = load_entities()
    excluded = read_exclusions(GAZETTEER / "exclude.tsv")
    for lang, aliases in excluded.items():
        for alias in aliases:
            found = table.lookup(alias, lang)
            assert found is None or found.type not in ("country", "person"), (alias, lang)
    text = "Michael Jordan met the president in May, in Kingston, Jamaica."
    assert [(m.text, m.entity.name) for m in table.find(text, "en")] == [("Jamaica", "Jamaica")]


def test_the_hand_rows_keep_their_names_and_ids():
    table = load_entities()
    rows = read_table(resource_dir() / "entities.tsv", COLUMNS, required=1)
    assert [(f[0], f[1]) for _, f in rows] == HAND_ROWS
    for _, (qid, name, kind, _country, en, no) in rows:
        found = table.by_qid[qid] if qid else table.by_name[name]
        assert (found.qid, found.name, found.type) == (qid, name, kind)
        for lang, column in (("en", en), ("no", no)):
            for alias in filter(None, (a.strip() for a in column.split("|"))):
                assert table.lookup(alias, lang) == found, (alias, lang)


def test_find_gives_non_overlapping_longest_matches():
    table = load_entities()
    text = (
        "The Washington Post said Papua New Guinea and the Democratic Republic of the Congo "
        "joined Nord-Korea's critics; anti-Beijing voices in Washington, the UK's Labour Party, "
        "Liberal Democrats and New South Wales agreed."
    )
    got = [(m.text, m.entity.name) for m in table.find(text, "en")]
    assert got == [
        ("The Washington Post", "Washington Post"),
        ("Papua New Guinea", "Papua New Guinea"),
        ("Democratic Republic of the Congo", "Democratic Republic of the Congo"),
        ("Washington", "United States"),
        ("UK", "United Kingdom"),
        ("Labour Party", "Labour Party"),
        ("Liberal Democrats", "Liberal Democrats"),
        ("New South Wales", "New South Wales"),
    ]
    found = table.find(text, "en", offset=100)
    assert all(text[m.start - 100 : m.end - 100] == m.text for m in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def _regex_find(table, text, lang):
    """What ``find`` gave when it was one alternation of every alias, longest first."""
    aliases = table._aliases[lang]
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    "name", ["000_19a6ae6c093676fb", "001_f65c8cd2c888a781", "002_7a163f6565026dd5"]
)
def test_find_matches_the_alternation_it_replaced(name):
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    table = load_entities()
    for lang in ("en", "no"):
        got = [(m.start, m.end, m.text) for m in table.find(text, lang)]
        assert got == _regex_find(table, text, lang)


def test_a_user_file_adds_entities_and_aliases(monkeypatch, tmp_path, caplog):
    mine = tmp_path / "beat.tsv"
    mine.write_text(
        HEADER
        + "\tOslo City Council\torganisation\tQ20\tOslo City Council\tBystyret|Oslo bystyre\n"
        + "Q142\tFrance\tcountry\t\tLa France\t\n"  # more aliases for a gazetteer entity
        + "\tLabour Party\tparty\t\tLabour Party\t\n"  # no QID: merged by name and type
        + "\tTaliban\torganisation\t\tTaliban\tTaliban\n"
        + "\tKabul Government\torganisation\tQ889\tKabul\t\n"  # takes "Kabul" from the country
    )
    monkeypatch.setenv(GAZETTEER_VARIABLE, str(mine))
    with caplog.at_level(logging.DEBUG, logger="quotestance"):
        table = load_entities()
    council = table.lookup("Bystyret", "no")
    assert council is not None and council.name == "Oslo City Council"
    assert table.lookup("Oslo bystyres", "no") == council  # the derived genitive
    assert table.lookup("Oslo bystyre", "no") == council
    assert table.country_of(council) == table.by_qid["Q20"]
    assert table.lookup("La France", "en") == table.lookup("Paris", "en")
    assert table.lookup("Labour Party", "en").qid == "Q9630"
    assert table.lookup("Kabul", "en").name == "Kabul Government"
    assert "alias 'Kabul' (en) moves from Afghanistan to Kabul Government" in caplog.text
    assert table.lookup("Afghanistan", "en").name == "Afghanistan"


def test_a_later_row_fills_the_missing_qid(tmp_path):
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text(HEADER + "\tAcme\torganisation\t\tAcme|Acme Corp\t\n")
    second.write_text(HEADER + "Q123\tAcme\torganisation\tQ30\tACME\t\n")
    table = _load((str(first), str(second)))
    acme = table.lookup("Acme Corp", "en")
    assert acme is not None and (acme.qid, acme.country_qid) == ("Q123", "Q30")
    assert table.lookup("ACME", "en") == acme and table.by_qid["Q123"] == acme
    assert len(table.entities) == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Q1\tX\tcity\t\tX\t", r"bad.tsv:3: unknown type 'city'"),
        ("1\tX\tplace\t\tX\t", r"bad.tsv:3: qid must look like Q123, got '1'"),
        ("Q1\tX\tplace\tNorway\tX\t", r"bad.tsv:3: country_qid must look like Q123"),
        ("Q1\tX\tplace\t\t(X)\t", r"bad.tsv:3: alias '\(X\)' \(en\) must begin with a letter"),
        ("Q1\tY\tplace\t\tOslo\t", r"bad.tsv:3: alias 'Oslo' \(en\) already belongs to X"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    path = tmp_path / "bad.tsv"
    path.write_text(HEADER + "Q2\tX\tplace\t\tOslo\t\n" + row + "\n")
    with pytest.raises(InputError, match=message):
        _load((str(path),))


def test_a_bad_user_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(GAZETTEER_VARIABLE, str(tmp_path / "missing.tsv"))
    with pytest.raises(InputError, match=r"missing.tsv: cannot read"):
        load_entities()


def test_generator_cleaning_rules():
    assert _tidy("The Gambia") == "Gambia"
    assert _tidy("The Valley", article=False) == "The Valley"
    assert _tidy("Holy See (Vatican City State)") == "Holy See"
    assert not _usable("Korea, Republic of")
    assert not _usable("NO") and not _usable("GBR")
    assert not _usable("Российская Федерация") and _usable("Côte d'Ivoire")
    assert _plural("Iranian", "Iran") == "Iranians"
    assert _plural("Iraqi", "Iraq") == "Iraqis"
    assert _plural("French", "France") == ""
    assert _plural("Djibouti", "Djibouti") == ""


def test_exclusions_say_why(tmp_path):
    path = tmp_path / "exclude.tsv"
    path.write_text("alias\tlang\treason\nJordan\tboth\ta first name\nMan\tno\t\n")
    with pytest.raises(InputError, match=r"exclude.tsv:3: say why 'Man' is excluded"):
        read_exclusions(path)
    path.write_text("alias\tlang\treason\nJordan\tall\ta first name\n")
    with pytest.raises(InputError, match=r"exclude.tsv:2: lang must be en, no or both"):
        read_exclusions(path)


def test_the_committed_countries_are_what_the_packages_give(tmp_path):
    """Where the generator's packages are installed: a rebuild changes nothing."""
    pytest.importorskip("pycountry")
    pytest.importorskip("countryinfo")
    from quotestance.gazetteer import build

    build(tmp_path)
    committed = (GAZETTEER / "countries.tsv").read_text(encoding="utf-8")
    assert (tmp_path / "countries.tsv").read_text(encoding="utf-8") == committed
