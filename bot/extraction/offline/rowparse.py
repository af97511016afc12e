"""Table rows from free text: metrics, backups, common issues, components, severity levels.

A table slot's answer arrives as markdown pipes, "head: tail" lines, `;`-separated pieces or
prose ("p99 latency above 800ms for 5 minutes pages on-call"), and each table has its own
quirks (thresholds and alert levels in metrics, "symptoms: ..; cause: .." labels in common
issues, the response time among the severity cells). This module turns such text into rows
with every column present, so the renderer never guesses. The text mechanics it builds on
(masking, splitting, bullets) are in ``textparse``.
"""

from __future__ import annotations

import re

from bot.core.slots import Row, Slot
from bot.extraction.offline.textparse import (
    BULLET,
    MAX_ROWS,
    is_blank,
    mask,
    split_on,
    squash,
    unquote,
)

_COMMA = re.compile(r"\s*,(?!\d)\s*")
_ROW_SEP = re.compile(r"[ \t]*;[ \t]*")
_PIPE = re.compile(r"[ \t]*\|[ \t]*")
_SLASH = re.compile(r"\s+/\s+")
_HEAD = re.compile(r":(?=\s|$)|\s[-–—=]\s|—")
_COLON = re.compile(r":(?=\s|$)")
_PAREN_TAIL = re.compile(r"(?P<name>[^()]+?)\s*\((?P<purpose>[^()]+)\)[\s.,;]*$")
# fmt: off
_HEADERS = frozenset((
    "name", "purpose", "component", "metric", "threshold", "level", "alert level", "action",
    "action required", "frequency", "retention", "location", "verification", "issue",
    "symptoms", "cause", "root cause", "resolution", "description", "response time", "response",
    "escalation",
))
# fmt: on
_ISSUE_LABEL = re.compile(
    r"(?:^|(?<=[\s;,.]))(?P<lab>issue|problem|symptoms?|signs?|root\s+cause|cause|fix|"
    r"resolution|solution|remedy)\s*[:=]\s*",
    re.I,
)
_ISSUE_COLUMN = {"issue": "issue", "problem": "issue", "symptom": "symptoms", "sign": "symptoms"}
_ISSUE_COLUMN |= {"root cause": "cause", "cause": "cause"}  # anything else is the resolution
_CMP = (
    r">=|<=|=>|=<|≥|≤|>|<|=|\b(?:above|over|below|under|exceeds?|exceeding|more\s+than|"
    r"less\s+than|greater\s+than|higher\s+than|lower\s+than|at\s+least|drops\s+below)\b"
)
_UNIT = (
    r"(?:%|ms|µs|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|rps|qps|tps|rpm|"
    r"req(?:uest)?s?/(?:sec|min|s)|errors?/(?:sec|min|s)|/(?:sec|min|s)|[kmgt]i?b|"
    r"connections?|conns|errors?|messages?|msgs|jobs|pods|nodes|items)(?![\w%/])"
)
_FOR = r"(?:\s+(?:for|over|in|within)\s+\d+\s*(?:seconds?|secs?|s|minutes?|mins?|m|hours?|h)\b)?"
_CMP_THRESHOLD = re.compile(rf"(?:{_CMP})\s*\d+(?:[.,]\d+)?(?:\s*{_UNIT})?{_FOR}", re.I)
_BARE_THRESHOLD = re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\s*{_UNIT}{_FOR}", re.I)
_LEVEL_FIRST = re.compile(r"\(?(critical|crit|warning|warn|sev\s*[12])\b\)?[\s,:;.\-–—)]*", re.I)
_LEVEL_ANY = re.compile(r"[\s,;(]*\b(critical|warning)\b\)?", re.I)
_PAGES = re.compile(r"\b(?:page[sd]?|paging|pager|wake|phone)\b", re.I)
_METRIC_TRIM = re.compile(r"\s*\b(?:is|are|when|if|goes|gets|rises|stays|at|of)\s*$", re.I)
_METRIC_LEAD = re.compile(r"^(?:alert|page|warn)\s+(?:when|if|on)\s+", re.I)
_RESPONSE = re.compile(r"\d|\b(?:immediate(?:ly)?|asap|next\s+business\s+day)\b", re.I)
_SEPS = " ,:;-–—>→=."


