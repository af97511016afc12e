"""ClaudePhraser: the planner's next questions as one natural message that uses the draft.

The deterministic planner has already chosen *what* to ask; Claude only chooses the words
("You mentioned pgBackRest: how often does it run, and how long are backups kept?"). Any
failure, or a message that does not pass the checks below, returns None and the core uses its
template wording, so a phrasing problem can never stall an interview.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.llm.client import ClaudeClient
from bot.llm.errors import LLMError
from bot.llm.models import PhrasedQuestions
from bot.llm.usage import CallKind
from bot.llm.views import filled_slots
from bot.manual.draft import Draft
from bot.manual.gaps import Question
from bot.manual.lint import find_placeholders
from bot.manual.redact import neutralise_mentions
from bot.manual.schema import SLOT_BY_ID

log = logging.getLogger(__name__)

MAX_TOKENS = 600
MAX_CHARS = 900


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


def _related(questions: Sequence[Question]) -> set[int]:
    """The overview plus the sections being asked about: what a follow-up can refer to."""
    return {1} | {SLOT_BY_ID[q.slot_id].section for q in questions if q.slot_id in SLOT_BY_ID}


class ClaudePhraser:
    def __init__(self, *, claude: ClaudeClient) -> None:
        self._claude = claude

    def phrase(self, *, draft: Draft, questions: Sequence[Question]) -> str | None:
        if not questions:
            return None
        prompts = self._claude.prompts
        try:
            out = self._claude.structured(
                kind=CallKind.PHRASE,
                draft_id=draft.id,
                system=prompts.system(CallKind.PHRASE),
                user=prompts.turn(
                    CallKind.PHRASE,
                    name=draft.name,
                    filled=filled_slots(draft, sections=_related(questions)),
                    questions=list(questions),
                ),
                output=PhrasedQuestions,
                max_tokens=MAX_TOKENS,
            )
        except LLMError as exc:
            log.info("phrasing for draft %s fell back to the template: %s", draft.id, exc)
            return None
        except Exception:  # an optional feature must never break the interview
            log.exception("phrase failed unexpectedly; the deterministic path takes over")
            return None
        message = neutralise_mentions(out.message.strip())
        if not acceptable(message, questions=questions):
            log.info("phrasing for draft %s rejected; using the template", draft.id)
            return None
        return message
