"""Data for experiments: one table per split with ``text``, ``target``, ``speaker``,
``affiliation`` (the speaker's side: party, country), ``lang``, ``label`` (and ``group``, the
article, debate or source an item came from), and ``target_start``/``target_end``: the
character offsets of the target's mention in ``text``, None where unknown."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import DataConfig
from quotestance.labels import TASKS, labels_for
from quotestance.models.marking import mention_span, quote_span

COLUMNS = [
    "text",
    "target",
    "speaker",
    "affiliation",
    "lang",
    "label",
    "group",
    "id",
    "target_start",
    "target_end",
]


@dataclass
class Split:
    train: pd.DataFrame
    dev: pd.DataFrame
    test: pd.DataFrame
    name: str = "split"


class DataError(QuotestanceError):
    pass


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("speaker", "affiliation", "target"):
        frame[column] = frame[column].astype(object).fillna("")
    for column in ("target_start", "target_end"):  # ints, None where unknown (not NaN)
        frame[column] = pd.Series(
            [None if pd.isna(v) else int(v) for v in frame[column]],
            index=frame.index,
            dtype=object,
        )
    return frame


def _by_group_hash(
    frame: pd.DataFrame, fraction: float, salt: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows by their group (article, source), so that no group is on both sides."""

    def bucket(group: str) -> float:
        return int(hashlib.sha1(f"{salt}:{group}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    mask = frame["group"].map(bucket) < fraction
    if mask.all() or not mask.any():  # too few groups: fall back to rows
        mask = frame["id"].astype(str).map(bucket) < fraction
    return frame[~mask].reset_index(drop=True), frame[mask].reset_index(drop=True)


def _folder(cfg: DataConfig, name: str) -> Path:
    folder = Path(cfg.data_dir) / name
    if not folder.is_dir():
        raise DataError(
            f"{folder}: data folder not found; set data.data_dir=<folder holding {name}/>"
        )
    return folder


# -- the quote dataset ----------------------------------------------------------------------


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 data file; anything else is one error naming the file and line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from exc


def load_quotes(cfg: DataConfig, task: str) -> list[Split]:
    path = Path(cfg.path)
    if not path.exists():
        raise DataError(f"{path}: the quote dataset is not built; run `make data` (dvc repro)")
    column = TASKS[task][0]
    rows = []
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(r, dict) or not {"label_source", "text"} <= set(r):
            raise DataError(f"{path}:{number}: not a row of the quote dataset")
        if r["label_source"] not in cfg.label_sources or not r.get(column):
            continue
        # the mention's offsets are relative to the article; the model's text is the quote
        span = quote_span(
            r.get("segments") or [], r.get("target_start"), r.get("target_end"), r["text"]
        )
        mention = r.get("target_mention")
        if span and mention and r["text"][span[0] : span[1]] != mention:
            span = None
        rows.append(
            {
                "text": r["text"],
                "target": r["target"],
                "speaker": r.get("speaker"),
                "affiliation": r.get("affiliation"),
                "lang": r["lang"],
                "label": r[column],
                "group": r["article_id"],
                "id": r["pair_id"],
                "target_start": span[0] if span else None,
                "target_end": span[1] if span else None,
                "split": r["split"],
                "fold": r["fold"],
            }
        )
    if not rows:
        raise DataError(f"{path}: no rows with a {cfg.label_sources} {column} label")
    frame = pd.DataFrame(rows)
    if cfg.evaluation == "folds":
        splits = []
        for fold in sorted(frame["fold"].unique()):
            test = frame[frame["fold"] == fold]
            train, dev = _by_group_hash(
                frame[frame["fold"] != fold], cfg.dev_fraction, f"fold{fold}"
            )
            splits.append(
                Split(
                    _frame(train.to_dict("records")),
                    _frame(dev.to_dict("records")),
                    _frame(test.to_dict("records")),
                    f"fold{fold}",
                )
            )
        return splits
    parts = {
        s: _frame(frame[frame["split"] == s].to_dict("records")) for s in ("train", "dev", "test")
    }
    return [Split(parts["train"], parts["dev"], parts["test"])]


# -- benchmark data sets --------------------------------------------------------------------

SEMEVAL_LABELS = {"FAVOR": "favor", "AGAINST": "against", "NONE": "neutral"}


def _semeval_file(path: Path) -> list[dict]:
    rows = []
    text = path.read_bytes().decode("cp1252", errors="replace").replace("\r\n", "\n")
    for number, line in enumerate(text.splitlines()[1:], start=2):
        parts = line.split("\t")
        if len(parts) < 4:
            raise DataError(f"{path}:{number}: expected ID, Target, Tweet, Stance columns")
        rows.append(
            {
                "text": parts[2],
                "target": parts[1],
                "speaker": "",
                "lang": "en",
                "label": SEMEVAL_LABELS[parts[3].strip()],
                "group": parts[0],
                "id": f"semeval-{parts[0]}",
            }
        )
    return rows


def load_semeval(cfg: DataConfig, task: str) -> list[Split]:
    if task != "stance":
        raise DataError("data=semeval2016 has stance labels only; use task=stance")
    folder = _folder(cfg, "semeval2016_task6_original")
    train = _frame(_semeval_file(folder / "trainingdata-all-annotations.txt"))
    test = _frame(_semeval_file(folder / "testdata-taskA-all-annotations.txt"))
    train, dev = _by_group_hash(train, cfg.dev_fraction, "semeval")
    return [Split(train, dev, test)]


def load_danish(cfg: DataConfig, task: str) -> list[Split]:
    if task != "stance":
        raise DataError("data=danish has stance labels only; use task=stance")
    path = _folder(cfg, "danish_polstance") / "labelled_quotes.jsonl"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        label = {"favor": "favor", "against": "against", "neutral": "neutral"}.get(
            str(r.get("stance", "")).lower()
        )
        if label is None:
            continue
        rows.append(
            {
                "text": r["quote"],
                "target": r.get("topic", ""),
                "speaker": r.get("politician", ""),
                "affiliation": r.get("party", ""),
                "lang": "da",
                "label": label,
                "group": str(r.get("articleID", r.get("quoteID"))),
                "id": f"da-{r.get('quoteID')}",
            }
        )
    frame = _frame(rows)
    rest, test = _by_group_hash(frame, 0.2, "danish-test")
    train, dev = _by_group_hash(rest, cfg.dev_fraction, "danish-dev")
    return [Split(train, dev, test)]


def load_claimbuster(cfg: DataConfig, task: str) -> list[Split]:
    if task != "checkworthy":
        raise DataError("data=claimbuster has check-worthiness labels; use task=checkworthy")
    folder = _folder(cfg, "claimbuster_ncs")

    def read(name: str) -> pd.DataFrame:
        rows = json.loads((folder / name).read_text(encoding="utf-8"))
        return _frame(
            [
                {
                    "text": r["text"],
                    "target": "",
                    "speaker": "",
                    "lang": "en",
                    "label": labels_for("checkworthy")[int(r["label"])],
                    "group": str(r["sentence_id"]),
                    "id": f"cb-{r['sentence_id']}",
                }
                for r in rows
            ]
        )

    train, dev = _by_group_hash(read("train.json"), cfg.dev_fraction, "claimbuster")
    return [Split(train, dev, read("test.json"))]


def _clef_file(path: Path) -> list[dict]:
    """One CLEF 2019 CheckThat! task 1 debate: line_number TAB speaker TAB sentence TAB label."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise DataError(
                f"{path}:{number}: expected line_number, speaker, sentence and a 0/1 label "
                f"separated by tabs; got {len(fields)} field(s)"
            )
        if fields[3].strip() not in ("0", "1"):
            raise DataError(f"{path}:{number}: the label must be 0 or 1, not {fields[3]!r}")
        line_number, speaker, sentence, label = (f.strip() for f in fields)
        rows.append(
            {
                "text": sentence,
                "target": "",
                "speaker": speaker.title(),
                "lang": "en",
                "label": labels_for("checkworthy")[int(label)],
                "group": path.stem,
                "id": f"clef-{path.stem}-{line_number}",
            }
        )
    return rows


def load_clef2019(cfg: DataConfig, task: str) -> list[Split]:
    """CLEF 2019 CheckThat! task 1: sentences of debates and speeches; train on the 19 training
    debates (dev: whole debates carved from them), test on the 7 annotated test debates."""
    if task != "checkworthy":
        raise DataError("data=clef2019 has check-worthiness labels; use task=checkworthy")
    folder = _folder(cfg, "clef2019_checkthat_task1")

    def read(part: str) -> pd.DataFrame:
        files = sorted((folder / part).glob("*.tsv"))
        if not files:
            raise DataError(f"{folder / part}: no .tsv debate files")
        return _frame([row for path in files for row in _clef_file(path)])

    train, dev = _by_group_hash(read("training"), cfg.dev_fraction, "clef2019")
    return [Split(train, dev, read("test_annotated"))]


# NewsMTSC polarity (the sentence's sentiment toward the target person) as stance
NEWSMTSC_LABELS = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
NEWSMTSC_TEST_SETS = {"rw": "devtest_rw.jsonl", "mt": "devtest_mt.jsonl"}


def _newsmtsc_article(gid: str) -> str:
    """The article of a NewsMTSC id: ``allsides_<story>_<article>_...`` or
    ``polusa_v1_<article>_...`` (the sentence index and the target follow)."""
    return "_".join(gid.split("_")[:3])


def _newsmtsc_file(path: Path) -> list[dict]:
    """One NewsMTSC JSON Lines file: a sentence per line with its targets; a row per target."""
    rows: list[dict] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable UTF-8 file ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(r, dict):
            raise DataError(f"{where}: expected a JSON object with sentence_normalized, targets")
        text, targets, gid = r.get("sentence_normalized"), r.get("targets"), r.get("primary_gid")
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{where}: sentence_normalized is missing or empty")
        if not isinstance(gid, str) or not gid:
            raise DataError(f"{where}: primary_gid is missing")
        if not isinstance(targets, list) or not targets:
            raise DataError(f"{where}: targets must be a non-empty list")
        for k, t in enumerate(targets, 1):
            if not isinstance(t, dict):
                raise DataError(f"{where}: target {k} is not a JSON object")
            polarity = t.get("polarity")
            label = NEWSMTSC_LABELS.get(polarity) if isinstance(polarity, int | float) else None
            if label is None:
                raise DataError(
                    f"{where}: target {k} has polarity {t.get('polarity')!r}; expected 2.0 "
                    "(negative), 4.0 (neutral) or 6.0 (positive)"
                )
            span = mention_span(text, t.get("from"), t.get("to"))
            mention = t.get("mention")
            if span is None or not isinstance(mention, str):
                raise DataError(
                    f"{where}: target {k} needs a mention and from/to offsets inside the "
                    f"sentence (0..{len(text)}), not from={t.get('from')!r} to={t.get('to')!r}"
                )
            if text[span[0] : span[1]] != mention:
                raise DataError(
                    f"{where}: target {k}'s mention {mention!r} is not at {span[0]}:{span[1]} "
                    f"of the sentence ({text[span[0] : span[1]]!r} is)"
                )
            rows.append(
                {
                    "text": text,
                    "target": mention,
                    "speaker": "",
                    "affiliation": "",
                    "lang": "en",
                    "label": label,
                    "group": _newsmtsc_article(gid),
                    "id": f"newsmtsc-{t.get('Input.gid') or f'{gid}-{k}'}",
                    "target_start": span[0],
                    "target_end": span[1],
                }
            )
    return rows


def load_newsmtsc(cfg: DataConfig, task: str) -> list[Split]:
    """NewsMTSC (Hamborg & Donnay, EACL 2021): English news sentences, each target person's
    mention with its offsets and the sentence's polarity toward it (negative, neutral,
    positive read as against, neutral, favor). Train on the official train file, with dev
    carved from it by article (``data.dev_fraction``, hashed article id, so every target of a
    sentence and every sentence of an article fall on one side); test on ``data.test_set``:
    ``rw`` (devtest_rw, the real-world distribution) or ``mt`` (devtest_mt, sentences with
    two or more targets)."""
    if task != "stance":
        raise DataError(
            "data=newsmtsc has stance (sentiment toward a person) labels; use task=stance"
        )
    if cfg.test_set not in NEWSMTSC_TEST_SETS:
        raise DataError(f"data.test_set={cfg.test_set}: rw or mt")
    folder = _folder(cfg, "newsmtsc")

    def read(name: str) -> pd.DataFrame:
        path = folder / name
        if not path.is_file():
            raise DataError(f"{path}: missing; the NewsMTSC folder holds {name}")
        return _frame(_newsmtsc_file(path))

    train, dev = _by_group_hash(read("train.jsonl"), cfg.dev_fraction, "newsmtsc")
    return [Split(train, dev, read(NEWSMTSC_TEST_SETS[cfg.test_set]))]


# the English sets annotated for targets, stance and claim type: source -> folder under data_dir
GOLD_FOLDERS = {"polnear": "polnear", "bbc": "bbc_news_2004_2005"}


def gold_quotes(cfg: DataConfig, split: str) -> pd.DataFrame:
    """The quotes of the hand-annotated articles of one ``split`` (dev or test) with their
    claim types: offsets, names and labels from ``data.gold_dir`` (one row per (quote,
    target), the claim type repeated), the text from the articles under ``data.data_dir``."""
    rows: dict[tuple[str, str, int, int], dict] = {}
    for source, folder_name in GOLD_FOLDERS.items():
        path = Path(cfg.gold_dir) / f"{source}.jsonl"
        if not path.is_file():
            raise DataError(f"{path}: no such gold file; set data.gold_dir")
        folder = _folder(cfg, folder_name)
        texts: dict[str, str] = {}
        for number, line in enumerate(read_lines(path), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                key = (source, r["article"], int(r["quote_start"]), int(r["quote_end"]))
                claim, part = r["claim_type"], r["split"]
            except (ValueError, TypeError, KeyError) as exc:
                raise DataError(f"{path}:{number}: not a gold row ({exc})") from exc
            if claim and claim not in labels_for("claim"):
                raise DataError(f"{path}:{number}: unknown claim type {claim!r}")
            if part != split or not claim:
                continue
            if key in rows:
                if rows[key]["label"] != claim:
                    raise DataError(
                        f"{path}:{number}: claim type {claim!r}, but an earlier row of this "
                        f"quote says {rows[key]['label']!r}"
                    )
                continue
            if key[1] not in texts:
                article = folder / key[1]
                if not article.is_file():
                    raise DataError(f"{path}:{number}: {article}: gold article not found")
                try:
                    with open(article, encoding="utf-8") as handle:  # the offsets' reading
                        texts[key[1]] = handle.read()
                except (OSError, UnicodeDecodeError) as exc:
                    raise DataError(f"{article}: cannot read the gold article ({exc})") from exc
            rows[key] = {
                "text": texts[key[1]][key[2] : key[3]],
                "target": "",
                "speaker": r.get("speaker") or "",
                "lang": "en",
                "label": claim,
                "group": f"{source}/{key[1]}",
                "id": f"{source}/{key[1]}:{key[2]}-{key[3]}",
            }
    return _frame(list(rows.values()))


def claimbuster_claims(cfg: DataConfig) -> pd.DataFrame:
    """ClaimBuster's sentences (train and test files) as claim types: a check-worthy factual
    sentence is a ``fact``; any other takes the claim-type cue rules' label
    (``resources/claim_cues.tsv``, the regex rules: appeal, prediction, opinion) and is an
    ``opinion`` where none matches."""
    from quotestance.dataset.weak import claim_rules

    rules = [(claim, pattern) for _, claim, pattern in claim_rules() if pattern is not None]
    folder = _folder(cfg, "claimbuster_ncs")
    rows = []
    for name in ("train.json", "test.json"):
        path = folder / name
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: not a ClaimBuster JSON list ({exc})") from exc
        for r in items:
            text = r["text"]
            if int(r["label"]) == 1:
                label = "fact"
            else:
                label = next((c for c, p in rules if p.search(text)), "opinion")
            rows.append(
                {
                    "text": text,
                    "target": "",
                    "speaker": "",
                    "lang": "en",
                    "label": label,
                    "group": f"cb-{r['sentence_id']}",
                    "id": f"cb-{r['sentence_id']}",
                }
            )
    return _frame(rows)


def load_news_claim(cfg: DataConfig, task: str) -> list[Split]:
    """Claim type of quotes in news: train on ClaimBuster's sentences read as claim types
    (``claimbuster_claims``) and the gold claim types of the sample articles' quotes (the
    quote dataset, one row per quote); choose on the hand-annotated dev articles and test on
    the test articles (``gold_quotes``)."""
    if task != "claim":
        raise DataError("data=news_claim has claim-type labels; use task=claim")
    quotes_cfg = DataConfig(path=cfg.path, label_sources=list(cfg.label_sources))
    sample = load_quotes(quotes_cfg, "claim")[0]
    quotes = pd.concat([sample.train, sample.dev, sample.test], ignore_index=True)
    quotes = quotes.drop_duplicates("text").assign(target="", target_start=None, target_end=None)
    train = pd.concat([claimbuster_claims(cfg), quotes[COLUMNS]], ignore_index=True)
    return [
        Split(_frame(train.to_dict("records")), gold_quotes(cfg, "dev"), gold_quotes(cfg, "test"))
    ]


LOADERS: dict[str, Callable[[DataConfig, str], list[Split]]] = {
    "quotes": load_quotes,
    "semeval2016": load_semeval,
    "danish": load_danish,
    "claimbuster": load_claimbuster,
    "clef2019": load_clef2019,
    "newsmtsc": load_newsmtsc,
    "news_claim": load_news_claim,
}


def load_splits(cfg: DataConfig, task: str) -> list[Split]:
    """The splits (one, or one per fold) of ``cfg.name`` for ``task``, checked for use."""
    if cfg.name not in LOADERS:
        raise DataError(f"unknown data {cfg.name!r}; expected one of {sorted(LOADERS)}")
    if task not in TASKS:
        raise DataError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    splits = LOADERS[cfg.name](cfg, task)
    for split in splits:
        if cfg.max_train_samples:
            split.train = split.train.head(cfg.max_train_samples)
        if cfg.max_eval_samples:
            split.dev = split.dev.head(cfg.max_eval_samples)
            split.test = split.test.head(cfg.max_eval_samples)
        for part in ("train", "test"):
            if getattr(split, part).empty:
                raise DataError(f"data={cfg.name} ({split.name}): the {part} split is empty")
        if split.train["label"].nunique() < 2:
            raise DataError(
                f"data={cfg.name} ({split.name}): the train split has one class "
                f"({split.train['label'].iloc[0]!r}); a classifier needs two"
            )
        if split.dev.empty:
            split.dev = split.train
    return splits


def dataset_hash(splits: list[Split]) -> str:
    digest = hashlib.sha1()
    for split in splits:
        for part in (split.train, split.dev, split.test):
            digest.update(
                pd.util.hash_pandas_object(
                    part[["text", "target", "label"]], index=False
                ).values.tobytes()
            )
    return digest.hexdigest()[:12]
