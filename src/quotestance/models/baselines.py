"""Baselines: the majority class, and TF-IDF (word + char n-grams) with a linear model.

The TF-IDF model is target-aware: besides the words of the quote it sees each word paired with
the target ("united_states|concerned"), so the same sentence can get a different stance toward
China and toward the United States. With ``use_speaker`` it also sees who speaks and for which
side ("speaker__naser_khader", "affiliation__venstre"); with ``mark_target``, the words left
and right of the target's mention ("L1__condemned", "R1__over"), so two targets of one sentence
differ. Saved with skops (no arbitrary pickled code on load).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import ModelConfig
from quotestance.models.base import EpochCallback, QuoteModel, speakers
from quotestance.models.marking import context_words, spans

WORD = re.compile(r"\w+", re.UNICODE)

# The types beyond skops' own trusted defaults that our TF-IDF models save (the SVM's
# calibration); a file naming any other type is refused before anything in it is built.
# tests/test_security.py checks this list against the types of fresh saves of every variant.
TRUSTED_TYPES = frozenset(
    {
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
)


def _key(value: str) -> str:
    return re.sub(r"\W+", "_", value.lower()).strip("_")


def target_words(frame: pd.DataFrame) -> pd.Series:
    """The quote's words, each also prefixed with the target: target-specific weights."""

    def row(text: str, target: str) -> str:
        key = _key(target) or "none"
        words = [w.lower() for w in WORD.findall(text)]
        return " ".join([*words, *(f"{key}__{w}" for w in words), f"target__{key}"])

    return pd.Series(
        [row(t, g) for t, g in zip(frame["text"], frame["target"], strict=True)], index=frame.index
    )


def speaker_words(frame: pd.DataFrame) -> pd.Series:
    """A token for the speaker and one for the affiliation ("unknown" where not known)."""
    return pd.Series(
        [
            f"speaker__{_key(s) or 'unknown'} affiliation__{_key(a) or 'unknown'}"
            for s, a in speakers(frame)
        ],
        index=frame.index,
    )


class MajorityModel(QuoteModel):
    kind = "majority"

    def fit(
        self,
        train: pd.DataFrame,
        dev: pd.DataFrame,
        seed: int,
        on_epoch: EpochCallback | None = None,
    ) -> None:
        counts = train["label"].value_counts()
        self.prior = np.array([counts.get(label, 0) for label in self.labels], dtype=float)
        self.prior /= self.prior.sum()

    def _proba(self, frame: pd.DataFrame, **options: Any) -> np.ndarray:
        best = np.zeros(len(self.labels))
        best[int(self.prior.argmax())] = 1.0
        return np.tile(best, (len(frame), 1))

    def _save(self, folder: Path) -> None:
        np.save(folder / "prior.npy", self.prior)

    @classmethod
    def _load(cls, folder: Path, cfg: ModelConfig, labels: tuple[str, ...]) -> QuoteModel:
        model = cls(cfg, labels)
        model.prior = np.load(folder / "prior.npy")
        return model


class TfidfModel(QuoteModel):
    kind = "tfidf"
    FILE = "model.skops"

    def _inputs(self, frame: pd.DataFrame) -> pd.DataFrame:
        words = target_words(frame) if self.cfg.target_aware else frame["text"].str.lower()
        if self.cfg.mark_target:
            around = [
                " ".join(context_words(str(t), span))
                for t, span in zip(frame["text"], spans(frame), strict=True)
            ]
            words = pd.Series(
                [f"{w} {a}".rstrip() for w, a in zip(words, around, strict=True)],
                index=frame.index,
            )
        inputs = pd.DataFrame({"words": words.values, "text": frame["text"].values})
        if self.cfg.use_speaker:
            inputs["who"] = speaker_words(frame).values
        return inputs

    def fit(
        self,
        train: pd.DataFrame,
        dev: pd.DataFrame,
        seed: int,
        on_epoch: EpochCallback | None = None,
    ) -> None:
        w_lo, w_hi = self.cfg.word_ngrams
        c_lo, c_hi = self.cfg.char_ngrams
        features = ColumnTransformer(
            [
                (
                    "word",
                    TfidfVectorizer(
                        ngram_range=(w_lo, w_hi), sublinear_tf=True, min_df=1, token_pattern=r"\S+"
                    ),
                    "words",
                ),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(c_lo, c_hi),
                        sublinear_tf=True,
                        min_df=1,
                        lowercase=True,
                    ),
                    "text",
                ),
                *(
                    [("who", CountVectorizer(binary=True, token_pattern=r"\S+"), "who")]
                    if self.cfg.use_speaker
                    else []
                ),
            ]
        )
        if self.cfg.classifier == "svm":
            clf = CalibratedClassifierCV(
                LinearSVC(C=self.cfg.C, class_weight="balanced", random_state=seed),
                cv=min(3, int(train["label"].value_counts().min())) or 2,
            )
        else:
            clf = LogisticRegression(
                C=self.cfg.C, class_weight="balanced", max_iter=2000, random_state=seed
            )
        self.pipeline = Pipeline([("features", features), ("clf", clf)])
        self.pipeline.fit(self._inputs(train), train["label"])

    def _proba(self, frame: pd.DataFrame, **options: Any) -> np.ndarray:
        proba = self.pipeline.predict_proba(self._inputs(frame))
        classes = list(self.pipeline.classes_)
        out = np.zeros((len(frame), len(self.labels)))
        for j, label in enumerate(self.labels):
            if label in classes:
                out[:, j] = proba[:, classes.index(label)]
        return out

    def _save(self, folder: Path) -> None:
        import skops.io as sio

        sio.dump(self.pipeline, folder / self.FILE)

    @classmethod
    def _load(cls, folder: Path, cfg: ModelConfig, labels: tuple[str, ...]) -> QuoteModel:
        import skops.io as sio

        path = folder / cls.FILE
        if not path.is_file():
            raise QuotestanceError(f"{path}: missing; the model folder is incomplete")
        try:
            untrusted = sio.get_untrusted_types(file=path)
        except Exception as exc:  # a truncated or foreign file: zipfile, JSON or skops errors
            raise QuotestanceError(f"{path}: not a readable skops model ({exc})") from exc
        refused = sorted(set(untrusted) - TRUSTED_TYPES)
        if refused:
            raise QuotestanceError(
                f"{path}: refuses to load type(s) a quotestance model never saves: "
                f"{', '.join(refused)}"
            )
        model = cls(cfg, labels)
        try:
            model.pipeline = sio.load(path, trusted=sorted(set(untrusted)))
        except Exception as exc:
            raise QuotestanceError(f"{path}: not a readable skops model ({exc})") from exc
        if not hasattr(model.pipeline, "predict_proba"):
            raise QuotestanceError(f"{path}: holds no classifier with predict_proba")
        return model
