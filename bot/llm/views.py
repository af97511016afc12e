"""What Claude is shown: the slot catalogue (stable, cached) and a compact draft (per turn).

The point of the compact draft is cost: an interview's prompt grows with the *facts* it has,
shortened to a preview each, not with the transcript. A preview is enough to tell "set" from
"correct" and to phrase a follow-up; code compares full values wherever it matters (conflicts).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.manual.draft import MACHINE_OPS, Draft
from bot.manual.schema import SLOT_BY_ID, SLOTS, Slot, SlotKind, Value

PREVIEW_CHARS = 90  # enough to tell set from correct; code compares full values


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    id: str
    kind: str
    subsection: str
    label: str
    about: str
    shape: str
    budget: int
    asked: bool


@dataclass(frozen=True, slots=True)
class FilledSlot:
    id: str
    preview: str
    proposed: bool  # a default or inference, not an engineer's words


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    id: str
    text: str
    problem: str


def _shape(slot_def: Slot) -> str:
    if slot_def.kind is SlotKind.TABLE:
        least = f", at least {slot_def.min_items} rows" if slot_def.min_items > 1 else ""
        return f"rows of [{', '.join(slot_def.columns)}]{least}"
    if slot_def.kind is SlotKind.ITEMS:
        if slot_def.exact_items:
            return f"exactly {slot_def.exact_items} items, in order"
        return "items, in order"
    if slot_def.kind is SlotKind.DURATION:
        return "a duration such as '4 hours'"
    return "short prose"


def catalogue() -> list[CatalogueEntry]:
    """Every slot, in manual order, described the same way on every call (cache-stable)."""
    entries = []
    for slot_def in SLOTS:
        about = slot_def.question.replace("{name}", "the system")
        if slot_def.hint:
            about += f" ({slot_def.hint})"
        entries.append(
            CatalogueEntry(
                id=slot_def.id,
                kind=slot_def.kind.value,
                subsection=slot_def.subsection,
                label=slot_def.label,
                about=about,
                shape=_shape(slot_def),
                budget=slot_def.budget,
                asked=slot_def.ask,
            )
        )
    return entries


def _clip(text: str, limit: int = PREVIEW_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preview(value: Value) -> str:
    """One line per slot: prose clipped, lists as "a; b; c", table rows as "x | y | z"."""
    if isinstance(value, str):
        return _clip(value)
    parts = [" | ".join(v.values()) if isinstance(v, dict) else str(v) for v in value]
    return _clip(f"({len(parts)}) " + "; ".join(parts), PREVIEW_CHARS + 40)


def filled_slots(draft: Draft, *, sections: Collection[int] | None = None) -> list[FilledSlot]:
    """Current values as previews; ``sections`` narrows them to what a task needs (phrasing
    questions about monitoring needs the overview and monitoring facts, not the security ones)."""
    out = []
    for slot_def in SLOTS:
        if sections is not None and slot_def.section not in sections:
            continue
        fact = draft.current(slot_def.id)
        if fact is None or fact.value is None:
            continue
        out.append(FilledSlot(slot_def.id, preview(fact.value), fact.op in MACHINE_OPS))
    return out


def asked_questions(draft: Draft, asked: Sequence[str]) -> list[AskedQuestion]:
    out = []
    for slot_id in dict.fromkeys(asked):
        slot_def = SLOT_BY_ID.get(slot_id)
        if slot_def is None:
            continue
        text = (slot_def.question or slot_def.label).replace("{name}", draft.name)
        problems = draft.problems(slot_id) if draft.value(slot_id) is not None else []
        out.append(AskedQuestion(slot_id, text, problems[0] if problems else ""))
    return out
