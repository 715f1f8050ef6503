"""A battery of hostile and careless inputs, each run as a user would run it, with a tally.

Every case is built in a fresh folder under one temporary root (the repository's data/,
mlruns/ and models/ are never touched: what a case needs is copied into its folder, and every
command runs with that folder as its working directory and its own tracking store). A tiny
TF-IDF model (and, for the transformer cases, a tiny BERT) is trained once with
``python train.py debug=smoke`` on the test fixture and exported with ``quotestance export``;
each model case damages a copy of it.

Each command runs as a subprocess in a process group of its own, with a timeout; the group
is killed when the command ends or times out, so nothing is left running. The outcome is one
of:

- **clean**: the exit status is the expected one and, for bad input, stderr carries one error
  line naming the file or key, no traceback, and none of the user's files (inputs, gold
  labels, existing --out files, model folders: hashed before and after) changed; for good
  input, exit 0 with the right output;
- **traceback**: a Python traceback, or an error that takes more than one line;
- **hang**: the command ran past its timeout;
- **data loss**: a file the user had changed or vanished (without --force, or with --force
  where the file was one of the command's own inputs);
- **security**: code from an input ran (a marker file appeared), or a formula cell reached a
  CSV, or raw HTML reached targets.md or stance_map.html;
- **wrong**: none of the above, but the exit status or the output is not what it should be.

    python benchmarks/hostile.py                 # every case; writes reports/hostile.md
    python benchmarks/hostile.py --only model    # one area (repeatable); prints only
    python benchmarks/hostile.py --list          # the cases, without running them
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PY = sys.executable
QS = [PY, "-m", "quotestance"]
TRAIN = [PY, str(ROOT / "train.py")]
SAMPLES = ROOT / "data" / "raw" / "articles"
GOLD = ROOT / "data" / "annotations" / "gold.jsonl"
FIXTURE = ROOT / "tests" / "fixtures" / "quotes_fixture.jsonl"
SAMPLE_EN = "000_19a6ae6c093676fb.txt"
SAMPLE_NO = "002_7a163f6565026dd5.txt"
REPORT = ROOT / "reports" / "hostile.md"
TIMEOUT = 60.0

NEW_ARTICLE = (
    "Foreign Minister Maria Lund accused Russia of spreading lies about the pipeline blast.\n"
    "“We will not accept threats against our neighbours,” Lund told reporters in Oslo.\n"
)
LIU = (
    "Envoy speaks\n\n“We are concerned about the US’ intention,” Special Representative "
    "Liu Xiaoming told AFP in Paris.\r\nTensions have been rising for weeks.\n"
)
HOSTILE = '<img src=x onerror="window.pwned=1">'
BREAKOUT = "</script><script>window.pwned2=1</script><!-- not a quote"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

OUTCOMES = ("clean", "traceback", "hang", "data loss", "security", "wrong")


# -- running -------------------------------------------------------------------------------


@dataclass
class Result:
    rc: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False


_RUNNING: set[int] = set()


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MLFLOW_TRACKING_URI", "QUOTESTANCE_MAX_ARTICLE_BYTES")
    }
    env.update(
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        PATH=f"{BIN}:{env.get('PATH', '')}",
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def start(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=base_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _RUNNING.add(proc.pid)
    return proc


def finish(proc: subprocess.Popen, timeout: float, began: float) -> Result:
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc.pid)
        out, err = proc.communicate()
    finally:
        kill_group(proc.pid)  # whatever it started and left behind
        _RUNNING.discard(proc.pid)
    return Result(
        None if timed_out else proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - began,
        timed_out,
    )


def run(
    argv: list[str], cwd: Path, timeout: float = TIMEOUT, env: dict[str, str] | None = None
) -> Result:
    began = time.monotonic()
    return finish(start(argv, cwd, env), timeout, began)


def must(result: Result, what: str) -> Result:
    if result.rc != 0:
        tail = (result.stderr or result.stdout)[-800:]
        raise RuntimeError(f"{what} failed ({result.rc}): {tail}")
    return result


# -- files ---------------------------------------------------------------------------------


def digest(paths: list[Path]) -> dict[str, str]:
    """sha256 of every file under ``paths`` (a folder: every file in it)."""
    found: dict[str, str] = {}
    for path in paths:
        if path.is_symlink() or path.is_file():
            try:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                found[str(path)] = f"unreadable {exc.errno}"
        elif path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_file() and not item.is_symlink():
                    found[str(item)] = hashlib.sha256(item.read_bytes()).hexdigest()
    return found


def lost(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [
        f"{p} {'vanished' if p not in after else 'changed'}"
        for p, h in before.items()
        if after.get(p) != h
    ]


def formula_cells(path: Path) -> list[str]:
    """Cells of a CSV that a spreadsheet would read as a formula."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    bad = []
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)
                    continue  # a negative number
                except ValueError:
                    bad.append(cell[:40])
    return bad


def neutralised_cells(path: Path) -> int:
    """How many cells carry the apostrophe escape (the payload did reach the file)."""
    if not path.exists():
        return 0
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return sum(
        1
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START)
    )


