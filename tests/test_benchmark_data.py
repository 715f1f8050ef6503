"""Benchmark data sets read the way their publishers wrote them, scored the way their tasks
were scored: CLEF 2019 CheckThat! debates ranked per debate (MAP), Danish quotes with their
speaker and party; and the speaker features that use them."""

import json

import mlflow
import pandas as pd
import pytest
from conftest import CHATTER, CLAIMS, compose_config, tracking

from quotestance.artifact import prepare_input
from quotestance.evaluation import average_precision, r_precision, ranking_metrics
from quotestance.experiments.config import DataConfig, ModelConfig
from quotestance.experiments.data import DataError, load_clef2019, load_danish
from quotestance.experiments.train import train
from quotestance.models.baselines import TfidfModel
from quotestance.models.transformer import TransformerModel


def test_clef_debates_are_read_with_speaker_and_debate(clef):
    split = load_clef2019(DataConfig(name="clef2019", data_dir=str(clef)), "checkworthy")[0]
    test = split.test
    assert len(test) == 2 * 6 + 3 + 1
    assert set(test["group"]) == {"20190205_trump_state", "20180131_state_union"}
    assert set(test["speaker"]) == {"Trump", "System"}
    assert (test["label"] == "checkworthy").sum() == 4
    row = test[test["id"] == "clef-20190205_trump_state-2"].iloc[0]
    assert row["text"] == CLAIMS[0] and row["label"] == "checkworthy"
    # dev holds whole debates carved from training, never the test debates
    assert not set(split.dev["group"]) & set(split.train["group"])
    assert not set(split.train["group"]) & set(test["group"])


def test_clef_needs_the_checkworthy_task(clef):
    with pytest.raises(DataError, match="use task=checkworthy"):
        load_clef2019(DataConfig(name="clef2019", data_dir=str(clef)), "stance")


def test_malformed_clef_line_names_file_and_line(clef):
    path = clef / "clef2019_checkthat_task1" / "test_annotated" / "20190205_trump_state.tsv"
    lines = path.read_text().splitlines()
    lines[3] = "4\tTRUMP\tA sentence without its label"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"20190205_trump_state\.tsv:4: expected line_number"):
        load_clef2019(DataConfig(name="clef2019", data_dir=str(clef)), "checkworthy")
    lines[3] = "4\tTRUMP\tA sentence with a bad label\tyes"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        DataError, match=r"trump_state\.tsv:4: the label must be 0 or 1, not 'yes'"
    ):
        load_clef2019(DataConfig(name="clef2019", data_dir=str(clef)), "checkworthy")


