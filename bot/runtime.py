"""Wiring: the one place that builds settings, the database, the extractor and the interview.

Everything is built when a command starts, so importing any module stays free of side effects
and tests can build as many independent runtimes as they like.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.db.usage import SqlUsageLog
from bot.manual.interview import Interview
from bot.manual.offline import OfflineExtractor
from bot.manual.ports import Extractor
from bot.manual.publish import ManualBuilder


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    store: SqlStore
    extractor: Extractor
    interview: Interview

    @property
    def llm_mode(self) -> str:
        """What /health, help and status report: "Claude (claude-sonnet-5-5)" or "offline rules"."""
        name = self.extractor.name
        return f"Claude ({self.settings.model})" if name.startswith("claude") else "offline rules"

    def close(self) -> None:
        self.engine.dispose()


def make_extractor(settings: Settings) -> Extractor:
    """Claude when an API key is configured, otherwise the deterministic offline rules."""
    if settings.llm_enabled:
        from bot.llm.factory import make_llm_extractor

        return make_llm_extractor(settings=settings, fallback=OfflineExtractor())
    return OfflineExtractor()


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    url = settings.effective_database_url
    if migrate:
        upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    store = SqlStore(sessions)
    if not settings.llm_enabled:
        extractor = make_extractor(settings)
        return Runtime(
            settings, engine, store, extractor, Interview(store=store, extractor=extractor)
        )
    from bot.llm.factory import make_llm_parts

    usage = SqlUsageLog(sessions)  # bot.llm and bot.db meet only here
    parts = make_llm_parts(
        settings=settings, fallback=OfflineExtractor(), recorder=usage, usage_source=usage
    )
    interview = Interview(
        store=store,
        extractor=parts.extractor,
        builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
        phraser=parts.phraser,
        usage=parts.usage,
    )
    return Runtime(settings, engine, store, parts.extractor, interview)
