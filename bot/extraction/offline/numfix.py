"""Corrections that change a number: "actually the heap one is 92% not 85".

People correct a threshold or a retention the way they would say it to a colleague: the new
number, "not", the old one, and a word or two saying which fact they mean. The explicit
corrections pass needs a slot's name; this one finds the fact by its old number instead: the
current value (a table cell, a text) that holds the old number, preferring the one whose words
the correction repeats ("heap"), gets the new number. The rest of the value stays as it was.
"""

from __future__ import annotations

import re

from bot.core.draft import Draft, Op
from bot.core.slots import SLOT_BY_ID, SlotKind, Value
from bot.extraction.offline.corrections import STRONG
from bot.extraction.offline.findings import Findings

_NUMBER = r"\d{1,2}:\d{2}|\d+(?:[.,]\d+)?"  # a time ("05:30") or a number
_UNIT = r"\s*(?:%|ms|s|sec\w*|m|mins?|minutes?|h|hrs?|hours?|d|days?|k|gb|mb|tb)?"
_NOT = re.compile(
    rf"(?P<new>{_NUMBER}){_UNIT}(?:\s+[a-z]+){{0,2}}?\s*,?\s*(?:and\s+)?"
    rf"(?:not|instead\s+of|rather\s+than|no\s+longer)\s+(?:the\s+)?"
    rf"(?P<old>{_NUMBER})(?P<unit>{_UNIT})\b",
    re.I,
)
# "we bumped it from 85 to 92", "it was 500, now 800"; a plain "scale from 2 to 8 pods" is a
# step, not a correction.
_FROM_TO = re.compile(
    rf"(?:\b(?:changed|moved|bumped|raised|lowered|increased|decreased|reduced|upped|dropped|"
    rf"went)\s+(?:\w+\s+){{0,4}}?from|\bwas)\s+(?P<old>{_NUMBER})(?P<unit>{_UNIT})\s*,?\s+"
    rf"(?:to|→|->|now|is\s+now)\s+(?P<new>{_NUMBER})",
    re.I,
)
_SENTENCE = re.compile(r"[.!?](?=\s)|\n")
_WORD = re.compile(r"[a-z][a-z0-9_-]{2,}", re.I)
_STOP = frozenset(
    [
        "actually",
        "the",
        "one",
        "not",
        "is",
        "are",
        "was",
        "were",
        "now",
        "it",
        "its",
        "this",
        "that",
        "we",
        "our",
        "alert",
        "alerts",
        "and",
        "for",
        "with",
        "after",
        "before",
        "bumped",
        "changed",
        "moved",
        "last",
        "month",
        "week",
        "year",
        "because",
        "since",
    ]
)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _replace_number(text: str, old: str, new: str) -> str | None:
    pattern = re.compile(rf"(?<![\w.,]){re.escape(old)}(?![\d]|[.,]\d)")  # "p90" is a name
    if not pattern.search(text):
        return None
    return pattern.sub(new, text, count=1)


def _candidates(draft: Draft, old: str, new: str) -> list[tuple[str, Value, str]]:
    """(slot id, corrected value, the text that changed) for every value holding ``old``."""
    found: list[tuple[str, Value, str]] = []
    for slot_id, value in draft.values().items():
        slot_def = SLOT_BY_ID.get(slot_id)
        if slot_def is None:
            continue
        if isinstance(value, str):
            changed = _replace_number(value, old, new)
            if changed is not None:
                found.append((slot_id, changed, value))
            continue
        for index, entry in enumerate(value):
            texts = entry if isinstance(entry, dict) else {"": entry}
            for column, cell in texts.items():
                changed = _replace_number(str(cell), old, new)
                if changed is None:
                    continue
                copy = list(value)
                if slot_def.kind is SlotKind.TABLE and isinstance(entry, dict):
                    copy[index] = {**entry, column: changed}
                    context = " ".join(entry.values())
                else:
                    copy[index] = changed
                    context = str(entry)
                found.append((slot_id, copy, context))  # type: ignore[arg-type]
    return found


# "> 1000 for 10 min, not 500": the number right before "not" is the alert's duration.
_DURATION_BEFORE = re.compile(
    rf"(?P<value>{_NUMBER})(?:\s*[a-z%]+)?\s+(?:for|over|in|within)\s+$", re.I
)


def _new_number(sentence: str, match: re.Match[str], start: int) -> str:
    new = match.group("new")
    if match.re is not _NOT:
        return new
    before = _DURATION_BEFORE.search(sentence[: match.start("new") - start])
    return before.group("value") if before else new


def number_corrections(text: str, draft: Draft, result: Findings) -> str:
    """Apply "N not M" / "from M to N" corrections; return the text without the sentence that
    made one (everything else in the reply is read as usual)."""
    if STRONG.match(text) is None and not re.search(r"\bnot\b|\bfrom\b|\bwas\b", text, re.I):
        return text
    match = _NOT.search(text) or _FROM_TO.search(text)
    if match is None:
        return text
    starts = [m.end() for m in _SENTENCE.finditer(text, 0, match.start())]
    start = starts[-1] if starts else 0
    ending = _SENTENCE.search(text, match.end())
    end = ending.end() if ending else len(text)
    sentence = text[start:end]
    old, new = match.group("old"), _new_number(text[start:], match, start)
    about = _words(text[start : match.start()] + " " + text[match.end() : end])
    options = _candidates(draft, old, new)
    if not options:
        return text
    slot_id, value, _context = max(
        options, key=lambda o: (len(about & _words(o[2])), SLOT_BY_ID[o[0]].priority * -1)
    )
    if slot_id in result.updates:
        return text
    result.add(slot_id, Op.CORRECT, value, sentence.strip())
    return (text[:start] + text[end:]).strip()
