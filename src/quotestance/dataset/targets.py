"""Targets: every person, party, organisation, country and place a quote is about, with a
canonical name, a type and a Wikidata id where the gazetteer knows one.

Two sources, merged per quote:

- the gazetteer (``resources/gazetteer/*.tsv`` and ``resources/entities.tsv``): aliases,
  demonyms, metonyms and other languages ("Beijing", "Kina", "Chinese" -> China, Q148;
  "Tories" -> Conservative Party);
- the names the language module found in the article (English: the entities of the spaCy parse
  the extraction made; Norwegian: capitalised name sequences), each made canonical the way
  speakers are: a person through the article's register of full names ("Mr Blair" -> "Tony
  Blair"), anything the gazetteer knows through it, the rest by its own name.

A possessive pronoun that clearly points back at one entity ("their Indo-Pacific strategy"
after "the US' intention") counts too. The speaker is never a target of their own quote.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from quotestance.entities import Entity, EntityTable, descriptions, load_entities
from quotestance.errors import InputError
from quotestance.extract.gender import first_names, pronoun_genders, title_genders
from quotestance.extract.names import POSSESSIVE, capitalised_names, word_before
from quotestance.extract.pipeline import Analysis
from quotestance.extract.schema import NamedMention, Quote
from quotestance.lexicon import load_lexicon, read_list, read_table, resource_dir
from quotestance.offices import office_words


@dataclass(frozen=True)
class Target:
    name: str
    qid: str | None
    type: str
    mention: str
    start: int
    end: int
    via: str  # alias (gazetteer) | name (the article's names) | role | pronoun | addressee | topic

    @property
    def key(self) -> str:
        return self.qid or re.sub(r"\W+", "_", self.name.lower()).strip("_")


@functools.cache
def target_pronouns(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for w in read_list(resource_dir() / lang / "target_pronouns.txt"))


def entity_mentions(quote: Quote, text: str, table: EntityTable) -> list[Target]:
    found: list[Target] = []
    for start, end in quote.segments:
        for m in table.find(text[start:end], quote.lang, offset=start):
            found.append(
                Target(
                    m.entity.name,
                    m.entity.qid or None,
                    m.entity.type,
                    m.text,
                    m.start,
                    m.end,
                    "alias",
                )
            )
    return found


# Entity labels of the parse and the target type a name of that label has when the
# gazetteer does not know it; None: only gazetteer names count (NORP: "Muslims", "Democrats").
LABEL_TYPES: dict[str, str | None] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": None,
    "NAME": "person",  # a capitalised name sequence (no entity recogniser)
}
# A name that only modifies a noun ("Texas" in "Texas Sen. Ted Cruz") is not an actor, nor is a
# country whose demonym describes people in general ("the British people", "American voters":
# the nouns of resources/<lang>/people_nouns.txt).
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
PersonName = Callable[[str, int], "tuple[str, bool] | None"]
LEADING = re.compile(r"^(?:the|The|den|det|de)\s+")


@functools.cache
def people_nouns(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for w in read_list(resource_dir() / lang / "people_nouns.txt"))


# the parse's tags of a demonym that names people: "Americans", "a Mexican"
PEOPLE_TAGS = frozenset({"NNS", "NNPS"})
INDEFINITE = frozenset({"a", "an"})


def describes_people(nm: NamedMention, lang: str) -> bool:
    """A demonym or country name that describes people in general ("the British people")."""
    return nm.dep in MODIFIER_DEPS and nm.head in people_nouns(lang)


def names_people(nm: NamedMention) -> bool:
    """A demonym that names people ("good for Americans", "meet with a Mexican"), not their
    country as an actor; a party's members ("the Tories") stand for their party."""
    if nm.label != "NORP" or nm.dep in MODIFIER_DEPS:
        return False  # "a Russian defeat": the country's
    return nm.tag in PEOPLE_TAGS or nm.before in INDEFINITE


COUNTRY_TYPES = frozenset({"country", "place"})


