"""ClaudeInferrer: context-specific proposals for the gaps left when an interview finishes.

Claude sees the compact draft and the catalogue lines of the empty slots (not the whole
catalogue), and proposes values written for *this* system. Each proposal must pass the slot's
own validation, carry no placeholder, and stay within the slot's word budget; anything else is
dropped so the deterministic defaults fill that slot instead. The core records the survivors
as ``Op.INFERRED`` and lists them for review ("Inferred, please check").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.contract.lint import find_placeholders
from bot.core.draft import Draft
from bot.core.slots import SLOT_BY_ID, Value, value_texts
from bot.core.values import normalise, validate
from bot.llm.client import ClaudeClient
from bot.llm.models import Proposals, to_value
from bot.llm.usage import CallKind
from bot.llm.views import entry, filled_slots
from bot.rendering.protected import value_words

log = logging.getLogger(__name__)

# Slot budgets add up to the 800-word manual, and inferred text is the least valuable in it, so
# a proposal must fit its slot's budget (the deterministic default for that slot always does).


class ClaudeInferrer:
    def __init__(self, *, claude: ClaudeClient) -> None:
        self._claude = claude

    def infer(self, *, draft: Draft, slot_ids: Sequence[str]) -> dict[str, Value]:
        wanted = [s for s in dict.fromkeys(slot_ids) if s in SLOT_BY_ID]
        if not wanted:
            return {}
        prompts = self._claude.prompts
        out = self._claude.optional(
            kind=CallKind.INFER,
            draft_id=draft.id,
            system=prompts.system(CallKind.INFER),
            user=prompts.turn(
                CallKind.INFER,
                name=draft.name,
                filled=filled_slots(draft),
                slots=[entry(SLOT_BY_ID[s]) for s in wanted],
                slot_ids=wanted,
            ),
            output=Proposals,
        )
        if out is None:
            return {}
        found: dict[str, Value] = {}
        for proposal in out.proposals:
            if proposal.slot_id not in wanted or proposal.slot_id in found:
                continue
            slot_def = SLOT_BY_ID[proposal.slot_id]
            raw = to_value(slot_def, proposal.value)
            if raw is None:
                continue
            value = normalise(slot_def, raw)
            if validate(slot_def, value):
                continue
            if any(find_placeholders(text) for text in value_texts(value)):
                continue
            if value_words(value) > slot_def.budget:
                continue
            found[proposal.slot_id] = value
        dropped = len(out.proposals) - len(found)
        if dropped:
            log.info("draft %s: dropped %d inferred proposals", draft.id, dropped)
        return found
