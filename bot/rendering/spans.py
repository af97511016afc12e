"""The stretches of a text the fitter may give up whole: sentences, clauses, asides.

``bot.rendering.shrink`` removes the piece that carries least per word saved; this module says
which pieces there are. A sentence may go whole (the first only when it is a condition and
another follows: "if results go to the wrong patient … . Stop the ORU channels …"); a clause
may go with the clauses that only make sense after it ("…, not during backups") but never
those alone; an aside in parentheses, or one item of a list inside one, may go while its host
stays; a lead-in before a colon ("log patterns worth grepping for:") may go, what it
introduces may not.
Removing a span with ``remove`` leaves well-formed prose: no dangling comma, the full stop kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rendering.clauses import ABBREVIATIONS, ATTACHED, top_level

# Where a piece of a sentence may start: after a top-level separator, or before a word that
# opens a clause of its own ("…, so nothing is lost", "… because …", "and if ES melts …").
_PIECE_SEP = re.compile(
    r",\s+|\s*;\s+|(?<!\d):\s+|\s+[-–—]\s+|\s+(?=(?:and\s+then|and\s+if|and\s+when|and\s+for|but|plus|"
    r"whereas|so|because|since|which|although|though)\s)"
)
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text that can go on its own: [start, end) in the text it came from."""

    start: int
    end: int


def _pieces(text: str, mask: list[bool]) -> list[tuple[int, int, int, bool]]:
    """(separator start, piece start, piece end, starts a sentence) for every top-level piece."""
    marks: list[tuple[int, int, bool]] = []  # (separator start, next piece start, new sentence)
    for match in _END.finditer(text):
        if mask[match.start()] and match.end() < len(text):
            last = text[: match.start()].rsplit(maxsplit=1)[-1:] or [""]
            if last[0].lower().rstrip(".") not in ABBREVIATIONS:
                rest = len(text) - len(text[match.end() :].lstrip())
                marks.append((match.end(), rest, True))
    for match in _PIECE_SEP.finditer(text):
        if match.start() < len(mask) and mask[match.start()] and match.start() > 0:
            marks.append((match.start(), match.end(), False))
    marks = sorted(set(marks))
    out: list[tuple[int, int, int, bool]] = []
    sep, start, new = 0, 0, True
    for next_sep, next_start, next_new in marks:
        if next_sep <= start:
            continue
        out.append((sep, start, next_sep, new))
        sep, start, new = next_sep, next_start, next_new
    out.append((sep, start, len(text), new))
    return [p for p in out if text[p[1] : p[2]].strip()]


def droppable(text: str) -> list[Span]:
    """Every stretch of ``text`` a reader can lose without the rest breaking: a sentence
    after the first, a clause after the first of its sentence (with the clauses that only make
    sense after it: "…, not during backups"), a parenthetical aside, or one item of a list
    inside parentheses. Removing a span with ``remove`` leaves well-formed prose."""
    mask = top_level(text)
    spans: list[Span] = []
    pieces = _pieces(text, mask)
    for index, (sep, start, end, new) in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if new and following and not following[3] and text[end : following[1]].startswith(":"):
            spans.append(Span(start, following[1]))  # a lead-in: "log patterns worth grepping for:"
        if index == 0:
            second = next((p[1] for p in pieces[1:] if p[3]), None)
            if second is not None and _CONDITION.match(text):  # "if results go to the …. Stop"
                spans.append(Span(0, second))
            continue
        if ATTACHED.match(text[start:end].lstrip()):
            continue
        if text[sep:start].startswith(":"):
            continue  # what a lead-in introduces goes only with its sentence
        if new:  # a whole sentence, with every piece of it
            stop = next((p[0] for p in pieces[index + 1 :] if p[3]), len(text))
            spans.append(Span(sep, stop))
            continue
        stop = _with_dependants(text, pieces, index)
        ending = _END.search(text, max(sep, stop - 4), stop)
        if ending is not None and ending.end() == stop and stop < len(text):
            stop = ending.start()  # the sentence keeps its full stop
        spans.append(Span(sep, stop))
    spans.extend(_parentheticals(text))
    return spans


# A first sentence that only says when the rest applies may give way to the orders after it.
_CONDITION = re.compile(r"\s*(?:if|when|whenever|in\s+case|once|should)\b", re.I)


# A piece that explains the one before it ("…, so nothing is lost"): it may go on its own, and
# it goes when the piece it explains goes.
_DEPENDANT = re.compile(r"^(?:so|because|since|which|although|though|as)\b", re.I)


def _with_dependants(text: str, pieces: list[tuple[int, int, int, bool]], index: int) -> int:
    stop = pieces[index][2]
    for _, start, end, new in pieces[index + 1 :]:
        piece = text[start:end].lstrip()
        if new or not (ATTACHED.match(piece) or _DEPENDANT.match(piece)):
            break
        stop = end
    return stop


def _parentheticals(text: str) -> list[Span]:
    """Top-level "( … )" asides, and each item after the first inside one ("(a, b, c)")."""
    out: list[Span] = []
    depth, opened, in_code = 0, -1, False
    for index, ch in enumerate(text):
        if ch == "`":
            in_code = not in_code
        if in_code:
            continue
        if ch == "(":
            depth += 1
            if depth == 1:
                opened = index
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and opened > 0:
                before = len(text[:opened].rstrip())
                out.append(Span(before, index + 1))
                inner = text[opened + 1 : index]
                pieces = _pieces(inner, top_level(inner))
                for at in range(1, len(pieces)):
                    if pieces[at][3]:
                        continue
                    stop = _with_dependants(inner, pieces, at)
                    out.append(Span(opened + 1 + pieces[at][0], opened + 1 + stop))
    return out


_TIDY_PUNCT = (
    (re.compile(r"\(\s*[,;]?\s*\)"), ""),
    (re.compile(r"\(\s*[,;]\s*"), "("),
    (re.compile(r"\s+([,;.:!?)])(?![\w/])"), r"\1"),  # never ".NET" or "./run.sh"
    (re.compile(r"([,;:])(?:\s*[,;:])+"), r"\1"),
    (re.compile(r"[,;:]\s*([.!?])(?![\w/])"), r"\1"),
)


def remove(text: str, span: Span) -> str:
    """``text`` without ``span``, its punctuation left tidy."""
    out = text[: span.start] + text[span.end :]
    for pattern, repl in _TIDY_PUNCT:
        out = pattern.sub(repl, out)
    return " ".join(out.split()).strip(" ,;:–—-")