WORDS_AFTER = re.compile(r"\s+([a-zæøå-]+)(?:\s+([a-zæøå-]+))?")
OFFICE_OF = {"en": re.compile(r"(?:^|\s)((?:[a-z-]+\s+)?[a-z-]+)\s+of\s+(?:the\s+)?$")}


def _qualifies_office(text: str, start: int, end: int, lang: str) -> bool:
    """A country that qualifies an office held by one person (resources/offices.tsv: "the
    Mexican president", "Norges statsminister", "the president of Mexico") describes the
    holder; the country is not the target."""
    titles = office_words(lang)
    after = WORDS_AFTER.match(text, end)
    if after and (
        after.group(1) in titles or f"{after.group(1)} {after.group(2) or ''}".strip() in titles
    ):
        return True
    of = OFFICE_OF.get(lang)
    before = of.search(text, max(0, start - 40), start) if of else None
    if before is None:
        return False
    words = before.group(1).split()
    return " ".join(words) in titles or words[-1] in titles


def _clean(name: str) -> str:
    return POSSESSIVE.sub("", LEADING.sub("", name.strip())).strip(" ,.;:")


def name_targets(
    quote: Quote,
    names: list[NamedMention],
    table: EntityTable,
    person: PersonName | None = None,
) -> list[Target]:
    """Targets from the article's names that fall inside the quote's segments."""
    found: list[Target] = []
    locatives = load_lexicon(quote.lang).locatives  # "in Iowa": a location, not an actor
    for seg_start, seg_end in quote.segments:
        for nm in names:
            if not (seg_start <= nm.start and nm.end <= seg_end):
                continue
            clean = _clean(nm.text)
            if not clean:
                continue
            entity = table.lookup(clean, quote.lang) or table.lookup(nm.text, quote.lang)
            kind = LABEL_TYPES.get(nm.label)
            if entity is None and quote.lang == "no" and clean.endswith("s"):
                entity = table.lookup(clean[:-1], quote.lang)  # genitive: "Støres regjering"
                if entity is None and kind == "person" and person is not None:
                    stem = person(clean[:-1], nm.start)
                    clean = clean[:-1] if stem is not None and stem[1] else clean
            if entity is None and kind == "person":
                named = person(clean, nm.start) if person is not None else None
                if named is None:
                    continue
                full, known = named
                if nm.label == "NAME" and not known and table.lookup(full, quote.lang) is None:
                    continue  # a capitalised word the article never names as a person
                entity = table.lookup(full, quote.lang)
                if entity is None:
                    found.append(Target(full, None, "person", nm.text, nm.start, nm.end, "name"))
                    continue
            if entity is not None:
                if entity.type in COUNTRY_TYPES and describes_people(nm, quote.lang):
                    continue  # "the British people": the people, not the country ("Republican
                    # voters" are the party's)
                if entity.type in COUNTRY_TYPES and names_people(nm):
                    continue  # "good for Americans": people, not their country
                found.append(_from_entity(entity, nm, "name"))
                continue
            if kind is None:
                continue
            if nm.dep in MODIFIER_DEPS:
                continue  # "Texas Sen. Ted Cruz", "a Hollywood actor": a modifier, not an actor
            if kind == "place" and nm.before in locatives:
                continue  # a location ("in Iowa"), not an actor
            if kind == "organisation" and re.search(r"\b(?:Party|party|parti|partiet)$", clean):
                kind = "party"
            found.append(Target(clean, None, kind, nm.text, nm.start, nm.end, "name"))
    return found


def _from_entity(entity: Entity, nm: NamedMention, via: str) -> Target:
    return Target(entity.name, entity.qid or None, entity.type, nm.text, nm.start, nm.end, via)


