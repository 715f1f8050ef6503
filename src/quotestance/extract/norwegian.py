"""Norwegian (Bokmål) attribution without a parser.

No Norwegian pipeline is installable offline, so this module works on word patterns that
Norwegian news uses: dash quotes closed by an inverted attribution ("– ..., sa Blinken."),
quotes in guillemets, at-clauses ("X mener at ..."), inverted reported speech ("..., mener X."),
requests and accusations ("X oppfordrer Kina til å ...", "X har fordømt ...") and source
phrases ("ifølge Park"). Every verb form comes from ``resources/no/speech_verbs.tsv``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import dropwhile, takewhile
from typing import Any

from quotestance.entities import EntityTable
from quotestance.extract.gender import first_names
from quotestance.extract.marks import Spans
from quotestance.extract.names import demonym_adjective, opens_sentence_at
from quotestance.extract.schema import Candidate, Mention, NamedMention
from quotestance.lexicon import Lexicon, Verb
from quotestance.log import logger

WORD = re.compile(r"\w[\w'’.-]*\w|\w|[^\w\s]")
DASH = re.compile(r"^[–—-]\s+")
ABBREVIATIONS = {
    "f.eks",
    "bl.a",
    "dvs",
    "ca",
    "nr",
    "kl",
    "mill",
    "mrd",
    "st",
    "dr",
    "jf",
    "m.m",
    "osv",
    "pst",
    "prof",
    "hr",
    "tlf",
    "nov",
    "des",
    "jan",
    "feb",
    "okt",
    "sep",
}
# Pronouns that open a clause as its subject: after a speaker noun, the reported clause
# begins ("sier moren det er medisiner for andre sykdommer")
CLAUSE_SUBJECTS = frozenset({"det", "han", "hun", "de", "vi", "jeg", "du", "dere", "man"})
# Indefinite articles: a verb's infinitive after one is a noun ("en tro", "et svar")
ARTICLES = frozenset({"en", "ei", "et"})
AUXILIARIES = {
    *("har", "hadde", "vil", "skal", "kan", "må", "ville", "skulle", "kunne", "er", "ble"),
    *("blir", "var", "ha"),
}
# Words that link a sentence to the one before it, never part of a speaker ("Men morfaren")
CONJUNCTIONS = frozenset({"men", "og", "så", "eller"})
# A speech verb after these is passive: "ble bedt om å kommentere" is a request put to the
# subject, not the subject's words.
PASSIVE = frozenset({"ble", "blir", "blitt", "bli"})
# What a refusal to speak refuses: "avviser å kommentere", "nekter å uttale seg".
NO_COMMENT = frozenset({"kommentere", "uttale", "svare", "si", "forklare", "utdype"})
ADVERBS = {
    "også",
    "ikke",
    "nå",
    "derfor",
    "imidlertid",
    "likevel",
    "selv",
    "videre",
    "senere",
    "tidligere",
    "blant",
    "annet",
    "flere",
    "ganger",
    "bare",
    "først",
    "igjen",
    "allerede",
}
WEEKDAYS = frozenset({"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"})
# Lower-case words inside a name ("Ursula von der Leyen") and the numbers of a group ("de to").
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "la", "le", "af", "bin", "al"})
GROUP_COUNTS = frozenset({"to", "tre", "fire", "fem", "begge"})
# Pronouns that are also determiners before an adjective and a definite noun ("den
# jubilerende skøytekongen", "det lokale politiet")
DETERMINERS = frozenset({"den", "det", "de", "denne", "dette", "disse"})
# First names that are also everyday words ("Hans mor kom ned": his mother), no name alone.
COMMON_WORD_NAMES = frozenset({"hans", "per", "even", "eller"})
# What may come before a name that is its sentence's subject: nothing, or a short role and a
# comma ("Kulturrådets leder, Vigdis Moe Skarstein, avviser ...").
ROLE_COMMA = r"(?:[\w-]+\s+){0,3}[\w-]+,\s+"
# a person named by a relation to another, in the genitive: "Hannahs far", "Cathrines mor"
RELATION = re.compile(r"[A-ZÆØÅ][\w-]*s(?:\s+[a-zæøå][\w-]*){1,2}")
SUBJECT_LEAD = re.compile(rf"(?:{ROLE_COMMA})?")
# Pronouns that name no speaker of reported speech ("Det vil kreve ...").
NO_SPEAKERS = frozenset({"det", "dette", "den", "denne"})
# How many words between a speaker after its verb and the "at" of what they said.
AT_REACH = 8
# A role, a comma and a name: the subject of the verb after it, not words it reports.
APPOSED_SUBJECT = re.compile(rf"{ROLE_COMMA}[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*)*\s*")
# Words of the first and second person: a sentence with one is a speaker's, not narration.
FIRST_PERSON = frozenset(
    {"jeg", "meg", "min", "mi", "mitt", "mine", "vi", "oss", "vår", "vårt", "våre"}
    | {"du", "deg", "din", "di", "ditt", "dine", "dere", "deres"}
)
ADJUNCT_STARTS = {
    "til",
    "i",
    "på",
    "overfor",
    "under",
    "etter",
    "da",
    "når",
    "mens",
    "som",
    "fordi",
    "for",
    "ifølge",
    "med",
    "om",
    "fra",
    "ved",
    "torsdag",
    "fredag",
    "mandag",
    "tirsdag",
    "onsdag",
    "lørdag",
    "søndag",
    "i går",
    "(",
    ",",
}
FUNCTION_WORDS = {
    "det",
    "den",
    "de",
    "dette",
    "disse",
    "han",
    "hun",
    "vi",
    "jeg",
    "man",
    "en",
    "et",
    "i",
    "på",
    "og",
    "men",
    "som",
    "for",
    "til",
    "med",
    "om",
    "da",
    "når",
    "hvis",
    "etter",
    "før",
    "under",
    "over",
    "mot",
    "fra",
    "av",
    "ved",
    "så",
    "også",
    "nå",
}


# NorNE's entity types as the target finder knows them (the English parse's labels); PROD,
# EVT, DRV and MISC name no actor.
NORNE_LABELS = {"PER": "PERSON", "ORG": "ORG", "GPE_LOC": "GPE", "GPE_ORG": "GPE", "LOC": "LOC"}
# What extraction reads from the trained pipeline: the entities (tok2vec feeds the recogniser).
UNUSED_COMPONENTS = ("tagger", "morphologizer", "trainable_lemmatizer", "lemmatizer", "parser")


@functools.cache
def load_pipeline() -> Any | None:
    """The trained Norwegian pipeline (quotestance.norwegian_model) with only what entities
    need; None where none is installed (with one warning) or where
    ``QUOTESTANCE_NORWEGIAN_MODEL=none`` asks for the rules alone."""
    from quotestance.norwegian_model import load_norwegian_pipeline, rules_only

    nlp = load_norwegian_pipeline()
    if nlp is None and not rules_only():
        logger.warning(
            "no trained Norwegian pipeline (build it: quotestance models train-norwegian); "
            "Norwegian names come from capitalised words"
        )
    if nlp is None:
        return None
    for name in UNUSED_COMPONENTS:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    return nlp


def entities(text: str, paragraphs: list[tuple[int, int]]) -> list[NamedMention] | None:
    """The trained pipeline's people, organisations and places in the paragraphs, in text
    order with the word before each; None without the pipeline."""
    nlp = load_pipeline()
    if nlp is None:
        return None
    found: list[NamedMention] = []
    texts = [text[s:e] for s, e in paragraphs]
    for (start, _end), doc in zip(paragraphs, nlp.pipe(texts, batch_size=64), strict=True):
        for ent in doc.ents:
            label = NORNE_LABELS.get(ent.label_)
            if label is None:
                continue
            before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
            found.append(
                NamedMention(start + ent.start_char, start + ent.end_char, ent.text, label, before)
            )
    return found


@dataclass
class Word:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def words(text: str, offset: int = 0) -> list[Word]:
    return [Word(m.group(), m.start() + offset, m.end() + offset) for m in WORD.finditer(text)]


def _first_from(ws: list[Word], pos: int) -> int:
    """Index of the first word that starts at or after ``pos`` (``words`` are in order)."""
    return bisect_left(ws, pos, key=lambda w: w.start)


def _last_word(ws: list[Word]) -> Word:
    """A sentence's last word before its closing stop, if it has one."""
    return ws[-1] if ws[-1].text not in (".", "!", "?") else ws[-2]


