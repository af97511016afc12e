"""What one reply has yielded so far: the accumulator the offline extractor's passes share.

The offline extractor reads a reply in passes (``corrections``, the answers in ``offline``,
``pickups``), each in its own module, and all of them write into one ``Findings``. It lives
apart so those modules need not import each other. Its one rule: the first finding for a slot
wins, and a slot marked "don't know" gets no value, so an earlier pass always beats a later one;
only prose appended in a second pass adds to what the first found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.draft import Op, SlotUpdate
from bot.core.slots import Value
from bot.extraction.offline.textparse import MAX_ROWS, squash

SCAN_LIMIT = 8_000  # rule-3 and rule-4 scanning looks at this much of a reply, no more
QUOTE_LIMIT = 1_000


@dataclass(slots=True)
class Findings:
    updates: dict[str, SlotUpdate] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, slot_id: str, op: Op, value: Value | None, quote: str) -> None:
        if slot_id in self.unknown:
            return
        earlier = self.updates.get(slot_id)
        if earlier is None:
            self.updates[slot_id] = SlotUpdate(slot_id, op, value, squash(quote)[:QUOTE_LIMIT])
        elif op is Op.APPEND and earlier.op is Op.APPEND and value is not None:
            # prose placed in a second pass adds to what the first pass found
            joined = squash(f"{earlier.quote} {quote}")[:QUOTE_LIMIT]
            self.updates[slot_id] = SlotUpdate(slot_id, op, _combine(earlier.value, value), joined)

    def dont_know(self, slot_id: str) -> None:
        if slot_id not in self.updates and slot_id not in self.unknown:
            self.unknown.append(slot_id)


def _combine(first: Value | None, second: Value) -> Value:
    if isinstance(first, str) and isinstance(second, str):
        return f"{first} {second}" if first.endswith((".", "!", "?")) else f"{first}; {second}"
    if isinstance(first, list) and isinstance(second, list):
        return [*first, *second][:MAX_ROWS]  # a 50 KB paste read in two passes stays in bounds
    return second if first is None else first
