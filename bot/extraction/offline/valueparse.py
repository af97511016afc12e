"""Which parser reads a slot's value: by the slot's kind, duration, text, items or table.

The one entry point the extractors' text rules share (``extractor`` and its passes, and
the scripted model in the tests). It sits above ``textparse`` and ``rowparse`` because it needs
both, and ``rowparse`` itself builds on ``textparse``.
"""

from __future__ import annotations

from bot.core.slots import Slot, SlotKind, Value
from bot.extraction.offline.rowparse import parse_table
from bot.extraction.offline.textparse import clean_text, first_duration, parse_items


def parse_value(slot_def: Slot, part: str) -> Value | None:
    """The value ``part`` gives ``slot_def``, or None when it holds nothing usable."""
    if slot_def.kind is SlotKind.DURATION:
        return first_duration(part, zero=True)
    if slot_def.kind is SlotKind.TEXT:
        return clean_text(part) or None
    if slot_def.kind is SlotKind.ITEMS:
        return parse_items(part, slot_def) or None
    return parse_table(part, slot_def) or None
