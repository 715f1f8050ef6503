"""Transparent weak labels for pairs without a gold label, from data-file rules.

Stance: a speech verb that itself takes sides ("accused", "fordømt") labels the first target
of a quote that is the verb's object. Claim type: the speech verb's frame or words in the
quote. Every weak label says which rule gave it. Gold always wins; evaluation uses gold only.
"""

from __future__ import annotations

import functools
import re

from quotestance.errors import InputError
from quotestance.extract.schema import Quote
from quotestance.labels import CLAIM_TYPES, STANCES
from quotestance.lexicon import load_lexicon, read_table, resource_dir


@functools.cache
def stance_cues(lang: str) -> dict[str, str]:
    path = resource_dir() / lang / "stance_cues.tsv"
    rules = {}
    for number, (lemma, stance) in read_table(path, ("lemma", "stance")):
        if stance not in STANCES:
            raise InputError(path, f"unknown stance {stance!r}; expected one of {STANCES}", number)
        rules[lemma.lower()] = stance
    return rules


@functools.cache
def claim_rules() -> list[tuple[str, str, re.Pattern[str] | None]]:
    path = resource_dir() / "claim_cues.tsv"
    rules: list[tuple[str, str, re.Pattern[str] | None]] = []
    for number, (rule, claim) in read_table(path, ("rule", "claim_type")):
        if claim not in CLAIM_TYPES:
            raise InputError(path, f"unknown claim type {claim!r}", number)
        kind, _, value = rule.partition(":")
        if kind == "frame":
            rules.append((rule, claim, None))
        elif kind == "regex":
            try:
                rules.append((rule, claim, re.compile(value, re.IGNORECASE)))
            except re.error as exc:
                raise InputError(path, f"bad regex: {exc}", number) from exc
        else:
            raise InputError(path, f"rule must start with frame: or regex:, got {rule!r}", number)
    return rules


def cue_lemma(quote: Quote) -> tuple[str, str] | None:
    """(lemma, frame) of the quote's speech verb, if the lexicon knows it."""
    if not quote.cue:
        return None
    lex = load_lexicon(quote.lang)
    verb = lex.verbs.get(quote.cue.lower())
    return (verb.lemma, verb.frame) if verb else None


def weak_stance(quote: Quote, target_index: int) -> tuple[str, str] | None:
    """(stance, rule) for the quote's ``target_index``-th target, or None."""
    found = cue_lemma(quote)
    if found is None or target_index != 0 or quote.kind == "direct":
        return None
    lemma, frame = found
    if not {"object", "as"} & set(frame.split("|")):
        return None
    stance = stance_cues(quote.lang).get(lemma)
    return (stance, f"cue:{lemma}") if stance else None


def weak_claim(quote: Quote) -> tuple[str, str] | None:
    found = cue_lemma(quote)
    frame = found[1] if found else ""
    for rule, claim, pattern in claim_rules():
        if pattern is None:
            if rule.partition(":")[2] in frame.split("|"):
                return claim, rule
        elif pattern.search(quote.text):
            return claim, rule
    return None