def _cell(text: str) -> str:
    return unquote(squash(text).strip(" ,;")).rstrip(" .,;")


def _fill(columns: tuple[str, ...], cells: list[str]) -> Row:
    values = [_cell(c) for c in cells]
    if len(values) > len(columns):
        values = [*values[: len(columns) - 1], ", ".join(values[len(columns) - 1 :])]
    values += [""] * (len(columns) - len(values))
    return dict(zip(columns, values, strict=True))


def _head_tail(text: str, *, colon_first: bool = False) -> tuple[str, str] | None:
    """Split "head: tail" / "head - tail" / "head — tail" at the first separator outside code."""
    masked = mask(text)
    match = (_COLON.search(masked) if colon_first else None) or _HEAD.search(masked)
    return None if match is None else (text[: match.start()], text[match.end() :])


def level_name(word: str) -> str:
    """critical/crit/sev1/page -> Critical, warning/warn/sev2/ticket -> Warning, else as given."""
    low = squash(word).lower()
    if low.startswith(("crit", "sev1", "sev 1", "p1", "page", "high")):
        return "Critical"
    if low.startswith(("warn", "sev2", "sev 2", "ticket", "notify", "low", "medium", "info")):
        return "Warning"
    return _cell(word).capitalize() if low else "Warning"


def _metric_row(text: str) -> Row:
    level = ""
    lead = _LEVEL_FIRST.match(text)
    if lead and lead.group().rstrip()[-1:] in ":-–—":
        level, text = level_name(lead.group(1)), text[lead.end() :]
    found = _CMP_THRESHOLD.search(text) or _BARE_THRESHOLD.search(text)
    if found:
        metric, threshold, rest = text[: found.start()], found.group(), text[found.end() :]
    else:
        metric, *tail = split_on(text, _COMMA, limit=1)
        threshold, rest = "", "".join(tail)
    rest = rest.lstrip(_SEPS)
    if not _cell(metric) and rest:
        metric, *tail = split_on(rest, _COMMA, limit=1)
        rest = "".join(tail).lstrip(_SEPS)
    first = _LEVEL_FIRST.match(rest)
    if first:
        level, rest = level or level_name(first.group(1)), rest[first.end() :]
    elif any_level := _LEVEL_ANY.search(rest):
        level = level or level_name(any_level.group(1))
        rest = rest[: any_level.start()] + rest[any_level.end() :]
    if not level:
        level = "Critical" if _PAGES.search(rest) else "Warning"
    metric = _METRIC_TRIM.sub("", _METRIC_LEAD.sub("", squash(metric)).rstrip(_SEPS))
    action = rest.lstrip(_SEPS)
    return {"metric": _cell(metric), "threshold": squash(threshold), "level": level,
            "action": _cell(action)}  # fmt: skip


def _issue_column(label: re.Match[str]) -> str:
    return _ISSUE_COLUMN.get(squash(label.group("lab").lower()).rstrip("s"), "resolution")


def _issue_row(text: str, columns: tuple[str, ...]) -> Row:
    labels = list(_ISSUE_LABEL.finditer(mask(text)))
    named = [_issue_column(m) for m in labels]
    if any(column != "issue" for column in named):
        cells = dict.fromkeys(columns, "")
        ends = [m.start() for m in labels[1:]] + [len(text)]
        for column, label, end in zip(named, labels, ends, strict=True):
            cells[column] = cells[column] or _cell(text[label.end() : end])
        head = text[: labels[0].start()].strip(" ;,.")
        if head:
            issue, symptoms = _head_tail(head) or (head, "")
            cells["issue"] = cells["issue"] or _cell(issue)
            cells["symptoms"] = cells["symptoms"] or _cell(symptoms)
        return cells
    issue, tail = _head_tail(text) or (text, "")
    parts = split_on(tail, _SLASH, limit=2)
    if len(parts) == 1 and len(commas := split_on(tail, _COMMA)) == 3:
        parts = commas
    return _fill(columns, [issue, *parts])


