"""ClaudeCondenser: shorter prose for an over-budget manual, with nothing a responder needs lost.

Claude rewrites whole sentences better than the deterministic condenser, which can only drop
units of text. But a rewrite can also silently lose "15 minutes" or `pg_ctl promote`, so code
checks every rewritten field against its original (``bot.llm.grounding.keeps_facts``): every
number, backticked command, path, URL, identifier and mid-sentence name must still be there, and
the field must be shorter.
A field that fails is kept as it was; if no field passes, the answer is None and the
deterministic fitter (``bot.rendering.fit``), which gives up the least-needed words, does the
work. It also runs after this one whenever the manual is still too long.
"""

from __future__ import annotations

import logging

from bot.contract.lint import find_placeholders
from bot.core.slots import SLOT_BY_ID, SLOTS, SlotKind, Value
from bot.llm.client import ClaudeClient
from bot.llm.grounding import keeps_facts
from bot.llm.models import Condensed
from bot.llm.usage import CallKind
from bot.observability import record_llm_condensed
from bot.rendering.protected import known_names, value_words

log = logging.getLogger(__name__)

MAX_FIELDS = 16


def _candidates(values: dict[str, Value], over_by: int) -> list[str]:
    """Prose fields most worth shortening: the furthest over their word budget first (on a
    long conversation a handful of rambling fields hold most of the surplus; a field already
    within budget, such as a short default, has nothing to give), then the least important."""
    prose = [
        s
        for s in SLOTS
        if s.kind is SlotKind.TEXT
        and isinstance(values.get(s.id), str)
        and value_words(values[s.id]) > max(3, s.budget)
    ]
    prose.sort(key=lambda s: (s.budget - value_words(values[s.id]), -s.priority))
    chosen: list[str] = []
    surplus = 0
    for slot_def in prose:
        if len(chosen) >= MAX_FIELDS or surplus >= 2 * over_by:
            break
        chosen.append(slot_def.id)
        surplus += value_words(values[slot_def.id]) - slot_def.budget
    return chosen


class ClaudeCondenser:
    def __init__(self, *, claude: ClaudeClient) -> None:
        self._claude = claude

    def condense(
        self, *, values: dict[str, Value], over_by: int, draft_id: int | None = None
    ) -> dict[str, Value] | None:
        """A copy of ``values`` with some prose fields shortened, or None if nothing passed."""
        chosen = _candidates(values, over_by)
        if over_by <= 0 or not chosen:
            return None
        fields = [
            {
                "id": slot_id,
                "budget": SLOT_BY_ID[slot_id].budget,
                "words": value_words(values[slot_id]),
                "text": values[slot_id],
            }
            for slot_id in chosen
        ]
        prompts = self._claude.prompts
        out = self._claude.optional(
            kind=CallKind.CONDENSE,
            draft_id=draft_id,
            system=prompts.system(CallKind.CONDENSE),
            user=prompts.turn(CallKind.CONDENSE, over_by=over_by, fields=fields),
            output=Condensed,
        )
        if out is None:
            return None
        names = known_names(values)
        result = dict(values)
        accepted: list[str] = []
        rejected: list[str] = []
        for field in out.fields:
            original = values.get(field.slot_id)
            shorter = " ".join(field.text.split())
            if field.slot_id not in chosen or not isinstance(original, str):
                continue
            ok = (
                bool(shorter)
                and value_words(shorter) < value_words(original)
                and not find_placeholders(shorter)
                and keeps_facts(original, shorter, names=names)
            )
            (accepted if ok else rejected).append(field.slot_id)
            if ok:
                result[field.slot_id] = shorter
        record_llm_condensed(accepted=len(accepted), rejected=len(rejected))
        if rejected:
            log.info("draft %s: kept %s, whose shortening lost facts", draft_id, rejected)
        return result if accepted else None
