"""A Norwegian Bokmål spaCy pipeline trained here on the NDT / NorNE newspaper treebank.

Three steps, each a plain function the CLI, the DVC stage, the benchmark and the tests share:

1. :func:`prepare` reads ``<data-dir>/norne_news_nob/ndt_nob_newspaper/*.conll`` (NDT CoNLL:
   10 tab-separated columns, the NorNE entity in the last one as ``name=B-PER``), leaves out
   every file named in ``RESERVED_FOR_EVALUATION.txt`` without opening it, splits the rest
   by file group (:func:`split_of`) and writes ``train/dev/test.spacy`` DocBins.
2. :func:`train` runs spaCy's own trainer on ``conf/spacy/norwegian.cfg``.
3. :func:`load_norwegian_pipeline` loads the result, or returns None when there is none.

What a token carries (the NDT annotation, kept where spaCy has a place for it):

- ``tag_``: the NDT part of speech (column 4, e.g. ``subst``, ``verb``, ``<komma>``);
- ``pos_``: a Universal POS derived from it (:data:`NDT_UPOS`, ``subst`` + ``prop`` is PROPN,
  a verb with an auxiliary's lemma is AUX, a numeral determiner is NUM);
- ``morph``: UD-style features derived from the NDT features (:data:`NDT_FEATS`; those
  without a UD counterpart, such as ``samset`` or ``<ikke-clb>``, are left out);
- ``lemma_``: the NDT lemma (``$,`` for punctuation becomes ``,``);
- ``head`` and ``dep_``: the NDT tree and function labels (``SUBJ``, ``DOBJ``, ``ADV``, ...),
  with ``ROOT`` for the root as spaCy names it (NDT labels a root FINV, FRAG or INTERJ);
- ``ent_type_``: the NorNE entity, all nine types (PER, ORG, GPE_LOC, GPE_ORG, LOC, PROD,
  EVT, DRV, MISC).

The texts of the treebank are not CC0 (only the annotation is): the DocBins and the model are
derived from them, so both stay out of git (data/interim/ and models/ are ignored).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from quotestance.errors import InputError
from quotestance.io import cache_root

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

CORPUS = Path("norne_news_nob")
CONLL_FOLDER = CORPUS / "ndt_nob_newspaper"
RESERVED_LIST = CORPUS / "RESERVED_FOR_EVALUATION.txt"
INTERIM_DIR = Path("data/interim/norwegian")
MODEL_DIR = Path("models/norwegian")
CONFIG = Path("conf/spacy/norwegian.cfg")
MODEL_ENV = "QUOTESTANCE_NORWEGIAN_MODEL"
SPLITS = ("train", "dev", "test")
# a document is the sentences of one article (a headline starts a new one), at most this many
SENTENCES_PER_DOC = 10
ENTITY_LABELS = ("PER", "ORG", "GPE_LOC", "GPE_ORG", "LOC", "PROD", "EVT", "DRV", "MISC")

# NDT part of speech -> Universal POS (refined by the features and lemma in upos())
NDT_UPOS = {
    "subst": "NOUN",
    "verb": "VERB",
    "adj": "ADJ",
    "adv": "ADV",
    "prep": "ADP",
    "konj": "CCONJ",
    "sbu": "SCONJ",
    "det": "DET",
    "pron": "PRON",
    "inf-merke": "PART",
    "interj": "INTJ",
    "symb": "SYM",
    "ukjent": "X",
    "clb": "PUNCT",
    "<komma>": "PUNCT",
    "<strek>": "PUNCT",
    "<anf>": "PUNCT",
    "<parentes-beg>": "PUNCT",
    "<parentes-slutt>": "PUNCT",
}
AUXILIARIES = frozenset({"være", "ha", "bli", "kunne", "skulle", "ville", "måtte", "burde"})
# NDT feature -> UD feature (several NDT features may fill one UD feature: m/f is Fem,Masc)
NDT_FEATS: dict[str, tuple[tuple[str, str], ...]] = {
    "ent": (("Number", "Sing"),),
    "fl": (("Number", "Plur"),),
    "ub": (("Definite", "Ind"),),
    "be": (("Definite", "Def"),),
    "mask": (("Gender", "Masc"),),
    "fem": (("Gender", "Fem"),),
    "nøyt": (("Gender", "Neut"),),
    "m/f": (("Gender", "Fem"), ("Gender", "Masc")),
    "pres": (("Tense", "Pres"),),
    "pret": (("Tense", "Past"),),
    "inf": (("VerbForm", "Inf"),),
    "imp": (("Mood", "Imp"),),
    "perf-part": (("VerbForm", "Part"),),
    "<perf-part>": (("VerbForm", "Part"),),
    "pos": (("Degree", "Pos"),),
    "komp": (("Degree", "Cmp"),),
    "sup": (("Degree", "Sup"),),
    "nom": (("Case", "Nom"),),
    "akk": (("Case", "Acc"),),
    "gen": (("Case", "Gen"),),
    "1": (("Person", "1"),),
    "2": (("Person", "2"),),
    "3": (("Person", "3"),),
    "pers": (("PronType", "Prs"),),
    "dem": (("PronType", "Dem"),),
    "sp": (("PronType", "Int"),),
    "refl": (("Reflex", "Yes"),),
    "poss": (("Poss", "Yes"),),
    "pass": (("Voice", "Pass"),),
    "fork": (("Abbr", "Yes"),),
}

# spacing rebuilt from the tokens: no space before closing punctuation, none after opening
NO_SPACE_BEFORE = frozenset({",", ".", ":", ";", "!", "?", ")", "]", "}", "»", "”", "...", "…"})
NO_SPACE_AFTER = frozenset({"(", "[", "{", "«", "“", "„"})
STRAIGHT_QUOTES = frozenset({'"', "''"})

_ID = re.compile(r"[1-9][0-9]*")
_SKIPPED_ID = re.compile(r"[0-9]+(-[0-9]+|\.[0-9]+)")  # multiword ranges and empty nodes
_NER = re.compile(r"O|[BI]-[A-Z][A-Z_]*")
_NUMERAL = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Sentence:
    """One CoNLL sentence: per token its form, lemma, NDT tag and features, 1-based head
    (0 for the root), function label and IOB entity tag; ``line`` is its first line."""

    path: str
    line: int
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    tags: tuple[str, ...]
    feats: tuple[str, ...]
    heads: tuple[int, ...]
    deps: tuple[str, ...]
    ner: tuple[str, ...]

    @property
    def is_headline(self) -> bool:
        """NDT marks a headline's closing token with the ``<overskrift>`` feature."""
        return any("<overskrift>" in f.split("|") for f in self.feats)


