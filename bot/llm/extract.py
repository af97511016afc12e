"""ClaudeExtractor: a reply in, proposed slot operations out, never a lost reply.

Incremental by design: each call sends the cached prefix, a compact draft narrowed to the
sections being asked about (ids only for the rest, ``views.draft_view``), the questions just
asked and the new reply, never the transcript, so the cost of a turn does not grow with the
length of the conversation. What comes back is checked here before the core checks it again:

- each operation must quote the reply (a value with no support in the reply is dropped, which
  also stops a model that was talked into inventing values);
- values are coerced to the slot's shape; the core's ``merge`` validates ids and values, and
  holds back a plain SET that contradicts another engineer as a conflict to ask about (it
  knows the reply's author; this adapter does not need to).

When Claude gives no usable answer (after the SDK's retries and one re-ask), the offline rules
process the same reply and a short note says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from bot.core.draft import Draft, Extraction, Op, SlotUpdate
from bot.core.slots import SLOT_BY_ID
from bot.interview.ports import Extractor
from bot.llm.client import ClaudeClient
from bot.llm.errors import LLMError, LLMRefused
from bot.llm.models import ExtractionOut, to_value
from bot.llm.prompts import defang
from bot.llm.usage import CallKind
from bot.llm.views import asked_questions, draft_view

log = logging.getLogger(__name__)

MAX_TOKENS = 4096
QUOTE_LIMIT = 1_000
FALLBACK_NOTE = "Claude was unavailable, so I used the offline rules for this reply."
REFUSED_NOTE = "Claude declined to read this reply, so I used the offline rules for it."
_WORD = re.compile(r"[^\W_]+(?:[-'./:][^\W_]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_STRIP = " \t\n\"'“”‘’`.,;:!?()[]"


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def supported(quote: str, reply: str) -> bool:
    """Whether ``quote`` is in ``reply``: verbatim pieces (split at "..."), ignoring case,
    spacing and surrounding punctuation, or failing that 80% of its words."""
    pieces = [_norm(p).strip(_STRIP) for p in _ELLIPSIS.split(quote)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return False
    haystack = _norm(reply)
    if all(p in haystack for p in pieces):
        return True
    words = [w for w in _WORD.findall(_norm(quote)) if len(w) > 2]
    present = set(_WORD.findall(haystack))
    return bool(words) and sum(w in present for w in words) >= 0.8 * len(words)


def to_extraction(
    out: ExtractionOut, *, reply: str, asked: Sequence[str]
) -> tuple[Extraction, int]:
    """The model's answer as core updates; returns the extraction and how many were dropped.

    "Unknown" may only name questions that were just asked: the core skips those slots, so a
    model talked into calling *everything* unknown would otherwise end the interview.
    """
    updates: dict[str, SlotUpdate] = {}
    dropped = 0
    for operation in out.operations:
        slot_def = SLOT_BY_ID.get(operation.slot_id)
        op = Op(operation.op)
        if not supported(operation.quote, reply):
            dropped += 1
            continue
        quote = " ".join(operation.quote.split())[:QUOTE_LIMIT]
        if slot_def is None:  # passed on: the core rejects unknown slots, on the record
            updates[operation.slot_id] = SlotUpdate(operation.slot_id, op, None, quote)
            continue
        value = None if op is Op.CLEAR else to_value(slot_def, operation.value)
        if op is not Op.CLEAR and value is None:
            dropped += 1
            continue
        if operation.slot_id in updates:  # two operations on one slot: the later one wins
            dropped += 1
        updates[operation.slot_id] = SlotUpdate(operation.slot_id, op, value, quote)
    unknown = tuple(dict.fromkeys(s for s in out.unknown if s in asked and s not in updates))
    return Extraction(tuple(updates.values()), unknown), dropped


class ClaudeExtractor:
    """The Extractor port on Claude, with the offline extractor as its safety net."""

    def __init__(self, *, claude: ClaudeClient, fallback: Extractor) -> None:
        self._claude = claude
        self._fallback = fallback

    @property
    def name(self) -> str:
        return f"claude ({self._claude.model})"

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        try:
            return self._ask(draft=draft, asked=asked, text=text)
        except LLMError as exc:
            log.warning("extraction for draft %s fell back to offline rules: %s", draft.id, exc)
            note = REFUSED_NOTE if isinstance(exc, LLMRefused) else FALLBACK_NOTE
            return self._offline(draft=draft, asked=asked, text=text, note=note)
        except Exception:  # a bug here must cost the engineer a better reading, not the reply
            log.exception("extraction for draft %s failed; using offline rules", draft.id)
            return self._offline(draft=draft, asked=asked, text=text, note=FALLBACK_NOTE)

    def _ask(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        prompts = self._claude.prompts
        out = self._claude.structured(
            kind=CallKind.EXTRACT,
            draft_id=draft.id,
            system=prompts.system(CallKind.EXTRACT),
            user=prompts.turn(
                CallKind.EXTRACT,
                name=draft.name,
                status=draft.status.value,
                view=draft_view(draft, asked),
                asked=asked_questions(draft, asked),
                reply=text,
            ),
            output=ExtractionOut,
            max_tokens=MAX_TOKENS,
        )
        extraction, dropped = to_extraction(out, reply=defang(text), asked=asked)
        if dropped:
            log.info("draft %s: dropped %d unsupported or unusable operations", draft.id, dropped)
        return extraction

    def _offline(self, *, draft: Draft, asked: Sequence[str], text: str, note: str) -> Extraction:
        extraction = self._fallback.extract(draft=draft, asked=asked, text=text)
        return replace(extraction, notes=(*extraction.notes, note))
