"""Prose cut into the pieces a reader can lose one at a time: sentences, clauses, words.

The manual must fit 800 words, and what does not fit must leave whole: a cut may drop a clause
or an aside, never stop in the middle of a phrase ("Review Datadog alerts and"), never split a
code span, and never separate a number from its unit or from the "not" before it. This module
knows those boundaries; ``bot.rendering.shrink`` decides which pieces to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Abbreviations whose dot does not end a sentence.
ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx", "incl", "cf", "ca"})
# "St. Brigid's (SBH)", "Dr. Ana Ruiz": a title before a name, written as titles are written
# (so "we have no DR. Backups …" and "800 ms. Then …" still end there).
_TITLES = frozenset({"St", "Dr", "Mr", "Mrs", "Ms", "Prof"})
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
# Clause boundaries at the top level of a sentence (outside code, brackets and quotes).
_CLAUSE_SEP = re.compile(r"\s*;\s+|,\s+|\s+[-–—]\s+|\s+(?=(?:and\s+then|but|plus|whereas)\s)")
# A clause that opens with one of these only makes sense with the one before it.
ATTACHED = re.compile(
    r"^(?:not\b|except\b|unless\b|but\s+not\b|only\s+(?:if|when)\b|otherwise\b|or\s+else\b|"
    r"(?:for|over|within|in)\s+(?:>|<)?\s*\d|i\.e\b|e\.g\b)",
    re.I,
)
# Words a kept part may not end on: it would stop mid-phrase or change what a number means.
DANGLING = frozenset(
    (
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "but",
        "with",
        "for",
        "in",
        "on",
        "at",
        "by",
        "from",
        "via",
        "into",
        "onto",
        "per",
        "than",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "not",
        "no",
        "never",
        "without",
        "over",
        "under",
        "above",
        "below",
        "after",
        "before",
        "when",
        "if",
        "then",
        "that",
        "which",
        "who",
        "whose",
        "where",
        "while",
        "until",
        "unless",
        "because",
        "so",
        "my",
        "our",
        "your",
        "their",
        "its",
        "this",
        "these",
        "those",
        "every",
        "each",
        "any",
        "some",
        "all",
        "both",
        "either",
        "neither",
        "nor",
        "plus",
        "minus",
        "about",
        "around",
        "approx",
        "&",
        "+",
        ">",
        "<",
        "=",
        ">=",
        "<=",
        "→",
        "->",
        "–",
        "—",
        "-",
        ":",
        ",",
        ";",
        "/",
        "up",
    )
)
PHRASE_STARTERS = frozenset(
    (
        "and",
        "or",
        "but",
        "with",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "from",
        "via",
        "into",
        "after",
        "before",
        "when",
        "if",
        "then",
        "which",
        "that",
        "who",
        "while",
        "until",
        "unless",
        "because",
        "so",
        "plus",
        "except",
        "including",
        "e.g",
        "i.e",
    )
)
_UNIT = re.compile(
    r"^(?:%|ms|µs|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|"
    r"years?|gb|mb|kb|tb|gib|mib|rps|qps|x|times|nodes?|pods?|replicas?|cores?|vcpus?)[.,;:)]*$",
    re.I,
)
_NUMBER_END = re.compile(r"\d[\d.,]*[%xkKmM]?$")


def words(text: str) -> int:
    """Words as the linter counts them: whitespace tokens holding a letter or digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def top_level(text: str) -> list[bool]:
    """Per character: True outside parentheses, brackets, double quotes and code spans."""
    mask: list[bool] = []
    depth, in_code, in_quote = 0, False, False
    for ch in text:
        top = False
        if in_code:
            in_code = ch != "`"
        elif ch == "`":
            in_code = True
        elif ch == '"':
            in_quote = not in_quote
        elif in_quote:
            pass
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        else:
            top = depth == 0
        mask.append(top)
    return mask