def find_targets(
    quote: Quote,
    text: str,
    previous: list[Quote] | None = None,
    table: EntityTable | None = None,
    names: list[NamedMention] | None = None,
    person: PersonName | None = None,
) -> list[Target]:
    """Targets of one quote, one per entity, in order of first mention.

    ``previous`` are the article's earlier quotes; the last one by the same speaker gives the
    antecedent of a possessive pronoun that opens the quote's references. ``names`` are the
    names the language module found in the article and ``person`` makes a person's name
    canonical (the speakers' register): without them only gazetteer aliases count.
    """
    table = table or load_entities()
    generic = [(n.start, n.end) for n in names or [] if describes_people(n, quote.lang)]
    people = [(n.start, n.end) for n in names or [] if names_people(n)]
    mentions = [
        t
        for t in entity_mentions(quote, text, table)
        if t.type == "person"
        or not (
            any(s <= t.start and t.end <= e for s, e in generic)
            or (t.type in COUNTRY_TYPES and any(s <= t.start and t.end <= e for s, e in people))
        )
    ]
    taken = [(t.start, t.end) for t in mentions]
    # capitalised runs the entity recogniser missed ("Brown is hiding ..."): they count only
    # where the register or the gazetteer knows them
    spans = [(n.start, n.end) for n in names or []]
    runs = [
        n
        for n in capitalised_names(text, [(int(a), int(b)) for a, b in quote.segments])
        if not any(s < n.end and n.start < e for s, e in spans)
    ]
    for t in name_targets(quote, [*(names or []), *runs], table, person):
        if t.type == "place" and t.via == "name" and _titles_a_name(text, t.end, quote.lang):
            continue  # "Texas Sen. Ted Cruz", whatever the parse made of it: a modifier
        if not any(s < t.end and t.start < e for s, e in taken):
            mentions.append(t)
    pronouns = target_pronouns(quote.lang)
    first_alias = min((t.start for t in mentions), default=None)
    for start, end in quote.segments:
        for m in re.finditer(r"\w+", text[start:end]):
            word = m.group().lower()
            pos = start + m.start()
            if word not in pronouns or (first_alias is not None and first_alias < pos):
                continue
            antecedent = _antecedent(quote, text, previous or [], table)
            if antecedent is not None:
                mentions.append(
                    Target(
                        antecedent.name,
                        antecedent.qid,
                        antecedent.type,
                        m.group(),
                        pos,
                        pos + len(m.group()),
                        "pronoun",
                    )
                )
            break
    targets: dict[str, Target] = {}
    for t in sorted(mentions, key=lambda t: t.start):
        if t.name == quote.speaker:
            continue  # nobody is the target of their own quote
        if t.type in COUNTRY_TYPES and _qualifies_office(text, t.start, t.end, quote.lang):
            continue  # "the Mexican president", "the president of Mexico": the office holder
        targets.setdefault(t.name, t)
    return list(targets.values())


TITLED_NAME = re.compile(r"\s+((?:[a-z]+\.?\s+){0,2}[A-Za-z]+\.?)\s+[A-Z]")


def _titles_a_name(text: str, end: int, lang: str) -> bool:
    """A title and a capitalised word follow ``end``: the place before them qualifies a
    person ("Texas Sen. Ted Cruz", "South Carolina Gov. Nikki Haley")."""
    m = TITLED_NAME.match(text, end)
    return bool(m and m.group(1).lower() in load_lexicon(lang).titles)


def _antecedent(
    quote: Quote, text: str, previous: list[Quote], table: EntityTable
) -> Target | None:
    """The first entity of the same speaker's previous quote that is not the speaker's own
    side: a speaker says "our" of their own country, "their" of another's."""
    same = [q for q in previous if q.speaker and q.speaker == quote.speaker]
    if not same:
        return None
    own = {quote.affiliation, quote.speaker}
    for t in entity_mentions(same[-1], text, table):
        if t.name not in own:
            return t
    return None


