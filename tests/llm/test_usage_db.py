"""The llm_usage table through SqlUsageLog, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.draft import Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.usage import SqlUsageLog
from bot.llm.pricing import UsageReporter
from bot.llm.usage import CallKind, TokenUsage, record_usage


def test_usage_rows_are_totalled_per_draft_and_model(db_url, store):
    scope = Scope("T1", "C1")
    now = datetime(2026, 11, 28, tzinfo=UTC)
    one = store.create_draft(scope=scope, name="One", owner="U1", now=now)
    two = store.create_draft(scope=scope, name="Two", owner="U1", now=now)
    engine = make_engine(db_url)
    try:
        log = SqlUsageLog(make_session_factory(engine))
        for kind in CallKind:
            usage = TokenUsage(100, 20, 1000, 50)
            record_usage(log, draft_id=one.id, kind=kind, model="claude-sonnet-5-5", usage=usage)
        record_usage(
            log,
            draft_id=one.id,
            kind=CallKind.EXTRACT,
            model="claude-haiku-4-5",
            usage=TokenUsage(1, 2, 3, 4),
        )
        record_usage(
            log,
            draft_id=two.id,
            kind=CallKind.EXTRACT,
            model="claude-sonnet-5-5",
            usage=TokenUsage(9, 9, 9, 9),
        )
        assert log.totals(draft_id=one.id) == [
            ("claude-haiku-4-5", 1, 2, 3, 4),
            ("claude-sonnet-5-5", 400, 80, 4000, 200),
        ]
        assert log.totals(draft_id=999) == []
        line = UsageReporter(source=log).usage_line(draft_id=one.id)
        assert line is not None
        assert line.startswith("Claude tokens: 4,608 in (87% from cache)")
    finally:
        engine.dispose()