def _severity_row(text: str, columns: tuple[str, ...]) -> Row:
    """ "P1: system down, data loss, 15 minutes, immediate": the response is the first timing."""
    level, tail = _head_tail(text, colon_first=True) or ("", text)
    pieces = split_on(tail, _COMMA)
    at = next((i for i, p in enumerate(pieces) if i and _RESPONSE.search(p)), None)
    if at is None:
        return _fill(columns, [level, *split_on(tail, _COMMA, limit=2)])
    return _fill(columns, [level, ", ".join(pieces[:at]), pieces[at], ", ".join(pieces[at + 1 :])])


def parse_row(text: str, slot_def: Slot) -> Row | None:
    """One table row from one line or `;`-piece; None for a markdown header or rule row."""
    text = squash(text)
    columns = slot_def.columns
    if "|" in mask(text):
        cells = split_on(text.strip("| "), _PIPE)
        if all(squash(c).lower().strip("*_ ") in _HEADERS for c in cells if c.strip()):
            return None
        row = _fill(columns, cells)
        if "level" in row and slot_def.numeric_column:
            row["level"] = level_name(row["level"])
        return row
    if slot_def.id == "metrics":
        return _metric_row(text)
    if slot_def.id == "common_issues":
        return _issue_row(text, columns)
    if slot_def.id == "severity_levels":
        return _severity_row(text, columns)
    head_tail = _head_tail(text)
    if head_tail is None:
        paren = _PAREN_TAIL.match(text) if len(columns) == 2 else None
        if paren:
            return _fill(columns, [paren.group("name"), paren.group("purpose")])
        return _fill(columns, [text] if len(columns) == 2 else split_on(text, _COMMA))
    head, tail = head_tail
    return _fill(columns, [head, *split_on(tail, _COMMA, limit=max(0, len(columns) - 2))])


def _pipe_rows(line: str, slot_def: Slot) -> list[str]:
    """A pipe line is one row, unless `;` cuts it into pieces that are each a full row of the
    table ("a | b | c | d; e | f | g | h"); any other `;` is part of a cell and stays there."""
    rows = [p for p in split_on(line, _ROW_SEP) if p.strip()]
    inner = len(slot_def.columns) - 1  # pipes between the cells, outer pipes aside
    if len(rows) > 1 and all(mask(row).strip("| ").count("|") == inner for row in rows):
        return rows
    return [line]


def _row_texts(part: str, slot_def: Slot) -> list[str]:
    """Row candidates: lines, then `;` outside code (between whole rows only, in a pipe line);
    markdown rule lines are dropped."""
    pieces: list[str] = []
    for raw in part.split("\n"):
        line = raw.strip()
        if not line or (set(line) <= set("|:- ") and "--" in line):
            continue
        if "|" in mask(line):
            pieces.extend(_pipe_rows(line, slot_def))
        else:
            pieces.extend(p for p in split_on(BULLET.sub("", line), _ROW_SEP) if p.strip())
        if len(pieces) > MAX_ROWS:
            break
    if slot_def.id == "common_issues":  # "symptoms: ..; cause: ..; fix: .." continue one row
        grouped: list[str] = []
        for piece in pieces:
            label = _ISSUE_LABEL.match(piece.strip())
            own = label and _issue_column(label) != "issue"
            if own and grouped:
                grouped[-1] += "; " + piece
            else:
                grouped.append(piece)
        return grouped
    if len(slot_def.columns) == 2 and len(pieces) == 1:  # "api (REST), worker (jobs)"
        listed = split_on(pieces[0], _COMMA)
        if len(listed) > 1 and all(_head_tail(p) or _PAREN_TAIL.match(p) for p in listed):
            return listed
    return pieces


def parse_table(part: str, slot_def: Slot) -> list[Row]:
    """Rows with every column present (missing cells are ""), so the renderer never guesses."""
    rows: list[Row] = []
    for piece in _row_texts(part, slot_def):
        row = None if is_blank(piece) else parse_row(piece, slot_def)
        if row is not None:
            row = {column: "" if is_blank(cell) else cell for column, cell in row.items()}
        if row is not None and any(row.values()):
            rows.append(row)
    return rows[:MAX_ROWS]
