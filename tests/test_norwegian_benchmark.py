"""benchmarks/norne.py and benchmarks/norwegian.py: articles cut from a fixture sentence file
written here (a reserved file among them), the selection rule, and the scoring of a toy article
(the shared data and the extraction itself are never used here)."""

import hashlib
import json
import sys
from types import SimpleNamespace

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import norne
import norwegian
from targets import GOLD_KEYS, GoldQuote

SENTENCES = [
    # a file that opens in the middle of an article, then two articles
    ("ap001_0000.conll", 0, "slutten på en sak .", False),
    ("ap001_0000.conll", 1, "Ny sak", True),
    ("ap001_0000.conll", 2, "Foto: NTB", True),
    ("ap001_0000.conll", 3, "- Vi får se , sier han .", False),
    ("ap001_0000.conll", 4, "Mellomtittel", True),
    ("ap001_0000.conll", 5, "Ingen sitater her .", False),
    ("db002_0001.conll", 0, "Tittel", True),
    ("db002_0001.conll", 1, "Hun kalte det «en skandale» .", False),
]


def write_corpus(root, reserved_line='{"file": "kk009_0000.conll", "text": not json at all'):
    corpus = root / "norne_news_nob"
    corpus.mkdir(parents=True)
    lines = [
        json.dumps(
            {"file": f, "sent_idx": i, "text": t, "tokens": t.split(), "is_headline": h},
            ensure_ascii=False,
        )
        for f, i, t, h in SENTENCES
    ]
    lines.insert(3, reserved_line)  # a reserved file's line: skipped before it is decoded
    (corpus / "sentences.derived.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "RESERVED_FOR_EVALUATION.txt").write_text(
        "# reserved\nkk009_0000.conll\n", encoding="utf-8"
    )
    return root


def test_articles_are_cut_at_a_headline_after_body_text_and_the_reserved_file_is_skipped(
    tmp_path,
):
    articles = norne.all_articles(write_corpus(tmp_path))
    assert [a.id for a in articles] == [
        "ap001_0000.conll#0",
        "ap001_0000.conll#1",
        "ap001_0000.conll#2",
        "db002_0001.conll#0",
    ]
    assert all(not a.file.startswith("kk009") for a in articles)
    # a run of headlines stays with the body after it; the text is the sentences, "\n"-joined
    assert articles[1].text == "Ny sak\nFoto: NTB\n- Vi får se , sier han .\n"
    assert articles[0].text == "slutten på en sak .\n"
    assert [a.newspaper for a in articles] == ["ap", "ap", "ap", "db"]
    assert norne.newspaper_of("sp-bm001_0003.conll#3") == "sp"
    assert [norne.has_quote_marker(a) for a in articles] == [False, True, False, True]


def test_sentences_are_put_in_sent_idx_order(tmp_path):
    lines = [
        json.dumps({"file": "vg001_0001.conll", "sent_idx": i, "text": t, "is_headline": h})
        for i, t, h in [(1, "b .", False), (0, "T", True)]
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sentences = norne.read_sentences(path)["vg001_0001.conll"]
    assert norne.article_text(sentences) == "T\nb .\n"


def test_materialised_texts_are_the_rebuilt_texts_byte_for_byte(tmp_path):
    articles = norne.all_articles(write_corpus(tmp_path / "data"))
    paths = norne.materialise(articles, tmp_path / "out")
    for a in articles:
        assert paths[a.id].read_bytes() == a.text.encode("utf-8")
    assert paths["ap001_0000.conll#1"].name == "ap001_0000-1.txt"
    # writing again changes nothing
    assert norne.materialise(articles, tmp_path / "out") == paths


def test_the_selection_is_fixed_by_the_sha256_of_the_id_and_needs_a_quote_marker(tmp_path):
    articles = norne.all_articles(write_corpus(tmp_path))
    sizes = (("test", 1), ("dev", 5))
    first = norne.select(articles, sizes)
    assert first == norne.select(list(reversed(articles)), sizes)
    with_marker = sorted(
        (a.id for a in articles if norne.has_quote_marker(a)),
        key=lambda i: hashlib.sha256(i.encode()).hexdigest(),
    )
    assert [a.id for a in first["test"] + first["dev"]] == with_marker
    assert len(first["test"]) == 1 and len(first["dev"]) == 1


def gold_line(article, split, start=None, end=None, speaker=None, cue_class=None):
    row = {k: None for k in GOLD_KEYS}
    row.update(source="norne", split=split, article=article)
    row.update(quote_start=start, quote_end=end, speaker=speaker, cue_class=cue_class, cue="")
    return json.dumps(row, ensure_ascii=False)


def test_list_checks_that_the_gold_file_holds_exactly_the_chosen_articles(tmp_path, capsys):
    data = write_corpus(tmp_path / "data")
    chosen = norne.select(norne.all_articles(data), norne.SIZES)
    ids = [a.id for a in chosen["test"]]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_line(ids[0], "test", 9, 20, "han", "speech") + "\n", encoding="utf-8")
    args = ["--data-dir", str(data), "--gold", str(gold), "--articles-dir", str(tmp_path / "a")]
    assert norwegian.main([*args, "--list"]) == 1  # the second article is not annotated
    assert "not annotated" in capsys.readouterr().out
    lines = [gold_line(ids[0], "test", 9, 20, "han", "speech"), gold_line(ids[1], "test")]
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert norwegian.main([*args, "--list"]) == 0
    assert "holds exactly" in capsys.readouterr().out
    read = norwegian.read_gold(gold)
    assert read.articles("test") == ids
    assert read.quotes[ids[1]] == []  # the line with quote_start null is the article only


def test_a_gold_line_with_an_empty_span_is_one_error(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_line("x#0", "test", 5, 5, "A", "speech") + "\n", encoding="utf-8")
    with pytest.raises(norwegian.BenchmarkError, match=r"gold\.jsonl:1"):
        norwegian.read_gold(gold)


def test_scoring_a_toy_article_found_missed_and_wrong_speaker():
    text = "- Vi får se , sier Jens Stoltenberg .\nHun mener at det går bra .\n- Nei !\n"

    def span(s):
        return text.index(s), text.index(s) + len(s)

    gold = [
        GoldQuote(*span("Vi får se"), speaker="Jens Stoltenberg"),
        GoldQuote(*span("det går bra"), speaker="Erna Solberg", cue_class="thought"),
        GoldQuote(*span("Nei !"), speaker="Erna Solberg"),
    ]
    found = [
        SimpleNamespace(segments=[list(span("Vi får se"))], speaker="jens  Stoltenberg"),
        SimpleNamespace(segments=[list(span("Nei !"))], speaker="Jens Stoltenberg"),
        SimpleNamespace(segments=[list(span("sier Jens"))], speaker=None),  # spurious
    ]
    tally = norwegian.score_article(gold, norwegian.system_quotes(found))
    assert (tally.gold_quotes, tally.system_quotes, tally.matched) == (3, 3, 2)
    assert tally.speaker_correct == 1  # the name agrees after normalisation; "Nei !" is wrong
    assert tally.class_matched == {"speech": 2} and tally.class_gold["thought"] == 1
    groups = norwegian.groups_for({("ap", "test"): tally}, ["test"])
    assert [name for name, _ in groups] == ["ap (Aftenposten)", "all"]
    report = norwegian.report({("ap", "test"): tally}, ["test"], "ok", [])
    assert "| all | 1 | 3 | 3 | 2 | 0.667 | 0.667 | 0.667 | 0.500 (1/2) |" in report
    assert "| thought | 0.000 (0/1) | 0.000 (0/1) |" in report
