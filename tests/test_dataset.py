"""The labelled quote dataset: targets, labels, splits, the annotation round trip, loading."""

import csv
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from quotestance.cli import app
from quotestance.dataset import assign_splits, build_dataset, find_targets, load_quote_dataset
from quotestance.dataset.annotations import load_annotations
from quotestance.extract import extract_file

runner = CliRunner()
GOLD = ROOT / "data" / "annotations" / "gold.jsonl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    result = build_dataset(SAMPLES, GOLD, out)
    return out, result


def targets_of(extract, text, lang):
    quotes = extract(text, lang)
    return [
        [(t.name, t.qid, t.via) for t in find_targets(q, _text(text), quotes[:i])]
        for i, q in enumerate(quotes)
    ]


def _text(text):
    return text


# -- targets ------------------------------------------------------------------------------


def test_english_aliases_and_metonyms(extract):
    got = targets_of(
        extract,
        "Mr Liu complained that the DPRK's gestures had not been met with such action from "
        "Washington, and that Beijing and Seoul were left out.",
        "en",
    )
    assert got == [
        [
            ("North Korea", "Q423", "alias"),
            ("United States", "Q30", "alias"),
            ("China", "Q148", "alias"),
            ("South Korea", "Q884", "alias"),
        ]
    ]


def test_possessive_points_back_at_the_last_named_other_side(extract):
    got = targets_of(
        extract,
        "“We are concerned about the US’ intention to use Korean peninsula issues as a tool "
        "for containing China,” Chinese envoy Liu Xiaoming told AFP.\n"
        "“It’s part of their Indo-Pacific strategy... to gang up allies,” he added.",
        "en",
    )
    assert got[1] == [("United States", "Q30", "pronoun")]  # not China, the speaker's side


def test_norwegian_aliases_genitives_and_demonyms(extract):
    got = targets_of(
        extract,
        "– Det angivelige militærsamarbeidet mellom Nord-Korea og Moskva er i strid med Kinas "
        "interesser og en trussel mot USAs allierte og nordkoreanske naboer, sa Park Jin.",
        "no",
    )
    assert got == [
        [
            ("North Korea", "Q423", "alias"),
            ("Russia", "Q159", "alias"),
            ("China", "Q148", "alias"),
            ("United States", "Q30", "alias"),
        ]
    ]


def test_people_in_the_entity_table_are_targets(extract):
    got = targets_of(
        extract,
        "Landene mistenker at Nord-Koreas leder Kim Jong-un ønsker russisk teknologi.",
        "no",
    )
    assert ("Kim Jong Un", "Q56226", "alias") in got[0]


# -- the built dataset ----------------------------------------------------------------------


def test_every_pair_of_the_samples_has_a_gold_label(built):
    _, result = built
    assert result.rows and all(r["label_source"] == "gold" for r in result.rows)
    assert all(r["rationale"] for r in result.rows)


def test_no_article_in_two_splits_or_folds(built):
    _, result = built
    by_article: dict[str, set] = {}
    for r in result.rows:
        by_article.setdefault(r["article_id"], set()).add((r["split"], r["fold"]))
    assert all(len(v) == 1 for v in by_article.values())
    assert len({next(iter(v))[1] for v in by_article.values()}) == 3  # one fold per article


def test_split_assignment_is_stable_and_by_article():
    ids = [f"a{i}" for i in range(20)]
    first = assign_splits(ids)
    assert first == assign_splits(list(reversed(ids)))
    counts = {s: sum(1 for v in first.values() if v[0] == s) for s in ("train", "dev", "test")}
    assert counts == {"train": 14, "dev": 2, "test": 4}


def test_card_counts_match_the_build(built):
    out, _ = built
    card_rows = [
        line
        for line in (out / "README.md").read_text().splitlines()
        if line.startswith("| ") and not line.startswith("| what")
    ]
    docs = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    for row in card_rows:
        assert row in docs, f"docs/dataset.md does not say {row!r}"


def test_parquet_copy_matches_jsonl(built):
    import pandas as pd

    out, result = built
    frame = pd.read_parquet(out / "quotes.parquet")
    assert list(frame["pair_id"]) == [r["pair_id"] for r in result.rows]


def test_load_as_datasetdict_with_classlabels(built):
    out, result = built
    data = load_quote_dataset(out / "quotes.jsonl")
    assert set(data) == {"train", "dev", "test"}
    assert sum(len(data[s]) for s in data) == len(result.rows)
    assert data["train"].features["stance"].names == ["favor", "against", "neutral"]
    assert data["train"].features["claim_type"].names == [
        "fact",
        "opinion",
        "prediction",
        "appeal",
    ]


