"""What the interview says back: the outcome of one message, and how changes are acknowledged.

Kept apart from the service so that adapters (the terminal, the Slack handlers) depend on the
shape of an answer, not on the machinery that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.draft import Draft, MergeResult
from bot.core.slots import SLOT_BY_ID, Value
from bot.interview import planner as gaps
from bot.rendering.builder import Manual


class InterviewError(Exception):
    """A user-facing problem (bad name, unknown draft): the message is safe to show as is."""


class Kind(StrEnum):
    STARTED = "started"
    EXISTING = "existing"
    QUESTIONS = "questions"
    COMPLETE = "complete"
    DRAFT = "draft"
    STATUS = "status"
    HELP = "help"
    NOTICE = "notice"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: Kind
    draft: Draft
    text: str
    progress: gaps.Progress
    questions: tuple[gaps.Question, ...] = ()
    manual: Manual | None = None
    redacted: tuple[str, ...] = ()  # kinds of credential removed from the message (for a notice)


def describe(value: Value | None) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "..."
    return f"{len(value)} entries"


def describe_change(before: Value | None, after: Value | None) -> str:
    """ "3 entries → 3 entries" tells nobody their correction stuck: for a list or a table,
    say which entry changed, and in a row only the cells that did."""
    if not isinstance(before, list) or not isinstance(after, list):
        return f"{describe(before)} → {describe(after)}"
    gone = [item for item in before if item not in after]
    new = [item for item in after if item not in before]
    if len(gone) == 1 and len(new) == 1:
        old_item, new_item = gone[0], new[0]
        if isinstance(old_item, dict) and isinstance(new_item, dict):
            key = next(iter(new_item.values()), "")
            cells = [
                f"{describe(old_item.get(column) or '—')} → {describe(cell or '—')}"
                for column, cell in new_item.items()
                if cell != old_item.get(column)
            ]
            return f"{describe(key)}: {'; '.join(cells)}" if cells else describe(key)
        return f"{describe(str(old_item))} → {describe(str(new_item))}"
    parts = []
    if new:
        parts.append(f"added {len(new)}")
    if gone:
        parts.append(f"removed {len(gone)}")
    return f"{', '.join(parts) or 'reordered'} ({len(before)} → {len(after)} entries)"


def acknowledge(result: MergeResult) -> list[str]:
    lines = []
    updated = [c for c in result.changes if c.before is not None]
    added = [c for c in result.changes if c.before is None]
    if added:
        labels = ", ".join(SLOT_BY_ID[c.slot_id].label for c in added)
        lines.append(f"Got it: {labels}.")
    for change in updated:
        label = SLOT_BY_ID[change.slot_id].label
        lines.append(f"Updated {label}: {describe_change(change.before, change.after)}.")
    for rejection in result.rejected:
        if rejection.slot_id in SLOT_BY_ID:
            lines.append(f"Not saved: {rejection.reason}.")
    return lines
