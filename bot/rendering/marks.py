"""The marker that tells a reader "the bot proposed this; no engineer said it".

An on-call engineer must never mistake a guess for a fact: a proposed `GET /health` beside the
team's real `/healthz` would send them to the wrong endpoint. Every proposed (default or
inferred) text, list entry or table row carries the mark, and the manual has a one-line legend.
The mark is a symbol rather than a word, so marking costs none of the 800 words.
"""

from __future__ import annotations

from bot.core.slots import SLOT_BY_ID, SlotKind, Value

MARK = "†"
LEGEND = f"{MARK} = proposed by opsmanual, not stated by the team; check before use."
_SUFFIX = f" {MARK}"


def marked(text: str) -> bool:
    return text.rstrip().endswith(MARK)


def unmark(text: str) -> str:
    return text.rstrip().removesuffix(MARK).rstrip()


def _mark(text: str) -> str:
    return text if marked(text) else text.rstrip() + _SUFFIX


def _key(entry: object) -> str:
    if isinstance(entry, dict):
        entry = next(iter(entry.values()), "")
    return " ".join(str(entry).casefold().split())


def mark_value(slot_id: str, value: Value, *, human: Value | None = None) -> Value:
    """``value`` with every entry an engineer did not give marked.

    ``human`` is what the engineers last said for the slot, if anything: entries of a list the
    bot completed keep no mark when they came from there, so only the bot's additions are marked.
    """
    slot_def = SLOT_BY_ID[slot_id]
    if isinstance(value, str):
        return _mark(value)
    given = {_key(e) for e in human} if isinstance(human, list) else set()
    if slot_def.kind is SlotKind.TABLE:
        first = slot_def.columns[0]
        out = []
        for row in value:
            if isinstance(row, dict) and _key(row) not in given:
                row = {**row, first: _mark(row.get(first, ""))}
            out.append(row)
        return out  # type: ignore[return-value]
    return [_mark(str(i)) if _key(i) not in given else str(i) for i in value]
