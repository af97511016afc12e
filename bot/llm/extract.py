"""ClaudeExtractor: a reply in, proposed slot operations out, never a lost reply.

Incremental by design: each call sends the cached prefix, a compact view of the draft (full
previews near the questions, short ones elsewhere, ``views.draft_view``), the questions just
asked and the new reply, never the transcript, so the cost of a turn does not grow with the
length of the conversation. What comes back is checked here before the core checks it again:

- each operation must quote the reply (a value with no support in the reply is dropped, which
  also stops a model that was talked into inventing values);
- every number and identifier in a value must appear in the reply, or in the slot's current
  value for an operation that restates it (``bot.llm.grounding``): a real quote paired with an
  invented value is dropped; list items and table rows are checked one by one;
- values are coerced to the slot's shape; the core's ``merge`` validates ids and values, and
  holds back a plain SET that contradicts another engineer as a conflict to ask about (it
  knows the reply's author; this adapter does not need to).

When Claude gives no usable answer (after the SDK's retries and one re-ask, or at once while
the circuit breaker is open), the offline rules process the same reply and a short note says
why. When Claude answers but leaves nothing usable in a reply where the offline rules do find
facts, those facts are used, and a note says they came from the offline rules; how often that
happens is counted (``opsmanual_llm_extractions_total{result="rescued"}``). Only precise
facts are rescued, and only into empty slots: a value that states a number or an identifier
and is not the reply itself. When the rules take the whole reply as the answer to the question
asked (their "never stuck" rule), or route a sentence by a keyword ("debugging" for diagnostic
commands), they guess at what the reply means, which Claude, having read it, already declined.
On the realistic conversations every such guess was chatter, a pasted credential's preamble or
an instruction to the bot: "did anyone see the email about the parking garage?" became a
startup step, and the next engineer's real steps were then held back as a conflict with it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from bot.core.draft import Draft, Extraction, Op, SlotUpdate
from bot.core.slots import SLOT_BY_ID, Row, Value, value_texts
from bot.interview.ports import Extractor
from bot.llm.client import ClaudeClient
from bot.llm.corrections import patch_correction
from bot.llm.errors import LLMCircuitOpen, LLMError, LLMRefused, LLMRequestError
from bot.llm.grounding import Sources, ungrounded
from bot.llm.models import ExtractionOut, to_value
from bot.llm.prompts import defang
from bot.llm.usage import CallKind
from bot.llm.views import asked_questions, draft_view
from bot.observability import record_llm_dropped, record_llm_extraction

log = logging.getLogger(__name__)

QUOTE_LIMIT = 1_000
FALLBACK_NOTE = "Claude was unavailable, so I used the offline rules for this reply."
REFUSED_NOTE = "Claude declined to read this reply, so I used the offline rules for it."
PAUSED_NOTE = (
    "Claude is paused after repeated failures, so I used the offline rules for this reply."
)
MISCONFIGURED_NOTE = (
    "Claude rejected the request ({detail}), so I used the offline rules for this reply; "
    "an admin can see why on /health."
)
RESCUED_NOTE = "Claude found nothing to record here; the offline rules found {slots}."
_WORD = re.compile(r"[^\W_]+(?:[-'./:][^\W_]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_STRIP = " \t\n\"'“”‘’`.,;:!?()[]"
GUESS_SHARE = 0.8  # an offline value holding this much of the reply's words is the reply itself
_STRONG = re.compile(r"\d|`[^`]+`|[/\\@#$_=~%]|\w\.\w")
_REDACTED = re.compile(r"\[redacted [a-z0-9-]+\]")  # bot.intake.redact's marker: a pasted secret


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


def grounded(value: Value, sources: Sources) -> Value | None:
    """``value`` without what its sources do not back: a text whole or not at all, list items
    and table rows one by one; None when nothing is left."""
    if isinstance(value, str):
        return None if ungrounded(value, sources) else value

    def backed(item: str | Row) -> bool:
        texts = item.values() if isinstance(item, dict) else [item]
        return not any(ungrounded(text, sources) for text in texts)

    kept = [item for item in value if backed(item)]
    return cast(Value, kept) if kept else None


def to_extraction(
    out: ExtractionOut, *, reply: str, asked: Sequence[str], draft: Draft | None = None
) -> tuple[Extraction, Counter[str]]:
    """The model's answer as core updates; returns the extraction and what was dropped, by
    reason (``unquoted``, ``ungrounded``, ``unusable``, ``duplicate``).

    "Unknown" may only name questions that were just asked: the core skips those slots, so a
    model talked into calling *everything* unknown would otherwise end the interview.
    """
    updates: dict[str, SlotUpdate] = {}
    dropped: Counter[str] = Counter()
    name = draft.name if draft is not None else ""
    for operation in out.operations:
        slot_def = SLOT_BY_ID.get(operation.slot_id)
        op = Op(operation.op)
        if not supported(operation.quote, reply):
            dropped["unquoted"] += 1
            continue
        quote = " ".join(operation.quote.split())[:QUOTE_LIMIT]
        if slot_def is None:  # passed on: the core rejects unknown slots, on the record
            updates[operation.slot_id] = SlotUpdate(operation.slot_id, op, None, quote)
            continue
        value = None if op is Op.CLEAR else to_value(slot_def, operation.value)
        if op is not Op.CLEAR and value is None:
            dropped["unusable"] += 1
            continue
        current = draft.value(slot_def.id) if draft is not None else None
        if value is not None and op is Op.CORRECT:
            value = patch_correction(slot_def, current, value)
        if value is not None:
            restated = value_texts(current) if current is not None else []
            checked = grounded(value, Sources.of([reply, name, *restated]))
            if checked is None:
                dropped["ungrounded"] += 1
                continue
            if checked != value:
                dropped["ungrounded"] += 1  # some items or rows, not the whole operation
            value = checked
        if operation.slot_id in updates:  # two operations on one slot: the later one wins
            dropped["duplicate"] += 1
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
        """What ``status`` says; also why Claude is not reading replies, when it is not."""
        base = f"claude ({self._claude.model})"
        trouble = self._claude.health.status_line()
        return f"{base}, {trouble}" if trouble else base

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        try:
            extraction = self._ask(draft=draft, asked=asked, text=text)
        except LLMError as exc:
            if not isinstance(exc, LLMCircuitOpen):
                log.warning("extraction for draft %s fell back to offline rules: %s", draft.id, exc)
            record_llm_extraction(result="fallback")
            return self._offline(draft=draft, asked=asked, text=text, note=_note(exc))
        except Exception:  # a bug here must cost the engineer a better reading, not the reply
            log.exception("extraction for draft %s failed; using offline rules", draft.id)
            record_llm_extraction(result="fallback")
            return self._offline(draft=draft, asked=asked, text=text, note=FALLBACK_NOTE)
        if extraction.updates or extraction.unknown:
            record_llm_extraction(result="facts")
            return extraction
        return self._rescue(draft=draft, asked=asked, text=text, empty=extraction)

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
        )
        extraction, dropped = to_extraction(out, reply=defang(text), asked=asked, draft=draft)
        for reason, count in dropped.items():
            record_llm_dropped(reason=reason, count=count)
        if dropped:
            log.info("draft %s: dropped operations %s", draft.id, dict(dropped))
        return extraction

    def _rescue(
        self, *, draft: Draft, asked: Sequence[str], text: str, empty: Extraction
    ) -> Extraction:
        """Claude left nothing usable: if the offline rules find facts, use them, marked."""
        offline = self._fallback.extract(draft=draft, asked=asked, text=text)
        recognised = tuple(
            u for u in offline.updates if draft.value(u.slot_id) is None and precise(u.value, text)
        )
        if not recognised:
            record_llm_extraction(result="nothing")
            return empty
        if len(recognised) < len(offline.updates):  # its notes may speak of the guesses
            offline = replace(offline, updates=recognised, notes=())
        record_llm_extraction(result="rescued")
        slots = ", ".join(dict.fromkeys(u.slot_id for u in offline.updates))
        log.info("draft %s: Claude found nothing, the offline rules found %s", draft.id, slots)
        note = RESCUED_NOTE.format(slots=slots)
        return replace(offline, notes=(*offline.notes, note))

    def _offline(self, *, draft: Draft, asked: Sequence[str], text: str, note: str) -> Extraction:
        extraction = self._fallback.extract(draft=draft, asked=asked, text=text)
        return replace(extraction, notes=(*extraction.notes, note))


def precise(value: Value | None, reply: str) -> bool:
    """Whether ``value`` is a fact read out of ``reply``: it states a number or a technical
    identifier (a command, path, snake_case or dotted name; a capitalised word is not enough:
    "the legacy job still uses SQL auth" is a remark), and it is not most of the reply's words
    (the reply itself taken as an answer), nor the line a credential was pasted in."""
    if value is None:
        return False
    texts = " ".join(value_texts(value))
    if not _STRONG.search(texts) or _REDACTED.search(texts):
        return False
    said = set(_WORD.findall(_norm(reply)))
    kept = set(_WORD.findall(_norm(texts)))
    return len(said & kept) < GUESS_SHARE * len(said)


def _note(exc: LLMError) -> str:
    if isinstance(exc, LLMRefused):
        return REFUSED_NOTE
    if isinstance(exc, LLMCircuitOpen):
        return PAUSED_NOTE
    if isinstance(exc, LLMRequestError) and exc.misconfigured:
        return MISCONFIGURED_NOTE.format(detail=f"HTTP {exc.status} {exc.error_type or ''}".strip())
    return FALLBACK_NOTE
