"""The deterministic extractor: turns a reply into slot updates with no network and no model.

It is the fallback when no LLM is configured and the yardstick the LLM extractor is measured
against, so it prefers a missed fact to a wrong one. A reply is read in three passes:

1. explicit corrections ("actually RTO is 2 hours, not 4", "change rollback to: ..."), which may
   name any slot and are cut out of the reply so they are not mistaken for an answer;
2. answers to the questions just asked: numbered, labelled, one line (or paragraph) each, or
   the whole reply for a single question;
3. cautious pick-ups for slots nobody asked and nobody filled (tool names, RTO/RPO values,
   read-only diagnostic commands, what the health check covers). Never an overwrite.

The text mechanics (durations, items, table rows) live in ``bot.manual.textparse``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.manual import textparse as tp
from bot.manual.draft import Draft, Extraction, Op, SlotUpdate
from bot.manual.schema import SLOT_BY_ID, SLOTS, Slot, SlotKind, Value

SCAN_LIMIT = 8_000  # rule-3 and rule-4 scanning looks at this much of a reply, no more
QUOTE_LIMIT = 1_000


@dataclass(slots=True)
class _Result:
    updates: dict[str, SlotUpdate] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, slot_id: str, op: Op, value: Value | None, quote: str) -> None:
        if slot_id not in self.updates and slot_id not in self.unknown:
            self.updates[slot_id] = SlotUpdate(slot_id, op, value, tp.squash(quote)[:QUOTE_LIMIT])

    def dont_know(self, slot_id: str) -> None:
        if slot_id not in self.updates and slot_id not in self.unknown:
            self.unknown.append(slot_id)


class OfflineExtractor:
    """Rule-based Extractor; stateless, so one instance can serve every draft."""

    name = "offline"

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        cleaned = tp.clean_input(text)
        if not cleaned:
            return Extraction()
        slots = tuple(SLOT_BY_ID[s] for s in dict.fromkeys(asked) if s in SLOT_BY_ID)
        result = _Result()
        remaining = _corrections(cleaned, draft, result)
        _answers(remaining, slots, result)
        asked_ids = {s.id for s in slots}

        def open_slot(slot_id: str) -> bool:
            return (
                slot_id not in asked_ids
                and slot_id not in result.updates
                and draft.value(slot_id) is None
            )

        _pickups(cleaned[:SCAN_LIMIT], open_slot, result)
        updates = tuple(result.updates.values())
        return Extraction(updates, tuple(result.unknown), tuple(result.notes))


# ------------------------------------------------------------------ naming slots in text


def _alternation(names: dict[str, tuple[str, int]] | dict[str, tuple[str, bool]]) -> str:
    """Longest name first, so "recovery time objective" wins over "recovery time"."""
    ordered = sorted(names, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)


def _name_tables() -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    """name -> (slot id, tier); tier 0 = label/id of an asked-about slot ... 3 = keyword of a
    never-asked slot, so "daily backups" names Backups, not the Daily maintenance slot."""
    exact: dict[str, tuple[str, int]] = {}
    keywords: dict[str, tuple[str, int]] = {}
    for slot_def in sorted(SLOTS, key=lambda s: not s.ask):
        tier = 0 if slot_def.ask else 2
        for name in (slot_def.label.lower(), slot_def.id, slot_def.id.replace("_", " ")):
            exact.setdefault(name, (slot_def.id, tier))
        for keyword in slot_def.keywords:
            keywords.setdefault(keyword.lower(), (slot_def.id, tier + 1))
    return exact, keywords


_EXACT, _KEYWORDS = _name_tables()
_EXACT_RE = re.compile(rf"(?<![\w/])(?P<name>{_alternation(_EXACT)})s?(?!\w)", re.I)
_KEYWORD_RE = re.compile(rf"(?<![\w/])(?P<name>{_alternation(_KEYWORDS)})\w{{0,6}}(?!\w)", re.I)


@dataclass(frozen=True, slots=True)
class _Mention:
    slot_id: str
    start: int
    end: int
    tier: int


def _mentions(text: str) -> list[_Mention]:
    found = []
    for regex, table in ((_EXACT_RE, _EXACT), (_KEYWORD_RE, _KEYWORDS)):
        for match in regex.finditer(text):
            slot_id, tier = table[tp.squash(match.group("name").lower())]
            found.append(_Mention(slot_id, match.start(), match.end(), tier))
    return sorted(found, key=lambda m: (m.start, m.tier))


# ------------------------------------------------------------------ rule 3: corrections

_LEAD = r"^\s*(?:[-*•]\s+)?(?:(?:oh|ok|okay|hmm+|um+|also|and|but|no|sorry|oops)[,!.]?\s+)*"
_STRONG = re.compile(
    _LEAD + r"(?:actually\b[,:]?|correction\b\s*[:,\-–—]?|(?:no\s+)?wait\s*[,:!.]+|"
    r"sorry\s*[,:!.]+|i\s+meant\b[,:]?|i\s+mean\s*[,:]|scratch\s+that\b[,.:!]*|"
    r"to\s+correct(?:\s+myself)?\s*[,:]|oops\s*[,:!.]+)\s*",
    re.I,
)
_LEAD_RE = re.compile(_LEAD, re.I)
_ASSIGN = re.compile(r"(?:please\s+)?(?:change|update|set|correct|fix|make)\s+", re.I)
_CLEAR = re.compile(r"(?:please\s+)?(?:remove|clear|delete|drop|forget|reset|wipe|erase)\s+", re.I)
_ARTICLE = re.compile(r"(?:the\s+|our\s+|my\s+|that\s+)?", re.I)
_TO = re.compile(r"\s*(?:to\b\s*:?|=|:|->|→)\s*", re.I)
_SHOULD = re.compile(r"\s+(?:should|must)\s+(?:be|say|read)\b\s*:?\s*", re.I)
_TRIVIAL = re.compile(
    r"\s*(?:(?:entry|value|field|answer|section|slot|rows?|items?|part)\b)?\s*"
    r"(?:please|for\s+now|too|as\s+well)?\s*[.!]*\s*$",
    re.I,
)
_COPULA = re.compile(
    r"\s*(?:(?:should|must|will|needs?\s+to)\s+(?:be|say|read)\b|(?:is|are)\s+(?:now|actually|really)\b"
    r"|are\s*:|is\b|=|:|to\b\s*:?|->|→|=>)\s*:?\s*",
    re.I,
)
_NOT_TAIL = re.compile(
    r"(?:,\s*not|\s+instead\s+of|\s+rather\s+than)\s[^,;]*$|\s*\(not\s[^)]*\)", re.I
)
_CONNECTOR = re.compile(r"(?:[,;]|\band\b|\balso\b)\s*(?:the\s+|our\s+)?$", re.I)
_FIRST_WORDS = re.compile(r"\s*(?:\S+\s+){0,3}\S")
_DUR_NEAR = re.compile(r"[^.;\n]{0,30}?\d", re.I)


def _corrections(text: str, draft: Draft, result: _Result) -> str:
    """Record corrections and clears; return the reply with those sentences cut out."""
    keep: list[str] = []
    last = 0
    for start, end in tp.sentence_spans(text[:SCAN_LIMIT]):
        if _correct(text[start:end], draft, result):
            keep.append(text[last:start])
            last = end
    keep.append(text[last:])
    return "".join(keep).strip()


def _mention_at(body: str, pos: int, *, exact_only: bool = False) -> _Mention | None:
    article = _ARTICLE.match(body, pos)
    at = article.end() if article else pos
    for mention in _mentions(body[at : at + 120]):
        if mention.start == 0 and not (exact_only and mention.tier % 2):
            return _Mention(mention.slot_id, at, at + mention.end, mention.tier)
    return None


def _correct(sentence: str, draft: Draft, result: _Result) -> bool:
    """One sentence, four forms: "remove the X", "change X to Y", "actually/correction: ...",
    and "X should be Y" (only for a label or id, and for text only when X already has a value,
    so "Backups should be verified weekly" stays an ordinary answer)."""
    strong = _STRONG.match(sentence)
    lead = strong or _LEAD_RE.match(sentence)
    body = sentence[lead.end() :] if lead else sentence
    quote = sentence.strip()
    clear = _CLEAR.match(body)
    hit = _mention_at(body, clear.end()) if clear else None
    if hit and _TRIVIAL.match(body, hit.end):
        result.add(hit.slot_id, Op.CLEAR, None, quote)
        return True
    assign = _ASSIGN.match(body)
    hit = _mention_at(body, assign.end()) if assign else None
    if hit and (to := _TO.match(body, hit.end)):
        return _emit(hit.slot_id, body[to.end() :], quote, result)
    if strong:
        return _strong(body, quote, result)
    hit = _mention_at(body, 0, exact_only=True)
    if hit and (should := _SHOULD.match(body, hit.end)):
        kind = SLOT_BY_ID[hit.slot_id].kind
        value_text = body[should.end() :]
        if kind is SlotKind.DURATION or (kind is SlotKind.TEXT and draft.value(hit.slot_id)):
            return _emit(hit.slot_id, value_text, quote, result)
    return False


def _strong(body: str, quote: str, result: _Result) -> bool:
    """After "actually"/"correction:", the slot named in the first few words gets the value;
    "..., and RPO is 5 minutes" starts another clause when a value follows the second name."""
    head = body[:300]
    cuts = [0]
    for hit in _mentions(head):
        if hit.start > cuts[-1] and _CONNECTOR.search(head, max(0, hit.start - 12), hit.start):
            is_duration = SLOT_BY_ID[hit.slot_id].kind is SlotKind.DURATION
            if _COPULA.match(head, hit.end) or (is_duration and _DUR_NEAR.match(head, hit.end)):
                cuts.append(hit.start)
    done = False
    for index, (start, end) in enumerate(itertools.pairwise([*cuts, len(body)])):
        clause = body[start:end]
        window = _FIRST_WORDS.match(clause)
        near = [m for m in _mentions(clause[:300]) if window and m.start < window.end()]
        if not near:
            continue
        hit = min(near, key=lambda m: (m.tier, m.start))
        kind = SLOT_BY_ID[hit.slot_id].kind
        if kind is SlotKind.DURATION:
            done |= _emit(hit.slot_id, clause[hit.end :], quote, result)
        elif copula := _COPULA.match(clause, hit.end):
            done |= _emit(hit.slot_id, clause[copula.end() :], quote, result)
        elif kind is SlotKind.TEXT and index == 0:
            done |= _emit(hit.slot_id, clause, quote, result)
    return done


def _emit(slot_id: str, value_text: str, quote: str, result: _Result) -> bool:
    """Parse the corrected value by the slot's kind; ", not 4" style tails are dropped."""
    slot_def = SLOT_BY_ID[slot_id]
    if slot_def.kind is not SlotKind.DURATION:
        value_text = _NOT_TAIL.sub("", value_text.strip().rstrip(".!"))
    value = tp.parse_value(slot_def, value_text)
    if value is None:
        return False
    result.add(slot_id, Op.CORRECT, value, quote)
    return True


