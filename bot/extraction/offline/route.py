"""Which slot each segment of a reply is about, whichever question was asked.

Each segment is scored against every slot (``lexicon``); the label it was written under
("security:", "DR =") and the line that introduced it ("useful cmds:") add their own evidence,
and the questions just asked add a small prior, a hint rather than a cage. A segment with no
clear topic of its own continues the one before it in the same line ("…, then watch /healthz"),
chatter is dropped, and a substantive segment nobody can place is kept as a leftover for the
details file. A segment that mixes topics ("PII encrypted with KMS, GDPR applies") is cut at
its commas when the pieces clearly belong to different slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from bot.core.slots import SLOT_BY_ID, SlotKind
from bot.extraction.offline.evidence import (
    ARROW_LEVEL,
    ARROWS,
    SEVERITY,
    SEVERITY_FIRST,
    THRESHOLD,
    THRESHOLD_BONUS,
    own_evidence,
)
from bot.extraction.offline.gate import (
    is_aside,
    is_chatter,
    is_credential_paste,
    is_injection,
)
from bot.extraction.offline.labels import DECIDES, GROUPS, group_slots, head_slots
from bot.extraction.offline.lexicon import IMPERATIVE, PROBLEM, scores
from bot.extraction.offline.segment import Segment
from bot.rendering.clauses import top_level

ASKED_PRIOR = 0.75
HEAD_WEIGHT = 1.5
INTRO_WEIGHT = 0.75
SECTION_BONUS = 2.0
INHERITED_SCALE = 0.5  # a label from an earlier sentence of the line counts half
ISSUE_BONUS = 3.0  # a list item written "symptom → cause → fix"
CONTINUE_BIAS = 1.0
LIST_BONUS = 3.0
OWN_TOPIC = 4.0  # a sentence's own words this strong outweigh a label it only inherited

_COMMA = re.compile(
    r",\s+(?!(?:and\s+)?then\b)|\s+and\s+(?=\w+\s+(?:is|are|has|have|gets?|goes|go)\b)"
)
_STEPS_INTRO = re.compile(r"\bsteps?\b|\bin\s+order\b|\bprocedure\b|\bplaybook\b", re.I)
_TABLE_SHAPED = re.compile(r"→|->|=>|\b(?:critical|warning)\b|[<>]=?\s*\d|\d+\s*%", re.I)


@dataclass(slots=True)
class Routed:
    """What a reply says, slot by slot, in reply order."""

    by_slot: dict[str, list[Segment]] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    chatter: list[str] = field(default_factory=list)
    injection: bool = False

    def add(self, slot_id: str, segment: Segment) -> None:
        self.by_slot.setdefault(slot_id, []).append(segment)


def intro_topic(intro: str) -> str | None:
    """The one slot a list's intro line names ("useful cmds:", "startup after an outage:"); a
    group ("DR: … steps:") names its first slot that holds a list, not the RTO."""
    text = intro.rstrip(" :").lower()
    groups = head_slots(text)
    if groups:
        listed = [s for s in groups if SLOT_BY_ID[s].kind in (SlotKind.ITEMS, SlotKind.TABLE)]
        if listed or len(groups) == 1:
            return (listed or groups)[0]
        return None  # "monitoring:" names four text fields; the items' own words decide
    slot_id, value = _best(scores(text))
    return slot_id if value >= DECIDES else None


# Slots that share a label group with a slot: the topic a label like "steps:" continues.
_SIBLINGS: dict[str, set[str]] = {}
for _pattern, _group in GROUPS:
    for _slot in _group:
        _SIBLINGS.setdefault(_slot, set()).update(_group)


def _labelled_elsewhere(segment: Segment) -> bool:
    """The segment's label or list intro names a group that holds no alert table: a number
    with a threshold there is a scaling trigger, a security rule or a restore check."""
    named: set[str] = set()
    for text in (segment.head, segment.intro):
        if text and _OWN_THRESHOLD.search(own_text := text.rstrip(" :").lower()) is None:
            found = group_slots(own_text) or head_slots(own_text)
            if found and "metrics" not in found and "alerting" not in found:
                named.update(found)
    return bool(named) and bool(THRESHOLD.search(segment.text))


_OWN_THRESHOLD = re.compile(r"[<>]|\d\s*%")


def _evidence(
    segment: Segment,
    asked: Sequence[str],
    previous: str | None = None,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, float]:
    own = own_evidence(segment.text)
    found = dict(own)
    if "metrics" in found and _labelled_elsewhere(segment):
        found["metrics"] -= THRESHOLD_BONUS  # "capacity: … add a node when disk > 70%"
        if found["metrics"] <= 0:
            del found["metrics"]
    if (
        (segment.item or PROBLEM.search(ARROWS.split(segment.text)[0]))  # "storms when X → …"
        and len(ARROWS.findall(segment.text)) >= 2
        and not ARROW_LEVEL.search(segment.text)
    ):
        found["common_issues"] = found.get("common_issues", 0.0) + ISSUE_BONUS
    if previous is not None and previous in found:
        found[previous] += CONTINUE_BIAS  # a topic goes on until the words clearly change it
    if segment.head and not segment.inherited and SEVERITY_FIRST.match(segment.head + " ="):
        found["severity_levels"] = found.get("severity_levels", 0.0) + 4.0  # "SEV2 = …"
    speaks = _speaks_for_itself(segment, own)
    if segment.head and previous is not None and not speaks:  # "DR: RTO 1 hour. steps: …"
        for slot_id in set(group_slots(segment.head)) & _SIBLINGS.get(previous, set()):
            found[slot_id] = found.get(slot_id, 0.0) + SECTION_BONUS
    if segment.head and not speaks:
        scale = INHERITED_SCALE if segment.inherited else 1.0
        for slot_id, value in scores(segment.head).items():
            found[slot_id] = found.get(slot_id, 0.0) + scale * HEAD_WEIGHT * value
        for slot_id in head_slots(segment.head):
            found[slot_id] = found.get(slot_id, 0.0) + scale * SECTION_BONUS
    if segment.intro:
        listed = segment.item or segment.code
        for slot_id, value in scores(segment.intro).items():
            if listed and SLOT_BY_ID[slot_id].kind in (SlotKind.DURATION, SlotKind.TEXT):
                value /= 2  # a list under "DR: RTO 4h … steps:" is steps, not the RTO
            found[slot_id] = found.get(slot_id, 0.0) + INTRO_WEIGHT * value
        intro_head = segment.intro.rstrip(" :").lower()
        for slot_id in head_slots(intro_head):
            found[slot_id] = found.get(slot_id, 0.0) + SECTION_BONUS
        if listed and _STEPS_INTRO.search(segment.intro):
            for slot_id in ("startup_steps", "recovery_steps"):
                if slot_id in found:
                    found[slot_id] += SECTION_BONUS
        topic = intro_topic(segment.intro) if listed else None
        if topic is not None:  # the items of "startup after a power event:" are its steps
            found[topic] = found.get(topic, 0.0) + LIST_BONUS
    labelled = group_slots(segment.head) if segment.head else ()
    for slot_id in asked:  # the asked questions tip a piece, unless its label names another group
        if slot_id in found and (not labelled or slot_id in labelled):
            found[slot_id] += ASKED_PRIOR
    listed = segment.item or segment.code  # a list item is never an RTO on its own
    for slot_id in [s for s in found if s in exclude or s not in SLOT_BY_ID]:
        del found[slot_id]
    for slot_id in [s for s in found if listed and SLOT_BY_ID[s].kind is SlotKind.DURATION]:
        del found[slot_id]
    return found


def _speaks_for_itself(segment: Segment, own: dict[str, float]) -> bool:
    """ "escalation: on-call, then the lead. incidents go in #inc-lumen …": a label carried
    over from an earlier sentence gives way when this sentence clearly names another topic
    and nothing of the label's."""
    if not segment.inherited or max(own.values(), default=0.0) < OWN_TOPIC:
        return False
    return not any(own.get(slot_id, 0.0) > 0 for slot_id in scores(segment.head))


