"""A team's tracking server (docs/scale.md): ``mlflow server`` on a PostgreSQL backend store
with proxied artifacts. A run trained against it is stored there with its model, and the
model loads back through the server alone."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from conftest import FIXTURE, compose_config, free_port, wait_for

BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not BINS,
        reason="no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): "
        "apt-get install postgresql",
    ),
]


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1 with a database ``mlflow`` (trust auth)."""
    bin_dir = Path(BINS[-1]).parent
    # a folder of its own that the postgres user can reach (pytest's tmp_path is root-only)
    root = Path(tempfile.mkdtemp(prefix="quotestance-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(
        as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "mlflow", "-A", "trust"),
        **run,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_postgres(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ),
        **run,
    )
    try:
        subprocess.run(
            as_postgres(
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "mlflow",
                "mlflow",
            ),
            **run,
        )
        # the psycopg2 driver named: SQLAlchemy 2.1's default for postgresql:// is psycopg 3
        yield f"postgresql+psycopg2://mlflow@127.0.0.1:{port}/mlflow"
    finally:
        subprocess.run(
            as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"),
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_a_shared_server_on_postgresql_keeps_runs_and_their_models(postgres, tmp_path):
    from quotestance.experiments.train import train

    port, artifacts = free_port(), tmp_path / "artifacts"
    env = {
        **os.environ,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", postgres,
            "--serve-artifacts", "--artifacts-destination", str(artifacts),
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        uri = f"http://127.0.0.1:{port}"
        wait_for(f"{uri}/health", 120)
        assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
        cfg = compose_config(
            "debug=smoke", f"data.path={FIXTURE}", "tracking=server", f"tracking.uri={uri}"
        )
        run_id = train(cfg)["run_id"]
        mlflow.set_tracking_uri(uri)
        run = mlflow.get_run(run_id)
        assert run.info.status == "FINISHED" and "test/macro_f1" in run.data.metrics
        assert run.info.artifact_uri.startswith("mlflow-artifacts:")  # proxied by the server
        model = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
        rows = pd.DataFrame({"text": ["Anna Berg praised Japan warmly."], "target": ["Japan"]})
        assert len(model.predict(rows)) == 1
        assert any(artifacts.rglob("MLmodel"))  # the model's files are in the server's store
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
