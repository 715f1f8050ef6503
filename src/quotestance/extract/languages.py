"""What differs per language: how an article is read (parse, names, sentences) and how a
quote is attributed, behind one interface the engine (extract/pipeline.py) calls.

Each language module turns an article's paragraphs and quoted runs into candidates (the
quote, its cue, the speaker mention), fills the speaker register with the people it names,
and gives the target finder its names. Everything after that (selection, speaker
resolution, carrying a speaker over, cue classes) is the engine's, the same for every
language. A new language is one class here, registered in ``MODULES``, and its word lists
under ``resources/<lang>/``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from quotestance.entities import EntityTable
from quotestance.extract import english, norwegian
from quotestance.extract.article import Article
from quotestance.extract.direct import Attribution, direct_candidates, sentence_of
from quotestance.extract.marks import Quoted, Spans
from quotestance.extract.names import capitalised_names
from quotestance.extract.norwegian import DASH, NorwegianAttribution
from quotestance.extract.norwegian import sentences as no_sentences
from quotestance.extract.schema import Candidate, Mention, NamedMention
from quotestance.extract.speakers import SpeakerResolver


@dataclass
class Page:
    """What the engine hands a language module: the article, its paragraphs, its quoted runs
    (every mark style), the speaker register to fill and the gazetteer."""

    article: Article
    paragraphs: list[tuple[int, int]]
    quoted: list[Quoted]
    resolver: SpeakerResolver
    entities: EntityTable


@dataclass
class Found:
    """What a language module found in one article, before speakers are resolved."""

    candidates: list[Candidate]
    fragments: list[Quoted]  # quoted runs that are not speech (mixed-quote fragments)
    sentences: Spans
    names: list[NamedMention]  # every name the target finder may use
    orgs: Callable[[Candidate], list[str]] = field(default=lambda c: [])
    person: Callable[[Candidate], bool] = field(default=lambda c: False)


class Language:
    """One language's reading of an article. ``find`` is the whole interface."""

    code = ""
    # a speaker named after its cue (", sa Blinken.") is a person's name, not a description
    names_after_cue_are_people = False
    # a quote after a sentence that names one person is theirs though the parse does not
    # say it is the subject (no parse: Norwegian's word patterns)
    any_named_narrates = False
    # reported speech of the writer ("I think ...", "Jeg mener at ...") is a quote with no
    # speaker (PolNeAR counts the author's attributions), or no quote at all (the NorNE
    # gold, where a reporter's or columnist's "jeg" is the article's own voice)
    writer_reports_are_quotes = True

    def find(self, page: Page) -> Found:
        raise NotImplementedError


class English(Language):
    """spaCy's English pipeline: sentences, dependencies and entities (extract/english.py)."""

    code = "en"

    def find(self, page: Page) -> Found:
        return _candidates_en(page.article, page.paragraphs, page.quoted, page.resolver)


class Norwegian(Language):
    """Word patterns over the verb forms of resources/no/ (extract/norwegian.py), names from
    the trained Norwegian pipeline where one is built, else from capitalised words."""

    code = "no"
    names_after_cue_are_people = True
    any_named_narrates = True
    writer_reports_are_quotes = False

    def find(self, page: Page) -> Found:
        p = page
        return _candidates_no(p.article, p.paragraphs, p.quoted, p.resolver, p.entities)


MODULES: dict[str, Language] = {m.code: m for m in (English(), Norwegian())}


def module_for(lang: str) -> Language:
    """The language module of ``lang`` (a code of ``lexicon.LANGUAGES``)."""
    try:
        return MODULES[lang]
    except KeyError:
        known = ", ".join(sorted(MODULES))
        raise ValueError(f"no language module for {lang!r}; expected one of {known}") from None


