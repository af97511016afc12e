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


def acknowledge(result: MergeResult) -> list[str]:
    lines = []
    updated = [c for c in result.changes if c.before is not None]
    added = [c for c in result.changes if c.before is None]
    if added:
        labels = ", ".join(SLOT_BY_ID[c.slot_id].label for c in added)
        lines.append(f"Got it: {labels}.")
    for change in updated:
        label = SLOT_BY_ID[change.slot_id].label
        lines.append(f"Updated {label}: {describe(change.before)} → {describe(change.after)}.")
    for rejection in result.rejected:
        if rejection.slot_id in SLOT_BY_ID:
            lines.append(f"Not saved: {rejection.reason}.")
    return lines
