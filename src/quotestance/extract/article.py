"""Reading an article: plain text or HTML, language, boilerplate and paragraphs.

The text we extract from is exactly the text the user's file holds (for HTML: the article body
extracted from it), so that quote offsets point into something the user can open. Boilerplate
(datelines, author boxes, copyright lines) stays in the text but is marked as excluded.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from quotestance.errors import InputError
from quotestance.lexicon import LANGUAGES, read_table, resource_dir

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
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
        for m in re.finditer(r"[^\n]+", self.text):
            start, end = m.start(), m.end()
            for s, e in sorted(self.excluded):
                if s <= start < e:
                    start = e
                if s < end <= e:
                    end = s
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if end > start and not self.is_excluded(start, end):
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
    for name, pattern in _boilerplate():
        for m in pattern.finditer(text):
            if m.end() > m.start():
                spans.append((m.start(), m.end()))
                for key, value in m.groupdict().items():
                    if value and key not in meta:
                        meta[key] = value.strip()
                if name not in meta:
                    meta.setdefault("boilerplate", "")
                    meta["boilerplate"] = ",".join(x for x in (meta["boilerplate"], name) if x)
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


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "file is empty")
    if b"\x00" in data[:8192]:
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
    return path.name.split(".")[0] if path.name else str(path)


def read_article(path: str | Path, lang: str = "auto") -> Article:
    """Read one article file; every problem is an ``InputError`` naming the file."""
    p = Path(path)
    if p.is_dir():
        raise InputError(p, "is a directory, expected an article file")
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(p, "no such file") from exc
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror})") from exc
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
