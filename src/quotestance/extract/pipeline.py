"""Article in, quotes out: the one attribution engine for every language.

The steps, the same for English and Norwegian: quoted runs in every mark style (marks.py);
the language module's reading of the article (languages.py: parse, names, the attribution of
each quoted run, reported speech); selection among overlapping candidates; speaker
resolution against the article's name register (speakers.py); a speaker carried over to
unattributed quotes (the paragraph before, an interviewer's question, a headline); cue
classes; mixed quotes. What differs per language lives in the language module and the word
lists of resources/<lang>/."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from quotestance.entities import descriptions, load_entities
from quotestance.errors import InputError
from quotestance.extract.article import Article, max_article_bytes, read_article
from quotestance.extract.direct import (
    colon_quotes,
    headline_report,
    inner_text,
    signed_paragraphs,
)
from quotestance.extract.gender import first_names
from quotestance.extract.languages import Page, module_for
from quotestance.extract.marks import Spans, find_quoted
from quotestance.extract.names import word_before
from quotestance.extract.schema import Candidate, NamedMention, Quote, quote_id
from quotestance.extract.speakers import Resolved, SpeakerResolver
from quotestance.lexicon import Lexicon, cue_set, load_lexicon


def _clean_segment(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in "–—"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
        e -= 1
    return s, e


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _within(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _clusters(extents: list[tuple[int, int]]) -> list[int]:
    """A cluster number for each closed extent ``(lo, hi)``: extents that overlap, directly or
    through others, share one; items in different clusters never touch each other."""
    cluster = [0] * len(extents)
    number, reach = -1, None
    for i in sorted(range(len(extents)), key=lambda i: extents[i][0]):
        lo, hi = extents[i]
        if reach is None or lo > reach:
            number, reach = number + 1, hi
        reach = max(reach, hi)
        cluster[i] = number
    return cluster


def _answers(
    candidates: list[Candidate], resolved: list[Resolved], paragraph_of: Callable[[int], int]
) -> None:
    """An answer with no attribution, in the paragraph after an interviewer's question, is
    the quote of the person last quoted before the question (the one interviewed), or where
    nobody is, of the first person quoted after it (an interview that opens with a question)."""
    for i in range(1, len(candidates)):
        cand, asked = candidates[i], candidates[i - 1]
        if (
            resolved[i].speaker is not None
            or cand.mention is not None
            or cand.kind != "direct"
            or cand.cue_class == "question"
            or asked.cue_class != "question"
            or paragraph_of(cand.start) - paragraph_of(asked.end) != 1
        ):
            continue
        people = [
            (abs(paragraph_of(asked.start) - paragraph_of(candidates[j].end)), j > i, j)
            for j in range(len(candidates))
            if j not in (i, i - 1) and resolved[j].speaker and resolved[j].speaker_type == "person"
        ]
        if people:  # the nearest, the one before on a tie
            resolved[i] = Resolved(**{**resolved[min(people)[2]].__dict__})


# a quote that opens its line with a dash ("- Jeg trengte å gå inn i en anonym tilværelse.")
DASH_TURN = re.compile(r"(?:^|\n)[–—-]\s*$")
FIRST_WORD = re.compile(r"[\s–—-]*(\w[\w'’.-]*)")
WORD = re.compile(r"\w+")


def _protagonist(
    candidates: list[Candidate], resolved: list[Resolved], text: str, lex: Lexicon
) -> None:
    """An unattributed dash turn in the first person, in an article that quotes one person
    at least three times and twice as often as anyone else (a portrait, an interview), is
    that person's ("- Jeg skulle vært med, men så ble premieren utsatt.")."""
    counts = Counter(r.speaker for r in resolved if r.speaker and r.speaker_type == "person")
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return
    main = next(r for r in resolved if r.speaker == ranked[0][0])
    first_person = lex.referring_to("self")
    for i, cand in enumerate(candidates):
        said = {w.lower() for s, e in cand.segments for w in WORD.findall(text, s, e)}
        if (
            resolved[i].speaker is None
            and cand.mention is None
            and cand.kind == "direct"
            and cand.cue_class != "question"
            and DASH_TURN.search(text, max(0, cand.start - 4), cand.start)
            and first_person & said
        ):
            resolved[i] = Resolved(**{**main.__dict__})


