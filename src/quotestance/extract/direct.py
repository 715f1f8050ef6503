"""Quote marks to candidates, the steps every language shares: which quoted runs are speech
(not scare quotes, titles or nicknames), a name signed after a quote with a long dash, a
name with a colon opening a paragraph, readers' letters signed by a name, and a headline
that reports what someone said. The attribution of each quoted run comes from the language
module (extract/languages.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from quotestance.extract.marks import Quoted, Spans
from quotestance.extract.schema import Candidate, Mention
from quotestance.lexicon import Lexicon, Verb

WORDS = re.compile(r"\w+")
MIN_DIRECT_WORDS = 4


def inner_text(text: str, q: Quoted) -> str:
    return " ".join(text[s:e] for s, e in q.segments)


def sentence_of(pos: int, sentences: Spans) -> tuple[int, int] | None:
    """The first sentence that holds ``pos``."""
    i = sentences.first_at(pos)
    return sentences.spans[i] if i is not None else None


def adjacent_cue(text: str, q: Quoted, lex: Lexicon, before_words: bool = True) -> bool:
    """A speech verb right next to the marks: “Yes,” he said / said Liu, “...” (the second
    only with ``before_words``)."""
    close = q.marks[-1][1]
    if close >= 0:
        after = text[close : close + 60].lstrip("”\"»“’'›」")
        if re.match(r"^[,;!?]?\s", after) or after[:1] in (",", "!", "?"):
            words = re.findall(r"[\w’']+", after)[:3]
            if any(w.lower() in lex.verbs for w in words):
                return True
    if not before_words:
        return False
    before = text[max(0, q.marks[0][0] - 40) : q.marks[0][0]]
    m = re.search(r"([\w’']+)\s*[,:]\s*$", before)
    return bool(m and m.group(1).lower() in lex.verbs)


def is_direct(
    text: str, q: Quoted, sentences: Spans, lex: Lexicon, cue_words: bool = True
) -> bool:
    """A quotation of speech rather than a scare quote, a title or a nickname. Without
    ``cue_words`` a speech verb before the marks is no evidence (the attribution found none
    there: "According to the report, “more than half” ...")."""
    inner = inner_text(text, q)
    n = len(WORDS.findall(inner))
    if n == 0:
        return False
    if n == 1 and inside_name(text, q):
        return False
    if adjacent_cue(text, q, lex, cue_words) and (n >= 2 or q.marks[-1][1] >= 0):
        return True
    if n < MIN_DIRECT_WORDS:
        return False
    if len(q.segments) > 1 or not q.terminated:
        return True
    if re.search(r"[.,!?…:;]\s*$", inner) or re.search(r"[.!?]\s+\S", inner):
        return True
    return opens_sentence(text, q, sentences, lex, cue_words)


def inside_name(text: str, q: Quoted) -> bool:
    """A nickname inside a name: John “Tig” Tiegen (capitalised words on both sides)."""
    before = re.search(r"([\w’'-]+)\s+$", text[max(0, q.marks[0][0] - 40) : q.marks[0][0]])
    close = q.marks[-1][1]
    after = re.match(r"\W?\s+([\w’'-]+)", text[close : close + 40]) if close >= 0 else None
    return bool(
        before and after and before.group(1)[:1].isupper() and after.group(1)[:1].isupper()
    )


def opens_sentence(
    text: str, q: Quoted, sentences: Spans, lex: Lexicon, cue_words: bool = True
) -> bool:
    """The quote starts its sentence, follows a colon, or follows "said," (``cue_words``)."""
    sent = sentence_of(q.marks[0][0], sentences)
    prefix = text[sent[0] : q.marks[0][0]].strip() if sent else ""
    if prefix == "" or prefix.endswith(":"):
        return True
    if not cue_words:
        return False
    m = re.search(r"([\w’']+)\s*,$", prefix)
    return bool(m and m.group(1).lower() in lex.verbs)


COLON_SPEAKER = re.compile(
    r"[“\"]?(?P<speaker>(?:[A-ZÆØÅ][\w.’'-]*)(?:\s+[A-ZÆØÅ][\w.’'-]*){0,3})\s*:\s+(?P<rest>\S)"
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


# A name signed after a quote with a long dash, the rest of its line or up to the next quote:
# “The most unqualified child to ever run for president.” ― Francisco Herrero
SIGNATURE = re.compile(
    r"[”\"»’']?[^\S\n]*(?P<dash>[―—])[^\S\n]*"
    r"(?P<name>@\w+|[^\W\d_][\w.’'-]*(?:[^\S\n]+[^\W\d_][\w.’'-]*){0,4})"
    r"[^\S\n]*\.?[^\S\n]*(?=\n|$|[“\"«])"
)


def signature(text: str, q: Quoted) -> Mention | None:
    """The name signed right after the closing mark, each of its words capitalised."""
    close = q.marks[-1][1]
    m = SIGNATURE.match(text, close) if close >= 0 else None
    if not m or not all(w[:1].isupper() or w[:1] == "@" for w in m.group("name").split()):
        return None
    s, e = m.span("name")
    return Mention(s, e, m.group("name"), m.start("dash"), e)


HEADLINE_NAME_WORDS = 3


def headline_report(
    text: str,
    paragraphs: list[tuple[int, int]],
    lex: Lexicon,
    is_known: Callable[[str], bool],
) -> list[Candidate]:
    """A headline that reports what someone said: a name of up to three words that
    ``is_known`` knows (the gazetteer, or a person the article names), a speech verb in the
    present tense, and what they said ("Blair stresses prosperity goals", "Lib Dems
    highlight problem debt", "Obama Claims Hillary Most Qualified Presidential Candidate
    Ever", "Støre lover nye kutt"). Not "Labour accused of 'EU propaganda'" (a participle),
    "BAA support ahead of court battle" or "Clinton Plan for Taxes" (nouns)."""
    if len(paragraphs) < 2:
        return []
    ps, pe = paragraphs[0]
    words = list(re.finditer(r"\S+", text[ps:pe]))
    for k in range(1, min(HEADLINE_NAME_WORDS, len(words) - 3) + 1):
        if not words[k - 1].group()[:1].isupper() or words[k - 1].group()[-1:] in ":,;'’":
            break
        written = words[k].group()
        verb = lex.verbs.get(written.lower())
        s, e = ps + words[0].start(), ps + words[k - 1].end()
        if verb is None or not _present(verb, plural=text[s:e].endswith("s")):
            continue
        if words[k + 1].group().lower() in lex.particles:  # "Volvo sier opp ...": lays off
            return []
        if not is_known(text[s:e]):
            return []
        start, end = ps + words[k + 1].start(), ps + words[-1].end()
        if len(WORDS.findall(text[start:end])) < 2:
            return []
        cue = (ps + words[k].start(), ps + words[k].end())
        return [
            Candidate(
                kind="indirect",
                segments=[(start, end)],
                cue=text[cue[0] : cue[1]],
                cue_span=cue,
                mention=Mention(s, e, text[s:e], s, e),
                sentence=(ps, pe),
                frame=verb.frame,
            )
        ]
    return []


def _present(verb: Verb, plural: bool) -> bool:
    """A present-tense form: the lemma with the present ending of English ("claims",
    "stresses") or Norwegian ("sier", "lover"), or the bare lemma after a plural name."""
    lemma, form = verb.lemma, verb.form
    return form in (lemma + "s", lemma + "es", lemma + "r", lemma + "er") or (
        plural and form == lemma
    )


# A paragraph that is only a name or a handle: the signature of a reader's letter or post.
SIGN = re.compile(
    r"(?P<name>@\w{2,}|[^\W\d_][\w’'-]+(?:[^\S\n]+(?:[^\W\d_]\.|[^\W\d_][\w’'-]+)){1,3})"
    r"[^\S\n]*\.?[^\S\n]*"
)
MAX_LETTER_PARAGRAPHS = 4


def signed_paragraphs(
    text: str, paragraphs: list[tuple[int, int]], is_person: Callable[[int, int], bool]
) -> list[Candidate]:
    """Readers' letters, comments and posts, each signed by a paragraph that is only a name
    ("So golf and fundraising aren't what make an effective president? Huh." / "David
    Groner."): the paragraphs since the signature before (at most ``MAX_LETTER_PARAGRAPHS``),
    or the one paragraph before the first and before one after a heading (a paragraph
    without a lower-case letter, such as "TWITTER."). Only in a run: where two signatures or
    more are handles or names that ``is_person(start, end)`` holds to be a person's; then
    every name-shaped paragraph signs."""
    shaped: list[tuple[int, Mention, bool]] = []
    for i, (ps, pe) in enumerate(paragraphs):
        m = SIGN.fullmatch(text, ps, pe)
        if m is None:
            continue
        name = m.group("name")
        s, e = m.span("name")
        handle = name.startswith("@")
        if handle or all(w[:1].isupper() and not w.isupper() for w in name.split()):
            shaped.append((i, Mention(s, e, name, s, e), handle or is_person(s, e)))
    if sum(sure for _i, _m, sure in shaped) < 2:
        return []
    found: list[Candidate] = []
    previous = -1
    for i, mention, _sure in shaped:
        first = max(previous + 1 if previous >= 0 else i - 1, i - MAX_LETTER_PARAGRAPHS, 0)
        previous = i
        body: list[tuple[int, int]] = []
        for j in range(i - 1, first - 1, -1):
            ps, pe = paragraphs[j]
            if not any(c.islower() for c in text[ps:pe]):
                # after a heading, as at the start of a run, what comes before the letter (a
                # caption, the question put to readers) is not told from it: one paragraph
                body = body[-1:]
                break
            body.insert(0, (ps, pe))
        if body:
            found.append(
                Candidate(
                    kind="direct",
                    segments=body,
                    cue="",
                    cue_span=None,
                    mention=mention,
                    sentence=(body[0][0], body[-1][1]),
                    cue_class="written",
                )
            )
    return found


Attribution = tuple[Mention | None, str, tuple[int, int] | None, tuple[int, int]]


def direct_candidates(
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
        if mention is None:
            mention = signature(text, q)
            if mention is not None:
                cue, cue_span = text[mention.phrase_start], None
        # no cue found: a speech-verb-like word before the marks was not one ("the report,")
        cue_words = bool(cue) or mention is not None
        if not cue_words and not is_direct(text, q, sentences, lex, cue_words=False):
            fragments.append(q)
            continue
        opens = opens_sentence(text, q, sentences, lex, cue_words)
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
