"""benchmarks/targets.py: the matching and the metrics on hand-made spans, and the whole
script on a fixture article written here (the benchmark itself never runs in the tests)."""

import json
import sys

import pandas as pd
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import targets as bench

from quotestance.experiments.config import ModelConfig
from quotestance.labels import STANCES
from quotestance.models.baselines import MajorityModel


def test_a_quote_covering_30_percent_of_the_gold_span_matches_29_does_not():
    gold = [(100, 200)]
    assert bench.match_quotes([[(170, 200)]], gold) == [(0, 0)]
    assert bench.match_quotes([[(171, 200)]], gold) == []
    # two segments add up: 15 + 15 characters of the gold span
    assert bench.match_quotes([[(90, 115), (185, 230)]], gold) == [(0, 0)]
    assert bench.covered([(90, 115), (185, 230)], 100, 200) == 30


def test_quote_matching_is_one_to_one_most_covered_characters_first():
    gold = [(0, 100), (50, 100)]  # a reported claim and the direct quote inside it
    system = [[(50, 100)], [(0, 60)]]
    # system 0 covers 50 characters of either gold quote: the inner one (the whole of it)
    # wins the tie; system 1 covers 60 of the outer one
    assert bench.match_quotes(system, gold) == [(1, 0), (0, 1)]
    # one system quote over two gold quotes matches one of them only
    assert bench.match_quotes([[(0, 100)]], [(0, 40), (40, 100)]) == [(0, 1)]
    assert bench.match_quotes([[(0, 10)]], [(0, 10)], threshold=1.0) == [(0, 0)]


def test_name_normalisation():
    norm = bench.normalise_name
    assert norm("  The   Foreign  Office ") == "foreign office"
    assert norm("Mr Blair") == norm("mr. blair") == "blair"
    assert norm("Dr Sir John Bourn") == "john bourn"
    assert norm("Lord Falconer") == "lord falconer"
    assert norm("Theresa May") == "theresa may"
    # one gazetteer entity, one name: an alias reads as the entity's name
    assert norm("State Department") == norm("United States Department of State")
    assert norm("Tories") == norm("Conservative Party")
    assert norm(None) is None
    assert bench.speaker_agrees("Mr Park Jin", "park jin")
    assert bench.speaker_agrees(None, None)
    assert not bench.speaker_agrees("Park Jin", None)
    assert not bench.speaker_agrees(None, "Park Jin")


def test_target_scores_on_a_constructed_case():
    G, S = bench.GoldTarget, bench.SystemTarget
    gold = [
        G("North Korea", "country", (10, 21)),
        G("Blue House", "organisation", (30, 35)),
        G("Japan", "country", (40, 45)),
        G("Donald Trump", "person", None),  # no mention: never counts for agreement
    ]
    system = [
        S("north korea", 10, 21),
        S("South Korea", 30, 35),
        S("Japan", 40, 45),
        S("Japan", 60, 65),  # the same name again counts once
        S("China", 50, 55),
    ]
    t = bench.score_targets(gold, system)
    assert (t.gold, t.system, t.tp) == (4, 4, 2)
    assert (t.agree_total, t.agree_same) == (3, 2)
    assert t.gold_types == {"country": 2, "organisation": 1, "person": 1}
    assert t.tp_types == {"country": 2}
    assert [(g.name, s.name) for g, s in t.pairs] == [
        ("North Korea", "north korea"),
        ("Japan", "Japan"),
    ]


def test_article_tally_end_to_end_and_on_matched_quotes():
    G, S = bench.GoldTarget, bench.SystemTarget
    gold = [
        bench.GoldQuote(0, 50, "Park Jin", "speech", [G("North Korea", "country", (5, 16))]),
        bench.GoldQuote(100, 150, "Park Jin", "written", [G("Japan", "country", (110, 115))]),
        bench.GoldQuote(200, 250, None, "thought", []),
    ]
    system = [
        bench.SystemQuote([(0, 50)], "Mr Park Jin", [S("North Korea", 5, 16), S("China", 20, 25)]),
        bench.SystemQuote([(210, 250)], "Kim", []),
        bench.SystemQuote([(300, 350)], None, [S("Japan", 310, 315)]),
    ]
    t = bench.score_article(gold, system)
    assert (t.gold_quotes, t.system_quotes, t.matched, t.speaker_correct) == (3, 3, 2, 1)
    assert t.class_gold == {"speech": 1, "written": 1, "thought": 1}
    assert t.class_matched == {"speech": 1, "thought": 1}
    assert (t.gold_pairs, t.system_pairs, t.tp) == (2, 3, 1)
    assert (t.matched_gold_pairs, t.matched_system_pairs) == (1, 2)
    assert (t.agree_total, t.agree_same) == (1, 1)
    assert t.type_gold == {"country": 2} and t.type_tp == {"country": 1}
    assert len(t.pairs) == 1 and t.pairs[0].gold.name == "North Korea"