def _candidates_en(
    article: Article,
    paragraphs: list[tuple[int, int]],
    quoted: list[Quoted],
    resolver: SpeakerResolver,
) -> Found:
    lex = resolver.lex
    sents = english.parse(article.text, paragraphs)
    where = english.sentence_spans(sents)
    quoted_spans = Spans(seg for q in quoted for seg in q.segments)
    for pos, name, subject in english.person_mentions(sents):
        # a subject inside quote marks is the speaker's topic, never a pronoun's referent
        resolver.add_name(pos, name, subject and not quoted_spans.contains(pos))

    def attribute(q: Quoted) -> Attribution:
        return english.attribute_direct(q.segments, sents, where, lex, quoted_spans)

    direct, fragments = direct_candidates(article.text, quoted, where, lex, attribute)
    used = {c.cue_span for c in direct if c.cue_span and c.opens}
    direct_spans = Spans(seg for c in direct for seg in c.segments)
    indirect = english.find_indirect(sents, lex, direct_spans, used)

    def orgs(c: Candidate) -> list[str]:
        m = c.mention
        return english.org_names(sents, where, m.phrase_start, m.phrase_end) if m else []

    def person(c: Candidate) -> bool:
        return c.mention is not None and english.person_like(sents, where, c.mention)

    return Found(direct + indirect, fragments, where, english.named_mentions(sents), orgs, person)


# How many paragraphs after an unattributed dash quote its ", sier han." may come.
DASH_RUN = 6


def _continue_dash_quotes(
    nor: NorwegianAttribution, paragraphs: list[tuple[int, int]], direct: list[Candidate]
) -> None:
    """Dash quotes without an attribution that run on over the paragraphs after them (one
    sentence a paragraph, as newspaper text often comes), up to the next dash or quotation
    mark and at most ``DASH_RUN`` paragraphs:

    - closed by ", sier X." in one of them: one quote of X ("- Nei. / Men oppgaven ... /
      ..., sier Schmidt-Nielsen.");
    - ending with "?" just before the next dash paragraph: the interviewer's question
      ("- Du satt ved siden av ham. / Så du forandringer?"), cue class question;
    - right after such a question and running to the next dash paragraph: the answer, one
      quote ("- Nei, det er han opptatt av. / Det er en annen type hilsen.").

    Anything else stays as it was."""
    open_at = {c.segments[-1][1]: c for c in direct if c.mention is None and c.cue_span is None}
    asked_until = -2  # the paragraph the last question ends in
    for i, (_ps, pe) in enumerate(paragraphs):
        cand = open_at.get(pe)
        if cand is None:
            continue
        run: list[tuple[int, int]] = []
        next_dash = closed = False
        for ps2, pe2 in paragraphs[i + 1 : i + 1 + DASH_RUN]:
            text = nor.text[ps2:pe2]
            if DASH.match(text):
                next_dash = True
                break
            if any(mark in text for mark in '«»"“”'):
                break
            end = nor.closing_attribution(ps2, pe2)
            if end is not None:
                seg_end, cue, cue_span, mention = end
                cand.segments += [*run, (ps2, seg_end)]
                cand.cue, cand.cue_span, cand.mention = cue, cue_span, mention
                cand.inherit = False
                closed = True
                break
            run.append((ps2, pe2))
        if closed:
            continue
        before = nor.text[paragraphs[i - 1][0] : paragraphs[i - 1][1]] if i else ""
        asked = bool(before.rstrip().endswith("?")) and not DASH.match(before)
        if next_dash and asked and run and nor.text[run[-1][0] : run[-1][1]].rstrip()[-1:] == "?":
            # an answer after an undashed question, up to the next question ("Hva er ditt
            # favorittreisemål?" / "- Jeg reiser mye ..." / "Der er jeg altfor sjelden." /
            # "Hvilket sted drømmer du om å reise til?")
            cand.segments += run[:-1]
            continue
        if not next_dash:
            # no attribution anywhere: the quote goes on while the sentences after it read as
            # its speaker's words, not the narrator's ("- Det var et helvete." / "Skammen." /
            # "Jeg hadde forsøkt å ta livet mitt." ... up to "Han innså at han trengte terapi.")
            for ps2, pe2 in run:
                if nor.narrates(ps2, pe2):
                    break
                cand.segments.append((ps2, pe2))
            continue
        answer = asked_until == i - 1
        if nor.text[cand.start : run[-1][1] if run else pe].rstrip().endswith("?"):
            cand.segments += run
            cand.cue_class, cand.inherit = "question", False
            asked_until = i + len(run)
        elif answer:
            cand.segments += run


