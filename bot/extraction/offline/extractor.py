"""The deterministic extractor: a reply in, slot updates out, no network and no model.

It is the fallback when no LLM is configured and the yardstick the LLM extractor is measured
against. A reply is read in passes, each in its own module:

0. a word taken back mid-sentence ("quarterly we renew... no, yearly, the cert") is replaced
   (``selffix``);
1. explicit corrections ("actually RTO is 2 hours, not 4", "change rollback to: …") and number
   corrections ("the heap one is 92% not 85"), cut out of the reply (``corrections``,
   ``numfix``);
2. a form-shaped reply (numbered answers, one short line per question) answers the questions
   just asked (``answers``);
3. anything else is prose: it is cut into segments (``segment``), each placed in the slot it is
   about whichever question was asked (``route``), and turned into that slot's shape
   (``build``, ``prose_rows``). Chatter and instructions aimed at the bot give no facts
   (``gate``); statements nobody can place are kept as leftovers for the details file;
4. cautious pick-ups anywhere in the reply for slots still empty: RTO/RPO values, the health
   endpoint, tool names, read-only commands (``pickups``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.draft import Draft, Extraction, Op
from bot.core.slots import SLOT_BY_ID, SlotKind
from bot.extraction.offline import textparse as tp
from bot.extraction.offline.answers import CORRECT_HOW, form_answers
from bot.extraction.offline.build import build_value, endpoint, unusable
from bot.extraction.offline.corrections import STRONG, corrections
from bot.extraction.offline.findings import SCAN_LIMIT, Findings
from bot.extraction.offline.flow import flow_components
from bot.extraction.offline.gate import is_aside, is_chatter, is_injection
from bot.extraction.offline.numfix import number_corrections
from bot.extraction.offline.pickups import named_durations, pick_up
from bot.extraction.offline.route import Routed, route
from bot.extraction.offline.segment import Segment, segments
from bot.extraction.offline.selffix import self_corrected
from bot.extraction.offline.stack import pick_up_stack

INJECTION_NOTE = (
    "I only take facts about the system from this thread; instructions to me are not followed."
)
CHATTER_NOTE = "Nothing about the system in that one, so nothing changed."
# "postgresql://app:[redacted password]@db-1:5432/app" says where the database is: kept as
# "postgresql://app@db-1:5432/app", the marker out of the manual (the details quote it as said).
_WITHOUT_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+):\[redacted [a-z0-9-]+\]@", re.I)
MAX_PROSE_CHARS = 20_000  # a longer paste is kept as a reply; only its start is read


class OfflineExtractor:
    """Rule-based Extractor; stateless, so one instance can serve every draft."""

    name = "offline"

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        cleaned = _WITHOUT_PASSWORD.sub(r"\1@", self_corrected(tp.clean_input(text, fences=True)))
        if not cleaned:
            return Extraction()
        slots = tuple(SLOT_BY_ID[s] for s in dict.fromkeys(asked) if s in SLOT_BY_ID)
        result = Findings()
        remaining = corrections(cleaned, draft, result)
        remaining = number_corrections(remaining, draft, result)
        leftovers: list[str] = []
        scan = tp.drop_fences(remaining)
        if remaining and not form_answers(scan.strip(), slots, result):
            prose, unplaced = _drop_unplaced_corrections(remaining)
            if unplaced and CORRECT_HOW not in result.notes:
                result.notes.append(CORRECT_HOW)
            leftovers = [*unplaced, *self._prose(prose, draft, [s.id for s in slots], result)]
            scan = tp.drop_fences("\n".join(leftovers))  # pick-ups read only what prose left
        asked_ids = {s.id for s in slots}

        def open_slot(slot_id: str) -> bool:
            return (
                slot_id not in result.updates
                and slot_id not in result.unknown
                and (slot_id not in asked_ids or not result.updates)
                and draft.value(slot_id) is None
            )

        pick_up(scan[:SCAN_LIMIT], open_slot, result)

        def empty(slot_id: str) -> bool:
            return slot_id not in result.updates and draft.value(slot_id) is None

        described = result.updates.get("architecture")
        pick_up_stack(described.quote if described else "", empty, result, at_least=1)
        listed = result.updates.get("components")
        pick_up_stack(listed.quote if listed else "", empty, result)
        flow = flow_components(described.quote) if described and empty("components") else []
        if flow:  # "the CMS calls tc-api → job row in MySQL 8 → tc-dispatcher consumes it → …"
            result.add("components", Op.APPEND, flow, described.quote if described else "")
        if not result.updates and not result.unknown and not leftovers and not result.notes:
            note = INJECTION_NOTE if is_injection(cleaned) else CHATTER_NOTE
            if is_injection(cleaned) or is_chatter(cleaned):
                result.notes.append(note)
        return Extraction(
            tuple(result.updates.values()),
            tuple(result.unknown),
            tuple(result.notes),
            tuple(leftovers),
        )

    def _prose(self, text: str, draft: Draft, asked: list[str], result: Findings) -> list[str]:
        if not text:
            return []
        parts = segments(text[:MAX_PROSE_CHARS], name=draft.name)
        routed = route(parts, asked=asked)
        misfits = self._place(routed, draft, asked, result)
        if misfits:  # "for a P1 we open #inc-atlas" is no severity row: the next best place
            again = sorted(
                (s for found in misfits.values() for s in found), key=lambda s: (s.block, s.item)
            )
            rerouted = route(again, asked=asked, exclude=frozenset(misfits))
            still = self._place(rerouted, draft, asked, result)
            routed.leftovers.extend(rerouted.leftovers)
            routed.leftovers.extend(s.text for found in still.values() for s in found)
        if routed.injection:
            result.notes.append(INJECTION_NOTE)
        return routed.leftovers

    @staticmethod
    def _place(
        routed: Routed, draft: Draft, asked: list[str], result: Findings
    ) -> dict[str, list[Segment]]:
        """Build and record each slot's value; returns, per slot, the segments it could not
        use (prose among commands, a sentence no table row can be read from)."""
        for placed in list(routed.by_slot.values()):
            for segment in placed:  # "RTO 4 hours, RPO 24h" is placed once, and names both
                for slot_id in named_durations(segment.text):
                    if segment not in routed.by_slot.get(slot_id, []):
                        routed.add(slot_id, segment)
        under_label = [s.text for s in routed.by_slot.get("health_endpoint", [])]
        if draft.value("health_endpoint") is None and not endpoint(under_label):
            for segment in routed.by_slot.get("health_details", []):  # "haproxy checks /healthz"
                if endpoint([segment.text]):
                    routed.add("health_endpoint", segment)
        misfits: dict[str, list[Segment]] = {}
        for slot_id, placed in routed.by_slot.items():
            unused = unusable(slot_id, placed)
            used = [s for s in placed if s not in unused]
            value = build_value(slot_id, used) if used else None
            quote = " ".join(_said(s) for s in used)
            if value is None:
                unused = placed
            elif SLOT_BY_ID[slot_id].kind is not SlotKind.DURATION:
                result.add(slot_id, Op.APPEND, value, quote)
            elif draft.value(slot_id) is not None and slot_id not in asked:
                routed.leftovers.append(quote)  # "RTO 1 hour" in passing never overwrites
            else:
                result.add(slot_id, Op.SET, value, quote)
            if unused:
                misfits[slot_id] = list(unused)
        return misfits


def _drop_unplaced_corrections(text: str) -> tuple[str, list[str]]:
    """Sentences that open with "actually", "correction:", "scratch that" … and that the
    correction passes could not place. Stored as a new fact, a fix would sit beside the value
    it meant to replace, so it is kept for the details file only, and the engineer is told how
    to say it."""
    out: list[str] = []
    dropped: list[str] = []
    last = 0
    for start, end in tp.sentence_spans(text):
        sentence = text[start:end]
        trigger = STRONG.match(sentence)
        rest = sentence[trigger.end() :] if trigger else ""
        if trigger and rest.strip() and not tp.is_unknown(rest) and not is_aside(sentence):
            out.append(text[last:start])
            dropped.append(sentence.strip())
            last = end
    if not dropped:
        return text, []
    out.append(text[last:])
    return "".join(out).strip(), dropped


def _said(segment: Segment) -> str:
    """The words as written, label included ("restore test: quarterly, …"): the details file
    quotes them, and a reader searches for what was said."""
    if segment.head and not segment.inherited and not segment.code:
        return f"{segment.head}: {segment.text}"
    return segment.text
