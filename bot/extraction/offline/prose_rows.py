"""Table rows written as prose: alerts, common issues, severity levels.

"JVM heap > 85% on any node for 10 min → warning, look at hot_threads", "1) unassigned shards →
forgot to re-enable allocation → PUT _cluster/settings": each table has its own grammar of how
people say a row. These parsers read one segment (a sentence, a `;` piece or a list item) and
return the rows in it with every column present; a cell nobody gave stays empty rather than
being invented. Pipe and "head: a, b, c" rows are ``rowparse``'s job; backups, described as a
paragraph, are ``backup_rows``'; components are ``component_rows``'.
"""

from __future__ import annotations

import re

from bot.core.slots import Row
from bot.extraction.offline.textparse import mask, split_on, squash

_CMP = (
    r"(?:>=|<=|=>|=<|≥|≤|>|<|\b(?:above|over|below|under|exceeds?|exceeding|more\s+than|"
    r"less\s+than|greater\s+than|higher\s+than|lower\s+than|older\s+than|at\s+least|drops?\s+below|"
    r"goes\s+(?:above|over|below)|climbs?\s+(?:above|over)|hits?|reaches|>\s*=)\b)"
)
# No trailing space unless a unit follows, or "> 500 for 10 min" would lose its duration.
_NUM = (
    r"\d[\d,.]*(?:\s*[kKmM]\b)?(?:\s*(?:%|ms|µs|s|sec\w*|m|mins?|minutes?|h|hours?|d|days?|"
    r"weeks?|k|msgs?|messages|jobs|gb|mb|tb|x|qps|rps|c)(?![a-z])|/s|/min|\s*per\s+\w+)?"
)
_FOR = (
    r"(?:\s+(?:on\s+any\s+\w+\s+|across\s+\w+\s+)?(?:for|over|in|within)\s+"
    r"(?:more\s+than\s+)?\d+\s*(?:s|sec\w*|m|mins?|minutes?|h|hours?)\b)?"
)
_THRESHOLD = re.compile(rf"{_CMP}\s*{_NUM}{_FOR}", re.I)
_STATE = re.compile(
    r"\b(?:red|yellow|down|failed|failing|unreachable|stale|stopped|missing|"
    r"crash\s*loop\w*|not\s+running|unhealthy|(?:hasn'?t|has\s+not|didn'?t)\s+(?:succeeded|"
    r"succeed|run|finished|completed))\b(?:\s+(?:for|in)\s+(?:more\s+than\s+)?\d+\s*\w+)?|"
    # a batch's deadline: "job not finished by 05:00", "feed not landed before 06:30 UTC"
    r"\b(?:not\s+|hasn'?t\s+|didn'?t\s+)(?:finish|complete|start|land|arriv|deliver|sen[dt]|run)"
    r"\w*\s+(?:by|before|at)\s+\d{1,2}[:.]\d{2}(?:\s*(?:utc|cet|cest|am|pm))?\b",
    re.I,
)
# A state written as a constant: "ceph HEALTH_ERR → critical", "AG sync not SYNCHRONIZED".
_UPPER_STATE = re.compile(r"\b(?:not\s+)?[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bnot\s+[A-Z]{4,}\b")
_LEVEL = re.compile(
    r"(?:[=→>:(,-]|->|=>)?\s*\b(critical|crit|warning|warn|sev\s?[12]|p[12]|page(?:s|d)?\b"
    r"(?:\s+(?:immediately|right away|the on-?call|on-?call))?|ticket|info|"
    r"(?<=[→>]\s)(?:high|disaster|average)|(?<=[→>])(?:high|disaster|average))\b\)?",
    re.I,
)
_SEPS = " ,;:-–—>→=."
_WHERE = re.compile(r"(?:on|in|at|of|for)\s+(?:the\s+)?\S", re.I)
_LEVEL_FIRST = re.compile(r"(high|disaster|average)\b", re.I)  # right after the arrow
_METRIC_LEAD = re.compile(
    r"^(?:(?:(?:→|->|=>)\s*)?(?:critical|warning|crit|warn|disaster|high|sev\s?\d|p\d)\s*[,;]\s*|"
    r"(?:the\s+)?main\s+ones?\s*:?\s*|alert(?:s|ing)?\s+(?:when|if|on)\s+|if\s+|when\s+|"
    r"we\s+(?:alert|page)\s+(?:on|when|if)\s+|and\s+)",
    re.I,
)
_METRIC_TAIL = re.compile(r"\s*\b(?:is|are|goes|gets|rises|stays|at|of|on\s+any\s+\w+)\s*$", re.I)