def test_average_precision_as_the_clef_scorer():
    # relevant at ranks 1 and 3 of 4: (1/1 + 2/3) / 2
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(5 / 6)
    # a relevant item never ranked above the others still counts in the denominator
    assert average_precision([0, 0, 1], [0.9, 0.5, 0.1]) == pytest.approx(1 / 3)
    assert average_precision([0, 0], [0.2, 0.1]) == 0.0
    # ties keep the input order
    assert average_precision([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert r_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.5)


def test_map_ranks_each_document_on_its_own():
    relevant = [1, 0, 0, 1]
    scores = [0.9, 0.1, 0.8, 0.2]
    pooled = ranking_metrics(relevant, scores)
    assert set(pooled) == {"average_precision"}
    per_doc = ranking_metrics(relevant, scores, ["a", "a", "b", "b"])
    # doc a: relevant first (AP 1); doc b: relevant second (AP 1/2); pooled differs
    assert per_doc["map"] == pytest.approx(0.75)
    assert per_doc["r_precision"] == pytest.approx(0.5)
    assert pooled["average_precision"] == pytest.approx((1 + 2 / 3) / 2)


def run_experiment(experiment, data_dir, tmp_path):
    return train(
        compose_config(
            f"experiment={experiment}",
            f"data.data_dir={data_dir}",
            *tracking(tmp_path),
            "tracking.log_model=false",
        )
    )


def test_clef_run_logs_map_over_debates(clef, tmp_path):
    result = run_experiment("clef2019_tfidf", clef, tmp_path)
    assert 0.0 <= result["test/map"] <= 1.0
    assert 0.0 <= result["test/r_precision"] <= 1.0
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    metrics = mlflow.MlflowClient().get_run(result["run_id"]).data.metrics
    assert {"test/map", "dev/map", "test/average_precision", "test/f1_checkworthy"} <= set(metrics)


def test_claimbuster_gets_pooled_average_precision_but_no_map(tmp_path):
    folder = tmp_path / "claimbuster_ncs"
    folder.mkdir()
    rows = [
        {"sentence_id": i, "label": i % 2, "text": (CLAIMS if i % 2 else CHATTER)[i % 4]}
        for i in range(40)
    ]
    (folder / "train.json").write_text(json.dumps(rows))
    (folder / "test.json").write_text(json.dumps(rows[:10]))
    result = run_experiment("claimbuster_tfidf", tmp_path, tmp_path)
    assert "test/average_precision" in result and "test/map" not in result


def write_danish(tmp_path):
    folder = tmp_path / "danish_polstance"
    folder.mkdir()
    lines = []
    # the same words, opposite stances: only who says them tells them apart
    for i in range(60):
        party, stance = ("Venstre", "favor") if i % 2 else ("Enhedslisten", "against")
        lines.append(
            json.dumps(
                {
                    "quoteID": str(i),
                    "quote": "Regeringens nye udlændingepolitik er et skridt.",
                    "politician": f"Politiker {party}",
                    "party": party,
                    "stance": stance,
                    "topic": "integration",
                    "articleID": str(i // 3),
                }
            )
        )
    (folder / "labelled_quotes.jsonl").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_danish_quotes_carry_speaker_and_party(tmp_path):
    split = load_danish(DataConfig(name="danish", data_dir=str(write_danish(tmp_path))), "stance")
    frame = pd.concat([split[0].train, split[0].test])
    assert set(frame["affiliation"]) == {"Venstre", "Enhedslisten"}
    assert set(frame["speaker"]) == {"Politiker Venstre", "Politiker Enhedslisten"}


def test_tfidf_tells_speakers_apart_only_with_use_speaker(tmp_path):
    split = load_danish(DataConfig(name="danish", data_dir=str(write_danish(tmp_path))), "stance")[
        0
    ]
    labels = ("favor", "against", "neutral")
    plain = TfidfModel(ModelConfig(), labels)
    plain.fit(split.train, split.dev, 1)
    assert len(set(plain.predict(split.test))) == 1  # identical text, identical prediction
    aware = TfidfModel(ModelConfig(use_speaker=True), labels)
    aware.fit(split.train, split.dev, 1)
    assert aware.predict(split.test) == list(split.test["label"])
    # a party alone (no known politician) is still a feature
    party_only = pd.DataFrame(
        {
            "text": ["Regeringens nye udlændingepolitik er et skridt."] * 2,
            "target": ["integration"] * 2,
            "speaker": ["", ""],
            "affiliation": ["Venstre", "Enhedslisten"],
        }
    )
    assert aware.predict(party_only) == ["favor", "against"]


def test_transformer_pairs_target_with_speaker_and_side():
    frame = pd.DataFrame(
        {
            "text": ["a", "b", "c", "d"],
            "target": ["integration"] * 4,
            "speaker": ["Naser Khader", "Naser Khader", "", ""],
            "affiliation": ["Det Konservative Folkeparti", "", "Venstre", ""],
        }
    )
    model = TransformerModel(ModelConfig(kind="bert", tiny=True, use_speaker=True), ("a", "b"))
    assert model._first(frame) == [
        "integration | Naser Khader (Det Konservative Folkeparti)",
        "integration | Naser Khader",
        "integration | Venstre",
        "integration",
    ]
    plain = TransformerModel(ModelConfig(kind="bert", tiny=True), ("a", "b"))
    assert plain._first(frame) == ["integration"] * 4


def test_model_input_takes_affiliation_as_optional_column():
    frame = prepare_input(pd.DataFrame({"text": ["x"], "target": ["China"]}))
    assert list(frame.columns) == [
        "text",
        "target",
        "speaker",
        "affiliation",
        "lang",
        "target_start",
        "target_end",
    ]
    with pytest.raises(ValueError, match="speaker, affiliation, lang, target_start, target_end"):
        prepare_input(pd.DataFrame({"text": ["x"]}))


def write_news_claim(tmp_path):
    """ClaimBuster files, two annotated articles and their gold rows, as news_claim reads them."""
    folder = tmp_path / "claimbuster_ncs"
    folder.mkdir()
    sentences = [
        (1, "Unemployment fell to 4.9 percent last year."),
        (0, "We should raise the minimum wage now."),
        (0, "This plan will fail within a year."),
        (0, "Thank you all for coming tonight."),
    ]
    rows = [{"sentence_id": i, "label": lab, "text": t} for i, (lab, t) in enumerate(sentences)]
    (folder / "train.json").write_text(json.dumps(rows[:3]))
    (folder / "test.json").write_text(json.dumps(rows[3:]))
    texts = {
        ("polnear", "train/text/a.txt"): 'Smith said "taxes went up by ten percent" on Monday.',
        ("bbc", "politics/001.txt"): 'Jones said: "Voters must reject the plan."\nShe left.',
    }
    folders = {"polnear": "polnear", "bbc": "bbc_news_2004_2005"}
    gold = tmp_path / "gold"
    gold.mkdir()
    for (source, article), text in texts.items():
        path = tmp_path / folders[source] / article
        path.parent.mkdir(parents=True)
        path.write_text(text)
        start = text.index('"') + 1
        end = text.index('"', start)
        split = "dev" if source == "polnear" else "test"
        claim = "fact" if source == "polnear" else "appeal"
        row = {
            "source": source,
            "split": split,
            "article": article,
            "quote_start": start,
            "quote_end": end,
            "speaker": text.split()[0],
            "cue": "said",
            "cue_class": "speech",
            "stance": "neutral",
            "claim_type": claim,
        }
        lines = [
            json.dumps({**row, "target": name, "target_type": "person"})
            for name in ("A", "B")  # two targets of one quote: one row for its claim type
        ]
        (gold / f"{source}.jsonl").write_text("\n".join(lines) + "\n")
    return gold


def test_news_claim_reads_claimbuster_as_claim_types_and_tests_on_the_annotated_quotes(
    tmp_path,
):
    from conftest import FIXTURE

    from quotestance.experiments.data import load_news_claim

    gold = write_news_claim(tmp_path)
    cfg = DataConfig(
        name="news_claim", data_dir=str(tmp_path), gold_dir=str(gold), path=str(FIXTURE)
    )
    split = load_news_claim(cfg, "claim")[0]
    claimbuster = split.train[split.train["group"].str.startswith("cb-")]
    assert dict(zip(claimbuster["text"], claimbuster["label"], strict=True)) == {
        "Unemployment fell to 4.9 percent last year.": "fact",
        "We should raise the minimum wage now.": "appeal",
        "This plan will fail within a year.": "prediction",
        "Thank you all for coming tonight.": "opinion",
    }
    samples = split.train[~split.train["group"].str.startswith("cb-")]
    assert len(samples) and samples["text"].is_unique  # a row per sample quote
    assert list(split.dev["text"]) == ["taxes went up by ten percent"]
    assert list(split.dev["label"]) == ["fact"]
    assert list(split.test["text"]) == ["Voters must reject the plan."]
    assert list(split.test["label"]) == ["appeal"]


@pytest.mark.parametrize(
    ("source", "label", "new", "message"),
    [
        ("bbc", '"appeal"', '"rant"', r"bbc\.jsonl:2: unknown claim type 'rant'"),
        (
            "polnear",
            '"fact"',
            '"opinion"',
            r"polnear\.jsonl:2: claim type 'opinion', but an earlier row of this quote",
        ),
    ],
)
def test_news_claim_names_a_bad_gold_line(tmp_path, source, label, new, message):
    from conftest import FIXTURE

    from quotestance.experiments.data import load_news_claim

    gold = write_news_claim(tmp_path)
    path = gold / f"{source}.jsonl"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(label, new)
    path.write_text("\n".join(lines) + "\n")
    cfg = DataConfig(
        name="news_claim", data_dir=str(tmp_path), gold_dir=str(gold), path=str(FIXTURE)
    )
    with pytest.raises(DataError, match=message):
        load_news_claim(cfg, "claim")
    with pytest.raises(DataError, match="use task=claim"):
        load_news_claim(cfg, "stance")


def test_news_models_scores_a_logged_claim_model_per_set_and_source(tmp_path):
    import sys

    from conftest import FIXTURE, ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import news_models

    gold = write_news_claim(tmp_path)
    result = train(
        compose_config(
            "experiment=news_claim",
            f"data.data_dir={tmp_path}",
            f"data.gold_dir={gold}",
            f"data.path={FIXTURE}",
            *tracking(tmp_path),
        )
    )
    assert 0.0 <= result["test/macro_f1"] <= 1.0  # experiment=news_claim runs end to end
    out = tmp_path / "news_models.md"
    news_models.main(
        [
            "--claim",
            result["run_id"],
            "--data-dir",
            str(tmp_path),
            "--gold-dir",
            str(gold),
            "--tracking-uri",
            f"sqlite:///{tmp_path}/mlflow.db",
            "--out",
            str(out),
        ]
    )
    rows = [line for line in out.read_text().splitlines() if line.startswith("| tfidf")]
    sets = [row.split(" | ")[1] for row in rows]
    assert sets == [
        "annotated dev",
        "annotated dev, polnear",
        "annotated test",
        "annotated test, bbc",
    ]
    test_row = rows[2].split(" | ")
    assert test_row[2:4] == ["1", "1"]  # one run, one annotated test quote


def test_news_claim_names_an_unreadable_gold_article(tmp_path):
    from conftest import FIXTURE

    from quotestance.experiments.data import load_news_claim

    gold = write_news_claim(tmp_path)
    (tmp_path / "bbc_news_2004_2005" / "politics" / "001.txt").write_bytes(b"\xff\xfe caf\xe9")
    cfg = DataConfig(
        name="news_claim", data_dir=str(tmp_path), gold_dir=str(gold), path=str(FIXTURE)
    )
    with pytest.raises(DataError, match=r"001\.txt: cannot read the gold article"):
        load_news_claim(cfg, "claim")
