"""The corpus on a Dask cluster of two worker processes writes what one process writes."""

import pytest
from conftest import FIXTURE, SAMPLES, compose_config, tracking
from typer.testing import CliRunner

from quotestance.cli import app

distributed = pytest.importorskip("distributed", reason="Dask is the optional [cluster] group")
runner = CliRunner()


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from quotestance.experiments.train import train

    root = tmp_path_factory.mktemp("store")
    cfg = compose_config("debug=smoke", f"data.path={FIXTURE}", *tracking(root))
    run_id = train(cfg)["run_id"]
    exported = root / "model"
    uri = f"sqlite:///{root}/mlflow.db"
    result = runner.invoke(app, ["export", run_id, "--out", str(exported), "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    return str(exported)


ARTICLES = sorted(str(p) for p in SAMPLES.glob("*.txt"))


@pytest.mark.slow
@pytest.mark.parametrize("command", ["extract", "predict"])
def test_a_dask_cluster_writes_what_one_process_writes(scheduler, model, tmp_path, command):
    extra = ["--model", model] if command == "predict" else []
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    result = runner.invoke(
        app, [command, *ARTICLES, *extra, "--workers", "1", "--out", str(local)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            command,
            *ARTICLES,
            *extra,
            "--engine",
            "dask",
            "--address",
            scheduler,
            "--out",
            str(remote),
        ],
    )
    assert result.exit_code == 0, result.output
    assert local.read_bytes() and local.read_bytes() == remote.read_bytes()


@pytest.mark.slow
def test_the_scheduler_address_comes_from_dasks_own_variable(scheduler, tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", scheduler)
    out = tmp_path / "q.parquet"
    result = runner.invoke(app, ["extract", *ARTICLES, "--engine", "dask", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(ARTICLES)} articles" in result.stderr
