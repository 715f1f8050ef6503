"""The stance map: reading predictions (JSON lines or CSV), the edges, the per-target tables,
and the interactive page, in a real browser too."""

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURE
from typer.testing import CliRunner

import quotestance.report
from quotestance.cli import app
from quotestance.errors import InputError
from quotestance.io import csv_text, dumps_jsonl
from quotestance.report import read_predictions, write_report

runner = CliRunner()
HOSTILE = '<img src=x onerror="window.pwned=1">'
BREAKOUT = "</script><script>window.pwned2=1</script><!-- not a quote"


def prediction(speaker, target, stance, text, article_id, p, affiliation=None, start=0):
    """One row as ``quotestance predict`` writes it."""
    others = [s for s in ("favor", "against", "neutral") if s != stance]
    probs = {stance: p, others[0]: round((1 - p) / 2, 4), others[1]: round((1 - p) / 2, 4)}
    return {
        "article": f"articles/{article_id}.txt",
        "article_id": article_id,
        "quote_id": f"{article_id}-{start:03d}",
        "pair_id": f"{article_id}-{start:03d}:{target}",
        "lang": "en",
        "kind": "direct",
        "speaker": speaker,
        "speaker_type": "person",
        "affiliation": affiliation,
        "target": target,
        "target_qid": None,
        "text": text,
        "start": start,
        "end": start + len(text),
        "cue": "said",
        "stance": stance,
        "stance_confidence": p,
        **{f"stance_prob_{label}": probs[label] for label in ("favor", "against", "neutral")},
    }


PREDICTIONS = [
    prediction(
        "Maria Lund",
        "Russia",
        "against",
        "Russia is spreading lies about the blast.",
        "a1",
        0.91,
        "Norway",
    ),
    prediction(
        "Maria Lund",
        "Russia",
        "against",
        "We will not accept threats from Moscow.",
        "a2",
        0.84,
        "Norway",
        120,
    ),
    prediction(
        "Liu Xiaoming",
        "United States",
        "against",
        "Washington is meddling in our affairs.",
        "a3",
        0.77,
        "China",
    ),
    prediction(
        "Jens Dahl",
        "Japan",
        "favor",
        "Tokyo has been a steady partner.",
        "a1",
        0.66,
        "Norway",
        300,
    ),
    prediction(HOSTILE, "Japan", "neutral", BREAKOUT, "a4", 0.52),
]
SKIPPED = [
    {**PREDICTIONS[0], "target": None, "quote_id": "a1-900"},
    {**PREDICTIONS[0], "stance": None, "quote_id": "a1-901"},
]


def write(tmp_path, rows, name="predictions.jsonl"):
    path = tmp_path / name
    path.write_text(dumps_jsonl(rows), encoding="utf-8")
    return path


def page_data(folder: Path) -> dict:
    page = (folder / "stance_map.html").read_text(encoding="utf-8")
    found = re.search(r"<script type='application/json' id='stance-data'>(.*?)</script>", page)
    assert found
    return json.loads(found.group(1))


def edge_quotes(data: dict, speaker: str, target: str) -> list[dict]:
    for e in data["edges"]:
        if (data["speakers"][e["s"]]["name"], data["targets"][e["t"]]["name"]) == (
            speaker,
            target,
        ):
            return [data["quotes"][q] for q in e["quotes"]]
    raise AssertionError(f"no edge {speaker} -> {target}")


# -- the built dataset (its map of the sample articles: tests/test_serving.py) ----------


def test_the_dataset_has_no_probabilities_and_the_page_shows_none(tmp_path):
    write_report(FIXTURE, tmp_path / "report")
    data = page_data(tmp_path / "report")
    quotes = edge_quotes(data, "Anna Berg", "China")
    assert quotes and all("p" not in q and "probs" not in q for q in quotes)
    assert all(q["article_id"].startswith("fx_") and q["text"] for q in quotes)


# -- the page ------------------------------------------------------------------------------


def test_the_page_holds_each_edge_with_its_quotes_and_probabilities(tmp_path):
    found = write_report(write(tmp_path, PREDICTIONS), tmp_path / "report")
    assert found == {"pairs": 5, "edges": 4, "targets": 3, "skipped": 0}
    data = page_data(tmp_path / "report")
    lund = edge_quotes(data, "Maria Lund", "Russia")
    assert [(q["text"], q["article_id"], q["stance"], q["p"]) for q in lund] == [
        ("Russia is spreading lies about the blast.", "a1", "against", 0.91),
        ("We will not accept threats from Moscow.", "a2", "against", 0.84),
    ]
    assert lund[0]["probs"] == {"favor": 0.045, "against": 0.91, "neutral": 0.045}
    sides = {s["name"]: s["side"] for s in data["speakers"]}
    assert sides == {
        "Liu Xiaoming": "China",
        "Jens Dahl": "Norway",
        "Maria Lund": "Norway",
        HOSTILE: "unaffiliated",
    }
    # grouped by affiliation, the unaffiliated last
    assert [s["name"] for s in data["speakers"]] == [
        "Liu Xiaoming",
        "Jens Dahl",
        "Maria Lund",
        HOSTILE,
    ]


