"""A corpus at full speed: workers give the same output as one process, in input order;
records are written as articles finish; an interrupted run resumes; CSV and Parquet."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import quotestance.corpus
from quotestance.cli import app
from quotestance.corpus import Output, read_done, sidecars

runner = CliRunner()
ARTICLES = [
    "Foreign Minister Maria Lund accused Russia of spreading lies about the pipeline blast.\n"
    "“We will not accept threats against our neighbours,” Lund told reporters in Oslo.\n",
    "“The budget is a disgrace and it must be withdrawn,” said John Smith, the union leader.\n",
    "The committee met on Tuesday to discuss the budget.\n",  # no quote
    "“Prices will fall next year, and wages will rise with them,” the governor said.\n"
    "Anna Berg said the plan would fail.\n",
]


@pytest.fixture
def articles(tmp_path):
    paths = []
    for i, text in enumerate(ARTICLES):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return [str(p) for p in paths]


def extract(*args):
    return runner.invoke(app, ["extract", *args])


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_two_workers_write_what_one_process_writes_in_input_order(articles, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert extract(*articles, "--workers", "1", "--out", str(one)).exit_code == 0
    result = extract(*articles, "--workers", "2", "--out", str(two))
    assert result.exit_code == 0, result.output
    assert one.read_bytes() == two.read_bytes()
    ids = [r["article_id"] for r in lines(two)]
    assert ids == sorted(ids) and {"a0", "a1", "a3"} <= set(ids)
    assert "4 articles, " in result.stderr and "0 failures, 0 skipped as already done" in (
        result.stderr
    )
    # the finished articles are listed, each with the size of the file after its quotes
    done = read_done(sidecars(two)[1])
    assert [p for p, _ in done] == articles and done[-1][1] == two.stat().st_size
    assert not sidecars(two)[0].exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_an_interrupted_run_resumes_where_it_stopped(articles, tmp_path, monkeypatch, suffix):
    whole = tmp_path / f"whole{suffix}"
    assert extract(*articles, "--workers", "1", "--out", str(whole)).exit_code == 0
    out = tmp_path / f"quotes{suffix}"
    real = quotestance.corpus.run_task

    def crash_on_the_last(task, path):
        if path == articles[-1]:
            raise RuntimeError("killed")
        return real(task, path)

    monkeypatch.setattr(quotestance.corpus, "run_task", crash_on_the_last)
    result = extract(*articles, "--workers", "1", "--out", str(out))
    assert isinstance(result.exception, RuntimeError)
    monkeypatch.setattr(quotestance.corpus, "run_task", real)
    partial, done = sidecars(out)
    assert not out.exists() and [p for p, _ in read_done(done)] == articles[:3]
    with partial.open("a", encoding="utf-8") as handle:
        handle.write('{"quote_id": "half a rec')  # what a kill mid-write leaves
    with done.open("a", encoding="utf-8") as handle:
        handle.write('["half a line')
    result = extract(*articles, "--workers", "1", "--out", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert "3 skipped as already done" in result.stderr
    assert out.read_bytes() == whole.read_bytes()


def test_a_finished_run_resumes_with_new_articles(articles, tmp_path):
    whole, out = tmp_path / "whole.jsonl", tmp_path / "quotes.jsonl"
    assert extract(*articles, "--workers", "1", "--out", str(whole)).exit_code == 0
    assert extract(*articles[:2], "--workers", "1", "--out", str(out)).exit_code == 0
    result = extract(*articles, "--workers", "2", "--out", str(out))
    assert result.exit_code == 1 and "already exists" in result.output
    result = extract(*articles, "--workers", "2", "--out", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert "2 skipped as already done" in result.stderr
    assert out.read_bytes() == whole.read_bytes()
    result = extract(*articles, "--out", str(out), "--resume")  # nothing left to do
    assert "0 articles, 0 quotes, 0 failures, 4 skipped" in result.stderr
    assert out.read_bytes() == whole.read_bytes()


def test_parquet_and_csv_hold_the_rows_of_json_lines(articles, tmp_path):
    paths = {s: tmp_path / f"q{s}" for s in (".jsonl", ".csv", ".parquet")}
    for path in paths.values():
        assert extract(*articles, "--workers", "2", "--out", str(path)).exit_code == 0
    rows = lines(paths[".jsonl"])
    parquet = pd.read_parquet(paths[".parquet"])
    csv = pd.read_csv(paths[".csv"])
    assert list(parquet.columns) == list(rows[0]) == list(csv.columns)
    for table in (parquet, csv):
        assert list(table["quote_id"]) == [r["quote_id"] for r in rows]
        assert list(table["speaker_start"].fillna(-1)) == [
            -1 if r["speaker_start"] is None else r["speaker_start"] for r in rows
        ]
    assert [list(map(list, s)) for s in parquet["segments"]] == [r["segments"] for r in rows]
    assert not sidecars(paths[".parquet"])[1].exists()


def test_empty_outputs_still_have_a_header_or_schema(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("Nobody said anything.\n")
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"none{suffix}"
        assert extract(str(empty), "--out", str(out)).exit_code == 0
        table = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
        assert len(table) == 0 and "quote_id" in table.columns


def test_bad_files_are_reported_and_the_rest_written(articles, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = tmp_path / "q.jsonl"
    result = extract(str(bad), *articles, "--workers", "2", "--out", str(out))
    assert result.exit_code == 1
    assert f"error: {bad}: file is empty" in result.output
    assert "1 failures" in result.stderr and lines(out)
    assert str(bad) not in [p for p, _ in read_done(sidecars(out)[1])]


def test_resume_needs_a_file_it_can_continue(articles, tmp_path):
    result = extract(*articles, "--resume")
    assert result.exit_code == 1 and "--resume needs --out" in result.output
    result = extract(*articles, "--resume", "--out", str(tmp_path / "q.parquet"))
    assert result.exit_code == 1 and "cannot be resumed" in result.output
    result = extract(*articles, "--engine", "spark")
    assert result.exit_code == 1 and "--engine must be one of local, dask" in result.output


def test_output_to_stdout_is_written_article_by_article(articles, capsys):
    output = Output(None)
    output.write([{"article_id": "a"}])
    output.mark_done(["a"])
    assert capsys.readouterr().out == '{"article_id": "a"}\n'


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """An exported TF-IDF stance model, trained in seconds on the fixture."""
    from conftest import FIXTURE, compose_config, tracking

    from quotestance.experiments.train import train

    root = tmp_path_factory.mktemp("store")
    run_id = train(compose_config("debug=smoke", f"data.path={FIXTURE}", *tracking(root)))[
        "run_id"
    ]
    exported = root / "model"
    uri = f"sqlite:///{root}/mlflow.db"
    result = runner.invoke(app, ["export", run_id, "--out", str(exported), "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    return str(exported)


def test_predict_labels_in_this_process_what_the_workers_found(articles, model, tmp_path):
    outs = {}
    for workers, suffix in (("1", ".jsonl"), ("2", ".jsonl"), ("2", ".parquet")):
        out = outs[workers, suffix] = tmp_path / f"p{workers}{suffix}"
        args = ["predict", *articles, "--model", model, "--out", str(out), "--batch-size", "2"]
        result = runner.invoke(app, [*args, "--workers", workers])
        assert result.exit_code == 0, result.output
    assert outs["1", ".jsonl"].read_bytes() == outs["2", ".jsonl"].read_bytes()
    rows = lines(outs["2", ".jsonl"])
    assert rows and all(r["stance"] in ("favor", "against", "neutral") for r in rows)
    parquet = pd.read_parquet(outs["2", ".parquet"])
    assert list(parquet["pair_id"]) == [r["pair_id"] for r in rows]
    assert list(parquet["stance"]) == [r["stance"] for r in rows]
    # resumed after the first two articles: the same file
    out = tmp_path / "resumed.jsonl"
    runner.invoke(app, ["predict", *articles[:2], "--model", model, "--out", str(out)])
    result = runner.invoke(
        app, ["predict", *articles, "--model", model, "--out", str(out), "--resume"]
    )
    assert result.exit_code == 0, result.output
    assert "; 2 skipped as already done" in result.stderr
    assert out.read_bytes() == outs["1", ".jsonl"].read_bytes()


def test_a_corpus_too_large_for_the_command_line_comes_from_a_list(articles, tmp_path):
    listing = tmp_path / "articles.txt"
    listing.write_text("\n".join(articles[1:]) + "\n", encoding="utf-8")
    whole, listed = tmp_path / "whole.jsonl", tmp_path / "listed.jsonl"
    assert extract(*articles, "--out", str(whole), "--workers", "1").exit_code == 0
    result = extract(articles[0], "--files-from", str(listing), "--out", str(listed))
    assert result.exit_code == 0, result.output
    assert listed.read_bytes() == whole.read_bytes()
    result = runner.invoke(app, ["extract", "--files-from", "-"], input="\n".join(articles))
    assert result.exit_code == 0 and result.stdout.encode() == whole.read_bytes()
    result = extract("--out", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 1 and "no articles: give ARTICLES or --files-from" in result.output


def test_a_folder_stands_for_its_article_files_in_name_order(articles, tmp_path):
    whole, folder_out = tmp_path / "whole.jsonl", tmp_path / "folder.jsonl"
    corpus = tmp_path / "corpus"
    (corpus / "b").mkdir(parents=True)
    (corpus / ".hidden").mkdir()
    texts = [Path(a).read_text(encoding="utf-8") for a in articles]
    (corpus / "a.txt").write_text(texts[0], encoding="utf-8")
    (corpus / "b" / "c.txt").write_text(texts[1], encoding="utf-8")
    (corpus / "notes.md").write_text(texts[2], encoding="utf-8")
    (corpus / ".hidden" / "d.txt").write_text(texts[2], encoding="utf-8")
    ordered = [str(corpus / "a.txt"), str(corpus / "b" / "c.txt")]
    assert extract(*ordered, "--out", str(whole), "--workers", "1").exit_code == 0
    result = extract(str(corpus), "--out", str(folder_out), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert folder_out.read_bytes() == whole.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = extract(str(empty))
    assert result.exit_code == 1
    assert f"{empty}: a folder without .txt or .html files" in result.output