# ------------------------------------------------------------------ rule 1: answers

_MARK = r"(?:#(?P<h>[1-9])[.):]?|\((?P<p>[1-9]|[a-c])\)|(?P<d>[1-9])[.):]|(?P<l>[a-c])\))(?=\s|$)"
_LINE_MARK = re.compile(r"^[ \t]*" + _MARK, re.M)
_INLINE_MARK = re.compile(r"(?:^|(?<=\s))" + _MARK)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SEMI = re.compile(r"\s*;\s*")


def _answers(text: str, slots: tuple[Slot, ...], result: _Result) -> None:
    """Rule 1 and 2: each asked slot gets its part of the reply, or is marked "don't know"."""
    if not slots or not text.strip():
        return
    if len(slots) > 1 and tp.is_unknown(text):
        for slot_def in slots:
            result.dont_know(slot_def.id)
        return
    parts = _split(text, slots)
    if not parts:
        # An unnumbered reply that cannot be split is read the way a person would read it: as
        # the answer to the first question. The others stay open and are asked again.
        parts = [(slots[0], text)]
        result.notes.append(
            f"I took that as the answer to question 1 ({slots[0].label}); "
            "number your answers (1. … 2. …) to answer several at once."
        )
    for slot_def, raw in parts:
        trigger = _STRONG.match(raw)  # "Actually, ..." with no slot named still answers
        part = raw[trigger.end() :] if trigger else raw
        if slot_def.kind is not SlotKind.DURATION and tp.is_unknown(part):
            result.dont_know(slot_def.id)
        elif (value := tp.parse_value(slot_def, part)) is not None:
            result.add(slot_def.id, Op.SET, value, part)
        elif tp.is_unknown(part):
            result.dont_know(slot_def.id)
        elif part.strip():
            result.notes.append(f"no usable {slot_def.label} in the answer")


