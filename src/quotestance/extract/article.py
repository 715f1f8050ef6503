"""Reading an article: plain text or HTML, language, boilerplate and paragraphs.

The text we extract from is exactly the text the user's file holds (for HTML: the article body
extracted from it), so that quote offsets point into something the user can open. Boilerplate
(datelines, author boxes, copyright lines) stays in the text but is marked as excluded.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from quotestance.errors import InputError, QuotestanceError
from quotestance.extract.marks import Spans
from quotestance.lexicon import LANGUAGES, read_table, resource_dir

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# The largest article file read, in bytes. A very long news feature is around 100 KB of text
# (20,000 words); 2 MB is twenty times that, and an article that size takes about a minute and
# under 1 GB of memory in English (spaCy's parse; 10 s and about 100 MB in Norwegian) on one
# core. Anything larger is almost surely not one article (a dump, a log, a mistaken path) and
# is refused before it is read. Raise it with ``max_bytes=`` or the environment variable below.
MAX_ARTICLE_BYTES = 2_000_000
MAX_BYTES_VARIABLE = "QUOTESTANCE_MAX_ARTICLE_BYTES"
# Byte-order marks we decode by, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Languages whose news uses the Scandinavian conventions (dash quotes, V2 attribution).
SCANDINAVIAN = {"no", "nb", "nn", "da", "sv"}


@dataclass
class Article:
    article_id: str
    path: str
    text: str
    lang: str
    metadata: dict[str, str] = field(default_factory=dict)
    excluded: list[tuple[int, int]] = field(default_factory=list)

    def is_excluded(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.excluded)

    def paragraphs(self) -> list[tuple[int, int]]:
        """Non-empty line spans outside the excluded boilerplate, trimmed of whitespace."""
        spans: list[tuple[int, int]] = []
        excluded = sorted(self.excluded)
        index = Spans(excluded)
        for m in re.finditer(r"[^\n]+", self.text):
            start, end = m.start(), m.end()
            # only boilerplate that overlaps the line can move its ends while it is kept
            for i in index.overlapping(start, end):
                s, e = excluded[i]
                if s <= start < e:
                    start = e
                if s < end <= e:
                    end = s
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if end > start and not index.overlaps(start, end):
                spans.append((start, end))
        return spans


@functools.cache
def _boilerplate() -> list[tuple[str, re.Pattern[str]]]:
    path = resource_dir() / "boilerplate.tsv"
    rules = []
    for number, (name, pattern) in read_table(path, ("name", "regex")):
        try:
            rules.append((name, re.compile(pattern)))
        except re.error as exc:
            raise InputError(path, f"bad regex for {name!r}: {exc}", number) from exc
    return rules


def find_boilerplate(text: str) -> tuple[list[tuple[int, int]], dict[str, str]]:
    spans: list[tuple[int, int]] = []
    meta: dict[str, str] = {}
    names: list[str] = []  # "boilerplate": every rule that matched, once per match
    for name, pattern in _boilerplate():
        for m in pattern.finditer(text):
            if m.end() > m.start():
                spans.append((m.start(), m.end()))
                for key, value in m.groupdict().items():
                    if value and key not in meta:
                        meta[key] = value.strip()
                if name not in meta:
                    if not names:
                        names.append(meta.setdefault("boilerplate", ""))
                    names.append(name)
    if names:
        meta["boilerplate"] = ",".join(x for x in names if x)
    return sorted(spans), meta


def detect_language(text: str) -> str:
    """ISO code as py3langid reports it (``en``, ``no``, ``da``, ...)."""
    import py3langid

    lang, _score = py3langid.classify(text[:5000])
    return str(lang)


def resolve_language(text: str, requested: str, path: str) -> str:
    if requested != "auto":
        if requested not in LANGUAGES:
            raise InputError(path, f"unsupported --lang {requested!r}; use en, no or auto")
        return requested
    detected = detect_language(text)
    if detected == "en":
        return "en"
    if detected in SCANDINAVIAN:
        return "no"
    raise InputError(
        path, f"detected language {detected!r} is not supported (en, no); pass --lang to force one"
    )


def _decode_bom(data: bytes, path: str) -> str | None:
    """Text with a UTF-16 or UTF-32 byte-order mark, decoded (the mark dropped); else None."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
                raise InputError(
                    path, f"not valid {name} (bad bytes at offset {exc.start})", line
                ) from exc
            if not text.strip():
                raise InputError(path, "file is empty")
            if "\x00" in text[:8192]:
                raise InputError(path, f"file looks binary (NUL characters in its {name} text)")
            return text
    return None


