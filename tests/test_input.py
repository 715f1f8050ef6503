"""Reading articles: HTML, boilerplate, language, and every kind of bad file."""

import json

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from quotestance.cli import app
from quotestance.errors import InputError
from quotestance.extract import extract_file, read_article

runner = CliRunner()


def test_html_body_is_extracted(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Envoy speaks</title></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Envoy speaks</h1>"
        "<p>“We are concerned about the US’ intention to use Korean peninsula issues as a tool "
        "for containing China,” Special Representative Liu Xiaoming told AFP in Paris.</p>"
        "<p>Tensions have been rising over recent weeks across the Korean peninsula, with "
        "the North carrying out a string of missile tests.</p></article>"
        "<footer>Copyright 2023 Example News. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    article = read_article(page)
    assert "Home | World" not in article.text
    quotes = extract_file(page)
    assert [q.speaker for q in quotes] == ["Liu Xiaoming"]
    assert article.text[quotes[0].start : quotes[0].end] == quotes[0].text


def test_dateline_is_metadata_and_author_box_is_excluded():
    article = read_article(SAMPLES / "000_19a6ae6c093676fb.txt")
    assert article.metadata["date"] == "2023-04-15"
    assert article.metadata["place"] == "PARIS"
    other = read_article(SAMPLES / "001_f65c8cd2c888a781.txt")
    assert other.is_excluded(
        other.text.index("View all posts"), other.text.index("View all posts") + 4
    )


def test_language_is_detected_per_article():
    assert read_article(SAMPLES / "000_19a6ae6c093676fb.txt").lang == "en"
    assert read_article(SAMPLES / "002_7a163f6565026dd5.txt").lang == "no"


def test_unsupported_language_is_a_clear_error(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text(
        "Der Außenminister sagte am Freitag, die Lage sei sehr ernst und "
        "man müsse schnell handeln, um eine Eskalation zu verhindern.",
        "utf-8",
    )
    with pytest.raises(InputError, match=r"de.txt: detected language 'de'"):
        read_article(path)
    assert read_article(path, "en").lang == "en"  # --lang forces one


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\x00\x01\x02binary", "looks binary"),
        (b"caf\xe9 au lait\n", "not valid UTF-8"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_article(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_undecodable_file_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"first line\nsecond \xff line\n")
    with pytest.raises(InputError, match=r"bad.txt:2: not valid UTF-8"):
        read_article(path)


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(InputError, match=r"locked.txt: cannot read file \(Permission denied\)"):
        read_article(path)


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_article(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")


def test_cli_goes_on_after_bad_files_and_exits_non_zero(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = tmp_path / "quotes.jsonl"
    result = runner.invoke(
        app, ["extract", str(bad), str(SAMPLES / "002_7a163f6565026dd5.txt"), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert f"error: {bad}: file is empty" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and {r["article_id"] for r in rows} == {"002_7a163f6565026dd5"}
    required = {
        "quote_id",
        "article_id",
        "lang",
        "kind",
        "text",
        "start",
        "end",
        "speaker",
        "speaker_mention",
        "speaker_type",
        "affiliation",
        "cue",
        "sentence",
    }
    assert required <= set(rows[0])


def test_cli_writes_stdout_and_refuses_to_overwrite(tmp_path):
    result = runner.invoke(app, ["extract", str(SAMPLES / "000_19a6ae6c093676fb.txt")])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 9
    out = tmp_path / "quotes.jsonl"
    out.write_text("my notes\n")
    result = runner.invoke(
        app, ["extract", str(SAMPLES / "000_19a6ae6c093676fb.txt"), "--out", str(out)]
    )
    assert result.exit_code == 1 and "--force" in result.output
    assert out.read_text() == "my notes\n"
    result = runner.invoke(
        app, ["extract", str(SAMPLES / "000_19a6ae6c093676fb.txt"), "--out", str(out), "--force"]
    )
    assert result.exit_code == 0 and out.read_text().count("\n") == 9


def test_write_is_atomic(tmp_path, monkeypatch):
    from quotestance import io

    target = tmp_path / "quotes.jsonl"
    target.write_text("old\n")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "replace", boom)
    with pytest.raises(OSError):
        io.write_jsonl([{"a": 1}], target)
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "extract" in result.output
