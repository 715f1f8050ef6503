"""The command line as a user reads it: help that is whole, and commands that say one thing."""

import os

import pytest
from conftest import FIXTURE, compose_config, tracking
from typer.testing import CliRunner

from quotestance.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [[], ["extract"], ["predict"], ["export"], ["report"], ["annotate", "import"]]
)
def test_help_is_whole_at_80_columns(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    body = [line for line in result.output.splitlines() if not line.startswith("Usage:")]
    assert not any(line.rstrip().endswith("...") for line in body), result.output
    assert "<bool>" not in result.output and "--no-force" not in result.output
    if command == ["predict"]:
        assert "sqlite:///mlruns/mlflow.db" in result.output.replace("\n", "").replace(" ", "")


def test_register_says_one_line(tmp_path):
    from quotestance.experiments.train import train

    run_id = train(compose_config("debug=smoke", f"data.path={FIXTURE}", *tracking(tmp_path)))[
        "run_id"
    ]
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    result = runner.invoke(app, ["register", run_id, "--alias", "champion", "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "registered quotestance-stance version 1 as @champion "
        "(models:/quotestance-stance@champion)"
    ], lines
    assert os.path.exists(tmp_path / "mlflow.db")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_article_size_limit_is_a_command_option(tmp_path, monkeypatch, how):
    article = tmp_path / "a.txt"
    article.write_text("“We condemn the missile tests,” Foreign Minister Park Jin said.\n")
    args = ["extract", str(article)]
    if how == "option":
        args += ["--max-bytes", "10"]
    else:
        monkeypatch.setenv("QUOTESTANCE_MAX_ARTICLE_BYTES", "10")
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "over the 10-byte limit" in result.output and "Traceback" not in result.output


def test_extract_keeps_the_cue_classes_asked_for(tmp_path):
    import json

    article = tmp_path / "a.txt"
    article.write_text(
        "“We will win,” Mr Smith said. Mr Smith believes that taxes are too high. "
        "Mr Smith promised to cut them.\n"
    )

    def classes(*flags):
        result = runner.invoke(app, ["extract", str(article), "--workers", "1", *flags])
        assert result.exit_code == 0, result.output
        return sorted(json.loads(line)["cue_class"] for line in result.stdout.splitlines())

    assert classes() == ["speech", "thought"]  # the default: no plans
    assert classes("--cues", "speech") == ["speech"]
    assert "plan" in classes("--cues", "speech,thought,plan")
    bad = runner.invoke(app, ["extract", str(article), "--cues", "spech"])
    assert bad.exit_code == 1 and "--cues: unknown cue class 'spech'" in bad.output