def level_of(text: str) -> str:
    low = text.lower()
    if re.search(r"\b(?:crit\w*|sev\s?1|p1|page[sd]?|paging|wake|disaster)\b", low):
        return "Critical"
    if re.match(r"\s*(?:→|->|=>)?\s*(?:high|p2|sev\s?2)\b", low):
        return "High"  # the team's own level word (Zabbix, Opsgenie): not a warning
    return "Warning"


def _named(text: str, match: re.Match[str]) -> bool:
    """ "tablespace BILLING_DATA > 85%": a constant followed by a comparison is a name."""
    return bool(re.match(r"\s*(?:[<>≥≤]|above\b|over\b|below\b|under\b)", text[match.end() :]))


_EITHER_STATE = re.compile(r"\s+(?:(?:is|in)\s+)?([A-Z][A-Z_]{2,}\s+or)$")
_STATE_WORD = re.compile(r"(state|status|phase)\b", re.I)
_IN_STATE = re.compile(r"\s+(?:is|in|goes|enters|gets)$", re.I)
_ALTERNATIVE = re.compile(r"(?:behind|ahead|old|late|of\s+\w+)?\s*\(?\s*(?:or|and)", re.I)


class _Joined:
    """Two thresholds of one alert read as one match: "> 10 min or > 2M msgs"."""

    def __init__(self, first: re.Match[str] | _Joined, second: re.Match[str] | _Joined) -> None:
        self._start, self._end = first.start(), second.end()
        self._text = f"{first.group()} or {second.group()}"

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text


_SILENCE = re.compile(
    r"^(?:(?:→|->)\s*)?(?:no|zero)\s+(?P<what>[^,;→>]+?)\s+(?P<window>for\s+\d+\s*"
    r"(?:s|sec\w*|m|mins?|minutes?|h|hours?)\b[^→;]*?)\s*(?:(?:→|->|=>)\s*(?P<rest>.*))?$",
    re.I,
)


def _silence_row(match: re.Match[str]) -> Row:
    rest = (match.group("rest") or "").strip(_SEPS + " ")
    level = _LEVEL_FIRST.match(rest) or _LEVEL.search(rest)
    action = rest[level.end() :] if level and level.start() <= 3 else rest
    return {
        "metric": match.group("what").strip(),
        "threshold": f"none {match.group('window').strip()}",
        "level": level_of(level.group(1)) if level else level_of(rest),
        "action": action.strip(_SEPS + " "),
    }


def metric_rows(text: str) -> list[Row]:
    """Every alert in one segment; "disk > 80% → warning, > 88% → critical" is two rows."""
    text = squash(text)
    found: list[re.Match[str] | _Joined] = sorted(
        [
            *_THRESHOLD.finditer(text),
            *(m for m in _UPPER_STATE.finditer(text) if not _named(text, m)),
        ],
        key=lambda m: m.start(),
    )
    if not found:
        silent = _SILENCE.match(text)
        if silent:  # "no ADT from Epic for 5 min between 06:00 and 22:00 → P1, pages"
            return [_silence_row(silent)]
        state = _STATE.search(text)
        if state is None:
            return _without_threshold(text)
        found = [state]
    rows: list[Row] = []
    metric = _metric_name(text[: found[0].start()])
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        rest = text[match.end() : end].strip(_SEPS + " ")
        threshold = squash(match.group())
        state_word = _STATE_WORD.match(rest)
        if state_word:  # "connector in FAILED state → warning": the word belongs to the state
            threshold, rest = f"{threshold} {state_word.group(1)}", rest[state_word.end() :]
            rest = rest.strip(_SEPS + " ")
        aside = re.match(r"\([^()]{1,80}\)", rest)
        if aside:  # "STOPPED state (one that should be started) → P1": part of the condition
            threshold, rest = f"{threshold} {aside.group()}", rest[aside.end() :].strip(_SEPS + " ")
        if index + 1 < len(found) and _ALTERNATIVE.fullmatch(rest):
            # "lag > 10 min behind (or > 2M msgs) → critical": one alert, two ways to trip it
            found[index + 1] = _Joined(match, found[index + 1])
            continue
        if index > 0:
            lead = _metric_name(text[found[index - 1].end() : match.start()])
            if lead and not _LEVEL.fullmatch(lead):
                metric = lead
        level_match = _LEVEL_FIRST.match(rest) or _LEVEL.search(rest)
        level = level_of(level_match.group(1)) if level_match else level_of(rest)
        action, named = rest, metric
        either = _EITHER_STATE.search(named)
        if either:  # "a channel in ERROR or STOPPED state"
            named, threshold = named[: either.start()], f"{either.group(1)} {threshold}"
        if _IN_STATE.search(named):
            named = _IN_STATE.sub("", named)
        if level_match and level_match.start() <= 3:
            action = rest[level_match.end() :]
        elif level_match and not rest[level_match.end() :].strip(_SEPS) and _WHERE.match(rest):
            # "disk free < 15% on the SQL data volume (E:) → high": where, not what to do
            named, action = f"{metric} {rest[: level_match.start()].strip(_SEPS)}", ""
        action = re.sub(r"^(?:and\s+|,\s*)", "", action.strip(_SEPS + " "))
        if index + 1 < len(found):
            following = _metric_name(text[match.end() : found[index + 1].start()])
            if following and action.endswith(following):  # "…, ceph usage > 75%": the next name
                action = action[: -len(following)]
            action = re.sub(r",?\s*(?:and\s+)?$", "", action.strip())
        if level_match and "page" in level_match.group(1).lower() and not action:
            action = level_match.group(1)
        rows.append(
            {
                "metric": named or "Alert",
                "threshold": threshold,
                "level": level,
                "action": action.strip(_SEPS),
            }
        )
    return rows


