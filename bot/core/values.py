"""What a slot may hold: validation, durations, and the canonical shape of a value.

Why apart from the catalogue (``bot.core.slots``): ``validate`` is the gate between any
extractor (rules or a model) and a finished manual, with rules of its own (what a duration
is, when "zero" is a real answer, what looks like a placeholder or a pasted blob) that
change for reasons the list of slots does not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.contract.lint import find_placeholders
from bot.core.slots import Row, Slot, SlotKind, Value

_NUMBER = re.compile(r"\d")
# An alert on a state is as exact as one on a number: "cluster status red", "HEALTH_ERR".
_STATE = re.compile(
    r"\b(?:red|yellow|down|failed|failing|unhealthy|unreachable|missing|stale|stopped|"
    r"crash\w*|not\s+running|not\s+synchroni[sz]ed|degraded|non-?zero|(?-i:[A-Z]{2,}_[A-Z]{2,}\w*))\b",
    re.IGNORECASE,
)
# The one grammar of a duration ("4h", "15 minutes", "1.5 hours"); the extractor finds them in
# prose with it, and ``parse_duration`` normalises what it finds.
DURATION = re.compile(
    r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<u>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)\b",
    re.IGNORECASE,
)
# Control characters (and lone surrogates): never meaningful in an answer, some break drivers.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNIT_MINUTES = {"s": 1 / 60, "m": 1, "h": 60, "d": 1440, "w": 10080}
_UNIT_NAMES = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week"}


def _unit_key(unit: str) -> str:
    unit = unit.lower()
    if unit.startswith("mi") or unit == "m":
        return "m"
    return unit[0]


# "Zero" is a real RPO, but only as the answer itself: "none", "zero", "0", "no data loss",
# "RPO is zero, not 5 minutes", "no data loss, it's synchronous". In "none defined", "we have
# none" or "zero tolerance? not defined" the word says nothing about the duration: the zero
# must open the answer (after "RPO is"), end its clause, and come with no hedge.
_ZERO_CORE = (
    r"(?:(?:no|zero)\s+data\s+loss|(?:zero|none|nil|0)(?:\s+(?:minutes?|mins?|seconds?|secs?))?"
    r"(?:\s*\(\s*no\s+data\s+loss\s*\))?)"
)
_ZERO_END = (
    r"(?=\s*(?:$|[,.;:!)—–](?!\d)|\s-\s|\("
    r"|\b(?:and|but|because|since|as|not|instead|rather)\b))"
)
LEADING_ZERO = re.compile(rf"{_ZERO_CORE}{_ZERO_END}", re.IGNORECASE)
_ZERO_ANSWER = re.compile(
    r"[\s\"'“”]*(?:[^\n.;?!:=]{0,40}?(?:\b(?:is|are|be|of)\s+|[:=]\s*))?"
    rf"{_ZERO_CORE}{_ZERO_END}",
    re.IGNORECASE,
)
_ZERO_HEDGE = re.compile(
    r"\?|\b(?:not\s+(?:yet\s+)?(?:defined|decided|set|agreed|known|sure)|undefined|never\s+"
    r"(?:defined|set|agreed|measured)|(?:don'?t|do\s+not)\s+know|no\s+idea|tbd|unknown)\b",
    re.IGNORECASE,
)
ZERO_DURATION = "0 minutes (no data loss)"


def is_zero_duration(text: str) -> bool:
    """The answer is "zero": "none", "RPO is zero, not 5 minutes", "no data loss, it's sync"."""
    return _ZERO_ANSWER.match(text) is not None and not _ZERO_HEDGE.search(text[:2000])


def parse_duration(text: str) -> tuple[float, str] | None:
    """Find the first duration in ``text``; returns (minutes, normalised "4 hours") or None.

    "Zero"/"none"/"0"/"no data loss" count as zero minutes because an RPO of zero is a real
    answer, but only when they are the whole answer (``is_zero_duration``).
    """
    match = DURATION.search(text)
    if match is None:
        return (0.0, ZERO_DURATION) if is_zero_duration(text) else None
    number = float(match.group("n"))
    key = _unit_key(match.group("u"))
    shown = f"{number:g} {_UNIT_NAMES[key]}{'' if number == 1 else 's'}"
    return number * _UNIT_MINUTES[key], shown


def normalise(slot_def: Slot, value: Value) -> Value:
    """Canonical shape for a slot's value: strips whitespace and empty parts, lower-cases keys."""
    if slot_def.kind in (SlotKind.TEXT, SlotKind.DURATION):
        text = value if isinstance(value, str) else "; ".join(str(v) for v in value)
        if slot_def.kind is SlotKind.DURATION:
            parsed = parse_duration(text)
            return parsed[1] if parsed else text.strip()
        return " ".join(text.split())
    if slot_def.kind is SlotKind.ITEMS:
        items = [value] if isinstance(value, str) else value
        return [" ".join(str(i).split()) for i in items if str(i).strip()]
    rows: list[Row] = []
    for raw in value if isinstance(value, list) else []:
        if not isinstance(raw, dict):
            continue
        row = {c: " ".join(str(raw.get(c, "")).split()) for c in slot_def.columns}
        if any(row.values()):
            rows.append(row)
    return rows