def _candidates_no(
    article: Article,
    paragraphs: list[tuple[int, int]],
    quoted: list[Quoted],
    resolver: SpeakerResolver,
    entities: EntityTable,
) -> Found:
    nor = NorwegianAttribution(article.text, resolver.lex, entities)
    spans = Spans(no_sentences(article.text, paragraphs))
    recognised = norwegian.entities(article.text, paragraphs)

    def subject(pos: int) -> bool:
        sentence = sentence_of(pos, spans)
        return sentence is not None and nor.opens_sentence_subject(sentence[0], pos)

    if recognised is None:  # no trained pipeline: capitalised runs (extract/names.py)
        for pos, name in nor.person_names(paragraphs):
            resolver.add_name(pos, name, subject(pos))
        names = capitalised_names(article.text, spans.spans)
    else:
        people = [m for m in recognised if m.label == "PERSON"]
        for m in people:
            resolver.add_name(m.start, m.text, subject(m.start))
        names = recognised
    direct: list[Candidate] = []
    for ps, pe in paragraphs:
        direct.extend(nor.dash_quote(ps, pe))
    _continue_dash_quotes(nor, paragraphs, direct)
    dash_spans = Spans(seg for c in direct for seg in c.segments)

    def attribute(q: Quoted) -> Attribution:
        sentence = sentence_of(q.marks[0][0], spans) or (q.start, q.end)
        end_sentence = sentence_of(max(q.end - 1, q.start), spans) or sentence
        sentence = (sentence[0], max(sentence[1], end_sentence[1]))
        j = spans.last_ending_by(sentence[0])
        lead = spans.spans[j] if j is not None else None
        return (*nor.attribute_direct(q.segments, sentence, lead), sentence)

    outside = [q for q in quoted if not dash_spans.contains(q.start)]
    marked, fragments = direct_candidates(article.text, outside, spans, resolver.lex, attribute)
    direct += marked
    for cand in direct:
        if cand.mention is None:
            i = spans.first_starting_from(cand.end)
            hit = nor.following(spans.spans[i]) if i is not None else None
            if hit is not None:
                cand.mention, cand.cue, cand.cue_span = hit
                cand.inherit = False
    direct_spans = Spans(seg for c in direct for seg in c.segments)
    attributions = {c.cue_span for c in direct if c.cue_span}
    indirect: list[Candidate] = []
    for sentence in spans.spans:
        if dash_spans.contains(sentence[0]) or direct_spans.covers(*sentence):
            continue
        indirect.extend(
            c for c in nor.find_indirect(sentence, direct_spans) if c.cue_span not in attributions
        )
    found = direct + indirect
    if recognised is not None:
        _narrow_to_people(found, people)
    return Found(found, fragments, spans, names)


def _narrow_to_people(candidates: list[Candidate], people: list[NamedMention]) -> None:
    """A speaker mention that holds one recognised person and more ("Både Bjørndalen", "EU-
    ekspert Eivind Hoff i Bellona") is that person; its phrase keeps the rest (titles and
    affiliations are read from it)."""
    starts = [p.start for p in people]
    for cand in candidates:
        m = cand.mention
        if m is None or m.refers:
            continue
        inside = [
            p
            for p in people[bisect_left(starts, m.start) : bisect_right(starts, m.end)]
            if p.end <= m.end
        ]
        if len(inside) == 1 and (inside[0].start, inside[0].end) != (m.start, m.end):
            p = inside[0]
            cand.mention = Mention(p.start, p.end, p.text, m.phrase_start, m.phrase_end)
