"""NewsMTSC: the loader and its label mapping on a hand-written fixture in the NewsMTSC format,
target marking (two targets of one sentence are two inputs, for TF-IDF and the transformer),
the quote dataset's quote-relative offsets, and the news_stance experiment end to end."""

import json

import mlflow
import pandas as pd
import pytest
from conftest import compose_config, tracking

from quotestance.experiments.config import DataConfig, ModelConfig
from quotestance.experiments.data import DataError, load_splits
from quotestance.experiments.train import train
from quotestance.labels import labels_for
from quotestance.models.baselines import TfidfModel
from quotestance.models.marking import (
    bracket,
    context_words,
    mention_span,
    quote_span,
    whole,
)
from quotestance.models.transformer import TransformerModel

# (article, sentence, [(mention, polarity), ...]): invented sentences, never the real data
SENTENCES = [
    (
        "allsides_1_10",
        "Smith condemned Jones over the missile tests.",
        [("Smith", 4.0), ("Jones", 2.0)],
    ),
    ("allsides_1_10", "Jones praised the new budget deal.", [("Jones", 6.0)]),
    ("allsides_2_11", "Critics said Brown had failed the voters.", [("Brown", 2.0)]),
    ("allsides_2_11", "Brown thanked Green for the support.", [("Brown", 4.0), ("Green", 6.0)]),
    ("polusa_v1_300", "Green met White on Tuesday.", [("Green", 4.0), ("White", 4.0)]),
    ("polusa_v1_300", "White blasted the decision as reckless.", [("White", 4.0)]),
    ("polusa_v1_301", "Voters cheered Black at the rally.", [("Black", 6.0)]),
    ("polusa_v1_302", "Black attacked Gray in the debate.", [("Black", 4.0), ("Gray", 2.0)]),
    ("polusa_v1_303", "The committee cleared Gray of wrongdoing.", [("Gray", 6.0)]),
    ("allsides_3_12", "Reed was mocked for the remarks.", [("Reed", 2.0)]),
]


def sentence_line(article: str, index: int, text: str, targets) -> str:
    found = []
    for mention, polarity in targets:
        start = text.index(mention)
        gid = f"{article}_{index}_{mention}_{start}_{start + len(mention)}"
        found.append(
            {
                "Input.gid": gid,
                "from": start,
                "to": start + len(mention),
                "mention": mention,
                "polarity": polarity,
            }
        )
    return json.dumps(
        {"primary_gid": found[0]["Input.gid"], "sentence_normalized": text, "targets": found}
    )