def test_the_page_is_self_contained_and_nothing_in_a_quote_breaks_out(tmp_path):
    write_report(write(tmp_path, PREDICTIONS), tmp_path / "report")
    page = (tmp_path / "report" / "stance_map.html").read_text(encoding="utf-8")
    # offline: no URL but the SVG namespace, every image inline
    assert set(re.findall(r"https?://[^\s'\"<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert re.findall(r"\bsrc=['\"]?([a-z]+:)", page) == ["data:"]
    assert "<link rel='stylesheet'" not in page and "@import" not in page
    # one data element, one script; the quote's </script> and <!-- are escaped in the JSON
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert BREAKOUT not in page and "<!--" not in page and HOSTILE not in page
    assert "&lt;img src=x onerror=" in page  # in the tables, escaped
    assert BREAKOUT in [q["text"] for q in page_data(tmp_path / "report")["quotes"]]
    # the script sets text, never markup
    script = page.rsplit("<script>", 1)[1]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


# -- targets.md and edges.csv --------------------------------------------------------------


def test_targets_md_has_no_raw_html(tmp_path):
    rows = [
        prediction(HOSTILE, "<script>alert(1)</script>", "against", "x", "a1", 0.9),
        prediction("Ann | Bo [x](javascript:alert(1))", "Japan", "favor", "y", "a1", 0.8),
    ]
    write_report(write(tmp_path, rows), tmp_path / "report")
    markdown = (tmp_path / "report" / "targets.md").read_text(encoding="utf-8")
    assert "<" not in markdown and ">" not in markdown
    assert "## &lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in markdown
    # a "|" in a name does not add a column, a [..](..) is no link
    assert all(line.count("|") == 6 for line in markdown.splitlines() if line.startswith("|"))
    assert "[x](" not in markdown and "&#91;x&#93;(javascript" in markdown


def test_edges_csv_neutralises_formulas_and_is_written_atomically(tmp_path, monkeypatch):
    written = []
    real = quotestance.report.atomic_write_text

    def spy(path, text, **kw):
        written.append(Path(path).name)
        return real(path, text, **kw)

    monkeypatch.setattr(quotestance.report, "atomic_write_text", spy)
    names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCr", "'=kept"]
    rows = [
        prediction(name, f"{name} target", "against", "q", "a1", 0.9, start=i)
        for i, name in enumerate(names)
    ]
    write_report(write(tmp_path, rows), tmp_path / "report")
    assert "edges.csv" in written
    text = (tmp_path / "report" / "edges.csv").read_bytes().decode("utf-8")
    # a cell with a bare CR: a leading apostrophe, whether or not the cell is quoted
    assert re.search('^"?unaffiliated"?,"?\'\rCr"?,', text, re.MULTILINE)
    table = [r for r in csv.DictReader(io.StringIO(text, newline="")) if "\r" not in r["speaker"]]
    assert sorted(r["speaker"] for r in table) == sorted("'" + n for n in names if "\r" not in n)
    assert all(r["target"].startswith("'") for r in table)
    assert {r["count"] for r in table} == {"1"}


# -- reading -------------------------------------------------------------------------------


def test_report_reads_the_csv_that_predict_writes(tmp_path):
    rows = [*PREDICTIONS, prediction("=cmd|' /C calc'!A0", "-Russia", "against", "+x", "a5", 0.7)]
    path = tmp_path / "predictions.csv"
    path.write_text(csv_text(pd.DataFrame(rows).astype(object)), encoding="utf-8")
    assert path.read_text().count("'=cmd") == 1  # neutralised on the way out
    frame, skipped = read_predictions(path)
    assert skipped == 0
    assert list(frame["speaker"]) == [r["speaker"] for r in rows]
    assert list(frame["target"]) == [r["target"] for r in rows]
    assert pd.isna(frame["affiliation"].iloc[-1]) and frame["side"].iloc[-1] == "unaffiliated"
    assert frame["stance_prob_against"].tolist() == [r["stance_prob_against"] for r in rows]
    found = write_report(path, tmp_path / "report")
    assert found["pairs"] == 6 and found["edges"] == 5
    data = page_data(tmp_path / "report")
    assert [q["p"] for q in edge_quotes(data, "=cmd|' /C calc'!A0", "-Russia")] == [0.7]
    assert [q["text"] for q in edge_quotes(data, "=cmd|' /C calc'!A0", "-Russia")] == ["+x"]


def test_rows_without_a_target_or_a_stance_are_skipped_and_counted(tmp_path):
    found = write_report(write(tmp_path, PREDICTIONS + SKIPPED), tmp_path / "report")
    assert found["pairs"] == 5 and found["skipped"] == 2
    page = (tmp_path / "report" / "stance_map.html").read_text(encoding="utf-8")
    assert "2 rows without a speaker, a target or a stance left out" in page


BAD_INPUTS = {
    "empty.jsonl": (b"", "no predictions"),
    "blank.jsonl": (b"\n  \n", "no predictions"),
    "header_only.csv": (b"speaker,target,stance\n", "no predictions"),
    "binary.jsonl": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
    "latin1.csv": ("speaker,target,stance\nJosé,Japan,favor\n".encode("latin-1"), "not UTF-8"),
    "nulls.jsonl": (
        dumps_jsonl(
            [{**PREDICTIONS[0], "target": None}, {**PREDICTIONS[1], "stance": None}]
        ).encode(),
        "no rows with a speaker, a target and a stance",
    ),
    "semicolons.csv": (
        b"speaker;target;stance;text\nAnn;Japan;favor;Yes, indeed, yes.\n",
        "expected comma-separated values",
    ),
    "columns.csv": (b"speaker,text\nAnn,hello\n", "missing ['stance', 'target']"),
    "array.jsonl": (b"[1, 2]\n", "not a JSON object"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_a_bad_predictions_file_gets_one_line_naming_it(tmp_path, name):
    content, message = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)):
        read_predictions(path)
    result = runner.invoke(app, ["report", str(path), "--out", str(tmp_path / "report")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "report").exists()


# -- in a real browser ---------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
]


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install chromium chromium-driver"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the dev extra)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def click_line(driver, edge) -> None:
    """A mouse click on the line itself, near its speaker (where lines cross least)."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    edge.location_once_scrolled_into_view  # noqa: B018 (scrolls)
    x, y = driver.execute_script(
        "const path = arguments[0].querySelector('path.line');"
        "const pt = path.getPointAtLength(path.getTotalLength() * 0.12);"
        "const m = path.getScreenCTM();"
        "return [m.a * pt.x + m.c * pt.y + m.e, m.b * pt.x + m.d * pt.y + m.f];",
        edge,
    )
    hit = "return document.elementFromPoint(arguments[0], arguments[1]).closest('g.edge')"
    assert driver.execute_script(hit, x, y) == edge
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(round(x), round(y))
    actions.pointer_action.click()
    actions.perform()


def severe(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.slow
def test_click_an_edge_and_read_its_quotes_in_chromium(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    write_report(write(tmp_path, PREDICTIONS), tmp_path / "report")
    browser.get((tmp_path / "report" / "stance_map.html").as_uri())
    assert severe(browser) == []

    edges = {
        (e.get_attribute("data-speaker"), e.get_attribute("data-target")): e
        for e in browser.find_elements(By.CSS_SELECTOR, "#map g.edge")
    }
    assert len(edges) == 4
    panel = browser.find_element(By.ID, "panel")

    def shown():
        return [q.text for q in panel.find_elements(By.CSS_SELECTOR, "li.quote blockquote")]

    click_line(browser, edges[("Maria Lund", "Russia")])
    assert panel.find_element(By.TAG_NAME, "h2").text == "Maria Lund → Russia"
    assert shown() == [
        "Russia is spreading lies about the blast.",
        "We will not accept threats from Moscow.",
    ]
    assert "p(against) = 0.91" in panel.text and "a1" in panel.text and "a2" in panel.text
    assert "Washington" not in panel.text

    # by keyboard: the other edge, Enter
    edges[("Liu Xiaoming", "United States")].send_keys(Keys.ENTER)
    assert shown() == ["Washington is meddling in our affairs."]
    assert "Russia is spreading" not in panel.text and "p(against) = 0.77" in panel.text

    # a hostile name and quote are text: shown as typed, nothing runs, no element made
    labels = browser.find_elements(By.CSS_SELECTOR, "#map g.node.speaker text")
    assert [label.text for label in labels][-1] == HOSTILE
    click_line(browser, edges[(HOSTILE, "Japan")])
    assert panel.find_element(By.TAG_NAME, "h2").text == f"{HOSTILE} → Japan"
    assert shown() == [BREAKOUT]
    assert browser.execute_script(
        "return [typeof window.pwned, typeof window.pwned2,"
        " document.querySelectorAll('img[src=\"x\"]').length,"
        " document.querySelectorAll('script').length]"
    ) == ["undefined", "undefined", 0, 2]
    assert severe(browser) == []


def test_a_probability_that_is_not_a_number_is_one_line(tmp_path):
    rows = [{**PREDICTIONS[0], "stance_prob_against": "high"}]
    with pytest.raises(InputError, match="stance_prob_against must be a number, not 'high'"):
        write_report(write(tmp_path, rows), tmp_path / "report")