def test_weak_labels_fill_pairs_without_gold(tmp_path):
    out = tmp_path / "processed"
    result = build_dataset(SAMPLES, tmp_path / "none.jsonl", out)
    accused = [r for r in result.rows if r["cue"] == "accused"]
    assert accused[0]["target"] == "United States"
    assert (accused[0]["stance"], accused[0]["label_source"]) == ("against", "weak")
    assert accused[0]["weak_rule"].startswith("cue:accuse")
    assert accused[1]["stance"] is None  # only the object of the verb
    appeal = [r for r in result.rows if r["cue"] == "oppfordrer"]
    assert {r["claim_type"] for r in appeal} == {"appeal"}


def test_gold_wins_over_weak(built):
    _, result = built
    row = next(r for r in result.rows if r["cue"] == "accused" and r["target"] == "North Korea")
    assert row["label_source"] == "gold" and row["stance"] == "neutral"


def test_stale_gold_labels_are_an_error(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        GOLD.read_text()
        + json.dumps(
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
    )
    with pytest.raises(Exception, match="no longer produces"):
        build_dataset(SAMPLES, gold, tmp_path / "out")


# -- the annotation round trip --------------------------------------------------------------


@pytest.fixture
def unlabelled(tmp_path):
    out = tmp_path / "processed"
    build_dataset(SAMPLES, tmp_path / "gold.jsonl", out)
    return out / "quotes.jsonl", tmp_path / "gold.jsonl"


def fill(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["pair_id", "stance", "claim_type", "rationale"]
        )
        writer.writeheader()
        writer.writerows(rows)


def test_round_trip(unlabelled, tmp_path):
    dataset, gold = unlabelled
    export = tmp_path / "to_label.csv"
    ls = tmp_path / "ls.json"
    result = runner.invoke(
        app,
        [
            "annotate",
            "export",
            "--dataset",
            str(dataset),
            "--out",
            str(export),
            "--label-studio",
            str(ls),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    pairs = len(dataset.read_text().splitlines())  # none has a gold label yet
    assert len(rows) == pairs == len(json.loads(ls.read_text())) and pairs >= 66
    rows[0].update(stance="against", claim_type="opinion", rationale="accusation")
    rows[1].update(stance="Neutral ", claim_type="opinion")
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(
        app,
        ["annotate", "import", str(export), "--dataset", str(dataset), "--annotations", str(gold)],
    )
    assert result.exit_code == 0, result.output
    saved = load_annotations(gold)
    assert {a.stance for a in saved.values()} == {"against", "neutral"}
    assert saved[rows[0]["pair_id"]].rationale == "accusation"
    # exporting again leaves out what is labelled
    result = runner.invoke(
        app,
        ["annotate", "export", "--dataset", str(dataset), "--out", str(tmp_path / "again.csv")],
    )
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"pair_id": "nope:Q30", "stance": "against", "claim_type": "fact"},
            r"filled.csv:3: unknown pair_id 'nope:Q30'",
        ),
        (
            {"pair_id": "{ok}", "stance": "angry", "claim_type": "fact"},
            r"filled.csv:3: unknown stance 'angry'",
        ),
        (
            {"pair_id": "{ok}", "stance": "favor", "claim_type": "rumour"},
            r"filled.csv:3: unknown claim_type 'rumour'",
        ),
        (
            {"pair_id": "{first}", "stance": "favor", "claim_type": "fact"},
            r"filled.csv:3: duplicate pair_id .* \(first on line 2\)",
        ),
        (
            {"pair_id": "{ok}", "stance": "favor", "claim_type": ""},
            r"filled.csv:3: label both stance and claim_type, or neither",
        ),
    ],
)
def test_bad_rows_are_errors_with_file_and_line(unlabelled, tmp_path, row, message):
    dataset, gold = unlabelled
    ids = [json.loads(line)["pair_id"] for line in dataset.read_text().splitlines()]
    row = {k: v.format(ok=ids[1], first=ids[0]) for k, v in row.items()}
    filled = tmp_path / "filled.csv"
    fill(filled, [{"pair_id": ids[0], "stance": "favor", "claim_type": "fact"}, row])
    result = runner.invoke(
        app,
        ["annotate", "import", str(filled), "--dataset", str(dataset), "--annotations", str(gold)],
    )
    assert result.exit_code == 1
    assert re.search(message, result.output), result.output
    assert not gold.exists()  # nothing merged when any row is bad