def _split(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str]]:
    """Numbering beats labels beats position; with one question the whole reply answers it."""
    if len(slots) == 1:
        regex, names = _label_regex((slots[0].id,))
        label = regex.match(text)
        if label and names[tp.squash(label.group("name").lower())][1] and _punctuated(label):
            return [(slots[0], text[label.end() :])]
        return [(slots[0], text)]
    return _numbered(text, slots) or _labelled(text, slots) or _positional(text, slots)


def _mark_index(match: re.Match[str]) -> tuple[int, bool]:
    key = match.group("h") or match.group("p") or match.group("d") or match.group("l")
    return (int(key) - 1, True) if key.isdigit() else (ord(key) - ord("a"), False)


def _numbered(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str]]:
    """ "1. ..\\n2. .." (also 1) (1) #1 a)), or "1) 4h 2) 15m" counting up on one line."""
    masked = tp.mask(text, parens=False)
    marks = list(_LINE_MARK.finditer(masked))
    if len(marks) < 2:
        inline: list[re.Match[str]] = []
        for match in _INLINE_MARK.finditer(masked):
            first = inline or not masked[: match.start()].strip()
            if first and _mark_index(match)[0] == len(inline):
                inline.append(match)
        marks = inline if len(inline) >= 2 else marks
    marks = [m for m in marks if _mark_index(m)[1]] or marks
    indices = [_mark_index(m)[0] for m in marks]
    if not marks or indices != sorted(set(indices)) or indices[-1] >= len(slots):
        return []  # "1. 2. 3." for two questions is a list inside one answer, not numbering
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(slots[i], text[m.end() : e]) for i, m, e in zip(indices, marks, ends, strict=True)]


