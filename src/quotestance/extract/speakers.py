"""From a speaker mention as written to a canonical speaker, its type and affiliation.

Shared by both languages. Names are matched against the article's register of full person
names ("Liu" -> "Liu Xiaoming"), pronouns go to the last compatible speaker, countries and
organisations go through the entity table, and the affiliation comes from the words around
the name ("Chinese envoy Liu", "USAs utenriksminister Antony Blinken").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from quotestance.entities import Entity, EntityTable
from quotestance.extract.gender import first_names, name_gender, pronoun_genders, title_genders
from quotestance.extract.names import POSSESSIVE, demonym_adjective, opens_sentence_at
from quotestance.lexicon import Lexicon
from quotestance.offices import OfficeHolders, load_terms, office_words

DETERMINERS = {
    "en": {
        "the",
        "a",
        "an",
        "another",
        "former",
        "then",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "our",
        "one",
        "two",
        "some",
        "many",
        "several",
        "other",
        "both",
    },
    "no": {
        "den",
        "det",
        "de",
        "en",
        "et",
        "ei",
        "tidligere",
        "daværende",
        "to",
        "tre",
        "flere",
        "mange",
        "noen",
        "andre",
        "begge",
        "hans",
        "hennes",
        "deres",
    },
}
GROUP_WORDS = {
    "en": {"countries", "nations", "sides", "governments", "leaders", "allies", "two", "both"},
    "no": {"landene", "partene", "lederne", "de to", "begge", "to"},
}
TOKEN = re.compile(r"[\w][\w.'’-]*")
# A nickname in quote marks inside a name: John “Tig” Tiegen
# Someone introduced by a noun: with an indefinite article or a genitive name (Norwegian).
INTRODUCED = {
    "no": re.compile(r"\b(?:[Ee]n|[Ee]i|[Ee]t|[A-ZÆØÅ][\w-]*s)\s+(?P<noun>[a-zæøå][\w-]{2,})\b")
}
CAPITAL_RUN = re.compile(r"\b[A-ZÆØÅ][\w-]+(?:\s[A-ZÆØÅ][\w-]+)+\b")
APPOSED_NAME = re.compile(r",[^\S\n]+([A-ZÆØÅ][\w-]+(?:[^\S\n]+[A-ZÆØÅ][\w-]+)*)")
PARENTHESIS = re.compile(r"\s*\([^()]*\)")
PEER_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]+$")
NICKNAME = re.compile(r"\s[“\"‘][^”\"’\s]{1,20}[”\"’](?=\s)")
# What a hyphen joins to a title and leaves a title: co-chairman, vice-president
TITLE_PREFIXES = frozenset({"co", "vice", "deputy", "ex", "acting", "under", "joint"})
# Honorifics that can stand before a surname that is also a title word ("Mr Major")
HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame"})


# Lower-case words inside names ("Ursula von der Leyen"), never a role word.
PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "du", "da", "di", "la", "le", "al", "bin"}
)


# The definite singular of a Norwegian noun and how to undo it: "sjefen" -> "sjef",
# "statsministeren" -> "statsminister", "kvinnen" -> "kvinne", "jenta" -> "jente".
DEFINITE_ROLE: dict[str, tuple[tuple[str, str], ...]] = {
    "no": (("en", ""), ("n", ""), ("et", ""), ("a", "e")),
}
# A definite noun after a determiner and lower-case adjectives (Norwegian double
# definiteness: "den jubilerende skøytekongen", "den nye treneren")
DESCRIBED = {"no": re.compile(r"(?:[Dd]en|[Dd]et|[Dd]enne|[Dd]ette)(?:\s+[a-zæøå-]+)+")}
# A person's people ("Hillary Clinton's advisers", "Kennedys lege")
GENITIVE = {"en": "{}'s", "no": "{}s"}
AGE_AFTER = re.compile(r"\s*\((\d{1,3})\)")
# Names joined by commas and "og": the members a group speaker may stand for (Norwegian;
# English "they" keeps the last group speaker).
AND = {"no": "og", "en": "and"}
_NAME = r"[A-ZÆØÅ][\w-]*(?:[^\S\n]+[A-ZÆØÅ][\w-]*)*"
# a lower-case title may stand before a name ("Michael Howard and frontbencher John Redwood")
_TITLED = rf"(?:[a-zæøå-]+[^\S\n]+)?{_NAME}"
COORDINATED = {
    lang: re.compile(rf"{_NAME}(?:,[^\S\n]*{_TITLED})*[^\S\n]+{word}[^\S\n]+{_TITLED}")
    for lang, word in AND.items()
}
# how far back the names a group pronoun stands for may be: paragraphs (Norwegian: "de to"
# after a paragraph naming both) or the sentence before (English "they")
GROUP_REACH = {"no": "paragraphs", "en": "sentence"}
# Group words that stand for countries only.
COUNTRY_GROUPS = {"no": ("landene", "de to landene")}


INITIAL = re.compile(r"[^\W\d_]\.?")


def name_key(name: str) -> list[str]:
    return [t for t in re.split(r"[\s-]+", name.lower().replace("’", "'")) if t]


def as_written(text: str, tokens: list[str]) -> str:
    """The tokens joined by spaces, or by the slashes that join them in ``text``
    ("Suffolk University/Boston Globe Poll")."""
    joined = " ".join(tokens)
    if not tokens:
        return joined
    start = text.find(tokens[0])
    end = text.find(tokens[-1], start) + len(tokens[-1]) if start >= 0 else -1
    written = re.sub(r"\s+", " ", text[start:end]) if 0 <= start < end else ""
    return written if "/" in written and written.replace("/", " ") == joined else joined


def is_capitalised(token: str) -> bool:
    return token[:1].isupper()


@dataclass
class Resolved:
    speaker: str | None
    speaker_type: str
    speaker_qid: str | None = None
    collective: bool = False
    affiliation: str | None = None
    affiliation_qid: str | None = None
    description: bool = False  # an unnamed role ("China's ambassador"), may be linked to a name
    role: bool = False


@dataclass
class NameRegister:
    """Full person names of one article, in order of first appearance, with positions.

    Lookups go through indexes kept beside ``names`` (add names with ``add`` only): the names
    that hold each word, and the positions of the leading run of names added in position
    order (all of those found before attribution), so that one lookup does not read them all.
    """

    names: list[tuple[int, str]] = field(default_factory=list)
    # whether a word may be a given name before a registered one ("Stig" of "Stig Hvide
    # Smith"), not a title or a known entity ("NYPD Commissioner James O'Neill")
    given_word: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)
    _known: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    _keys: list[frozenset[str]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    _with_word: dict[str, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _in_order: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given, self.names = self.names, []
        for position, name in given:
            self._append(position, name)

    def _append(self, position: int, name: str) -> None:
        i = len(self.names)
        if len(self._in_order) == i and (not self._in_order or self._in_order[-1] <= position):
            self._in_order.append(position)
        self.names.append((position, name))
        self._known.add(name)
        key = frozenset(name_key(name))
        self._keys.append(key)
        for word in key:
            self._with_word.setdefault(word, []).append(i)

    def add(self, position: int, name: str) -> None:
        if len(name_key(name)) >= 2 and name not in self._known:
            self._append(position, name)

    def full_name(
        self,
        short: str,
        position: int,
        keep: Callable[[str], bool] | None = None,
        surname: bool = False,
    ) -> str | None:
        """The full name a short one stands for: the last registered before ``position``
        (else the first after) of those holding its words, and passing ``keep`` if given
        ("Mrs Clinton": a woman's name, not "Bill Clinton"). Names that end with the short
        one's last word come first; with ``surname`` (it followed a title: "Mr Howard") a
        name it opens counts only if its first word is no first name ("Mr Liu" is Liu
        Xiaoming, "Mr Howard" is not Howard Flight)."""
        key = set(name_key(short))
        if not key:
            return None
        rarest = min(key, key=lambda w: len(self._with_word.get(w, ())))
        found = [i for i in self._with_word.get(rarest, ()) if key <= self._keys[i]]
        # a surname is a name's last word: "Mr Howard" is Michael Howard, not Howard Flight
        last = name_key(short)[-1]
        ending = [i for i in found if name_key(self.names[i][1])[-1] == last]
        if ending:
            found = ending
        elif surname:  # family name first ("Mr Liu" of Liu Xiaoming), never a first name
            found = [i for i in found if name_key(self.names[i][1])[0] not in first_names()]
        # a registered name that a longer registered one completes with first names ("Hein
        # Bæra" of "Vibeke Hein Bæra"), or ends as written after it ("Hvide Smith" after
        # "Stig Hvide Smith"), is a short form of it, not a person of its own
        given = first_names()

        def short_form(i: int, j: int) -> bool:
            if not self._keys[i] < self._keys[j]:
                return False
            if all(w in given or INITIAL.fullmatch(w) for w in self._keys[j] - self._keys[i]):
                return True  # first names and initials ("Oskar J. Grimstad")
            (at_i, name_i), (at_j, name_j) = self.names[i], self.names[j]
            extra = name_j[: -len(name_i)].split()
            return (
                at_j < at_i
                and name_j.endswith(" " + name_i)
                and len(extra) == 1
                and self.given_word is not None
                and self.given_word(extra[0])
            )

        longest = [i for i in found if not any(short_form(i, j) for j in found)]
        matches = [self.names[i] for i in longest]
        if keep is not None:
            matches = [m for m in matches if keep(m[1])]
        if not matches:
            return None
        before = [m for m in matches if m[0] <= position]
        chosen = max(before) if before else min(matches)
        return chosen[1]

    def holds(self, word: str) -> bool:
        """Whether a registered name holds ``word``."""
        return bool(self._with_word.get(name_key(word)[0] if name_key(word) else "", ()))

    def last_before(self, position: int) -> str | None:
        """The name added last among those seen before ``position``."""
        for i in range(len(self.names) - 1, len(self._in_order) - 1, -1):
            if self.names[i][0] < position:
                return self.names[i][1]
        j = bisect_left(self._in_order, position) - 1
        return self.names[j][1] if j >= 0 else None


class SpeakerResolver:
    def __init__(self, lang: str, lexicon: Lexicon, entities: EntityTable, text: str) -> None:
        self.lang = lang
        self.lex = lexicon
        self.entities = entities
        self.text = text
        self.register = NameRegister(given_word=self._given_word)
        self.last: dict[str, Resolved] = {}
        # the side a person's first described mention gave ("Labour MP Jane Smith"), kept for
        # their later plain mentions ("Ms Smith said")
        self.sides: dict[str, tuple[str, str | None]] = {}
        self.last_at: dict[str, int] = {}  # where the remembered speaker was named
        # every person named (as written, without titles) and whether it is the subject of
        # its sentence, in text order, for the pronouns that refer to one of them
        self.people: list[tuple[int, str, bool]] = []
        self.genders: dict[str, str] = {}  # canonical person name -> "m" or "f"
        # the people a title was written before ("Chancellor Gordon Brown"), for "the
        # chancellor said" later on: title -> [(position, canonical name)]
        self.roles: dict[str, list[tuple[int, str]]] = {}
        self.spoken: set[str] = set()  # the people resolved as speakers so far
        self._runs: dict[str, list[tuple[int, list[str]]]] | None = None  # built on first use
        self._offices: OfficeHolders | None = None  # built on first use
        # the age a person's name was written with ("Erling Braut Haaland (21)"), for
        # "21-åringen" later on: age -> [(position, canonical name)]
        self.ages: dict[str, list[tuple[int, str]]] = {}
        self.pronoun_gender = pronoun_genders(lang)
        # title and role heads that end a Norwegian compound title ("-leder", "-direktør");
        # five letters at least, so that no surname ends in one ("Steinmeier": "eier")
        self._compound_heads = [
            t for t in (*self.lex.titles, *self.lex.role_nouns) if len(t) >= 5 and " " not in t
        ]

    # -- pieces -----------------------------------------------------------------------------
    def _strip_titles(self, tokens: list[str]) -> tuple[list[str], list[str], bool]:
        """(name tokens, stripped words, whether a title word was seen): titles, determiners,
        lower-case words and leading places or demonyms ("North Korean leader") go."""
        stripped: list[str] = []
        titled = False
        i = 0
        while i < len(tokens):
            for n in (3, 2, 1):
                if i + n > len(tokens):
                    continue
                words = tokens[i : i + n]
                phrase = " ".join(words)
                bare = re.sub(r"(’s|'s)$", "", phrase)
                place = self.entities.lookup(bare, self.lang) or self.entities.lookup(
                    phrase, self.lang
                )
                if place is not None and place.type == "person":
                    place = None  # a person's name is the name, not a leading place
                rest = tokens[i + n :]
                if place is None and n == 1 and rest and is_capitalised(rest[0]):
                    place = demonym_adjective(phrase, self.lang, self.entities)
                if phrase.lower() in self.lex.titles or (
                    n == 1 and self._is_title(phrase.lower())
                ):
                    titled = True
                elif not (
                    place is not None
                    or (
                        n == 1
                        and (
                            phrase.lower() in DETERMINERS[self.lang] or not is_capitalised(phrase)
                        )
                    )
                ):
                    continue
                stripped.extend(words)
                i += n
                break
            else:
                break
        rest, before, inner = self._inner_titles(tokens[i:])
        stripped += before
        if (
            not rest
            and len(stripped) >= 2
            and stripped[-2].lower() in HONORIFICS
            and is_capitalised(stripped[-1])
        ):
            rest, stripped = stripped[-1:], stripped[:-1]  # "Mr Major": a surname, not a rank
        return rest, stripped, titled or inner

    def _inner_titles(self, tokens: list[str]) -> tuple[list[str], list[str], bool]:
        """A title or role word further in: "Tory co-chairman Liam Fox", "Wednesday Mr
        Blair", "Auditor General Sir John Bourn" -- the name is what follows the last one."""
        cut, titled = 0, False
        k = 0
        while k < len(tokens) - 1:
            low = tokens[k].lower()
            step = 1
            if low in PARTICLES:
                pass
            elif k + 3 < len(tokens) and " ".join(t.lower() for t in tokens[k : k + 3]) in (
                self.lex.titles
            ):
                cut, titled, step = k + 3, True, 3  # "Missouri Secretary of State Jason Kander"
            elif self._is_title(low) or not is_capitalised(tokens[k]):
                cut, titled = k + 1, titled or low in self.lex.titles
            elif k + 2 < len(tokens) and f"{low} {tokens[k + 1].lower()}" in self.lex.titles:
                cut, titled = k + 2, True
            elif is_capitalised(tokens[k + 1]) and (
                self._party(tokens[k])
                or (k == 0 and demonym_adjective(tokens[k], self.lang, self.entities))
            ):
                cut = k + 1  # "Tories Ken Clarke", "Danske Ellen Porsdal Hink"
            k += step
        return tokens[cut:], tokens[:cut], titled

    def _party(self, word: str) -> bool:
        """A word that names a party or its members ("Tories", "Democrat")."""
        entity = self.entities.lookup(word, self.lang) or self.entities.lookup(
            word + "s", self.lang
        )
        return entity is not None and entity.type == "party"

    def _is_title(self, word: str) -> bool:
        """A title word, hyphenated ones included: "co-chairman", "vice-president"."""
        if word in self.lex.titles:
            return True
        if self.lang == "no" and any(
            word.endswith(t) and len(word) - len(t) >= 3 for t in self._compound_heads
        ):
            return True  # a Norwegian compound: "informasjonsleder", "pressetalsperson"
        parts = word.split("-")
        return len(parts) > 1 and (
            " ".join(parts) in self.lex.titles
            or (parts[-1] in self.lex.titles and parts[0] in TITLE_PREFIXES)
        )

    def _affiliation(
        self, phrase: str, exclude: str, orgs: list[str]
    ) -> tuple[str | None, str | None]:
        for m in self.entities.find(phrase, self.lang):
            if (exclude and m.text in exclude.split()) or m.entity.type == "person":
                continue
            # a party is a side of its own ("Labour MP Jane Smith" speaks for Labour, so a
            # Labour MP on Labour can be told from one on the Tories); any other body stands
            # for its country ("CIA" -> United States)
            country = None if m.entity.type == "party" else self.entities.country_of(m.entity)
            chosen: Entity = country or m.entity
            return chosen.name, chosen.qid or None
        for org in orgs:
            if org not in exclude:
                return org, None
        return None, None

    def add_name(self, position: int, mention: str, subject: bool = False) -> None:
        """A person's name found in the text goes into the register without its titles and
        leading words ("Mr Brown" -> "Brown", "Wednesday Mr Blair" -> "Blair"), so that only
        full names ("Gordon Brown") are there to complete a surname. ``subject``: the name is
        the subject of its sentence's main verb (a pronoun after it may refer to it)."""
        peer = PEER_BEFORE.search(self.text, max(0, position - 20), position)
        if peer and peer.group(1).lower() in self.lex.peer_titles and mention[:1].isupper():
            # "Lord Goldsmith" where the recogniser found "Goldsmith": the title is the name's
            mention, position = self.text[peer.start(1) : position + len(mention)], peer.start(1)
        tokens = TOKEN.findall(NICKNAME.sub(" ", f" {mention} "))
        if tokens:  # "Charles Clarke's planned control orders": the name is Charles Clarke
            tokens[-1] = POSSESSIVE.sub("", tokens[-1]) or tokens[-1]
        name_tokens, stripped, _titled = self._inner_titles(tokens)
        if name_tokens and all(is_capitalised(t) for t in name_tokens):
            offset = mention.find(name_tokens[0]) if stripped else 0
            at = position + max(offset, 0)
            name = " ".join(name_tokens)
            self.register.add(at, name)
            before = self.text[max(0, at - 12) : at]
            gender = name_gender(" ".join(tokens), self.lang, before)
            canonical = self._canonical(name, at, gender)
            if gender is None and canonical == name and name.lower() in first_names():
                gender = first_names()[name.lower()]  # "Martin", and no fuller name for it
            self.people.append((at, canonical, subject))
            title = [w.lower() for w in tokens[: len(tokens) - len(name_tokens)]]
            lead = re.findall(r"[\w-]+", self.text[max(0, position - 30) : position].lower())
            for n in (3, 2, 1):
                phrase = " ".join([*lead, *title][-n:])
                if len([*lead, *title]) >= n and self._is_title(phrase):
                    self.roles.setdefault(phrase, []).append((at, canonical))
                    break
            if gender is not None:
                self.genders.setdefault(canonical, gender)
            age = AGE_AFTER.match(self.text, at + len(name))
            if age:
                self.ages.setdefault(age.group(1), []).append((at, canonical))

    def _coordinated_before(self, position: int, mention: str) -> Resolved | None:
        """The members a group mention stands for ("Norge og Sverige ... sier de to",
        "Michael Howard and frontbencher John Redwood launched ... They say"): the last
        coordination of names in the two paragraphs before (Norwegian) or the sentence before
        (English, ``GROUP_REACH``), each a gazetteer entity or a person the article named;
        "landene" (a group word of countries) only for countries."""
        if self.lang not in COORDINATED:
            return None
        start = position
        if GROUP_REACH[self.lang] == "sentence":
            ends = list(re.finditer(r"[.!?]\s", self.text[max(0, position - 600) : position]))
            start = max(0, position - 600) + ends[-2].end() if len(ends) >= 2 else position - 600
        else:
            for _ in range(3):
                start = self.text.rfind("\n", 0, max(start - 1, 0))
                if start < 0:
                    break
        window = self.text[max(start, 0) : position]
        # a subject: not the object of a word before it ("the kind seen in the USA, Norway
        # and Switzerland ... they say")
        found = [
            m
            for m in COORDINATED[self.lang].finditer(window)
            if not re.search(r"[a-zæøå]\s*$", window[: m.start()])
        ]
        if not found:
            return None
        parts = [p for p in re.split(rf",\s*|\s+{AND[self.lang]}\s+", found[-1].group()) if p]
        parts = [re.sub(r"^[a-zæøå-]+\s+", "", p) for p in parts]  # "frontbencher John Redwood"
        members: list[tuple[str, str]] = []
        for part in parts:
            entity = self.entities.lookup(part, self.lang)
            if entity is not None:
                members.append((entity.name, entity.type))
                continue
            full = self.register.full_name(part, position)
            if full is None and not any(part == name for _, name, _s in self.people):
                return None
            members.append((full or part, "person"))
        kinds = {kind for _, kind in members}
        if mention in COUNTRY_GROUPS.get(self.lang, ()) and kinds != {"country"}:
            return None
        kind = kinds.pop() if len(kinds) == 1 else "unknown"
        names = [name for name, _ in members]
        return Resolved(
            ", ".join(names[:-1]) + " and " + names[-1],
            kind if kind in ("country", "organisation", "person") else "unknown",
            collective=True,
        )

    def _last_person_before(self, position: int) -> str | None:
        """The canonical name of the person named last before ``position``."""
        named = [(at, name) for at, name, _subject in self.people if at < position]
        return max(named)[1] if named else None

    def _last_subject_before(self, position: int, gender: str | None = None) -> str | None:
        """The person named last before ``position`` as a subject, else the person named
        last ("Jon Helt Haarder synes ... Hitlers «Mein Kampf» ..." ... "sier
        litteraturkritikeren"); of ``gender`` where given ("the businessman": a man)."""
        fits = [
            (at, n, subject)
            for at, n, subject in self.people
            if at < position and (gender is None or self.gender_of(n) in (None, gender))
        ]
        subjects = [(at, n) for at, n, subject in fits if subject]
        named = subjects or [(at, n) for at, n, _subject in fits]
        return max(named)[1] if named else None

    def role_noun(self, text: str, position: int, quoted: int | None = None) -> str | None:
        """A person the article named before, called by a role: Norwegian definite forms
        ("statsministeren", "UP-sjefen", "spissen", "21-åringen") are the one holder of that
        title, the one person of that age, else (a title) the last person named before or (a
        role noun, resources/<lang>/role_nouns.txt, or a compound of one) the last named as a
        subject; English "the investor" (role nouns only) is the last subject. ``quoted``:
        where the quote it attributes starts, when that is before the role ("- ..., sier
        spissen."): the names inside the quote are not looked at."""
        if quoted is not None and quoted < position:
            position = quoted
        low = text.lower()
        described = re.fullmatch(r"the\s+(?:[\w.-]+\s+){0,3}([a-z-]+)", low)
        epithet = described is not None and " " in low[4:] and self._epithet(text)
        if (
            self.lang == "en"
            and described
            and (
                (described.group(1) in self.lex.role_nouns and (" " not in low[4:] or epithet))
                # a title that is no office ("the Florida senator"; "the Tory leader" is
                # the holder of an office, below)
                or (
                    epithet
                    and described.group(1) in self.lex.titles
                    and described.group(1) not in office_words(self.lang)
                )
            )
        ):
            # "the investor said": the person the text called so, else the last person named
            # as a subject before, else the last person named (titles such as "the
            # chancellor" go to the one holder the text titled, below)
            called = {n for at, n in self.roles.get(described.group(1), []) if at < position}
            if len(called) == 1:
                return called.pop()
            gender = title_genders(self.lang).get(described.group(1))
            return self._last_subject_before(position, gender)
        determined = DESCRIBED.get(self.lang)
        if determined is not None and determined.fullmatch(text):
            # "den jubilerende skøytekongen": the noun after a determiner and adjectives
            text = text.rsplit(None, 1)[-1]
            low = text.lower()
        if (
            not DEFINITE_ROLE.get(self.lang)
            or not re.fullmatch(r"[\w-]+", text)
            or not (
                text.rsplit("-", 1)[-1][:1].islower() or opens_sentence_at(self.text, position)
            )
        ):
            return None
        for ending, replacement in DEFINITE_ROLE[self.lang]:
            if not low.endswith(ending) or len(low) - len(ending) < 3:
                continue
            stem = low[: len(low) - len(ending)] + replacement
            head = stem.rsplit("-", 1)[-1]
            age = re.fullmatch(r"(\d{1,3})-åring", stem)
            if age:
                holders = [name for at, name in self.ages.get(age.group(1), []) if at < position]
                return holders[-1] if holders else None
            for title in (stem, head):
                holders_at = [(at, n) for at, n in self.roles.get(title, []) if at < position]
                if len({n for _, n in holders_at}) == 1:
                    return holders_at[-1][1]
            office = self.office_holder(stem)
            if office is not None:
                return office
            if head in self.lex.titles:
                return self._last_person_before(position)
            if head in self.lex.role_nouns or any(
                head.endswith(h) for h in self._compound_heads
            ):  # "spissen", "litteraturkritikeren" (a compound of "kritiker")
                return self._last_subject_before(position)
            introduced = self._introduced(stem, position)
            if introduced is not None:
                return introduced
        return None

    def _epithet(self, text: str) -> bool:
        """A description that sums up one person by where they come from and what they are
        ("The New York businessman", "the Florida senator", "the billionaire businessman"):
        a definite article, then places, parties or plain words, none of them a word of a
        name the article gives a person, nor a first name."""
        words = text.split()[1:-1]
        return not any(w.lower() in ("of", "for", "and") for w in words) and not any(
            is_capitalised(w) and (w.lower() in first_names() or self.register.holds(w))
            for w in words
        )

    def _introduced(self, noun: str, position: int) -> str | None:
        """The last mention before ``position`` that introduced someone by ``noun`` with an
        indefinite article or a genitive name ("En nabokvinne forteller ..." ... "sier
        nabokvinnen"; "Cathrines far" ... "sier faren"), as written."""
        pattern = INTRODUCED.get(self.lang)
        found = None
        for m in pattern.finditer(self.text, 0, position) if pattern else ():
            if m.group("noun").lower() == noun:
                found = m.group()
                # "sier Hannahs far, Andrew." ... "sier faren": the name in apposition
                named = APPOSED_NAME.match(self.text, m.end())
                if named is not None:
                    found = self.register.full_name(named.group(1), m.end()) or named.group(1)
        return found

    def offices(self) -> OfficeHolders:
        """The office holders of the country the article is about, in the years it is about
        (``quotestance.offices``), from the people it names."""
        if self._offices is None:
            named = [n for _, n in self.register.names] + [n for _, n, _s in self.people]
            self._offices = OfficeHolders(load_terms(), self.country, named)
        return self._offices

    @functools.cached_property
    def country(self) -> str | None:
        """The QID of the country the article is about (``EntityTable.main_country``),
        found once per article."""
        return self.entities.main_country(self.text, self.lang)

    def office_holder(self, office: str) -> str | None:
        """The holder of ``office`` ("chancellor", "statsminister") then and there."""
        return self.offices().holder(office, self.lang)

    def _holder(self, name: str, position: int) -> Resolved:
        entity = self.entities.lookup(name, self.lang)
        if entity is not None and entity.type == "person":
            return self._entity(entity, position)
        return self._remember(Resolved(name, "person"), position=position)

    def _canonical(self, name: str, position: int, gender: str | None = None) -> str:
        """A person as a speaker mention of them resolves: the article's full name, else the
        entity table's ("Obama" -> "Barack Obama"), else the name as written; of ``gender``
        where the mention says it ("Mrs Clinton" is not "Bill Clinton")."""
        full = self.register.full_name(name, position, self._of_gender(gender))
        if full:
            return full
        entity = self.entities.lookup(name, self.lang)
        return entity.name if entity is not None and entity.type == "person" else name

    def _of_gender(self, gender: str | None) -> Callable[[str], bool] | None:
        if gender is None:
            return None
        return lambda full: self.gender_of(full) in (None, gender)

    def _given_word(self, word: str) -> bool:
        """A capitalised word that is no title and nothing the gazetteer knows, nor one of its
        members ("Conservative" of the Conservatives)."""
        return (
            is_capitalised(word)
            and not self._is_title(word.lower())
            and self.entities.lookup(word, self.lang) is None
            and self.entities.lookup(word + "s", self.lang) is None
        )

    def gender_of(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self.genders.get(name) or name_gender(name, self.lang)

    def _written_in_full(self, surname: str, position: int) -> str | None:
        """A surname alone completed by the last run of capitals before it that ends in it and
        opens with a known first name, or with a capital that neither opens a sentence nor is
        a title or anything the gazetteer knows ("rett på Omar Sidibeh fra Gambia" ... "sier
        Sidibeh"), where the name recogniser missed the full name."""
        if " " in surname or surname.lower() in first_names():
            return None
        for at, given in reversed(self._capital_runs().get(surname, [])):
            if at >= position:
                continue
            if given[0].lower() in first_names() or (
                not opens_sentence_at(self.text, at) and all(self._given_word(w) for w in given)
            ):
                return " ".join([*given, surname])
        return None

    def _capital_runs(self) -> dict[str, list[tuple[int, list[str]]]]:
        """Every run of capitalised words in the text, read once: its last word -> (where
        the one to three words before it start, those words), in text order."""
        if self._runs is None:
            self._runs = {}
            for m in CAPITAL_RUN.finditer(self.text):
                words = [(w.start(), w.group()) for w in re.finditer(r"\S+", m.group())]
                for k in range(1, len(words)):
                    for j in range(max(0, k - 3), k):
                        given = [w for _, w in words[j:k]]
                        self._runs.setdefault(words[k][1], []).append(
                            (m.start() + words[j][0], given)
                        )
            for found in self._runs.values():
                found.sort(key=lambda hit: hit[0])
        return self._runs

    def _owner(self, words: list[str], position: int) -> str | None:
        """The person a possessive pronoun opening a description stands for ("her advisers"
        -> Hillary Clinton), where the pronoun's gender finds one."""
        if len(words) < 2 or words[0] in self.lex.pronouns:
            return None
        gender = self.pronoun_gender.get(words[0])
        referent = self._pronoun(gender, position) if gender else None
        if referent is None or referent.speaker_type != "person":
            return None
        return referent.speaker

    def _pronoun(self, gender: str | None, position: int) -> Resolved | None:
        """The person a gendered pronoun at ``position`` refers to: a person named as the
        subject of a sentence since the last speaker, if of the pronoun's gender; else the
        last speaker, unless the text says it is of the other gender; else the nearest
        person before of the pronoun's gender. None where no one fits."""
        last = self.last.get("person")
        since = self.last_at.get("person", -1) if last is not None else -1
        if gender is None:
            return last
        fits = last is not None and self.gender_of(last.speaker) in (None, gender)
        for at, full, subject in reversed(self.people):
            if at >= position or at <= since:
                continue
            if subject and self.gender_of(full) == gender:
                if last is not None and full == last.speaker:
                    return last
                return Resolved(full, "person")
        if fits:
            return last
        for at, full, _subject in reversed(self.people):
            if at < position and self.gender_of(full) == gender:
                return Resolved(full, "person")
        if last is None:
            named = self.register.last_before(position)
            if named is not None and self.gender_of(named) in (None, gender):
                return Resolved(named, "person")
            if named is None and not any(at < position for at, _f, _s in self.people):
                # nobody named yet (a story that opens on a quote, or a piece cut from a
                # longer one): the first person of the pronoun's gender named after it
                for at, full, _subject in self.people:
                    if at > position and self.gender_of(full) == gender:
                        return Resolved(full, "person")
        return None

    def person_name(self, mention: str, position: int) -> tuple[str, bool] | None:
        """The canonical name of a person named in the text (not necessarily a speaker), as a
        speaker mention of them would get it: titles stripped ("Mr Blair"), then the article's
        full name ("Tony Blair"); with whether the article's register knew it. None for what
        is not a person's name. Changes nothing."""
        tokens = TOKEN.findall(mention)
        name_tokens, _stripped, _titled = self._strip_titles(tokens)
        if not name_tokens or not all(is_capitalised(t) for t in name_tokens):
            return None
        name = " ".join(name_tokens)
        # of the gender its title says: "Mrs. Clinton" is not Bill Clinton
        gender = name_gender(
            " ".join(tokens), self.lang, self.text[max(0, position - 12) : position]
        )
        full = self.register.full_name(name, position, self._of_gender(gender))
        return (full, True) if full else (name, False)

    # -- main -------------------------------------------------------------------------------
    def resolve(
        self,
        mention: str,
        phrase: str,
        position: int,
        orgs: list[str] | None = None,
        is_person_name: bool = False,
        quoted: int | None = None,
    ) -> Resolved:
        """The speaker a mention at ``position`` stands for (``quoted``: where the quote it
        attributes starts)."""
        orgs = orgs or []
        # "Pressetalsperson Ronny Alte (NDL)", "Jason Chaffetz (R-Utah)": the name without
        # what the brackets add
        text = PARENTHESIS.sub("", mention).strip().strip(",.;:")
        low = text.lower()
        # pronouns
        if low in self.lex.pronouns:
            ref = self.lex.pronouns[low]
            if ref in ("self", "addressee"):
                # the writer, a speaker inside a quote, or the one addressed ("Hvor det ble av
                # Shabana Rehman, sier du?"): not resolved here
                return Resolved(None, "unknown")
            if ref == "person":
                gender = self.pronoun_gender.get(low)
                referent = self._pronoun(gender, position)
                if referent is None:
                    return Resolved(None, "unknown")
                if referent.speaker and gender and referent.speaker_type == "person":
                    self.genders.setdefault(referent.speaker, gender)
                if referent is self.last.get("person"):
                    return Resolved(**{**referent.__dict__})
                return self._remember(referent, position=position)
            if ref == "group":
                members = self._coordinated_before(position, low)
                if members is not None:
                    return self._remember(members, group=True)
            previous = self.last.get(ref)
            if previous is None and ref == "group":
                previous = self.last.get("thing")
            if previous is not None:
                return Resolved(**{**previous.__dict__})
            return Resolved(None, "unknown", collective=ref != "person")
        # "sier statsministeren", "sier UP-sjefen": a person named before, by role
        holder = self.role_noun(text, position, quoted)
        if holder is not None:
            return self._remember(Resolved(holder, "person"), position=position)
        # a whole mention that is a known country or organisation, unless it is the surname
        # of a person the article names ("Mark Cuban" ... "Cuban said", not Cuba)
        surname = (
            " " not in text
            and is_capitalised(text)
            and self.register.full_name(text, position) is not None
        )
        entity = self.entities.lookup(text, self.lang) or self.entities.lookup(
            re.sub(r"^(the|The)\s+", "", text), self.lang
        )
        if surname and entity is not None and entity.type != "person":
            entity = None
        if entity is not None:
            return self._entity(entity, position)
        tokens = TOKEN.findall(NICKNAME.sub(" ", f" {text} "))
        name_tokens, stripped, titled = self._strip_titles(tokens)
        if surname and entity is None:
            name_tokens, stripped, titled = tokens, [], True
        name = as_written(text, name_tokens)
        if (
            name_tokens
            and all(is_capitalised(t) for t in name_tokens)
            and (
                is_person_name
                or titled
                or len(name_tokens) >= 2
                or self.register.full_name(name, position)
            )
        ):
            entity = self.entities.lookup(name, self.lang)
            if surname and entity is not None and entity.type != "person":
                entity = None
            if entity is not None:
                resolved = self._entity(entity, position)
                aff, aff_qid = self._affiliation(phrase, name, orgs)
                if aff:  # the side the text gives ("Liberal Democrat leader Charles Kennedy")
                    self.sides[resolved.speaker or name] = (aff, aff_qid)
                aff, aff_qid = self.sides.get(resolved.speaker or name, (aff, aff_qid))
                if aff:  # ... or gave at an earlier mention of the same person
                    resolved.affiliation, resolved.affiliation_qid = aff, aff_qid
                return resolved
            gender = name_gender(" ".join([*stripped[-1:], *name_tokens]), self.lang)
            after_title = (
                bool(stripped)
                and len(name_tokens) == 1
                and stripped[-1].lower() not in self.lex.first_name_titles
            )
            full = (
                self.register.full_name(name, position, self._of_gender(gender), after_title)
                or self._written_in_full(name, position)
                or name
            )
            self.register.add(position, full)
            if gender is not None:
                self.genders.setdefault(full, gender)
            aff, aff_qid = self._affiliation(phrase, full, orgs)
            if aff:
                self.sides[full] = (aff, aff_qid)
            aff, aff_qid = self.sides.get(full, (aff, aff_qid))
            return self._remember(
                Resolved(full, "person", affiliation=aff, affiliation_qid=aff_qid),
                position=position,
            )
        # a plural or group: "the US and Seoul", "USA, Sør-Korea og Japan"
        parts = [p for p in re.split(r",\s*|\s+(?:and|og)\s+", text) if p]
        if len(parts) > 1:
            found = [
                self.entities.lookup(re.sub(r"^(the|The)\s+", "", p), self.lang) for p in parts
            ]
            if all(found):
                kinds = {e.type for e in found if e}
                kind = kinds.pop() if len(kinds) == 1 else "unknown"
                named = [e.name for e in found if e]
                names = ", ".join(named[:-1]) + " and " + named[-1]
                return self._remember(
                    Resolved(
                        names,
                        kind if kind in ("country", "organisation") else "unknown",
                        collective=True,
                    ),
                    group=True,
                )
        # "the chancellor": the one person the article named with that title before, else
        # the holder of that office in the years the article is about (resources/offices.tsv)
        role = re.sub(r"^the\s+", "", low)
        if role != low and role in self.roles:
            holders = {name for at, name in self.roles[role] if at < position}
            if len(holders) == 1:
                return self._remember(Resolved(holders.pop(), "person"), position=position)
        office = self.office_holder(role) if role != low else None
        if office is None and role != low:
            # an undated story: the one person quoted before who held that office ("...,
            # Gordon Brown has said." / "The chancellor, speaking in Tanzania, said")
            office = self.offices().held_by(role, self.lang, self.spoken)
        if office is not None:
            return self._holder(office, position)
        # an unnamed source: a description, a document, a group
        words = low.split()
        head = words[-1] if words else ""
        collective = (
            head in self.lex.source_nouns
            or any(w in GROUP_WORDS[self.lang] for w in words)
            or low in GROUP_WORDS[self.lang]
            or (head.endswith("s") and self.lang == "en" and head not in {"news", "boss"})
        )
        if head in self.lex.speaker_classes and orgs:
            # "The Pew Research Center analysis found", "A report from the Pew Research
            # Center found": the body behind the document
            body = re.sub(r"^(the|The)\s+", "", orgs[0])
            known = self.entities.lookup(body, self.lang)
            if known is not None:
                return self._entity(known, position)
            self.last["thing"] = Resolved(body, "organisation", collective=True)
            return self.last["thing"]
        aff, aff_qid = self._affiliation(phrase, "", orgs)
        is_role = any(t.lower() in self.lex.titles for t in tokens)
        owner = self._owner(words, position)
        if owner is not None:
            # "her advisers", "his spokesman": the people of the person the pronoun is
            text = GENITIVE[self.lang].format(owner) + " " + text.split(None, 1)[1]
        resolved = Resolved(
            text or None,
            "unknown",
            collective=collective,
            affiliation=aff,
            affiliation_qid=aff_qid,
            description=True,
            role=is_role and not collective,
        )
        if collective:
            return self._remember(resolved, group=True)
        # the gender a description's head noun gives ("morfaren", "the grandmother")
        gender = None if is_role else title_genders(self.lang).get(head)
        if gender is not None and text:
            # "Men morfaren bekrefter at ..." / "Han anslår at ...": he is the grandfather
            self.genders.setdefault(text, gender)
        return self._remember(resolved, position=position) if is_role or gender else resolved

    def entity_speaker(self, entity: Entity) -> Resolved:
        """A gazetteer entity as a speaker, its country as its side."""
        country = self.entities.country_of(entity)
        if entity.type == "person":
            return Resolved(
                entity.name,
                "person",
                speaker_qid=entity.qid or None,
                affiliation=country.name if country else None,
                affiliation_qid=country.qid if country else None,
            )
        return Resolved(
            entity.name,
            entity.type if entity.type in ("country", "organisation") else "unknown",
            speaker_qid=entity.qid or None,
            collective=True,
            affiliation=(country or entity).name,
            affiliation_qid=(country or entity).qid or None,
        )

    def _entity(self, entity: Entity, position: int | None = None) -> Resolved:
        resolved = self.entity_speaker(entity)
        if entity.type == "person":
            return self._remember(resolved, position=position)
        self.last["thing"] = resolved
        return resolved

    def _remember(
        self, resolved: Resolved, group: bool = False, position: int | None = None
    ) -> Resolved:
        key = "group" if group else "person"
        self.last[key] = resolved
        if resolved.speaker and resolved.speaker_type == "person":
            self.spoken.add(resolved.speaker)
        if position is not None:
            self.last_at[key] = position
        return resolved
