"""The three sample articles, extracted end to end, with their speakers."""

import pytest
from conftest import SAMPLES

from quotestance.extract import extract_file


def speakers(name: str) -> list[tuple[str, str | None, str]]:
    return [(q.kind, q.speaker, q.cue or "") for q in extract_file(SAMPLES / f"{name}.txt")]


def test_article_000_chinese_envoy():
    quotes = extract_file(SAMPLES / "000_19a6ae6c093676fb.txt")
    assert {q.lang for q in quotes} == {"en"}
    assert [(q.kind, q.speaker) for q in quotes] == [
        ("mixed", "Liu Xiaoming"),  # China's ambassador ... accused the US of “using” ...
        ("direct", "Liu Xiaoming"),  # Special Representative Liu Xiaoming told AFP
        ("direct", "Liu Xiaoming"),  # he added
        ("indirect", "North Korea"),  # Pyongyang said
        ("mixed", "Kim Jong Un"),  # “irreversible”
        ("direct", "Liu Xiaoming"),  # said Chinese envoy Liu
        ("indirect", "China"),  # China pushes ..., saying
        ("indirect", "Liu Xiaoming"),  # Mr Liu complained
        ("direct", "Liu Xiaoming"),  # he said
    ]
    liu = [q for q in quotes if q.speaker == "Liu Xiaoming"]
    assert {q.affiliation for q in liu} == {"China"}
    assert {q.speaker_mention for q in liu} >= {
        "Special Representative Liu Xiaoming",
        "Chinese envoy Liu",
        "Mr Liu",
        "he",
    }
    # scare quotes are no quotes of their own
    assert not any(q.text in ("real war", "dual-track", "seriousness") for q in quotes)


def test_article_001_officials_and_experts():
    got = speakers("001_f65c8cd2c888a781")
    assert ("indirect", "reports", "suggest") in got  # "as reports suggest that ..."
    assert ("indirect", "Officials", "worry") in got  # collective, unnamed
    named = [s for _, s, _ in got if s not in ("reports", "Officials")]
    assert named == [
        "Kurt Campbell",
        "Kurt Campbell",
        "Kurt Campbell",
        "Kurt Campbell",
        "Dennis Wilder",
        "Dennis Wilder",
        "Samuel Paparo",
        "Samuel Paparo",
        "Emi Mifune",
        "Emi Mifune",
        "Hideya Kurata",
        "Hideya Kurata",
    ]
    quotes = extract_file(SAMPLES / "001_f65c8cd2c888a781.txt")
    by = {q.speaker: q.affiliation for q in quotes}
    assert by["Kurt Campbell"] == "United States"
    assert by["Hideya Kurata"] == "Japan"
    assert by["Samuel Paparo"] == "United States"
    mixed = [q for q in quotes if q.kind == "mixed"]
    assert [q.fragments for q in mixed] == [["transactional symbiosis"]]
    # the author box at the end is not article text
    assert all("Richard Parks" not in q.sentence for q in quotes)


def test_article_002_norwegian():
    quotes = extract_file(SAMPLES / "002_7a163f6565026dd5.txt")
    assert {q.lang for q in quotes} == {"no"}
    got = [(q.kind, q.speaker, q.cue) for q in quotes]
    assert ("direct", "en uttalelse", "heter det") in got
    assert got.count(("direct", "Antony Blinken", "sa")) == 2
    assert ("indirect", "Park Jin", "ifølge") in got
    assert ("direct", "Park Jin", "sa") in got  # "sa han" after "ifølge Park"
    assert ("mixed", "Antony Blinken", "oppfordrer") in got
    blinken = [q for q in quotes if q.speaker == "Antony Blinken"]
    assert {q.affiliation for q in blinken} == {"United States"}
    assert {q.affiliation for q in quotes if q.speaker == "Park Jin"} == {"South Korea"}
    assert all("©NTB" not in q.text for q in quotes)


@pytest.mark.parametrize(
    "name", ["000_19a6ae6c093676fb", "001_f65c8cd2c888a781", "002_7a163f6565026dd5"]
)
def test_offsets_point_into_the_article(name):
    path = SAMPLES / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    for q in extract_file(path):
        assert " ".join(text[s:e] for s, e in q.segments) == q.text
        assert text[q.sentence_start : q.sentence_end] == q.sentence
        if q.speaker_start is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_mention


def test_quote_ids_are_stable_and_unique():
    first = [q.quote_id for q in extract_file(SAMPLES / "000_19a6ae6c093676fb.txt")]
    again = [q.quote_id for q in extract_file(SAMPLES / "000_19a6ae6c093676fb.txt")]
    assert first == again and len(set(first)) == len(first)
