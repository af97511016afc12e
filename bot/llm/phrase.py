"""ClaudePhraser: the planner's next questions as one natural message that uses the draft.

The deterministic planner has already chosen *what* to ask; Claude only chooses the words
("You mentioned pgBackRest: how often does it run, and how long are backups kept?"). Any
failure, or a message that does not pass the checks below, returns None and the core uses its
template wording, so a phrasing problem can never stall an interview.

The prompt is small on purpose: the shared rules, the task, the questions and a few known facts
to refer to (what the asked sections already hold, and the system's stack), never the slot
catalogue or the whole draft. Its prefix is far below the API's minimum cacheable size, so it
is sent without a cache breakpoint (``bot.llm.plans``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.contract.lint import find_placeholders
from bot.core.draft import Draft
from bot.intake.redact import neutralise_mentions
from bot.interview.planner import Question
from bot.llm.client import ClaudeClient
from bot.llm.models import PhrasedQuestions
from bot.llm.usage import CallKind
from bot.llm.views import FACT_CHARS, FilledSlot, asked_sections, filled_slots

log = logging.getLogger(__name__)

MAX_CHARS = 900
MAX_FACTS = 6
STACK_SLOTS = ("infrastructure", "architecture")


def acceptable(message: str, *, questions: Sequence[Question]) -> bool:
    """Short, plain, no placeholders, and numbered 1..n when several questions are asked, so
    an answer by number still works if the next extraction falls back to the offline rules."""
    if not message.strip() or len(message) > MAX_CHARS or "```" in message:
        return False
    if find_placeholders(message):
        return False
    if len(questions) > 1:
        for number in range(1, len(questions) + 1):
            if not re.search(rf"(?m)^\s*(?:\*\*)?{number}[.)]\s", message):
                return False
    return True


def known_facts(draft: Draft, questions: Sequence[Question]) -> list[FilledSlot]:
    """The few facts a follow-up can refer to: what the asked sections already hold (a partial
    answer, a neighbouring slot) and the slots that name the system's stack, at most
    ``MAX_FACTS``, each a short preview."""
    sections = asked_sections(q.slot_id for q in questions)
    facts = filled_slots(
        draft, where=lambda s: s.section in sections or s.id in STACK_SLOTS, limit=FACT_CHARS
    )
    near = [f for f in facts if f.id not in STACK_SLOTS]
    stack = [f for f in facts if f.id in STACK_SLOTS]
    return (near + stack)[:MAX_FACTS]


class ClaudePhraser:
    def __init__(self, *, claude: ClaudeClient) -> None:
        self._claude = claude

    def phrase(self, *, draft: Draft, questions: Sequence[Question]) -> str | None:
        if not questions:
            return None
        prompts = self._claude.prompts
        out = self._claude.optional(
            kind=CallKind.PHRASE,
            draft_id=draft.id,
            system=prompts.system(CallKind.PHRASE),
            user=prompts.turn(
                CallKind.PHRASE,
                name=draft.name,
                filled=known_facts(draft, questions),
                questions=list(questions),
            ),
            output=PhrasedQuestions,
        )
        if out is None:
            return None
        message = neutralise_mentions(out.message.strip())
        if not acceptable(message, questions=questions):
            log.info("phrasing for draft %s rejected; using the template", draft.id)
            return None
        return message
