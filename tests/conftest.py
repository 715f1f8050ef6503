import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import socket
import time
import urllib.request
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    """Poll ``url`` until it answers or ``seconds`` pass (a server starting up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.5)
