"""Reading articles: HTML, boilerplate, language, and every kind of bad file."""

import codecs
import json
import os
import signal
from pathlib import Path

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from quotestance.cli import app
from quotestance.errors import InputError, QuotestanceError
from quotestance.extract import extract_file, extract_files, read_article

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
    real_open = os.open

    def denied(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
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


# -- hostile and careless input --------------------------------------------------------------


@pytest.fixture
def hang_guard():
    """Fail a test that blocks (reading a FIFO) instead of letting it hang the suite."""

    def blocked(signum, frame):
        raise TimeoutError("read_article blocked")

    old = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_waiting(tmp_path, hang_guard):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe.txt: not a regular file \(a FIFO\)") as info:
        read_article(fifo)
    assert "\n" not in str(info.value)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null here")
def test_device_is_refused(hang_guard):
    with pytest.raises(InputError, match=r"/dev/null: not a regular file \(a character device\)"):
        read_article("/dev/null")


def test_size_limit_default_keyword_and_environment(tmp_path, monkeypatch):
    from quotestance.extract.article import MAX_ARTICLE_BYTES, max_article_bytes

    text = "“We will win this seat and the next one,” Mr Smith said on Tuesday.\n"
    path = tmp_path / "long.txt"
    path.write_text(text * 20, encoding="utf-8")
    size = path.stat().st_size
    assert MAX_ARTICLE_BYTES >= 1_000_000 and max_article_bytes() == MAX_ARTICLE_BYTES
    assert read_article(path, "en").text == text * 20
    with pytest.raises(InputError) as info:
        read_article(path, "en", max_bytes=size - 1)
    message = str(info.value)
    assert message.startswith(f"{path}: file has {size:,} bytes, over the {size - 1:,}-byte limit")
    assert "--max-bytes" in message and "QUOTESTANCE_MAX_ARTICLE_BYTES" in message
    assert "\n" not in message
    assert read_article(path, "en", max_bytes=size).text == text * 20
    assert extract_file(path, "en", max_bytes=size)
    with pytest.raises(InputError, match="limit"):
        extract_file(path, "en", max_bytes=100)
    [(_, quotes, error)] = extract_files([path], "en", max_bytes=100)
    assert quotes is None and "100-byte limit" in str(error)

    monkeypatch.setenv("QUOTESTANCE_MAX_ARTICLE_BYTES", "100")
    with pytest.raises(InputError, match="100-byte limit"):
        read_article(path, "en")
    assert read_article(path, "en", max_bytes=size).text  # the keyword wins
    monkeypatch.setenv("QUOTESTANCE_MAX_ARTICLE_BYTES", "lots")
    with pytest.raises(QuotestanceError, match="QUOTESTANCE_MAX_ARTICLE_BYTES must be"):
        read_article(path, "en")
    with pytest.raises(QuotestanceError, match="QUOTESTANCE_MAX_ARTICLE_BYTES must be"):
        list(extract_files([path, path], "en"))


def test_oversized_file_is_never_read_whole(tmp_path, monkeypatch):
    """A file that says it is small (as /proc files do) is still read only to the limit."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 100_000)
    real_fstat, real_read = os.fstat, os.read
    read = []

    def small_fstat(fd):
        st = real_fstat(fd)
        return os.stat_result(
            (
                st.st_mode,
                st.st_ino,
                st.st_dev,
                st.st_nlink,
                st.st_uid,
                st.st_gid,
                0,
                st.st_atime,
                st.st_mtime,
                st.st_ctime,
            )
        )

    def counted_read(fd, n):
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "fstat", small_fstat)
    monkeypatch.setattr(os, "read", counted_read)
    with pytest.raises(InputError, match=r"more than 1,000 bytes, over the 1,000-byte limit"):
        read_article(path, "en", max_bytes=1000)
    assert sum(read) <= 1001


def test_paragraph_longer_than_spacy_takes_is_parsed_in_pieces(tmp_path, monkeypatch):
    from quotestance.extract import english

    nlp = english.load_nlp()
    monkeypatch.setattr(nlp, "max_length", 2000)
    lines = [f'"We will win seat {i} next year," Mr Smith{i % 7} said. ' for i in range(120)]
    path = tmp_path / "one_line.txt"
    path.write_text("".join(lines).strip() + "\n", encoding="utf-8")
    text = read_article(path, "en").text
    assert len(text) > 2 * nlp.max_length
    quotes = extract_file(path, "en")
    assert len(quotes) == len(lines)
    assert all(text[q.start : q.end] == q.text for q in quotes)
    assert [q.speaker for q in quotes] == [f"Smith{i % 7}" for i in range(120)]


def test_pieces_end_at_sentence_ends():
    from quotestance.extract.english import pieces

    text = "One short sentence. Another one here! " * 10 + "x" * 60 + " tail"
    for limit in (25, 50, 100, 1000):
        spans = pieces(text, 0, len(text), limit)
        assert all(0 < e - s <= limit for s, e in spans)
        # nothing lost: between two pieces there is only the whitespace they were cut at
        edges = [0, *(p for span in spans for p in span), len(text)]
        assert all(not text[a:b].strip() for a, b in zip(edges[::2], edges[1::2], strict=True))
    assert [text[s:e] for s, e in pieces(text, 0, 60, 50)] == [
        "One short sentence. Another one here!",
        "One short sentence. An",
    ]
    assert pieces(text, 5, 40) == [(5, 40)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, encoding):
    text = (
        "Envoy speaks\n\n“We are concerned about the US’ intention,” Special Representative "
        "Liu Xiaoming told AFP in Paris.\r\nTensions have been rising for weeks.\n"
    )
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text(text, encoding="utf-8")
    other = tmp_path / "other.txt"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    other.write_bytes(bom + text.encode(encoding))
    article = read_article(other)
    assert article.text == read_article(utf8).text == text.replace("\r\n", "\n")
    quotes = extract_file(other)
    assert [q.speaker for q in quotes] == ["Liu Xiaoming"]
    assert [(q.start, q.end, q.text) for q in quotes] == [
        (q.start, q.end, q.text) for q in extract_file(utf8)
    ]
    assert article.text[quotes[0].start : quotes[0].end] == quotes[0].text


def test_utf16_problems_are_named(tmp_path):
    no_bom = tmp_path / "nobom.txt"
    no_bom.write_bytes("Plain words in a file saved as UTF-16.\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark"):
        read_article(no_bom)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(
        codecs.BOM_UTF16_LE + "line one\nline two\n".encode("utf-16-le") + b"\x00\xd8"
    )
    with pytest.raises(InputError, match=r"broken.txt:3: not valid UTF-16"):
        read_article(broken)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"))
    with pytest.raises(InputError, match="file is empty"):
        read_article(empty)


@pytest.mark.parametrize(
    ("name", "article_id"),
    [
        (".hidden.txt", "hidden"),
        ("..two.dots.txt", "two"),
        ("001.txt", "001"),
        ("story.en.txt", "story"),
        ("000_19a6ae6c093676fb.txt", "000_19a6ae6c093676fb"),
        ("README", "README"),
    ],
)
def test_article_ids(tmp_path, name, article_id):
    path = tmp_path / name
    path.write_text("“We will win this seat and the next one,” Mr Smith said on Tuesday.\n")
    assert read_article(path, "en").article_id == article_id
    assert {q.article_id for q in extract_file(path, "en")} == {article_id}


def test_a_file_name_with_a_newline_stays_one_line(tmp_path):
    from quotestance.extract.article import read_article

    path = tmp_path / "bad\nname.txt"
    path.write_text("")
    with pytest.raises(InputError) as error:
        read_article(path)
    assert "\n" not in str(error.value) and "file is empty" in str(error.value)