def _without_threshold(text: str) -> list[Row]:
    """ "latency alert is critical": an alert without a threshold is still an alert; the merge
    refuses the row, so the user is asked for the number and the words are kept."""
    said = _LEVEL.search(text)
    if said is None:
        return []
    name = _metric_name(text[: said.start()])
    return [
        {
            "metric": name or text,
            "threshold": "",
            "level": level_of(said.group(1)),
            "action": text[said.end() :].strip(_SEPS),
        }
    ]


def _metric_name(text: str) -> str:
    name = _METRIC_LEAD.sub("", squash(text).strip(_SEPS + " "))
    name = _METRIC_TAIL.sub("", name)
    name = re.split(r"[,;]\s+(?=\S+\s*(?:→|->|=|>))", name)[-1]
    return name.strip(_SEPS + " ")


# ---------------------------------------------------------------- common issues

_ARROW = re.compile(r"\s*(?:→|->|=>|⇒)\s*")


def issue_row(text: str) -> Row | None:
    """ "symptom → cause → fix" (or four parts with the issue's name first)."""
    parts = [p.strip(_SEPS) for p in split_on(squash(text), _ARROW) if p.strip(_SEPS)]
    if len(parts) >= 4:
        issue, symptoms, cause, fix = parts[0], parts[1], parts[2], "; ".join(parts[3:])
    elif len(parts) == 3:
        issue, symptoms, cause, fix = parts[0], "", parts[1], parts[2]
    elif len(parts) == 2:
        issue, symptoms, cause, fix = parts[0], "", "", parts[1]
    else:
        return None
    return {"issue": issue, "symptoms": symptoms, "cause": cause, "resolution": fix}


_CAUSE_FIX = re.compile(
    r"^(?P<issue>.+?)\s*(?:,\s*|\s+)(?:(?:usually|mostly|often)\s+)?(?:because(?:\s+of)?|caused\s+by|"
    r"due\s+to|when)\s+(?P<cause>.+?)(?:[,;.]\s*|\s+)(?:fix(?:ed)?(?:\s+(?:is|by|it\s+by))?|"
    r"the\s+fix\s+is|we|just|->|solution)\s*:?\s*(?P<fix>.+)$",
    re.I,
)


def prose_issue_row(text: str) -> Row | None:
    """ "X, usually because Y, fix: Z" when no arrows are used."""
    match = _CAUSE_FIX.match(squash(text))
    if match is None:
        return None
    return {
        "issue": match.group("issue").strip(_SEPS),
        "symptoms": "",
        "cause": match.group("cause").strip(_SEPS),
        "resolution": match.group("fix").strip(_SEPS),
    }


# ---------------------------------------------------------------- severity levels

_SEVERITY = re.compile(r"(?:^|(?<=[\s,;(]))(?P<level>(?:p|sev\s?|s)[0-5])\s*(?:=|:|-|is)\s*", re.I)


# The response time is the one said as a response ("ack within 5 min", "response within 15
# min 24/7"), not a number of the description ("stale by more than 30 min").
_RESPONSE = re.compile(
    r"\b(?:ack(?:nowledged?)?|respon(?:d|se|ded)|page[sd]?|paged|answer(?:ed)?)\w*\s+"
    r"(?:time\s+)?(?:within|in|under|of|is|<)?\s*(?P<time>\d+\s*(?:min\w*|m|h|hrs?|hours?)\b"
    r"(?:\s+24/7)?|immediate\w*)",
    re.I,
)


def severity_rows(text: str) -> list[Row]:
    """ "P1 = search down, P2 = p99 over 2s, …" -> one row per level."""
    marks = list(_SEVERITY.finditer(mask(text)))
    rows: list[Row] = []
    for index, match in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        description = text[match.end() : end].strip(_SEPS)
        timing = _RESPONSE.search(description)
        rows.append(
            {
                "level": match.group("level").upper().replace(" ", ""),
                "description": description,
                "response": timing.group("time") if timing else "",
                "escalation": "",
            }
        )
    return rows
