"""The model artifact: export, registry, serving, predict on new articles, the stance map."""

import csv
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURE, ROOT, SAMPLES, compose_config, free_port, tracking, wait_for
from typer.testing import CliRunner

from quotestance.cli import app
from quotestance.experiments.train import train
from quotestance.models import load_model

runner = CliRunner()
ROWS = pd.DataFrame(
    {
        "text": [
            "Liu Wei accused China of using the crisis.",
            "Anna Berg praised Japan warmly.",
            "– Russland har et valg til våren, sa Kurt Olsen.",
        ],
        "target": ["China", "Japan", "Russia"],
    }
)
NEW_ARTICLE = (
    "Foreign Minister Maria Lund accused Russia of spreading lies about the pipeline blast.\n"
    "“We will not accept threats against our neighbours,” Lund told reporters in Oslo.\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A tracking store with a TF-IDF run and a tiny-BERT run."""
    root = tmp_path_factory.mktemp("store")
    runs = {}
    for model in ("tfidf", "bert"):
        cfg = compose_config(
            f"model={model}",
            "debug=smoke",
            f"data.path={FIXTURE}",
            *tracking(root),
            "model.epochs=2",
        )
        runs[model] = train(cfg)["run_id"]
    return f"sqlite:///{root}/mlflow.db", runs, root


def cli(*args, uri):
    return runner.invoke(app, [*args, "--tracking-uri", uri])


@pytest.mark.parametrize("kind", ["tfidf", "bert"])
def test_export_load_predict_round_trip(store, tmp_path, kind):
    uri, runs, _ = store
    out = tmp_path / "exported"
    result = cli("export", runs[kind], "--out", str(out), uri=uri)
    assert result.exit_code == 0, result.output
    for name in ("MLmodel", "labels.json", "config.yaml", "metrics.json"):
        assert (out / name).exists(), name
    plain = out / "artifacts" / "model"
    assert (plain / ("model.skops" if kind == "tfidf" else "model.safetensors")).exists()
    assert json.loads((out / "labels.json").read_text())["labels"] == [
        "favor",
        "against",
        "neutral",
    ]
    assert "test/macro_f1" in json.loads((out / "metrics.json").read_text())
    mlflow.set_tracking_uri(uri)
    before = mlflow.pyfunc.load_model(f"runs:/{runs[kind]}/model").predict(ROWS)
    after = mlflow.pyfunc.load_model(str(out)).predict(ROWS)
    pd.testing.assert_frame_equal(before, after)
    direct = load_model(plain).predict_proba(ROWS.assign(speaker="", lang=""))
    assert np.allclose(direct, after[[c for c in after.columns if c.startswith("prob_")]])


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "We condemn the tests.", "target": None},
        {"text": None, "target": "Japan"},
        {"text": "  ", "target": "Japan"},
    ],
)
def test_the_pyfunc_refuses_rows_without_text_or_target(store, bad):
    from mlflow.exceptions import MlflowException

    uri, runs, _ = store
    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model(f"runs:/{runs['tfidf']}/model")
    with pytest.raises(MlflowException, match="row\\(s\\) have no"):
        model.predict(pd.DataFrame([bad]))


def test_export_refuses_to_overwrite(store, tmp_path):
    uri, runs, _ = store
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = cli("export", runs["tfidf"], "--out", str(out), uri=uri)
    assert result.exit_code == 1 and "--force" in result.output
    assert (out / "notes.txt").read_text() == "keep me"


@pytest.mark.slow
def test_onnx_gives_the_same_labels_and_is_used(store, tmp_path):
    uri, runs, _ = store
    out = tmp_path / "onnx"
    result = cli("export", runs["bert"], "--out", str(out), "--onnx", uri=uri)
    assert result.exit_code == 0, result.output
    info = json.loads((out / "export.json").read_text())
    assert info["onnx_same_labels"] == info["onnx_parity_rows"] > 0
    model = load_model(out / "artifacts" / "model")
    assert model.onnx_session is not None  # inference goes through ONNX Runtime
    rows = pd.read_json(FIXTURE, lines=True).head(20)
    onnx_labels = model.predict(rows)
    model.onnx_session = None
    assert model.predict(rows) == onnx_labels


def test_onnx_refused_for_a_baseline(store, tmp_path):
    uri, runs, _ = store
    result = cli("export", runs["tfidf"], "--out", str(tmp_path / "x"), "--onnx", uri=uri)
    assert result.exit_code == 1 and "for transformer models" in result.output
    assert not (tmp_path / "x").exists()


def test_register_and_load_the_champion(store):
    uri, runs, _ = store
    result = cli("register", runs["tfidf"], "--alias", "champion", uri=uri)
    assert result.exit_code == 0, result.output
    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model("models:/quotestance-stance@champion")
    assert list(model.predict(ROWS).columns)[:2] == ["label", "prob_favor"]