def test_labelled_pairs_are_not_overwritten_without_force(unlabelled, tmp_path):
    dataset, gold = unlabelled
    first = json.loads(dataset.read_text().splitlines()[0])["pair_id"]
    filled = tmp_path / "filled.csv"
    fill(filled, [{"pair_id": first, "stance": "favor", "claim_type": "fact"}])
    args = [
        "annotate",
        "import",
        str(filled),
        "--dataset",
        str(dataset),
        "--annotations",
        str(gold),
    ]
    assert runner.invoke(app, args).exit_code == 0
    fill(filled, [{"pair_id": first, "stance": "against", "claim_type": "fact"}])
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "--force" in result.output
    assert load_annotations(gold)[first].stance == "favor"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert load_annotations(gold)[first].stance == "against"


def test_export_refuses_to_overwrite(unlabelled, tmp_path):
    dataset, _ = unlabelled
    out = tmp_path / "mine.csv"
    out.write_text("my labels\n")
    result = runner.invoke(
        app, ["annotate", "export", "--dataset", str(dataset), "--out", str(out)]
    )
    assert result.exit_code == 1 and out.read_text() == "my labels\n"


def test_bad_gold_file_names_the_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"pair_id": "a", "quote_id": "q", "target": "X", "stance": "favor", '
        '"claim_type": "fact"}\nnot json\n'
    )
    with pytest.raises(Exception, match=r"gold.jsonl:2: not valid JSON"):
        load_annotations(gold)


# -- the DVC stage --------------------------------------------------------------------------


def test_dvc_stage_declares_real_deps():
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["build_dataset"]
    for dep in stage["deps"]:
        assert (ROOT / dep).exists(), dep
    # every module the build reads, and every one those read in turn ("extract" reads
    # "offices"), is a dep; errors, io and log shape no output, and the stage runs without
    # the Norwegian pipeline (QUOTESTANCE_NORWEGIAN_MODEL=none), so norwegian_model neither
    assert "QUOTESTANCE_NORWEGIAN_MODEL=none" in stage["cmd"]
    package = ROOT / "src/quotestance"
    seen, todo = set(), ["dataset"]
    while todo:
        module = todo.pop()
        if module in seen or module in {"errors", "io", "log", "norwegian_model"}:
            continue
        seen.add(module)
        files = list((package / module).glob("*.py")) or [package / f"{module}.py"]
        source = "\n".join(f.read_text() for f in files if f.exists())
        todo += re.findall(r"from quotestance\.(\w+)", source)
    for module in seen:
        assert any(dep.startswith(f"src/quotestance/{module}") for dep in stage["deps"]), module
    outs = [next(iter(o)) if isinstance(o, dict) else o for o in stage["outs"]]
    assert "data/processed/quotes.jsonl" in outs


def test_samples_are_read_only_inputs():
    assert sorted(p.name for p in SAMPLES.iterdir()) == [
        "000_19a6ae6c093676fb.txt",
        "001_f65c8cd2c888a781.txt",
        "002_7a163f6565026dd5.txt",
    ]
    quotes = extract_file(SAMPLES / "000_19a6ae6c093676fb.txt")
    assert quotes  # and reading never writes: the build only writes under --out


def _gold_run(unlabelled, tmp_path, rows, *extra):
    dataset, gold = unlabelled
    filled = tmp_path / "filled.csv"
    with filled.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    args = ["annotate", "import", str(filled), "--dataset", str(dataset)]
    return runner.invoke(app, [*args, "--annotations", str(gold), *extra])


def test_a_csv_without_rationales_keeps_the_stored_ones(unlabelled, tmp_path):
    dataset, gold = unlabelled
    first = json.loads(dataset.read_text().splitlines()[0])["pair_id"]
    row = {"pair_id": first, "stance": "favor", "claim_type": "fact", "rationale": "praise"}
    assert _gold_run(unlabelled, tmp_path, [row]).exit_code == 0
    bare = {k: v for k, v in row.items() if k != "rationale"}
    result = _gold_run(unlabelled, tmp_path, [bare])
    assert result.exit_code == 0, result.output
    assert load_annotations(gold)[first].rationale == "praise"
    # even with --force a missing column is not an instruction to empty it
    assert _gold_run(unlabelled, tmp_path, [bare], "--force").exit_code == 0
    assert load_annotations(gold)[first].rationale == "praise"


def test_changing_only_a_rationale_needs_force(unlabelled, tmp_path):
    dataset, gold = unlabelled
    first = json.loads(dataset.read_text().splitlines()[0])["pair_id"]
    row = {"pair_id": first, "stance": "favor", "claim_type": "fact", "rationale": "praise"}
    assert _gold_run(unlabelled, tmp_path, [row]).exit_code == 0
    result = _gold_run(unlabelled, tmp_path, [{**row, "rationale": ""}])
    assert result.exit_code == 1
    assert "rationale" in result.output and "--force" in result.output
    assert load_annotations(gold)[first].rationale == "praise"
    result = _gold_run(unlabelled, tmp_path, [{**row, "rationale": "new"}], "--force")
    assert result.exit_code == 0, result.output
    assert "1 changed (1 rationale)" in result.output
    assert load_annotations(gold)[first].rationale == "new"