def article_targets(analysis: Analysis, table: EntityTable | None = None) -> list[list[Target]]:
    """The targets of every quote of one analysed article, with the article's names and the
    speakers' register of full names."""
    quotes, text = analysis.quotes, analysis.article.text
    table = table or load_entities()
    people, roles = article_people(analysis)
    # "the prime minister" in a quote: the holder of the office then and there, where the
    # article gives nobody that title itself
    for office, holder in analysis.resolver.offices().roles(analysis.article.lang).items():
        roles.setdefault(office, holder)
    resolver = analysis.resolver
    country = (
        resolver.country  # found once for the article's speakers and offices
        if table is resolver.entities
        else table.main_country(analysis.article.text, analysis.article.lang)
    )
    # each quote looks only at the names around it and at its speaker's previous quote,
    # so that an article of many quotes costs time in proportion to them
    names = sorted(analysis.names, key=lambda n: n.start)
    starts = [n.start for n in names]
    longest = max((n.end - n.start for n in names), default=0)
    people.sort(key=lambda p: p.start)
    people_starts = [p.start for p in people]
    people_genders = {p.name: p.gender for p in people}
    last_by_speaker: dict[str, Quote] = {}
    found = []
    for q in quotes:
        lo, hi = bisect_left(starts, q.start - longest), bisect_left(starts, q.end)
        near = [n for n in names[lo:hi] if n.end > q.start]
        previous = [last_by_speaker[q.speaker]] if q.speaker in last_by_speaker else []
        named = find_targets(q, text, previous, table, near, analysis.person_name)
        if q.speaker:
            last_by_speaker[q.speaker] = q
        seen = {t.name for t in named}
        more = people_targets(q, text, people, roles, table, people_starts, people_genders)
        more += attribution_targets(q, text, people, people_starts, analysis.person_name, table)
        more += description_targets(q, text, country, table)
        for t in sorted(more, key=lambda t: t.start):
            if t.name not in seen and t.name != q.speaker:
                named.append(t)
                seen.add(t.name)
        found.append(named)
    return found


# -- people referred to by a role or a pronoun ---------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    start: int  # where the article names them
    gender: str | None  # "m", "f" or None (unknown)


def article_people(analysis: Analysis) -> tuple[list[Person], dict[str, str]]:
    """The people the article names, in order of mention, with a gender where the text says
    it (Mr/Mrs/Ms before the name, he/she as the pronoun of their quotes), and the roles the
    article gives them ("Prime Minister Tony Blair" -> "prime minister": "Tony Blair")."""
    text, lang = analysis.article.text, analysis.article.lang
    lex = analysis.resolver.lex
    gender_of_title = title_genders(lang)
    people: list[Person] = []
    genders: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    for nm in analysis.names:
        if nm.label not in ("PERSON", "NAME"):
            continue
        named = analysis.person_name(_clean(nm.text), nm.start)
        if named is None or (nm.label == "NAME" and not named[1]):
            continue
        name = named[0]
        words = text[max(0, nm.start - 60) : nm.start].split()
        for n in (3, 2, 1):
            phrase = " ".join(words[-n:]).lower().strip(",")
            if len(words) >= n and phrase in lex.titles:
                roles.setdefault(phrase, set()).add(name)
                if phrase in gender_of_title:
                    genders.setdefault(name, gender_of_title[phrase])
                break
        first = nm.text.split()[0].lower().strip(".")
        given = name.split()[0].lower()
        if first in gender_of_title:
            genders.setdefault(name, gender_of_title[first])
        elif given in first_names() and len(name.split()) > 1:
            genders.setdefault(name, first_names()[given])
        people.append(Person(name, nm.start, None))
    for q in analysis.quotes:  # "Clinton said ... she added": the pronoun of a speaker
        if q.speaker and q.speaker_mention and q.speaker_mention.lower() in ("he", "she"):
            genders.setdefault(q.speaker, "m" if q.speaker_mention.lower() == "he" else "f")
    people = [Person(p.name, p.start, genders.get(p.name)) for p in people]
    unique = {role: next(iter(names)) for role, names in roles.items() if len(names) == 1}
    return people, unique