def html_findings(folder: Path) -> list[str]:
    found = []
    md = folder / "targets.md"
    if md.exists():
        text = md.read_text(encoding="utf-8")
        if "<" in text or ">" in text:
            found.append("raw < or > in targets.md")
        if re.search(r"\]\((?:javascript|data):", text):
            found.append("a javascript: link in targets.md")
    page_file = folder / "stance_map.html"
    if page_file.exists():
        page = page_file.read_text(encoding="utf-8")
        if re.search(r"<img[^>]*onerror", page, re.IGNORECASE):
            found.append("an <img onerror> in stance_map.html")
        if page.count("<script") != 2 or "pwned2=1</script>" in page:
            found.append(f"{page.count('<script')} <script> tags in stance_map.html")
        if "<!--" in page:
            found.append("an HTML comment opened in stance_map.html")
    return found


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_csv(path: Path, rows: list[dict], fields: list[str] | None = None, **kw: Any) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields or list(rows[0]), **kw)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def put(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` and give the path back."""
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def article(folder: Path, name: str = "a.txt", text: str = NEW_ARTICLE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


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
        "end": start + len(str(text)),
        "cue": "said",
        "stance": stance,
        "stance_confidence": p,
        **{f"stance_prob_{label}": probs[label] for label in ("favor", "against", "neutral")},
    }


PREDICTIONS = [
    prediction("Maria Lund", "Russia", "against", "Russia lies.", "a1", 0.91, "Norway"),
    prediction("Maria Lund", "Russia", "against", "No threats.", "a2", 0.84, "Norway", 120),
    prediction("Liu Xiaoming", "United States", "against", "Meddling.", "a3", 0.77, "China"),
    prediction("Jens Dahl", "Japan", "favor", "A partner.", "a1", 0.66, "Norway", 300),
]


def runstring_skops(path: Path, marker: Path, module: str, name: str, code: str) -> None:
    """A skops file whose loading would call ``module.name(code)``."""
    schema = {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [
                {
                    "__class__": "str",
                    "__module__": "builtins",
                    "__loader__": "JsonNode",
                    "content": json.dumps(code),
                    "is_json": True,
                    "__id__": 2,
                },
                {
                    "__class__": "dict",
                    "__module__": "builtins",
                    "__loader__": "DictNode",
                    "content": {},
                    "key_types": {
                        "__class__": "list",
                        "__module__": "builtins",
                        "__loader__": "ListNode",
                        "content": [],
                        "__id__": 4,
                    },
                    "__id__": 3,
                },
            ],
            "__id__": 1,
        },
        "__id__": 0,
        "protocol": 2,
        "_skops_version": "0.16.0",
    }
    path.unlink(missing_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))


class _Payload:
    """Unpickling this runs ``exec`` on a line that creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def evil_pickle(path: Path, marker: Path) -> None:
    path.write_bytes(pickle.dumps({"weights": _Payload(marker)}))


# -- the shared fixtures -------------------------------------------------------------------


class Shared:
    """What many cases copy: trained and exported models, a built dataset, a DVC project."""

    def __init__(self, root: Path) -> None:
        self.root = root / "_shared"
        self.root.mkdir()
        self._cache: dict[str, Any] = {}

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._cache:
            began = time.monotonic()
            print(f"  [setup] {name} ...", file=sys.stderr, flush=True)
            self._cache[name] = make()
            print(
                f"  [setup] {name} ready in {time.monotonic() - began:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        return self._cache[name]

    @property
    def uri(self) -> str:
        return f"sqlite:///{self.root}/mlflow.db"

    def _train(self, *overrides: str) -> str:
        done = must(
            run(
                [
                    *TRAIN,
                    "debug=smoke",
                    f"data.path={FIXTURE}",
                    f"tracking.uri={self.uri}",
                    f"tracking.artifact_root={self.root}/artifacts",
                    f"hydra.run.dir={self.root}/hydra",
                    *overrides,
                ],
                self.root,
                timeout=600,
            ),
            f"train {overrides}",
        )
        found = re.search(r"\(run ([0-9a-f]{32})\)", done.stdout + done.stderr)
        if not found:
            raise RuntimeError(f"no run id in: {done.stderr[-500:]}")
        return found.group(1)

    def _export(self, run_id: str, name: str) -> Path:
        out = self.root / name
        must(
            run([*QS, "export", run_id, "--out", str(out), "--tracking-uri", self.uri], self.root),
            f"export {name}",
        )
        return out

    def tfidf(self) -> tuple[str, Path]:
        def make():
            run_id = self._train()
            return run_id, self._export(run_id, "model")

        return self._once("tfidf model", make)

    def bert(self) -> tuple[str, Path]:
        def make():
            run_id = self._train("model=bert")
            return run_id, self._export(run_id, "bert")

        return self._once("tiny bert model", make)

    def dataset(self) -> Path:
        def make():
            out = self.root / "processed"
            must(
                run(
                    [
                        *QS,
                        "dataset",
                        "build",
                        "--articles",
                        str(SAMPLES),
                        "--annotations",
                        str(GOLD),
                        "--out",
                        str(out),
                    ],
                    self.root,
                    timeout=300,
                ),
                "dataset build",
            )
            return out / "quotes.jsonl"

        return self._once("built dataset", make)

    def dvc_project(self) -> Path:
        def make():
            project = self.root / "dvc_project"
            for part in ("dvc.yaml", "data/raw/articles", "data/annotations", "src/quotestance"):
                source, target = ROOT / part, project / part
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.is_dir():
                    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(source, target)
            for argv in (["git", "init", "-q"], ["dvc", "init", "-q"], ["dvc", "repro", "-q"]):
                must(run(argv, project, timeout=300), " ".join(argv))
            return project

        return self._once("git + dvc project", make)


# -- cases ---------------------------------------------------------------------------------


@dataclass
class Spec:
    """What to run and how to judge it."""

    argv: list[str] | None = None
    expect: str = "error"  # error | ok | either
    message: str | None = None  # the error line must contain this (the file or key)
    protect: list[Path] = field(default_factory=list)
    marker: Path | None = None
    check: Callable[[Result], str | None] | None = None  # what is wrong with the output
    security: Callable[[], list[str]] | None = None  # findings (formulas, raw HTML)
    custom: Callable[[], Result] | None = None  # instead of running argv
    timeout: float = TIMEOUT
    env: dict[str, str] | None = None
    lines: Callable[[str], list[str]] | None = None  # the error lines of stderr


@dataclass
class Case:
    id: str
    area: str
    expectation: str
    build: Callable[[Ctx], Spec]


@dataclass
class Ctx:
    dir: Path
    shared: Shared
    root: Path

    def copy(self, source: Path, name: str | None = None) -> Path:
        target = self.dir / (name or source.name)
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True)
        else:
            shutil.copy(source, target)
        return target

    def model(self, kind: str = "tfidf") -> Path:
        _, folder = self.shared.tfidf() if kind == "tfidf" else self.shared.bert()
        return self.copy(folder, "model")

    def plain(self, kind: str = "tfidf") -> Path:
        return self.model(kind) / "artifacts" / "model"

    def marker(self) -> Path:
        return self.dir / "PWNED"

    def project(self) -> Path:
        """A case folder laid out as the repository: data/processed, data/annotations."""
        dataset = self.shared.dataset()
        (self.dir / "data" / "processed").mkdir(parents=True)
        (self.dir / "data" / "annotations").mkdir(parents=True)
        shutil.copy(dataset, self.dir / "data" / "processed" / "quotes.jsonl")
        shutil.copy(GOLD, self.dir / "data" / "annotations" / "gold.jsonl")
        return self.dir


CASES: list[Case] = []


def case(area: str, case_id: str, expectation: str):
    def register(build: Callable[[Ctx], Spec]) -> Callable[[Ctx], Spec]:
        CASES.append(Case(case_id, area, expectation, build))
        return build

    return register


def predict(ctx: Ctx, model: Path | str, *extra: str, text: str = NEW_ARTICLE) -> list[str]:
    return [*QS, "predict", str(article(ctx.dir, text=text)), "--model", str(model), *extra]


def rows_out(result: Result) -> list[dict]:
    return [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def has_pair(result: Result) -> str | None:
    rows = rows_out(result)
    if not rows or rows[0].get("target") != "Russia" or rows[0].get("stance") is None:
        return f"expected a (Maria Lund, Russia) row with a stance, got {result.stdout[:200]!r}"
    return None


# -- model files ---------------------------------------------------------------------------


def model_case(case_id: str, expectation: str, damage, message=None, kind="tfidf", expect="error"):
    @case("model files", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        folder = ctx.model(kind)
        damage(ctx, folder, folder / "artifacts" / "model")
        return Spec(
            predict(ctx, folder),
            expect=expect,
            message=message,
            protect=[folder, ctx.dir / "a.txt"],
            marker=ctx.marker(),
            check=has_pair if expect == "ok" else None,
        )


@case("model files", "model-control", "a sound exported TF-IDF folder predicts")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    return Spec(predict(ctx, folder), expect="ok", protect=[folder], check=has_pair)


model_case(
    "skops-runstring",
    "a crafted model.skops that would call numpy's runstring is refused, nothing runs",
    lambda c, f, p: runstring_skops(
        p / "model.skops",
        c.marker(),
        "numpy.testing._private.utils",
        "runstring",
        f"open({str(c.marker())!r}, 'w').write('ran')",
    ),
    "refuses to load",
)
model_case(
    "skops-os-system",
    "a crafted model.skops that would call os.system is refused, nothing runs",
    lambda c, f, p: runstring_skops(
        p / "model.skops", c.marker(), "posix", "system", f"touch {c.marker()}"
    ),
    "model.skops",
)
model_case(
    "skops-random",
    "random bytes as model.skops: one line",
    lambda c, f, p: (p / "model.skops").write_bytes(os.urandom(4096)),
    "model.skops",
)
model_case(
    "skops-truncated",
    "model.skops cut after 200 bytes: one line",
    lambda c, f, p: (p / "model.skops").write_bytes((p / "model.skops").read_bytes()[:200]),
    "model.skops",
)
model_case(
    "skops-empty",
    "an empty model.skops: one line",
    lambda c, f, p: (p / "model.skops").write_bytes(b""),
    "model.skops",
)
model_case(
    "skops-missing",
    "model.skops deleted: one line",
    lambda c, f, p: (p / "model.skops").unlink(),
    "model.skops: missing",
)


def _zip_without_schema(c, f, p):
    (p / "model.skops").unlink()
    with zipfile.ZipFile(p / "model.skops", "w") as archive:
        archive.writestr("other.txt", "hello")


model_case(
    "skops-no-schema", "a zip without schema.json as model.skops", _zip_without_schema, "skops"
)
model_case(
    "model-json-broken",
    "quotestance_model.json is '{': one line",
    lambda c, f, p: (p / "quotestance_model.json").write_text("{"),
    "quotestance_model.json",
)


def _meta(**change):
    def damage(c, f, p):
        file = p / "quotestance_model.json"
        meta = json.loads(file.read_text())
        meta.update(change)
        file.write_text(json.dumps(meta))

    return damage


model_case(
    "model-json-labels-empty",
    "quotestance_model.json with labels: [] is refused",
    _meta(labels=[]),
    "'labels' must list",
)
model_case(
    "model-json-labels-dup",
    "labels listed twice is refused",
    _meta(labels=["favor", "favor", "neutral"]),
    "'labels' must list",
)
model_case(
    "model-json-kind-unknown",
    "an unknown model kind ('pickle') is refused",
    _meta(kind="pickle"),
    "unknown model kind",
)
model_case(
    "model-json-config-list",
    "'config' that is a list is refused",
    _meta(config=[1, 2]),
    "'config'",
)
model_case(
    "model-json-array",
    "quotestance_model.json holding a JSON array",
    lambda c, f, p: (p / "quotestance_model.json").write_text("[1, 2]"),
    "quotestance_model.json",
)
model_case(
    "model-json-missing",
    "quotestance_model.json deleted",
    lambda c, f, p: (p / "quotestance_model.json").unlink(),
    "quotestance model",
)
model_case(
    "labels-json-broken",
    "labels.json is not JSON: one line",
    lambda c, f, p: (f / "labels.json").write_text("{not json"),
    "labels.json",
)
model_case(
    "labels-json-empty",
    "labels.json of zero bytes: one line",
    lambda c, f, p: (f / "labels.json").write_text(""),
    "labels.json",
)
model_case(
    "labels-json-empty-list",
    'labels.json with "labels": [] disagrees with the model: one line',
    lambda c, f, p: (f / "labels.json").write_text(json.dumps({"labels": []})),
    "labels.json",
)
model_case(
    "labels-json-null",
    'labels.json with "labels": null: one line',
    lambda c, f, p: (f / "labels.json").write_text(json.dumps({"labels": None})),
    "labels.json",
)
model_case(
    "labels-json-order",
    "labels.json in another order than the model: one line",
    lambda c, f, p: (f / "labels.json").write_text(
        json.dumps({"labels": ["against", "favor", "neutral"]})
    ),
    "but the model predicts",
)
model_case(
    "pyfunc-code-hostile",
    "a hostile pyfunc_model.py and code/ in the folder: predict never imports them",
    lambda c, f, p: [
        (f / "pyfunc_model.py").write_text(f"open({str(c.marker())!r}, 'w').write('ran')\n"),
        (f / "code" / "quotestance" / "__init__.py").write_text(
            f"open({str(c.marker())!r}, 'w').write('ran')\n"
        ),
    ],
    expect="ok",
)


@case("model files", "model-empty-folder", "--model an empty folder: one line")
def _(ctx: Ctx) -> Spec:
    (ctx.dir / "empty").mkdir()
    return Spec(predict(ctx, ctx.dir / "empty"), message="empty")


@case("model files", "model-a-file", "--model a text file: one line")
def _(ctx: Ctx) -> Spec:
    (ctx.dir / "model.txt").write_text("not a model")
    return Spec(predict(ctx, ctx.dir / "model.txt"), message="model.txt: is not a folder")


@case("model files", "model-missing-path", "--model to a path that does not exist")
def _(ctx: Ctx) -> Spec:
    return Spec(predict(ctx, ctx.dir / "no" / "such"), message="no such model folder")


@case("model files", "model-unknown-run", "--model a run id the store does not have")
def _(ctx: Ctx) -> Spec:
    argv = predict(ctx, "0" * 32, "--tracking-uri", f"sqlite:///{ctx.dir}/mlflow.db")
    return Spec(argv, message="0" * 32)


@case("model files", "model-unknown-alias", "--model models:/nope@champion in an empty store")
def _(ctx: Ctx) -> Spec:
    argv = predict(ctx, "models:/nope@champion", "--tracking-uri", f"sqlite:///{ctx.dir}/m.db")
    return Spec(argv, message="nope")


@case("model files", "model-no-champion", "no --model and no champion: says how to get one")
def _(ctx: Ctx) -> Spec:
    return Spec([*QS, "predict", str(article(ctx.dir))], message="python train.py")


@case(
    "model files",
    "model-unreachable-server",
    "--model RUN_ID with a tracking server that is not there: one line, no long wait",
)
def _(ctx: Ctx) -> Spec:
    uri = f"http://127.0.0.1:{free_port()}"
    return Spec(predict(ctx, "0" * 32, "--tracking-uri", uri), message="127.0.0.1")


@case("model files", "bert-control", "a sound exported tiny-BERT folder predicts")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model("bert")
    return Spec(predict(ctx, folder), expect="ok", protect=[folder], check=has_pair)


model_case(
    "bert-safetensors-truncated",
    "model.safetensors cut to 1,000 bytes: one line",
    lambda c, f, p: (p / "model.safetensors").write_bytes(
        (p / "model.safetensors").read_bytes()[:1000]
    ),
    "cannot load the transformer",
    kind="bert",
)
model_case(
    "bert-pickle-weights",
    "safetensors replaced by a pickled pytorch_model.bin that runs code: refused, nothing runs",
    lambda c, f, p: [
        (p / "model.safetensors").unlink(),
        evil_pickle(p / "pytorch_model.bin", c.marker()),
    ],
    "safetensors only",
    kind="bert",
)
model_case(
    "bert-pickle-beside",
    "a code-running pytorch_model.bin beside model.safetensors: the safetensors are used",
    lambda c, f, p: evil_pickle(p / "pytorch_model.bin", c.marker()),
    kind="bert",
    expect="ok",
)
model_case(
    "bert-config-missing",
    "the transformer's config.json deleted: one line",
    lambda c, f, p: (p / "config.json").unlink(),
    "cannot load the transformer",
    kind="bert",
)
model_case(
    "bert-onnx-garbage",
    "random bytes as model.onnx: one line",
    lambda c, f, p: (p / "model.onnx").write_bytes(os.urandom(2048)),
    "model.onnx",
    kind="bert",
)
model_case(
    "bert-labels-count",
    "quotestance_model.json lists 2 labels for a 3-output classifier: one line",
    _meta(labels=["favor", "against"]),
    "outputs",
    kind="bert",
)


# -- CSV injection -------------------------------------------------------------------------

FORMULA_ARTICLE = (
    "Foreign Minister Maria Lund accused Russia of spreading lies about the pipeline blast.\n"
    "“=HYPERLINK(1) Russia will not be trusted,” Lund told reporters in Oslo.\n"
    "“+44 calls from Russia are a threat,” Lund said.\n"
    "“-5 percent is what Russia claims,” Lund said.\n"
    "“@Russia spreads lies,” Lund said.\n"
    "“\tRussia hides behind a tab,” Lund said.\n"
)


def csv_security(path: Path) -> Callable[[], list[str]]:
    def findings() -> list[str]:
        return [f"formula cell {c!r} in {path.name}" for c in formula_cells(path)]

    return findings


def reached(path: Path) -> Callable[[Result], str | None]:
    def check(result: Result) -> str | None:
        if not path.exists():
            return f"{path.name} not written"
        if not neutralised_cells(path):
            return f"no formula-like cell reached {path.name} (the payload was lost)"
        return None

    return check


@case("CSV injection", "predict-csv-formulas", "quotes starting = + - @ tab: predict --out x.csv")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    out = ctx.dir / "p.csv"
    argv = predict(ctx, folder, "--out", str(out), text=FORMULA_ARTICLE)
    return Spec(argv, expect="ok", security=csv_security(out), check=reached(out))


@case("CSV injection", "report-edges-formulas", "speakers/targets starting = + - @ tab CR")
def _(ctx: Ctx) -> Spec:
    names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCr", "'=kept"]
    rows = [
        prediction(n, f"{n} target", "against", "q", "a1", 0.9, start=i)
        for i, n in enumerate(names)
    ]
    path = write_jsonl(ctx.dir / "p.jsonl", rows)
    out = ctx.dir / "report"
    edges = out / "edges.csv"
    return Spec(
        [*QS, "report", str(path), "--out", str(out)],
        expect="ok",
        protect=[path],
        security=csv_security(edges),
        check=reached(edges),
    )


@case("CSV injection", "report-from-predict-csv", "predict --out x.csv then report on it")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    out_csv = ctx.dir / "p.csv"
    edges = ctx.dir / "report" / "edges.csv"

    def steps() -> Result:
        first = run(predict(ctx, folder, "--out", str(out_csv), text=FORMULA_ARTICLE), ctx.dir)
        if first.rc != 0:
            return first
        return run([*QS, "report", str(out_csv), "--out", str(ctx.dir / "report")], ctx.dir)

    shown = [*QS, "predict", "...", "--out", "p.csv", "&&", "quotestance", "report", "p.csv"]
    return Spec(shown, custom=steps, expect="ok", security=csv_security(edges))


@case("CSV injection", "annotate-export-formulas", "dataset cells starting = + - @ tab CR")
def _(ctx: Ctx) -> Spec:
    rows = jsonl(ctx.shared.dataset())
    for i, start in enumerate(('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx")):
        rows[i]["speaker"] = start
        rows[i]["text"] = start + " quote"
        rows[i]["sentence"] = start + " sentence"
        rows[i]["target"] = start + " target"
    dataset = write_jsonl(ctx.dir / "hostile.jsonl", rows)
    out = ctx.dir / "to_label.csv"
    return Spec(
        [*QS, "annotate", "export", "--all", "--dataset", str(dataset), "--out", str(out)],
        expect="ok",
        protect=[dataset],
        security=csv_security(out),
        check=reached(out),
    )


@case("CSV injection", "annotate-roundtrip-formulas", "export, label, import: cells as written")
def _(ctx: Ctx) -> Spec:
    ctx.project()
    dataset = ctx.dir / "data" / "processed" / "quotes.jsonl"
    gold = ctx.dir / "data" / "annotations" / "gold.jsonl"
    first = jsonl(gold)[0]
    gold.write_text("".join(x + "\n" for x in gold.read_text().splitlines()[1:]))
    rows = jsonl(dataset)
    for row in rows:
        if row["pair_id"] == first["pair_id"]:
            row.update(speaker='=HYPERLINK("http://x")', text="@SUM(A1)")
    write_jsonl(dataset, rows)
    out = ctx.dir / "to_label.csv"

    def steps() -> Result:
        done = run([*QS, "annotate", "export", "--all", "--out", str(out)], ctx.dir)
        if done.rc != 0:
            return done
        cells = list(csv.DictReader(out.open(encoding="utf-8")))
        row = next(r for r in cells if r["pair_id"] == first["pair_id"])
        if row["speaker"] != '\'=HYPERLINK("http://x")' or row["quote"] != "'@SUM(A1)":
            raise RuntimeError(f"export wrote {row['speaker']!r}, {row['quote']!r}")
        row.update(stance="favor", claim_type="fact", rationale="-- a note, =not a formula")
        write_csv(out, [row], lineterminator="\n")
        return run([*QS, "annotate", "import", str(out)], ctx.dir)

    def check(result: Result) -> str | None:
        stored = {a["pair_id"]: a for a in jsonl(gold)}.get(first["pair_id"])
        if not stored or stored.get("rationale") != "-- a note, =not a formula":
            return f"rationale stored as {stored and stored.get('rationale')!r}"
        return None

    shown = [*QS, "annotate", "export", "--all", "&&", "quotestance", "annotate", "import"]
    return Spec(shown, custom=steps, expect="ok", protect=[dataset], check=check)


@case("CSV injection", "train-misclassified-csv", "training data whose texts start with = + @")
def _(ctx: Ctx) -> Spec:
    rows = jsonl(FIXTURE)
    for i, row in enumerate(rows):
        row["text"] = ("=HYPERLINK(1) ", "+1 ", "@SUM(A1) ", "-2 ")[i % 4] + row["text"]
        if i % 3 == 0:  # some wrong labels, so that some rows are misclassified
            row["stance"] = {"favor": "against", "against": "neutral"}.get(row["stance"], "favor")
    data = write_jsonl(ctx.dir / "hostile_fixture.jsonl", rows)
    artifacts = ctx.dir / "artifacts"

    def findings() -> list[str]:
        return [
            f"formula cell {c!r} in {p.name}"
            for p in artifacts.rglob("*.csv")
            for c in formula_cells(p)
        ]

    return Spec(
        [
            *TRAIN,
            "debug=smoke",
            f"data.path={data}",
            f"tracking.uri=sqlite:///{ctx.dir}/mlflow.db",
            f"tracking.artifact_root={artifacts}",
            f"hydra.run.dir={ctx.dir}/hydra",
            "tracking.log_model=false",
        ],
        expect="ok",
        protect=[data],
        security=findings,
        timeout=180,
    )


# -- raw HTML in names ---------------------------------------------------------------------


def html_case(case_id: str, expectation: str, rows: list[dict]) -> None:
    @case("raw HTML", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        path = write_jsonl(ctx.dir / "p.jsonl", rows)
        out = ctx.dir / "report"
        return Spec(
            [*QS, "report", str(path), "--out", str(out)],
            expect="ok",
            protect=[path],
            security=lambda: html_findings(out),
        )


html_case(
    "report-img-onerror",
    "a speaker <img onerror> and a quote that closes the script: escaped",
    [*PREDICTIONS, prediction(HOSTILE, "Japan", "neutral", BREAKOUT, "a4", 0.52)],
)
html_case(
    "report-script-target",
    "a target named <script>alert(1)</script>: escaped in targets.md and the page",
    [*PREDICTIONS, prediction("Ann", "<script>alert(1)</script>", "against", "x", "a1", 0.9)],
)
html_case(
    "report-markdown-link",
    "a speaker with | and [x](javascript:alert(1)): no column, no link",
    [
        *PREDICTIONS,
        prediction("Ann | Bo [x](javascript:alert(1))", "Japan", "favor", "y", "a1", 0.8),
    ],
)
html_case(
    "report-html-affiliation",
    "an affiliation and an article id holding HTML",
    [
        *PREDICTIONS,
        prediction("Bo", "Japan", "favor", "z", "<b onmouseover=alert(1)>x</b>", 0.8, HOSTILE),
    ],
)


@case(
    "raw HTML", "predict-then-report-html", "an article named <img onerror>.txt quoting </script>"
)
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    name = "<img src=x onerror=alert(1)>.txt"
    text = (
        "Foreign Minister Maria Lund accused Russia of spreading lies about the pipeline blast.\n"
        "“</script><script>alert(1)</script> Russia lies <img src=x onerror=alert(2)>,” "
        "Lund told reporters in Oslo.\n"
    )
    path = article(ctx.dir, name, text)
    out = ctx.dir / "report"
    predictions = ctx.dir / "p.jsonl"

    def steps() -> Result:
        first = run(
            [*QS, "predict", str(path), "--model", str(folder), "--out", str(predictions)],
            ctx.dir,
        )
        if first.rc != 0:
            return first
        return run([*QS, "report", str(predictions), "--out", str(out)], ctx.dir)

    shown = [*QS, "predict", name, "--out", "p.jsonl", "&&", "quotestance", "report", "p.jsonl"]
    return Spec(
        shown, custom=steps, expect="ok", protect=[path], security=lambda: html_findings(out)
    )


# -- annotate import -----------------------------------------------------------------------


def gold_rows(ctx: Ctx) -> list[dict]:
    return jsonl(ctx.dir / "data" / "annotations" / "gold.jsonl")


def import_case(
    case_id: str,
    expectation: str,
    filled: Callable[[Ctx, list[dict]], Path],
    message: str | None = None,
    expect: str = "error",
    extra: tuple[str, ...] = (),
    check: Callable[[Ctx, list[dict], Result], str | None] | None = None,
    drop_first: bool = False,
):
    @case("annotate import", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        ctx.project()
        gold = ctx.dir / "data" / "annotations" / "gold.jsonl"
        rows = gold_rows(ctx)
        if drop_first:
            gold.write_text("".join(x + "\n" for x in gold.read_text().splitlines()[1:]))
        path = filled(ctx, rows)
        protect = [ctx.dir / "data" / "processed"]
        if expect != "ok":
            protect.append(gold)
        if path.exists():
            protect.append(path)
        return Spec(
            [*QS, "annotate", "import", str(path), *extra],
            expect=expect,
            message=message,
            protect=protect,
            check=(lambda r: check(ctx, rows, r)) if check else None,
        )


def labels_of(rows: list[dict], rationale: bool = True) -> list[dict]:
    keys = ["pair_id", "stance", "claim_type"] + (["rationale"] if rationale else [])
    return [{k: r[k] for k in keys} for r in rows]


def gold_kept(ctx: Ctx, rows: list[dict], result: Result) -> str | None:
    now = {r["pair_id"]: r for r in gold_rows(ctx)}
    old = {r["pair_id"]: r for r in rows}
    if now != old:
        changed = [p for p in old if now.get(p) != old[p]]
        return f"gold labels differ after the import ({len(changed)} rows, first {changed[:1]})"
    return None


def first_back(ctx: Ctx, rows: list[dict], result: Result) -> str | None:
    now = {r["pair_id"]: r for r in gold_rows(ctx)}
    want = rows[0]
    got = now.get(want["pair_id"])
    if not got or (got["stance"], got["claim_type"]) != (want["stance"], want["claim_type"]):
        return f"the labelled pair was not merged: {got!r}"
    if len(now) != len(rows):
        return f"{len(now)} gold rows, expected {len(rows)}"
    return None


import_case(
    "import-unchanged",
    "the gold labels imported back as they are: nothing changes",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows)),
    expect="ok",
    check=gold_kept,
)
import_case(
    "import-no-rationale-column",
    "a CSV without the rationale column keeps the stored rationales",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows, rationale=False)),
    expect="ok",
    check=gold_kept,
)
import_case(
    "import-no-rationale-force",
    "the same with --force: a missing column is not an order to empty it",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows, rationale=False)),
    expect="ok",
    extra=("--force",),
    check=gold_kept,
)
import_case(
    "import-rationale-only-change",
    "only a rationale changed, without --force: refused",
    lambda c, rows: write_csv(
        c.dir / "filled.csv", [{**labels_of(rows)[0], "rationale": "a different reason"}]
    ),
    "--force",
)
import_case(
    "import-stance-change",
    "a gold stance changed, without --force: refused",
    lambda c, rows: write_csv(
        c.dir / "filled.csv",
        [
            {
                **labels_of(rows)[0],
                "stance": "neutral" if rows[0]["stance"] != "neutral" else "favor",
            }
        ],
    ),
    "--force",
)
import_case(
    "import-semicolons",
    "a CSV saved with semicolons (a European spreadsheet)",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows)[:3], delimiter=";"),
    "filled.csv:1",
)
import_case(
    "import-tabs",
    "a CSV saved with tabs",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows)[:3], delimiter="\t"),
    "filled.csv:1",
)


def _cp1252(c: Ctx, rows: list[dict]) -> Path:
    path = c.dir / "filled.csv"
    path.write_bytes(
        f"pair_id,stance,claim_type,rationale\n{rows[0]['pair_id']},favor,fact,café\n".encode(
            "cp1252"
        )
    )
    return path


import_case("import-cp1252", "a CSV saved as cp1252", _cp1252, "filled.csv:2")
import_case(
    "import-unknown-id",
    "a pair_id the dataset does not have",
    lambda c, rows: write_csv(
        c.dir / "filled.csv",
        [
            *labels_of(rows)[:2],
            {"pair_id": "nope:Q30", "stance": "favor", "claim_type": "fact", "rationale": ""},
        ],
    ),
    "filled.csv:4",
)
import_case(
    "import-duplicate",
    "the same pair_id twice",
    lambda c, rows: write_csv(c.dir / "filled.csv", [*labels_of(rows)[:2], labels_of(rows)[0]]),
    "duplicate pair_id",
)
import_case(
    "import-half-labelled",
    "a stance without a claim type",
    lambda c, rows: write_csv(
        c.dir / "filled.csv", [{**labels_of(rows)[0], "claim_type": ""}, *labels_of(rows)[1:3]]
    ),
    "filled.csv:2",
)
import_case(
    "import-unknown-stance",
    "a stance that is not a label ('angry')",
    lambda c, rows: write_csv(c.dir / "filled.csv", [{**labels_of(rows)[0], "stance": "angry"}]),
    "angry",
)


def _bom(c: Ctx, rows: list[dict]) -> Path:
    path = write_csv(c.dir / "filled.csv", labels_of(rows)[:1])
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    return path


import_case(
    "import-bom",
    "a UTF-8 CSV with a byte-order mark (Excel) labelling an unlabelled pair",
    _bom,
    expect="ok",
    check=first_back,
    drop_first=True,
)
import_case(
    "import-crlf",
    "a CSV with CRLF line ends labelling an unlabelled pair",
    lambda c, rows: write_csv(c.dir / "filled.csv", labels_of(rows)[:1], lineterminator="\r\n"),
    expect="ok",
    check=first_back,
    drop_first=True,
)
import_case(
    "import-empty-file",
    "an empty CSV",
    lambda c, rows: put(c.dir / "filled.csv", b""),
    "filled.csv",
)
import_case(
    "import-header-only",
    "a CSV with only its header: nothing to merge",
    lambda c, rows: put(c.dir / "filled.csv", "pair_id,stance,claim_type,rationale\n"),
    expect="either",
    check=gold_kept,
)
import_case(
    "import-binary",
    "a PNG passed as the filled CSV",
    lambda c, rows: put(c.dir / "filled.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff"),
    "filled.csv",
)
import_case(
    "import-directory",
    "a folder passed as the filled CSV",
    lambda c, rows: [(c.dir / "filled.csv").mkdir(), c.dir / "filled.csv"][1],
    "filled.csv",
)
import_case(
    "import-missing-file",
    "a filled CSV that does not exist",
    lambda c, rows: c.dir / "nope.csv",
    "nope.csv",
)


def _bad_gold(c: Ctx, rows: list[dict]) -> Path:
    gold = c.dir / "data" / "annotations" / "gold.jsonl"
    gold.write_text(gold.read_text() + "{not json\n")
    return write_csv(c.dir / "filled.csv", labels_of(rows)[:1])


import_case("import-bad-gold-line", "the gold file has a broken line", _bad_gold, "gold.jsonl:")


@case("annotate import", "import-no-dataset", "import before the dataset is built")
def _(ctx: Ctx) -> Spec:
    (ctx.dir / "data" / "annotations").mkdir(parents=True)
    gold = ctx.copy(GOLD, "data/annotations/gold.jsonl")
    path = write_csv(ctx.dir / "filled.csv", labels_of(jsonl(GOLD))[:1])
    return Spec(
        [*QS, "annotate", "import", str(path)], message="no built dataset", protect=[gold, path]
    )


@case("annotate import", "export-refuses-existing", "annotate export over my labelled CSV")
def _(ctx: Ctx) -> Spec:
    ctx.project()
    mine = ctx.dir / "to_label.csv"
    mine.write_text("pair_id,stance\nmy,labels\n")
    return Spec([*QS, "annotate", "export", "--all"], message="to_label.csv", protect=[mine])


@case(
    "annotate import",
    "export-out-is-dataset",
    "annotate export --out the dataset it reads, with --force: refused",
)
def _(ctx: Ctx) -> Spec:
    ctx.project()
    dataset = ctx.dir / "data" / "processed" / "quotes.jsonl"
    return Spec(
        [*QS, "annotate", "export", "--all", "--out", str(dataset), "--force"],
        message="quotes.jsonl",
        protect=[dataset],
    )


# -- --out -----------------------------------------------------------------------------------


def extract_out(ctx: Ctx, out: Path | str, *flags: str) -> list[str]:
    return [*QS, "extract", str(article(ctx.dir)), "--out", str(out), *flags]


@case("--out", "extract-out-is-input", "extract --out the article itself")
def _(ctx: Ctx) -> Spec:
    argv = extract_out(ctx, ctx.dir / "a.txt")
    return Spec(argv, message="is one of the input files", protect=[ctx.dir / "a.txt"])


@case("--out", "extract-out-is-input-force", "extract --out the article itself --force")
def _(ctx: Ctx) -> Spec:
    argv = extract_out(ctx, ctx.dir / "a.txt", "--force")
    return Spec(argv, message="is one of the input files", protect=[ctx.dir / "a.txt"])


@case("--out", "extract-out-symlink-to-input", "--out a symlink to the article, --force")
def _(ctx: Ctx) -> Spec:
    argv = extract_out(ctx, ctx.dir / "link.jsonl", "--force")
    (ctx.dir / "link.jsonl").symlink_to(ctx.dir / "a.txt")
    return Spec(argv, message="is one of the input files", protect=[ctx.dir / "a.txt"])


@case("--out", "predict-out-is-input-force", "predict --out the article itself --force")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    argv = predict(ctx, folder, "--out", str(ctx.dir / "a.txt"), "--force")
    return Spec(argv, message="a.txt", protect=[ctx.dir / "a.txt", folder])


@case("--out", "extract-out-folder", "--out an existing folder")
def _(ctx: Ctx) -> Spec:
    (ctx.dir / "out.jsonl").mkdir()
    (ctx.dir / "out.jsonl" / "keep.txt").write_text("keep")
    return Spec(
        extract_out(ctx, ctx.dir / "out.jsonl"),
        message="is a folder",
        protect=[ctx.dir / "out.jsonl"],
    )


@case("--out", "extract-out-under-file", "--out a path under a file (a.txt/x.jsonl)")
def _(ctx: Ctx) -> Spec:
    argv = extract_out(ctx, ctx.dir / "a.txt" / "x.jsonl")
    return Spec(argv, message="cannot be created", protect=[ctx.dir / "a.txt"])


@case("--out", "extract-out-unwritable", "--out in a folder nobody may write (as root: /sys)")
def _(ctx: Ctx) -> Spec:
    if os.geteuid() == 0:
        out = Path("/sys") / "quotestance-hostile.jsonl"
    else:
        locked = ctx.dir / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        out = locked / "q.jsonl"
    return Spec(extract_out(ctx, out), message=out.name)


@case("--out", "extract-out-existing", "--out my existing file, no --force")
def _(ctx: Ctx) -> Spec:
    mine = ctx.dir / "quotes.jsonl"
    mine.write_text("my notes\n")
    return Spec(extract_out(ctx, mine), message="--force", protect=[mine])


@case("--out", "extract-out-existing-force", "--out my existing file with --force: replaced")
def _(ctx: Ctx) -> Spec:
    mine = ctx.dir / "quotes.jsonl"
    mine.write_text("my notes\n")

    def check(result: Result) -> str | None:
        rows = jsonl(mine) if mine.exists() else []
        return (
            None if rows and rows[0].get("speaker") else f"--out holds {mine.read_text()[:80]!r}"
        )

    return Spec(extract_out(ctx, mine, "--force"), expect="ok", check=check)


@case("--out", "predict-out-bad-suffix", "predict --out predictions.txt")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    return Spec(predict(ctx, folder, "--out", str(ctx.dir / "p.txt")), message="--out must end in")


@case("--out", "report-out-existing-folder", "report --out a folder that has my files")
def _(ctx: Ctx) -> Spec:
    path = write_jsonl(ctx.dir / "p.jsonl", PREDICTIONS)
    (ctx.dir / "mine").mkdir()
    (ctx.dir / "mine" / "edges.csv").write_text("my edges\n")
    return Spec(
        [*QS, "report", str(path), "--out", str(ctx.dir / "mine")],
        message="--force",
        protect=[ctx.dir / "mine", path],
    )


@case("--out", "report-out-is-file", "report --out the predictions file itself")
def _(ctx: Ctx) -> Spec:
    path = write_jsonl(ctx.dir / "p.jsonl", PREDICTIONS)
    return Spec(
        [*QS, "report", str(path), "--out", str(path), "--force"],
        message="p.jsonl",
        protect=[path],
    )


@case(
    "--out",
    "report-out-overwrites-input",
    "report edges.csv --out its own folder --force: the input must not be overwritten",
)
def _(ctx: Ctx) -> Spec:
    folder = ctx.dir / "mine"
    folder.mkdir()
    path = write_csv(folder / "edges.csv", PREDICTIONS)
    return Spec(
        [*QS, "report", str(path), "--out", str(folder), "--force"],
        message="edges.csv",
        protect=[path],
    )


@case("--out", "export-out-existing", "export --out my existing folder, no --force")
def _(ctx: Ctx) -> Spec:
    run_id, _ = ctx.shared.tfidf()
    mine = ctx.dir / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    argv = [*QS, "export", run_id, "--out", str(mine), "--tracking-uri", ctx.shared.uri]
    return Spec(argv, message="--force", protect=[mine])


@case("--out", "export-onnx-tfidf", "export --onnx of a TF-IDF run: refused, nothing written")
def _(ctx: Ctx) -> Spec:
    run_id, _ = ctx.shared.tfidf()
    out = ctx.dir / "x"
    argv = [*QS, "export", run_id, "--out", str(out), "--onnx", "--tracking-uri", ctx.shared.uri]
    return Spec(
        argv,
        message="--onnx",
        check=lambda r: f"{out} was created" if out.exists() else None,
    )


@case("--out", "export-unknown-run", "export a run id the store does not have")
def _(ctx: Ctx) -> Spec:
    argv = [*QS, "export", "f" * 32, "--out", str(ctx.dir / "x"), "--tracking-uri", ctx.shared.uri]
    return Spec(argv, message="f" * 32)


@case(
    "--out",
    "export-out-artifact-store",
    "export --out the store's own artifact folder --force: the runs' artifacts must survive",
)
def _(ctx: Ctx) -> Spec:
    artifacts = ctx.dir / "artifacts"
    uri = f"sqlite:///{ctx.dir}/mlflow.db"
    done = must(
        run(
            [
                *TRAIN,
                "debug=smoke",
                "model=majority",
                f"data.path={FIXTURE}",
                f"tracking.uri={uri}",
                f"tracking.artifact_root={artifacts}",
                f"hydra.run.dir={ctx.dir}/hydra",
            ],
            ctx.dir,
            timeout=300,
        ),
        "train majority",
    )
    found = re.search(r"\(run ([0-9a-f]{32})\)", done.stdout + done.stderr)
    run_id = found.group(1) if found else "?"
    argv = [*QS, "export", run_id, "--out", str(artifacts), "--force", "--tracking-uri", uri]
    return Spec(argv, message="artifacts", protect=[artifacts], timeout=120)


# -- gold file and dvc repro ---------------------------------------------------------------

PROCESSED = ("quotes.jsonl", "quotes.parquet", "README.md", "stats.json")


def own_error_lines(text: str) -> list[str]:
    """The project's own lines in DVC's output (DVC wraps them in its ERROR: lines)."""
    return [x for x in text.splitlines() if x.startswith("error:") or "Traceback" in x]


def dvc_case(case_id: str, expectation: str, bad_line: Callable[[str], str], message: str):
    @case("dvc repro", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        project = ctx.copy(ctx.shared.dvc_project(), "project")
        gold = project / "data" / "annotations" / "gold.jsonl"
        text = gold.read_text()
        gold.write_text(text + bad_line(text))
        # NEXT: the number of the line added, after the lines the gold file has now
        said = message.replace("NEXT", str(len(text.splitlines()) + 1))
        processed = [project / "data" / "processed" / n for n in PROCESSED]
        return Spec(
            ["dvc", "repro"],
            message=said,
            protect=[*processed, project / "data" / "raw"],
            lines=own_error_lines,
            timeout=240,
            custom=lambda: run(["dvc", "repro"], project, timeout=240),
        )


dvc_case(
    "dvc-gold-not-json", "a line that is not JSON", lambda t: "{not json\n", "gold.jsonl:NEXT"
)
dvc_case(
    "dvc-gold-missing-field",
    "a line without a stance",
    lambda t: json.dumps({"pair_id": "x:Q1", "quote_id": "x"}) + "\n",
    "gold.jsonl:NEXT",
)
dvc_case(
    "dvc-gold-duplicate",
    "the first line again",
    lambda t: t.splitlines()[0] + "\n",
    "gold.jsonl:NEXT",
)
dvc_case(
    "dvc-gold-stale",
    "a label for a quote the articles do not have",
    lambda t: (
        json.dumps(
            {
                "pair_id": "999_gone-abc:Q30",
                "quote_id": "999_gone-abc",
                "target_qid": "Q30",
                "target": "United States",
                "stance": "against",
                "claim_type": "fact",
            }
        )
        + "\n"
    ),
    "gold.jsonl",
)


@case("dvc repro", "dvc-unchanged", "dvc repro with nothing changed: up to date, rc 0")
def _(ctx: Ctx) -> Spec:
    project = ctx.copy(ctx.shared.dvc_project(), "project")
    processed = [project / "data" / "processed" / n for n in PROCESSED]
    return Spec(
        ["dvc", "repro"],
        expect="ok",
        protect=processed,
        custom=lambda: run(["dvc", "repro"], project, timeout=240),
        timeout=240,
    )


# -- training: concurrency and signals -----------------------------------------------------


def store_status(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return sorted(s for (s,) in conn.execute("select status from runs"))
        except sqlite3.Error:
            return []


def smoke_argv(ctx: Ctx, *overrides: str) -> list[str]:
    return [
        *TRAIN,
        "debug=smoke",
        f"data.path={FIXTURE}",
        f"tracking.uri=sqlite:///{ctx.dir}/mlflow.db",
        f"tracking.artifact_root={ctx.dir}/artifacts",
        *overrides,
    ]


@case("training", "train-control", "a smoke run finishes and is FINISHED in the store")
def _(ctx: Ctx) -> Spec:
    def check(result: Result) -> str | None:
        status = store_status(ctx.dir / "mlflow.db")
        return None if status == ["FINISHED"] else f"runs: {status}"

    argv = smoke_argv(ctx, "model=majority", f"hydra.run.dir={ctx.dir}/hydra")
    return Spec(argv, expect="ok", check=check, timeout=180)


@case("training", "train-concurrent-first-runs", "two train.py at once on an empty store")
def _(ctx: Ctx) -> Spec:
    def both() -> Result:
        began = time.monotonic()
        jobs = [
            start(
                smoke_argv(ctx, "model=majority", f"seed={s}", f"hydra.run.dir={ctx.dir}/h{s}"),
                ctx.dir,
            )
            for s in (1, 2)
        ]
        results = [finish(job, 240, began) for job in jobs]
        return Result(
            None if any(r.timed_out for r in results) else max(r.rc or 0 for r in results),
            "".join(r.stdout for r in results),
            "".join(r.stderr for r in results),
            time.monotonic() - began,
            any(r.timed_out for r in results),
        )

    def check(result: Result) -> str | None:
        status = store_status(ctx.dir / "mlflow.db")
        return None if status == ["FINISHED", "FINISHED"] else f"runs: {status}"

    shown = [*smoke_argv(ctx, "model=majority", "seed=1|2"), "(twice at once)"]
    return Spec(shown, custom=both, expect="ok", check=check, timeout=240)


def signal_case(signum: signal.Signals) -> None:
    @case("training", f"train-{signum.name.lower()}", f"{signum.name} during training")
    def build(ctx: Ctx) -> Spec:
        db = ctx.dir / "mlflow.db"

        def interrupted() -> Result:
            began = time.monotonic()
            job = start(
                smoke_argv(
                    ctx,
                    "model=bert",
                    "model.epochs=200",
                    "model.early_stopping_patience=200",
                    f"hydra.run.dir={ctx.dir}/hydra",
                ),
                ctx.dir,
            )
            deadline = began + 180
            while time.monotonic() < deadline and job.poll() is None:
                if db.exists():
                    try:
                        with sqlite3.connect(db) as conn:
                            if conn.execute("select count(*) from metrics").fetchone()[0]:
                                break
                    except sqlite3.Error:
                        pass
                time.sleep(0.5)
            if job.poll() is None:
                job.send_signal(signum)
            return finish(job, 120, began)

        def check(result: Result) -> str | None:
            status = store_status(db)
            if result.rc != 130:
                return f"exit status {result.rc}, expected 130"
            if status != ["FAILED"]:
                return f"runs: {status}"
            said = own_error_lines(result.stdout + result.stderr)
            if said and re.match(r"error: *;", said[0]):
                return "the error line gives no reason before the run id"
            return None

        return Spec(
            argv=[
                *smoke_argv(ctx, "model=bert", "model.epochs=200"),
                f"(then kill -{signum.name[3:]})",
            ],
            custom=interrupted,
            message="marked FAILED",
            check=check,
            timeout=300,
            lines=own_error_lines,  # the training log on stderr is not part of the error
        )


signal_case(signal.SIGTERM)
signal_case(signal.SIGINT)


# -- articles ------------------------------------------------------------------------------


def extract_case(
    case_id: str,
    expectation: str,
    make: Callable[[Ctx], Path | str],
    message: str | None = None,
    expect: str = "error",
    check: Callable[[Result], str | None] | None = None,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
):
    @case("articles", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        path = make(ctx)
        protect = [Path(path)] if Path(path).is_file() and not Path(path).is_symlink() else []
        return Spec(
            [*QS, "extract", str(path), *extra],
            expect=expect,
            message=message,
            protect=protect,
            check=check,
            env=env,
            timeout=timeout,
        )


def quotes_of(result: Result) -> list[dict]:
    return [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def speaker_is(name: str) -> Callable[[Result], str | None]:
    def check(result: Result) -> str | None:
        speakers = [q.get("speaker") for q in quotes_of(result)]
        return None if name in speakers else f"speakers {speakers[:5]}, expected {name}"

    return check


def write_bytes(name: str, data: bytes) -> Callable[[Ctx], Path]:
    def make(ctx: Ctx) -> Path:
        path = ctx.dir / name
        path.write_bytes(data)
        return path

    return make


extract_case(
    "extract-control",
    "a sample article: 9 quotes",
    lambda c: c.copy(SAMPLES / SAMPLE_EN),
    expect="ok",
    check=lambda r: None if len(quotes_of(r)) == 9 else f"{len(quotes_of(r))} quotes",
)
extract_case(
    "extract-norwegian-control",
    "the Norwegian sample with --lang no",
    lambda c: c.copy(SAMPLES / SAMPLE_NO),
    expect="ok",
    extra=("--lang", "no"),
    check=lambda r: None if quotes_of(r) else "no quotes",
)


def _many(ctx: Ctx) -> Path:
    lines = [f"“We will win seat {i} next year,” Mr Smith{i % 7} said.\n" for i in range(4000)]
    path = ctx.dir / "many.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


extract_case(
    "extract-4000-quotes",
    "an article of 4,000 quote lines: all found within the timeout",
    _many,
    expect="ok",
    check=lambda r: None if len(quotes_of(r)) == 4000 else f"{len(quotes_of(r))} quotes",
    timeout=240,
)


def _big(ctx: Ctx) -> Path:
    path = ctx.dir / "big.txt"
    with path.open("wb") as handle:
        chunk = ("“We will win,” Mr Smith said. " * 1000 + "\n").encode()
        while handle.tell() < 50_000_000:
            handle.write(chunk)
    return path


extract_case("extract-50mb", "a 50 MB text file: refused at the size limit", _big, "byte limit")


def _fifo(ctx: Ctx) -> Path:
    path = ctx.dir / "pipe.txt"
    os.mkfifo(path)
    return path


extract_case("extract-fifo", "a FIFO named .txt: refused without waiting", _fifo, "FIFO")
extract_case("extract-dev-zero", "/dev/zero", lambda c: "/dev/zero", "/dev/zero")


def _link(target: str, name: str = "link.txt") -> Callable[[Ctx], Path]:
    def make(ctx: Ctx) -> Path:
        path = ctx.dir / name
        path.symlink_to(target)
        return path

    return make


extract_case(
    "extract-symlink-dev-zero", "a .txt symlink to /dev/zero", _link("/dev/zero"), "link.txt"
)


def _loop(ctx: Ctx) -> Path:
    path = ctx.dir / "loop.txt"
    path.symlink_to(path)
    return path


extract_case("extract-symlink-loop", "a symlink to itself", _loop, "loop.txt")
extract_case("extract-directory", "a directory", lambda c: c.dir, "is a directory")
extract_case(
    "extract-missing", "a file that does not exist", lambda c: c.dir / "nope.txt", "nope.txt"
)
extract_case("extract-stdin-dash", "'-' for standard input", lambda c: "-", "-")
extract_case("extract-empty", "an empty file", write_bytes("empty.txt", b""), "file is empty")
extract_case(
    "extract-binary",
    "a PNG named .txt",
    write_bytes("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00"),
    "binary",
)
extract_case(
    "extract-nul-inside",
    "text with NUL bytes inside",
    write_bytes("nul.txt", NEW_ARTICLE.encode() + b"\x00\x00\x00" + NEW_ARTICLE.encode()),
    "nul.txt",
)
extract_case(
    "extract-utf16-bom",
    "UTF-16 with a byte-order mark: read as text",
    write_bytes("u16.txt", LIU.encode("utf-16")),
    expect="ok",
    check=speaker_is("Liu Xiaoming"),
)
extract_case(
    "extract-utf16-no-bom",
    "UTF-16 without a byte-order mark",
    write_bytes("u16.txt", LIU.encode("utf-16-le")),
    "u16.txt",
)
extract_case(
    "extract-utf8-bom",
    "UTF-8 with a byte-order mark (Notepad)",
    write_bytes("bom.txt", codecs.BOM_UTF8 + LIU.encode()),
    expect="ok",
    check=speaker_is("Liu Xiaoming"),
)
extract_case(
    "extract-cp1252",
    "cp1252 text: names the line",
    write_bytes("cp.txt", "First line.\n“We are café people,” Mr Smith said.\n".encode("cp1252")),
    "cp.txt:2",
)
extract_case(
    "extract-cr-only",
    "old Mac line ends (CR only)",
    write_bytes("cr.txt", LIU.replace("\r\n", "\n").replace("\n", "\r").encode()),
    expect="ok",
    check=speaker_is("Liu Xiaoming"),
)
extract_case(
    "extract-hidden",
    ".hidden.txt: article id 'hidden'",
    lambda c: article(c.dir, ".hidden.txt", LIU),
    expect="ok",
    check=lambda r: (
        None
        if {q["article_id"] for q in quotes_of(r)} == {"hidden"}
        else f"ids {[q['article_id'] for q in quotes_of(r)]}"
    ),
)
extract_case(
    "extract-german",
    "German text: unsupported language",
    lambda c: article(
        c.dir,
        "de.txt",
        "Der Außenminister sagte am Freitag, die Lage sei sehr ernst und man müsse schnell "
        "handeln, um eine Eskalation zu verhindern.",
    ),
    "detected language",
)
extract_case(
    "extract-html-no-body",
    "HTML without a body: one line or no quotes",
    lambda c: article(c.dir, "page.html", "<html><head><title>x</title></head></html>"),
    "page.html",
    expect="either",
)
extract_case(
    "extract-html-script-only",
    "HTML whose body is only a script",
    lambda c: article(
        c.dir, "s.html", "<html><body><script>alert('“hi,” he said')</script></body></html>"
    ),
    "s.html",
    expect="either",
)
extract_case(
    "extract-newline-in-name",
    "an empty file whose name holds a newline",
    write_bytes("bad\nname.txt", b""),
    "name.txt",
)
extract_case(
    "extract-bad-lang",
    "--lang xx",
    lambda c: article(c.dir),
    "--lang",
    extra=("--lang", "xx"),
)
extract_case(
    "extract-max-bytes-zero",
    "--max-bytes 0",
    lambda c: article(c.dir),
    "--max-bytes",
    extra=("--max-bytes", "0"),
)
extract_case(
    "extract-max-bytes-env",
    "QUOTESTANCE_MAX_ARTICLE_BYTES=lots",
    lambda c: article(c.dir),
    "QUOTESTANCE_MAX_ARTICLE_BYTES",
    env={"QUOTESTANCE_MAX_ARTICLE_BYTES": "lots"},
)


@case("articles", "extract-bad-then-good", "an empty file then a good one: the good one is kept")
def _(ctx: Ctx) -> Spec:
    bad = ctx.dir / "empty.txt"
    bad.write_text("")
    good = ctx.copy(SAMPLES / SAMPLE_NO)
    out = ctx.dir / "q.jsonl"

    def check(result: Result) -> str | None:
        rows = jsonl(out) if out.exists() else []
        ids = {r["article_id"] for r in rows}
        return None if ids == {good.stem} else f"--out holds articles {ids}"

    return Spec(
        [*QS, "extract", str(bad), str(good), "--out", str(out)],
        message="empty.txt: file is empty",
        protect=[good],
        check=check,
    )


@case("articles", "predict-bad-then-good", "predict on an empty file then a good one")
def _(ctx: Ctx) -> Spec:
    folder = ctx.model()
    bad = ctx.dir / "empty.txt"
    bad.write_text("")
    good = article(ctx.dir)
    return Spec(
        [*QS, "predict", str(bad), str(good), "--model", str(folder)],
        message="empty.txt: file is empty",
        protect=[good, folder],
        check=lambda r: None if '"Russia"' in r.stdout else "no row for the good article",
    )


# -- config mistakes -----------------------------------------------------------------------


def config_case(
    case_id: str, expectation: str, overrides: list[str], message: str, no_run: bool = True
) -> None:
    @case("config", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        db = ctx.dir / "mlflow.db"

        def check(result: Result) -> str | None:
            if no_run and store_status(db):
                return "a run was started before the refusal"
            return None

        return Spec(
            [*smoke_argv(ctx, f"hydra.run.dir={ctx.dir}/hydra"), *overrides],
            message=message,
            check=check,
            timeout=120,
        )


config_case(
    "config-plus-misspelt", "+model.lerning_rate=1", ["+model.lerning_rate=1"], "learning_rate"
)
config_case("config-misspelt", "model.lerning_rate=1", ["model.lerning_rate=1"], "learning_rate")
config_case("config-plus-seed", "+sed=1", ["+sed=1"], "seed")
config_case("config-negative-c", "model.C=-1", ["model.C=-1"], "model.C")
config_case("config-zero-epochs", "model.epochs=0", ["model.epochs=0"], "model.epochs")
config_case("config-epochs-many", "model.epochs=many", ["model.epochs=many"], "epochs")
config_case("config-ftp-uri", "tracking.uri=ftp://x", ["tracking.uri=ftp://x"], "tracking.uri")
config_case("config-unknown-model", "model=robert", ["model=robert"], "robert")
config_case("config-unknown-task", "task=sentiment", ["task=sentiment"], "sentiment")
config_case("config-seed-text", "seed=abc", ["seed=abc"], "seed")
config_case(
    "config-missing-data",
    "data.path=/nonexistent.jsonl",
    ["data.path=/nonexistent.jsonl"],
    "/nonexistent",
    no_run=False,
)


@case("config", "config-binary-data", "data.path to a binary file")
def _(ctx: Ctx) -> Spec:
    data = ctx.dir / "data.jsonl"
    data.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    argv = smoke_argv(ctx, f"hydra.run.dir={ctx.dir}/hydra", f"data.path={data}")
    return Spec(argv, message="data.jsonl", protect=[data], timeout=120)


@case("config", "config-broken-data-line", "data.path to JSONL with a broken line")
def _(ctx: Ctx) -> Spec:
    data = ctx.dir / "data.jsonl"
    lines = FIXTURE.read_text().splitlines()
    data.write_text("\n".join([*lines[:5], "{not json", *lines[5:]]) + "\n")
    argv = smoke_argv(ctx, f"hydra.run.dir={ctx.dir}/hydra", f"data.path={data}")
    return Spec(argv, message="data.jsonl", protect=[data], timeout=120)


@case("config", "config-unreachable-server", "tracking=server on a port nothing listens on")
def _(ctx: Ctx) -> Spec:
    argv = [
        *TRAIN,
        "debug=smoke",
        f"data.path={FIXTURE}",
        "tracking=server",
        f"tracking.uri=http://127.0.0.1:{free_port()}",
        "tracking.timeout_s=2",
        f"hydra.run.dir={ctx.dir}/hydra",
    ]
    return Spec(argv, message="unreachable", timeout=60)


# -- report --------------------------------------------------------------------------------


def report_case(
    case_id: str,
    expectation: str,
    name: str,
    content: bytes | Callable[[Ctx], Path],
    message: str | None = None,
    expect: str = "error",
):
    @case("report", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        if callable(content):
            path = content(ctx)
        else:
            path = ctx.dir / name
            path.write_bytes(content)
        out = ctx.dir / "report"

        def check(result: Result) -> str | None:
            if result.rc == 0:
                return None if (out / "stance_map.html").exists() else "no stance_map.html"
            return f"{out} was created" if out.exists() else None

        return Spec(
            [*QS, "report", str(path), "--out", str(out)],
            expect=expect,
            message=message or name,
            protect=[path] if path.is_file() else [],
            check=check,
        )


def rows_bytes(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


report_case(
    "report-control", "a sound predictions file", "p.jsonl", rows_bytes(PREDICTIONS), expect="ok"
)
report_case(
    "report-dataset-control",
    "the built dataset (gold labels)",
    "quotes.jsonl",
    lambda c: c.copy(c.shared.dataset()),
    expect="ok",
)
report_case("report-binary", "a PNG", "p.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")
report_case("report-empty", "an empty file", "p.jsonl", b"", "no predictions")
report_case(
    "report-null-targets",
    "rows whose targets and stances are null",
    "p.jsonl",
    rows_bytes([{**PREDICTIONS[0], "target": None}, {**PREDICTIONS[1], "stance": None}]),
    "no rows with",
)
report_case(
    "report-semicolons",
    "a semicolon CSV",
    "p.csv",
    b"speaker;target;stance;text\nAnn;Japan;favor;Yes, indeed, yes.\n",
    "comma-separated",
)
report_case("report-directory", "a folder", "p.jsonl", lambda c: c.dir, message="a folder")
report_case(
    "report-missing", "a file that does not exist", "nope.jsonl", lambda c: c.dir / "nope.jsonl"
)
report_case(
    "report-bad-line",
    "a broken JSON line in the middle",
    "p.jsonl",
    rows_bytes(PREDICTIONS[:2]) + b"{oops\n" + rows_bytes(PREDICTIONS[2:]),
    "p.jsonl:3",
)
report_case(
    "report-json-array",
    "a JSON array instead of JSON lines",
    "p.jsonl",
    json.dumps(PREDICTIONS).encode(),
    "p.jsonl:1",
)
report_case(
    "report-prob-text",
    "a probability that is text ('high')",
    "p.jsonl",
    rows_bytes([{**PREDICTIONS[0], "stance_prob_against": "high"}, *PREDICTIONS[1:]]),
    "p.jsonl",
    expect="either",
)
report_case(
    "report-odd-types",
    "a speaker that is a number and a target that is an object",
    "p.jsonl",
    rows_bytes([{**PREDICTIONS[0], "speaker": 123, "target": {"a": 1}}, *PREDICTIONS[1:]]),
    "p.jsonl",
    expect="either",
)
report_case(
    "report-unknown-stance",
    "a stance that is not a label ('angry')",
    "p.jsonl",
    rows_bytes([{**PREDICTIONS[0], "stance": "angry"}, *PREDICTIONS[1:]]),
    "p.jsonl",
    expect="either",
)
report_case(
    "report-latin1-csv",
    "a latin-1 CSV",
    "p.csv",
    "speaker,target,stance\nJosé,Japan,favor\n".encode("latin-1"),
    "not UTF-8",
)


# -- serving -------------------------------------------------------------------------------

PYFUNC = """
import json, sys
import pandas as pd
import mlflow.pyfunc
from mlflow.exceptions import MlflowException
from quotestance.errors import QuotestanceError
folder, rows = sys.argv[1], json.loads(sys.argv[2])
try:
    model = mlflow.pyfunc.load_model(folder)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame({"text": [], "target": []})
    print(model.predict(frame).to_json(orient="records"))
except (MlflowException, QuotestanceError) as exc:  # what a server answers 400 with
    print("error:", str(exc).strip() or repr(exc), file=sys.stderr)
    sys.exit(1)
"""


def pyfunc_case(case_id, expectation, rows, message=None, expect="error", damage=None):
    @case("serving", case_id, expectation)
    def build(ctx: Ctx) -> Spec:
        folder = ctx.model()
        if damage:
            damage(ctx, folder / "artifacts" / "model")

        def check(result: Result) -> str | None:
            if expect != "ok":
                return None
            got = json.loads(result.stdout.strip().splitlines()[-1])
            return None if len(got) == len(rows) and "label" in got[0] else f"answer {got!r}"

        return Spec(
            [PY, "-c", PYFUNC, str(folder), json.dumps(rows)],
            expect=expect,
            message=message,
            protect=[folder],
            marker=ctx.marker(),
            check=check,
            timeout=120,
        )


pyfunc_case(
    "pyfunc-control",
    "the exported pyfunc answers two rows (what mlflow models serve runs)",
    [{"text": "We condemn it.", "target": "Japan"}, {"text": "Russia lies.", "target": "Russia"}],
    expect="ok",
)
pyfunc_case(
    "pyfunc-null-target",
    "a row with a null target: refused, row named",
    [{"text": "We condemn it.", "target": None}],
    "row(s) have no",
)
pyfunc_case(
    "pyfunc-null-text",
    "a row with a null text and one blank",
    [{"text": None, "target": "Japan"}, {"text": "  ", "target": "Japan"}],
    "row(s) have no",
)
pyfunc_case(
    "pyfunc-missing-column",
    "rows without a target column",
    [{"text": "We condemn it."}],
    "target",
)
pyfunc_case("pyfunc-empty", "no rows at all", [], expect="either")
pyfunc_case(
    "pyfunc-crafted-skops",
    "loading an exported folder whose model.skops is crafted: refused, nothing runs",
    [{"text": "We condemn it.", "target": "Japan"}],
    "model.skops",
    damage=lambda c, p: runstring_skops(
        p / "model.skops",
        c.marker(),
        "numpy.testing._private.utils",
        "runstring",
        f"open({str(c.marker())!r}, 'w').write('ran')",
    ),
)


@case("serving", "register-unknown-run", "register a run id the store does not have")
def _(ctx: Ctx) -> Spec:
    argv = [*QS, "register", "e" * 32, "--tracking-uri", f"sqlite:///{ctx.dir}/mlflow.db"]
    return Spec(argv, message="e" * 32)


# -- judging -------------------------------------------------------------------------------

NOISE = re.compile(r"^(Usage: |Try '.+' for help\.$)")
SUMMARIES = (
    re.compile(r"^error: \d+ of \d+ files could not be read$"),
    re.compile(r"^\d+ articles, \d+ quotes, "),
)


def significant(text: str) -> list[str]:
    """stderr's lines, less click's usage banner and the summary lines of a multi-file run."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip()
        and not NOISE.match(line.strip())
        and not any(s.match(line.strip()) for s in SUMMARIES)
    ]


@dataclass
class Outcome:
    case: Case
    command: str
    outcome: str
    detail: str
    first_line: str
    seconds: float


def judge(spec: Spec, result: Result, before: dict[str, str]) -> tuple[str, str]:
    output = result.stdout + result.stderr
    if result.timed_out:
        return "hang", f"no answer after {result.seconds:.0f} s"
    findings = []
    if spec.marker is not None and spec.marker.exists():
        findings.append(f"the payload ran ({spec.marker.name} created)")
    if spec.security is not None:
        findings += spec.security()
    if findings:
        more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
        return "security", "; ".join(findings[:3]) + more
    gone = lost(before, digest([Path(p) for p in before] if before else []))
    if gone:
        return "data loss", "; ".join(gone[:3])
    if "Traceback (most recent call last)" in output:
        return "traceback", "a Python traceback"
    lines = spec.lines(output) if spec.lines else significant(result.stderr)
    problem = spec.check(result) if spec.check else None
    if result.rc == 0:
        if spec.expect == "error":
            return "wrong", "exit 0 for bad input" + (f"; {problem}" if problem else "")
        return ("wrong", problem) if problem else ("clean", "")
    if spec.expect == "ok":
        return "wrong", f"exit {result.rc} for good input" + (f"; {problem}" if problem else "")
    if len(lines) != 1:
        return "traceback", f"a {len(lines)}-line error"
    if spec.message and spec.message not in lines[0]:
        return "wrong", f"the error does not say {spec.message!r}"
    if problem:
        return "wrong", problem
    return "clean", ""


def shown(text: str, ctx: Ctx) -> str:
    text = text.replace(str(ctx.dir), "CASE").replace(str(ctx.root), "TMP").replace(PY, "python")
    text = text.replace(str(ROOT) + "/", "")
    return text


def run_case(item: Case, root: Path, shared: Shared) -> Outcome:
    ctx = Ctx(root / item.id, shared, root)
    ctx.dir.mkdir()
    try:
        spec = item.build(ctx)
    except Exception as exc:  # the case could not be set up: say so, do not count it clean
        return Outcome(item, "", "wrong", f"setup failed: {exc}"[:300], "", 0.0)
    before = digest(spec.protect)
    try:
        if spec.custom is not None:
            result = spec.custom()
        else:
            assert spec.argv is not None
            result = run(spec.argv, ctx.dir, spec.timeout, spec.env)
    except Exception as exc:  # a step of the case itself went wrong: say so, do not stop
        return Outcome(item, "", "wrong", f"the case could not run: {exc}"[:300], "", 0.0)
    outcome, detail = judge(spec, result, before)
    lines = significant(result.stderr)
    first = lines[0] if lines else ""
    if spec.lines is not None:
        own = spec.lines(result.stdout + result.stderr)
        first = own[0] if own else first
    if outcome == "traceback" and "Traceback (most recent call last)" in result.stderr:
        # the exception itself: the last line of the traceback that is not indented
        raised = [
            x
            for x in result.stderr.splitlines()
            if x.strip() and not x[0].isspace() and not x.startswith("Set the environment")
        ]
        first = raised[-1] if raised else first
    argv = spec.argv or []
    command = shown(" ".join(a if " " not in a and a else repr(a) for a in argv), ctx)
    if len(command) > 160:
        command = command[:157] + "..."
    return Outcome(
        item,
        command,
        outcome,
        shown(detail, ctx),
        shown(first, ctx)[:200],
        result.seconds,
    )


def cell(text: str, code: bool = True) -> str:
    """``text`` as one table cell: control characters shown, pipes escaped, and as code
    (where nothing is markup) unless it holds a backtick or ``code`` is false."""
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    text = text.replace("|", "\\|")
    if not text:
        return ""
    if code and "`" not in text:
        return f"`{text}`"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown(outcomes: list[Outcome], seconds: float) -> str:
    counts = {name: sum(o.outcome == name for o in outcomes) for name in OUTCOMES}
    lines = [
        "# Hostile and careless inputs",
        "",
        f"`python benchmarks/hostile.py`: {len(outcomes)} cases in {seconds / 60:.1f} minutes. "
        "Each case runs in a fresh folder as a subprocess with a timeout; a case is clean when "
        "it exits as expected with one error line naming the file or key (or, for good input, "
        "exit 0 with the right output) and no user file changed.",
        "",
        "| cases tried | clean | tracebacks | hangs | data losses | security findings | wrong |",
        "|---|---|---|---|---|---|---|",
        f"| {len(outcomes)} | {counts['clean']} | {counts['traceback']} | {counts['hang']} | "
        f"{counts['data loss']} | {counts['security']} | {counts['wrong']} |",
        "",
        "| id | area | case | command | outcome | first line of stderr |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        outcome = "clean" if o.outcome == "clean" else f"**{o.outcome}**: {cell(o.detail, False)}"
        lines.append(
            f"| {o.case.id} | {o.case.area} | {cell(o.case.expectation, False)} "
            f"| {cell(o.command)} | {outcome} | {cell(o.first_line)} |"
        )
    not_clean = [o for o in outcomes if o.outcome != "clean"]
    if not_clean:
        lines += ["", "## Not clean", ""]
        for o in not_clean:
            lines.append(
                f"- **{o.case.id}** ({o.outcome}): {cell(o.detail, False)} — {cell(o.first_line)}"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="an area (or case id) to run; repeatable")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"write the tables here (default: {REPORT.relative_to(ROOT)}, for a full run only)",
    )
    args = parser.parse_args(argv)
    chosen = CASES
    if args.only:
        wanted = {w.lower().lstrip("-") for w in args.only}  # --only out: the --out cases
        chosen = [
            c for c in CASES if c.area.lower().lstrip("-") in wanted or c.id.lower() in wanted
        ]
        if not chosen:
            areas = sorted({c.area for c in CASES})
            print(f"error: no case in {sorted(wanted)}; areas: {areas}", file=sys.stderr)
            return 2
    if args.list:
        for c in chosen:
            print(f"{c.id:32} {c.area:16} {c.expectation}")
        print(f"{len(chosen)} cases")
        return 0
    root = Path(tempfile.mkdtemp(prefix="quotestance-hostile-"))
    shared = Shared(root)
    outcomes: list[Outcome] = []
    began = time.monotonic()
    try:
        for number, item in enumerate(chosen, 1):
            outcome = run_case(item, root, shared)
            outcomes.append(outcome)
            print(
                f"[{number}/{len(chosen)}] {item.id}: {outcome.outcome} ({outcome.seconds:.1f} s)"
                + (f" {outcome.detail}" if outcome.detail else ""),
                file=sys.stderr,
                flush=True,
            )
    finally:
        for pid in list(_RUNNING):
            kill_group(pid)
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            for folder in root.rglob("*"):  # a locked folder of a case, as a user
                if folder.is_dir() and not folder.is_symlink():
                    folder.chmod(0o755)
            shutil.rmtree(root, ignore_errors=True)
    text = markdown(outcomes, time.monotonic() - began)
    print(text)
    target = args.out or (REPORT if not args.only else None)
    if target is not None:
        from quotestance.io import atomic_write_text

        atomic_write_text(target, text)
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