def _looks_utf16(data: bytes) -> bool:
    """Mostly NUL bytes at every other position: UTF-16 text without a byte-order mark."""
    head = data[:4096]
    if len(head) < 8:
        return False
    half = len(head) // 2
    return max(head[0::2].count(0), head[1::2].count(0)) >= 0.8 * half


def decode(data: bytes, path: str) -> str:
    text = _decode_bom(data, path)
    if text is not None:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if not data.strip():
        raise InputError(path, "file is empty")
    if b"\x00" in data[:8192]:
        if _looks_utf16(data):
            raise InputError(
                path,
                "file looks like UTF-16 text without a byte-order mark; "
                "save it as UTF-8 (or as UTF-16 with a BOM)",
            )
        raise InputError(path, "file looks binary (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str, path: str) -> tuple[str, dict[str, str]]:
    import trafilatura

    body = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not body or not body.strip():
        raise InputError(path, "no article text found in the HTML")
    meta: dict[str, str] = {}
    doc = trafilatura.extract_metadata(html)
    if doc is not None:
        for key in ("title", "date", "author", "sitename", "url"):
            value = getattr(doc, key, None)
            if value:
                meta[key] = str(value)
    return body, meta


def article_id_for(path: Path) -> str:
    """The file name up to its first dot; leading dots (hidden files) do not count."""
    return path.name.lstrip(".").split(".")[0] or path.name or str(path)


def max_article_bytes(max_bytes: int | None = None) -> int:
    """The size limit: ``max_bytes`` if given, else $QUOTESTANCE_MAX_ARTICLE_BYTES, else
    ``MAX_ARTICLE_BYTES``."""
    if max_bytes is None:
        raw = os.environ.get(MAX_BYTES_VARIABLE, "").strip()
        if not raw:
            return MAX_ARTICLE_BYTES
        try:
            max_bytes = int(raw)
        except ValueError:
            max_bytes = 0
        if max_bytes < 1:
            raise QuotestanceError(
                f"{MAX_BYTES_VARIABLE} must be a whole number of bytes above 0, not {raw!r}"
            )
    if max_bytes < 1:
        raise QuotestanceError(f"the article size limit must be above 0 bytes, not {max_bytes}")
    return max_bytes


FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _too_big(p: Path, size: int | None, limit: int) -> InputError:
    has = f"{size:,} bytes" if size is not None else f"more than {limit:,} bytes"
    return InputError(
        p,
        f"file has {has}, over the {limit:,}-byte limit for one article; "
        f"raise it with --max-bytes or {MAX_BYTES_VARIABLE}",
    )


def read_bytes(p: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; no more than ``limit + 1`` are
    read, and a FIFO or device is refused without waiting on it."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer (no effect on a regular file)
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise InputError(p, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(p, "is a directory, expected an article file") from exc
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror})") from exc
    try:
        mode = os.fstat(fd)
        if stat.S_ISDIR(mode.st_mode):
            raise InputError(p, "is a directory, expected an article file")
        if not stat.S_ISREG(mode.st_mode):
            kind = next((name for test, name in FILE_KINDS if test(mode.st_mode)), "")
            raise InputError(
                p, f"not a regular file{f' ({kind})' if kind else ''}, expected an article file"
            )
        if mode.st_size > limit:
            raise _too_big(p, mode.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror})") from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew after we looked at its size
        raise _too_big(p, None, limit)
    return data


def read_article(path: str | Path, lang: str = "auto", max_bytes: int | None = None) -> Article:
    """Read one article file; every problem is an ``InputError`` naming the file.

    ``max_bytes`` caps the file's size (default: $QUOTESTANCE_MAX_ARTICLE_BYTES, else
    ``MAX_ARTICLE_BYTES``); a larger file is refused without being read.
    """
    p = Path(path)
    data = read_bytes(p, max_article_bytes(max_bytes))
    text = decode(data, str(p))
    meta: dict[str, str] = {}
    if p.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    ):
        text, meta = html_to_text(text, str(p))
    if not text.strip():
        raise InputError(p, "file has no text")
    excluded, found = find_boilerplate(text)
    meta.update({k: v for k, v in found.items() if k not in meta})
    article = Article(
        article_id=article_id_for(p),
        path=str(p),
        text=text,
        lang="",
        metadata=meta,
        excluded=excluded,
    )
    paragraphs = article.paragraphs()
    if not paragraphs:
        raise InputError(p, "file has no article text outside boilerplate")
    first_start, first_end = paragraphs[0]
    first = text[first_start:first_end]
    if len(paragraphs) > 1 and not re.search(r"[.!?:»”\"]$", first) and len(first) < 200:
        meta.setdefault("title", first)
    body = " ".join(text[s:e] for s, e in paragraphs)
    article.lang = resolve_language(body, lang, str(p))
    return article
