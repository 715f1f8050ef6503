"""Extraction time grows linearly with the number of quotes in an article.

The work test counts the Python calls the extraction code makes (generator steps included, so
a scan over every quote for every token counts as what it is) on an article and on one twice
as long: linear code doubles the count, a scan per quote quadruples it. The slow test is a
hang guard on a long article in each language.
"""

import signal
import sys
from pathlib import Path

import pytest

import quotestance.extract
from quotestance.extract import extract_file

EXTRACT_CODE = str(Path(quotestance.extract.__file__).parent)
PLAIN = {
    "en": [
        "The committee met on Tuesday to discuss the budget.",
        "Officials in London said the talks were expected to continue next week.",
        "Prime Minister Tony Blair warned that the economy was slowing.",
    ],
    "no": [
        "Komiteen møttes tirsdag for å diskutere budsjettet.",
        "Statsminister Jonas Gahr Støre mener at økonomien bremser opp.",
        "Ifølge NTB skal samtalene fortsette neste uke.",
    ],
}


def quote_line(lang: str, i: int) -> str:
    if lang == "en":
        return f'"We will win seat {i}," Mr Smith{i % 7} said.'
    if i % 2:
        return f"– Vi skal vinne sete nummer {i}, sier hun."
    return f"«Vi skal vinne sete nummer {i}», sa Hansen{i % 7}."


def article(lang: str, quotes: int, plain: bool = True) -> str:
    """A headline, then ``quotes`` quote lines, each followed by a plain sentence."""
    lines = ["Election campaign heats up" if lang == "en" else "Valgkampen er i gang", ""]
    for i in range(quotes):
        lines.append(quote_line(lang, i))
        if plain:
            lines.append(PLAIN[lang][i % 3])
    return "\n".join(lines) + "\n"


def calls_to_extract(path: Path, lang: str) -> tuple[int, int]:
    """(Python calls inside quotestance.extract, quotes found) for one article."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call" and frame.f_code.co_filename.startswith(EXTRACT_CODE):
            count += 1

    sys.setprofile(profile)
    try:
        quotes = extract_file(path, lang)
    finally:
        sys.setprofile(None)
    return count, len(quotes)


@pytest.mark.parametrize("lang", ["en", "no"])
def test_work_grows_linearly_with_quotes(tmp_path, lang):
    work = {}
    for n in (200, 400):
        path = tmp_path / f"{lang}_{n}.txt"
        path.write_text(article(lang, n), encoding="utf-8")
        work[n], found = calls_to_extract(path, lang)
        assert found >= n
    # linear: 2.0 (a scan over all quotes per quote gives well over 3 at these sizes)
    assert work[400] / work[200] < 2.3, work


@pytest.mark.parametrize(
    ("lang", "quotes", "seconds"),
    [
        # one free core: about 16 s, spaCy's parse most of it (a scan per quote: over 2 min)
        ("en", 10_000, 60),
        ("no", 6000, 30),  # about 1.5 s (a scan per quote: over a minute)
    ],
)
@pytest.mark.slow
def test_long_article_finishes(tmp_path, lang, quotes, seconds):
    path = tmp_path / f"{lang}.txt"
    path.write_text(article(lang, quotes, plain=False), encoding="utf-8")

    def too_slow(signum, frame):
        raise TimeoutError(f"{quotes} quotes took over {seconds} s")

    old = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(seconds)
    try:
        found = extract_file(path, lang)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert len(found) == quotes