@lru_cache(maxsize=128)
def _label_regex(ids: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    names: dict[str, tuple[str, bool]] = {}
    for slot_id in ids:
        slot_def = SLOT_BY_ID[slot_id]
        for keyword in slot_def.keywords:
            names.setdefault(keyword.lower(), (slot_id, False))
        for name in (slot_def.label.lower(), slot_id, slot_id.replace("_", " ")):
            names[name] = (slot_id, True)
    alternation = _alternation(names)
    regex = re.compile(
        r"(?:^|(?<=[;,.!?] )|(?<=\band ))[ \t]*(?:[-*•][ \t]+)?[*_]{0,2}"
        rf"(?P<name>{alternation})s?[*_]{{0,2}}(?!\w)"
        r"(?P<sep>[ \t]*(?:[:=]|[-–—](?=\s))[ \t]*|[ \t]+(?:is|are|of)\b)?",
        re.I | re.M,
    )
    return regex, names


def _punctuated(label: re.Match[str]) -> bool:
    return (label.group("sep") or " ").strip()[:1] in {":", "=", "-", "–", "—"}


def _labelled(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str]]:
    """ "RTO: 4h\\nRollback - helm rollback" (label, id or keyword); unlabelled text before the
    first label answers whichever question is left."""
    regex, names = _label_regex(tuple(s.id for s in slots))
    cuts: list[tuple[str, int, int]] = []  # slot id, label start, content start
    for label in regex.finditer(text):
        slot_id, exact = names[tp.squash(label.group("name").lower())]
        punct = _punctuated(label)
        if (not exact and not label.group("sep")) or (cuts and cuts[-1][0] == slot_id):
            continue
        content = label.end() if punct and exact else label.start("name")  # keep "P1:" in rows
        cuts.append((slot_id, label.start(), content))
    if not cuts:
        return []
    found: dict[str, str] = {}
    ends = [c[1] for c in cuts[1:]] + [len(text)]
    for (slot_id, _, start), end in zip(cuts, ends, strict=True):
        found[slot_id] = (found.get(slot_id, "") + "\n" + text[start:end]).strip()
    rest = [s for s in slots if s.id not in found]
    leftover = _positional(text[: cuts[0][1]], tuple(rest)) if rest else []
    found.update((s.id, part) for s, part in leftover)
    return [(s, found[s.id]) for s in slots if s.id in found]