def read_conll(path: str | Path) -> list[Sentence]:
    """The sentences of one NDT/NorNE CoNLL file; a malformed line is an InputError naming
    the file and the line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read CoNLL file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, "not valid UTF-8", where) from exc
    sentences: list[Sentence] = []
    rows: list[tuple[int, list[str]]] = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            if rows:
                sentences.append(_sentence(path, rows))
                rows = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise InputError(path, f"expected 10 tab-separated columns, found {len(cols)}", number)
        if _SKIPPED_ID.fullmatch(cols[0]):
            continue
        if not _ID.fullmatch(cols[0]) or int(cols[0]) != len(rows) + 1:
            raise InputError(
                path, f"token id {cols[0]!r} where {len(rows) + 1} was expected", number
            )
        if not cols[1]:
            raise InputError(path, "empty word form", number)
        if not cols[6].isdigit():
            raise InputError(path, f"head {cols[6]!r} is not a number", number)
        if cols[7] in ("", "_"):
            raise InputError(path, "no dependency label", number)
        cols[9] = _entity_tag(path, cols[9], number)
        rows.append((number, cols))
    if rows:
        sentences.append(_sentence(path, rows))
    return sentences


def _entity_tag(path: Path, misc: str, number: int) -> str:
    """The IOB tag in the MISC column (``name=B-PER``); no ``name=`` there is O."""
    for part in misc.split("|"):
        if part.startswith("name="):
            tag = part[len("name=") :]
            if not _NER.fullmatch(tag):
                raise InputError(path, f"entity {part!r} is not name=O, B-TYPE or I-TYPE", number)
            return tag
    return "O"


def _sentence(path: Path, rows: list[tuple[int, list[str]]]) -> Sentence:
    for number, cols in rows:
        if int(cols[6]) > len(rows):
            raise InputError(
                path, f"head {cols[6]} points past the sentence's {len(rows)} tokens", number
            )
    cols_ = [cols for _, cols in rows]
    return Sentence(
        path=str(path),
        line=rows[0][0],
        words=tuple(c[1] for c in cols_),
        lemmas=tuple(c[2][1:] if c[2].startswith("$") and len(c[2]) > 1 else c[2] for c in cols_),
        tags=tuple(c[3] for c in cols_),
        feats=tuple(c[5] for c in cols_),
        heads=tuple(int(c[6]) for c in cols_),
        deps=tuple(c[7] for c in cols_),
        ner=tuple(c[9] for c in cols_),
    )


def upos(tag: str, feats: str, lemma: str, word: str) -> str:
    """The Universal POS of an NDT token."""
    parts = feats.split("|")
    if tag == "subst" and "prop" in parts:
        return "PROPN"
    if tag == "verb" and lemma.lower() in AUXILIARIES:
        return "AUX"
    if tag == "det" and "kvant" in parts and _NUMERAL.search(word):
        return "NUM"
    return NDT_UPOS.get(tag, "X")


def ud_morph(tag: str, feats: str) -> str:
    """UD-style features (``Definite=Ind|Gender=Masc|Number=Sing``) from NDT features."""
    found: dict[str, set[str]] = {}
    parts = feats.split("|")
    for part in parts:
        for key, value in NDT_FEATS.get(part, ()):
            found.setdefault(key, set()).add(value)
    if tag == "verb" and ("pres" in parts or "pret" in parts):
        found.setdefault("VerbForm", set()).add("Fin")
        found.setdefault("Mood", set()).add("Ind")
    if tag == "verb" and "imp" in parts:
        found.setdefault("VerbForm", set()).add("Fin")
    return "|".join(f"{key}={','.join(sorted(found[key]))}" for key in sorted(found))


def spaces_for(words: Sequence[str]) -> list[bool]:
    """Whether each token is followed by a space, rebuilt from the tokens alone: none before
    closing punctuation, none after an opening bracket or quote; straight double quotes open
    and close in turn. The last token gets a space (sentences are joined by one)."""
    spaces = [True] * len(words)
    open_quote = False
    for i, word in enumerate(words):
        if word in STRAIGHT_QUOTES:
            if open_quote:  # closing: no space before it
                if i > 0:
                    spaces[i - 1] = False
            elif i + 1 < len(words):  # opening: none after it
                spaces[i] = False
            open_quote = not open_quote
            continue
        if word in NO_SPACE_BEFORE and i > 0:
            spaces[i - 1] = False
        if word in NO_SPACE_AFTER and i + 1 < len(words):
            spaces[i] = False
    return spaces


def _iob(tags: Sequence[str]) -> list[str]:
    """IOB tags spaCy accepts: an I- that does not continue an entity of its type opens one."""
    fixed: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def to_doc(vocab: Vocab, sentences: Sequence[Sentence]) -> Doc:
    """One spaCy Doc of consecutive sentences with every annotation of the treebank."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    values: dict[str, list[Any]] = {
        k: [] for k in ("tags", "pos", "morphs", "lemmas", "heads", "deps", "sent", "ents")
    }
    for sentence in sentences:
        offset = len(words)
        words += sentence.words
        spaces += spaces_for(sentence.words)
        values["tags"] += sentence.tags
        values["lemmas"] += sentence.lemmas
        for i, (word, tag, feats, lemma) in enumerate(
            zip(sentence.words, sentence.tags, sentence.feats, sentence.lemmas, strict=True)
        ):
            values["pos"].append(upos(tag, feats, lemma, word))
            values["morphs"].append(ud_morph(tag, feats))
            head = sentence.heads[i]
            values["heads"].append(offset + head - 1 if head else offset + i)
            values["deps"].append(sentence.deps[i] if head else "ROOT")
            values["sent"].append(i == 0)
        values["ents"] += _iob(sentence.ner)
    if spaces:
        spaces[-1] = False
    return Doc(
        vocab,
        words=words,
        spaces=spaces,
        tags=values["tags"],
        pos=values["pos"],
        morphs=values["morphs"],
        lemmas=values["lemmas"],
        heads=values["heads"],
        deps=values["deps"],
        sent_starts=values["sent"],
        ents=values["ents"],
    )


