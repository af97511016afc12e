"""A realistic conversation through the interview in Claude mode, turn by turn.

Shared by the Claude benchmark on the realistic set (``bench.bench_llm_realistic``), the
recorder of its cassettes (``tests.llm.record_realistic``) and the tests: the same loop as
``bench.realistic.replay`` (every reply in order, then ``finish``), with every Claude part
wired the way ``bot.runtime`` wires them (extract, phrase, infer, condense) through the real
SDK to the local fake, and each turn's requests, outcome and wall time kept for accounting.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic

from bench.realistic import AUTO_CAP, DONT_KNOW, SCOPE, Conversation, Score, score
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.service import Interview, Kind, Outcome
from bot.llm.factory import make_llm_parts
from bot.llm.plans import CallPlan
from bot.llm.usage import CallKind, MemoryUsageLog, TokenUsage
from bot.rendering.builder import Manual, ManualBuilder
from bot.rendering.protected import value_words
from tests.fakes.anthropic_api import FakeAnthropic, RecordedRequest

FINISH = "finish"
JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Turn:
    number: int  # the reply's place in the conversation (1-based); 0 for `finish`
    text: str
    outcome: Outcome
    seconds: float
    requests: tuple[RecordedRequest, ...]  # what this turn sent to the API


@dataclass(slots=True)
class ClaudeReplay:
    conversation: Conversation
    model: str
    turns: list[Turn] = field(default_factory=list)
    usage: MemoryUsageLog = field(default_factory=MemoryUsageLog)
    manual: Manual | None = None
    score: Score | None = None
    first_finish: bool = False  # the manual came from the first `finish` (or on its own)
    opening: Turn | None = None  # `start`: the first questions, phrased

    @property
    def replies(self) -> int:
        """Replies sent, `finish` included (what bench.realistic counts)."""
        return len(self.turns)

    @property
    def total(self) -> TokenUsage:
        return self.usage.total()

    @property
    def notices(self) -> list[str]:
        """Every line the bot answered (its notes on a reply are lines of its answer)."""
        return [line for t in self.turns for line in t.outcome.text.splitlines()]


def replay_claude(
    conversation: Conversation,
    *,
    fake: FakeAnthropic,
    sdk: anthropic.Anthropic,
    workdir: Path,
    model: str,
    author: str | None = None,
    tag: str = "claude",
    finish: bool = True,
    gap: float = 0.0,
    plans: Mapping[CallKind, CallPlan] | None = None,
) -> ClaudeReplay:
    """Every reply in order (as ``author`` if given: the terminal has one author), then
    ``finish`` (or, with ``finish`` False, "not sure" to every follow-up question until the
    manual completes on its own, as ``bench.realistic.replay`` does); ``gap`` seconds pass on
    the fake API's clock before each reply (prompt-cache expiry); scored with
    ``bench.realistic.score``."""
    url = f"sqlite:///{workdir / f'{conversation.key}-{tag}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    result = ClaudeReplay(conversation, model)
    settings = Settings(anthropic_api_key=fake.api_key, model=model)
    parts = make_llm_parts(
        settings=settings, fallback=OfflineExtractor(), recorder=result.usage, sdk=sdk, plans=plans
    )
    store = SqlStore(make_session_factory(engine))
    core = Interview(
        store=store,
        extractor=parts.extractor,
        builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
        phraser=parts.phraser,
    )
    try:
        since = len(fake.requests)
        outcome = core.start(scope=SCOPE, name=conversation.name, owner=author or "bench")
        result.opening = Turn(-1, "", outcome, 0.0, tuple(fake.requests[since:]))
        draft_id = outcome.draft.id or 0

        def say(number: int, who: str, text: str) -> Outcome:
            fake.advance(gap)
            since = len(fake.requests)
            started = time.perf_counter()
            out = core.handle(scope=SCOPE, draft_id=draft_id, author=who, text=text)
            seconds = time.perf_counter() - started
            result.turns.append(Turn(number, text, out, seconds, tuple(fake.requests[since:])))
            return out

        for number, said in enumerate(conversation.replies, 1):
            outcome = say(number, author or said.author, said.text)
        if finish and outcome.kind is not Kind.COMPLETE:
            outcome = say(0, author or "bench", FINISH)
        while not finish and outcome.kind is not Kind.COMPLETE:
            if len(result.turns) >= len(conversation.replies) + AUTO_CAP:
                break
            outcome = say(0, author or "bench", DONT_KNOW)
        result.manual = outcome.manual
        result.first_finish = (
            outcome.kind is Kind.COMPLETE
            and sum(t.outcome.kind is Kind.COMPLETE for t in result.turns) == 1
        )
        stored = "\n".join(r.text for r in store.list_replies(draft=outcome.draft))
    finally:
        engine.dispose()
    manual = result.manual
    result.score = score(
        conversation,
        manual=manual.markdown if manual else "",
        details=manual.details if manual else "",
        stored=stored,
    )
    result.score.replies = result.replies
    return result


_OVER = re.compile(r"Words to remove in total: about (\d+)\.")
_FIELDS = re.compile(
    r"^([a-z_]+) \(\d+ words allowed, (\d+) now\):\n<field>\n(.*?)\n</field>", re.M | re.S
)


@dataclass(frozen=True, slots=True)
class Condensing:
    """What the one condense call of a finish asked and could at most have achieved."""

    over_by: int  # words the manual was over when Claude was asked
    fields: tuple[str, ...]  # slot ids sent
    most_saved: int  # words Claude's answer saves if every field were accepted

    @property
    def fitter_needed(self) -> bool:
        """Claude alone could not bring the manual within 800 words: the fitter did the rest."""
        return self.over_by > self.most_saved


def condensing(requests: Sequence[RecordedRequest], answer: Callable[[JSON], JSON]) -> Condensing:
    """From the recorded HTTP traffic: the condense request and the answer it got."""
    sent = [r for r in requests if (r.output_schema or {}).get("title") == "Condensed"]
    if len(sent) != 1:
        raise AssertionError(f"expected one condense call, saw {len(sent)}")
    text = sent[0].user_text
    over = _OVER.search(text)
    fields = {slot: body for slot, _, body in _FIELDS.findall(text)}
    saved = 0
    for field_out in answer(sent[0].body).get("fields", ()):
        original = fields.get(field_out.get("slot_id", ""))
        if original is not None:
            saved += max(0, value_words(original) - value_words(field_out.get("text", "")))
    return Condensing(int(over.group(1)) if over else 0, tuple(fields), saved)
