"""What a responder would lose if a piece of text went: numbers, paths, commands, names.

The fitter scores text by it (``bot.rendering.shrink``), and the Claude adapter checks with it
that a condensed or extracted value kept every protected word of what the engineers said
(``bot.llm.grounding``, ``bot.llm.condense``). Word counts are the linter's, so a value's size
here is its size in the manual.
"""

from __future__ import annotations

import re

from bot.contract.lint import count_words
from bot.core.slots import Value, value_texts
from bot.rendering.clauses import sentences

__all__ = ["is_protected", "known_names", "value_words"]

# Identifiers, commands, paths, URLs, handles, channels, env vars, flags, domains, file names.
_SPECIAL = re.compile(r"[\d`/\\@#$_=<>~%]|\w\.\w")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx", "incl", "cf"})
# Capitalised only because they start a clause; never names, whatever a mis-split suggests.
_NOT_NAMES = frozenset({"The", "This", "That", "These", "It", "Its", "We", "They", "If", "When"})
_PUNCT = "\"'()[]{}.,;:!?*-–—"


def value_words(value: Value) -> int:
    """Words in a slot value, counted the way the linter counts the rendered manual."""
    return sum(count_words(text) for text in value_texts(value))


def known_names(values: dict[str, Value]) -> frozenset[str]:
    """Words written capitalised in mid-sentence anywhere in the values ("on Stripe").

    A capital at the start of a sentence is ambiguous ("Stripe retries" vs "The team"), so a
    sentence-initial word counts as a name only if the engineers capitalised it elsewhere too.
    """
    names: set[str] = set()
    for value in values.values():
        for text in value_texts(value):
            for sentence in sentences(text):
                for token in sentence.split()[1:]:
                    word = token.strip(_PUNCT)
                    if word[:1].isupper() and word not in _NOT_NAMES:
                        names.add(word)
    return frozenset(names)


def is_protected(text: str, *, names: frozenset[str], starts_sentence: bool = True) -> bool:
    """True if dropping ``text`` would drop a number, path, command, URL or name."""
    for index, token in enumerate(text.split()):
        word = token.strip(_PUNCT)
        if word.lower() in _ABBREVIATIONS or not word:
            continue
        if _SPECIAL.search(word) or any(ch.isupper() for ch in word[1:]):
            return True
        if word[0].isupper() and (index > 0 or not starts_sentence or word in names):
            return True
    return False
