"""Reply text mechanics: cleanup, separator-safe splitting, durations, items, "don't know".

This is the mechanics half of the offline extractor; ``offline.py`` decides *which* text goes to
*which* slot. Replies can be 50 KB pastes, so every pattern is precompiled and free of nested
quantifiers, separators are searched on a masked copy (code spans and parentheses blanked) so a
`;` or `|` inside a command never splits it, and lists stop at ``MAX_ROWS`` entries. Table rows
are read by ``rowparse`` on top of these helpers; ``valueparse`` picks the
parser for a slot's kind.
"""

from __future__ import annotations

import re

from bot.contract.lint import find_placeholders
from bot.core.slots import Slot
from bot.core.values import (
    CONTROL,
    DURATION,
    LEADING_ZERO,
    ZERO_DURATION,
    is_zero_duration,
    parse_duration,
)

MAX_ROWS = 100

_BREAKS = str.maketrans(
    {"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\t": " "}
)
_CONTROL = CONTROL
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[\w+.-]*[ \t]*$", re.M)
_TICKS = re.compile(r"`[^`\n]*`")
_PARENS = re.compile(r"\([^()\n]*\)")
BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)]|\(\d{1,2}\)|#\d{1,2}[.):]?|[a-h]\))\s+")
_QUOTES = "\"'“”‘’«»"
_SENTENCE_END = re.compile(r"(?<=\S)[.!?]+(?=\s|$)|\n")


def clean_input(text: str, *, fences: bool = False) -> str:
    """Unify line breaks, blank out control characters, drop code-fence lines (keep content).

    Slack's escapes (`&gt;`) are decoded once, at the Slack edge (``bot.slack.markup``), never
    here: a literal "&gt;" someone typed stays as typed. With ``fences`` the fence lines stay:
    prose reading needs to know where a pasted block begins and ends (``drop_fences`` removes
    them later for the form parsers).
    """
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").translate(_BREAKS))
    return (text if fences else drop_fences(text)).strip()


def drop_fences(text: str) -> str:
    return _FENCE.sub("", text)


def squash(text: str) -> str:
    return " ".join(text.split())


def _blank(match: re.Match[str]) -> str:
    found = match.group()
    return found[0] + "\x01" * (len(found) - 2) + found[-1]


def mask(text: str, *, parens: bool = True) -> str:
    """Same-length copy with code spans (and parentheses) blanked, for finding separators.

    ``clean_input`` removes \\x01, so the filler can never be mistaken for user text.
    """
    masked = _TICKS.sub(_blank, text)
    return _PARENS.sub(_blank, masked) if parens else masked


def split_on(text: str, sep: re.Pattern[str], limit: int | None = None) -> list[str]:
    """``sep.split`` that ignores separators inside code spans and parentheses."""
    pieces: list[str] = []
    last = 0
    for match in sep.finditer(mask(text)):
        if limit is not None and len(pieces) >= limit:
            break
        if match.end() > match.start():
            pieces.append(text[last : match.start()])
            last = match.end()
    pieces.append(text[last:])
    return pieces


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line; a `.` inside a code span or "2.5" does not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(mask(text)):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        return text[1:-1].strip()
    return text


# ------------------------------------------------------------------ durations and "don't know"

_DUR = DURATION
_NEGATED = re.compile(r"(?:\bnot|\binstead\s+of|\brather\s+than|\bfrom|\bwas|\bwere)\s*$", re.I)
_UNKNOWN = re.compile(
    r"""^(?:(?:sorry|honestly|hmm+|um+|uh+|no|nope|tbh|well|so)[,.!]*\s+)*(?:
      (?:i\s+)?(?:don'?t|do\s+not)\s+know | (?:i'?m\s+|i\s+am\s+)?not\s+sure | no\s+(?:idea|clue)
    | dunno | idk | n/?a | not\s+applicable | skip | pass | unknown | tbd | to\s+be\s+decided
    | not\s+(?:yet\s+)?(?:defined|decided) | no\s*(?:one|body)\s+knows | ask\s+\S+
    | (?:we\s+)?(?:don'?t|do\s+not)\s+have\s+(?:one|any|that|this|it|those|them|a\s+\w+)
    | (?:we\s+have\s+)?(?:none|nothing)\s+yet | (?:we\s+have|there\s+is|there'?s)\s+none
    | none\s+(?:defined|set|agreed|documented) | undefined | not\s+set
    | (?:todo|tbc|fixme)(?=\s*(?:$|[:,.!;(\-–—])) | to\s+be\s+confirmed | \?+
    | [\[(<]\s*(?:tbd|tbc|todo|fixme|\?+)\s*[\])>]
    )(?![\w/])""",
    re.I | re.X,
)


def durations(text: str, *, limit: int | None = None) -> list[str]:
    """Durations not negated, normalised ("2 hours, not 4" and "not 4 but 2 hours": 2 hours)."""
    found: list[str] = []
    for match in _DUR.finditer(text):
        parsed = parse_duration(match.group())
        if parsed and not _NEGATED.search(text, max(0, match.start() - 16), match.start()):
            found.append(parsed[1])
            if limit is not None and len(found) >= limit:
                break
    return found


def first_duration(text: str, *, zero: bool = False) -> str | None:
    """With ``zero``, an answer that is just "zero"/"none"/"0"/"no data loss" counts too: an RPO
    of zero is a real answer, "none defined" is not (``validation.is_zero_duration``)."""
    found = durations(text, limit=1)
    if found:
        return found[0]
    return ZERO_DURATION if zero and is_zero_duration(text) else None


