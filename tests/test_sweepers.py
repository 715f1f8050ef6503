"""Sweeps on a cluster launcher (submitit, here its local executor) and with Optuna: every
job is still a child of the sweep's parent run, and the parent names the best on dev."""

import pytest
from test_experiments import run_sweep


def parent_and_children(found):
    parents = found[found["tags.mlflow.parentRunId"].isna()]
    children = found[found["tags.mlflow.parentRunId"].notna()]
    assert len(parents) == 1
    parent = parents.iloc[0]
    assert set(children["tags.mlflow.parentRunId"]) == {parent.run_id}
    assert parent.status == "FINISHED" and set(children.status) == {"FINISHED"}
    return parent, children


@pytest.mark.slow
def test_submitit_jobs_are_children_of_the_sweeps_parent_run(tmp_path):
    _, found = run_sweep(
        tmp_path,
        "hydra/launcher=submitit_local",
        "hydra.launcher.timeout_min=5",
        "model=majority,tfidf",
    )
    parent, children = parent_and_children(found)
    assert sorted(children["params.model.kind"]) == ["majority", "tfidf"]
    assert parent["tags.best_child_run_id"] in set(children.run_id)


@pytest.mark.slow
def test_an_optuna_search_maximises_dev_macro_f1(tmp_path):
    _, found = run_sweep(
        tmp_path,
        "experiment=tune_tfidf",
        "hydra.sweeper.n_trials=3",
    )
    parent, children = parent_and_children(found)
    assert len(children) == 3 and children["params.model.C"].nunique() == 3
    best = children[children.run_id == parent["tags.best_child_run_id"]].iloc[0]
    assert parent["tags.best_selected_by"] == "dev/macro_f1"
    assert best["metrics.dev/macro_f1"] == children["metrics.dev/macro_f1"].max()
    # the objective Optuna maximised is the dev score the parent ranks by
    results = (tmp_path / "sweep" / "optimization_results.yaml").read_text()
    assert f"best_value: {best['metrics.dev/macro_f1']}"[:18] in results
