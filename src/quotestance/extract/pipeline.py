"""Article in, quotes out: quote marks, attribution per language, then speaker resolution."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from quotestance.entities import EntityTable, load_entities
from quotestance.errors import InputError
from quotestance.extract import english, norwegian
from quotestance.extract.article import Article, max_article_bytes, read_article
from quotestance.extract.marks import Quoted, Spans, find_quoted
from quotestance.extract.names import capitalised_names
from quotestance.extract.norwegian import DASH, NorwegianAttribution
from quotestance.extract.norwegian import sentences as no_sentences
from quotestance.extract.schema import Candidate, Mention, NamedMention, Quote, quote_id
from quotestance.extract.speakers import Resolved, SpeakerResolver
from quotestance.lexicon import Lexicon, cue_set, load_lexicon

WORDS = re.compile(r"\w+")
MIN_DIRECT_WORDS = 4


def _inner(text: str, q: Quoted) -> str:
    return " ".join(text[s:e] for s, e in q.segments)


def _sentence_of(pos: int, sentences: Spans) -> tuple[int, int] | None:
    """The first sentence that holds ``pos``."""
    i = sentences.first_at(pos)
    return sentences.spans[i] if i is not None else None


def adjacent_cue(text: str, q: Quoted, lex: Lexicon) -> bool:
    """A speech verb right next to the marks: “Yes,” he said / said Liu, “...” ."""
    close = q.marks[-1][1]
    if close >= 0:
        after = text[close : close + 60].lstrip("”\"»“’'›」")
        if re.match(r"^[,;!?]?\s", after) or after[:1] in (",", "!", "?"):
            words = re.findall(r"[\w’']+", after)[:3]
            if any(w.lower() in lex.verbs for w in words):
                return True
    before = text[max(0, q.marks[0][0] - 40) : q.marks[0][0]]
    m = re.search(r"([\w’']+)\s*[,:]\s*$", before)
    return bool(m and m.group(1).lower() in lex.verbs)


def is_direct(text: str, q: Quoted, sentences: Spans, lex: Lexicon) -> bool:
    """A quotation of speech rather than a scare quote, a title or a nickname."""
    inner = _inner(text, q)
    n = len(WORDS.findall(inner))
    if n == 0:
        return False
    if n == 1 and _inside_name(text, q):
        return False
    if adjacent_cue(text, q, lex) and (n >= 2 or q.marks[-1][1] >= 0):
        return True
    if n < MIN_DIRECT_WORDS:
        return False
    if len(q.segments) > 1 or not q.terminated:
        return True
    if re.search(r"[.,!?…:;]\s*$", inner) or re.search(r"[.!?]\s+\S", inner):
        return True
    return opens_sentence(text, q, sentences, lex)


def _inside_name(text: str, q: Quoted) -> bool:
    """A nickname inside a name: John “Tig” Tiegen (capitalised words on both sides)."""
    before = re.search(r"([\w’'-]+)\s+$", text[max(0, q.marks[0][0] - 40) : q.marks[0][0]])
    close = q.marks[-1][1]
    after = re.match(r"\W?\s+([\w’'-]+)", text[close : close + 40]) if close >= 0 else None
    return bool(
        before and after and before.group(1)[:1].isupper() and after.group(1)[:1].isupper()
    )


def opens_sentence(text: str, q: Quoted, sentences: Spans, lex: Lexicon) -> bool:
    """The quote starts its sentence, follows a colon, or follows "said,"."""
    sent = _sentence_of(q.marks[0][0], sentences)
    prefix = text[sent[0] : q.marks[0][0]].strip() if sent else ""
    if prefix == "" or prefix.endswith(":"):
        return True
    m = re.search(r"([\w’']+)\s*,$", prefix)
    return bool(m and m.group(1).lower() in lex.verbs)


COLON_SPEAKER = re.compile(
    r"(?P<speaker>(?:[A-ZÆØÅ][\w.’'-]*)(?:\s+[A-ZÆØÅ][\w.’'-]*){0,3})\s*:\s+(?P<rest>\S)"
)


def colon_quotes(text: str, paragraphs: list[tuple[int, int]], lex: Lexicon) -> list[Candidate]:
    """ "Graham: Trump's rhetoric is destroying the party" — a name and a colon open the
    paragraph (headlines, interview transcripts). Section labels ("Update:") are excluded."""
    found: list[Candidate] = []
    for ps, pe in paragraphs:
        m = COLON_SPEAKER.match(text, ps, pe)
        if not m:
            continue
        label = m.group("speaker")
        if label.lower() in lex.colon_labels or label.lower() in lex.verbs:
            continue
        start = m.start("rest")
        while start < pe and text[start] in "“\"«„‘'–—- ":
            start += 1
        end = pe
        while end > start and text[end - 1] in "”\"»“’' ":
            end -= 1
        if len(WORDS.findall(text[start:end])) < MIN_DIRECT_WORDS:
            continue
        s, e = m.start("speaker"), m.end("speaker")
        found.append(
            Candidate(
                kind="direct",
                segments=[(start, end)],
                cue=":",
                cue_span=(e, e + 1),
                mention=Mention(s, e, label, s, e),
                sentence=(ps, pe),
            )
        )
    return found


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


Attribution = tuple[Mention | None, str, tuple[int, int] | None, tuple[int, int]]


def _direct_candidates(
    text: str,
    quoted: list[Quoted],
    sentences: Spans,
    lex: Lexicon,
    attribute: Callable[[Quoted], Attribution],
) -> tuple[list[Candidate], list[Quoted]]:
    """Quoted runs that are speech, with their attribution; the rest are fragments (scare
    quotes, titles, or passages quoted inside reported speech)."""
    direct: list[Candidate] = []
    fragments: list[Quoted] = []
    for q in quoted:
        if not is_direct(text, q, sentences, lex):
            fragments.append(q)
            continue
        mention, cue, cue_span, sentence = attribute(q)
        opens = opens_sentence(text, q, sentences, lex)
        if mention is None and not opens:
            fragments.append(q)
            continue
        direct.append(
            Candidate(
                kind="direct",
                segments=list(q.segments),
                cue=cue,
                cue_span=cue_span,
                mention=mention,
                sentence=sentence,
                inherit=mention is None,
                opens=opens,
            )
        )
    return direct, fragments


def _candidates_en(
    article: Article,
    paragraphs: list[tuple[int, int]],
    quoted: list[Quoted],
    resolver: SpeakerResolver,
) -> tuple[list[Candidate], list[Quoted], dict]:
    lex = resolver.lex
    sents = english.parse(article.text, paragraphs)
    where = english.sentence_spans(sents)
    quoted_spans = Spans(seg for q in quoted for seg in q.segments)
    for pos, name, subject in english.person_mentions(sents):
        # a subject inside quote marks is the speaker's topic, never a pronoun's referent
        resolver.add_name(pos, name, subject and not quoted_spans.contains(pos))

    def attribute(q: Quoted) -> Attribution:
        return english.attribute_direct(q.segments, sents, where, lex, quoted_spans)

    direct, fragments = _direct_candidates(article.text, quoted, where, lex, attribute)
    used = {c.cue_span for c in direct if c.cue_span and c.opens}
    direct_spans = Spans(seg for c in direct for seg in c.segments)
    indirect = english.find_indirect(sents, lex, direct_spans, used)
    extra = {
        "orgs": lambda c: english.org_names(
            sents, where, c.mention.phrase_start, c.mention.phrase_end
        ),
        "person": lambda c: english.person_like(sents, where, c.mention),
        "sentences": where,
        "names": english.named_mentions(sents),
    }
    return direct + indirect, fragments, extra


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
        if closed or not next_dash:
            continue
        answer = asked_until == i - 1
        if nor.text[cand.start : run[-1][1] if run else pe].rstrip().endswith("?"):
            cand.segments += run
            cand.cue_class, cand.inherit = "question", False
            asked_until = i + len(run)
        elif answer:
            cand.segments += run


# How many paragraphs back an interview answer looks for the person answering.
INTERVIEW_REACH = 12


def _answers(
    candidates: list[Candidate], resolved: list[Resolved], paragraph_of: Callable[[int], int]
) -> None:
    """An answer with no attribution, in the paragraph after an interviewer's question, is
    the quote of the person last quoted before the question (the one interviewed)."""
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
        for j in range(i - 2, -1, -1):
            if paragraph_of(asked.start) - paragraph_of(candidates[j].end) > INTERVIEW_REACH:
                break
            if resolved[j].speaker and resolved[j].speaker_type == "person":
                resolved[i] = Resolved(**{**resolved[j].__dict__})
                break


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


def _candidates_no(
    article: Article,
    paragraphs: list[tuple[int, int]],
    quoted: list[Quoted],
    resolver: SpeakerResolver,
    entities: EntityTable,
) -> tuple[list[Candidate], list[Quoted], dict]:
    nor = NorwegianAttribution(article.text, resolver.lex, entities)
    spans = Spans(no_sentences(article.text, paragraphs))
    recognised = norwegian.entities(article.text, paragraphs)
    if recognised is None:  # no trained pipeline: capitalised runs (extract/names.py)
        for pos, name in nor.person_names(paragraphs):
            resolver.add_name(pos, name)
        names = capitalised_names(article.text, spans.spans)
    else:
        people = [m for m in recognised if m.label == "PERSON"]
        for m in people:
            resolver.add_name(m.start, m.text)
        names = recognised
    direct: list[Candidate] = []
    for ps, pe in paragraphs:
        direct.extend(nor.dash_quote(ps, pe))
    _continue_dash_quotes(nor, paragraphs, direct)
    dash_spans = Spans(seg for c in direct for seg in c.segments)

    def attribute(q: Quoted) -> Attribution:
        sentence = _sentence_of(q.marks[0][0], spans) or (q.start, q.end)
        end_sentence = _sentence_of(max(q.end - 1, q.start), spans) or sentence
        sentence = (sentence[0], max(sentence[1], end_sentence[1]))
        return (*nor.attribute_direct(q.segments, sentence), sentence)

    outside = [q for q in quoted if not dash_spans.contains(q.start)]
    marked, fragments = _direct_candidates(article.text, outside, spans, resolver.lex, attribute)
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
    extra = {
        "orgs": lambda c: [],
        "person": lambda c: False,
        "sentences": spans,
        "names": names,
    }
    return found, fragments, extra


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
    if article.lang == "en":
        candidates, fragments, extra = _candidates_en(article, paragraphs, quoted, resolver)
    else:
        candidates, fragments, extra = _candidates_no(
            article, paragraphs, quoted, resolver, entities
        )
    candidates += colon_quotes(article.text, paragraphs, resolver.lex)
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

    for cand in candidates:
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
                previous[0].segments.extend(cand.segments)
                continue
            res = Resolved(None, "unknown")
        else:
            said_by = cand.mention
            res = resolver.resolve(
                article.text[said_by.refers[0] : said_by.refers[1]]
                if said_by.refers
                else said_by.text,
                article.text[cand.mention.phrase_start : cand.mention.phrase_end],
                cand.mention.start,
                orgs=extra["orgs"](cand),
                is_person_name=extra["person"](cand)
                or (
                    article.lang == "no"
                    and cand.cue_span is not None
                    and cand.cue_span[0] < cand.mention.start
                ),
            )
        if res.speaker and res.affiliation is None and res.speaker in known:
            res.affiliation = known[res.speaker].affiliation
            res.affiliation_qid = known[res.speaker].affiliation_qid
        kept.append(cand)
        resolved.append(res)
        if res.speaker:
            previous = (cand, res)
    candidates = kept
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
    # speaker of the paragraph just before, when nobody else is named in between
    named_at = sorted(
        {at for at, _name, _subject in resolver.people}
        | {nm.start for nm in extra["names"] if nm.label not in ("GPE", "LOC", "FAC")}
    )
    for i in range(1, len(candidates)):
        cand, prev, pres = candidates[i], candidates[i - 1], resolved[i - 1]
        if (
            resolved[i].speaker is None
            and cand.mention is None
            and cand.kind == "direct"
            and cand.cue_class != "question"
            and cand.opens
            and pres.speaker
            and pres.speaker_type == "person"
            and paragraph_of(cand.start) - paragraph_of(prev.end) == 1
            and paragraph_of(prev.start) == paragraph_of(prev.end)
            and not any(
                prev.end <= at < cand.start
                for at in named_at[bisect_left(named_at, prev.end) :][:1]
            )
        ):
            resolved[i] = Resolved(**{**pres.__dict__})
    _answers(candidates, resolved, paragraph_of)
    _headline_speaker(candidates, resolved, paragraphs)

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
        cand.fragments += [_inner(article.text, fragments[i]) for i in sorted(found)]
        if cand.fragments and cand.kind != "direct":
            cand.kind = "mixed"

    quotes: list[Quote] = []
    seen: Counter[str] = Counter()
    sentences: Spans = extra["sentences"]
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
    return Analysis(article, quotes, extra["names"], resolver)


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
