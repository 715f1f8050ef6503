"""The Norwegian evaluation articles: how an article is cut from NorNE and how its text is built.

    python benchmarks/norne.py [--data-dir ../shared/data] [--out data/interim/norne_articles]

The NDT/NorNE newspaper files hold the sentences of several articles one after another
(``norne_news_nob/sentences.derived.jsonl``: one line per sentence with ``file``,
``sent_idx``, ``text`` and ``is_headline``). Here:

- **An article** is a run of one file's sentences (in ``sent_idx`` order): a headline
  sentence that follows a non-headline sentence starts a new article, so a run of headlines
  (title, photo credit, byline) stays with the body after it. The sentences of a file before
  its first headline (the end of an article begun in the file before) are that file's article
  0. NDT marks intertitles as headlines too, so a long article with intertitles becomes several
  articles here.
- **Its id** is ``<file>#<index>``, the index counting the articles of the file from 0
  (``ap001_0001.conll#2``); **its text** is the sentences' ``text`` joined by "\\n", with a
  final "\\n". The texts are the tokens joined by spaces as the corpus gives them (``" Portal "
  -skaper``), unchanged, so the gold offsets are character offsets into exactly this string.
- **The files reserved for evaluation** (``RESERVED_FOR_EVALUATION.txt``) are skipped by
  name before a line is decoded: their sentences are never parsed, cut or selected.
- **The selection** (benchmarks/gold/SELECTION.md): every article sorted by the SHA-256 hex
  digest of its id, taking in that order those with a quote marker (a sentence starting with
  "- " or "– ", or containing « or "), the first 15 for test and the next 40 for dev (the
  second 20 of those were added to dev later, by the same rule).

:func:`materialise` writes the chosen articles as UTF-8 .txt files outside git (default
``data/interim/norne_articles/``, ignored), one per article, named ``<file stem>-<index>.txt``.
The texts stay under their own licence: never commit them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quotestance.norwegian_model import documents, reserved_names

CORPUS = Path("norne_news_nob")
SENTENCES = CORPUS / "sentences.derived.jsonl"
RESERVED_LIST = CORPUS / "RESERVED_FOR_EVALUATION.txt"
OUT_DIR = Path("data/interim/norne_articles")
SIZES: tuple[tuple[str, int], ...] = (("test", 15), ("dev", 60))
DASHES = ("- ", "– ")
QUOTE_MARKS = ("«", '"')
NEWSPAPERS = {
    "ap": "Aftenposten",
    "bt": "Bergens Tidende",
    "db": "Dagbladet",
    "kk": "Klassekampen",
    "sp": "Sunnmørsposten",
    "vg": "VG",
}
_FILE_FIELD = re.compile(r'\{\s*"file"\s*:\s*"([^"\\]*)"')


@dataclass(frozen=True)
class Sentence:
    file: str
    index: int
    text: str
    is_headline: bool


@dataclass(frozen=True)
class Article:
    file: str
    index: int
    sentences: tuple[Sentence, ...]

    @property
    def id(self) -> str:
        return f"{self.file}#{self.index}"

    @property
    def text(self) -> str:
        return article_text(self.sentences)

    @property
    def newspaper(self) -> str:
        return newspaper_of(self.file)

    @property
    def filename(self) -> str:
        return f"{Path(self.file).stem}-{self.index}.txt"


def newspaper_of(file: str) -> str:
    """The newspaper code of a NorNE file or article id: ``sp`` for ``sp-bm001_0003.conll``."""
    return Path(file.split("#", 1)[0]).name[:2]


def read_sentences(path: Path, reserved: Iterable[str] = ()) -> dict[str, list[Sentence]]:
    """Each file's sentences in ``sent_idx`` order, the reserved files skipped by name before
    their lines are decoded."""
    skip = set(reserved)
    files: dict[str, list[Sentence]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            m = _FILE_FIELD.match(line)
            if m and m.group(1) in skip:
                continue
            row = json.loads(line)
            if row["file"] in skip:
                continue
            files.setdefault(row["file"], []).append(
                Sentence(row["file"], int(row["sent_idx"]), row["text"], bool(row["is_headline"]))
            )
    for sentences in files.values():
        sentences.sort(key=lambda s: s.index)
    return files


def cut_articles(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    """One file's sentences cut into articles: a headline after a non-headline sentence starts
    a new one (the pipeline's documents, uncapped)."""
    return documents(sentences, max_sentences=None)


def article_text(sentences: Iterable[Sentence]) -> str:
    """The sentences' text joined by newlines, with a final newline."""
    return "".join(s.text + "\n" for s in sentences)


def has_quote_marker(article: Article) -> bool:
    """A sentence that starts with a dash ("- ", "– ") or holds « or "."""
    return any(
        s.text.startswith(DASHES) or any(m in s.text for m in QUOTE_MARKS)
        for s in article.sentences
    )


def files(data_dir: Path) -> dict[str, list[Sentence]]:
    """Each NorNE file not reserved for evaluation, with its sentences in order."""
    return read_sentences(data_dir / SENTENCES, reserved_names(data_dir / RESERVED_LIST))


def write_files(sentences_of: dict[str, list[Sentence]], out_dir: Path) -> list[Path]:
    """One text per file (its sentences as lines, as :func:`article_text` joins them) in
    ``out_dir``, named by the file's stem: the whole of each file, for timing runs."""
    paths = []
    for name, sentences in sentences_of.items():
        path = out_dir / f"{Path(name).stem}.txt"
        path.write_text(article_text(sentences), encoding="utf-8")
        paths.append(path)
    return paths


def all_articles(data_dir: Path) -> list[Article]:
    """Every article of the files not reserved for evaluation, in file order."""
    out: list[Article] = []
    for file, sentences in sorted(files(data_dir).items()):
        for i, group in enumerate(cut_articles(sentences)):
            out.append(Article(file, i, tuple(group)))
    return out


def sort_key(article_id: str) -> str:
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def select(
    articles: Iterable[Article], sizes: Sequence[tuple[str, int]] = SIZES
) -> dict[str, list[Article]]:
    """SELECTION.md's rule: by the SHA-256 of the article id, those with a quote marker, the
    first ``sizes[0][1]`` for the first split, the next for the next."""
    ordered = sorted(articles, key=lambda a: sort_key(a.id))
    wanted = sum(n for _, n in sizes)
    chosen: list[Article] = []
    for a in ordered:
        if len(chosen) == wanted:
            break
        if has_quote_marker(a):
            chosen.append(a)
    out: dict[str, list[Article]] = {}
    for split, n in sizes:
        out[split], chosen = chosen[:n], chosen[n:]
    return out


def materialise(articles: Iterable[Article], out_dir: Path = OUT_DIR) -> dict[str, Path]:
    """Write each article's text to ``out_dir/<file stem>-<index>.txt``; the paths by id."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for a in articles:
        path = out_dir / a.filename
        data = a.text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[a.id] = path
    return paths


def chosen(data_dir: Path, out_dir: Path = OUT_DIR) -> dict[str, list[tuple[Article, Path]]]:
    """The selected articles of each split, materialised, with their paths."""
    splits = select(all_articles(data_dir))
    paths = materialise([a for arts in splits.values() for a in arts], out_dir)
    return {split: [(a, paths[a.id]) for a in arts] for split, arts in splits.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    for split, items in chosen(args.data_dir, args.out).items():
        for a, path in items:
            print(f"{split}\t{a.id}\t{len(a.sentences)} sentences\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