def _best(found: dict[str, float]) -> tuple[str | None, float]:
    if not found:
        return None, 0.0
    slot_id = max(found, key=lambda s: (found[s], -_order(s)))
    return slot_id, found[slot_id]


def _order(slot_id: str) -> int:
    return list(SLOT_BY_ID).index(slot_id) if slot_id in SLOT_BY_ID else 999


# A piece that opens with a participle has no subject of its own ("the runbooks are in git,
# reviewed every release + once a quarter").
_NO_SUBJECT = re.compile(
    r"^(?:reviewed|kept|stored|rotated|owned|maintained|updated|written|approved|checked|"
    r"signed|encrypted|replicated|copied|managed|triggered|scheduled|deployed|run)\b"
)


def _split_mixed(
    segment: Segment, asked: Sequence[str], previous: str | None, exclude: frozenset[str]
) -> list[tuple[Segment, str | None]]:
    """Cut a segment at top-level commas when its pieces clearly name different slots.

    A piece is placed with all the evidence the whole segment has (its label, its intro), but
    it only counts as another topic when its own words say so; a piece with no topic of its own
    stays with the one before it.
    """
    text = segment.text
    if segment.code or _TABLE_SHAPED.search(text) or SEVERITY.search(text):
        return []
    if segment.head and not segment.inherited and len(head_slots(segment.head)) < 3:
        return []  # "escalation: first the on-call, …, then Marek": one labelled topic
    mask = top_level(text)
    cuts = [m for m in _COMMA.finditer(text) if mask[m.start()]]
    if not cuts:
        return []
    pieces, start = [], 0
    for match in cuts:
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    if sum(1 for piece in pieces if IMPERATIVE.match(piece.strip())) >= 2:
        return []  # "restore the table, point the producers at …": steps, one topic
    routed: list[tuple[Segment, str | None]] = []
    for piece in pieces:
        part = Segment(
            piece.strip(),
            segment.head,
            segment.block,
            segment.intro,
            segment.item,
            inherited=segment.inherited,
        )
        own = own_evidence(part.text)
        slot_id, _ = _best(_evidence(part, asked, previous, exclude))
        named = slot_id if slot_id and own.get(slot_id, 0.0) >= DECIDES + 0.5 else None
        if routed and _NO_SUBJECT.match(part.text):
            named = None  # "…, reviewed every release": it says more of the piece before
        routed.append((part, named))
    if len({s for _, s in routed if s}) < 2:
        return []
    whole, _ = _best(_evidence(segment, asked, previous, exclude))
    first = routed[0]
    return [(first[0], first[1] or whole), *routed[1:]]


