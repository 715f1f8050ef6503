"""The one module that talks to MLflow.

One run per job; a sweep is a parent run with a child per job. Each run gets the resolved
config (artifact and flattened params), metrics prefixed by split, tags, the data as an MLflow
dataset input, the per-class report, the confusion matrix, the misclassified quotes, and the
model as a pyfunc (the artifact contract of ``quotestance.artifact``). A run that raises or is
interrupted ends FAILED, never left RUNNING.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import TrackingConfig
from quotestance.io import csv_text
from quotestance.log import logger

PIP_REQUIREMENTS = [
    "mlflow>=3.5,<4",
    "scikit-learn>=1.5",
    "skops>=0.10",
    "pandas>=2.2",
    "numpy",
    "torch>=2.13",
    "transformers>=5,<6",
    "omegaconf>=2.3",
    "hydra-core>=1.3,<1.4",
]


# The UI opens a model-training experiment on its runs table (not on the GenAI overview).
EXPERIMENT_KIND = ("mlflow.experimentKind", "custom_model_development")


class TrackingError(QuotestanceError):
    pass


class Interrupted(QuotestanceError):
    """A run stopped by Ctrl-C or SIGTERM; it has been marked FAILED."""


@contextlib.contextmanager
def store_lock(uri: str) -> Iterator[None]:
    """An exclusive lock beside a SQLite store while a process opens it (no-op otherwise)."""
    if not uri.startswith("sqlite:///"):
        yield
        return
    import fcntl

    db = Path(uri.removeprefix("sqlite:///"))
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a scheduler or ``kill``) stops the work as Ctrl-C does, so the run is ended
    FAILED instead of being left RUNNING."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt("terminated (SIGTERM)")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_reachable(uri: str, timeout: float) -> None:
    """A remote tracking server must answer its health check: a clear error, not a hang."""
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout) as response:
            if response.status != 200:
                raise TrackingError(f"tracking server {uri} answered {response.status}")
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TrackingError(
            f"tracking server {uri} is unreachable ({reason}); start it or use tracking=local"
        ) from exc


def flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value if not isinstance(value, list) else json.dumps(value)
    return out


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class Tracker:
    def __init__(self, cfg: TrackingConfig, experiment: str) -> None:
        import mlflow

        self.cfg = cfg
        self.mlflow = mlflow
        check_reachable(cfg.uri, cfg.timeout_s)
        if cfg.uri.startswith("sqlite:///"):
            Path(cfg.uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(int(cfg.timeout_s)))
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
        os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
        mlflow.set_tracking_uri(cfg.uri)
        with store_lock(cfg.uri):
            # the first client of a new SQLite store creates its tables; two processes doing
            # that at once break it, and both may try to create the experiment
            self.client = mlflow.MlflowClient(cfg.uri)
            found = self.client.get_experiment_by_name(experiment)
            if found is None:
                location = None
                if not cfg.uri.startswith(("http://", "https://")):
                    location = Path(cfg.artifact_root).resolve().as_uri()
                self.experiment_id = self.client.create_experiment(experiment, location)
            else:
                self.experiment_id = found.experiment_id
            if found is None or found.tags.get(EXPERIMENT_KIND[0]) != EXPERIMENT_KIND[1]:
                self.client.set_experiment_tag(self.experiment_id, *EXPERIMENT_KIND)
        self.experiment = experiment

    @contextlib.contextmanager
    def run(
        self, name: str | None, tags: Mapping[str, str], parent_id: str | None = None
    ) -> Iterator[Any]:
        all_tags = {**tags, "git_commit": git_commit()}
        if parent_id:
            all_tags["mlflow.parentRunId"] = parent_id
        run = self.mlflow.start_run(experiment_id=self.experiment_id, run_name=name, tags=all_tags)
        logger.info(
            "MLflow run %s in experiment %r (%s)", run.info.run_id, self.experiment, self.cfg.uri
        )
        try:
            with terminate_as_interrupt():
                yield run
        except BaseException as exc:
            self.mlflow.end_run("FAILED")
            if isinstance(exc, KeyboardInterrupt):
                reason = str(exc) or "interrupted (Ctrl-C)"
                raise Interrupted(f"{reason}; run {run.info.run_id} marked FAILED") from exc
            raise
        self.mlflow.end_run("FINISHED")

    # -- what a run logs --------------------------------------------------------------------
    def config(self, resolved: Mapping[str, Any], yaml_text: str) -> None:
        self.mlflow.log_text(yaml_text, "config.yaml")
        params = flatten(resolved)
        self.mlflow.log_params({k: str(v)[:500] for k, v in params.items()})

    def metrics(self, values: Mapping[str, float], prefix: str, step: int | None = None) -> None:
        self.mlflow.log_metrics({f"{prefix}/{k}": float(v) for k, v in values.items()}, step=step)

    def dataset(
        self, frame: pd.DataFrame, name: str, source: str, context: str, digest: str
    ) -> None:
        import mlflow.data

        data = mlflow.data.from_pandas(  # type: ignore[attr-defined]
            frame[["text", "target", "label"]],
            source=source,
            name=name,
            digest=digest,
            targets="label",
        )
        self.mlflow.log_input(data, context=context)

    def text(self, text: str, path: str) -> None:
        self.mlflow.log_text(text, path)

    def artifact(self, path: str | Path, folder: str | None = None) -> None:
        self.mlflow.log_artifact(str(path), artifact_path=folder)

    def table(self, frame: pd.DataFrame, path: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / Path(path).name
            # a table a person opens in a spreadsheet: no cell may run as a formula
            file.write_text(csv_text(frame), encoding="utf-8")
            self.mlflow.log_artifact(str(file), artifact_path=str(Path(path).parent) or None)

    def model(self, model_dir: str | Path, example: pd.DataFrame, output: pd.DataFrame) -> str:
        import mlflow.pyfunc
        from mlflow.models import ModelSignature
        from mlflow.types import ColSpec, Schema, TensorSpec
        from mlflow.types.schema import AnyType

        from quotestance.artifact import (
            INPUT_COLUMNS,
            OFFSET_COLUMNS,
            OPTIONAL_COLUMNS,
            package_dir,
        )

        # text and target are required by the model itself (prepare_input: one line naming
        # what is missing); declared optional here so MLflow does not answer first with its
        # multi-line schema report
        inputs: list[ColSpec | TensorSpec] = [
            ColSpec("string", c, required=False) for c in INPUT_COLUMNS
        ]
        # offsets: MLflow's long refuses a column with gaps and double refuses int64, so "any";
        # the model reads whole numbers and treats anything else as unknown (models/marking.py)
        inputs += [
            ColSpec(AnyType() if c in OFFSET_COLUMNS else "string", c, required=False)
            for c in OPTIONAL_COLUMNS
        ]
        outputs: list[ColSpec | TensorSpec] = [ColSpec("string", "label")]
        outputs += [ColSpec("double", c) for c in output.columns if c.startswith("prob_")]
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(package_dir() / "pyfunc_model.py"),
            artifacts={"model": str(model_dir)},
            code_paths=[str(package_dir())],
            signature=ModelSignature(
                inputs=Schema(inputs),
                outputs=Schema(outputs),
            ),
            input_example=example,
            pip_requirements=PIP_REQUIREMENTS,
        )
        return str(info.model_uri)


# -- models: registry, download -------------------------------------------------------------


def connect(uri: str, timeout: float = 10.0) -> Any:
    import mlflow

    check_reachable(uri, timeout)
    mlflow.set_tracking_uri(uri)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    return mlflow.MlflowClient(uri)


def resolve_model(ref: str, uri: str) -> tuple[str, str]:
    """(model URI, run id) for a run id, ``runs:/<id>/model`` or ``models:/<name>@<alias>``."""
    from mlflow.exceptions import MlflowException

    client = connect(uri)
    try:
        if ref.startswith("models:/"):
            name, _, alias = ref.removeprefix("models:/").partition("@")
            if not alias:
                raise TrackingError(f"{ref}: give a registered model as models:/<name>@<alias>")
            version = client.get_model_version_by_alias(name, alias)
            return ref, str(version.run_id)
        run_id = ref.removeprefix("runs:/").split("/")[0]
        client.get_run(run_id)
        return f"runs:/{run_id}/model", run_id
    except MlflowException as exc:
        raise TrackingError(f"{ref}: not found in {uri} ({exc.message.splitlines()[0]})") from exc


def download_model(ref: str, uri: str, dst: str | Path) -> tuple[Path, str]:
    """Download the pyfunc model behind ``ref``; returns its folder and the run id."""
    import mlflow.artifacts

    model_uri, run_id = resolve_model(ref, uri)
    folder = mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(dst))
    return Path(folder), run_id


def newest_model_run(uri: str, task: str) -> tuple[str, str] | None:
    """(run id, run name) of the newest finished run of ``task`` that logged a model."""
    client = connect(uri)
    experiments = client.search_experiments(filter_string=f"name LIKE 'quotestance-{task}-%'")
    if not experiments:
        return None
    ids = [e.experiment_id for e in experiments]
    with_model = {
        m.source_run_id
        for m in client.search_logged_models(ids, filter_string="name = 'model'")
        if m.source_run_id
    }
    runs = client.search_runs(
        ids,
        filter_string=f"tags.task = '{task}' AND attributes.status = 'FINISHED'",
        order_by=["attributes.start_time DESC"],
        max_results=200,
    )
    for run in runs:
        if run.info.run_id in with_model:
            return str(run.info.run_id), str(run.info.run_name)
    return None


def run_record(run_id: str, uri: str) -> tuple[dict[str, float], str]:
    """The run's metrics and its resolved training config (YAML)."""
    import mlflow.artifacts

    client = connect(uri)
    run = client.get_run(run_id)
    config = mlflow.artifacts.load_text(f"runs:/{run_id}/config.yaml")
    return dict(run.data.metrics), config


