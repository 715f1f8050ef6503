import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
# Norwegian extraction by its rules alone, whatever pipeline this checkout has built; the
# tests of the trained pipeline name one explicitly
os.environ.setdefault("QUOTESTANCE_NORWEGIAN_MODEL", "none")

import socket
import time
import urllib.request
from pathlib import Path

import pytest

from quotestance.extract import Quote, extract_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw" / "articles"
FIXTURE = str(ROOT / "tests" / "fixtures" / "quotes_fixture.jsonl")


def tracking(folder: Path | str) -> list[str]:
    """Overrides that keep runs' MLflow store and artifacts inside ``folder``."""
    return [
        f"tracking.uri=sqlite:///{folder}/mlflow.db",
        f"tracking.artifact_root={folder}/artifacts",
    ]


def compose_config(*overrides: str):
    """The train config composed from conf/ with ``overrides``, as train.py composes it."""
    from hydra import compose, initialize_config_dir

    from quotestance.experiments.config import register_configs

    register_configs()
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


@pytest.fixture
def extract(tmp_path):
    """Extract quotes from a text given inline: ``extract(text, lang)``."""
    counter = iter(range(10_000))

    def run(text: str, lang: str = "auto", cues: list[str] | None = None) -> list[Quote]:
        path = tmp_path / f"article{next(counter)}.txt"
        path.write_text(text, encoding="utf-8")
        return extract_file(path, lang, cues=cues)

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


# -- a CLEF 2019 CheckThat! shaped data folder ---------------------------------------------

CLAIMS = [
    "We lost 70,000 factories since China entered the World Trade Organization.",
    "Unemployment among African-Americans is at its lowest level in history.",
    "Ford is moving its small car division to Mexico, thousands of jobs leaving Ohio.",
    "Our trade deficit with China is almost $800 billion a year.",
]
CHATTER = [
    "Thank you very much, everybody.",
    "Well, I think that's a great question.",
    "(APPLAUSE)",
    "Let me say this.",
    "We're going to make America great again.",
    "Good evening from Hofstra University.",
]


def write_debate(path, speaker="TRUMP", claims=2, chatter=6):
    lines, number = [], 0
    for i in range(max(claims, chatter)):
        if i < chatter:
            number += 1
            lines.append(f"{number}\t{speaker}\t{CHATTER[i % len(CHATTER)]}\t0")
        if i < claims:
            number += 1
            lines.append(f"{number}\t{speaker}\t{CLAIMS[i % len(CLAIMS)]}\t1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def clef(tmp_path):
    """A data folder with a CLEF 2019 CheckThat! task 1 shaped set: 8 + 2 debates."""
    folder = tmp_path / "clef2019_checkthat_task1"
    (folder / "training").mkdir(parents=True)
    (folder / "test_annotated").mkdir()
    for i in range(8):
        write_debate(folder / "training" / f"2016{i:04d}_debate.tsv", claims=2 + i % 2)
    write_debate(folder / "test_annotated" / "20190205_trump_state.tsv", claims=3)
    write_debate(folder / "test_annotated" / "20180131_state_union.tsv", "SYSTEM", claims=1)
    return tmp_path