def route(
    parts: Sequence[Segment], *, asked: Sequence[str], exclude: frozenset[str] = frozenset()
) -> Routed:
    """Place every segment of one reply (see the module docstring for the rules); slots in
    ``exclude`` are never chosen (a second pass for text a table could not read as rows)."""
    out = Routed()
    asked = [slot_id for slot_id in asked if slot_id not in exclude]
    previous: str | None = None
    previous_block = -1
    poisoned = {s.block for s in parts if is_injection(s.text) or is_injection(s.head)}
    for segment in parts:
        if segment.block in poisoned:  # a line that talks to the bot gives no facts at all
            out.injection = True
            continue
        if segment.block != previous_block and not segment.item and not segment.code:
            carried = previous if segment.head == "" and _continues(segment) else None
            previous = carried
        previous_block = segment.block
        if segment.code and all(_ENV_LINE.match(line.strip()) for line in segment.text.split("\n")):
            out.leftovers.append(segment.text)  # a pasted env line: details, never a command
            continue
        if segment.code:
            slot_id = _code_slot(segment, _carry(previous))
            if slot_id:
                out.add(slot_id, segment)
                previous = slot_id
            else:
                out.leftovers.append(segment.text)  # placed nowhere, never lost
            continue
        if segment.lead_in:
            out.leftovers.append(segment.text)  # it announces the steps; it is not one
            continue
        if is_credential_paste(segment.text):
            out.leftovers.append(segment.text)  # "postgresql://app:[redacted …]@db": details only
            continue
        if _ENV_HEAD.match(segment.head) or _ENV_LINE.match(segment.text):
            out.leftovers.append(
                f"{segment.head}: {segment.text}" if segment.head else segment.text
            )
            continue  # a pasted env/config line is kept for the details, not made a fact
        if is_aside(segment.text):  # "@kasia is the forcemerge still weekly?" is no fact
            out.chatter.append(segment.text)
            continue
        mixed = _split_mixed(segment, asked, previous, exclude)
        if mixed:
            for part, slot_id in mixed:
                target = slot_id or _carry(previous)
                # a piece of a sentence that holds facts goes with them ("…, trivy on the image,
                # criticals block the merge"); only an aside inside it is dropped
                if target and (slot_id or not is_aside(part.text)):
                    out.add(target, part)
                    previous = target
            continue
        found = _evidence(segment, asked, previous, exclude)
        slot_id, value = _best(found)
        goes_on = previous is not None and _continues(segment)  # "so a node is out after …"
        if len(asked) == 1 and not is_chatter(segment.text) and value < DECIDES and not goes_on:
            out.add(asked[0], segment)  # a short answer to the one question asked
            previous = asked[0]
        elif (
            not segment.head  # under a label ("security: … the knox gateway is the only way in")
            and is_chatter(segment.text)
            and (slot_id is None or value < DECIDES + CONTINUE_BIAS)
        ):
            out.chatter.append(segment.text)
        elif previous is not None and not segment.head and _weak(found, slot_id, previous):
            out.add(_carry(previous), segment)  # "…, then start atlas-query. indexer goes last, …"
        elif slot_id is not None and value >= DECIDES:
            out.add(slot_id, segment)
            previous = slot_id
        elif previous is not None:
            out.add(_carry(previous), segment)
        elif len(asked) == 1:
            out.add(asked[0], segment)
            previous = asked[0]
        elif slot_id is not None and value >= 1.0:
            out.add(slot_id, segment)
            previous = slot_id
        else:
            out.leftovers.append(segment.text)
    for slot_id in exclude & set(out.by_slot):
        out.leftovers.extend(s.text for s in out.by_slot.pop(slot_id))
    return out