def _located(text: str, at: int, name: str, lex: Lexicon) -> bool:
    """A name after a locative word that no first name opens: a place ("flyttet til New
    York"), or a person ("gikk vi rett på Omar Sidibeh")."""
    return word_before(text, at) in lex.locatives and name.split()[0].lower() not in first_names()


def _narrated(
    candidates: list[Candidate],
    resolved: list[Resolved],
    text: str,
    sentences: Spans,
    resolver: SpeakerResolver,
    paragraph_of: Callable[[int], int],
    any_named: bool,
) -> None:
    """A quote paragraph nobody is named for, right after a sentence about a person, is that
    person's ("Martin kjente at det fortsatt kriblet i føttene." / "- Jeg ville gi fotballen
    et forsøk til."): the name it opens with, else the one person it names as a subject, else
    for a he or she opening it (and nobody named) the person last quoted, if the pronoun fits
    them. With ``any_named`` (a language read without a parse), any one person it names and
    a he or she anywhere in it count; beside a he or she, a name after a locative word is
    taken for a place ("Da hun flyttet til New York")."""
    named_at = {at: full for at, full, _subject in resolver.people}
    quoted = Spans((c.start, c.end) for c in candidates)
    for i, cand in enumerate(candidates):
        if (
            resolved[i].speaker is not None
            or cand.mention is not None
            or cand.kind != "direct"
            or cand.cue_class == "question"
            or not cand.opens
        ):
            continue
        before = sentences.last_ending_by(cand.start)
        if before is None:
            continue
        start, end = sentences.spans[before]
        if paragraph_of(start) != paragraph_of(cand.start) - 1 or quoted.overlaps(start, end):
            continue
        first = FIRST_WORD.match(text, start, end)
        if first is None:
            continue
        name = named_at.get(first.start(1))
        said = re.findall(r"\w+", text[start:end].lower())
        persons = [
            w
            for w in (said if any_named else said[:1])
            if resolver.lex.pronouns.get(w) == "person" and w in resolver.pronoun_gender
        ]
        named = {
            full
            for at, full, subject in resolver.people
            if start <= at < end
            and (subject or any_named)
            # "Da hun flyttet til New York": she, not a place
            and not (any_named and persons and _located(text, at, full, resolver.lex))
        }
        if name is None and len(named) == 1:
            name = next(iter(named))  # "Kulturrådets leder, Vigdis Moe Skarstein, avviser ..."
        if name is None and not named and not persons:
            # "For anledningen kastet regissøren glans over premieren": the one person a
            # role noun of the sentence stands for
            roles = {
                holder
                for m in re.finditer(r"\w[\w-]*", text[start:end])
                if m.group()[:1].islower()
                for holder in [resolver.role_noun(m.group(), start + m.start())]
                if holder is not None
            }
            if len(roles) == 1:
                name = roles.pop()
        if name is None and not named and persons:
            word = persons[0]  # "Han smiler.", "Den kvelden samlet han foreldrene i stua."
            gender = resolver.pronoun_gender.get(word)
            last = next(
                (r for r in reversed(resolved[:i]) if r.speaker and r.speaker_type == "person"),
                None,
            )
            if gender and last is not None and resolver.gender_of(last.speaker) in (None, gender):
                name = last.speaker
        if name is not None:
            # the article's full name for it, if one comes later ("Cathrine" ... "Cathrine
            # Langfjell Torsvik")
            full = resolver.register.full_name(name, start)
            resolved[i] = Resolved(full or name, "person")


