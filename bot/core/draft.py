"""Draft state: facts with provenance, and the records of proposing and merging updates.

Facts are append-only. The current value of a slot is its newest fact that has not been
withdrawn; older facts stay as history, so a correction supersedes without destroying, and a
deleted Slack message can withdraw exactly the facts it produced. The rules for accepting a
proposed update (validation, caps, conflicts between engineers) are in ``bot.core.merge``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.core.names import name_key, slugify
from bot.core.slots import SLOT_BY_ID, Value
from bot.core.values import validate


class Op(StrEnum):
    SET = "set"
    APPEND = "append"
    CORRECT = "correct"
    CLEAR = "clear"
    DEFAULT = "default"
    INFERRED = "inferred"


__all__ = ["name_key", "slugify"]  # re-exported: a draft is found by its name key

PROPOSED_OPS = frozenset({Op.SET, Op.APPEND, Op.CORRECT, Op.CLEAR})
# Not a slot: statements an extractor could not place in a section. They are kept as facts
# (with their provenance, withdrawn with their message) and listed in the details file, so
# nothing an engineer said is lost, but they never reach the manual.
NOTES_SLOT = "notes"
MACHINE_OPS = frozenset({Op.DEFAULT, Op.INFERRED})


class DraftStatus(StrEnum):
    INTERVIEWING = "interviewing"
    COMPLETE = "complete"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a draft lives. Every store query is filtered by it (tenancy)."""

    workspace: str
    channel: str


@dataclass(slots=True)
class Fact:
    slot_id: str
    value: Value | None
    op: Op
    author: str | None
    reply_id: int | None
    created_at: datetime
    quote: str | None = None
    id: int | None = None
    withdrawn: bool = False
    # What the slot's rules say about ``value``, worked out once when the fact enters the
    # draft (merge, machine values) or, for a fact read back from storage, on first use.
    checked: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    id: int
    author: str
    text: str
    created_at: datetime
    source_ref: str | None = None


@dataclass(frozen=True, slots=True)
class SlotUpdate:
    """A change an extractor proposes; the core decides whether it is accepted."""

    slot_id: str
    op: Op
    value: Value | None = None
    quote: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """``notes`` are messages for the user; ``leftovers`` are statements about the system the
    extractor could not place in a section (kept for the details file, never in the manual)."""

    updates: tuple[SlotUpdate, ...] = ()
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    leftovers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    slot_id: str
    op: Op
    before: Value | None
    after: Value | None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A proposed value (or one row of it) the merge refused; ``text`` is what was refused, so
    it can still be kept for the details file."""

    slot_id: str
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class MergeResult:
    changes: tuple[Change, ...] = ()
    rejected: tuple[Rejection, ...] = ()


@dataclass(slots=True)
class Draft:
    name: str
    scope: Scope
    owner: str
    created_at: datetime
    updated_at: datetime
    id: int | None = None
    thread_ts: str | None = None
    status: DraftStatus = DraftStatus.INTERVIEWING
    facts: list[Fact] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    version: int = 0

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def current(self, slot_id: str) -> Fact | None:
        for fact in reversed(self.facts):
            if fact.slot_id == slot_id and not fact.withdrawn:
                return None if fact.op is Op.CLEAR else fact
        return None

    def value(self, slot_id: str) -> Value | None:
        fact = self.current(slot_id)
        return None if fact is None else fact.value

    def values(self) -> dict[str, Value]:
        found: dict[str, Value] = {}
        for slot_id in {f.slot_id for f in self.facts} - {NOTES_SLOT}:
            value = self.value(slot_id)
            if value is not None:
                found[slot_id] = value
        return found

    def problems(self, slot_id: str) -> list[str]:
        """Why a slot is not filled yet (empty list when it is), from the fact's own check."""
        fact = self.current(slot_id)
        slot_def = SLOT_BY_ID[slot_id]
        if fact is None or fact.value is None:
            return [f"{slot_def.label} is missing"]
        if fact.checked is None:
            fact.checked = tuple(validate(slot_def, fact.value))
        return list(fact.checked)

    def filled(self, slot_id: str) -> bool:
        return not self.problems(slot_id)

    def machine_slots(self, op: Op = Op.INFERRED) -> list[str]:
        """Slots whose current value the machine filled with ``op``, for the "please check" list."""
        out = []
        for slot_id in SLOT_BY_ID:
            fact = self.current(slot_id)
            if fact is not None and fact.op is op:
                out.append(slot_id)
        return out

    def notes(self) -> list[Fact]:
        """Unplaced statements still standing (their message was not deleted)."""
        return [f for f in self.facts if f.slot_id == NOTES_SLOT and not f.withdrawn]

    def unsaved_facts(self) -> list[Fact]:
        return [f for f in self.facts if f.id is None]

    def withdraw_reply(self, reply_id: int) -> list[str]:
        """Withdraw every fact a reply produced (the message was deleted or edited)."""
        touched = []
        for fact in self.facts:
            if fact.reply_id == reply_id and not fact.withdrawn:
                fact.withdrawn = True
                touched.append(fact.slot_id)
        return touched