def _weak(found: dict[str, float], slot_id: str | None, previous: str) -> bool:
    """The topic of the line goes on unless the words name another one clearly: a tool name
    and the asked prior ("kafka", 1.75) do not move "indexer goes last" out of the startup."""
    if slot_id is None or slot_id == previous:
        return True
    return found[slot_id] < DECIDES + CONTINUE_BIAS and found[slot_id] - found.get(previous, 0) < 2


_ENV_HEAD = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+$")  # DATABASE_URL, not SEV2 or RTO
_ENV_LINE = re.compile(r"^(?:export\s+)?[A-Z][A-Z0-9_]{2,}=\S")


# A duration holds one value: what goes on after "RTO 4h, RPO 15 min." is the recovery itself.
_AFTER_DURATION = {"rto": "recovery_steps", "rpo": "recovery_steps"}


@overload
def _carry(previous: str) -> str: ...
@overload
def _carry(previous: None) -> None: ...
def _carry(previous: str | None) -> str | None:
    return _AFTER_DURATION.get(previous, previous) if previous else previous


_CONTINUES = re.compile(r"^(?:and|also|plus|then|but|which|so|after that|otherwise)\b", re.I)


def _continues(segment: Segment) -> bool:
    return bool(_CONTINUES.match(segment.text.strip()))


_READ_ONLY = re.compile(
    r"\b(?:get|describe|logs?|status|top|show|list|ls|cat|tail|grep|_cat|_cluster/health|"
    r"explain|hot_threads|--describe|ping|info|df|du|iostat|vmstat|dig|curl\s+-s)\b",
    re.I,
)


def _code_slot(segment: Segment, previous: str | None) -> str | None:
    """Code goes with what introduced it; read-only commands are diagnostic commands."""
    intro_slots = head_slots(segment.intro.rstrip(" :")) if segment.intro else ()
    for slot_id in intro_slots:
        if SLOT_BY_ID[slot_id].kind in (SlotKind.ITEMS, SlotKind.TEXT):
            return slot_id
    if previous is not None and SLOT_BY_ID[previous].kind is not SlotKind.TABLE:
        return previous
    if _READ_ONLY.search(segment.text):
        return "diagnostic_commands"
    return previous
