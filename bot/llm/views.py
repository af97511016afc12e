"""What Claude is shown: the slot catalogue (stable, cached) and a compact draft (per turn).

Cost is the point of every choice here. The catalogue is one short line per slot (id, shape,
word budget, label unless the id says it, a keyword people use), under the manual's section
titles, followed in the prompt by a one-line definition (``prompts/definitions.txt``): the
shapes come from the schema, the meaning from the definition. The per-turn draft is a compact
view of every current value: previews of up to ``PREVIEW_CHARS`` for the slots in the sections
being asked about, and of ``OTHER_CHARS`` elsewhere, so the model can tell a restatement from a
correction anywhere in the draft while a turn's prompt grows by a few words per filled slot,
never with the transcript. Code compares full values wherever it matters (``merge`` decides
conflicts on the stored values; ``bot.llm.grounding`` reads the full current value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.core.draft import MACHINE_OPS, Draft
from bot.core.outline import OUTLINE
from bot.core.slots import SLOT_BY_ID, SLOTS, Slot, SlotKind, Value

PREVIEW_CHARS = 90  # enough to tell set from correct; code compares full values
OTHER_CHARS = 40  # outside the asked sections: enough to recognise a restatement
FACT_CHARS = 70  # a known fact a follow-up question may refer to
MAX_KEYWORDS = 1
SECTION_TITLES = {section.number: section.title for section in OUTLINE}


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    id: str
    section: int
    shape: str  # "" for text, the default kind
    budget: int
    label: str  # "" when the id already says it
    keywords: tuple[str, ...]

    @property
    def line(self) -> str:
        """``id: shape budget label (keyword)``, e.g. ``rto: duration 4w (recovery time)`` or
        ``db_cleanup: 8w Cleanup tasks (purge)``."""
        parts = [f"{self.id}:"]
        parts += [self.shape] if self.shape else []
        parts += [f"{self.budget}w"]
        parts += [self.label] if self.label else []
        parts += [f"({', '.join(self.keywords)})"] if self.keywords else []
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class CatalogueSection:
    number: int
    title: str
    entries: tuple[CatalogueEntry, ...]


@dataclass(frozen=True, slots=True)
class FilledSlot:
    id: str
    preview: str
    proposed: bool  # a default or inference, not an engineer's words


@dataclass(frozen=True, slots=True)
class DraftView:
    """The draft as one turn shows it: longer previews where the conversation is."""

    shown: tuple[FilledSlot, ...]  # in the asked sections (or everything, with nothing asked)
    others: tuple[FilledSlot, ...]  # elsewhere, shorter


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    id: str
    text: str
    problem: str


_FILLER = frozenset({"key", "system", "the", "of", "and"})


def _words(text: str) -> set[str]:
    """Words as 5-letter stems, so "recover" and "recovery" count as the same word."""
    words = text.casefold().replace("_", " ").replace("-", " ").split()
    return {w[:5] for w in words if w not in _FILLER}


def _shape(slot_def: Slot) -> str:
    if slot_def.kind is SlotKind.TABLE:
        least = f", {slot_def.min_items}+ rows" if slot_def.min_items > 1 else ""
        return f"table [{', '.join(slot_def.columns)}{least}]"
    if slot_def.kind is SlotKind.ITEMS and slot_def.exact_items:
        return f"items [exactly {slot_def.exact_items}]"
    if slot_def.kind is SlotKind.ITEMS and slot_def.min_items > 1:
        return f"items [{slot_def.min_items}+]"
    return "" if slot_def.kind is SlotKind.TEXT else slot_def.kind.value


def _label(slot_def: Slot) -> str:
    """The label, unless the id already says it ("rollback", "Rollback")."""
    return "" if _words(slot_def.label) <= _words(slot_def.id) else slot_def.label


def _keywords(slot_def: Slot) -> tuple[str, ...]:
    """Up to ``MAX_KEYWORDS`` keywords the id and label do not already say (what people call
    it: "purge" for cleanup tasks, "failover" for recovery steps)."""
    said = _words(f"{slot_def.id} {slot_def.label}")
    chosen: list[str] = []
    for keyword in slot_def.keywords:
        words = _words(keyword) | {keyword.casefold().replace(" ", "")[:5]}
        if words & said:
            continue
        chosen.append(keyword.casefold())
        said |= words
        if len(chosen) == MAX_KEYWORDS:
            break
    return tuple(chosen)


def entry(slot_def: Slot) -> CatalogueEntry:
    return CatalogueEntry(
        id=slot_def.id,
        section=slot_def.section,
        shape=_shape(slot_def),
        budget=slot_def.budget,
        label=_label(slot_def),
        keywords=_keywords(slot_def),
    )


def catalogue() -> list[CatalogueSection]:
    """Every slot in manual order under its section title, the same text on every call, so
    the prefix that holds it stays cacheable."""
    sections: dict[int, list[CatalogueEntry]] = {}
    for slot_def in SLOTS:
        sections.setdefault(slot_def.section, []).append(entry(slot_def))
    return [
        CatalogueSection(number, SECTION_TITLES.get(number, ""), tuple(entries))
        for number, entries in sections.items()
    ]


def _clip(text: str, limit: int = PREVIEW_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preview(value: Value, limit: int = PREVIEW_CHARS) -> str:
    """One line per slot: prose clipped, lists as "a; b; c", table rows as "x | y | z"."""
    if isinstance(value, str):
        return _clip(value, limit)
    parts = [" | ".join(v.values()) if isinstance(v, dict) else str(v) for v in value]
    return _clip(f"({len(parts)}) " + "; ".join(parts), limit + 40)


def filled_slots(
    draft: Draft, *, where: Callable[[Slot], bool] | None = None, limit: int = PREVIEW_CHARS
) -> list[FilledSlot]:
    """Current values as previews, in manual order; ``where`` narrows them to what a task needs."""
    out = []
    for slot_def in SLOTS:
        if where is not None and not where(slot_def):
            continue
        fact = draft.current(slot_def.id)
        if fact is None or fact.value is None:
            continue
        out.append(FilledSlot(slot_def.id, preview(fact.value, limit), fact.op in MACHINE_OPS))
    return out


def asked_sections(asked: Iterable[str]) -> set[int]:
    return {SLOT_BY_ID[s].section for s in asked if s in SLOT_BY_ID}


def draft_view(draft: Draft, asked: Sequence[str]) -> DraftView:
    """For extraction: every filled slot, previewed at ``PREVIEW_CHARS`` in the asked sections
    (what the reply most likely adds to or restates) and at ``OTHER_CHARS`` elsewhere (enough
    to tell "correct" from a blind "set"). With nothing asked (a correction after the manual is
    finished) every filled slot gets the longer preview."""
    if not asked:
        return DraftView(tuple(filled_slots(draft)), ())
    sections = asked_sections(asked)
    shown = filled_slots(draft, where=lambda s: s.section in sections)
    others = filled_slots(draft, where=lambda s: s.section not in sections, limit=OTHER_CHARS)
    return DraftView(tuple(shown), tuple(others))


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
