"""The Norwegian pipeline (models/norwegian/model-best) on its test split, beside anchors.

    python benchmarks/norwegian_pipeline.py --data-dir ../shared/data [--model DIR]

The test split is rebuilt from the NDT/NorNE files under --data-dir by the same fixed rule
the training used (quotestance.norwegian_model.split_of; the reserved files are never read),
so the numbers belong to the files the model never saw. spaCy's own scorer
(Language.evaluate) compares the pipeline's analysis of the raw text (its own tokenizer, as
`spacy evaluate` does) with the gold annotation: NDT tag and derived UPOS accuracy, UD-style
morphology and lemma accuracy, UAS/LAS over the NDT functions, and NorNE entity P/R/F1
overall and per type. Speed is nlp.pipe over the test texts in this process (set
OMP_NUM_THREADS=1 for a one-thread figure). Prints Markdown tables and writes them to
reports/norwegian_pipeline.md; nothing from the texts is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from quotestance import norwegian_model as nm
from quotestance.errors import QuotestanceError
from quotestance.io import atomic_write_text

# spaCy's nb_core_news_sm 3.8.0, "performance" in explosion/spacy-models
# meta/nb_core_news_sm-3.8.0.json (scored on the UD Norwegian Bokmål 2.8 test split with UD
# POS and relations, NorNE entities): a different split and label set, so an anchor only
NB_CORE_NEWS_SM = {
    "tag_acc": 0.9672,
    "pos_acc": 0.9672,
    "morph_acc": 0.9525,
    "lemma_acc": 0.9677,
    "dep_uas": 0.8813,
    "dep_las": 0.8478,
    "sents_f": 0.9263,
    "ents_p": 0.7561,
    "ents_r": 0.7399,
    "ents_f": 0.7479,
    "speed": 10827.0,
}
NB_SOURCE = "https://github.com/explosion/spacy-models/blob/master/meta/nb_core_news_sm-3.8.0.json"
ROWS = [
    ("NDT tag accuracy (tag_)", "tag_acc"),
    ("UPOS accuracy (pos_)", "pos_acc"),
    ("morphology accuracy (UD-style features)", "morph_acc"),
    ("lemma accuracy", "lemma_acc"),
    ("UAS", "dep_uas"),
    ("LAS", "dep_las"),
    ("sentence F1", "sents_f"),
    ("entities precision", "ents_p"),
    ("entities recall", "ents_r"),
    ("entities F1", "ents_f"),
]


def test_docs(data_dir: Path, vocab: Any) -> list[Any]:
    """The gold Docs of the test split, rebuilt from the CoNLL files in memory."""
    reserved = nm.reserved_names(data_dir / nm.RESERVED_LIST)
    files = nm.split_files(data_dir / nm.CONLL_FOLDER, reserved)["test"]
    docs = []
    for path in files:
        for group in nm.documents(nm.read_conll(path)):
            docs.append(nm.to_doc(vocab, group))
    return docs


def evaluate(nlp: Any, gold: list[Any]) -> tuple[dict[str, Any], float, int]:
    """spaCy's scores of ``nlp`` on ``gold``, its words per second and the word count."""
    from spacy.training import Example

    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
    scores = nlp.evaluate(examples)
    texts = [doc.text for doc in gold]
    words = sum(len(doc) for doc in gold)
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return scores, words / (time.perf_counter() - start), words


def folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}"


def report(scores: dict[str, Any], speed: float, words: int, gold: list[Any], model: Path) -> str:
    per_type = scores.get("ents_per_type") or {}
    support: Counter[str] = Counter(e.label_ for doc in gold for e in doc.ents)
    lines = [
        "# Norwegian pipeline on its test split",
        "",
        f"Model `{model}` ({folder_mib(model):.1f} MiB); test split: {len(gold)} documents, "
        f"{sum(len(list(d.sents)) for d in gold)} sentences, {words} words, "
        f"{sum(support.values())} entities (NDT/NorNE Bokmål newspaper files, split by file "
        "group, reserved files left out). Raw text through the pipeline's own tokenizer.",
        "",
        "| metric | ours (NDT labels, our test split) "
        "| nb_core_news_sm 3.8.0 (UD labels, UD test) |",
        "|---|---|---|",
    ]
    for label, key in ROWS:
        lines.append(f"| {label} | {fmt(scores.get(key))} | {fmt(NB_CORE_NEWS_SM.get(key))} |")
    lines += [
        f"| speed, words/s | {speed:,.0f} | {NB_CORE_NEWS_SM['speed']:,.0f} (their machine) |",
        "",
        f"nb_core_news_sm: `performance` in {NB_SOURCE} (trained and scored on UD Norwegian "
        "Bokmål 2.8 and NorNE, so a different split, tag set and relation set: an anchor, "
        "not a like-for-like comparison). NorNE paper (Jørgensen et al., LREC 2020): its "
        "Bokmål NER F1 could not be retrieved here, so no number is given for it.",
        "",
        "## Entities per type",
        "",
        "| type | gold in test | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for label in nm.ENTITY_LABELS:
        got = per_type.get(label, {})
        lines.append(
            f"| {label} | {support.get(label, 0)} | {fmt(got.get('p'))} | {fmt(got.get('r'))} "
            f"| {fmt(got.get('f'))} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=nm.MODEL_DIR / "model-best")
    parser.add_argument("--out", type=Path, default=Path("reports/norwegian_pipeline.md"))
    args = parser.parse_args(argv)
    try:
        nlp = nm.load_norwegian_pipeline(args.model)
        assert nlp is not None  # an explicit folder either loads or raises
        gold = test_docs(args.data_dir, nlp.vocab)
    except QuotestanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    scores, speed, words = evaluate(nlp, gold)
    text = report(scores, speed, words, gold, args.model)
    print(text)
    atomic_write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