def sentences(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? … before a capital letter, a dash or a quote mark."""
    spans: list[tuple[int, int]] = []
    boundary = re.compile(r"(?<=[.!?…»”])\s+(?=[–—\-«“\"A-ZÆØÅ0-9])")
    for ps, pe in paragraphs:
        start = ps
        for m in boundary.finditer(text, ps, pe):
            before = text[start : m.start()].split()
            last = before[-1].rstrip(".").lower() if before else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            spans.append((start, m.start()))
            start = m.end()
        if start < pe:
            spans.append((start, pe))
    return spans


class NorwegianAttribution:
    def __init__(self, text: str, lex: Lexicon, entities: EntityTable) -> None:
        self.text = text
        self.lex = lex
        self.entities = entities
        self.first_words = {
            v.form.split()[0]: v for v in lex.verbs.values() if len(v.form.split()) > 1
        }
        self.verb_words = lex.max_verb_words

    def _verb_at(self, ws: list[Word], i: int) -> Verb | None:
        """``Lexicon.verb_at`` at ``ws[i]``, reading only the words a verb form can span."""
        return self.lex.verb_at([w.text for w in ws[i : i + self.verb_words]], 0)

    # -- noun phrases -------------------------------------------------------------------------
    def _mention(self, ws: list[Word], at: int = 0, cut: bool = True) -> Mention | None:
        """The speaker noun phrase at ``ws[at]``, cut before adjuncts and clauses, and (with
        ``cut``) to the name it holds."""
        core: list[Word] = []
        if at < len(ws) and ws[at].low == "at":
            return None  # "..., erklært at de vestlige landenes ...": a clause, no speaker
        for j in range(at, len(ws)):
            w = ws[j]
            if w.text in (".", "!", "?", ",", ":", ";", "(", "–", "-"):
                break
            if core and w.low in CLAUSE_SUBJECTS and core[-1].low not in DETERMINERS:
                break  # "sier moren det er medisiner": the clause's own subject
            if (
                core
                and w.low in ADJUNCT_STARTS
                and not (w.low == "fra" and core and core[-1].low in self.lex.source_nouns)
            ):
                break
            if core and (self._verb_at(ws, j) is not None or w.low in AUXILIARIES):
                break  # "ifølge en ny rapport fra SSB har ...": the verb ends the source
            if core and w.low == "at":
                break  # "sa forsvarer Geir Lippestad at ...": the clause ends the speaker
            core.append(w)
            if len(core) >= 8:
                break
        if not core:
            return None
        if cut:
            core = self._name_core(core)
        phrase_end = core[-1].end
        for j in range(at + len(core), len(ws)):
            w = ws[j]
            if w.text in (".", "!", "?"):
                break
            phrase_end = w.end
        return Mention(
            core[0].start,
            core[-1].end,
            self.text[core[0].start : core[-1].end],
            core[0].start,
            phrase_end,
        )

    def _name_core(self, core: list[Word]) -> list[Word]:
        """A speaker phrase cut to the name it holds: "Martin siden", "Berge videre",
        "Jølstad og viser fram en hytte", "han like enkelt", "Jannike Hovland i Norske
        arkitekters landsforening" are Martin, Berge, Jølstad, han and Jannike Hovland; a
        description ("hans lege", "Den 76 år gamle veteranen") and a genitive
        ("Arbeiderpartiets generalsekretær") stay whole."""
        if len(core) < 2:
            return core
        if core[0].low in self.lex.pronouns:
            if core[0].low == "de" and core[1].low in GROUP_COUNTS:
                return core[:2]  # "de to"
            if core[0].low in DETERMINERS and all(w.text.islower() for w in core[1:]):
                return core  # a description: "den jubilerende skøytekongen"
            return core[:1]
        i = next((k for k, w in enumerate(core) if w.text[:1].isupper()), None)
        if i is None or not all(w.low in self.lex.titles for w in core[:i]):
            return core  # a description ("en ny rapport fra Statistisk sentralbyrå")
        nxt = core[i + 1] if i + 1 < len(core) else None
        if nxt is not None and not nxt.text[:1].isupper() and nxt.low not in NAME_PARTICLES:
            if (
                i == 0
                and opens_sentence_at(self.text, core[0].start, '.!?\n«"»:', " –—-")
                and core[0].low not in first_names()
            ):
                return core  # a capital that only opens the sentence: "Eieren av klinikken"
            if core[i].text.endswith("s"):
                return core  # a genitive: "Arbeiderpartiets generalsekretær"
        j = i + 1
        while j < len(core):
            w = core[j]
            if w.text[:1].isupper() or w.low in NAME_PARTICLES:
                j += 1
            elif w.low == "og" and j + 1 < len(core) and core[j + 1].text[:1].isupper():
                j += 2  # "Marija Suurpalo og Henna Pajunen"
            else:
                break
        return core[:j]

    def _subject_mention(self, ws: list[Word]) -> Mention:
        """The speaker before the verb, cut to its name (``_name_core``), without the word
        linking the sentence to the one before ("Men morfaren bekrefter at ...")."""
        linked = list(dropwhile(lambda w: w.low in CONJUNCTIONS, ws)) if len(ws) > 1 else ws
        return self._span_mention(self._name_core(linked or ws))

    def _source_np(self, ws: list[Word], inside: bool = False) -> Mention | None:
        """The source after "ifølge": a name, a pronoun, or "en uttalelse (fra X)"; inside a
        clause ("Han er ifølge forsvareren godt i gang") a common noun is one word."""
        if not ws:
            return None
        take: list[Word] = []
        if ws[0].low in self.lex.pronouns:
            take = ws[:1]
        elif ws[0].text[:1].isupper() or (
            ws[0].low in self.lex.titles and len(ws) > 1 and ws[1].text[:1].isupper()
        ):
            # a name, after its title: "ifølge statsminister Jonas Gahr Støre øke ..."
            take = ws[:1]
            for w in ws[1:]:
                if not w.text[:1].isupper():
                    break
                take.append(w)
        elif inside:
            take = ws[:1]
        else:
            return self._mention(ws)
        return self._span_mention(take)

    def _span_mention(self, ws: list[Word]) -> Mention:
        return Mention(
            ws[0].start, ws[-1].end, self.text[ws[0].start : ws[-1].end], ws[0].start, ws[-1].end
        )

    def _plausible_subject(self, ws: list[Word]) -> bool:
        """Does a run of words before a verb look like a speaker, not a clause?"""
        if not ws or len(ws) > 9:
            return False
        text = " ".join(w.text for w in ws)
        low = text.lower()
        if low in self.lex.pronouns or low in ("de to", "begge", "begge to"):
            return True
        if any(self.lex.verb_at([w.text for w in ws], i) for i in range(len(ws))):
            return False
        if any(w.low in ("at", "som", "hvis", "når", "fordi", "om") for w in ws):
            return False
        if ws[0].low in ADJUNCT_STARTS:
            # "Under fengslingsmøtet ba Breivik ...": an adverbial opens the sentence and the
            # subject follows the verb (verb second)
            return False
        if ws[-1].low in self.lex.source_nouns:
            return True
        caps = [w for w in ws if w.text[:1].isupper()]
        if not caps:
            return False
        if any(w.text == "," for w in ws):
            parts = re.split(r",\s*|\s+og\s+", text)
            return all(self.entities.lookup(p.strip(), "no") for p in parts if p.strip())
        return ws[0].text[:1].isupper() or ws[0].low in ("den", "det", "en", "et", "de")

    # -- attributions -----------------------------------------------------------------------
    def inverted(self, ws: list[Word], at: int = 0) -> tuple[Verb, Word, Mention] | None:
        """ ", sa Blinken." at ``ws[at]`` (after the quote): verb then speaker."""
        if at >= len(ws):
            return None
        i = at + 1 if ws[at].text in (",", "!", "?", "…") else at
        while i < len(ws) and ws[at].text != "," and ws[i].text in ("»", '"', "”"):
            i += 1  # 'og sa «Jøss, hva er det for noe?» sier Sidibeh.'
        if i >= len(ws):
            return None
        verb = self._verb_at(ws, i)
        n = len(verb.form.split()) if verb else 0
        if verb is None and ws[i].low in self.first_words:
            verb, n = self.first_words[ws[i].low], 1  # "la han til"
        if verb is None:
            return None
        rest = i + n
        if verb.lemma == "heter det" and rest < len(ws) and ws[rest].low in ("i", "fra"):
            rest += 1
        while rest < len(ws) and ws[rest].low in ADVERBS:
            rest += 1
        mention = self._mention(ws, rest)
        if mention is None:
            return None
        named = self._name_after_role(ws, mention)
        return verb, ws[i], named or mention

    def _at_after(self, ws: list[Word], pos: int) -> int | None:
        """The index of the "at" that opens the reported clause after the speaker ending at
        ``pos``: right after it, or after an apposition or adjunct of at most
        ``AT_REACH`` words; None if a sentence end or a verb comes first."""
        k = _first_from(ws, pos)
        for j in range(k, min(len(ws), k + AT_REACH + 1)):
            if ws[j].low == "at":
                return j
            if ws[j].text in (".", "!", "?", ":") or self._verb_at(ws, j) is not None:
                return None
        return None

    def _name_before(self, ws: list[Word], mention: Mention, at: int) -> Mention | None:
        """A role's name in apposition before the "at" at ``ws[at]`` (", Bjørn Erik Øye,")."""
        if mention.text[:1].isupper():
            return None
        k = _first_from(ws, mention.end)
        commas = [j for j in range(k, at) if ws[j].text == ","]
        if len(commas) < 2:
            return None
        name = ws[commas[-2] + 1 : commas[-1]]
        if name and all(w.text[:1].isupper() for w in name):
            return self._span_mention(name)
        return None

    def _name_after_role(self, ws: list[Word], mention: Mention) -> Mention | None:
        """ ", sier president i Norges Seilforbund, Stig Hvide Smith.": a role with no name
        of its own, then a comma and a name that ends the sentence; the name. The role may
        be a relation in the genitive (", sier Hannahs far, Andrew.")."""
        if mention.text[:1].isupper() and not RELATION.fullmatch(mention.text):
            return None
        k = _first_from(ws, mention.end)
        comma = next((x for x in range(k, len(ws)) if ws[x].text in ",.!?"), None)
        if comma is None or ws[comma].text != ",":
            return None
        name = list(takewhile(lambda w: w.text[:1].isupper(), ws[comma + 1 :]))
        end = comma + 1 + len(name)
        if not name or (end < len(ws) and ws[end].text not in ".!?"):
            return None
        return self._span_mention(name)

    def leading(self, ws: list[Word]) -> tuple[Verb, Word, Mention] | None:
        """ "Blinken sa: «...»" before a quote: speaker then verb at the end of ``ws``."""
        j = len(ws)
        while j and ws[j - 1].text in (":", ",", "at"):
            j -= 1
        for k in range(j - 1, max(j - 4, -1), -1):
            verb = self.lex.verb_at([w.text for w in ws], k)
            if verb is not None:
                subject = [w for w in ws[:k] if w.low not in AUXILIARIES | ADVERBS]
                start = 0
                for idx, w in enumerate(subject):
                    if w.text in (".", "!", "?", ","):
                        start = idx + 1
                subject = subject[start:]
                if self._plausible_subject(subject):
                    mention = self._mention(subject)
                    if mention is not None:
                        return verb, ws[k], mention
        return None

    def dash_quote(self, ps: int, pe: int) -> list[Candidate]:
        """A paragraph opening with a dash: the quote runs to its attribution (", sa X."); a
        dash after the attribution continues the same speaker's quote."""
        m = DASH.match(self.text[ps:pe])
        if not m:
            return []
        seg_start: int | None = ps + m.end()
        ws = words(self.text[ps + m.end() : pe], ps + m.end())
        found: list[Candidate] = []
        continuing: Candidate | None = None
        i = 0
        while i < len(ws) and seg_start is not None:
            w = ws[i]
            hit = self.inverted(ws, i) if w.text in (",", "!", "?", "…") else None
            if hit is None or not self._ends_sentence(ws, hit[2].phrase_end):
                i += 1
                continue
            verb, cue, mention = hit
            seg_end = w.end if w.text != "," else w.start
            cand = Candidate(
                kind="direct",
                segments=[(seg_start, seg_end)],
                cue=self._cue_text(cue, verb),
                cue_span=(cue.start, cue.end),
                mention=mention,
                sentence=(ps, pe),
            )
            found.append(cand)
            continuing = None
            k = _first_from(ws, mention.phrase_end)
            if k < len(ws) and ws[k].text == ".":
                k += 1
            if k + 1 < len(ws) and ws[k].text in ("–", "—", "-"):
                seg_start, i = ws[k + 1].start, k + 1
                continuing = cand
            else:
                seg_start = None
        if seg_start is not None and seg_start < pe:
            if continuing is not None:
                continuing.segments.append((seg_start, pe))
            else:
                found.append(
                    Candidate(
                        kind="direct",
                        segments=[(seg_start, pe)],
                        cue="",
                        cue_span=None,
                        mention=None,
                        sentence=(ps, pe),
                        inherit=True,
                    )
                )
        return found

    def opens_sentence_subject(self, sentence_start: int, pos: int) -> bool:
        """Is the name at ``pos`` its sentence's subject as Norwegian news writes it: first
        ("Gunnar Berge delte ..."), or in apposition to a short role that opens the sentence
        ("Nobelkomitéens leder, Gunnar Berge, delte sin tale i to")?"""
        return bool(SUBJECT_LEAD.fullmatch(self.text, sentence_start, pos))

    def narrates(self, ps: int, pe: int) -> bool:
        """Does this sentence read as the narrator's, not a quoted speaker's: it speaks of
        someone as he or she ("Han smiler.", "Den kvelden samlet han foreldrene i stua.") or
        by a first name, with no word of the first or second person; or it asks a question."""
        ws = words(self.text[ps:pe], ps)
        lows = {w.low for w in ws}
        if lows & FIRST_PERSON:
            return False
        if self.text[ps:pe].rstrip().endswith("?"):
            return True
        return bool(lows & {"han", "hun"}) or any(
            k > 0 and w.text[:1].isupper() and w.low in first_names() for k, w in enumerate(ws)
        )

    def closing_attribution(
        self, ps: int, pe: int
    ) -> tuple[int, str, tuple[int, int], Mention] | None:
        """ "..., sier han." in a paragraph that does not open with a dash: where the quoted
        words before it end, the cue and the speaker. A dash quote that runs over several
        sentences, each a paragraph of its own, is attributed only in its last one."""
        if DASH.match(self.text[ps:pe]):
            return None
        ws = words(self.text[ps:pe], ps)
        for i, w in enumerate(ws):
            if i == 0 or w.text not in (",", "!", "?", "…"):
                continue
            hit = self.inverted(ws, i)
            if hit is None or not self._ends_sentence(ws, hit[2].phrase_end):
                continue
            verb, cue, mention = hit
            end = w.end if w.text != "," else w.start
            return end, self._cue_text(cue, verb), (cue.start, cue.end), mention
        return None

    def _ends_sentence(self, ws: list[Word], pos: int) -> bool:
        k = _first_from(ws, pos)
        return (
            k == len(ws)
            or ws[k].text in (".", "!", "?")
            or ws[k].low in ADJUNCT_STARTS
            or ws[k].text == "("
        )

    def _cue_text(self, cue: Word, verb: Verb) -> str:
        n = len(verb.form.split())
        if n == 1:
            return cue.text
        return self.text[cue.start : cue.start + len(verb.form)]

    def following(self, sentence: tuple[int, int]) -> tuple[Mention, str, tuple[int, int]] | None:
        """ "Det sier Støre til NTB." after a quote: the attribution has a sentence of its own."""
        ws = words(self.text[sentence[0] : sentence[1]], sentence[0])
        if len(ws) < 3 or ws[0].low not in ("det", "dette", "slik", "så"):
            return None
        hit = self.inverted(ws, 1)
        if hit is None or not self._ends_sentence(ws, hit[2].phrase_end):
            return None
        verb, cue, mention = hit
        return mention, self._cue_text(cue, verb), (cue.start, cue.end)

    def attribute_direct(
        self,
        segments: list[tuple[int, int]],
        sentence: tuple[int, int],
        lead: tuple[int, int] | None = None,
    ) -> tuple[Mention | None, str, tuple[int, int] | None]:
        """Speaker, cue and cue span of a quote in marks: ", sa X." after it, "X sa:" before
        it in its sentence, or ``lead``, the sentence before, when it ends with a colon ("I en
        e-post til Dagbladet.no skriver Kalaaji:" / "«Angående ...»")."""
        start, end = segments[0][0], segments[-1][1]
        after = words(self.text[end + 1 : sentence[1]], end + 1)
        hit = self.inverted(after)
        if hit is None:
            before = words(self.text[sentence[0] : max(sentence[0], start - 1)], sentence[0])
            hit = self.leading(before)
        if (
            hit is None
            and lead is not None
            and self.text[lead[0] : lead[1]].rstrip().endswith(":")
            and not self.text[lead[1] : start].strip(' \n«"“')
        ):
            ws = words(self.text[lead[0] : lead[1]], lead[0])
            hit = self.leading(ws) or self._verb_then_speaker(ws)
        if hit is None:
            return None, "", None
        verb, cue, mention = hit
        return mention, self._cue_text(cue, verb), (cue.start, cue.end)

    def _verb_then_speaker(self, ws: list[Word]) -> tuple[Verb, Word, Mention] | None:
        """ "I en e-post til Dagbladet.no skriver Kalaaji:": a verb, then the speaker up to
        the colon that ends the words ("Som The Economist skriver i siste nummer:": the
        subject before it)."""
        if not ws or ws[-1].text != ":":
            return None
        for k in range(len(ws) - 2, 0, -1):
            if self._verb_at(ws, k) is None:
                continue
            hit = self.inverted(ws, k)
            if hit is None or _first_from(ws, hit[2].end) != len(ws) - 1:
                return None
            if hit[2].text.split()[0].lower() in ADJUNCT_STARTS:
                # "Som The Economist skriver i siste nummer:": the subject before the verb
                left = [w for w in ws[:k] if w.low not in ("som", "slik")]
                if not left or not left[0].text[:1].isupper():
                    return None
                return hit[0], hit[1], self._subject_mention(left)
            return hit
        return None

    def find_indirect(self, sentence: tuple[int, int], blocked: Spans) -> list[Candidate]:
        s, e = sentence
        ws = words(self.text[s:e], s)
        texts = [w.text for w in ws]
        found: list[Candidate] = []
        for i, w in enumerate(ws):
            if blocked.contains(w.start):
                continue
            if w.low == "ifølge" or (
                w.low == "i" and i + 1 < len(ws) and ws[i + 1].low == "følge"
            ):
                cand = self._ifolge(ws, i, sentence)
                if cand:
                    found.append(cand)
                continue
            verb = self.lex.verb_at(texts, i)
            if verb is None:
                continue
            n = len(verb.form.split())
            cue = Word(self.text[w.start : ws[i + n - 1].end], w.start, ws[i + n - 1].end)
            after = i + n
            while after < len(ws) and (ws[after].low in ADVERBS or ws[after].low in WEEKDAYS):
                after += 1  # "Doktor Allan Friedman opplyste mandag at ..."
            if self._not_speech(ws, i, after):
                continue
            if (
                i > 0
                and ws[i - 1].low == "å"
                and (after >= len(ws) or ws[after].low != "at" or w.low in NO_COMMENT)
            ):
                # "Det ville være et nederlag å be om hjelp", "avviser å kommentere at":
                # no one speaks ("elsker å fremheve at ..." reports what they say)
                continue
            head = i - 2 if i > 1 and ws[i - 1].low == "å" else i  # "X elsker å fremheve at"
            left = [x for x in ws[:head] if x.low not in AUXILIARIES | ADVERBS]
            if len(left) > 2 and left[-1].low == "og":
                # "Breivik begjærte seg løslatt og mente at ...": the subject of both verbs
                # is the name the sentence opens with
                lead = list(takewhile(lambda x: x.text[:1].isupper(), left))
                left = lead if lead and len(lead) < len(left) - 1 else left
            # ", mener X." — inverted attribution closing reported speech; not after a subject
            # in apposition ("Kulturrådets leder, Vigdis Moe Skarstein, avviser påstanden")
            if (
                i > 0
                and ws[i - 1].text == ","
                and not APPOSED_SUBJECT.fullmatch(self.text, ws[0].start, ws[i - 1].start)
            ):
                hit = self.inverted(ws, i - 1)
                j = _first_from(ws, hit[2].end) if hit is not None else len(ws)
                if hit is not None and len(ws) - j >= 4 and ws[j].low in CLAUSE_SUBJECTS:
                    # "Når ..., sier moren det er medisiner for andre sykdommer": the clause
                    # after the speaker is what she says, the one before sets the scene
                    last = _last_word(ws)
                    found.append(self._cand(ws[j].start, last.end, cue, hit[2], sentence, verb))
                    continue
                if (
                    hit is not None
                    and self._ends_sentence(ws, hit[2].phrase_end)
                    and i - 1 > 2
                    # "Selv om ..., tror ikke ekspert på fritidsboliger, Bjørn Erik Øye, at
                    # prisene vil falle": a fronted clause, the report follows "at"
                    and self._at_after(ws, hit[2].end) is None
                ):
                    found.append(
                        self._cand(ws[0].start, ws[i - 1].start, cue, hit[2], sentence, verb)
                    )
                    continue
            content_start: int | None = None
            mention: Mention | None = None
            nxt = ws[after].low if after < len(ws) else ""
            if nxt == "at" and self._plausible_subject(left):
                mention, content_start = self._subject_mention(left), after + 1
            elif (
                self.lex.cue_class(verb.lemma) == "thought"
                and nxt not in ("at", "å", "")
                # "går til en de tror kan hjelpe dem": a relative clause, no belief reported
                and nxt not in AUXILIARIES
                and len(ws) - after >= 4
                and self._plausible_subject(left)
            ):
                # "Han mener Islands største problem har vært ...": a belief with no "at"
                mention, content_start = self._subject_mention(left), after
            elif verb.has("object", "appeal") or n > 1 or (verb.has("commit") and nxt == "å"):
                if self._plausible_subject(left) and verb.lemma != "heter det":
                    mention, content_start = self._subject_mention(left), after
            elif i > 0:
                # V2 after a fronted adverbial: "I går sa Støre at ..."
                right = self._mention(ws, after, cut=False)
                if right is not None:
                    k = self._at_after(ws, right.end)
                    opener = ws[0].low
                    fronted = opener not in FUNCTION_WORDS or opener in ADJUNCT_STARTS
                    if k is not None and fronted:
                        # "fastslo han like enkelt at ...": the speaker is "han"; "tror ikke
                        # ekspert på fritidsboliger, Bjørn Erik Øye, at ...": the name
                        mention = self._mention(ws, after)
                        if mention is not None:
                            mention = self._name_before(ws, mention, k) or mention
                        content_start = k + 1
            if mention is None or content_start is None or content_start >= len(ws):
                continue
            if mention.text.lower() in NO_SPEAKERS:
                continue  # "Det vil kreve en annen politikk": a thing, not a speaker
            end_word = _last_word(ws)
            if len(ws) - content_start < 3:
                continue
            found.append(
                self._cand(ws[content_start].start, end_word.end, cue, mention, sentence, verb)
            )
        return found

    def _not_speech(self, ws: list[Word], i: int, after: int) -> bool:
        """A speech verb that reports no speech of its subject: a passive ("ble bedt om å
        kommentere", "blir spurt om"), a verb of wanting or expecting in the s-passive before
        it ("forventes å si"), a refusal to speak ("avviser å kommentere saken"), or the
        noun the infinitive spells after an article ("bygger på en tro på at")."""
        if i > 0 and ws[i - 1].low in ARTICLES and ws[i].low in self.lex.lemmas:
            return True
        k = i - 1
        while k >= 0 and ws[k].low in ADVERBS:
            k -= 1
        if k >= 0 and (
            ws[k].low in PASSIVE or (ws[k].low == "å" and k > 0 and ws[k - 1].low.endswith("es"))
        ):
            return True
        return after + 1 < len(ws) and ws[after].low == "å" and ws[after + 1].low in NO_COMMENT

    def _ifolge(self, ws: list[Word], i: int, sentence: tuple[int, int]) -> Candidate | None:
        j = i + (2 if ws[i].low == "i" else 1)
        inside = i > 0 and ws[i - 1].text != ","
        mention = self._source_np(ws[j:], inside)
        if mention is None:
            return None
        if i > 0 and ws[i - 1].text == ",":
            # "..., ifølge informasjonskonsulent i Energigjenvinningsetaten, Rikke Dahl Monsen."
            mention = self._name_after_role(ws, mention) or mention
        cue = Word(self.text[ws[i].start : ws[j - 1].end], ws[i].start, ws[j - 1].end)
        k = next((x for x, w in enumerate(ws) if w.start >= mention.end), len(ws))
        if i > 0 and ws[i - 1].text != "," and k < len(ws) - 1 and ws[k].text not in ".!?,":
            # "Regjeringen vil ifølge Støre øke skattene.": the claim on both sides of it
            last = ws[-1].start if ws[-1].text in (".", "!", "?") else ws[-1].end
            cand = self._cand(ws[0].start, ws[i - 1].end, cue, mention, sentence)
            cand.segments.append((ws[k].start, last))
            return cand
        if i > 0:  # "..., ifølge Park."
            end = ws[i - 1].start if ws[i - 1].text == "," else ws[i - 1].end
            start = ws[0].start
        else:  # "Ifølge Park er ..."
            if k >= len(ws) - 2:
                return None
            start = ws[k].start
            end = ws[-1].start if ws[-1].text in (".", "!", "?") else ws[-1].end
        if end - start < 10:
            return None
        return self._cand(start, end, cue, mention, sentence)

    def _cand(
        self,
        start: int,
        end: int,
        cue: Word,
        mention: Mention | None,
        sentence: tuple[int, int],
        verb: Verb | None = None,
    ) -> Candidate:
        """Reported speech from ``start`` to ``end``; a source phrase has no verb frame."""
        return Candidate(
            kind="indirect",
            segments=[(start, end)],
            cue=cue.text,
            cue_span=(cue.start, cue.end),
            mention=mention,
            sentence=sentence,
            frame=verb.frame if verb else "say",
        )

    def person_names(self, paragraphs: list[tuple[int, int]]) -> list[tuple[int, str]]:
        """Runs of two or more capitalised words that are not places or organisations, and
        first names the name list knows standing alone."""
        names: list[tuple[int, str]] = []
        for ps, pe in paragraphs:
            run: list[Word] = []
            for w in [*words(self.text[ps:pe], ps), Word(".", pe, pe)]:
                if w.text == "." and run and len(run[-1].text) == 1 and run[-1].text.isupper():
                    continue  # an initial: "Oskar J. Grimstad"
                good = (
                    w.text[:1].isupper()
                    and w.low not in FUNCTION_WORDS
                    and w.low not in self.lex.cue_phrases
                    and w.low not in self.lex.verbs
                    and self.entities.lookup(w.text, "no") is None
                    and self.entities.lookup(re.sub(r"s$", "", w.text), "no") is None
                    and w.low not in self.lex.titles
                    and w.low not in self.lex.sign_offs  # "Mvh Gro Kyte"
                    # a demonym opening the sentence: "Danske Ellen Porsdal Hink synes ..."
                    and not demonym_adjective(w.text, "no", self.entities)
                )
                if good:
                    run.append(w)
                    continue
                # a word capitalised as it opens the sentence: "Klart Erik Poppe sier ja."
                if (
                    len(run) >= 2
                    and run[0].low not in first_names()
                    and run[1].low in first_names()
                    and opens_sentence_at(self.text, run[0].start)
                ):
                    run = run[1:]
                if len(run) >= 2 or (
                    run and run[0].low in first_names() and run[0].low not in COMMON_WORD_NAMES
                ):
                    # a first name alone is a person too ("sier Martin")
                    names.append((run[0].start, self.text[run[0].start : run[-1].end]))
                run = []
        return names
