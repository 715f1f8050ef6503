"""Experiments: every config composes, the schema catches mistakes, each model runs end to end
into MLflow, sweeps nest, failures are marked, a real MLflow server works."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mlflow
import pytest
from conftest import FIXTURE, ROOT, compose_config, free_port, tracking, wait_for
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ConfigKeyError, ValidationError

from quotestance.experiments.config import register_configs
from quotestance.experiments.data import DataError
from quotestance.experiments.train import train
from quotestance.tracking import Interrupted, TrackingError

register_configs()
CONF = str(ROOT / "conf")
GROUPS = {
    name: sorted(p.stem for p in (ROOT / "conf" / name).glob("*.yaml"))
    for name in ("data", "model", "task", "tracking", "experiment", "debug")
}


def config(overrides=()):
    return compose_config(*overrides)


def smoke(tmp_path, *overrides):
    return compose_config("debug=smoke", f"data.path={FIXTURE}", *tracking(tmp_path), *overrides)


def runs(tmp_path, experiment):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    return mlflow.search_runs(experiment_names=[experiment])


@pytest.mark.parametrize(
    ("group", "option"), [(g, o) for g, options in GROUPS.items() for o in options]
)
def test_every_config_composes(group, option):
    cfg = config([f"{group}={option}"])
    assert cfg.model.kind in ("majority", "tfidf", "bert")


def test_default_is_the_tfidf_baseline_on_the_quote_dataset():
    cfg = config()
    assert (cfg.model.kind, cfg.task.name, cfg.data.name) == ("tfidf", "stance", "quotes")
    assert cfg.tracking.uri == "sqlite:///mlruns/mlflow.db"


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ("model.Cc=2", ConfigKeyError),  # misspelt key
        ("model.epochs=many", ValidationError),  # wrong type
    ],
)
def test_schema_catches_mistakes_at_compose_time(override, error):
    with pytest.raises((ConfigCompositionException, error)):
        config([override])


def test_misspelt_key_in_a_yaml_file_fails_at_compose_time(tmp_path):
    import shutil

    conf = tmp_path / "conf"
    shutil.copytree(CONF, conf)
    with (conf / "model" / "bert.yaml").open("a") as handle:
        handle.write("lerning_rate: 0.1\n")
    with (
        initialize_config_dir(config_dir=str(conf), version_base="1.3"),
        pytest.raises((ConfigCompositionException, ConfigKeyError), match="lerning_rate"),
    ):
        compose(config_name="train", overrides=["model=bert"])


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ConfigCompositionException, match="model/robert"):
        config(["model=robert"])


@pytest.mark.parametrize("model", ["majority", "tfidf", "bert"])
def test_smoke_run_per_model_lands_in_mlflow(tmp_path, model):
    result = train(smoke(tmp_path, f"model={model}"))
    assert 0.0 <= result["test/macro_f1"] <= 1.0
    found = runs(tmp_path, "quotestance-stance-quotes")
    row = found[found.run_id == result["run_id"]].iloc[0]
    assert row.status == "FINISHED"
    assert row["tags.model_kind"] == model and row["tags.task"] == "stance"
    assert row["tags.dataset_hash"] and row["tags.git_commit"]
    for metric in (
        "test/macro_f1",
        "test/f_avg",
        "test/accuracy",
        "test/macro_f1_std",
        "fold0/test/macro_f1",
        "test/en_macro_f1",
        "test/no_macro_f1",
        "test/ece",
        "test/log_loss",
        "fold0/dev/temperature",
        "fold0/dev/ece_uncalibrated",
        "all/temperature",
    ):
        assert (
            f"metrics.{metric}" in row.index
            and row[f"metrics.{metric}"] == row[f"metrics.{metric}"]
        ), metric  # present and not NaN
    assert row["params.model.kind"] == model
    client = mlflow.MlflowClient()
    names = {a.path for a in client.list_artifacts(result["run_id"], "evaluation")}
    assert names == {
        "evaluation/classification_report.txt",
        "evaluation/confusion_matrix.png",
        "evaluation/misclassified.csv",
        "evaluation/reliability.csv",
    }
    assert "config.yaml" in {a.path for a in client.list_artifacts(result["run_id"])}
    inputs = client.get_run(result["run_id"]).inputs.dataset_inputs
    # a folds run: the model logged is refitted on every labelled row
    assert {i.dataset.name for i in inputs} == {"quotes-all", "quotes-test"}
    model_uri = f"runs:/{result['run_id']}/model"
    import pandas as pd

    predicted = mlflow.pyfunc.load_model(model_uri).predict(
        pd.DataFrame({"text": ["Anna Berg accused China of lying."], "target": ["China"]})
    )
    assert list(predicted.columns) == ["label", "prob_favor", "prob_against", "prob_neutral"]


def test_transformer_logs_every_epoch(tmp_path):
    result = train(
        smoke(tmp_path, "model=bert", "model.epochs=3", "model.early_stopping_patience=5")
    )
    history = mlflow.MlflowClient().get_metric_history(
        result["run_id"], "fold0/dev_epoch/macro_f1"
    )
    assert [m.step for m in history] == [1, 2, 3]


def test_claim_task(tmp_path):
    result = train(smoke(tmp_path, "task=claim"))
    assert "test/f_avg" not in result  # F_avg is a stance score
    assert len(runs(tmp_path, "quotestance-claim-quotes")) == 1


@pytest.mark.parametrize("model", ["tfidf", "bert"])
def test_same_seed_same_metrics(tmp_path, model):
    first = train(smoke(tmp_path, f"model={model}", "tracking.log_model=false"))
    second = train(smoke(tmp_path, f"model={model}", "tracking.log_model=false"))
    assert first["test/macro_f1"] == second["test/macro_f1"]


def test_interrupted_run_is_marked_failed(tmp_path, monkeypatch):
    from quotestance.models.baselines import TfidfModel

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TfidfModel, "fit", interrupted)
    with pytest.raises(Interrupted, match="marked FAILED"):
        train(smoke(tmp_path))
    assert list(runs(tmp_path, "quotestance-stance-quotes").status) == ["FAILED"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["data.path=/nonexistent/quotes.jsonl"], "is not built"),
        (["data=semeval2016", "data.data_dir=/nonexistent"], "data folder not found"),
        (["data.max_train_samples=1", "data.evaluation=split"], "has one class"),
        (["data=claimbuster"], "use task=checkworthy"),
    ],
)
def test_bad_data_is_a_one_line_error(tmp_path, overrides, message):
    with pytest.raises(DataError, match=message) as info:
        train(smoke(tmp_path, *overrides))
    assert "\n" not in str(info.value)


def test_empty_split_is_an_error(tmp_path):
    path = tmp_path / "train_only.jsonl"
    path.write_text(
        "".join(
            line + "\n"
            for line in Path(FIXTURE).read_text().splitlines()
            if '"split": "train"' in line
        )
    )
    with pytest.raises(DataError, match="the test split is empty"):
        train(smoke(tmp_path, f"data.path={path}", "data.evaluation=split"))


def test_unreachable_server_is_a_clear_error_not_a_hang(tmp_path):
    port = free_port()
    start = time.monotonic()
    with pytest.raises(TrackingError, match="unreachable"):
        train(
            smoke(
                tmp_path,
                "tracking=server",
                f"tracking.uri=http://127.0.0.1:{port}",
                "tracking.timeout_s=2",
            )
        )
    assert time.monotonic() - start < 10


@pytest.mark.slow
def test_train_py_exits_with_one_line_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "train.py",
            "data.path=/nonexistent.jsonl",
            f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
            f"hydra.run.dir={tmp_path}/out",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: /nonexistent.jsonl")


def run_sweep(tmp_path, *overrides):
    """``python train.py -m`` on the fixture data, logged to a store under ``tmp_path``."""
    result = subprocess.run(
        [
            sys.executable,
            "train.py",
            "-m",
            *overrides,
            "debug=smoke",
            f"data.path={FIXTURE}",
            *tracking(tmp_path),
            "tracking.log_model=false",
            f"hydra.sweep.dir={tmp_path}/sweep",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result, runs(tmp_path, "quotestance-stance-quotes")


@pytest.mark.slow
def test_sweep_is_a_parent_run_with_a_child_per_job(tmp_path):
    _, found = run_sweep(tmp_path, "model=majority,tfidf", "seed=1,2")
    parents = found[found["tags.mlflow.parentRunId"].isna()]
    children = found[found["tags.mlflow.parentRunId"].notna()]
    assert len(parents) == 1 and len(children) == 4
    assert set(children["tags.mlflow.parentRunId"]) == {parents.iloc[0].run_id}
    parent = parents.iloc[0]
    assert parent.status == "FINISHED"
    # the parent says which child is best (chosen on dev) and compares them all
    best = children[children.run_id == parent["tags.best_child_run_id"]].iloc[0]
    assert parent["tags.best_selected_by"] == "dev/macro_f1"
    assert best["metrics.dev/macro_f1"] == children["metrics.dev/macro_f1"].max()
    assert parent["metrics.best/test/macro_f1"] == best["metrics.test/macro_f1"]
    table = mlflow.artifacts.load_text(f"runs:/{parent.run_id}/sweep/comparison.csv")
    assert len(table.strip().splitlines()) == 1 + 4 and "overrides" in table
    # the UI opens these experiments on their runs table
    experiment = mlflow.get_experiment_by_name("quotestance-stance-quotes")
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"


@pytest.mark.slow
def test_run_logged_to_a_real_mlflow_server(tmp_path):
    port = free_port()
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--backend-store-uri",
            f"sqlite:///{tmp_path}/server.db",
            "--default-artifact-root",
            f"{tmp_path}/server-artifacts",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        uri = f"http://127.0.0.1:{port}"
        wait_for(f"{uri}/health", 60)
        result = train(smoke(tmp_path, "tracking=server", f"tracking.uri={uri}", "model=tfidf"))
        mlflow.set_tracking_uri(uri)
        run = mlflow.get_run(result["run_id"])
        assert run.info.status == "FINISHED"
        assert "test/macro_f1" in run.data.metrics
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@pytest.mark.slow
def test_joblib_launcher_runs_children_in_parallel_under_one_parent(tmp_path):
    result, found = run_sweep(
        tmp_path, "model=majority,tfidf", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"
    )
    assert "Joblib.Parallel(n_jobs=2" in result.stdout + result.stderr
    children = found[found["tags.mlflow.parentRunId"].notna()]
    assert sorted(children["tags.model_kind"]) == ["majority", "tfidf"]
    assert set(found.status) == {"FINISHED"}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("+model.lerning_rate=1", "unknown config key model.lerning_rate; did you mean "),
        ("+tracking.url=x", "unknown config key tracking.url; did you mean tracking.uri?"),
        ("+sed=1", "unknown config key sed; did you mean seed?"),
        ("model.C=-1", r"model.C=-1.0: must be > 0"),
        ("model.epochs=0", "model.epochs=0: must be at least 1"),
        ("tracking.uri=ftp://example.org/x", "tracking.uri=ftp://example.org/x: not a tracking"),
    ],
)
def test_train_refuses_what_the_schema_types_cannot_see(tmp_path, override, message):
    from quotestance.errors import QuotestanceError

    with pytest.raises(QuotestanceError, match=message):
        train(smoke(tmp_path, override))
    assert not (tmp_path / "mlflow.db").exists()  # refused before any run started


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["+model.lerning_rate=1"], "did you mean model.learning_rate?"),
        (["model.lerning_rate=1"], "did you mean model.learning_rate?"),
        (["-m", "model=tfidf,bert", "+data.pth=x"], "did you mean data.path?"),
        (["model.epochs=many"], "model.epochs=many: expected int"),
        (["seed=abc"], "seed=abc: expected int"),
        (["model.use_speaker=yes"], "model.use_speaker=yes: expected bool"),
        (["model=robert"], "unknown model 'robert'; did you mean bert?"),
        (["-m", "task=stance,sentiment"], "unknown task 'sentiment'"),
    ],
)
def test_train_py_names_the_nearest_key(args, message):
    result = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def train_py(tmp_path, *overrides):
    """``python train.py`` in a process of its own, on the fixture data, with its store in
    ``tmp_path``."""
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "debug=smoke",
            f"data.path={FIXTURE}",
            *tracking(tmp_path),
            *overrides,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_first_runs_on_an_empty_store_both_finish(tmp_path):
    jobs = [train_py(tmp_path, "model=majority", f"seed={seed}") for seed in (1, 2)]
    errors = [job.communicate(timeout=300)[1] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0], errors
    found = runs(tmp_path, "quotestance-stance-quotes")
    assert sorted(found.status) == ["FINISHED", "FINISHED"]
    # and the store keeps working afterwards
    assert train(smoke(tmp_path, "model=majority"))["test/macro_f1"] >= 0


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_run_failed_in_one_line(tmp_path, signum):
    job = train_py(tmp_path, "model=bert", "model.epochs=200", "model.early_stopping_patience=200")
    client = mlflow.MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    deadline = time.monotonic() + 180
    running = []
    while time.monotonic() < deadline and job.poll() is None:
        if (tmp_path / "mlflow.db").exists():
            try:
                experiment = client.get_experiment_by_name("quotestance-stance-quotes")
                if experiment is not None:
                    running = client.search_runs([experiment.experiment_id])
            except Exception:  # the store is being created by the job
                running = []
            if running and any(r.data.metrics for r in running):
                break
        time.sleep(0.5)
    assert running, "the run never started"
    job.send_signal(signum)
    _, err = job.communicate(timeout=120)
    assert job.returncode == 130
    assert "marked FAILED" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1
    assert [r.info.status for r in client.search_runs([running[0].info.experiment_id])] == [
        "FAILED"
    ]


def test_a_folds_run_logs_the_data_its_model_was_fitted_on(tmp_path):
    result = train(smoke(tmp_path, "data.evaluation=folds", "tracking.log_model=false"))
    run = mlflow.MlflowClient(f"sqlite:///{tmp_path}/mlflow.db").get_run(result["run_id"])
    inputs = {d.dataset.name: d for d in run.inputs.dataset_inputs}
    training = [d for d in inputs.values() if d.tags[0].value == "training"]
    assert [d.dataset.name for d in training] == ["quotes-all"]
    folds = [k for k in run.data.metrics if k.endswith("/test/macro_f1") and k.startswith("fold")]
    rows = {name: json.loads(d.dataset.profile)["num_rows"] for name, d in inputs.items()}
    # the model is refitted on every labelled row: the rows all folds were tested on
    assert len(folds) > 1 and rows["quotes-all"] == rows["quotes-test"]
    assert "dev/macro_f1" in run.data.metrics


@pytest.mark.slow
def test_a_transformer_run_prints_a_line_per_stage(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "model=bert",
            "debug=smoke",
            f"data.path={FIXTURE}",
            *tracking(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    for noise in (
        "LOAD REPORT",
        "{'eval_loss'",
        "UserWarning",
        "Writing model shards",
        "Creating initial MLflow database tables",
        "it/s]",
    ):
        assert noise not in out, noise
    assert "epoch 1: dev macro_f1" in out
    assert len(out.strip().splitlines()) < 30, out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", r"quotes.jsonl:1: not UTF-8 text"),
        (b'{"label_source": "gold", "text": "x"}\n{not json\n', r"quotes.jsonl:2: not valid JSON"),
        (b'{"label_source": "gold", "text": "x"}\n[1, 2]\n', r"quotes.jsonl:2: not a row"),
    ],
)
def test_a_broken_quote_dataset_names_the_line(tmp_path, content, message):
    data = tmp_path / "quotes.jsonl"
    data.write_bytes(content)
    with pytest.raises(DataError, match=message):
        train(smoke(tmp_path, f"data.path={data}"))