def test_export_neutralises_formulas_and_import_restores_them(unlabelled, tmp_path):
    dataset, gold = unlabelled
    rows = [json.loads(line) for line in dataset.read_text().splitlines()]
    rows[0]["speaker"] = '=HYPERLINK("http://x")'
    rows[0]["text"] = "@SUM(A1)"
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text("".join(json.dumps(r) + "\n" for r in rows))
    export = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["annotate", "export", "--dataset", str(hostile), "--out", str(export)]
    )
    assert result.exit_code == 0, result.output
    cells = list(csv.DictReader(export.open(encoding="utf-8")))
    assert cells[0]["speaker"] == '\'=HYPERLINK("http://x")' and cells[0]["quote"] == "'@SUM(A1)"
    cells[0].update(stance="favor", claim_type="fact", rationale="-- a note, not a formula")
    result = _gold_run((hostile, gold), tmp_path, [cells[0]])
    assert result.exit_code == 0, result.output
    assert load_annotations(gold)[cells[0]["pair_id"]].rationale == "-- a note, not a formula"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'tis", "'tis"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_csv_cells_round_trip(value, written):
    from quotestance.io import neutralise_cell, restore_cell

    assert neutralise_cell(value) == written
    assert restore_cell(written) == value


def test_a_semicolon_csv_names_the_delimiter(unlabelled, tmp_path):
    dataset, gold = unlabelled
    filled = tmp_path / "filled.csv"
    filled.write_text("pair_id;stance;claim_type\nx;favor;fact\n", encoding="utf-8")
    args = ["annotate", "import", str(filled), "--dataset", str(dataset)]
    result = runner.invoke(app, [*args, "--annotations", str(gold)])
    assert result.exit_code == 1
    assert "filled.csv:1: expected comma-separated values" in result.output


def test_a_cp1252_csv_names_the_line(unlabelled, tmp_path):
    dataset, gold = unlabelled
    first = json.loads(dataset.read_text().splitlines()[0])["pair_id"]
    filled = tmp_path / "filled.csv"
    filled.write_bytes(
        f"pair_id,stance,claim_type,rationale\n{first},favor,fact,caf\xe9\n".encode("cp1252")
    )
    args = ["annotate", "import", str(filled), "--dataset", str(dataset)]
    result = runner.invoke(app, [*args, "--annotations", str(gold)])
    assert result.exit_code == 1
    assert "filled.csv:2: not valid UTF-8" in result.output


@pytest.mark.slow
def test_a_bad_gold_line_leaves_the_built_dataset_in_place(tmp_path):
    """`dvc repro` with a broken gold file fails with one line and keeps the last build;
    every output, stats.json included, can be restored with `dvc checkout`."""
    import shutil
    import subprocess
    import sys

    project = tmp_path / "project"
    for part in ("dvc.yaml", "data/raw/articles", "data/annotations", "src/quotestance"):
        source, target = ROOT / part, project / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}

    def run(*args):
        return subprocess.run(
            list(args), cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    repro = ["dvc", "repro", "-q", "build_dataset"]
    for args in (["git", "init", "-q"], ["dvc", "init", "-q"], repro):
        done = run(*args)
        assert done.returncode == 0, done.stderr
    processed = project / "data" / "processed"
    outputs = {"quotes.jsonl", "quotes.parquet", "README.md", "stats.json"}
    built = {p.name: p.read_bytes() for p in processed.iterdir() if p.name in outputs}
    assert set(built) == outputs
    gold = project / "data" / "annotations" / "gold.jsonl"
    bad_line = len(gold.read_text().splitlines()) + 1
    gold.write_text(gold.read_text() + "{not json\n")
    failed = run("dvc", "repro", "build_dataset")
    assert failed.returncode != 0
    assert f"gold.jsonl:{bad_line}: not valid JSON" in failed.stdout + failed.stderr
    assert {p.name: p.read_bytes() for p in processed.iterdir() if p.name in outputs} == built
    for name in built:
        (processed / name).unlink()
    restored = run("dvc", "checkout", "-q", "--force", "build_dataset")
    assert restored.returncode == 0, restored.stderr
    assert {p.name: p.read_bytes() for p in processed.iterdir() if p.name in outputs} == built
