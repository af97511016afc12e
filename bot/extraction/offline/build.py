"""Slot values from the segments the router placed: prose, steps, chains, commands, rows.

The router decides what a segment is about; this module decides what it says in that slot's
shape. Prose is tidied (greetings, "iirc", "@raj" and the slot's own label dropped), steps are
cut at "then" and arrows, an escalation chain at each hand-off, code becomes commands, and
table slots go through the prose row parsers. A value that comes out empty is no value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.slots import SLOT_BY_ID, Row, Slot, SlotKind, Value
from bot.extraction.offline import prose_rows
from bot.extraction.offline.backup_rows import backup_rows
from bot.extraction.offline.component_rows import component_rows
from bot.extraction.offline.gate import strip_greeting
from bot.extraction.offline.labels import head_slots
from bot.extraction.offline.lexicon import IMPERATIVE
from bot.extraction.offline.pickups import named_durations, names_duration_slot
from bot.extraction.offline.rowparse import parse_table
from bot.extraction.offline.segment import COMMAND, Segment
from bot.extraction.offline.textparse import (
    MAX_ROWS,
    first_duration,
    is_blank,
    mask,
    split_on,
    squash,
)

_LEAD = re.compile(
    r"^(?:(?:and|also|plus|so|oh|ok|okay|yep|yeah|yes|right|anyway|basically|iirc|afaik|fwiw|"
    r"tbh|imo|btw|i\s+think|i\s+believe|as\s+(?:i|we)\s+said|like\s+i\s+said|for\s+(?:the\s+)?"
    r"record|then)\b[\s,:]*)+",
    re.I,
)
_MENTION = re.compile(r"(?:^|\s)@[\w.-]+[,:]?(?=\s|$)")
_TRAIL = re.compile(
    r"\s*(?:lol|lmao|haha\w*|:\w+:|[\U0001F300-\U0001FAFF\u2600-\u27bf])+\s*$", re.I
)


def clean(text: str) -> str:
    """One piece of prose as the manual should hold it."""
    text = strip_greeting(squash(text))
    text = _MENTION.sub(" ", text)
    text = _LEAD.sub("", squash(text))
    return _TRAIL.sub("", text).strip(" ,;:-–—")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else ""


def _with_head(slot_id: str, segment: Segment) -> str:
    """The segment's text, its label kept only when the label says more than the slot."""
    text = clean(segment.text)
    head = segment.head.strip()
    if not head or slot_id in head_slots(head) or SLOT_BY_ID[slot_id].kind is SlotKind.TEXT:
        return text  # "Deps: Vault for secrets" says no more than "Vault for secrets"
    return f"{clean(head)}: {text}" if text else clean(head)


def _join(texts: Sequence[str]) -> str:
    out: list[str] = []
    for text in dict.fromkeys(t for t in texts if t):
        if out and not out[-1].endswith((".", "!", "?", ";", ":")):
            out[-1] += ";"
        out.append(_capital(text) if out and out[-1].endswith((".", "!", "?")) else text)
    return " ".join(out)


# ---------------------------------------------------------------- items

_STEP_SEP = re.compile(
    r"\s*(?:→|->|=>)\s*|,?\s+(?:and\s+)?then\s+|;\s+|,\s+after\s+that\s+|\.\s+(?:then|next)\s+",
    re.I,
)
_CHAIN_SEP = re.compile(
    r"\s*(?:→|->|=>|>>)\s*|,?\s+(?:and\s+)?then\s+|;\s+|,\s+(?:and\s+)?(?:after\s+that|next|"
    r"finally)\s+|,\s+(?:and\s+)?(?=if\b)|,\s+and\s+(?=for\s+a?\s*(?:p|sev)\d)",
    re.I,
)
_CHAIN_FILLER = re.compile(
    r"^(?:first(?:ly)?\s+(?:it'?s\s+)?|(?:it\s+)?(?:goes|comes|escalates)\s+to\s+|to\s+|"
    r"(?:we\s+)?(?:page|call|ping|escalate\s+to)\s+|the\s+)|"
    r"\s+(?:first|gets\s+(?:told|paged|called|involved)|is\s+(?:told|paged|next))$",
    re.I,
)
_ROLE = re.compile(
    r"on-?call|lead|manager|director|head|vp|cto|ceo|cio|ciso|exec|secondary|primary|sre|"
    r"engineer|team|owner|commander|l[1-4]\b|tier|level|rotation|me\b|@\w+|\b[A-Z][a-z]+\b",
    re.I,
)
_HANDED = re.compile(
    r"^(?P<cond>(?:if|when|after)\b.+?),?\s+(?:it\s+|then\s+)?(?:comes|goes|escalates|moves|"
    r"passes)\s+(?:up\s+)?to\s+(?P<who>.+)$",
    re.I,
)
# "if a SEV1 runs past 30 min the studio technical director", "for a P1 longer than an hour
# the CTO gets told": a level with its condition first.
_CONDITIONED = re.compile(
    r"^(?P<cond>(?:if|when|for)\s.+?)\s+(?P<who>(?:the\s+)?(?:(?!(?:the|an?)\s)[\w-]+\s+){0,3}?"
    r"(?:director|lead|"
    r"manager|head\s+of\s+[\w\s]+?|vp|cto|ceo|cio|ciso|owner|commander|on-?call|secondary|primary)"
    r"\b(?:\s+(?:gets|is)\s+(?:told|paged|called|informed))?)[.!]?$",
    re.I,
)
_ME = re.compile(r"^me\s+\((?P<role>[^()]+)\)", re.I)
_LEVEL_TAG = re.compile(r"(?:^|(?<=[\s;,]))(?:L|level\s*|tier\s*)[1-9]\s*[:.)\-–—=]\s*", re.I)