def test_predict_on_a_new_article(store, tmp_path):
    uri, runs, _ = store
    exported = tmp_path / "model"
    assert cli("export", runs["tfidf"], "--out", str(exported), uri=uri).exit_code == 0
    article = tmp_path / "new_article.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    out = tmp_path / "predictions.csv"
    result = cli(
        "predict",
        str(article),
        "--model",
        str(exported),
        "--out",
        str(out),
        "--claim-model",
        str(exported),
        uri=uri,
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["speaker"], r["target"]) for r in rows] == [("Maria Lund", "Russia")]
    row = rows[0]
    assert row["affiliation"] == "" and row["stance"] in ("favor", "against", "neutral")
    probs = [float(row[f"stance_prob_{s}"]) for s in ("favor", "against", "neutral")]
    assert abs(sum(probs) - 1) < 1e-6
    text = NEW_ARTICLE
    assert text[int(row["start"]) : int(row["end"])] == row["text"]


def test_predict_without_a_champion_says_how_to_get_one(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE)
    result = cli("predict", str(article), uri=f"sqlite:///{tmp_path}/empty.db")
    assert result.exit_code == 1
    assert "no stance model in sqlite:///" in result.output
    assert "python train.py" in result.output and "--alias champion" in result.output


def test_predict_without_a_champion_uses_the_newest_run_and_says_so(tmp_path):
    cfg = compose_config("debug=smoke", f"data.path={FIXTURE}", *tracking(tmp_path))
    run_id = train(cfg)["run_id"]
    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE)
    result = cli("predict", str(article), uri=f"sqlite:///{tmp_path}/mlflow.db")
    assert result.exit_code == 0, result.output
    assert f"using the newest finished stance run {run_id}" in result.stderr
    assert "claim" not in result.stderr  # the claim model is optional, silently
    assert "1 articles, 2 quotes, 1 with at least one target, 1 (quote, target) pairs" in (
        result.stderr
    )
    assert json.loads(result.stdout)["target"] == "Russia"


def test_predict_says_why_nothing_was_written(store, tmp_path):
    uri, runs, _ = store
    article = tmp_path / "a.txt"
    article.write_text("“We will win the next election,” Mr Smith said.\n")
    result = cli("predict", str(article), "--model", runs["tfidf"], uri=uri)
    assert result.exit_code == 0, result.output
    assert "1 quotes, 0 with at least one target, 0 (quote, target) pairs" in result.stderr
    assert result.stdout == ""


def test_predict_csv_cells_cannot_run_as_formulas(store, tmp_path):
    uri, runs, _ = store
    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE.replace("We will", "=HYPERLINK(1) We will"))
    out = tmp_path / "p.csv"
    result = cli("predict", str(article), "--model", runs["tfidf"], "--out", str(out), uri=uri)
    assert result.exit_code == 0, result.output
    texts = [r["text"] for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert texts and all(not t.startswith(("=", "+", "-", "@")) for t in texts)


@pytest.mark.parametrize("command", ["predict", "extract"])
def test_out_is_checked_before_any_work(store, tmp_path, command):
    uri, runs, _ = store
    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE)
    model = ["--model", runs["tfidf"]] if command == "predict" else []
    extra = ["--tracking-uri", uri] if command == "predict" else []

    def run(out, *flags):
        return runner.invoke(
            app, [command, str(article), *model, "--out", str(out), *flags, *extra]
        )

    result = run(article, "--force")
    assert result.exit_code == 1 and "is one of the input files" in result.output
    assert article.read_text() == NEW_ARTICLE
    (tmp_path / "folder.jsonl").mkdir()
    result = run(tmp_path / "folder.jsonl")
    assert result.exit_code == 1 and "is a folder" in result.output
    result = run(article / "x.jsonl")
    assert result.exit_code == 1 and "cannot be created" in result.output


def test_written_files_follow_the_umask(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE)
    old = os.umask(0o022)
    try:
        out = tmp_path / "quotes.jsonl"
        assert runner.invoke(app, ["extract", str(article), "--out", str(out)]).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_extract_to_stdout_is_json_lines_from_the_first_byte(tmp_path):
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(NEW_ARTICLE)
    result = runner.invoke(app, ["extract", *map(str, paths)])
    assert result.exit_code == 0
    lines = result.stdout.split("\n")
    assert lines[0].startswith("{") and all(json.loads(x) for x in lines if x)


def test_predict_reports_bad_files_and_goes_on(store, tmp_path):
    uri, runs, _ = store
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    good = tmp_path / "good.txt"
    good.write_text(NEW_ARTICLE)
    result = cli("predict", str(bad), str(good), "--model", runs["tfidf"], uri=uri)
    assert result.exit_code == 1
    assert f"error: {bad}: file is empty" in result.output
    assert '"target": "Russia"' in result.stdout