def leading_duration(text: str) -> tuple[str, int] | None:
    """A duration (or a "zero" that ends its clause) at the very start of ``text``, with its
    length: "RPO zero, RTO 4h" is zero, "RPO none defined" is nothing."""
    match = _DUR.match(text)
    parsed = parse_duration(match.group()) if match else None
    if parsed and match:
        return parsed[1], match.end()
    zero = LEADING_ZERO.match(text)
    return (ZERO_DURATION, zero.end()) if zero else None


_WORDY = re.compile(r"[^\W_]")
_NOT_APPLICABLE = re.compile(r"(?<![^\W_])n/?a(?![^\W_])", re.I)


def is_blank(text: str) -> bool:
    """Nothing a reader can use: no letter or digit ("**", "-"), or only placeholders ("TBD",
    "[todo]", "N/A"), by the output contract's own grammar (``contract.lint``). Such list
    entries and table cells are dropped, not stored."""
    rest = text
    for _, found in find_placeholders(text):
        rest = rest.replace(found, " ", 1)
    return not _WORDY.search(_NOT_APPLICABLE.sub(" ", rest))


def is_unknown(text: str) -> bool:
    """A short "I don't know" / "n/a" / "ask Bob" (a long hedge followed by an answer is not)."""
    rest = squash(BULLET.sub("", text.replace("’", "'"))).lower()
    matched = False
    while (match := _UNKNOWN.match(rest)) is not None:  # "not sure, ask the platform team"
        rest, matched = rest[match.end() :].strip(" ,.;:!-–—"), True
    return matched and len(rest.split()) <= 6


# ------------------------------------------------------------------ text and items

_ITEM_SEP = re.compile(r"[ \t]*;[ \t]*|,?[ \t]+(?:and[ \t]+)?then,?[ \t]+", re.I)
_FILLER = re.compile(
    r"^(?:(?:first(?:ly)?|second(?:ly)?|next|then|finally|lastly|after\s+that|and)(?=[\s,:])"
    r"[,:]?\s*)+",
    re.I,
)
_INLINE_NUM = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)](?=\s)")
_ARROW = re.compile(r"\s*(?:->|=>|→|⇒|>)\s*")
_LEVEL_TAG = re.compile(r"(?:^|(?<=[\s;,]))(?:L|level\s*|tier\s*)[1-9]\s*[:.)\-–—]\s*", re.I)
_LIST_SEP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)
_GLUE = re.compile(r"[\s,;&+/.]+")


def clean_text(part: str) -> str:
    """One line of prose: bullets dropped, lines joined with "; " unless already punctuated."""
    out: list[str] = []
    for raw in part.split("\n"):
        line = squash(BULLET.sub("", raw))
        if not line:
            continue
        if out:
            out.append(" " if out[-1][-1] in ".,;:!?" else "; ")
        out.append(line)
    return unquote("".join(out)).rstrip(" ,;:")


def clean_item(text: str) -> str:
    """A list entry without bullet, "then"/"finally" filler, wrapping quotes or end punctuation."""
    item = _FILLER.sub("", BULLET.sub("", squash(text)).strip(" ,;:"))
    return unquote(item).rstrip(" .,;:!")


def _numbered_inline(line: str) -> list[str]:
    """ "1. stop traffic 2. drain 3. stop" on one line -> three steps (numbers must count up)."""
    marks = list(_INLINE_NUM.finditer(mask(line)))
    if len(marks) < 2 or line[: marks[0].start()].strip():
        return [line]
    numbers = [int(m.group(1)) for m in marks]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return [line]
    ends = [m.start() for m in marks[1:]] + [len(line)]
    return [line[m.end() : end] for m, end in zip(marks, ends, strict=True)]


def _code_list(piece: str) -> list[str]:
    """ "`a`, `b` and `c`" -> three commands; anything with real words around stays whole."""
    spans = _TICKS.findall(piece)
    if len(spans) < 2:
        return [piece]
    glue = _GLUE.sub(" ", _TICKS.sub(" ", piece)).lower().split()
    return spans if all(word in {"and", "or", "then"} for word in glue) else [piece]


def _chain(text: str) -> list[str]:
    """Escalation written as "a -> b -> c -> d" or "L1: a L2: b ..."."""
    masked = mask(text)
    tags = list(_LEVEL_TAG.finditer(masked))
    if len(tags) >= 2:
        ends = [t.start() for t in tags[1:]] + [len(text)]
        pieces = [text[t.end() : end] for t, end in zip(tags, ends, strict=True)]
    elif _ARROW.search(masked):
        pieces = split_on(text, _ARROW)
    else:
        return []
    return [item for item in map(clean_item, pieces) if item]


def parse_items(part: str, slot_def: Slot) -> list[str]:
    """Steps or entries; plain commas split only the escalation chain and health-check names,
    since a step like "stop traffic, wait for drain" is one step."""
    if slot_def.exact_items is not None or slot_def.id == "escalation":
        chain = _chain(part)
        if len(chain) > 1:
            return chain[:MAX_ROWS]
    raw: list[str] = []
    for line in part.split("\n"):
        for numbered in _numbered_inline(line):
            for piece in split_on(BULLET.sub("", numbered), _ITEM_SEP):
                raw.extend(_code_list(piece))
        if len(raw) > MAX_ROWS:
            break
    items = [item for item in map(clean_item, raw) if not is_blank(item)]
    if len(items) == 1 and slot_def.id in ("escalation", "health_checks"):
        listed = [i for i in map(clean_item, split_on(items[0], _LIST_SEP)) if not is_blank(i)]
        if slot_def.exact_items in (None, len(listed)):
            items = listed
    return items[:MAX_ROWS]
