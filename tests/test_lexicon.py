"""Word lists and the entity table are data: each entry works, and bad rows are clear errors."""

import pytest

from quotestance.entities import load_entities
from quotestance.errors import InputError
from quotestance.lexicon import load_lexicon, read_table, resource_dir


@pytest.mark.parametrize("lang", ["en", "no"])
def test_lexicon_loads(lang):
    lex = load_lexicon(lang)
    assert lex.verbs and lex.titles and lex.pronouns and lex.source_nouns and lex.colon_labels


@pytest.mark.parametrize(
    ("lang", "alias", "name", "qid"),
    [
        ("en", "Beijing", "China", "Q148"),
        ("en", "Chinese", "China", "Q148"),
        ("en", "Washington", "United States", "Q30"),
        ("en", "U.S.", "United States", "Q30"),
        ("en", "Pyongyang", "North Korea", "Q423"),
        ("en", "DPRK", "North Korea", "Q423"),
        ("en", "Seoul", "South Korea", "Q884"),
        ("en", "Moscow", "Russia", "Q159"),
        ("no", "Kina", "China", "Q148"),
        ("no", "Kinas", "China", "Q148"),
        ("no", "USAs", "United States", "Q30"),
        ("no", "Nord-Korea", "North Korea", "Q423"),
        ("no", "Sør-Koreas", "South Korea", "Q884"),
        ("no", "Russland", "Russia", "Q159"),
    ],
)
def test_aliases(lang, alias, name, qid):
    entity = load_entities().lookup(alias, lang)
    assert entity is not None and (entity.name, entity.qid) == (name, qid)


def test_bad_rows_name_file_and_line(tmp_path):
    path = tmp_path / "verbs.tsv"
    path.write_text("# comment\nlemma\tframe\tforms\nsay\tsay\tsaid\nshout\tyell\tshouted\n")
    rows = read_table(path, ("lemma", "frame", "forms"))
    assert rows[0] == (3, ["say", "say", "said"])
    folder = tmp_path / "words"
    (folder / "en").mkdir(parents=True)
    for name in (
        "cue_phrases.tsv",
        "pronouns.tsv",
        "titles.txt",
        "source_nouns.txt",
        "colon_labels.txt",
    ):
        src = resource_dir() / "en" / name
        (folder / "en" / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "en" / "speech_verbs.tsv").write_text(path.read_text())
    with pytest.raises(InputError, match=r"speech_verbs.tsv:4: unknown frame 'yell'"):
        load_lexicon("en", str(folder))


def test_wrong_header_is_an_error(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("a\tb\n")
    with pytest.raises(InputError, match=r"t.tsv:1: header must be"):
        read_table(path, ("lemma", "frame", "forms"))


def test_duplicate_alias_is_an_error(tmp_path):
    path = tmp_path / "entities.tsv"
    path.write_text(
        "qid\tname\ttype\tcountry_qid\ten_aliases\tno_aliases\n"
        "Q148\tChina\tcountry\t\tChina|Beijing\tKina\n"
        "Q30\tUnited States\tcountry\t\tUS|Beijing\tUSA\n"
    )
    with pytest.raises(InputError, match=r"entities.tsv:3: alias 'Beijing'"):
        load_entities(str(path))
