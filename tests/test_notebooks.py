"""The notebooks run top to bottom on fixture data, so they cannot rot; they are kept in git
without outputs."""

import json

import nbformat
import pytest
from conftest import FIXTURE, ROOT, compose_config, tracking
from nbclient import NotebookClient

NOTEBOOKS = ROOT / "notebooks"


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")


def run(name: str, env: dict[str, str], monkeypatch) -> nbformat.NotebookNode:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    return notebook


@pytest.mark.parametrize("name", ["01_dataset.ipynb", "02_compare_runs.ipynb"])
def test_notebooks_are_stored_without_outputs(name):
    notebook = json.loads((NOTEBOOKS / name).read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.slow
def test_dataset_notebook_runs(monkeypatch):
    notebook = run("01_dataset.ipynb", {"QUOTESTANCE_DATASET": str(FIXTURE)}, monkeypatch)
    first = text_of(notebook.cells[1])
    assert "72 (quote, target) pairs" in first
    assert any(
        o.get("output_type") == "display_data"
        for c in notebook.cells
        for o in c.get("outputs", [])
    )  # the stance map is drawn


@pytest.mark.slow
def test_compare_runs_notebook_runs(tmp_path, monkeypatch):
    from quotestance.experiments.train import train

    for model in ("majority", "tfidf"):
        train(
            compose_config(
                f"model={model}",
                "debug=smoke",
                f"data.path={FIXTURE}",
                *tracking(tmp_path),
                "tracking.log_model=false",
            )
        )
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    notebook = run("02_compare_runs.ipynb", {"MLFLOW_TRACKING_URI": uri}, monkeypatch)
    assert "2 finished runs" in text_of(notebook.cells[1])
    table = next(o for o in notebook.cells[3].outputs if "data" in o)["data"]["text/plain"]
    assert "majority" in table and "tfidf" in table
