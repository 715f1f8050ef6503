"""Which encoder to fine-tune for stance in news, cheaply: frozen mean-pooled sentence
embeddings (target mention in brackets, as ``model.mark_target`` gives it) and a logistic
regression, trained on the first N NewsMTSC training rows, scored on the dev split carved from
train and on devtest_rw. Minutes of CPU, not a fine-tuning run.

    python benchmarks/newsmtsc_encoders.py --train-samples 1500
"""

from __future__ import annotations

import time
from typing import Annotated

import numpy as np
import typer

from quotestance.evaluation import metrics
from quotestance.experiments.config import DataConfig
from quotestance.experiments.data import load_splits
from quotestance.labels import labels_for
from quotestance.models.marking import marked_texts
from quotestance.models.transformer import resolve_pretrained

ENCODERS = {"minilm": ("all-MiniLM-L6-v2", ""), "e5": ("multilingual-e5-small", "query: ")}


def embed(name: str, texts: list[str], batch_size: int = 64, max_length: int = 128) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    pretrained, prefix = ENCODERS[name]
    folder = resolve_pretrained(pretrained)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, add_pooling_layer=False).eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(
                [prefix + t for t in texts[start : start + batch_size]],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.concatenate(out)


def main(
    train_samples: Annotated[int, typer.Option(help="First N training rows.")] = 1500,
    encoders: Annotated[str, typer.Option(help="Comma-separated: minilm, e5.")] = "minilm,e5",
    data_dir: Annotated[str, typer.Option(help="Folder holding newsmtsc/.")] = "../shared/data",
) -> None:
    from sklearn.linear_model import LogisticRegression

    labels = labels_for("stance")
    split = load_splits(DataConfig(name="newsmtsc", data_dir=data_dir), "stance")[0]
    train = split.train.head(train_samples)
    parts = {"train": train, "dev": split.dev, "devtest_rw": split.test}
    for name in encoders.split(","):
        began = time.perf_counter()
        vectors = {k: embed(name, marked_texts(frame)) for k, frame in parts.items()}
        clf = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
        clf.fit(vectors["train"], train["label"])
        scores = {
            k: metrics(list(parts[k]["label"]), list(clf.predict(vectors[k])), labels)["macro_f1"]
            for k in ("dev", "devtest_rw")
        }
        typer.echo(
            f"{name}: dev macro-F1 {scores['dev']:.3f}, devtest_rw macro-F1 "
            f"{scores['devtest_rw']:.3f} ({len(train)} train rows, "
            f"{time.perf_counter() - began:.0f} s)"
        )


if __name__ == "__main__":
    typer.run(main)
