"""The benchmark scripts' code paths, on fixture data (the benchmarks themselves never run in
the tests)."""

import json
import sys

from conftest import ROOT, tracking

sys.path.insert(0, str(ROOT / "benchmarks"))

import classifiers
import extraction


def test_extraction_benchmark_on_a_polnear_shaped_fixture(tmp_path):
    folder = tmp_path / "polnear" / "dev"
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    text = "“We will win this fight,” Senator Jane Roe said on Monday.\nThe weather was fine.\n"
    (folder / "text" / "doc1.txt").write_text(text)
    content = text.index("We will")
    source = text.index("Senator")
    (folder / "attributions" / "doc1_a1.ann").write_text(
        f"T1\tContent {content} {content + 22}\tWe will win this fight\n"
        f"T2\tSource {source} {source + 14}\tSenator Jane Roe\n"
        f"T3\tCue {source + 15} {source + 19}\tsaid\n"
        "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2\n"
    )
    out = tmp_path / "report.md"
    assert (
        extraction.main(["--data-dir", str(tmp_path), "--skip-throughput", "--out", str(out)]) == 0
    )
    report = out.read_text()
    for view in ("default (speech + written + thought + source)", "all cue classes"):
        row = f"| dev (1 articles) | {view} | ≥30% | 1 | 1 | 1.000 | 1.000 | 1.000 | 1.000 (1/1) |"
        assert row in report, view


def test_classifier_benchmark_runs_a_job_in_its_own_process(tmp_path):
    fixture = ROOT / "tests" / "fixtures" / "quotes_fixture.jsonl"
    result = classifiers.launch(
        [
            "data=quotes",
            f"data.path={fixture}",
            "model=tfidf",
            "seed=1",
            "debug=smoke",
            *tracking(tmp_path),
            "tracking.log_model=false",
        ]
    )
    assert 0 <= result["test/macro_f1"] <= 1
    assert result["seconds"] > 0 and result["peak_mib"] > 50
    assert classifiers.fmt([0.5, 0.7]) == "0.600 ± 0.100"
    json.dumps(result)


def test_classifier_benchmark_table_and_run_log(clef, tmp_path):
    out = tmp_path / "reports" / "classifiers.md"
    argv = ["--data-dir", str(clef), "--sets", "clef2019", "--models", "majority"]
    argv += ["--seeds", "1", "2", "--out", str(out)]
    argv += ["--tracking-uri", f"sqlite:///{tmp_path}/mlflow.db"]
    argv += ["--extra", f"tracking.artifact_root={tmp_path}/a", "tracking.log_model=false"]
    assert classifiers.main(argv) == 0
    table = out.read_text()
    row = next(line for line in table.splitlines() if line.startswith("| clef2019 |"))
    # the majority class ranks nothing: every score ties, MAP is the positives' base rate
    assert "| majority | 2 | map: " in row and "f1_checkworthy: 0.000 ± 0.000" in row
    assert "model.use_speaker=true" in row and "MAP: best primary run 0.166" in row
    runs = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert [(r["data"], r["model"], r["seed"]) for r in runs] == [
        ("clef2019", "majority", 1),
        ("clef2019", "majority", 2),
    ]
    assert all(r["seconds"] > 0 and "test/map" in r for r in runs)


def test_inference_benchmark_compares_torch_and_onnx(tmp_path):
    import inference

    from quotestance.experiments.config import ModelConfig
    from quotestance.models.transformer import TransformerModel

    model = TransformerModel(ModelConfig(kind="bert", tiny=True), ("favor", "against", "neutral"))
    model._build(1)
    folder = model.save(tmp_path / "model")
    model.export_onnx(folder / "model.onnx")
    rows = inference.benchmark(folder, inference.quotes(tmp_path / "no-data", 40))
    assert [r["batch"] for r in rows] == [1, 32]
    assert all(r["torch"] > 0 and r["onnx"] > 0 for r in rows)
    # two models in one run: the second is timed against the first at each batch size
    other = dict(rows[0], model="other", torch=rows[0]["torch"] / 2, onnx=rows[0]["onnx"] / 4)
    text = inference.table([*rows, other])
    assert "| other | 1 |" in text and "| 2.00× | 4.00× |" in text