def validate(slot_def: Slot, value: Value) -> list[str]:
    """Problems with a (normalised) value; an empty list means the slot may hold it.

    Besides shape (a duration, enough entries or rows), every piece of text must be something a
    reader can use: some words, no template placeholder the linter would reject ("TBD",
    "TODO: ask Bob", "???"), and no pasted blob (``text_problem``).
    """
    problems: list[str] = []
    label = slot_def.label
    if slot_def.kind is SlotKind.TEXT:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{label} needs some text")
        elif problem := text_problem(value):
            problems.append(f"{label} {problem}")
    elif slot_def.kind is SlotKind.DURATION:
        if not isinstance(value, str) or parse_duration(value) is None:
            problems.append(f"{label} needs a duration such as '4 hours' or '15 minutes'")
    elif slot_def.kind is SlotKind.ITEMS:
        count = len(value) if isinstance(value, list) else 0
        if slot_def.exact_items is not None and count != slot_def.exact_items:
            problems.append(f"{label} needs exactly {slot_def.exact_items} entries")
        elif count < max(1, slot_def.min_items):
            problems.append(f"{label} needs at least {max(1, slot_def.min_items)} entries")
        for index, item in enumerate(value if isinstance(value, list) else [], start=1):
            if isinstance(item, str) and (problem := text_problem(item)):
                problems.append(f"{label} entry {index} {problem}")
    else:
        rows = value if isinstance(value, list) else []
        if len(rows) < max(1, slot_def.min_items):
            problems.append(f"{label} needs at least {max(1, slot_def.min_items)} rows")
        for index, row in enumerate(rows, start=1):
            problems.extend(f"{label} row {index}: {p}" for p in row_problems(slot_def, row))
            problems.extend(f"{label} row {index}: {p}" for p in _cell_problems(slot_def, row))
    return problems


PASTE_TOKEN_CHARS = 200  # a "word" longer than this outside code or a URL is pasted data
_WORDY = re.compile(r"[^\W_]")  # a letter or digit in any script
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LONG_TOKEN = re.compile(rf"\S{{{PASTE_TOKEN_CHARS + 1},}}")
_URL = re.compile(r"[<(\[\"']*[a-z][\w+.-]*://", re.IGNORECASE)


@lru_cache(maxsize=2048)  # pure, and called for every filled slot on every reply
def text_problem(text: str) -> str:
    """Why one piece of answer text cannot stand in the manual ("" when it can).

    Whatever ``lint.find_placeholders`` would reject in the finished manual; no letter or digit
    ("." or "**" renders as an empty subsection); or a token over ``PASTE_TOKEN_CHARS`` outside
    backticks that is not a URL (word caps count words, so a 9,000-character blob passes them).
    """
    found = find_placeholders(text)
    if found:
        return f"looks like a placeholder ({found[0][1]}): give the real value or say I don't know"
    if not _WORDY.search(text):
        return "needs some words"
    if any(not _URL.match(t) for t in _LONG_TOKEN.findall(_CODE_SPAN.sub(" ", text))):
        return "looks like pasted data, not an answer"
    return ""


def _cell_problems(slot_def: Slot, row: object) -> list[str]:
    """``text_problem`` for each filled cell; only the first column must have words, since a
    cell such as "-" in the action column reads as "nothing to add"."""
    if not isinstance(row, dict):
        return []
    problems = []
    for column in slot_def.columns:
        cell = row.get(column)
        if not isinstance(cell, str) or not cell.strip():
            continue
        problem = text_problem(cell)
        if problem and (problem != "needs some words" or column == slot_def.columns[0]):
            problems.append(f"the {column} {problem}")
    return problems


def row_problems(slot_def: Slot, row: object) -> list[str]:
    """Why one table row cannot stand in the manual (no name, a threshold without a number)."""
    if not isinstance(row, dict):
        return ["not a row"]
    problems = []
    first = slot_def.columns[0]
    if not row.get(first):
        problems.append(f"no {first}")
    numeric = slot_def.numeric_column
    limit = row.get(numeric, "") if numeric else ""
    if numeric and not (_NUMBER.search(limit) or _STATE.search(limit)):
        problems.append(f"the {numeric} needs a number or a state such as 'red'")
    return problems