def steps(texts: Sequence[str]) -> list[str]:
    """Steps in order: cut at "then", arrows and `;`, and at commas between imperatives
    ("redeploy the stack, restore the table, point the producers at the new queue")."""
    out: list[str] = []
    for text in texts:
        for piece in split_on(text, _STEP_SEP):
            commas = split_on(piece, _COMMA)
            if len(commas) > 1 and all(IMPERATIVE.match(c.strip()) for c in commas[1:]):
                pieces = commas
            else:
                pieces = _imperative_tail(commas) or [piece]
            for part in pieces:
                step = clean(part).rstrip(".")
                if step and not is_blank(step):
                    out.append(step)
    return list(dict.fromkeys(out))


def _imperative_tail(commas: list[str]) -> list[str]:
    """ "it's single region today, the CDK app can deploy the stack there, restore the tables,
    point the consumers at the DR bucket": the context stays one step, each order its own."""
    start = len(commas)
    while start > 1 and IMPERATIVE.match(commas[start - 1].strip()):
        start -= 1
    if len(commas) - start < 2:
        return []
    context = ", ".join(c.strip() for c in commas[:start])
    said, colon, order = context.rpartition(": ")  # "…, the DR region is X: the CDK app can …"
    head = [said, order] if colon and said and len(order.split()) >= 3 else [context]
    return [*head, *commas[start:]]


def chain(texts: Sequence[str]) -> list[str]:
    """An escalation chain in order: "first the on-call, then me (lead), then Marek, …"."""
    out: list[str] = []
    for text in texts:
        tags = list(_LEVEL_TAG.finditer(mask(text)))
        if len(tags) >= 2:
            ends = [t.start() for t in tags[1:]] + [len(text)]
            pieces = [text[t.end() : e] for t, e in zip(tags, ends, strict=True)]
        else:
            pieces = split_on(text, _CHAIN_SEP)
        for piece in pieces:
            handed = _HANDED.match(clean(piece)) or _CONDITIONED.match(clean(piece))
            if handed:  # "if it's not solved in 30 min it comes to me (search lead)"
                piece = f"{handed.group('who')} ({handed.group('cond')})"
            level = clean(_CHAIN_FILLER.sub("", clean(piece))).rstrip(".")
            level = _ME.sub(r"\g<role>", level)  # "me (search lead)" is the search lead
            if level and _ROLE.search(level) and not level.lower().startswith("if "):
                out.append(level)
            elif level and out and level.lower().startswith("if "):
                out[-1] += f" ({level.lower()})"
    return list(dict.fromkeys(out))


_TICKED = re.compile(r"`([^`\n]+)`")
_COMMA = re.compile(r",\s+(?:and\s+)?")


def is_command(segment: Segment) -> bool:
    """Code, a backticked command, or a line that starts with one."""
    return segment.code or bool(_TICKED.search(segment.text)) or bool(COMMAND.match(segment.text))


def commands(segments: Sequence[Segment]) -> list[str]:
    """Commands to run: code lines, backticked spans with the words around them as a note."""
    out: list[str] = []
    for segment in segments:
        if segment.code:
            for line in segment.text.split("\n"):
                line = line.strip().removeprefix("$ ")
                if line and not line.startswith(("{", "}", "#")):
                    out.append(f"`{line}`")
            continue
        text = clean(segment.text)
        if _TICKED.search(text):
            out.append(text)
        elif COMMAND.match(segment.text.strip()):
            out.append(f"`{segment.text.strip().rstrip('.;,')}`")
        elif text:
            out.append(text)
    return list(dict.fromkeys(out))


def _code_steps(slot_id: str, segments: Sequence[Segment]) -> list[str]:
    """Steps from prose and code; a step's own label stays ("ceph first — `ceph -s` …" is
    "ceph first: `ceph -s` …"), a label carried over from an earlier sentence does not."""
    out: list[str] = []
    for segment in segments:
        if segment.code:
            body = " ".join(line.strip() for line in segment.text.split("\n") if line.strip())
            out.append(f"`{body}`")
        else:
            text = segment.text if segment.inherited else _with_head(slot_id, segment)
            out.extend(steps([text]))
    return out


# ---------------------------------------------------------------- tables


_LEVEL_HEAD = re.compile(r"^(?:p|sev\s?|s)[0-5]$", re.I)