ARTICLE = (
    "Missile launch condemned in Seoul\n"
    "\n"
    "“We condemn North Korea's missile tests,” Foreign Minister Park Jin said on Tuesday. "
    "He added that Seoul would work with Japan.\n"
    "\n"
    "“The weather in Busan is lovely this week,” said Kim Min-ho, a local shop owner. "
    "The launch came days after talks in Geneva.\n"
)


def gold_row(text, quote, speaker, cue, cue_class, target=None, ttype=None, mention=None):
    start = text.index(quote)
    m = text.index(mention, start) if mention else None
    return {
        "source": "polnear",
        "split": "test",
        "article": "train/text/fixture.txt",
        "quote_start": start,
        "quote_end": start + len(quote),
        "speaker": speaker,
        "cue": cue,
        "cue_class": cue_class,
        "target": target,
        "target_type": ttype,
        "target_mention_start": m,
        "target_mention_end": None if m is None else m + len(mention),
        "stance": "against" if target == "North Korea" else "neutral" if target else None,
        "claim_type": "opinion",
    }


@pytest.fixture
def fixture_data(tmp_path):
    data = tmp_path / "data"
    folder = data / "polnear" / "train" / "text"
    folder.mkdir(parents=True)
    (folder / "fixture.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "no-quotes.txt").write_text("Nothing was said.\n", encoding="utf-8")
    rows = [
        gold_row(
            ARTICLE, "We condemn North Korea's missile tests", "Park Jin", "said", "speech",
            "North Korea", "country", "North Korea",
        ),
        gold_row(
            ARTICLE, "Seoul would work with Japan", "Park Jin", "added", "speech",
            "Blue House", "organisation", "Seoul",
        ),
        gold_row(
            ARTICLE, "Seoul would work with Japan", "Park Jin", "added", "speech",
            "Japan", "country", "Japan",
        ),
        gold_row(
            ARTICLE, "The weather in Busan is lovely this week", "Kim Min-ho", "said", "speech"
        ),
        gold_row(
            ARTICLE, "The launch came days after talks in Geneva", None, None, "thought",
            "North Korea", "country",
        ),
    ]  # fmt: skip
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "polnear.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return data, gold


def test_the_script_scores_a_fixture_article(fixture_data, tmp_path, capsys):
    data, gold = fixture_data
    model = MajorityModel(ModelConfig(kind="majority"), STANCES)
    model.fit(pd.DataFrame({"label": ["against", "against", "neutral"]}), pd.DataFrame(), 1)
    folder = model.save(tmp_path / "stance-model")
    out = tmp_path / "reports" / "targets.md"
    argv = ["--data-dir", str(data), "--gold-dir", str(gold), "--sources", "polnear"]
    assert bench.main([*argv, "--model", str(folder), "--out", str(out)]) == 0
    report = out.read_text()
    assert report.strip() == capsys.readouterr().out.strip()
    # 4 gold quotes, the system finds the 3 with quotation marks or a speech verb (the
    # fourth, annotated without a cue, stands for a quote the system misses)
    assert "| polnear | 1 | 4 | 3 | 3 | 1.000 | 0.750 | 0.857 | 1.000 (3/3) |" in report
    # gold pairs: North Korea, Blue House, Japan, North Korea (the quote not found);
    # system pairs: North Korea, South Korea, Japan; TP North Korea and Japan
    assert (
        "| polnear | 4 | 3 | 2 | 3 / 3 | 0.667 | 0.667 | 0.667 | 0.500 | 0.571 | 0.667 (2/3) |"
    ) in report
    assert "| country | 0.667 (2/3) | 0.667 (2/3) | 1.000 (2/2) |" in report
    assert "| organisation | 0.000 (0/1) | 0.000 (0/1) | 0.000 (0/1) |" in report
    assert "| thought | 0.000 (0/1) | 0.000 (0/1) |" in report
    assert "| speech only (speech + written) | 1.000 (3/3) | 1.000 (3/3) |" in report
    # the majority model says "against": right on North Korea, wrong on Japan (neutral)
    assert "| polnear | 2 | 0.222 | 0.500 |" in report
    assert "| against | 0 | 1 | 0 |" in report and "| neutral | 0 | 1 | 0 |" in report
    assert "| extraction + targets_of | 1 |" in report
    assert "exactly the articles SELECTION.md's rule picks" in report
    assert "every gold quote and mention span reads the same" in report


def test_the_script_lists_its_articles_and_names_what_is_missing(fixture_data, tmp_path, capsys):
    data, gold = fixture_data
    argv = ["--data-dir", str(data), "--gold-dir", str(gold), "--sources", "polnear"]
    assert bench.main([*argv, "--list"]) == 0
    assert capsys.readouterr().out.split() == [str(data / "polnear/train/text/fixture.txt")]
    assert bench.main([*argv, "--list", "--split", "dev"]) == 0
    assert capsys.readouterr().out == ""
    assert bench.main(["--data-dir", str(tmp_path / "none"), "--gold-dir", str(gold)]) == 2
    assert "none: no such data folder" in capsys.readouterr().err
    (data / "polnear/train/text/fixture.txt").unlink()
    assert bench.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fixture.txt: gold article not found" in err
