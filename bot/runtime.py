"""Wiring: the one place that builds settings, the database, the extractor and the interview.

Everything is built when a command starts, so importing any module stays free of side effects
and tests can build as many independent runtimes as they like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.db.usage import SqlUsageLog
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.ports import Extractor
from bot.interview.service import Interview
from bot.observability import LLMHealth, install_log_guard
from bot.rendering.builder import ManualBuilder

OFFLINE_MODE = "offline rules"


def _offline_health() -> LLMHealth:
    return LLMHealth(OFFLINE_MODE)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    store: SqlStore
    extractor: Extractor
    interview: Interview
    llm_mode: str = OFFLINE_MODE  # "Claude (model)" or "offline rules"
    # Claude's state right now (ok / misconfigured / degraded), for /health and /metrics
    llm_health: Callable[[], LLMHealth] = field(default=_offline_health)

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    """Claude when an API key is configured, otherwise the deterministic offline rules."""
    install_log_guard()  # before any library can log a reply
    url = settings.effective_database_url
    if migrate:
        upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    store = SqlStore(sessions)
    offline = OfflineExtractor()
    if not settings.llm_enabled:
        interview = Interview(store=store, extractor=offline)
        return Runtime(
            settings=settings, engine=engine, store=store, extractor=offline, interview=interview
        )
    from bot.llm.factory import make_llm_parts

    usage = SqlUsageLog(sessions)  # bot.llm and bot.db meet only here
    parts = make_llm_parts(settings=settings, fallback=offline, recorder=usage, usage_source=usage)
    interview = Interview(
        store=store,
        extractor=parts.extractor,
        builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
        phraser=parts.phraser,
        usage=parts.usage,
    )
    return Runtime(
        settings=settings,
        engine=engine,
        store=store,
        extractor=parts.extractor,
        interview=interview,
        llm_mode=parts.mode,
        llm_health=parts.health,
    )
