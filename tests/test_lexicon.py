"""Word lists and the entity table are data: each entry works, and bad rows are clear errors."""

import pytest

from quotestance.entities import load_entities
from quotestance.errors import InputError
from quotestance.extract.gender import first_names, name_gender, pronoun_genders, title_genders
from quotestance.lexicon import (
    CUE_CLASSES,
    DEFAULT_CUES,
    cue_set,
    load_lexicon,
    read_cue_classes,
    read_table,
    resource_dir,
)


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


@pytest.mark.parametrize("lang", ["en", "no"])
def test_cue_classes_are_known_classes(lang):
    lex = load_lexicon(lang)
    assert set(lex.cue_classes.values()) | set(lex.speaker_classes.values()) <= set(CUE_CLASSES)
    assert lex.cue_class("said" if lang == "en" else "sa") == "speech"


def test_cue_class_by_lemma_phrase_and_form():
    lex = load_lexicon("en")
    assert lex.cue_class("believes") == "thought"
    assert lex.cue_class("promised") == "plan"
    assert lex.cue_class("According to") == "source"
    assert lex.cue_class("tweeted") == "written"
    assert lex.cue_class("shouted") == "speech"  # not listed: speech
    assert lex.speaker_classes["statement"] == "written"


def test_bad_cue_class_row_names_file_and_line(tmp_path):
    path = tmp_path / "cue_classes.tsv"
    path.write_text("# comment\nword\tclass\tas\nsay\tspeech\tcue\nmuse\tpondering\tcue\n")
    with pytest.raises(InputError, match=r"cue_classes.tsv:4: unknown cue class 'pondering'"):
        read_cue_classes(path)
    path.write_text("word\tclass\tas\nsay\tspeech\tverb\n")
    with pytest.raises(InputError, match=r"cue_classes.tsv:2: unknown 'as' 'verb'"):
        read_cue_classes(path)
    path.write_text("word\tclass\tas\nsay\tspeech\tcue\nsay\tthought\tcue\n")
    with pytest.raises(InputError, match=r"cue_classes.tsv:3: 'say' is listed twice"):
        read_cue_classes(path)


def test_cue_set():
    assert cue_set(None) == DEFAULT_CUES
    assert cue_set("speech,written") == {"speech", "written"}
    assert cue_set(["Speech"]) == {"speech"}
    with pytest.raises(ValueError, match="unknown cue class 'talk'"):
        cue_set(["talk"])
    with pytest.raises(ValueError, match="no cue class"):
        cue_set([])


def test_gender_word_lists():
    assert title_genders("en")["mrs"] == "f" and title_genders("no")["fru"] == "f"
    assert first_names()["margaret"] == "f" and first_names()["gordon"] == "m"
    assert pronoun_genders("en")["she"] == "f" and pronoun_genders("no")["han"] == "m"
    assert name_gender("Margaret Beckett", "en") == "f"
    assert name_gender("Thatcher", "en", before="said Mrs ") == "f"
    assert name_gender("Beckett", "en") is None


def test_bad_gender_row_names_file_and_line(tmp_path, monkeypatch):
    import quotestance.extract.gender as gender

    (tmp_path / "first_names.tsv").write_text("name\tgender\nann\tf\nkim\tx\n")
    monkeypatch.setattr(gender, "resource_dir", lambda: tmp_path)
    gender.first_names.cache_clear()
    try:
        with pytest.raises(InputError, match=r"first_names.tsv:3: unknown gender 'x'"):
            gender.first_names()
    finally:
        gender.first_names.cache_clear()