def _split_top(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """[(piece, separator after it)] at top-level matches of ``pattern``; the last sep is ''."""
    mask = top_level(text)
    out: list[tuple[str, str]] = []
    start = 0
    for match in pattern.finditer(text):
        if match.start() <= start or not mask[match.start()]:
            continue
        out.append((text[start : match.start()], match.group()))
        start = match.end()
    out.append((text[start:], ""))
    return [(piece, sep) for piece, sep in out if piece.strip()] or [(text, "")]


def sentences(text: str) -> list[str]:
    """Sentences; "e.g. this", "2.5 s" and a dot inside code never end one."""
    out: list[str] = []
    buffer = ""
    pieces = _split_top(text.strip(), _SENTENCE_END)
    for index, (piece, sep) in enumerate(pieces):
        buffer += piece
        last = buffer.rstrip(".!?\"')]").rsplit(maxsplit=1)[-1:] or [""]
        following = pieces[index + 1][0] if index + 1 < len(pieces) else ""
        titled = last[0].rstrip(".") in _TITLES and following[:1].isupper()
        if (last[0].lower().rstrip(".") in ABBREVIATIONS or titled) and sep:
            buffer += " "
            continue
        out.append(buffer.strip())
        buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a sentence, with the separator that followed it in the original text."""

    text: str
    sep: str
    sentence: int
    attached: bool  # only makes sense after the clause before it


def clauses(text: str) -> list[Clause]:
    """Every clause of every sentence, in order."""
    out: list[Clause] = []
    for index, sentence in enumerate(sentences(text)):
        pieces = _split_top(sentence, _CLAUSE_SEP)
        for position, (piece, sep) in enumerate(pieces):
            piece = piece.strip()
            attached = position > 0 and bool(ATTACHED.match(piece))
            out.append(Clause(piece, sep, index, attached))
    return out


def join(kept: list[Clause]) -> str:
    """Clauses back into prose: original separators between neighbours, "; " across gaps."""
    parts: list[str] = []
    for position, clause in enumerate(kept):
        text = clause.text
        if position + 1 < len(kept):
            following = kept[position + 1]
            if following.sentence != clause.sentence:
                sep = "" if text.endswith((".", "!", "?")) else "."
                parts.append(text + sep + " ")
            else:
                sep = clause.sep if clause.sep.strip() else (clause.sep or "; ")
                parts.append(text.rstrip(",;") + (sep if sep.strip() else "; "))
        else:
            parts.append(text.rstrip(",;:"))
    return " ".join("".join(parts).split())


def _balanced(tokens: list[str]) -> bool:
    """No code span, bracket or quotation left open ("new people do 'transcode a file")."""
    text = " ".join(tokens)
    opened = sum(1 for t in tokens if t[:1] in "'\"“‘" and len(t) > 1)
    closed = sum(1 for t in tokens if t.rstrip(".,;:!?)")[-1:] in "'\"”’" and len(t) > 1)
    return text.count("`") % 2 == 0 and text.count("(") <= text.count(")") and opened <= closed


def cut_at_phrase(text: str, limit: int) -> str:
    """At most ``limit`` words of ``text``, ending where a phrase ends.

    The cut lands before a word that starts a new phrase ("with", "for", "and", a comma's
    successor), never after a word that needs its successor ("the", "not", ">", "over"),
    never between a number and its unit, and never inside code or parentheses. When no such
    place exists inside the limit, the text is cut after its first complete phrase anyway
    (which may exceed the limit a little): a long phrase beats a broken one.
    """
    tokens = text.split()
    if words(text) <= limit:
        return text
    best = 0
    counted = 0
    for index, token in enumerate(tokens[:-1], start=1):
        counted += 1 if any(ch.isalnum() for ch in token) else 0
        if counted > limit:
            break
        if _good_end(tokens, index):
            best = index
    floor = min(limit, 3)
    if words(" ".join(tokens[:best])) < floor:
        best = next(
            (i for i in range(1, len(tokens)) if _good_end(tokens, i) and i >= floor),
            len(tokens),
        )
    return " ".join(tokens[:best]).rstrip(",;:–—-")


_VERB_S = re.compile(r"[a-z]{3,}s")  # "looks", "sits", "goes": a verb waiting for its object
_OBJECT_PREPOSITIONS = frozenset(("at", "on", "in", "to", "into", "for", "from", "with", "by"))
_BE = frozenset(("is", "are", "was", "were", "be", "been", "gets", "get", "got"))
# Words a kept window of text may not start with: it would read as the tail of a sentence.
_BAD_START = frozenset(
    ("and", "or", "but", "so", "then", "which", "that", "who", "whose", "because", "unless",
     "if", "while", "than", "as", "is", "are", "was", "were", "be", "of")
)  # fmt: skip


def cut_window(text: str, limit: int, score: Callable[[str], float]) -> str:
    """At most ``limit`` words of ``text``: the window that scores best, starting where a
    clause starts and ending where a phrase ends (``cut_at_phrase``).

    The first clause is not always the most of it ("we tried a few things, in the end
    pgbouncer in transaction mode fixed it"); when a later clause carries more facts, that
    window is kept instead. A window never starts mid-clause: the subject goes with it.
    """
    tokens = text.split()
    head = cut_at_phrase(text, limit)
    if words(text) <= limit:
        return text
    best, best_score = head, score(head)
    for start in range(1, len(tokens)):
        if not _good_start(tokens, start):
            continue
        counted, end = 0, 0
        for index in range(start + 1, len(tokens) + 1):
            counted += 1 if any(ch.isalnum() for ch in tokens[index - 1]) else 0
            if counted > limit:
                break
            if index == len(tokens) or _good_end(tokens, index):
                end = index
        if end == 0 or counted < min(limit, 3):
            continue
        window = " ".join(tokens[start:end]).strip(",;:–—- ")
        found = score(window)
        if found > best_score + 0.5 and _balanced(window.split()):
            best, best_score = window, found
    return best.rstrip(",;:–—-")


def _good_start(tokens: list[str], index: int) -> bool:
    """May a kept window start at ``tokens[index]``?"""
    previous, first = tokens[index - 1], tokens[index].strip("\"'(").lower()
    if first in _BAD_START or not any(ch.isalnum() for ch in tokens[index]):
        return False
    if not _balanced(tokens[:index]):
        return False
    # Only where a clause starts: "on API Gateway" kept from "WAF on the API Gateway" lost the
    # very thing the sentence was about, and reads as a fragment.
    return previous.endswith((",", ";", ":", ".")) and first not in PHRASE_STARTERS


def _good_end(tokens: list[str], index: int) -> bool:
    """May the text end after ``tokens[:index]``?"""
    last, following = tokens[index - 1], tokens[index]
    bare = last.strip("\"'*_").lower()
    if bare.rstrip(",;:.") in DANGLING or not any(ch.isalnum() for ch in last):
        return False
    if _NUMBER_END.search(last.rstrip(",;:.")) and _UNIT.match(following):
        return False
    if _VERB_S.fullmatch(bare) and following.lower() in _OBJECT_PREPOSITIONS:
        return False  # "the audit looks | at our access reviews" stops mid-phrase
    if (
        index >= 2
        and tokens[index - 2].lower() in _BE
        and following.lower() in _OBJECT_PREPOSITIONS
    ):
        return False  # "incidents are run | in a fresh channel …" says nothing without it
    if bare.endswith(("ed", "en")) and following.lower() == "by":
        return False  # "a channel created | by the incident.io bot": the agent is the fact
    if not _balanced(tokens[:index]):
        return False
    if last.endswith((",", ";", ":", ".")):
        return True
    return following.lower().strip("(\"'") in PHRASE_STARTERS or following.startswith("(")