def _rows(slot_def: Slot, segments: Sequence[Segment]) -> list[Row]:
    rows: list[Row] = []
    prose: list[str] = []  # backups are read as one paragraph: a clause adds to the row before
    for segment in segments:
        labelled = slot_def.id in ("components", "backups") and not segment.inherited
        text = _with_head(slot_def.id, segment) if labelled else clean(segment.text)
        if slot_def.id == "severity_levels" and _LEVEL_HEAD.match(segment.head):
            text = f"{segment.head}: {text}" if not segment.inherited else text  # "SEV3: …"
        if not text:
            continue
        if "|" in mask(text):
            rows.extend(parse_table(text, slot_def))
            continue
        if slot_def.id == "metrics":
            rows.extend(prose_rows.metric_rows(text))
        elif slot_def.id == "backups":
            prose.append(text)
        elif slot_def.id == "common_issues":
            row = prose_rows.issue_row(text) or prose_rows.prose_issue_row(text)
            if row is None and segment.item:
                row = {"issue": text, "symptoms": "", "cause": "", "resolution": ""}
            if row:
                rows.append(row)
        elif slot_def.id == "components":
            rows.extend(component_rows(text))
        elif slot_def.id == "severity_levels":
            found = prose_rows.severity_rows(text) or parse_table(text, slot_def)
            rows.extend(r for r in found if r.get("level"))
    rows.extend(backup_rows(prose))
    return [{c: squash(r.get(c, "")) for c in slot_def.columns} for r in rows]


def unusable(slot_id: str, segments: Sequence[Segment]) -> list[Segment]:
    """Segments the slot cannot hold: prose among the commands, a sentence no row of the table
    can be read from ("for a P1 we open #inc-atlas" under the severity levels). Backups are
    read as one paragraph, so no sentence of theirs is judged alone."""
    slot_def = SLOT_BY_ID[slot_id]
    if slot_id == "diagnostic_commands":
        return [s for s in segments if not is_command(s)]
    if slot_id == "health_endpoint":  # one endpoint: a sentence that names none goes elsewhere
        return [s for s in segments if not endpoint([s.text])]
    if slot_def.kind is SlotKind.DURATION:
        # one value: the segment that gives it; the rest ("…, which is why the RTO only
        # covers new uploads") is placed elsewhere, never silently dropped
        giving = next((s for s in segments if _duration(slot_id, [s])), None)
        return [s for s in segments if s is not giving]
    if slot_def.kind is not SlotKind.TABLE or slot_id == "backups" or len(segments) < 2:
        return []
    return [s for s in segments if not _rows(slot_def, [s])]


def build_value(slot_id: str, segments: Sequence[Segment]) -> Value | None:
    """The value ``segments`` give ``slot_id`` in its kind's shape, or None."""
    slot_def = SLOT_BY_ID[slot_id]
    texts = [_with_head(slot_id, s) for s in segments if not s.code]
    if slot_def.kind is SlotKind.DURATION:
        return _duration(slot_id, segments)
    if slot_def.kind is SlotKind.TABLE:
        return _rows(slot_def, segments)[:MAX_ROWS] or None
    if slot_def.kind is SlotKind.ITEMS:
        if slot_id == "escalation":
            items = chain(texts)
        elif slot_id == "diagnostic_commands":
            items = commands(segments)
        elif slot_id == "health_checks":
            items = [t for t in texts if t]
        else:
            items = _code_steps(slot_id, segments)
        return items[:MAX_ROWS] or None
    if slot_id == "health_endpoint":
        return endpoint(texts)
    # In the order said: a pasted line follows the sentence that introduced it.
    said = [f"`{' '.join(s.text.split())}`" if s.code else _with_head(slot_id, s) for s in segments]
    return _join(said) or None


def _duration(slot_id: str, segments: Sequence[Segment]) -> str | None:
    """An RTO/RPO: right after its name ("RTO of 4 hours"), or anywhere in a segment that does
    not name it (the label "RTO:" or the question asked placed it); "the RTO drill takes 2
    hours" names the RTO and gives it no value."""
    for segment in segments:
        text = clean(segment.text)
        named = named_durations(text)
        if slot_id in named:
            return named[slot_id][0]
        if not names_duration_slot(text, slot_id):
            found = first_duration(text, zero=True)
            if found:
                return found
    return None


_ENDPOINT = re.compile(
    r"(?:\b(?:GET|HEAD|POST)\s+)?(?<![\w.])(?:https?://[\w.:-]+)?(/[\w./-]*(?:health|status|ping|"
    r"ready|live|alive)[\w./?=&-]*)",
    re.I,
)


def endpoint(texts: Sequence[str]) -> str | None:
    """The health request(s) named in ``texts``: "`GET /healthz`", or several, comma-joined."""
    found: dict[str, None] = {}
    for text in texts:
        for match in _ENDPOINT.finditer(text):
            verb = match.group().split()[0].upper() if " " in match.group() else "GET"
            found[f"`{verb} {match.group(1).rstrip('.,;:')}`"] = None
    return ", ".join(found) or None