def _positional(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str]]:
    """One line, paragraph or `;`-piece per question when the counts match exactly."""
    if not text.strip() or not slots:
        return []
    if len(slots) == 1:
        return [(slots[0], text)]
    for pieces in (text.split("\n"), _PARAGRAPH.split(text)):
        pieces = [p for p in pieces if p.strip()]
        if len(pieces) == len(slots):
            return list(zip(slots, pieces, strict=True))
    kinds = {s.kind for s in slots}
    if kinds == {SlotKind.DURATION} and len(found := tp.durations(text)) == len(slots):
        return list(zip(slots, found, strict=True))
    if kinds <= {SlotKind.TEXT, SlotKind.DURATION}:
        pieces = [p for p in tp.split_on(text, _SEMI) if p.strip()]
        if len(pieces) == len(slots):
            return list(zip(slots, pieces, strict=True))
    return []


# ------------------------------------------------------------------ rule 4: pick-ups

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


def _pickups(text: str, open_slot: Callable[[str], bool], result: _Result) -> None:
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


def _pick_durations(text: str, open_slot: Callable[[str], bool], result: _Result) -> None:
    """ "RTO of 4 hours and RPO 15 minutes": the duration must follow the name directly."""
    mentions = list(_DR.finditer(text))
    for index, mention in enumerate(mentions):
        slot_id = "rto" if mention.group("rto") else "rpo"
        end = mentions[index + 1].start() if index + 1 < len(mentions) else len(text)
        window = text[mention.end() : min(end, mention.end() + 60)]
        glue = _DR_GLUE.match(window)
        found = tp.leading_duration(window[glue.end() if glue else 0 :])
        if found and open_slot(slot_id):
            quote = text[mention.start() : mention.end() + (glue.end() if glue else 0) + found[1]]
            result.add(slot_id, Op.SET, found[0], quote)


def _pick_tools(text: str, open_slot: Callable[[str], bool], result: _Result) -> None:
    """Tool names into the monitoring slots. The value is the sentence (or clause) naming them
    when it names tools of one slot only and is short, else just the tool names. Hedged
    sentences ("we used to use Nagios", "not PagerDuty") and questions are skipped."""
    names: dict[str, dict[str, None]] = {}
    units: dict[str, dict[str, None]] = {}
    context: dict[str, list[str]] = {}
    for start, end in tp.sentence_spans(text):
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
        unit = _CONJUNCTION.sub("", tp.squash(sources[0])).rstrip(" .,;:")
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
        for unit in [sentence] if separator is None else tp.split_on(sentence, separator):
            found = [_tool(h) for h in _TOOL_RE.finditer(unit)]
            if len({slot_id for _, slot_id in found}) > 1:
                break
            out.append((unit, found))
        else:
            return out
    return [(sentence, [_tool(h) for h in _TOOL_RE.finditer(sentence)])]


def _tool(match: re.Match[str]) -> tuple[str, str]:
    return _TOOLS[int((match.lastgroup or "t0")[1:])]


def _pick_health(text: str, result: _Result) -> None:
    """Only what the health check is said to cover ("GET /health checks the db, redis")."""
    if json := _JSON_CHECKS.search(text):
        keys = _JSON_KEY.findall(json.group("body"))
        if keys:
            result.add("health_checks", Op.SET, keys, json.group())
            return
    if listed := _HEALTH.search(text):
        raw = tp.parse_items(listed.group("list"), SLOT_BY_ID["health_checks"])
        items = [_ARTICLE.sub("", item, count=1) for item in raw]
        if items and all(len(i) <= 30 and len(i.split()) <= 3 for i in items):
            result.add("health_checks", Op.SET, items, listed.group())
