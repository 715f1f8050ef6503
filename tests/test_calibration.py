"""Honest confidence: the temperature fitted on dev, the calibration error that checks it, and
the temperature travelling with the model folder."""

import json

import numpy as np
import pandas as pd
import pytest

from quotestance.calibration import (
    expected_calibration_error,
    fit_temperature,
    reliability,
    scaled,
)
from quotestance.errors import QuotestanceError
from quotestance.experiments.config import ModelConfig
from quotestance.models import load_model
from quotestance.models.base import MODEL_JSON
from quotestance.models.baselines import TfidfModel


def overconfident(n, seed, temperature=3.0):
    """Rows whose labels follow softmax(logits / temperature) but whose probabilities are
    softmax(logits): a model that is surer than it is right."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2.0, size=(n, 3))
    true = np.exp(logits / temperature)
    true /= true.sum(axis=1, keepdims=True)
    gold = [int(rng.choice(3, p=p)) for p in true]
    said = np.exp(logits)
    return said / said.sum(axis=1, keepdims=True), gold


def test_the_temperature_of_an_overconfident_model_is_found_on_dev_and_holds_on_test():
    dev, dev_gold = overconfident(4000, seed=0)
    test, test_gold = overconfident(4000, seed=1)
    temperature = fit_temperature(dev, dev_gold)
    assert 2.6 < temperature < 3.4
    before = expected_calibration_error(test, test_gold)
    after = expected_calibration_error(scaled(test, temperature), test_gold)
    assert before > 0.1 and after < 0.03


def test_a_temperature_keeps_every_predicted_label():
    proba, _ = overconfident(200, seed=2)
    for temperature in (0.3, 1.0, 4.0):
        out = scaled(proba, temperature)
        assert np.allclose(out.sum(axis=1), 1.0)
        assert (out.argmax(axis=1) == proba.argmax(axis=1)).all()


def test_reliability_bins_count_every_row():
    proba = np.array([[0.95, 0.05], [0.55, 0.45], [0.4, 0.6], [0.99, 0.01]])
    table = reliability(proba, [0, 1, 1, 0], bins=10)
    assert table["n"].sum() == 4
    top = table[table["bin"] == "0.9-1.0"].iloc[0]
    assert top["n"] == 2 and top["accuracy"] == 1.0
    # 0.95 and 0.99 right, 0.55 wrong, 0.6 right
    assert expected_calibration_error(proba, [0, 1, 1, 0]) == pytest.approx(
        (abs(0.97 - 1.0) * 2 + abs(0.55 - 0.0) + abs(0.6 - 1.0)) / 4
    )


ROWS = pd.DataFrame(
    {
        "text": ["we support the plan", "we oppose the plan", "the plan was read"] * 4,
        "target": ["plan"] * 12,
        "label": ["favor", "against", "neutral"] * 4,
    }
)


def test_the_temperature_travels_with_the_model_folder(tmp_path):
    model = TfidfModel(ModelConfig(target_aware=False), ("favor", "against", "neutral"))
    model.fit(ROWS, ROWS, seed=0)
    raw = model.predict_proba(ROWS)
    model.temperature = 0.5
    sharper = model.predict_proba(ROWS)
    assert sharper.max(axis=1).mean() > raw.max(axis=1).mean()
    loaded = load_model(model.save(tmp_path / "m"))
    assert loaded.temperature == 0.5
    assert np.allclose(loaded.predict_proba(ROWS), sharper)


@pytest.mark.parametrize("value", [0, -1, "hot", None, True])
def test_a_bad_temperature_in_the_model_file_is_one_line(tmp_path, value):
    model = TfidfModel(ModelConfig(target_aware=False), ("favor", "against", "neutral"))
    model.fit(ROWS, ROWS, seed=0)
    folder = model.save(tmp_path / "m")
    meta = json.loads((folder / MODEL_JSON).read_text())
    meta["temperature"] = value
    (folder / MODEL_JSON).write_text(json.dumps(meta))
    with pytest.raises(QuotestanceError, match="'temperature' must be a positive number"):
        load_model(folder)


def test_a_folder_saved_without_a_temperature_loads_uncalibrated(tmp_path):
    model = TfidfModel(ModelConfig(target_aware=False), ("favor", "against", "neutral"))
    model.fit(ROWS, ROWS, seed=0)
    folder = model.save(tmp_path / "m")
    meta = json.loads((folder / MODEL_JSON).read_text())
    del meta["temperature"]
    (folder / MODEL_JSON).write_text(json.dumps(meta))
    assert load_model(folder).temperature == 1.0