@pytest.mark.slow
def test_mlflow_models_serve_answers(store, tmp_path):
    uri, runs, _ = store
    exported = tmp_path / "served"
    assert cli("export", runs["tfidf"], "--out", str(exported), uri=uri).exit_code == 0
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "models",
            "serve",
            "-m",
            str(exported),
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/ping", 90)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=json.dumps({"dataframe_records": ROWS.to_dict("records")}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        labels = [p["label"] for p in answer["predictions"]]
        assert labels == list(
            load_model(exported / "artifacts" / "model").predict(ROWS.assign(speaker="", lang=""))
        )
        bad = [{"text": "We condemn it.", "target": None}, {"text": None, "target": "Japan"}]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=json.dumps({"dataframe_records": bad}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 400
        assert "row(s) have no" in refused.value.read().decode()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_report_draws_the_stance_map(tmp_path):
    from quotestance.dataset import build_dataset

    build_dataset(SAMPLES, ROOT / "data" / "annotations" / "gold.jsonl", tmp_path / "data")
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["report", str(tmp_path / "data" / "quotes.jsonl"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in ("stance_map.png", "stance_map.html", "edges.csv", "targets.md"):
        assert (out / name).stat().st_size > 0, name
    edges = pd.read_csv(out / "edges.csv")

    def has(speaker, target, stance):
        return (
            (edges.speaker == speaker) & (edges.target == target) & (edges.stance == stance)
        ).any()

    assert has("Liu Xiaoming", "United States", "against")  # the Chinese envoy
    assert has("Dennis Wilder", "Russia", "against") and has(
        "Kurt Campbell", "North Korea", "against"
    )
    assert has("Antony Blinken", "Russia", "against")
    assert edges.loc[edges.speaker == "Liu Xiaoming", "side"].iloc[0] == "China"
    page = (out / "stance_map.html").read_text()
    assert "data:image/png;base64," in page and "<h2>North Korea</h2>" in page
    again = runner.invoke(
        app, ["report", str(tmp_path / "data" / "quotes.jsonl"), "--out", str(out)]
    )
    assert again.exit_code == 1 and "--force" in again.output


def test_export_force_replaces_an_export_but_no_other_folder(store, tmp_path):
    uri, runs, _ = store
    theirs = tmp_path / "store"
    theirs.mkdir()
    (theirs / "mlflow.db").write_text("a tracking store")
    result = cli("export", runs["tfidf"], "--out", str(theirs), "--force", uri=uri)
    assert result.exit_code == 1 and "not an exported model folder" in result.output
    assert (theirs / "mlflow.db").read_text() == "a tracking store"
    out = tmp_path / "model"
    assert cli("export", runs["tfidf"], "--out", str(out), uri=uri).exit_code == 0
    assert cli("export", runs["tfidf"], "--out", str(out), "--force", uri=uri).exit_code == 0


def test_the_misclassified_table_is_safe_for_spreadsheets(tmp_path):
    rows = pd.read_json(FIXTURE, lines=True)
    rows.loc[:5, "text"] = "=HYPERLINK(1) " + rows.loc[:5, "text"]
    data = tmp_path / "quotes.jsonl"
    rows.to_json(data, orient="records", lines=True, force_ascii=False)
    result = train(
        compose_config("debug=smoke", f"data.path={data}", *tracking(tmp_path), "model=majority")
    )
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    table = mlflow.artifacts.load_text(f"runs:/{result['run_id']}/evaluation/misclassified.csv")
    cells = [c for row in csv.reader(table.splitlines()) for c in row]
    assert cells and not any(c.startswith(("=", "+", "@")) for c in cells)


def test_a_broken_onnx_file_is_one_line(store, tmp_path):
    from quotestance.errors import QuotestanceError

    uri, runs, _ = store
    out = tmp_path / "bert"
    assert cli("export", runs["bert"], "--out", str(out), uri=uri).exit_code == 0
    (out / "artifacts" / "model" / "model.onnx").write_bytes(b"\x00garbage" * 50)
    with pytest.raises(QuotestanceError, match="not a usable ONNX model") as error:
        load_model(out / "artifacts" / "model")
    assert "\n" not in str(error.value)


def test_annotate_export_never_overwrites_the_dataset_it_reads(tmp_path):
    from quotestance.dataset import build_dataset

    build_dataset(SAMPLES, ROOT / "data" / "annotations" / "gold.jsonl", tmp_path / "data")
    dataset = tmp_path / "data" / "quotes.jsonl"
    before = dataset.read_bytes()
    args = ["annotate", "export", "--all", "--dataset", str(dataset), "--out", str(dataset)]
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 1 and "is one of the input files" in result.output
    assert dataset.read_bytes() == before


def test_report_never_overwrites_its_own_input(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    edges = folder / "edges.csv"
    edges.write_text("side,speaker,target,stance,count\nx,A,B,against,1\n")
    result = runner.invoke(app, ["report", str(edges), "--out", str(folder), "--force"])
    assert result.exit_code == 1 and "report's own files" in result.output
    assert edges.read_text().startswith("side,speaker")