def people_targets(
    quote: Quote,
    text: str,
    people: list[Person],
    roles: dict[str, str],
    table: EntityTable,
    starts: list[int] | None = None,
    genders: dict[str, str | None] | None = None,
) -> list[Target]:
    """Targets a quote names by role ("the prime minister" -> the one person the article
    calls so) or by a third-person pronoun ("her campaign") -> the person last named before
    it whose gender fits, never the speaker. In reported speech a pronoun of the speaker's
    gender is the speaker ("he would support Trump"), so only the other gender counts.
    ``people`` are in text order; ``starts`` (their positions) and ``genders`` (by name) may
    be given once for all of an article's quotes."""
    found: list[Target] = []
    pronouns = pronoun_genders(quote.lang)
    starts = starts if starts is not None else [p.start for p in people]
    if genders is None:
        genders = {p.name: p.gender for p in people}
    speaker_gender = genders.get(quote.speaker or "")
    for start, end in quote.segments:
        part = text[start:end]
        for role, name in roles.items():
            for m in re.finditer(rf"\b(?:the|The)\s+{re.escape(role)}\b", part, re.IGNORECASE):
                found.append(_person(name, m.group(), start + m.start(), table, quote.lang))
            definite = definite_form(role, quote.lang)
            if definite:
                for m in re.finditer(rf"\b{re.escape(definite)}\b", part, re.IGNORECASE):
                    found.append(_person(name, m.group(), start + m.start(), table, quote.lang))
        for m in re.finditer(r"\w+", part):
            gender = pronouns.get(m.group().lower())
            if gender is None:
                continue
            if quote.kind != "direct" and speaker_gender in (gender, None):
                continue  # reported speech: "he" is most likely the speaker
            pos = start + m.start()
            match = _last_named(people, starts, pos, gender, quote.speaker)
            if match is not None:
                found.append(_person(match.name, m.group(), pos, table, quote.lang, "pronoun"))
    return found


ATTRIBUTION_ROLES = ("you", "to", "about")


@functools.cache
def attribution_words(lang: str) -> dict[str, frozenset[str]]:
    """Role -> words (resources/<lang>/attribution_words.tsv): ``you`` a word of a quote that
    addresses someone, ``to`` and ``about`` the words between a cue and its addressee or
    topic."""
    path = resource_dir() / lang / "attribution_words.tsv"
    rows = read_table(path, ("word", "role"))
    for number, (word, role) in rows:
        if role not in ATTRIBUTION_ROLES:
            raise InputError(
                path, f"role {role!r} of {word!r} must be one of {ATTRIBUTION_ROLES}", number
            )
    return {
        r: frozenset(w.lower() for _n, (w, role) in rows if role == r) for r in ATTRIBUTION_ROLES
    }


# what follows a cue: a word, or a capitalised name of up to four words ("Mr Blair")
NEXT_WORD = re.compile(r"\s+(\w+)")
NAMED = re.compile(r"\s+(?P<who>(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w’'-]*|\w+)")


def attribution_targets(
    quote: Quote,
    text: str,
    people: list[Person],
    starts: list[int],
    person_name: Callable[[str, int], tuple[str, bool] | None],
    table: EntityTable,
) -> list[Target]:
    """The person an attribution names after its cue besides the speaker:
    - whom a direct quote that says "you" speaks to, the cue's object or after "to": 'Mr
      Brown told Mr Blair: "There is nothing you could ever say to me"', 'Bill Clinton once
      advised him: "Always remember what people see of you"' (him: the man named last, not
      the speaker), "– Du har sviktet oss, sa Solberg til Støre.";
    - whom any quote is about, after "of": '"You've got to be able to adapt," he said of
      Trump'.
    After a speaker that follows the cue ("sa Solberg til Støre") only with such a word."""
    if not quote.cue or not quote.cue[:1].isalpha():
        return []
    words = attribution_words(quote.lang)
    addresses = quote.kind == "direct" and any(
        w.lower() in words["you"] for s, e in quote.segments for w in re.findall(r"\w+", text[s:e])
    )
    genders = pronoun_genders(quote.lang)
    start, end = quote.sentence_start, quote.sentence_end
    for m in re.finditer(rf"\b{re.escape(quote.cue)}\b", text[start:end]):
        at = start + m.end()
        if any(s <= at < e for s, e in quote.segments):
            continue
        s_start, s_end = quote.speaker_start, quote.speaker_end
        after_speaker = s_start is not None and s_end is not None and s_start >= at
        if after_speaker and not text[at : s_start or at].strip():
            at = s_end or at
        else:
            after_speaker = False
        word = NEXT_WORD.match(text, at)
        role = next((r for r in ("to", "about") if word and word.group(1).lower() in words[r]), "")
        if role:
            at = word.end() if word else at
        if not (role == "about" or (addresses and (role == "to" or not after_speaker))):
            break
        named = NAMED.match(text, at)
        if named is None:
            break
        who, pos = named.group("who"), named.start("who")
        if who.lower() in genders:
            person = _last_named(people, starts, pos, genders[who.lower()], quote.speaker)
            name = person.name if person is not None else None
        elif who[:1].isupper():
            full = person_name(_clean(who), pos)
            name = full[0] if full is not None and full[1] else None
        else:
            name = None
        if name is None or name == quote.speaker:
            break
        return [
            _person(name, who, pos, table, quote.lang, "addressee" if role != "about" else "topic")
        ]
    return []


