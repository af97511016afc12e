"""What is still missing, and which (at most three, related) questions to ask next.

The planner is deterministic so the terminal and Slack ask the same things in the same order:
take the most important missing slot, then fill the message with missing slots from the same
subsection, then the same section, so one message never mixes unrelated topics.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.draft import Draft, DraftStatus
from bot.core.outline import OUTLINE
from bot.core.slots import SLOT_BY_ID, SLOTS, Slot, SlotKind

MAX_QUESTIONS = 3
BAR_WIDTH = 10


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    slot_id: str
    text: str
    hint: str = ""
    problem: str = ""

    def format(self) -> str:
        parts = [f"{self.number}. {self.text}"]
        if self.problem:
            parts.append(f"({self.problem})")
        if self.hint:
            parts.append(f"_Format: {self.hint}_")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SectionProgress:
    number: int
    title: str
    filled: int
    total: int

    @property
    def complete(self) -> bool:
        return self.filled >= self.total


@dataclass(frozen=True, slots=True)
class Progress:
    sections: tuple[SectionProgress, ...]

    @property
    def done(self) -> int:
        return sum(1 for s in self.sections if s.complete)

    @property
    def total(self) -> int:
        return len(self.sections)

    def bar(self) -> str:
        """A text bar of sections, e.g. "[######----] 6/10 sections", same in Slack and a tty."""
        filled = round(BAR_WIDTH * self.done / self.total) if self.total else BAR_WIDTH
        return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self.done}/{self.total} sections"


def _handled(draft: Draft, slot_def: Slot) -> bool:
    return draft.filled(slot_def.id) or slot_def.id in draft.skipped


def missing(draft: Draft) -> list[Slot]:
    """Askable slots with no valid value that the user has not skipped, most important first."""
    order = {s.id: i for i, s in enumerate(SLOTS)}
    pending = [s for s in SLOTS if s.ask and not _handled(draft, s)]
    return sorted(pending, key=lambda s: (s.priority, order[s.id]))


def is_complete(draft: Draft) -> bool:
    return not missing(draft)


def progress(draft: Draft) -> Progress:
    """Sections count as complete when all their askable slots are answered or skipped.

    A section with no askable slots (10. Documentation & Training) is proposed from context at
    the end, so it counts as complete from the start rather than blocking the bar at 9/10.
    """
    rows = []
    for section in OUTLINE:
        askable = [s for s in SLOTS if s.section == section.number and s.ask]
        filled = sum(1 for s in askable if _handled(draft, s))
        rows.append(SectionProgress(section.number, section.title, filled, len(askable)))
    return Progress(tuple(rows))


def _problem(draft: Draft, slot_def: Slot) -> str:
    """Say what is wrong with a partial answer (2 of 3 metrics) so only the rest is asked."""
    if draft.value(slot_def.id) is None:
        return ""
    problems = draft.problems(slot_def.id)
    if not problems:
        return ""
    value = draft.value(slot_def.id)
    have = len(value) if isinstance(value, list) else 0
    if slot_def.kind in (SlotKind.TABLE, SlotKind.ITEMS) and have:
        return f"I have {have} so far: {problems[0]}"
    return problems[0]


def plan_next(draft: Draft, *, limit: int = MAX_QUESTIONS) -> list[Question]:
    pending = missing(draft)
    if not pending:
        return []
    lead = pending[0]
    same_sub = [s for s in pending[1:] if s.subsection == lead.subsection]
    same_section = [
        s for s in pending[1:] if s.section == lead.section and s.subsection != lead.subsection
    ]
    chosen = [lead, *same_sub, *same_section][:limit]
    # Keep the spec's order inside one message so answers read naturally top to bottom.
    slot_order = {s.id: i for i, s in enumerate(SLOTS)}
    chosen.sort(key=lambda s: slot_order[s.id])
    return [
        Question(
            number=index,
            slot_id=slot_def.id,
            text=slot_def.question.replace("{name}", draft.name),
            hint=slot_def.hint,
            problem=_problem(draft, slot_def),
        )
        for index, slot_def in enumerate(chosen, start=1)
    ]


def format_questions(questions: list[Question]) -> str:
    if not questions:
        return ""
    lines = [q.format() for q in questions]
    if len(questions) > 1:
        lines.append("Answer in one message, numbering your answers (1. … 2. …) or one per line.")
    return "\n".join(lines)


def reminder(questions: list[Question]) -> str:
    """One line for questions the thread already shows: asking the same block after every
    reply that answered something else buries the conversation."""
    labels = ", ".join(SLOT_BY_ID[q.slot_id].label for q in questions)
    return f"Still open from my last questions: {labels}. Answer any time, or say `skip`."


def move_on(draft: Draft) -> list[str]:
    """Never ask the same questions twice after a real answer nothing could place.

    The reply is kept (as facts elsewhere or as notes for the details file), so the open
    questions are skipped and proposed at the end, and the user is told how to set them.
    """
    stuck = [s for s in draft.asked if s in SLOT_BY_ID and not draft.filled(s)]
    if not stuck or draft.status is DraftStatus.COMPLETE:
        return []
    draft.skipped.update(stuck)
    labels = ", ".join(SLOT_BY_ID[s].label for s in stuck)
    example = SLOT_BY_ID[stuck[0]].label
    return [
        f"I'll propose {labels} at the end so we can move on; to set one, say "
        f"`actually {example} is …`."
    ]