def register(run_id: str, name: str, alias: str | None, uri: str) -> int:
    """Register the run's model under ``name`` and point ``alias`` at the new version."""
    import mlflow

    model_uri, run = resolve_model(run_id, uri)
    if model_uri.startswith("runs:/"):  # register the run's logged model itself
        client = connect(uri)
        experiment = client.get_run(run).info.experiment_id
        logged = client.search_logged_models(
            [experiment], filter_string=f"source_run_id = '{run}'"
        )
        if not logged:
            raise TrackingError(f"{run_id}: the run logged no model (tracking.log_model=false?)")
        model_uri = f"models:/{logged[0].model_id}"
    chatter = io.StringIO()  # MLflow prints "Successfully registered ..." lines itself
    with contextlib.redirect_stderr(chatter):
        version = mlflow.register_model(model_uri, name)
    logger.debug("%s", chatter.getvalue().strip())
    if alias:
        connect(uri).set_registered_model_alias(name, alias, version.version)
    return int(version.version)


def set_alias(name: str, alias: str, version: int, uri: str) -> None:
    connect(uri).set_registered_model_alias(name, alias, str(version))


# -- sweeps: one parent run, a child per job ------------------------------------------------

PARENT_FILE = "mlflow_parent_run.json"


def start_parent(cfg: TrackingConfig, experiment: str, sweep_dir: str, name: str) -> str:
    tracker = Tracker(cfg, experiment)
    run = tracker.client.create_run(
        tracker.experiment_id,
        run_name=name,
        tags={"sweep_dir": sweep_dir, "git_commit": git_commit()},
    )
    Path(sweep_dir).mkdir(parents=True, exist_ok=True)
    (Path(sweep_dir) / PARENT_FILE).write_text(
        json.dumps({"run_id": run.info.run_id, "experiment": experiment})
    )
    return str(run.info.run_id)


