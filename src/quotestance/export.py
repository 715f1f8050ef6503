"""Exporting a trained model: a self-contained folder that is an MLflow model (``mlflow models
serve -m DIR``) and also holds the plain model files, the label map, the training config and
the metrics the run reached. Optionally an ONNX copy of a transformer, checked against torch.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from quotestance.errors import OutputExistsError, QuotestanceError
from quotestance.io import new_mode
from quotestance.log import logger
from quotestance.tracking import download_model, run_record

MODEL_SUBDIR = Path("artifacts") / "model"


def plain_model_dir(folder: str | Path) -> Path:
    """The quotestance model folder inside an exported or downloaded MLflow model."""
    root = Path(folder)
    for candidate in (root / MODEL_SUBDIR, root):
        if (candidate / "quotestance_model.json").exists():
            return candidate
    raise QuotestanceError(
        f"{root}: no quotestance model here (expected {MODEL_SUBDIR}/quotestance_model.json)"
    )


def parity_frame(config_yaml: str) -> pd.DataFrame:
    """The test rows of the run's data, for checking an ONNX copy against torch."""
    from omegaconf import OmegaConf

    from quotestance.experiments.config import DataConfig
    from quotestance.experiments.data import load_splits

    cfg = OmegaConf.create(config_yaml)
    data = OmegaConf.merge(OmegaConf.structured(DataConfig), cfg.data)
    splits = load_splits(data, cfg.task.name)  # type: ignore[arg-type]
    return pd.concat([s.test for s in splits], ignore_index=True)


def add_onnx(model_dir: Path, check: pd.DataFrame) -> dict[str, Any]:
    from quotestance.models import load_model

    model = load_model(model_dir)
    if model.kind != "bert":
        raise QuotestanceError(f"--onnx is for transformer models; this one is {model.kind!r}")
    torch_labels = model.predict(check)
    path = model.export_onnx(model_dir / "model.onnx")  # type: ignore[attr-defined]
    onnx_model = load_model(model_dir)
    onnx_labels = onnx_model.predict(check)
    same = sum(a == b for a, b in zip(torch_labels, onnx_labels, strict=True))
    if same != len(check):
        path.unlink()
        raise QuotestanceError(
            f"ONNX gives other labels than torch on {len(check) - same} of "
            f"{len(check)} test rows; not exported"
        )
    return {"onnx_parity_rows": len(check), "onnx_same_labels": same}


def export(ref: str, out: str | Path, uri: str, force: bool = False, onnx: bool = False) -> Path:
    target = Path(out)
    if target.exists() and not force:
        raise OutputExistsError(target)
    # --force replaces an earlier export, never a folder of something else (a tracking store,
    # a dataset, the user's files)
    if (
        target.exists()
        and not (target / "export.json").is_file()
        and (not target.is_dir() or any(target.iterdir()))
    ):
        raise QuotestanceError(
            f"{target}: exists and is not an exported model folder (no export.json); "
            "choose another --out"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        # mkdtemp makes the folder 0700; give it the mode any other new folder would get
        staging.chmod(new_mode(directory=True))
        folder, run_id = download_model(ref, uri, staging / "download")
        for item in folder.iterdir():
            shutil.move(str(item), staging / item.name)
        shutil.rmtree(staging / "download")
        model_dir = plain_model_dir(staging)
        meta = json.loads((model_dir / "quotestance_model.json").read_text())
        metrics, config = run_record(run_id, uri)
        info: dict[str, Any] = {"run_id": run_id, "source": ref, "kind": meta["kind"]}
        if onnx:
            info.update(add_onnx(model_dir, parity_frame(config)))
        (staging / "labels.json").write_text(
            json.dumps(
                {"labels": meta["labels"], "id2label": dict(enumerate(meta["labels"]))}, indent=2
            )
        )
        (staging / "config.yaml").write_text(config)
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True))
        (staging / "export.json").write_text(json.dumps(info, indent=2))
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("exported %s (run %s) to %s", ref, run_id, target)
    return target