@functools.cache
def _sign_off_pattern(phrases: frozenset[str]) -> re.Pattern[str]:
    """A closing of ``phrases`` (the longest first), then the name it signs."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(
        r"[^\S\n]*(?:" + "|".join(re.escape(p) for p in ordered) + r")[,:]?[^\S\n]+"
        r"(?P<name>[^\W\d_][\w.’'-]*(?:[^\S\n]+[^\W\d_][\w.’'-]*){0,3})",
        re.IGNORECASE,
    )


def _signed_off(
    candidates: list[Candidate], resolved: list[Resolved], text: str, resolver: SpeakerResolver
) -> None:
    """A quoted letter whose last line is a closing and a name ("Mvh Gro Kyte, Leder for
    barneverntjenesten»", "Sincerely, Jane Smith") is that person's written words, the
    closing line left out of the quote (``resources/<lang>/sign_offs.txt``)."""
    phrases = resolver.lex.sign_offs
    if not phrases:
        return
    closing = _sign_off_pattern(phrases)
    for i, cand in enumerate(candidates):
        if cand.kind != "direct" or len(cand.segments) < 2:
            continue
        s, e = cand.segments[-1]
        m = closing.match(text, s, e)
        name = m.group("name").rstrip(".,") if m else ""
        if not m or not all(w[:1].isupper() for w in name.split()):
            continue
        person = resolver.person_name(name, m.start("name"))
        if person is None:
            continue
        full = person[0]
        if full.lower().startswith(tuple(phrases)):
            full = name  # the recogniser took the closing into the name
        cand.segments.pop()
        cand.cue_class = "written"
        resolved[i] = Resolved(full, "person")


# How many quotes after a headline quote may name its speaker.
HEADLINE_REACH = 3


def _headline_speaker(
    candidates: list[Candidate], resolved: list[Resolved], paragraphs: list[tuple[int, int]]
) -> None:
    """A quote that is the article's headline ("- Danmark i krise") and names nobody is the
    quote of the person the body quotes first, when one of the next few quotes names a
    person."""
    if len(paragraphs) < 2 or not candidates or resolved[0].speaker is not None:
        return
    head = candidates[0]
    if head.kind != "direct" or head.cue_class == "question" or head.end > paragraphs[0][1]:
        return
    for res in resolved[1 : 1 + HEADLINE_REACH]:
        if res.speaker and res.speaker_type == "person":
            resolved[0] = Resolved(**{**res.__dict__})
            return


def _merge_split(direct: list[Candidate]) -> list[Candidate]:
    """“A,” he said, “B.” — two runs with one attribution are one quote."""
    merged: list[Candidate] = []
    for cand in sorted(direct, key=lambda c: c.start):
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "direct"
            and cand.kind == "direct"
            and cand.cue_span is not None
            and prev.cue_span == cand.cue_span
        ):
            prev.segments.extend(cand.segments)
            continue
        merged.append(cand)
    return merged


def _dedupe(direct: list[Candidate]) -> list[Candidate]:
    """Two direct readings of one passage: keep the attributed one, else the longer."""
    kept: list[Candidate] = []
    # in start order, a candidate that starts at or after every end seen so far overlaps
    # nothing kept before it, and neither does any later one: those need no second look
    base, reach = 0, None
    for cand in sorted(direct, key=lambda c: c.start):
        if reach is None or cand.start >= reach:
            base = len(kept)
        reach = cand.end if reach is None else max(reach, cand.end)
        at = next(
            (
                base + i
                for i, k in enumerate(kept[base:])
                if _overlaps((k.start, k.end), (cand.start, cand.end))
            ),
            None,
        )
        if at is None:
            kept.append(cand)
            continue
        clash = kept[at]
        if (clash.mention is None and cand.mention is not None) or (
            (clash.mention is None) == (cand.mention is None)
            and cand.end - cand.start > clash.end - clash.start
        ):
            kept[at] = cand
    return kept


def _report_reach(report: Candidate) -> tuple[int, int]:
    """Where a passage that ``_embedded`` gives to this report can lie, as a half-open span:
    its segments and sentence, with room for the last segment growing to the sentence end."""
    lo = min(min(s for s, _ in report.segments), report.sentence[0])
    hi = max(max(e for _, e in report.segments), report.sentence[1] + 1) + 2
    return lo, hi + 1


def _embedded(cand: Candidate, reports: list[Candidate], reach: Spans) -> Candidate | None:
    """The reported-speech quote whose content holds this mid-sentence quoted passage.
    ``reach`` holds ``_report_reach`` of each report: only those around the passage can."""
    if cand.opens or len(cand.segments) > 1:
        return None
    if cand.start <= cand.end:
        reports = [reports[i] for i in reach.at(cand.start)]
    for report in reports:
        if any(s <= cand.start and cand.end <= e + 2 for s, e in report.segments):
            return report
    for report in reports:  # quoted at the end of the sentence, after the parsed clause
        if (
            report.sentence[0] <= cand.start
            and cand.end <= report.sentence[1] + 1
            and (report.end <= cand.start)
        ):
            last = report.segments[-1]
            report.segments[-1] = (last[0], cand.end)
            return report
    return None


def _select(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Direct quotes win over reported speech that overlaps them, unless they are a passage
    quoted inside it (then the report is a mixed quote); nested reports go."""
    reports = [c for c in candidates if c.kind != "direct"]
    reach = Spans(_report_reach(r) for r in reports)
    direct = []
    for cand in (c for c in candidates if c.kind == "direct"):
        host = _embedded(cand, reports, reach)
        if host is None:
            direct.append(cand)
        else:
            host.fragments.append(" ".join(text[s:e] for s, e in cand.segments))
    direct = _merge_split(_dedupe(direct))
    direct_spans = Spans(seg for c in direct for seg in c.segments)
    indirect = [
        c
        for c in candidates
        if c.kind != "direct" and not any(direct_spans.overlaps(*seg) for seg in c.segments)
    ]
    indirect.sort(key=lambda c: (c.start, -(c.end - c.start)))
    # a report only competes with reports whose extent (segments and cue) touches its own
    cluster = _clusters([_extent(c) for c in indirect])
    kept_in: dict[int, list[Candidate]] = {}
    for cand, number in zip(indirect, cluster, strict=True):
        kept = kept_in.setdefault(number, [])
        cue = cand.cue_span[0] if cand.cue_span else cand.start
        if any(
            _within(cue, other.segments)
            or (
                _overlaps((cand.start, cand.end), (other.start, other.end))
                and other.end - other.start >= cand.end - cand.start
            )
            for other in kept
        ):
            continue
        kept[:] = [o for o in kept if not (o.cue_span and _within(o.cue_span[0], cand.segments))]
        kept.append(cand)
    survivors = {id(c) for kept in kept_in.values() for c in kept}
    return sorted(direct + [c for c in indirect if id(c) in survivors], key=lambda c: c.start)


def _extent(cand: Candidate) -> tuple[int, int]:
    """Closed extent of a candidate: its start and end, every segment, and its cue."""
    points = [cand.start, cand.end, *(p for seg in cand.segments for p in seg)]
    if cand.cue_span:
        points.append(cand.cue_span[0])
    return min(points), max(points)


def _register_affiliations(article: Article, resolver: SpeakerResolver) -> dict[str, Resolved]:
    """Affiliation written just before a name ("North Korean leader Kim Jong Un")."""
    found: dict[str, Resolved] = {}
    for pos, name in resolver.register.names:
        window = article.text[max(0, pos - 60) : pos]
        window = re.split(r"[.;:!?\n]|,\s", window)[-1]
        mentions = resolver.entities.find(window, article.lang)
        if mentions:
            entity = mentions[-1].entity
            # a party is the side itself ("Liberal Democrat leader Charles Kennedy")
            party = entity.type == "party"
            country = entity if party else resolver.entities.country_of(entity) or entity
            found.setdefault(
                name,
                Resolved(
                    name, "person", affiliation=country.name, affiliation_qid=country.qid or None
                ),
            )
    return found


@dataclass
class Analysis:
    """One article's quotes, the names its language module found, and the register that
    made speakers canonical (targets use the same, so a person has one name in both)."""

    article: Article
    quotes: list[Quote]
    names: list[NamedMention]
    resolver: SpeakerResolver

    def person_name(self, mention: str, position: int) -> tuple[str, bool] | None:
        return self.resolver.person_name(mention, position)


def cue_class(cand: Candidate, res: Resolved, text: str, lex: Lexicon) -> str:
    """What kind of attribution a candidate is (``lexicon.CUE_CLASSES``): its cue's class,
    unless a document or finding speaks ("a statement said": written, "a study found":
    source); "according to" a person is what they said."""
    if cand.cue_class is not None:
        cls = cand.cue_class
    elif not cand.cue or cand.cue == ":":
        cls = "speech"
    else:
        cls = lex.cue_class(cand.cue)
    m = cand.mention
    if m is not None and cls == "speech":
        words = text[m.start : m.end].lower().split()
        if words and words[-1] in lex.speaker_classes and res.speaker_type != "person":
            cls = lex.speaker_classes[words[-1]]
    if cls == "source" and res.speaker_type == "person" and not res.description:
        cls = "speech"
    return cls


def extract_article(article: Article, cues: Collection[str] | None = None) -> list[Quote]:
    """The quotes of an article whose cue class is in ``cues`` (``None``: the default
    classes, ``lexicon.DEFAULT_CUES``; e.g. ``{"speech", "written"}`` or every class in
    ``lexicon.CUE_CLASSES``)."""
    return analyse_article(article, cues).quotes


def analyse_article(article: Article, cues: Collection[str] | None = None) -> Analysis:
    """Quotes (of the cue classes in ``cues``, as ``extract_article``), names and register.
    Speakers are resolved over every class, so the choice never changes a speaker."""
    keep = cue_set(cues)
    lex = load_lexicon(article.lang)
    entities = load_entities()
    resolver = SpeakerResolver(article.lang, lex, entities, article.text)
    paragraphs = article.paragraphs()
    quoted = find_quoted(article.text, paragraphs)
    language = module_for(article.lang)
    read = language.find(Page(article, paragraphs, quoted, resolver, entities))
    candidates, fragments = read.candidates, read.fragments
    candidates += colon_quotes(article.text, paragraphs, resolver.lex)
    person_spans = Spans((n.start, n.end) for n in read.names if n.label == "PERSON")

    def is_person(start: int, end: int) -> bool:
        """The recogniser's person, or a name that opens with a first name the data knows."""
        first = article.text[start:end].split()[0].lower()
        return person_spans.covers(start, end) or first in first_names()

    candidates += signed_paragraphs(article.text, paragraphs, is_person)
    surnames = {n.text.split()[-1] for n in read.names if n.label == "PERSON"}

    def is_known(name: str) -> bool:
        """A gazetteer name, or part of the name of a person the article names."""
        return (
            entities.lookup(name, article.lang) is not None
            or name in surnames
            or resolver.register.full_name(name, 0) is not None
        )

    if paragraphs and not any(c.start < paragraphs[0][1] for c in candidates):
        # a headline report the language module did not read itself
        candidates += headline_report(article.text, paragraphs, resolver.lex, is_known)
    excluded = Spans(article.excluded)
    candidates = [
        c for c in _select(candidates, article.text) if not excluded.overlaps(c.start, c.end)
    ]
    known = _register_affiliations(article, resolver)

    # speakers, in reading order; a quote without attribution that follows a direct quote in
    # the same or the next paragraph continues it (the same speech, one more segment)
    kept: list[Candidate] = []
    resolved: list[Resolved] = []
    previous: tuple[Candidate, Resolved] | None = None

    around = Spans((s, e + 1) for s, e in paragraphs)  # a paragraph's end counts as in it

    def paragraph_of(pos: int) -> int:
        i = around.first_at(pos)
        return -1 if i is None else i

    writer = resolver.lex.referring_to("self")
    inside = Spans(seg for q in quoted for seg in q.segments)
    for cand in candidates:
        if (
            not language.writer_reports_are_quotes
            and cand.kind != "direct"
            and cand.mention is not None
            and cand.mention.text.lower() in writer
            and not inside.overlaps(cand.mention.start, cand.mention.end)
        ):
            continue  # "Jeg mener at ..." in the writer's own voice: no quote
        if cand.cue_class == "question" and cand.mention is None:
            res = Resolved(None, "unknown")  # put by the reporter: nobody's quote
        elif cand.mention is None:
            if (
                previous is not None
                and previous[0].kind == "direct"
                and cand.kind == "direct"
                and previous[0] is kept[-1]
                and paragraph_of(cand.start) - paragraph_of(previous[0].end) <= 1
            ):
                if not DASH_TURN.search(article.text, max(0, cand.start - 4), cand.start):
                    previous[0].segments.extend(cand.segments)
                    continue
                # a dash opens a turn of its own: one more quote of the same speaker
                res = Resolved(**{**previous[1].__dict__})
            else:
                res = Resolved(None, "unknown")
        else:
            said_by = cand.mention
            res = resolver.resolve(
                article.text[said_by.refers[0] : said_by.refers[1]]
                if said_by.refers
                else said_by.text,
                article.text[cand.mention.phrase_start : cand.mention.phrase_end],
                cand.mention.start,
                orgs=read.orgs(cand),
                is_person_name=read.person(cand)
                or (
                    language.names_after_cue_are_people
                    and cand.cue_span is not None
                    and cand.cue_span[0] < cand.mention.start
                ),
                quoted=cand.start,
            )
        if res.speaker and res.affiliation is None and res.speaker in known:
            res.affiliation = known[res.speaker].affiliation
            res.affiliation_qid = known[res.speaker].affiliation_qid
        kept.append(cand)
        resolved.append(res)
        if res.speaker:
            previous = (cand, res)
    candidates = kept
    _signed_off(candidates, resolved, article.text, resolver)
    _narrated(
        candidates,
        resolved,
        article.text,
        read.sentences,
        resolver,
        paragraph_of,
        language.any_named_narrates,
    )
    # a quote that opens a run of quotes takes the speaker named right after it
    for i, (cand, res) in enumerate(zip(candidates[:-1], resolved[:-1], strict=True)):
        nxt, nres = candidates[i + 1], resolved[i + 1]
        closing = nxt.kind == "direct" or (  # or "..., sier X." closing the next paragraph
            nxt.mention is not None and nxt.mention.start > nxt.end
        )
        if (
            res.speaker is None
            and cand.kind == "direct"
            and cand.cue_class != "question"
            and closing
            and nres.speaker
            and paragraph_of(nxt.start) - paragraph_of(cand.end) <= 1
        ):
            resolved[i] = nres
    # a quote paragraph with no attribution of its own and none after it continues the
    # speaker of the paragraph just before, and an unattributed quote sentence the speaker of
    # the reported speech just before it in its paragraph ("..., Schiff said. “...”"), when
    # nobody else is named in between
    named_at = sorted(
        {at for at, _name, _subject in resolver.people}
        | {nm.start for nm in read.names if nm.label not in ("GPE", "LOC", "FAC")}
    )
    for i in range(1, len(candidates)):
        cand, prev, pres = candidates[i], candidates[i - 1], resolved[i - 1]
        paragraphs_apart = paragraph_of(cand.start) - paragraph_of(prev.end)
        # past the quote and its own speaker with what describes them (", said Alan Cole, an
        # economist at the Tax Foundation.")
        after = max(prev.end, prev.mention.phrase_end if prev.mention else 0)
        if (
            resolved[i].speaker is None
            and cand.mention is None
            and cand.kind == "direct"
            and cand.cue_class != "question"
            and cand.opens
            and pres.speaker
            and pres.speaker_type == "person"
            and (
                paragraphs_apart == 1
                or (
                    paragraphs_apart == 0
                    and prev.kind != "direct"
                    # the very next sentence: no sentence of its own in between
                    and len(read.sentences.overlapping(prev.end, cand.start)) <= 2
                )
            )
            and paragraph_of(prev.start) == paragraph_of(prev.end)
            and not any(
                after <= at < cand.start for at in named_at[bisect_left(named_at, after) :][:1]
            )
        ):
            resolved[i] = Resolved(**{**pres.__dict__})
    _answers(candidates, resolved, paragraph_of)
    _headline_speaker(candidates, resolved, paragraphs)
    _protagonist(candidates, resolved, article.text, resolver.lex)

    # one affiliation per speaker; unnamed roles linked to the one named speaker that fits
    # (a party or body the text names wins over the bare country of a gazetteer person)
    def country_only(res: Resolved) -> bool:
        side = entities.by_name.get(res.affiliation or "")
        return side is not None and side.type == "country"

    by_speaker: dict[str, Resolved] = {
        name: side for name, side in known.items() if not country_only(side)
    }
    for res in resolved:
        if (
            res.speaker
            and res.affiliation
            and not res.description
            and (
                res.speaker not in by_speaker
                or (country_only(by_speaker[res.speaker]) and not country_only(res))
            )
        ):
            by_speaker[res.speaker] = res
    for res in resolved:
        if (
            res.speaker
            and res.speaker in by_speaker
            and (not res.affiliation or (country_only(res) and res.speaker_type == "person"))
        ):
            res.affiliation = by_speaker[res.speaker].affiliation
            res.affiliation_qid = by_speaker[res.speaker].affiliation_qid
    people = {r.speaker: r for r in resolved if r.speaker_type == "person" and not r.description}
    by_affiliation: dict[str | None, list[Resolved]] = {}
    for person in people.values():
        by_affiliation.setdefault(person.affiliation, []).append(person)
    for res in resolved:
        if res.role and res.affiliation:
            same = by_affiliation.get(res.affiliation, [])
            if len(same) == 1:
                res.speaker, res.speaker_type, res.description = same[0].speaker, "person", False

    # a body named by a description takes its gazetteer name in the country the article is
    # about ("the government" in a British story is the UK Government), as targets do
    known_phrases = descriptions(article.lang)
    phrases = {phrase for phrase, _qid in known_phrases}
    if any((r.speaker or "").lower() in phrases for r in resolved):
        country = resolver.country
        for i, res in enumerate(resolved):
            name = known_phrases.get(((res.speaker or "").lower(), country or ""))
            body = entities.by_name.get(name) if name else None
            if body is not None:
                resolved[i] = resolver.entity_speaker(body)

    # fragments in quote marks inside reported speech make it a mixed quote
    by_start = sorted(range(len(fragments)), key=lambda i: fragments[i].start)
    starts = [fragments[i].start for i in by_start]
    for cand in candidates:
        if cand.kind == "direct":
            continue
        found: set[int] = set()
        for s, e in cand.segments:
            # a quoted run never ends before it starts: only those starting in [s, e] can fit
            for j in range(bisect_left(starts, s), bisect_right(starts, e)):
                if fragments[by_start[j]].end <= e:
                    found.add(by_start[j])
        cand.fragments += [inner_text(article.text, fragments[i]) for i in sorted(found)]
        if cand.fragments and cand.kind != "direct":
            cand.kind = "mixed"

    quotes: list[Quote] = []
    seen: Counter[str] = Counter()
    sentences: Spans = read.sentences
    for cand, res in zip(candidates, resolved, strict=True):
        cls = cue_class(cand, res, article.text, resolver.lex)
        if cls not in keep:
            continue
        segments = [_clean_segment(article.text, s, e) for s, e in cand.segments]
        segments = [(s, e) for s, e in segments if e > s]
        if not segments:
            continue
        text = " ".join(article.text[s:e] for s, e in segments)
        points = [segments[0][0], segments[-1][1] - 1]
        if cand.cue_span:
            points.append(cand.cue_span[0])
        covering = [sentences.spans[i] for p in points for i in sentences.at(p)]
        s_start = min([sp[0] for sp in covering] or [cand.sentence[0]])
        s_end = max([sp[1] for sp in covering] or [cand.sentence[1]])
        qid = quote_id(article.article_id, text, seen[text])
        seen[text] += 1
        m = cand.mention
        quotes.append(
            Quote(
                quote_id=qid,
                article_id=article.article_id,
                lang=article.lang,
                kind=cand.kind,
                text=text,
                start=segments[0][0],
                end=segments[-1][1],
                segments=[[s, e] for s, e in segments],
                speaker=res.speaker,
                speaker_mention=m.text if m else None,
                speaker_start=m.start if m else None,
                speaker_end=m.end if m else None,
                speaker_type=res.speaker_type,
                speaker_qid=res.speaker_qid,
                collective=res.collective,
                affiliation=res.affiliation,
                affiliation_qid=res.affiliation_qid,
                cue=cand.cue or None,
                cue_class=cls,
                sentence=article.text[s_start:s_end],
                sentence_start=s_start,
                sentence_end=s_end,
                fragments=sorted(cand.fragments, key=lambda f: article.text.find(f))
                if len(cand.fragments) > 1
                else list(cand.fragments),
            )
        )
    return Analysis(article, quotes, read.names, resolver)


def extract_file(
    path: str | Path,
    lang: str = "auto",
    max_bytes: int | None = None,
    cues: Collection[str] | None = None,
) -> list[Quote]:
    """The quotes of one article file; ``max_bytes`` as for ``read_article``, ``cues`` as
    for ``extract_article``."""
    return extract_article(read_article(path, lang, max_bytes=max_bytes), cues)


def analyse_file(
    path: str | Path,
    lang: str = "auto",
    max_bytes: int | None = None,
    cues: Collection[str] | None = None,
) -> Analysis:
    """The quotes, names and speaker register of one article file."""
    return analyse_article(read_article(path, lang, max_bytes=max_bytes), cues)


def extract_files(
    paths: list[Path],
    lang: str = "auto",
    max_bytes: int | None = None,
    cues: Collection[str] | None = None,
) -> Iterator[tuple[Path, list[Quote] | None, InputError | None]]:
    """Each file's quotes, or the error that stopped it; one bad file never stops the rest.
    ``max_bytes``: the size limit of each file, as for ``read_article``; ``cues`` as for
    ``extract_article``."""
    for path, analysis, error in analyse_files(paths, lang, max_bytes, cues):
        yield path, analysis.quotes if analysis is not None else None, error


def analyse_files(
    paths: list[Path],
    lang: str = "auto",
    max_bytes: int | None = None,
    cues: Collection[str] | None = None,
) -> Iterator[tuple[Path, Analysis | None, InputError | None]]:
    """Each file's analysis, or the error that stopped it, as ``extract_files``."""
    max_article_bytes(max_bytes)  # a bad limit is one error, not one per file
    cue_set(cues)  # and so is an unknown cue class
    for path in paths:
        try:
            yield path, analyse_file(path, lang, max_bytes=max_bytes, cues=cues), None
        except InputError as exc:
            yield path, None, exc
