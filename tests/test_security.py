"""Loading a model folder never runs code that came with it, and a broken folder is one line."""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import ModelConfig
from quotestance.models import load_model
from quotestance.models.baselines import TRUSTED_TYPES, TfidfModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from hostile import runstring_skops

LABELS = ("favor", "against", "neutral")
ROWS = pd.DataFrame(
    {
        "text": ["we love it", "we hate it", "it is here", "great", "awful", "a fact"] * 3,
        "target": ["A", "B", "C"] * 6,
        "label": list(LABELS) * 6,
        "speaker": ["x", "y", "z"] * 6,
        "affiliation": ["p", "q", "r"] * 6,
    }
)


def saved_tfidf(folder: Path, **cfg) -> Path:
    model = TfidfModel(ModelConfig(**cfg), LABELS)
    model.fit(ROWS, ROWS, seed=1)
    return model.save(folder)


@pytest.mark.parametrize("classifier", ["logreg", "svm"])
@pytest.mark.parametrize("use_speaker", [False, True])
def test_the_trusted_list_covers_what_our_models_save(tmp_path, classifier, use_speaker):
    import skops.io as sio

    folder = saved_tfidf(tmp_path / "m", classifier=classifier, use_speaker=use_speaker)
    assert set(sio.get_untrusted_types(file=folder / "model.skops")) <= TRUSTED_TYPES
    assert load_model(folder).predict(ROWS.head(3))


def runstring_file(path: Path, marker: Path) -> None:
    """A skops file whose loading would call numpy's ``runstring`` on a line of Python that
    writes ``marker`` (the payload of benchmarks/hostile.py)."""
    code = f"open({str(marker)!r}, 'w').write('ran')"
    runstring_skops(path, marker, "numpy.testing._private.utils", "runstring", code)


def test_a_crafted_skops_file_is_refused_without_running(tmp_path):
    folder = saved_tfidf(tmp_path / "m")
    marker = tmp_path / "ran.txt"
    runstring_file(folder / "model.skops", marker)
    with pytest.raises(QuotestanceError) as error:
        load_model(folder)
    message = str(error.value)
    assert "model.skops" in message and "numpy.testing._private.utils.runstring" in message
    assert "\n" not in message
    assert not marker.exists()


def test_predict_refuses_the_crafted_folder_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from quotestance.cli import app

    folder = saved_tfidf(tmp_path / "m")
    marker = tmp_path / "ran.txt"
    runstring_file(folder / "model.skops", marker)
    article = tmp_path / "a.txt"
    article.write_text("“We condemn the missile tests,” Foreign Minister Park Jin said.\n")
    result = CliRunner().invoke(app, ["predict", str(article), "--model", str(folder)])
    assert result.exit_code == 1
    assert "refuses to load" in result.output and "Traceback" not in result.output
    assert not marker.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "model.skops").unlink(), "model.skops: missing"),
        (lambda f: (f / "model.skops").write_bytes(b"\x8a" * 300), "not a readable skops"),
        (
            lambda f: (f / "model.skops").write_bytes((f / "model.skops").read_bytes()[:200]),
            "not a readable skops",
        ),
        (lambda f: (f / "quotestance_model.json").write_text("{"), "not a readable JSON"),
        (
            lambda f: (f / "quotestance_model.json").write_text(
                json.dumps({"kind": "tfidf", "labels": [], "config": {}})
            ),
            "'labels' must list two or more",
        ),
        (
            lambda f: (f / "quotestance_model.json").write_text(
                json.dumps({"kind": "pickle", "labels": list(LABELS), "config": {}})
            ),
            "unknown model kind 'pickle'",
        ),
    ],
)
def test_a_broken_model_folder_is_one_line(tmp_path, damage, message):
    folder = saved_tfidf(tmp_path / "m")
    damage(folder)
    with pytest.raises(QuotestanceError, match=message) as error:
        load_model(folder)
    assert "\n" not in str(error.value)


def tiny_transformer(folder: Path) -> Path:
    from quotestance.models.transformer import TransformerModel

    model = TransformerModel(ModelConfig(kind="bert", tiny=True, epochs=1, batch_size=4), LABELS)
    model.fit(ROWS, ROWS, seed=1)
    return model.save(folder)


def test_a_transformer_loads_from_safetensors_only(tmp_path):
    folder = tiny_transformer(tmp_path / "t")
    assert load_model(folder).predict(ROWS.head(2))
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(QuotestanceError, match="cannot load the transformer") as error:
        load_model(folder)
    assert "\n" not in str(error.value)
    weights.unlink()
    (folder / "pytorch_model.bin").write_bytes(b"pickled code would live here")
    with pytest.raises(QuotestanceError, match="safetensors only"):
        load_model(folder)


def predict_with(model: str, tmp_path: Path):
    from typer.testing import CliRunner

    from quotestance.cli import app

    article = tmp_path / "a.txt"
    article.write_text("“We condemn the missile tests,” Foreign Minister Park Jin said.\n")
    return CliRunner().invoke(app, ["predict", str(article), "--model", model])


def test_a_missing_model_path_says_so(tmp_path):
    result = predict_with(str(tmp_path / "no" / "such"), tmp_path)
    assert result.exit_code == 1
    assert "no such model folder" in result.output and "run_id" not in result.output


def test_a_bad_label_map_is_one_line(tmp_path):
    folder = saved_tfidf(tmp_path / "export")
    (folder / "labels.json").write_text("{not json")
    result = predict_with(str(folder), tmp_path)
    assert result.exit_code == 1 and "labels.json: not a label map" in result.output
    (folder / "labels.json").write_text(json.dumps({"labels": ["against", "favor", "neutral"]}))
    result = predict_with(str(folder), tmp_path)
    assert result.exit_code == 1 and "but the model predicts" in result.output


def test_a_label_map_without_a_list_is_one_line(tmp_path):
    folder = saved_tfidf(tmp_path / "export")
    (folder / "labels.json").write_text(json.dumps({"labels": None}))
    result = predict_with(str(folder), tmp_path)
    assert result.exit_code == 1 and "'labels' must be a list" in result.output
    assert "Traceback" not in result.output
