"""Word lists as data: speech verbs, cue phrases, titles, pronouns and source nouns per language.

Every list lives in ``quotestance/resources/<lang>/`` (or a folder the user points to) so that a
user extends extraction by editing a file, not code. A malformed row is an ``InputError`` naming
the file and line.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from quotestance.errors import InputError

LANGUAGES = ("en", "no")
FRAMES = ("say", "object", "appeal", "commit", "as")
REFERENTS = ("person", "group", "thing", "self", "addressee")
# What kind of attribution a quote is (resources/<lang>/cue_classes.tsv): said, written,
# believed, planned, found by a document, or asked.
CUE_CLASSES = ("speech", "written", "thought", "plan", "source", "question")
CUE_CLASS_AS = ("cue", "speaker")
# The classes extraction keeps unless told otherwise: what a news reader takes for a quote.
# Speech and writing are quotes in every corpus; a finding of a report or poll is cited the
# way a person is ("according to the report", "a study found"); a belief given to a named or
# described source ("Officials worry that", "Kennedy believes", "mener") is, in news copy,
# the view that source put to the reporter, and readers read it as what they said. Plans and
# intentions ("promised to", "wants to") report what someone will do rather than a claim,
# and a question ("asked why") claims nothing: PolNeAR counts both as attributions, quote
# corpora do not, so they are kept only when asked for (``cues=``).
DEFAULT_CUES = frozenset({"speech", "written", "thought", "source"})


def resource_dir() -> Path:
    return Path(str(resources.files("quotestance") / "resources"))


def read_table(
    path: Path, columns: tuple[str, ...], required: int = 0
) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated file with a header, skipping blank and ``#`` lines.

    Returns ``(line_number, fields)``; missing trailing fields are empty strings. The column
    numbered ``required`` must not be empty.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read word list ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, "word list is not valid UTF-8") from exc
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        if not header_seen:
            if tuple(f.strip() for f in fields) != columns:
                raise InputError(
                    path, f"header must be {'<TAB>'.join(columns)!r}, got {raw!r}", number
                )
            header_seen = True
            continue
        if len(fields) > len(columns):
            raise InputError(
                path, f"expected {len(columns)} tab-separated columns, got {len(fields)}", number
            )
        fields = [f.strip() for f in fields] + [""] * (len(columns) - len(fields))
        if required >= 0 and not fields[required]:
            raise InputError(path, f"empty {columns[required]!r}", number)
        rows.append((number, fields))
    if not header_seen:
        raise InputError(path, "no header line")
    return rows


def read_list(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read word list ({exc.strerror})") from exc
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass(frozen=True)
class Verb:
    lemma: str
    frame: str  # one frame, or several tried in order: "say|object"
    form: str  # the surface form, lower-case, possibly several words

    def has(self, *frames: str) -> bool:
        return any(f in self.frame.split("|") for f in frames)


@dataclass(frozen=True)
class Lexicon:
    lang: str
    verbs: dict[str, Verb]  # lower-case surface form (one or more words) -> verb
    lemmas: dict[str, str]  # lemma -> frame
    cue_phrases: tuple[str, ...]
    titles: frozenset[str]
    pronouns: dict[str, str]
    source_nouns: frozenset[str]
    colon_labels: frozenset[str]
    cue_classes: dict[str, str] = field(default_factory=dict)  # lemma or phrase -> class
    speaker_classes: dict[str, str] = field(default_factory=dict)  # head noun -> class
    # nouns a text calls a person it has named by ("spissen", "21-åringen"), indefinite
    role_nouns: frozenset[str] = frozenset()
    # titles that are part of a peer's name ("Lord Goldsmith"), capitalised before the name
    peer_titles: frozenset[str] = frozenset()
    # words after a speech verb that make it another verb ("sier opp": lays off)
    particles: frozenset[str] = frozenset()
    # titles a first name may follow alone ("Sir Edward"), not only a surname ("Mr Howard")
    first_name_titles: frozenset[str] = frozenset()
    # phrases a letter closes with before its writer's name ("Mvh Gro Kyte")
    sign_offs: frozenset[str] = frozenset()
    # words before a place name that make it a location ("in Iowa", "til New York")
    locatives: frozenset[str] = frozenset()

    def referring_to(self, ref: str) -> frozenset[str]:
        """The pronouns of one referent (``REFERENTS``): "self" gives "i", "we" / "jeg", "vi"."""
        return frozenset(w for w, r in self.pronouns.items() if r == ref)

    def cue_class(self, cue: str) -> str:
        """The class of a cue given as a lemma, a cue phrase or a surface form ("said")."""
        low = " ".join(cue.lower().split())
        if low in self.cue_classes:
            return self.cue_classes[low]
        verb = self.verbs.get(low)
        if verb is not None and verb.lemma in self.cue_classes:
            return self.cue_classes[verb.lemma]
        return "speech"

    @property
    def max_verb_words(self) -> int:
        return max((len(f.split()) for f in self.verbs), default=1)

    def verb_at(self, words: list[str], i: int) -> Verb | None:
        """The longest verb form starting at ``words[i]`` (lower-cased comparison)."""
        for n in range(min(self.max_verb_words, len(words) - i), 0, -1):
            form = " ".join(w.lower() for w in words[i : i + n])
            if form in self.verbs:
                return self.verbs[form]
        return None


@functools.cache
def load_lexicon(lang: str, folder: str | None = None) -> Lexicon:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    base = (Path(folder) if folder else resource_dir()) / lang
    verbs: dict[str, Verb] = {}
    lemmas: dict[str, str] = {}
    path = base / "speech_verbs.tsv"
    for number, (lemma, frame, forms) in read_table(path, ("lemma", "frame", "forms")):
        if not frame or any(f not in FRAMES for f in frame.split("|")):
            raise InputError(
                path,
                f"unknown frame {frame!r}; expected one or more of {FRAMES} joined by |",
                number,
            )
        lemmas[lemma.lower()] = frame
        for form in {lemma, *(f.strip() for f in forms.split(",") if f.strip())}:
            verbs[form.lower()] = Verb(lemma.lower(), frame, form.lower())
    phrases = tuple(
        p.lower() for _, (p, _pos) in read_table(base / "cue_phrases.tsv", ("phrase", "position"))
    )
    pronouns: dict[str, str] = {}
    path = base / "pronouns.tsv"
    for number, (pronoun, ref) in read_table(path, ("pronoun", "refers_to")):
        if ref not in REFERENTS:
            raise InputError(
                path, f"unknown referent {ref!r}; expected one of {REFERENTS}", number
            )
        pronouns[pronoun.lower()] = ref
    cue_classes, speaker_classes = read_cue_classes(base / "cue_classes.tsv")
    roles = base / "role_nouns.txt"  # optional: nouns for a person the text named before
    peers = base / "peer_titles.txt"  # optional: titles that are part of a peer's name
    particles = base / "particles.txt"  # optional: words that make a speech verb another
    given = base / "first_name_titles.txt"  # optional: titles a first name may follow alone
    sign_offs = base / "sign_offs.txt"  # optional: a letter's closing before its writer
    locatives = base / "locatives.txt"  # optional: words that make a name a location
    return Lexicon(
        lang=lang,
        verbs=verbs,
        lemmas=lemmas,
        cue_phrases=tuple(sorted(phrases, key=len, reverse=True)),
        titles=frozenset(t.lower() for t in read_list(base / "titles.txt")),
        pronouns=pronouns,
        source_nouns=frozenset(s.lower() for s in read_list(base / "source_nouns.txt")),
        colon_labels=frozenset(s.lower() for s in read_list(base / "colon_labels.txt")),
        cue_classes=cue_classes,
        speaker_classes=speaker_classes,
        role_nouns=_optional_list(roles),
        peer_titles=_optional_list(peers),
        particles=_optional_list(particles),
        first_name_titles=_optional_list(given),
        sign_offs=_optional_list(sign_offs),
        locatives=_optional_list(locatives),
    )


def _optional_list(path: Path) -> frozenset[str]:
    """A word list a language may do without: its lower-case words, none where it is absent."""
    return frozenset(s.lower() for s in read_list(path)) if path.exists() else frozenset()


def read_cue_classes(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(cue -> class, speaker noun -> class) from a ``word, class, as`` table. A folder
    without the file gives no classes: every cue is speech."""
    cues: dict[str, str] = {}
    speakers: dict[str, str] = {}
    if not path.exists():
        return cues, speakers
    for number, (word, cls, kind) in read_table(path, ("word", "class", "as")):
        if cls not in CUE_CLASSES:
            raise InputError(
                path, f"unknown cue class {cls!r}; expected one of {CUE_CLASSES}", number
            )
        if kind not in CUE_CLASS_AS:
            raise InputError(
                path, f"unknown 'as' {kind!r}; expected one of {CUE_CLASS_AS}", number
            )
        table = cues if kind == "cue" else speakers
        key = " ".join(word.lower().split())
        if key in table and table[key] != cls:
            raise InputError(path, f"{word!r} is listed twice with different classes", number)
        table[key] = cls
    return cues, speakers


def cue_set(cues: Collection[str] | None) -> frozenset[str]:
    """The cue classes to keep: ``None`` is ``DEFAULT_CUES``; an unknown class is an error."""
    if cues is None:
        return DEFAULT_CUES
    if isinstance(cues, str):
        cues = [c for c in cues.split(",") if c.strip()]
    chosen = frozenset(c.strip().lower() for c in cues)
    unknown = sorted(chosen - set(CUE_CLASSES))
    if unknown:
        raise ValueError(
            f"unknown cue class {', '.join(map(repr, unknown))}; expected some of "
            f"{', '.join(CUE_CLASSES)}"
        )
    if not chosen:
        raise ValueError(f"no cue class given; expected some of {', '.join(CUE_CLASSES)}")
    return chosen