def write_newsmtsc(root, sentences=SENTENCES):
    folder = root / "newsmtsc"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [sentence_line(a, i, t, g) for i, (a, t, g) in enumerate(sentences)]
    (folder / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "devtest_rw.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    (folder / "devtest_mt.jsonl").write_text(
        "\n".join(line for line in lines if len(json.loads(line)["targets"]) > 1) + "\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def newsmtsc(tmp_path):
    write_newsmtsc(tmp_path)
    return tmp_path


def test_loader_reads_every_target_with_offsets_and_maps_the_labels(newsmtsc):
    split = load_splits(DataConfig(name="newsmtsc", data_dir=str(newsmtsc)), "stance")[0]
    rows = pd.concat([split.train, split.dev])
    assert len(rows) == sum(len(t) for _, _, t in SENTENCES)
    row = rows[rows["id"] == "newsmtsc-allsides_1_10_0_Jones_16_21"].iloc[0]
    assert (row.text, row.target, row.target_start, row.target_end) == (
        "Smith condemned Jones over the missile tests.",
        "Jones",
        16,
        21,
    )
    assert (row.label, row.group, row.lang) == ("against", "allsides_1_10", "en")
    assert rows[rows["target"] == "Black"]["label"].tolist() == ["favor", "neutral"]
    mapped = {(t, p) for _, _, targets in SENTENCES for t, p in targets}
    assert {"against", "neutral", "favor"} == set(rows["label"])
    assert len(mapped) > 0
    for r in rows.itertuples():  # every offset points at the mention
        assert r.text[r.target_start : r.target_end] == r.target


def test_dev_is_carved_from_train_by_article(newsmtsc):
    cfg = DataConfig(name="newsmtsc", data_dir=str(newsmtsc), dev_fraction=0.4)
    split = load_splits(cfg, "stance")[0]
    assert not split.dev.empty
    assert not set(split.train["group"]) & set(split.dev["group"])
    assert load_splits(cfg, "stance")[0].dev["id"].tolist() == split.dev["id"].tolist()
    assert set(split.train["group"]) | set(split.dev["group"]) == {a for a, _, _ in SENTENCES}


@pytest.mark.parametrize(("test_set", "rows"), [("rw", 4), ("mt", 8)])
def test_test_set_chooses_the_devtest_file(newsmtsc, test_set, rows):
    cfg = DataConfig(name="newsmtsc", data_dir=str(newsmtsc), test_set=test_set)
    assert len(load_splits(cfg, "stance")[0].test) == rows


def test_wrong_task_or_test_set_is_one_line(newsmtsc):
    with pytest.raises(DataError, match="use task=stance"):
        load_splits(DataConfig(name="newsmtsc", data_dir=str(newsmtsc)), "claim")
    with pytest.raises(DataError, match=r"data\.test_set=dev: rw or mt"):
        load_splits(DataConfig(name="newsmtsc", data_dir=str(newsmtsc), test_set="dev"), "stance")


def good_line():
    return sentence_line("allsides_9_9", 0, "Smith met Jones.", [("Smith", 4.0)])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"primary_gid": "x_1_2", "targets": []}), "sentence_normalized"),
        (good_line().replace('"polarity": 4.0', '"polarity": 5.0'), "polarity 5.0"),
        (good_line().replace('"to": 5', '"to": 99'), "from/to offsets inside"),
        (good_line().replace('"from": 0', '"from": 1'), "is not at 1:5"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path, bad, message):
    folder = write_newsmtsc(tmp_path)
    lines = (folder / "train.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(2, bad)
    (folder / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message) as caught:
        load_splits(DataConfig(name="newsmtsc", data_dir=str(tmp_path)), "stance")
    assert f"{folder / 'train.jsonl'}:3: " in str(caught.value)
    assert "\n" not in str(caught.value)


# -- target marking --------------------------------------------------------------------------

SENTENCE = "Smith condemned Jones over the missile tests."


def two_targets(target="Smith or Jones"):
    """One sentence, two targets: the same ``target`` string, only the offsets differ."""
    return pd.DataFrame(
        {
            "text": [SENTENCE, SENTENCE, SENTENCE],
            "target": [target] * 3,
            "target_start": [0, 16, None],
            "target_end": [5, 21, None],
        }
    )


def test_offsets_are_read_leniently_and_checked_against_the_text():
    assert [whole(v) for v in (3, 3.0, "3", None, float("nan"), "", "x", 2.5, True)] == [
        3,
        3,
        3,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert mention_span(SENTENCE, 16, 21) == (16, 21)
    assert mention_span(SENTENCE, 16, 99) is None and mention_span(SENTENCE, 5, 5) is None
    assert bracket(SENTENCE, (16, 21)) == "Smith condemned [ Jones ] over the missile tests."
    assert context_words(SENTENCE, (16, 21)) == [
        "L1__condemned",
        "L2__smith",
        "R1__over",
        "R2__the",
        "R3__missile",
    ]
    assert context_words(SENTENCE, None) == []


def test_tfidf_sees_two_targets_of_one_sentence_as_two_inputs():
    frame = two_targets()
    marked = TfidfModel(ModelConfig(mark_target=True), labels_for("stance"))._inputs(frame)
    plain = TfidfModel(ModelConfig(mark_target=False), labels_for("stance"))._inputs(frame)
    assert marked["words"][0] != marked["words"][1]
    assert plain["words"][0] == plain["words"][1]
    assert "L1__condemned" in marked["words"][1].split() and "R1__over" in marked["words"][1]
    assert marked["words"][2] == plain["words"][2]  # no offsets: as it was
    assert marked["text"].tolist() == plain["text"].tolist()  # char n-grams: unchanged


def test_transformer_sees_two_targets_of_one_sentence_as_two_inputs():
    model = TransformerModel(ModelConfig(kind="bert", tiny=True, mark_target=True), ("a", "b"))
    model._build(seed=0)
    frame = two_targets()
    ids = model._encode(frame)["input_ids"]
    assert ids[0] != ids[1]
    assert model._second(frame)[:2] == [
        "[ Smith ] condemned Jones over the missile tests.",
        "Smith condemned [ Jones ] over the missile tests.",
    ]
    plain = TransformerModel(ModelConfig(kind="bert", tiny=True), ("a", "b"))
    plain._build(seed=0)
    plain_ids = plain._encode(frame)["input_ids"]
    assert plain_ids[0] == plain_ids[1] == plain_ids[2] == ids[2]


# -- the quote dataset's offsets -------------------------------------------------------------


def test_quote_span_maps_article_offsets_into_the_joined_segments():
    article = 'He said "China lies" and, later, "Russia is worse" about both.'
    segments = [[9, 19], [34, 49]]
    text = " ".join(article[s:e] for s, e in segments)
    assert text == "China lies Russia is worse"
    china = quote_span(segments, 9, 14, text)
    russia = quote_span(segments, 34, 40, text)
    assert china is not None and text[china[0] : china[1]] == "China"
    assert russia is not None and text[russia[0] : russia[1]] == "Russia"
    assert quote_span(segments, 0, 2) is None  # "He": outside the quote
    assert quote_span(segments, 15, 36) is None  # spans the gap between segments
    assert quote_span(segments, None, 14) is None


def test_quote_dataset_rows_carry_quote_relative_offsets(tmp_path):
    article = 'He said "China lies" and, later, "Russia is worse" about Ukraine.'
    segments = [[9, 19], [34, 49]]
    text = " ".join(article[s:e] for s, e in segments)
    base = {
        "article_id": "a1",
        "lang": "en",
        "text": text,
        "segments": segments,
        "speaker": "He",
        "affiliation": None,
        "stance": "against",
        "label_source": "gold",
        "fold": 0,
    }
    rows = [
        {**base, "pair_id": "p1", "target": "China", "target_mention": "China",
         "target_start": 9, "target_end": 14, "split": "train"},
        {**base, "pair_id": "p2", "target": "Russia", "target_mention": "Russia",
         "target_start": 34, "target_end": 40, "split": "train", "stance": "neutral"},
        {**base, "pair_id": "p3", "target": "Ukraine", "target_mention": "Ukraine",
         "target_start": 57, "target_end": 64, "split": "test"},
        {**base, "pair_id": "p4", "target": "China", "target_mention": "Kina",
         "target_start": 9, "target_end": 14, "split": "test"},
    ]  # fmt: skip
    path = tmp_path / "quotes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    split = load_splits(DataConfig(name="quotes", path=str(path), evaluation="split"), "stance")[0]
    found = {
        r.id: (r.target_start, r.target_end)
        for r in pd.concat([split.train, split.test]).itertuples()
    }
    assert found["p1"] == (0, 5) and text[0:5] == "China"
    assert found["p2"] == (11, 17) and text[11:17] == "Russia"
    assert found["p3"] == (None, None)  # the mention is outside the quote
    assert found["p4"] == (None, None)  # the span does not hold the recorded mention


# -- the experiment --------------------------------------------------------------------------


def test_news_stance_composes_with_marking_on_newsmtsc():
    cfg = compose_config("experiment=news_stance")
    assert cfg.data.name == "newsmtsc" and cfg.data.test_set == "rw"
    assert cfg.model.mark_target is True and cfg.model.kind == "bert"
    assert compose_config().model.mark_target is False  # the default stays as it was


def test_news_stance_smoke_run_serves_rows_with_and_without_offsets(tmp_path, newsmtsc):
    cfg = compose_config(
        "experiment=news_stance",
        "debug=smoke",
        f"data.data_dir={newsmtsc}",
        "data.dev_fraction=0.3",
        *tracking(tmp_path),
    )
    result = train(cfg)
    assert 0.0 <= result["test/macro_f1"] <= 1.0
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    served = mlflow.pyfunc.load_model(f"runs:/{result['run_id']}/model")
    names = {c.name: c.type for c in served.metadata.get_input_schema().inputs}
    assert {"target_start", "target_end"} <= set(names)
    out = served.predict(
        pd.DataFrame(
            {
                "text": [SENTENCE, SENTENCE, SENTENCE],
                "target": ["Smith", "Jones", "Jones"],
                "target_start": [0, 16, None],
                "target_end": [5, 21, None],
            }
        )
    )
    assert len(out) == 3 and set(out["label"]) <= set(labels_for("stance"))
    without = served.predict(pd.DataFrame({"text": [SENTENCE], "target": ["Jones"]}))
    assert len(without) == 1


def test_news_models_scores_one_stance_run_on_both_test_sets_and_the_samples(tmp_path, newsmtsc):
    import sys

    from conftest import FIXTURE, ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import news_models

    cfg = compose_config(
        "experiment=news_stance_tfidf",
        f"data.data_dir={newsmtsc}",
        "data.dev_fraction=0.3",
        *tracking(tmp_path),
    )
    run_id = train(cfg)["run_id"]
    out = tmp_path / "news_models.md"
    news_models.main(
        [
            "--stance",
            run_id,
            run_id,
            "--data-dir",
            str(newsmtsc),
            "--quotes",
            str(FIXTURE),
            "--tracking-uri",
            f"sqlite:///{tmp_path}/mlflow.db",
            "--out",
            str(out),
        ]
    )
    rows = [line.split(" | ") for line in out.read_text().splitlines() if line.startswith("| ")]
    sets = [r[1] for r in rows[1:]]
    assert sets == [
        "NewsMTSC dev",
        "devtest_rw",
        "devtest_mt",
        "sample pairs (zero-shot)",
        "sample pairs, Norwegian",
    ]
    assert all(r[2] == "2" for r in rows[1:])  # both runs in every row
    assert " ± " in rows[2][4]  # mean ± std over the runs