class Headed(Protocol):
    """A sentence that knows whether it is a headline (this module's and the benchmarks')."""

    @property
    def is_headline(self) -> bool: ...


H = TypeVar("H", bound=Headed)


def documents(
    sentences: Iterable[H], max_sentences: int | None = SENTENCES_PER_DOC
) -> list[list[H]]:
    """Sentences grouped into documents: a headline after running text starts a new one (the
    articles of a file follow one another, each opening with its headline; a run of
    headlines stays together), and a long article is cut every ``max_sentences`` sentences
    (None: never). NDT marks intertitles as headlines too, so a long article may become
    several documents."""
    groups: list[list[H]] = []
    current: list[H] = []
    for sentence in sentences:
        starts = sentence.is_headline and not current[-1].is_headline if current else False
        full = max_sentences is not None and len(current) >= max_sentences
        if current and (starts or full):
            groups.append(current)
            current = []
        current.append(sentence)
    if current:
        groups.append(current)
    return groups


def reserved_names(path: str | Path) -> set[str]:
    """The file names in the reserved list (one a line, ``#`` comments and blanks skipped)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputError(path, "the list of files reserved for evaluation is missing") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the reserved list ({exc})") from exc
    return {Path(s).name for line in lines if (s := line.strip()) and not s.startswith("#")}


def file_group(name: str) -> str:
    """The group of a treebank file, ``ap005`` for ``ap005_0003.conll``: the parts of one
    newspaper batch, whose articles must not be spread over two splits."""
    return Path(name).stem.rsplit("_", 1)[0]


def split_of(group: str) -> str:
    """The split of a file group, a fixed rule on its name alone: the CRC-32 of the name
    modulo 10 is 0 for dev, 1 for test, anything else for train (about 80/10/10 of the
    groups, whole groups and so whole files, the same on every machine)."""
    bucket = zlib.crc32(group.encode("utf-8")) % 10
    return "dev" if bucket == 0 else "test" if bucket == 1 else "train"


def gold_files(path: str | Path) -> set[str]:
    """The NorNE files that hold the articles of a quote gold file (benchmarks/gold/
    norne.jsonl: ``article`` is ``<file>#<index>``): the pipeline is never trained on them,
    so that extraction scored on those articles does not read parses it learned."""
    path = Path(path)
    files: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the gold file ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            files.add(str(json.loads(line)["article"]).split("#", 1)[0])
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(path, f"not a gold line with an 'article' ({exc})", number) from exc
    return files


def split_files(
    conll_dir: str | Path, reserved: set[str], held_out: set[str] | frozenset[str] = frozenset()
) -> dict[str, list[Path]]:
    """The CoNLL files of each split, sorted, without the reserved ones (never opened);
    ``held_out`` files go to test whatever their group's split."""
    folder = Path(conll_dir)
    if not folder.is_dir():
        raise InputError(folder, "no such folder of CoNLL files")
    files = sorted(p for p in folder.glob("*.conll") if p.name not in reserved)
    if not files:
        raise InputError(folder, "no .conll files outside the reserved list")
    splits: dict[str, list[Path]] = {name: [] for name in SPLITS}
    for path in files:
        split = "test" if path.name in held_out else split_of(file_group(path.name))
        splits[split].append(path)
    return splits


def prepare(
    data_dir: str | Path,
    out_dir: str | Path = INTERIM_DIR,
    max_sentences: int = SENTENCES_PER_DOC,
    held_out: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Write ``train/dev/test.spacy`` and ``split.json`` (file names and counts per split)
    into ``out_dir`` from the treebank under ``data_dir``; returns what split.json holds.
    ``held_out`` files (those of the quote gold articles) are test files."""
    import spacy
    from spacy.tokens import DocBin

    data_dir = Path(data_dir)
    out = Path(out_dir)
    reserved = reserved_names(data_dir / RESERVED_LIST)
    splits = split_files(data_dir / CONLL_FOLDER, reserved, held_out)
    nlp = spacy.blank("nb")
    summary: dict[str, Any] = {
        "reserved_files_skipped": len(reserved),
        "held_out_files": sorted(held_out),
        "splits": {},
    }
    out.mkdir(parents=True, exist_ok=True)
    for name in SPLITS:
        docbin = DocBin(store_user_data=False)
        counts: Counter[str] = Counter()
        for path in splits[name]:
            sentences = read_conll(path)
            for group in documents(sentences, max_sentences):
                doc = to_doc(nlp.vocab, group)
                docbin.add(doc)
                counts["docs"] += 1
                counts["sentences"] += len(group)
                counts["tokens"] += len(doc)
                counts["entities"] += len(doc.ents)
        target = out / f"{name}.spacy"
        partial = target.with_name(target.name + ".partial")
        docbin.to_disk(partial)
        partial.replace(target)
        summary["splits"][name] = {"files": [p.name for p in splits[name]], **counts}
    (out / "split.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def train(
    config: str | Path = CONFIG,
    output: str | Path = MODEL_DIR,
    interim: str | Path = INTERIM_DIR,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Train the pipeline of ``config`` on ``interim``'s train.spacy (dev.spacy picks the
    best model) with spaCy's trainer; returns the model-best folder."""
    from spacy.cli.train import train as spacy_train

    interim = Path(interim)
    settings: dict[str, Any] = {
        "paths.train": str(interim / "train.spacy"),
        "paths.dev": str(interim / "dev.spacy"),
    }
    settings.update(overrides or {})
    config = Path(config)
    if not config.is_file():
        raise InputError(config, "no such spaCy config")
    for key in ("paths.train", "paths.dev"):
        if not Path(settings[key]).is_file():
            raise InputError(settings[key], "no such DocBin: run the preparation first")
    spacy_train(config, Path(output), use_gpu=-1, overrides=settings)
    return Path(output) / "model-best"


def model_candidates() -> list[Path]:
    """Where :func:`load_norwegian_pipeline` looks, in order, after the variable
    ``$QUOTESTANCE_NORWEGIAN_MODEL``: ``models/norwegian/model-best`` (from the working
    directory), then ``$QUOTESTANCE_CACHE/norwegian/model-best`` (``~/.cache/quotestance/...``
    without it)."""
    return [MODEL_DIR / "model-best", cache_root() / "norwegian" / "model-best"]


def rules_only() -> bool:
    """``$QUOTESTANCE_NORWEGIAN_MODEL=none``: Norwegian by its rules, whatever is built."""
    return os.environ.get(MODEL_ENV, "").strip().lower() == "none"


def built_pipeline() -> Path | None:
    """The first of :func:`model_candidates` that holds a pipeline, if any."""
    return next((f for f in model_candidates() if (f / "config.cfg").is_file()), None)


def pipeline_folder(path: str | Path | None = None) -> Path | None:
    """The folder :func:`load_norwegian_pipeline` loads: ``path``,
    ``$QUOTESTANCE_NORWEGIAN_MODEL`` or :func:`built_pipeline`; None when there is none or
    the variable says ``none``. A folder named explicitly (argument or variable) that is not
    a spaCy pipeline is an InputError."""
    explicit = path if path is not None else os.environ.get(MODEL_ENV) or None
    if explicit is not None and str(explicit).strip().lower() == "none":
        return None  # asked for the rules alone
    if explicit is None:
        return built_pipeline()
    folder = Path(explicit).expanduser()
    if not (folder / "config.cfg").is_file():
        raise InputError(folder, "not a spaCy pipeline folder (no config.cfg)")
    return folder


def load_norwegian_pipeline(path: str | Path | None = None) -> Language | None:
    """The trained Norwegian pipeline of :func:`pipeline_folder`, or None."""
    import spacy

    folder = pipeline_folder(path)
    return spacy.load(folder) if folder is not None else None
