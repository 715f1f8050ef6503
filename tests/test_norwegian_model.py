"""The Norwegian pipeline's data preparation, split rule, loader and a tiny training run, on
fixture sentences written here in the NDT/NorNE CoNLL format (no shared data needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from quotestance import norwegian_model as nm
from quotestance.errors import InputError
from quotestance.io import CACHE_ENV

ROOT = Path(__file__).resolve().parent.parent


def row(i: int, form: str, lemma: str, tag: str, feats: str, head: int, dep: str, ner: str = "O"):
    return "\t".join([str(i), form, lemma, tag, tag, feats, str(head), dep, "_", f"name={ner}"])


# invented sentences: a headline, a dash quote with a speaker, a quote in «», a place name
HEADLINE = [
    row(1, "Hansen", "Hansen", "subst", "prop", 2, "SUBJ", "B-PER"),
    row(2, "vant", "vinne", "verb", "pret", 0, "FINV"),
    row(3, "|", "$|", "clb", "<overskrift>", 2, "IP"),
]
DASH_QUOTE = [
    row(1, "-", "$-", "<strek>", "_", 3, "IK"),
    row(2, "Vi", "vi", "pron", "pers|hum|fl|1|nom", 3, "SUBJ"),
    row(3, "vant", "vinne", "verb", "pret", 0, "FINV"),
    row(4, ",", "$,", "<komma>", "_", 3, "IK"),
    row(5, "sa", "si", "verb", "pret", 3, "PAR"),
    row(6, "Per", "Per", "subst", "prop", 5, "SUBJ", "B-PER"),
    row(7, "Hansen", "Hansen", "subst", "prop", 6, "FLAT", "I-PER"),
    row(8, "til", "til", "prep", "_", 5, "ADV"),
    row(9, "NTB", "NTB", "subst", "prop", 8, "PUTFYLL", "B-ORG"),
    row(10, ".", "$.", "clb", "<punkt>", 3, "IP"),
]
GUILLEMETS = [
    row(1, "Hun", "hun", "pron", "pers|hum|ent|fem|3|nom", 2, "SUBJ"),
    row(2, "sa", "si", "verb", "pret", 0, "FINV"),
    row(3, ":", "$:", "clb", "<kolon>", 2, "IK"),
    row(4, "«", "$«", "<anf>", "_", 6, "IK"),
    row(5, "Oslo", "Oslo", "subst", "prop", 6, "SUBJ", "B-GPE_LOC"),
    row(6, "er", "være", "verb", "pres", 2, "DOBJ"),
    row(7, "stor", "stor", "adj", "ub|m/f|ent|pos", 6, "SPRED"),
    row(8, "»", "$»", "<anf>", "_", 6, "IK"),
    row(9, ".", "$.", "clb", "<punkt>", 2, "IP"),
]


def conll(*sentences: list[str]) -> str:
    return "".join("\n".join(s) + "\n\n" for s in sentences)


def corpus(root: Path) -> Path:
    """A data folder shaped like ../shared/data: groups aa001 and aa002 fall in train, aa010
    in dev, aa017 in test by the split rule; aa001_0002 is reserved and is not even CoNLL."""
    folder = root / nm.CONLL_FOLDER
    folder.mkdir(parents=True)
    body = conll(HEADLINE, DASH_QUOTE, GUILLEMETS)
    for name in ("aa001_0000", "aa001_0001", "aa002_0000", "aa010_0000", "aa017_0000"):
        (folder / f"{name}.conll").write_text(body, encoding="utf-8")
    (folder / "aa001_0002.conll").write_bytes(b"\xff\xfe not a CoNLL file, never to be read\n")
    (root / nm.RESERVED_LIST).write_text(
        "# reserved for evaluation\naa001_0002.conll\n\n", encoding="utf-8"
    )
    return root


def test_reader_keeps_every_column(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("# a comment\n" + conll(HEADLINE, DASH_QUOTE), encoding="utf-8")
    first, second = nm.read_conll(path)
    assert first.is_headline and not second.is_headline
    assert first.line == 2 and second.line == 6
    assert second.words[:3] == ("-", "Vi", "vant")
    assert second.lemmas[3] == "," and second.lemmas[4] == "si"
    assert second.heads[2] == 0 and second.heads[4] == 3
    assert second.ner[5:9] == ("B-PER", "I-PER", "O", "B-ORG")


def test_doc_carries_tags_morphology_tree_and_entities(tmp_path):
    import spacy

    path = tmp_path / "x.conll"
    path.write_text(conll(DASH_QUOTE, GUILLEMETS), encoding="utf-8")
    doc = nm.to_doc(spacy.blank("nb").vocab, nm.read_conll(path))
    assert doc.text == "- Vi vant, sa Per Hansen til NTB. Hun sa: «Oslo er stor»."
    assert [s.text for s in doc.sents] == ["- Vi vant, sa Per Hansen til NTB.", doc.text[34:]]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Per Hansen", "PER"),
        ("NTB", "ORG"),
        ("Oslo", "GPE_LOC"),
    ]
    vant, sa, per = doc[2], doc[4], doc[5]
    assert (vant.dep_, vant.head.i) == ("ROOT", 2)
    assert (sa.dep_, sa.head.i, per.head.i) == ("PAR", 2, 4)
    assert (vant.tag_, vant.pos_, str(vant.morph)) == (
        "verb",
        "VERB",
        "Mood=Ind|Tense=Past|VerbForm=Fin",
    )
    assert (per.tag_, per.pos_) == ("subst", "PROPN")
    assert doc[15].pos_ == "AUX"  # "er": være
    assert str(doc[16].morph) == "Definite=Ind|Degree=Pos|Gender=Fem,Masc|Number=Sing"


@pytest.mark.parametrize(
    ("words", "text"),
    [
        (["Han", "sa", ":", '"', "Ja", '"', "."], 'Han sa: "Ja".'),
        (["(", "NTB", ")", "-", "Nei", "!"], "(NTB) - Nei!"),
        (["«", "Ja", "»", ",", "sa", "han", "."], "«Ja», sa han."),
    ],
)
def test_spaces_rebuilt_from_tokens(words, text):
    spaces = nm.spaces_for(words)
    assert "".join(w + " " * s for w, s in zip(words, spaces, strict=True)).strip() == text


def test_documents_start_at_headlines_and_are_capped(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text(
        conll(HEADLINE, HEADLINE, DASH_QUOTE, GUILLEMETS, HEADLINE, DASH_QUOTE), encoding="utf-8"
    )
    sentences = nm.read_conll(path)
    assert [len(d) for d in nm.documents(sentences)] == [4, 2]
    assert [len(d) for d in nm.documents(sentences, max_sentences=3)] == [3, 1, 2]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1\tJa\tja\tinterj\tinterj\t_\t0\tFRAG\t_", "expected 10 tab-separated columns, found 9"),
        (row(2, "Ja", "ja", "interj", "_", 0, "FRAG"), "token id '2' where 1 was expected"),
        (row(1, "Ja", "ja", "interj", "_", 0, "FRAG").replace("\t0\t", "\tx\t"), "head 'x'"),
        (row(1, "Ja", "ja", "interj", "_", 5, "FRAG"), "head 5 points past"),
        (row(1, "Ja", "ja", "interj", "_", 0, "_"), "no dependency label"),
        (row(1, "Ja", "ja", "interj", "_", 0, "FRAG", "X-PER"), "entity 'name=X-PER'"),
    ],
)
def test_malformed_line_is_one_line_naming_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.conll"
    path.write_text(conll(HEADLINE) + line + "\n\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        nm.read_conll(path)
    text = str(err.value)
    assert text.startswith(f"{path}:5: ") and message in text and "\n" not in text


def test_bad_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_bytes(conll(HEADLINE).encode() + b"1\t\xe6\tx\n")
    with pytest.raises(InputError, match=r"bad\.conll:5: not valid UTF-8"):
        nm.read_conll(path)


def test_split_is_by_whole_file_groups_and_skips_reserved(tmp_path):
    data = corpus(tmp_path / "data")
    reserved = nm.reserved_names(data / nm.RESERVED_LIST)
    assert reserved == {"aa001_0002.conll"}
    splits = nm.split_files(data / nm.CONLL_FOLDER, reserved)
    assert splits == nm.split_files(data / nm.CONLL_FOLDER, reserved)  # deterministic
    names = {k: [p.name for p in v] for k, v in splits.items()}
    assert names == {
        "train": ["aa001_0000.conll", "aa001_0001.conll", "aa002_0000.conll"],
        "dev": ["aa010_0000.conll"],
        "test": ["aa017_0000.conll"],
    }
    # the rule reads the group name only: a group never spans two splits
    assert {nm.split_of(nm.file_group(n)) for n in names["train"]} == {"train"}
    assert nm.file_group("sp-bm001_0003.conll") == "sp-bm001"


def test_files_of_the_quote_gold_articles_are_never_trained_on(tmp_path):
    data = corpus(tmp_path / "data")
    gold = tmp_path / "norne.jsonl"
    gold.write_text(
        '{"article": "aa001_0001.conll#2", "quote_start": 3}\n'
        '{"article": "aa002_0000.conll#0", "quote_start": null}\n',
        encoding="utf-8",
    )
    held = nm.gold_files(gold)
    assert held == {"aa001_0001.conll", "aa002_0000.conll"}
    splits = nm.split_files(data / nm.CONLL_FOLDER, {"aa001_0002.conll"}, held)
    names = {k: [p.name for p in v] for k, v in splits.items()}
    assert names["train"] == ["aa001_0000.conll"]
    assert names["test"] == ["aa001_0001.conll", "aa002_0000.conll", "aa017_0000.conll"]
    summary = nm.prepare(data, tmp_path / "out", held_out=held)
    assert summary["held_out_files"] == ["aa001_0001.conll", "aa002_0000.conll"]
    gold.write_text('{"article": "aa001_0001.conll#2"}\n{"file": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"norne\.jsonl:2: not a gold line"):
        nm.gold_files(gold)


def test_missing_reserved_list_is_an_error(tmp_path):
    with pytest.raises(InputError, match="reserved for evaluation is missing"):
        nm.prepare(tmp_path, tmp_path / "out")


def test_prepare_writes_docbins_and_split_record(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    summary = nm.prepare(corpus(tmp_path / "data"), tmp_path / "out")
    assert summary["reserved_files_skipped"] == 1
    assert summary["splits"]["train"]["sentences"] == 9
    record = json.loads((tmp_path / "out" / "split.json").read_text(encoding="utf-8"))
    assert record["splits"]["test"]["files"] == ["aa017_0000.conll"]
    docs = list(
        DocBin().from_disk(tmp_path / "out" / "dev.spacy").get_docs(spacy.blank("nb").vocab)
    )
    assert len(docs) == 1 and len(list(docs[0].sents)) == 3 and len(docs[0].ents) == 4


def test_loader_finds_nothing_without_a_model(tmp_path, monkeypatch):
    monkeypatch.delenv(nm.MODEL_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert nm.load_norwegian_pipeline() is None
    monkeypatch.setenv(nm.MODEL_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="not a spaCy pipeline folder"):
        nm.load_norwegian_pipeline()


def test_tiny_pipeline_trains_with_the_real_config_and_loads(tmp_path, monkeypatch):
    """conf/spacy/norwegian.cfg, shrunk to seconds: trained on the fixture, loaded through
    $QUOTESTANCE_NORWEGIAN_MODEL, it tags, parses and recognises entities."""
    data = corpus(tmp_path / "data")
    nm.prepare(data, tmp_path / "interim")
    tiny = {
        "training.max_steps": 60,
        "training.eval_frequency": 30,
        "training.dropout": 0.0,
        "training.optimizer.learn_rate": 0.01,
        "training.batcher.size.start": 1000,
        "components.tok2vec.model.encode.width": 32,
        "components.tok2vec.model.encode.depth": 1,
        "components.tok2vec.model.embed.rows": [500, 100, 100, 100],
        "components.parser.min_action_freq": 1,
        "components.parser.model.hidden_width": 16,
        "components.ner.model.hidden_width": 16,
        "components.trainable_lemmatizer.min_tree_freq": 1,
    }
    best = nm.train(ROOT / nm.CONFIG, tmp_path / "model", tmp_path / "interim", overrides=tiny)
    monkeypatch.setenv(nm.MODEL_ENV, str(best))
    nlp = nm.load_norwegian_pipeline()
    assert nlp is not None and nlp.lang == "nb"
    assert set(nlp.pipe_names) == {
        "tok2vec",
        "tagger",
        "morphologizer",
        "trainable_lemmatizer",
        "parser",
        "ner",
    }
    doc = nlp("- Vi vant, sa Per Hansen til NTB.")
    assert all(t.tag_ and t.pos_ for t in doc)
    assert doc.has_annotation("DEP") and sum(t.dep_ == "ROOT" for t in doc) >= 1
    assert ("Per Hansen", "PER") in [(e.text, e.label_) for e in doc.ents]

    # the benchmark scores it on the fixture's test split and writes its tables
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import norwegian_pipeline

    out = tmp_path / "report.md"
    assert (
        norwegian_pipeline.main(["--data-dir", str(data), "--model", str(best), "--out", str(out)])
        == 0
    )
    report = out.read_text(encoding="utf-8")
    assert "| LAS |" in report and "| entities F1 |" in report and "| PER | 2 |" in report
    assert "Hansen" not in report  # nothing from the texts
