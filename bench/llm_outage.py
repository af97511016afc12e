"""Wall time per reply while Claude is down: with the circuit breaker, and without one.

Every call to the fake API answers 529 overloaded without a ``retry-after`` header, so the SDK
backs off as it would against the real API (about 0.5 s, then 1 s, with jitter) for its
``max_retries`` (2, the default) before the bot falls back to the offline rules. Without a
breaker every reply pays that for its extraction and for phrasing the next questions; with the
default breaker (3 failures, 60 s cool-down) only the first replies do, and the rest go
straight to the offline rules. Measured on the real ``Interview`` with SQLite, in-process (the
Slack round trip, measured elsewhere, adds the same to both).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anthropic

from bench.scenarios import SCENARIOS, SimulatedEngineer
from bot.config import Settings
from bot.core.draft import Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.service import Interview
from bot.llm.factory import make_llm_parts
from bot.rendering.builder import ManualBuilder
from tests.fakes.anthropic_api import FakeAnthropic, http_error

SCOPE = Scope(workspace="bench", channel="outage")
NEVER = 10**6  # a breaker that never opens: the behaviour before it existed
RETRIES = 2  # the SDK's default


@dataclass(frozen=True, slots=True)
class OutageRun:
    seconds: list[float]  # per reply
    requests: int  # HTTP requests the fake received

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def down_settings(fake: FakeAnthropic, *, model: str, breaker: bool, **extra: object) -> Settings:
    """Settings for a bot whose every Claude call fails; ``extra`` for the Slack service."""
    return Settings(
        anthropic_api_key=fake.api_key,
        anthropic_base_url=fake.base_url,
        model=model,
        llm_max_retries=RETRIES,
        llm_breaker_failures=3 if breaker else NEVER,
        **extra,  # type: ignore[arg-type]
    )


@contextmanager
def interview_while_down(
    url: str, *, model: str, breaker: bool
) -> Iterator[tuple[Interview, FakeAnthropic]]:
    """The real ``Interview`` on a fresh SQLite file, with Claude answering 529 to every call."""
    upgrade_to_head(url)
    engine = make_engine(url)
    with FakeAnthropic() as fake:
        fake.default_responder = lambda _body: http_error(529)
        settings = down_settings(fake, model=model, breaker=breaker)
        sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=RETRIES)
        parts = make_llm_parts(settings=settings, fallback=OfflineExtractor(), sdk=sdk)
        core = Interview(
            store=SqlStore(make_session_factory(engine)),
            extractor=parts.extractor,
            builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
            phraser=parts.phraser,
        )
        try:
            yield core, fake
        finally:
            sdk.close()
            engine.dispose()


def outage(workdir: Path, *, model: str, breaker: bool, replies: int) -> OutageRun:
    scenario = SCENARIOS[0]
    url = f"sqlite:///{workdir / f'outage-{breaker}.db'}"
    with interview_while_down(url, model=model, breaker=breaker) as (core, fake):
        engineer = SimulatedEngineer(scenario)
        seconds: list[float] = []
        outcome = core.start(scope=SCOPE, name=scenario.name, owner="bench")
        for _ in range(replies):
            reply = engineer.reply(outcome.questions)
            if reply is None:
                break
            start = time.perf_counter()
            outcome = core.handle(
                scope=SCOPE, draft_id=outcome.draft.id or 0, author="bench", text=reply
            )
            seconds.append(time.perf_counter() - start)
        return OutageRun(seconds, len(fake.requests))
