"""Two engineers disagreeing is a question to ask, not an overwrite.

The core's ``merge`` turns a SET over an existing value into a CORRECT, which is right for an
explicit correction and wrong when a second person states a different fact without saying it
replaces the first ("RTO is 2 hours" after a colleague said 4). This guard runs on the
extractor's proposals before the core sees them: a plain SET that would replace a different
value an engineer gave is held back, and a note asks which one is right.

Who counts as "a different author": the extractor port does not carry the reply's author, so
when it is unknown every engineer-given value is protected; when the caller passes ``author``,
a person restating their own value simply updates it. (The precise place for this rule is
``merge``, which knows both authors; see the report on issue 4 for the proposed core change.)
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.manual.draft import MACHINE_OPS, Draft, Extraction, Op, SlotUpdate
from bot.manual.schema import SLOT_BY_ID, SlotKind, Value, normalise, validate

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _who(author: str | None) -> str:
    if not author:
        return "an earlier answer"
    return f"<@{author}>" if _SLACK_USER.match(author) else author


def _show(value: Value) -> str:
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    return f"{len(value)} entries"


def _keys(value: Value) -> list[str]:
    """Compare values the way people read them: case and spacing do not make a conflict."""
    parts = [value] if isinstance(value, str) else value
    return [
        " ".join((" | ".join(x.values()) if isinstance(x, dict) else x).lower().split())
        for x in parts
    ]


def _conflicts(draft: Draft, update: SlotUpdate, author: str | None) -> str | None:
    """The note to show when ``update`` contradicts another engineer's value, else None."""
    slot_def = SLOT_BY_ID.get(update.slot_id)
    if update.op is not Op.SET or slot_def is None or update.value is None:
        return None
    fact = draft.current(update.slot_id)
    if fact is None or fact.value is None or fact.op in MACHINE_OPS or fact.author is None:
        return None
    if author is not None and fact.author == author:
        return None
    new = normalise(slot_def, update.value)
    old = fact.value
    if _keys(new) == _keys(old):
        return None
    if slot_def.kind in (SlotKind.ITEMS, SlotKind.TABLE):
        if validate(slot_def, old):  # a partial list grows; merge appends, nothing is lost
            return None
        if set(_keys(old)) <= set(_keys(new)):
            return None  # a superset adds entries and keeps every earlier one
    return (
        f"{slot_def.label}: {_who(fact.author)} said “{_show(old)}”, this reply says "
        f"“{_show(new)}”. Which is right? Reply `actually {slot_def.label} is …` to change it; "
        "until then I keep the first."
    )


def hold_conflicts(
    draft: Draft, extraction: Extraction, *, author: str | None = None
) -> Extraction:
    """``extraction`` without the updates that contradict another engineer, plus a note each."""
    kept: list[SlotUpdate] = []
    notes: list[str] = []
    for update in extraction.updates:
        note = _conflicts(draft, update, author)
        if note is None:
            kept.append(update)
        else:
            notes.append("Conflict: " + note)
    if not notes:
        return extraction
    return replace(extraction, updates=tuple(kept), notes=(*extraction.notes, *notes))
