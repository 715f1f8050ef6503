import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from pathlib import Path

import pytest

from quotestance.extract import Quote, extract_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw" / "articles"


@pytest.fixture
def extract(tmp_path):
    """Extract quotes from a text given inline: ``extract(text, lang)``."""
    counter = iter(range(10_000))

    def run(text: str, lang: str = "auto") -> list[Quote]:
        path = tmp_path / f"article{next(counter)}.txt"
        path.write_text(text, encoding="utf-8")
        return extract_file(path, lang)

    return run


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, [(q.kind, q.text, q.speaker) for q in quotes]
    return quotes[0]