def parent_of(sweep_dir: str) -> tuple[str, str] | None:
    file = Path(sweep_dir) / PARENT_FILE
    if not file.exists():
        return None
    data = json.loads(file.read_text())
    return data["run_id"], data["experiment"]


def end_parent(cfg: TrackingConfig, sweep_dir: str) -> None:
    """Close the sweep's parent run: FAILED if any job failed, and with the best child's
    headline metrics, its id and a comparison table of all children logged on it."""
    import mlflow

    found = parent_of(sweep_dir)
    if found is None:
        return
    client = mlflow.MlflowClient(cfg.uri)
    run_id, _ = found
    children = client.search_runs(
        [client.get_run(run_id).info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{run_id}'",
    )
    failed = any(c.info.status != "FINISHED" for c in children)
    finished = [c for c in children if c.info.status == "FINISHED"]
    if finished:
        _summarise_sweep(client, run_id, finished, children)
    client.set_terminated(run_id, "FAILED" if failed or not children else "FINISHED")


# A sweep's best child is chosen on dev where every child has it, on test otherwise.
SELECTION = ("dev/macro_f1", "test/macro_f1")
HEADLINE = ("test/macro_f1", "test/f_avg", "test/accuracy", "dev/macro_f1", "test/map")


def _summarise_sweep(client: Any, parent: str, finished: list[Any], children: list[Any]) -> None:
    metric = next(
        (m for m in SELECTION if all(m in c.data.metrics for c in finished)), SELECTION[-1]
    )
    scored = [c for c in finished if metric in c.data.metrics]
    rows = [
        {
            "run_id": c.info.run_id,
            "run_name": c.info.run_name,
            "status": c.info.status,
            "overrides": c.data.tags.get("hydra_overrides", ""),
            **{m: c.data.metrics.get(m) for m in HEADLINE},
        }
        for c in children
    ]
    table = pd.DataFrame(rows).dropna(axis=1, how="all")
    if metric in table:
        table = table.sort_values(metric, ascending=False, na_position="last")
    client.log_text(parent, table.to_csv(index=False), "sweep/comparison.csv")
    client.log_text(parent, table.to_markdown(index=False), "sweep/comparison.md")
    if not scored:
        return
    best = max(scored, key=lambda c: c.data.metrics[metric])
    for name in HEADLINE:
        if name in best.data.metrics:
            client.log_metric(parent, f"best/{name}", best.data.metrics[name])
    client.set_tag(parent, "best_child_run_id", best.info.run_id)
    client.set_tag(parent, "best_child_run_name", str(best.info.run_name))
    client.set_tag(parent, "best_selected_by", metric)
