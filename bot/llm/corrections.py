"""A correction of some rows of a table, or some entries of a list, applied to the whole value.

Why: the model sees a table as a short preview (``bot.llm.views``), so when an engineer says
"the SLA deadline is 05:30 now, not 06:00" it can only give the row it changes. The core treats
a correction as the slot's new whole value, so that one row would replace the table (or be
refused as too few rows) and the old 06:00 would stay. Here the corrected rows take the place
of the rows they correct, matched by their first cell (the metric, the component, the issue),
and every other row stays as it was; an entry of a list is matched by its words. A corrected
row that matches nothing is added. The model is told to send only the changed rows.
"""

from __future__ import annotations

import re
from typing import cast

from bot.core.slots import Row, Slot, SlotKind, Value

MATCH_SHARE = 0.5  # of the shorter text's words, for two keys to name the same row
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _key(item: str | Row, slot_def: Slot) -> str:
    return item.get(slot_def.columns[0], "") if isinstance(item, dict) else item


def _text(item: str | Row) -> str:
    return " ".join(item.values()) if isinstance(item, dict) else item


def _same(a: str, b: str) -> float:
    """How much two keys overlap (1.0 when equal), 0 when they share too little."""
    left, right = _words(a), _words(b)
    if not left or not right:
        return 0.0
    share = len(left & right) / min(len(left), len(right))
    return share if share >= MATCH_SHARE else 0.0


def patch_correction(slot_def: Slot, current: Value | None, value: Value) -> Value:
    """``value`` as the whole corrected slot value: for a table or list that held more entries
    than the correction gives, the current value with the matching entries replaced."""
    if slot_def.kind not in (SlotKind.TABLE, SlotKind.ITEMS):
        return value
    if not isinstance(current, list) or not isinstance(value, list):
        return value
    if len(value) >= len(current):
        return value  # the whole list, restated with its change
    merged: list[str | Row] = list(current)
    taken: set[int] = set()
    for item in value:
        key = _key(item, slot_def)
        scores = [  # the key decides; the rest of the row breaks a tie ("HDFS capacity" twice)
            (_same(key, _key(old, slot_def)), len(_words(_text(item)) & _words(_text(old))), index)
            for index, old in enumerate(merged)
            if index not in taken
        ]
        best, _, index = max(scores, default=(0.0, 0, -1))
        if best > 0:
            merged[index] = item
            taken.add(index)
        else:
            merged.append(item)
    return cast(Value, merged)