def _last_named(
    people: list[Person], starts: list[int], pos: int, gender: str, speaker: str | None
) -> Person | None:
    """The person named last before ``pos`` with ``gender``, not the speaker (``people`` in
    text order, ``starts`` their positions)."""
    for i in range(bisect_left(starts, pos) - 1, -1, -1):
        if people[i].gender == gender and people[i].name != speaker:
            return people[i]
    return None


def definite_form(role: str, lang: str) -> str | None:
    """Norwegian roles take the definite suffix: "statsminister" -> "statsministeren"."""
    if lang != "no" or " " in role:
        return None
    return role + ("n" if role.endswith("e") else "en")


def _person(
    name: str, mention: str, start: int, table: EntityTable, lang: str, via: str = "role"
) -> Target:
    entity = table.lookup(name, lang)
    if entity is not None and entity.type == "person":
        return Target(
            entity.name, entity.qid or None, "person", mention, start, start + len(mention), via
        )
    return Target(name, None, "person", mention, start, start + len(mention), via)


# -- descriptions: "the government" of the article's country, "his party" of the speaker ------


@functools.cache
def party_words(lang: str) -> frozenset[str]:
    """The speaker's own party: "his party", "vårt parti" (resources/<lang>/party_words.txt)."""
    return frozenset(w.lower() for w in read_list(resource_dir() / lang / "party_words.txt"))


def description_targets(
    quote: Quote, text: str, country: str | None, table: EntityTable
) -> list[Target]:
    """Bodies a quote names by description: the article's government, the speaker's party."""
    found: list[Target] = []
    known = {
        phrase: name for (phrase, qid), name in descriptions(quote.lang).items() if qid == country
    }
    party = table.by_name.get(quote.affiliation or "")
    for start, end in quote.segments:
        part = text[start:end]
        for phrase, name in known.items():
            entity = table.by_name.get(name)
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", part, re.IGNORECASE):
                if entity is not None and not _part_of_title(part, m, quote.lang):
                    found.append(_from_entity(entity, _at(m, start), "role"))
        if party is not None and party.type == "party":
            for phrase in party_words(quote.lang):
                for m in re.finditer(rf"\b{re.escape(phrase)}\b", part, re.IGNORECASE):
                    found.append(_from_entity(party, _at(m, start), "role"))
    return found


def _part_of_title(part: str, m: re.Match[str], lang: str) -> bool:
    """The word before a description makes it a title of its own: "prime ministers and party
    leaders come and go" are not the government's ministers."""
    before = word_before(part, m.start())
    phrase = m.group().lower()
    titles = load_lexicon(lang).titles
    return bool(before) and any(f"{before} {w}" in titles for w in (phrase, phrase.rstrip("s")))


def _at(m: re.Match[str], offset: int) -> NamedMention:
    return NamedMention(offset + m.start(), offset + m.end(), m.group(), "DESCRIPTION")
