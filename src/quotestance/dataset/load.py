"""Loading the built dataset with Hugging Face ``datasets``: a DatasetDict by split, the labels
as ``ClassLabel`` features (-1 where a pair has no label of that kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quotestance.errors import InputError
from quotestance.labels import CLAIM_TYPES, STANCES

DEFAULT_PATH = Path("data/processed/quotes.jsonl")


def load_quote_dataset(
    path: str | Path = DEFAULT_PATH, label_sources: tuple[str, ...] = ("gold", "weak", "none")
) -> Any:
    """``DatasetDict`` with one split per value of the ``split`` column (train/dev/test)."""
    from datasets import ClassLabel, DatasetDict, load_dataset

    file = Path(path)
    if not file.exists():
        raise InputError(file, "no built dataset here; run `dvc repro` (or `make data`) first")
    data = load_dataset("json", data_files=str(file), split="train")
    data = data.filter(lambda row: row["label_source"] in label_sources)

    def encode(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "stance": STANCES.index(row["stance"]) if row["stance"] else -1,
            "claim_type": CLAIM_TYPES.index(row["claim_type"]) if row["claim_type"] else -1,
        }

    data = data.map(encode)
    features = data.features.copy()
    features["stance"] = ClassLabel(names=list(STANCES))
    features["claim_type"] = ClassLabel(names=list(CLAIM_TYPES))
    data = data.cast(features)
    return DatasetDict(
        {
            split: data.filter(lambda row, s=split: row["split"] == s)
            for split in ("train", "dev", "test")
        }
    )
