"""Is a value Claude proposes, or a shortening it wrote, backed by the text it came from?

The quote check (``bot.llm.extract.supported``) proves a model read the reply, not that the
*value* came from it: a real quote paired with an invented "RTO 15 minutes" or a made-up
``pg_ctl`` command passes it. So every number and identifier in a value must also appear in
its sources (the reply, plus the slot's current value and the system's name for a value that
restates the draft). The condenser's shortening check is the same question with the original
field as the source.

What counts as "a number or an identifier" is the deterministic condenser's notion of a
protected word (``bot.rendering.protected.is_protected``): digits, paths, URLs, ``snake_case``,
``dotted.names``, inner capitals (``PagerDuty``, ``RDS``), and, when ``names`` is given,
capitalised names seen mid-sentence; a backticked command is one identifier, whole. Matching
forgives what a faithful restatement changes: case, surrounding punctuation, ``02:00`` for
``2:00``, ``10,000`` for ``10000``, and the small number words ("an hour", "five minutes",
"twice").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rendering.protected import is_protected

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_BACKTICKED = re.compile(r"`[^`\n]+`")
_STRIP = "\"'()[]{}.,;:!?*-–—“”‘’`"
_SLASHED_WORDS = re.compile(r"[a-z]{2,}(?:/[a-z]{2,})+")  # "read/write", "and/or"
_UNIT_WORDS = r"(?:second|sec|minute|min|hour|hr|day|week|month|year|quarter)s?"
_WORD_NUMBERS = {
    "zero": "0", "none": "0", "one": "1", "once": "1", "two": "2", "twice": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "dozen": "12", "fifteen": "15", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "ninety": "90",
    "hundred": "100", "thousand": "1000",
}  # fmt: skip
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
_ONE_UNIT = re.compile(rf"\b(?:an?|per|every|each)\s+{_UNIT_WORDS}\b", re.IGNORECASE)
_HALF = re.compile(rf"\bhalf\s+(?:an?\s+)?{_UNIT_WORDS}\b", re.IGNORECASE)


def _canonical(number: str) -> set[str]:
    """``"02:00"`` -> {"2"} (zero parts say nothing), ``"10,000"`` -> {"10000"}, ``"1.50"`` ->
    {"1.5"}; a comma between digit groups of three is a thousands separator, else a list."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        number = number.replace(",", "")
    out = set()
    for part in re.split(r"[:,]", number):
        try:
            value = float(part)
        except ValueError:
            continue
        if value:
            out.add(f"{value:g}")
    return out


def numbers_in(text: str) -> set[str]:
    """Every number ``text`` states, as digits or as a small number word."""
    found: set[str] = set()
    for match in _NUMBER.findall(text):
        found |= _canonical(match)
    found |= {_WORD_NUMBERS[w.lower()] for w in _NUMBER_WORD.findall(text)}
    if _ONE_UNIT.search(text):
        found.add("1")
    if _HALF.search(text):
        found |= {"0.5", "30", "12"}  # half an hour, half a day
    return found - {"0"}


@dataclass(frozen=True, slots=True)
class Sources:
    """The texts a value may draw on, prepared once for many checks."""

    text: str  # case-folded, whitespace-normalised
    numbers: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Sources:
        joined = "\n".join(t for t in texts if t)
        return cls(" ".join(joined.casefold().split()), frozenset(numbers_in(joined)))


def protected_words(text: str, *, names: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``text`` that a faithful restatement must keep (see the module doc)."""
    out = []
    for token in text.split():
        word = token.strip(_STRIP)
        if any(ch.isalnum() for ch in word) and is_protected(word, names=names):  # not ">"
            out.append(word)
    return out


def _numeric(word: str) -> bool:
    """A number with at most a short unit or sign around it: "15", "5m", "p95", "99.9%"."""
    rest = _NUMBER.sub("", word).strip("%+~<>=/x-")
    return bool(_NUMBER.search(word)) and (not rest or (rest.isalpha() and len(rest) <= 7))


def _found(word: str, sources: Sources) -> bool:
    if _numeric(word):
        return _canonical_all(word) <= sources.numbers
    folded = word.casefold()
    if folded in sources.text:
        return True
    if _SLASHED_WORDS.fullmatch(folded):  # "read/write" for "read and write"
        return all(part in sources.text for part in folded.split("/"))
    return False


def _canonical_all(word: str) -> set[str]:
    found: set[str] = set()
    for match in _NUMBER.findall(word):
        found |= _canonical(match)
    return found


def ungrounded(text: str, sources: Sources, *, names: frozenset[str] = frozenset()) -> list[str]:
    """The protected words of ``text`` its sources do not back: [] means grounded. A
    backticked command counts as one identifier: its words must appear together."""
    missing = []
    for span in _BACKTICKED.findall(text):
        if " ".join(span.strip("`").casefold().split()) not in sources.text:
            missing.append(span)
    rest = _BACKTICKED.sub(" ", text)
    return missing + [w for w in protected_words(rest, names=names) if not _found(w, sources)]


def keeps_facts(original: str, shorter: str, *, names: frozenset[str]) -> bool:
    """Whether ``shorter`` keeps every protected word of ``original``, and every backticked
    command verbatim (a command loses its meaning outside its backticks)."""
    if not all(span in shorter for span in _BACKTICKED.findall(original)):
        return False
    return not ungrounded(original, Sources.of([shorter]), names=names)
