"""Merging proposed slot updates into a draft: what is accepted, and why the rest is not.

Why apart from the data types in ``bot.core.draft``: these are the interview's rules for
trust (validation, a cap on pasted walls of text, a table row that cannot stand, two
engineers disagreeing), and they change for different reasons than the shape of a draft.
Every extractor's proposals (rules or a model) and every machine default pass through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.core.draft import (
    MACHINE_OPS,
    NOTES_SLOT,
    Change,
    Draft,
    Fact,
    MergeResult,
    Op,
    Rejection,
    SlotUpdate,
)
from bot.core.slots import SLOT_BY_ID, Row, Slot, SlotKind, Value, value_texts
from bot.core.values import normalise, row_problems, validate

MIN_VALUE_CAP_WORDS = 80
VALUE_CAP_FACTOR = 8


def _combine(existing: Value | None, new: Value) -> Value:
    """A value grown by what another message adds: new entries appended, text joined, never a
    repeat of what is already there."""
    if isinstance(existing, list) and isinstance(new, list):
        merged = list(existing)
        for item in new:
            if item not in merged:
                merged.append(item)
        return merged  # type: ignore[return-value]
    if isinstance(existing, str) and isinstance(new, str) and existing.strip():
        if " ".join(new.casefold().split()) in " ".join(existing.casefold().split()):
            return existing
        joiner = " " if existing.rstrip().endswith((".", "!", "?", ";")) else "; "
        return existing.rstrip() + joiner + new.strip()
    return new


def _too_long(slot_def: Slot, value: Value) -> str:
    """A value far beyond what the 800-word manual can hold (a pasted log) is not stored as a
    fact: the reply itself is kept verbatim, and the user is asked for a summary instead."""
    words = sum(len(text.split()) for text in value_texts(value))
    limit = max(MIN_VALUE_CAP_WORDS, VALUE_CAP_FACTOR * slot_def.budget)
    if words <= limit:
        return ""
    return (
        f"{slot_def.label} is {words} words, more than the manual can hold (about "
        f"{slot_def.budget}); your reply is saved, please send a short summary"
    )


CONFLICT_VALUE_CHARS = 50


def _keys(value: Value) -> list[str]:
    """A value the way people compare it: case and spacing never make a disagreement."""
    parts = [value] if isinstance(value, str) else value
    return [
        " ".join((" | ".join(x.values()) if isinstance(x, dict) else x).casefold().split())
        for x in parts
    ]


def _show(value: Value) -> str:
    """A value in one short line for a conflict question: rows as "a | b", entries "; "."""
    parts = [value] if isinstance(value, str) else value
    text = "; ".join(" | ".join(x.values()) if isinstance(x, dict) else x for x in parts)
    text = " ".join(text.split())
    if len(text) <= CONFLICT_VALUE_CHARS:
        return text
    return text[: CONFLICT_VALUE_CHARS - 1].rstrip() + "…"


def _conflict(
    slot_def: Slot, fact: Fact | None, op: Op, value: Value, author: str | None
) -> str | None:
    """Why ``value`` may not replace ``fact`` yet, or None when it may.

    A plain SET (not an explicit CORRECT) over a value that a *different* engineer gave, that
    says something else, is a disagreement between two people: it is asked about instead of
    silently overwritten. The same person restating, a machine default or inference, the same
    value in other case or spacing, and a list that keeps every earlier entry and adds some
    are not conflicts.
    """
    if op is not Op.SET or fact is None or fact.value is None or fact.op in MACHINE_OPS:
        return None
    if author is None or fact.author is None or fact.author == author:
        return None
    old, new = _keys(fact.value), _keys(value)
    if old == new:
        return None
    if slot_def.kind in (SlotKind.ITEMS, SlotKind.TABLE) and set(old) <= set(new):
        return None
    return (
        f"conflict: {slot_def.label}: {fact.author} said “{_show(fact.value)}”, {author} says "
        f"“{_show(value)}”; which is right? Reply 'actually {slot_def.label} is …' to settle it"
    )


def _split_rows(slot_def: Slot, rows: list[Row]) -> tuple[list[Row], list[Rejection]]:
    """Keep the rows that can stand in the manual; explain each one that cannot."""
    good: list[Row] = []
    refused: list[Rejection] = []
    for row in rows:
        problems = row_problems(slot_def, row)
        if problems:
            first = next((v for v in row.values() if v), "?")
            reason = f"{slot_def.label} row '{first[:40]}' skipped: {problems[0]}"
            text = " | ".join(v for v in row.values() if v)
            refused.append(Rejection(slot_def.id, reason, text))
        else:
            good.append(row)
    return good, refused


def merge(
    draft: Draft,
    updates: Iterable[SlotUpdate],
    *,
    author: str | None,
    reply_id: int | None,
    now: datetime,
) -> MergeResult:
    """Apply proposed updates, validating each one against its slot's rules.

    An update that would leave a slot invalid is still kept when it is a partial list (two of the
    three metrics asked for) so the next question can ask only for the rest; a scalar that fails
    validation (an RTO without a duration) is rejected with the reason, and nothing is stored.

    Two engineers disagreeing is a question, not an overwrite: a plain SET over a different
    value another person gave is rejected as a conflict (see ``_conflict``) until someone
    settles it with an explicit correction ("actually the RTO is 2 hours"), which is a CORRECT.
    """
    changes: list[Change] = []
    rejected: list[Rejection] = []
    for update in updates:
        slot_def = SLOT_BY_ID.get(update.slot_id)
        if slot_def is None:
            rejected.append(Rejection(update.slot_id, "unknown slot"))
            continue
        before = draft.value(update.slot_id)
        if update.op is Op.CLEAR:
            if before is None:
                continue
            draft.facts.append(
                Fact(update.slot_id, None, Op.CLEAR, author, reply_id, now, update.quote)
            )
            changes.append(Change(update.slot_id, Op.CLEAR, before, None))
            continue
        if update.value is None:
            rejected.append(Rejection(update.slot_id, "no value"))
            continue
        value = normalise(slot_def, update.value)
        too_long = _too_long(slot_def, value)
        if too_long:
            rejected.append(Rejection(update.slot_id, too_long, update.quote))
            continue
        if slot_def.kind is SlotKind.TABLE and isinstance(value, list):
            value, bad_rows = _split_rows(slot_def, [r for r in value if isinstance(r, dict)])
            rejected.extend(bad_rows)
            if not value:
                continue
        is_list = slot_def.kind in (SlotKind.ITEMS, SlotKind.TABLE)
        grow = update.op is Op.APPEND or (
            update.op is Op.SET and before is not None and bool(validate(slot_def, before))
        )
        fact = draft.current(update.slot_id)
        conflict = None if grow else _conflict(slot_def, fact, update.op, value, author)
        if conflict:
            rejected.append(Rejection(update.slot_id, conflict, update.quote))
            continue
        if (is_list and grow) or (update.op is Op.APPEND and isinstance(before, str)):
            value = _combine(before, value)
        problems = validate(slot_def, value)
        # A partial list may grow across replies (two metrics now, a third later), but a
        # correction replaces the whole value, so it must stand on its own, unless it only
        # edits entries of a list that was still partial ("the heap one is 92% not 85").
        edits_partial = isinstance(before, list) and len(value) >= len(before)
        partial_ok = is_list and bool(value) and (update.op is not Op.CORRECT or edits_partial)
        if problems and not partial_ok:
            rejected.append(Rejection(update.slot_id, problems[0], update.quote))
            continue
        if value == before:
            continue
        op = update.op
        if op is Op.SET and before is not None and not grow:
            op = Op.CORRECT
        if op is Op.APPEND:
            op = Op.SET
        fact = Fact(update.slot_id, value, op, author, reply_id, now, update.quote)
        fact.checked = tuple(problems)
        draft.facts.append(fact)
        draft.skipped.discard(update.slot_id)
        changes.append(Change(update.slot_id, op, before, value))
    if changes:
        draft.updated_at = now
    return MergeResult(tuple(changes), tuple(rejected))


def apply_machine_values(
    draft: Draft, values: Sequence[tuple[str, Value, Op]], *, now: datetime
) -> list[str]:
    """Record defaults/inferences (no author, no reply) for slots that are still empty; each is
    normalised and checked here, once, and one that breaks its slot's rules is dropped."""
    filled = []
    for slot_id, value, op in values:
        if op not in MACHINE_OPS or draft.filled(slot_id):
            continue
        slot_def = SLOT_BY_ID[slot_id]
        shaped = normalise(slot_def, value)
        fact = Fact(slot_id, shaped, op, None, None, now)
        fact.checked = tuple(validate(slot_def, shaped))
        if fact.checked:
            continue  # a proposal that breaks the slot's rules is not recorded at all
        draft.facts.append(fact)
        filled.append(slot_id)
    if filled:
        draft.updated_at = now
    return filled


def record_leftovers(
    draft: Draft, texts: Iterable[str], *, author: str | None, reply_id: int | None, now: datetime
) -> int:
    """Keep statements no slot took, with their provenance, for the details file."""
    known = {f.value for f in draft.notes()}
    added = 0
    for text in texts:
        clean = " ".join(text.split())
        if clean and clean not in known:
            draft.facts.append(Fact(NOTES_SLOT, clean, Op.SET, author, reply_id, now, clean))
            known.add(clean)
            added += 1
    return added
