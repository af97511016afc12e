"""The deterministic extractor: turns a reply into slot updates with no network and no model.

It is the fallback when no LLM is configured and the yardstick the LLM extractor is measured
against, so it prefers a missed fact to a wrong one. A reply is read in three passes:

1. explicit corrections ("actually RTO is 2 hours, not 4", "change rollback to: ..."), which may
   name any slot and are cut out of the reply so they are not mistaken for an answer
   (``corrections``);
2. answers to the questions just asked: numbered, labelled, one line (or paragraph) each, or
   the whole reply for a single question (this module);
3. cautious pick-ups for slots nobody asked and nobody filled (tool names, RTO/RPO values,
   read-only diagnostic commands, what the health check covers). Never an overwrite
   (``pickups``).

The text mechanics live in ``textparse`` (durations, items), ``rowparse``
(table rows) and ``valueparse`` (which of them a slot uses).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.draft import Draft, Extraction, Op
from bot.core.slots import SLOT_BY_ID, Slot, SlotKind
from bot.extraction.offline import textparse as tp
from bot.extraction.offline.corrections import STRONG, corrections
from bot.extraction.offline.findings import SCAN_LIMIT, Findings
from bot.extraction.offline.pickups import pick_up
from bot.extraction.offline.slotnames import label_regex, punctuated
from bot.extraction.offline.valueparse import parse_value


class OfflineExtractor:
    """Rule-based Extractor; stateless, so one instance can serve every draft."""

    name = "offline"

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        cleaned = tp.clean_input(text)
        if not cleaned:
            return Extraction()
        slots = tuple(SLOT_BY_ID[s] for s in dict.fromkeys(asked) if s in SLOT_BY_ID)
        result = Findings()
        remaining = corrections(cleaned, draft, result)
        _answers(remaining, slots, result)
        asked_ids = {s.id for s in slots}

        def open_slot(slot_id: str) -> bool:
            return (
                slot_id not in asked_ids
                and slot_id not in result.updates
                and draft.value(slot_id) is None
            )

        pick_up(cleaned[:SCAN_LIMIT], open_slot, result)
        updates = tuple(result.updates.values())
        return Extraction(updates, tuple(result.unknown), tuple(result.notes))


# ------------------------------------------------------------------ rules 1 and 2: answers

_MARK = r"(?:#(?P<h>[1-9])[.):]?|\((?P<p>[1-9]|[a-c])\)|(?P<d>[1-9])[.):]|(?P<l>[a-c])\))(?=\s|$)"
_LINE_MARK = re.compile(r"^[ \t]*" + _MARK, re.M)
_INLINE_MARK = re.compile(r"(?:^|(?<=\s))" + _MARK)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SEMI = re.compile(r"\s*;\s*")


CORRECT_HOW = (
    "I couldn't tell what to correct: say `actually <field> is …`, e.g. `actually RTO is 2 hours`"
)


def _answers(text: str, slots: tuple[Slot, ...], result: Findings) -> None:
    """Rule 1 and 2: each asked slot gets its part of the reply, or is marked "don't know".

    A part that opens with "actually", "correction:", "sorry," ... is a correction, and rule 1
    (``corrections``) did not recognise what it corrects; taking it as the answer to
    whichever question it landed on would store the fix as the wrong fact ("actually the third
    level is Director" as the KPIs), so it is dropped with a note on how to say it. Only a part
    the user numbered or labelled themselves ("1. actually, 4 hours") still answers.
    """
    if not slots or not text.strip():
        return
    if len(slots) > 1 and tp.is_unknown(text):
        for slot_def in slots:
            result.dont_know(slot_def.id)
        return
    parts = _split(text, slots)
    if not parts:
        if _uncertain_correction(text):
            result.notes.append(CORRECT_HOW)
            return
        # An unnumbered reply that cannot be split is read the way a person would read it: as
        # the answer to the first question. The others stay open and are asked again.
        parts = [(slots[0], text, False)]
        result.notes.append(
            f"I took that as the answer to question 1 ({slots[0].label}); "
            "number your answers (1. … 2. …) to answer several at once."
        )
    for slot_def, raw, named in parts:
        trigger = STRONG.match(raw)
        part = raw[trigger.end() :] if trigger else raw
        if trigger and not named and not tp.is_unknown(part):
            if CORRECT_HOW not in result.notes:
                result.notes.append(CORRECT_HOW)
            continue
        if tp.is_unknown(part) and (
            slot_def.kind is not SlotKind.DURATION or not tp.durations(part, limit=1)
        ):
            result.dont_know(slot_def.id)  # "not sure, maybe 4 hours" still gives 4 hours
        elif (value := parse_value(slot_def, part)) is not None:
            result.add(slot_def.id, Op.SET, value, part)
        elif part.strip():
            result.notes.append(f"no usable {slot_def.label} in the answer")


def _uncertain_correction(text: str) -> bool:
    """Opens with a correction trigger, and is more than "sorry, no idea"."""
    trigger = STRONG.match(text)
    return trigger is not None and not tp.is_unknown(text[trigger.end() :])


def _split(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str, bool]]:
    """Numbering beats labels beats position; with one question the whole reply answers it.

    Each part comes with whether the user named its question (a number or a label)."""
    if len(slots) == 1:
        regex, names = label_regex((slots[0].id,))
        label = regex.match(text)
        if label and names[tp.squash(label.group("name").lower())][1] and punctuated(label):
            return [(slots[0], text[label.end() :], True)]
        return [(slots[0], text, False)]
    numbered = [(s, part, True) for s, part in _numbered(text, slots)]
    return numbered or _labelled(text, slots) or _unnamed(_positional(text, slots))


def _unnamed(parts: list[tuple[Slot, str]]) -> list[tuple[Slot, str, bool]]:
    return [(s, part, False) for s, part in parts]


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


def _labelled(text: str, slots: tuple[Slot, ...]) -> list[tuple[Slot, str, bool]]:
    """ "RTO: 4h\\nRollback - helm rollback" (label, id or keyword); unlabelled text before the
    first label answers whichever question is left."""
    regex, names = label_regex(tuple(s.id for s in slots))
    cuts: list[tuple[str, int, int]] = []  # slot id, label start, content start
    for label in regex.finditer(text):
        slot_id, exact = names[tp.squash(label.group("name").lower())]
        punct = punctuated(label)
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
    named = set(found)
    rest = [s for s in slots if s.id not in found]
    leftover = _positional(text[: cuts[0][1]], tuple(rest)) if rest else []
    found.update((s.id, part) for s, part in leftover)
    return [(s, found[s.id], s.id in named) for s in slots if s.id in found]


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
