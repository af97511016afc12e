"""How one piece of a reply becomes a slot value: durations, items, table rows, "don't know".

This is the mechanics half of the offline extractor; ``offline.py`` decides *which* text goes to
*which* slot. Replies can be 50 KB pastes, so every pattern is precompiled and free of nested
quantifiers, separators are searched on a masked copy (code spans and parentheses blanked) so a
`;` or `|` inside a command never splits it, and lists stop at ``MAX_ROWS`` entries.
"""

from __future__ import annotations

import re

from bot.manual.schema import Row, Slot, SlotKind, Value, parse_duration

MAX_ROWS = 100

_BREAKS = str.maketrans(
    {"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\t": " "}
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[\w+.-]*[ \t]*$", re.M)
_TICKS = re.compile(r"`[^`\n]*`")
_PARENS = re.compile(r"\([^()\n]*\)")
_BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)]|\(\d{1,2}\)|#\d{1,2}[.):]?|[a-h]\))\s+")
_QUOTES = "\"'“”‘’«»"
_SENTENCE_END = re.compile(r"(?<=\S)[.!?]+(?=\s|$)|\n")
_COMMA = re.compile(r"\s*,(?!\d)\s*")


def clean_input(text: str) -> str:
    """Unify line breaks, blank out control characters, drop code-fence lines (keep content).

    Slack sends `>`, `<` and `&` as HTML entities; "p99 &gt; 800ms" must still be a threshold.
    """
    text = text.replace("\r\n", "\n").translate(_BREAKS).replace("&gt;", ">").replace("&lt;", "<")
    text = text.replace("&amp;", "&")
    return _FENCE.sub("", _CONTROL.sub(" ", text)).strip()


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

_DUR = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s*(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|"
    r"weeks?|w)\b",
    re.I,
)
_NEGATED = re.compile(r"(?:\bnot|\binstead\s+of|\brather\s+than|\bfrom|\bwas|\bwere)\s*$", re.I)
_ZERO = re.compile(r"\b(?:zero|none|no\s+data\s+loss)\b", re.I)
_UNKNOWN = re.compile(
    r"""^(?:(?:sorry|honestly|hmm+|um+|uh+|no|nope|tbh|well|so)[,.!]*\s+)*(?:
      (?:i\s+)?(?:don'?t|do\s+not)\s+know | (?:i'?m\s+|i\s+am\s+)?not\s+sure | no\s+(?:idea|clue)
    | dunno | idk | n/?a | not\s+applicable | skip | pass | unknown | tbd | to\s+be\s+decided
    | not\s+(?:yet\s+)?(?:defined|decided) | no\s*(?:one|body)\s+knows | ask\s+\S+
    | (?:we\s+)?(?:don'?t|do\s+not)\s+have\s+(?:one|any|that|this|it|those|them|a\s+\w+)
    | (?:we\s+have\s+)?(?:none|nothing)\s+yet
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
    """With ``zero``, "zero"/"none"/"no data loss" count too: an RPO of zero is a real answer."""
    found = durations(text, limit=1)
    if found:
        return found[0]
    parsed = parse_duration("zero") if zero and _ZERO.search(text) else None
    return parsed[1] if parsed else None


def leading_duration(text: str) -> tuple[str, int] | None:
    """A duration (or "zero") at the very start of ``text``, with its length."""
    match = _DUR.match(text) or _ZERO.match(text)
    parsed = parse_duration(match.group()) if match else None
    return (parsed[1], match.end()) if parsed and match else None


def is_unknown(text: str) -> bool:
    """A short "I don't know" / "n/a" / "ask Bob" (a long hedge followed by an answer is not)."""
    rest = squash(_BULLET.sub("", text.replace("’", "'"))).lower()
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
        line = squash(_BULLET.sub("", raw))
        if not line:
            continue
        if out:
            out.append(" " if out[-1][-1] in ".,;:!?" else "; ")
        out.append(line)
    return unquote("".join(out)).rstrip(" ,;:")


def clean_item(text: str) -> str:
    """A list entry without bullet, "then"/"finally" filler, wrapping quotes or end punctuation."""
    item = _FILLER.sub("", _BULLET.sub("", squash(text)).strip(" ,;:"))
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
    if slot_def.exact_items is not None:
        chain = _chain(part)
        if len(chain) > 1:
            return chain[:MAX_ROWS]
    raw: list[str] = []
    for line in part.split("\n"):
        for numbered in _numbered_inline(line):
            for piece in split_on(_BULLET.sub("", numbered), _ITEM_SEP):
                raw.extend(_code_list(piece))
        if len(raw) > MAX_ROWS:
            break
    items = [item for item in map(clean_item, raw) if item]
    if len(items) == 1 and (slot_def.exact_items or slot_def.id == "health_checks"):
        listed = [item for item in map(clean_item, split_on(items[0], _LIST_SEP)) if item]
        if slot_def.exact_items in (None, len(listed)):
            items = listed
    return items[:MAX_ROWS]


def parse_value(slot_def: Slot, part: str) -> Value | None:
    """The value ``part`` gives ``slot_def``, or None when it holds nothing usable."""
    if slot_def.kind is SlotKind.DURATION:
        return first_duration(part, zero=True)
    if slot_def.kind is SlotKind.TEXT:
        return clean_text(part) or None
    if slot_def.kind is SlotKind.ITEMS:
        return parse_items(part, slot_def) or None
    return parse_table(part, slot_def) or None


# ------------------------------------------------------------------ tables

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


def _row_texts(part: str, slot_def: Slot) -> list[str]:
    """Row candidates: lines, then `;` outside code; markdown rule lines are dropped."""
    pieces: list[str] = []
    for raw in part.split("\n"):
        line = raw.strip()
        if not line or (set(line) <= set("|:- ") and "--" in line):
            continue
        if "|" in mask(line):
            pieces.append(line)
        else:
            pieces.extend(p for p in split_on(_BULLET.sub("", line), _ROW_SEP) if p.strip())
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
        row = parse_row(piece, slot_def)
        if row is not None and any(row.values()):
            rows.append(row)
    return rows[:MAX_ROWS]
