"""Rule 4 of the offline extractor: cautious pick-ups for slots nobody asked and nobody filled.

Engineers mention more than they are asked ("we page through PagerDuty", "RTO of 4 hours",
`kubectl get pods`), and asking again for what a reply already said wastes a turn. A pick-up
never overwrites: it only fills a slot that was not asked, is still empty and got nothing from
the earlier passes (``open_slot`` says which). Tool names, RTO/RPO values written right after
their names, read-only diagnostic commands and what the health check covers are picked up;
hedged sentences ("we used to use Nagios") are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.draft import Op
from bot.core.slots import SLOT_BY_ID
from bot.extraction.offline.findings import Findings
from bot.extraction.offline.slotnames import ARTICLE
from bot.extraction.offline.textparse import (
    leading_duration,
    parse_items,
    sentence_spans,
    split_on,
    squash,
)

# fmt: off
_TOOL_NAMES: dict[str, tuple[str, ...]] = {
    "app_monitoring": ("Datadog APM", "New Relic", "Dynatrace", "AppDynamics", "Sentry",
                       "Elastic APM", "Honeycomb", "OpenTelemetry", "OTel"),
    "infra_monitoring": ("Prometheus", "Grafana", "CloudWatch", "Zabbix", "Nagios",
                         "node_exporter", "Datadog infrastructure", "Datadog infra"),
    "log_management": ("Loki", "Grafana Loki", "ELK", "ELK stack", "Elasticsearch", "Kibana",
                       "Splunk", "Graylog", "CloudWatch Logs", "Papertrail", "Fluentd",
                       "Fluent Bit"),
    "alerting": ("PagerDuty", "Opsgenie", "VictorOps", "Splunk On-Call", "Alertmanager"),
}
_DIAGNOSTIC = frozenset((
    "journalctl", "tail", "psql", "mysql", "redis-cli", "curl", "htop", "top", "iostat", "vmstat",
    "df", "du", "free", "dig", "nslookup", "ping", "traceroute", "pg_isready", "ps", "ss",
    "netstat", "lsof", "dmesg", "uptime", "grep", "less", "cat", "mongosh", "iotop", "mpstat",
))
_READ_VERBS = {
    "kubectl": {"get", "describe", "logs", "top", "events", "explain", "cluster-info"},
    "systemctl": {"status", "is-active", "is-failed", "list-units", "show"},
    "docker": {"ps", "logs", "stats", "inspect", "top"}, "helm": {"status", "list", "history"},
}
# fmt: on
_TOOLS = sorted(
    ((name, slot_id) for slot_id, names in _TOOL_NAMES.items() for name in names),
    key=lambda pair: -len(pair[0]),  # "Grafana Loki" is logs, before "Grafana" is infra
)
_TOOL_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        f"(?P<t{i}>" + r"[\s_-]?".join(map(re.escape, re.split(r"[\s_-]", n.lower()))) + ")"
        for i, (n, _) in enumerate(_TOOLS)
    )
    + r")(?!\w)",
    re.I,
)
_HEDGE = re.compile(
    r"n't\b|\b(?:not|never|no\s+longer|without|instead|replac\w*|migrat\w*|used\s+to|plan\w*|"
    r"evaluat\w*|consider\w*|trial\w*|might|maybe|thinking|want\s+to|would\s+like)\b",
    re.I,
)
_CLAUSE = re.compile(r"\s*[,;]\s*", re.I)
_AND = re.compile(r"\s+(?:and|while|whereas|plus)\s+", re.I)
_CONJUNCTION = re.compile(r"^(?:and|plus|also|with|but)\s+", re.I)
_RETENTION = re.compile(r"\b\d+\s*(?:days?|weeks?|months?|years?)\b", re.I)
_DR = re.compile(
    r"(?<!\w)(?:(?P<rto>rto|recovery\s+time(?:\s+objective)?)|"
    r"(?P<rpo>rpo|recovery\s+point(?:\s+objective)?))(?!\w)",
    re.I,
)
_DR_GLUE = re.compile(
    r"[\s():,=~\-–—]*(?:(?:is|of|at|around|about|under|within|target(?:ed)?|should\s+be|"
    r"must\s+be|set\s+to)\b[\s:,=~]*)*",
    re.I,
)
_TICKED = re.compile(r"`([^`\n]+)`")
_HEALTH = re.compile(
    r"(?:health\s*-?\s*checks?|healthz|/health\w*)[^.\n:]{0,60}?"
    r"(?:\b(?:checks?|covers?|verif(?:y|ies)|pings?|tests?|includes?|hits?|calls?)\b\s*:?|:)"
    r"\s*(?P<list>[^.\n]{1,200})",
    re.I,
)
_JSON_CHECKS = re.compile(r'"checks"\s*:\s*\{(?P<body>[^{}]{0,500})\}')
_JSON_KEY = re.compile(r'"([^"\n]{1,40})"\s*:')


def pick_up(text: str, open_slot: Callable[[str], bool], result: Findings) -> None:
    """Rule 4. Only read-only commands are diagnostic ones: `systemctl start` is a startup step."""
    _pick_durations(text, open_slot, result)
    _pick_tools(text, open_slot, result)
    commands: dict[str, None] = {}
    for match in _TICKED.finditer(text):
        words = match.group(1).split()
        words = words[1:] if words[:1] == ["sudo"] else words
        verbs = _READ_VERBS.get(words[0], set()) if words else set()
        if words and (words[0] in _DIAGNOSTIC or verbs.intersection(words[1:4])):
            commands.setdefault(f"`{' '.join(words)}`", None)
    if commands and open_slot("diagnostic_commands"):
        listed = list(commands)[:10]
        result.add("diagnostic_commands", Op.SET, listed, " ".join(listed))
    if open_slot("health_checks"):
        _pick_health(text, result)


def named_durations(text: str) -> dict[str, tuple[str, str]]:
    """ "RTO of 4 hours and RPO 15 minutes" -> {"rto": ("4 hours", quote), "rpo": …}: the
    duration must follow the name directly ("the RTO drill takes 2 hours" names no RTO)."""
    found: dict[str, tuple[str, str]] = {}
    mentions = list(_DR.finditer(text))
    for index, mention in enumerate(mentions):
        slot_id = "rto" if mention.group("rto") else "rpo"
        end = mentions[index + 1].start() if index + 1 < len(mentions) else len(text)
        window = text[mention.end() : min(end, mention.end() + 60)]
        glue = _DR_GLUE.match(window)
        skip = glue.end() if glue else 0
        duration = leading_duration(window[skip:])
        if duration and slot_id not in found:
            quote = text[mention.start() : mention.end() + skip + duration[1]]
            found[slot_id] = (duration[0], quote)
    return found


def names_duration_slot(text: str, slot_id: str) -> bool:
    return any(("rto" if m.group("rto") else "rpo") == slot_id for m in _DR.finditer(text))


def _pick_durations(text: str, open_slot: Callable[[str], bool], result: Findings) -> None:
    for slot_id, (value, quote) in named_durations(text).items():
        if open_slot(slot_id):
            result.add(slot_id, Op.SET, value, quote)


def _pick_tools(text: str, open_slot: Callable[[str], bool], result: Findings) -> None:
    """Tool names into the monitoring slots. The value is the sentence (or clause) naming them
    when it names tools of one slot only and is short, else just the tool names. Hedged
    sentences ("we used to use Nagios", "not PagerDuty") and questions are skipped."""
    names: dict[str, dict[str, None]] = {}
    units: dict[str, dict[str, None]] = {}
    context: dict[str, list[str]] = {}
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        hits = list(_TOOL_RE.finditer(sentence))
        if not hits or _HEDGE.search(sentence) or sentence.endswith("?"):
            continue
        for unit, found in _units(sentence):
            single = len({slot_id for _, slot_id in found}) == 1
            for display, slot_id in found:
                names.setdefault(slot_id, {})[display] = None
                units.setdefault(slot_id, {})[unit if single else ""] = None
                context.setdefault(slot_id, []).append(sentence)
    for slot_id, displays in names.items():
        sources = list(units[slot_id])
        unit = _CONJUNCTION.sub("", squash(sources[0])).rstrip(" .,;:")
        if not open_slot(slot_id):
            continue
        if len(sources) == 1 and unit and len(unit.split()) <= 25:
            result.add(slot_id, Op.SET, unit, sources[0])
            continue
        value = ", ".join(displays)
        kept = (
            _RETENTION.search(" ".join(context[slot_id])) if slot_id == "log_management" else None
        )
        result.add(slot_id, Op.SET, f"{value} ({kept.group()})" if kept else value, value)


def _units(sentence: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sentence if it names tools of one slot, else its clauses (split at `,;`, then "and")."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for separator in (None, _CLAUSE, _AND):
        out = []
        for unit in [sentence] if separator is None else split_on(sentence, separator):
            found = [_tool(h) for h in _TOOL_RE.finditer(unit)]
            if len({slot_id for _, slot_id in found}) > 1:
                break
            out.append((unit, found))
        else:
            return out
    return [(sentence, [_tool(h) for h in _TOOL_RE.finditer(sentence)])]


def _tool(match: re.Match[str]) -> tuple[str, str]:
    return _TOOLS[int((match.lastgroup or "t0")[1:])]


def _pick_health(text: str, result: Findings) -> None:
    """Only what the health check is said to cover ("GET /health checks the db, redis")."""
    if json := _JSON_CHECKS.search(text):
        keys = _JSON_KEY.findall(json.group("body"))
        if keys:
            result.add("health_checks", Op.SET, keys, json.group())
            return
    if listed := _HEALTH.search(text):
        raw = parse_items(listed.group("list"), SLOT_BY_ID["health_checks"])
        items = [ARTICLE.sub("", item, count=1) for item in raw]
        if items and all(len(i) <= 30 and len(i.split()) <= 3 for i in items):
            result.add("health_checks", Op.SET, items, listed.group())
