"""Several writers on one draft at once (Slack listener, workers): nothing may be lost.

On SQLite this leans on WAL, busy_timeout and the write-first transactions in the store; on
PostgreSQL on the draft's row lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from bot.core.draft import Fact, Op, Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore

HERE = Scope("T1", "C1")
NOW = datetime(2026, 3, 1, tzinfo=UTC)
ROUNDS = 15
WRITERS = 4


def _in_parallel(workers: int, job: Callable[[int], object]) -> list[object]:
    """Run job(i) for each worker at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(workers)

    def start(i: int) -> object:
        barrier.wait(timeout=30)
        return job(i)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(start, range(workers)))


def _stores(url: str) -> tuple[list[SqlStore], Callable[[], None]]:
    """One store per writer, each on its own engine: as separate processes would be."""
    upgrade_to_head(url)
    engines = [make_engine(url) for _ in range(WRITERS)]
    stores = [SqlStore(make_session_factory(engine)) for engine in engines]
    return stores, lambda: [engine.dispose() for engine in engines]


def test_concurrent_writers_saving_facts_to_one_draft_lose_nothing(db_url):
    stores, close = _stores(db_url)
    try:
        draft_id = stores[0].create_draft(scope=HERE, name="x", owner="U1", now=NOW).id

        def writer(i: int) -> None:
            store = stores[i]
            for n in range(ROUNDS):
                draft = store.load_draft(scope=HERE, draft_id=draft_id)
                draft.facts.append(Fact(f"slot_{i}", f"{i}-{n}", Op.SET, f"U{i}", None, NOW))
                draft.asked = [f"slot_{i}"]
                store.save_draft(draft=draft)

        _in_parallel(WRITERS, writer)
        facts = stores[0].load_draft(scope=HERE, draft_id=draft_id).facts
        for i in range(WRITERS):
            assert [f.value for f in facts if f.slot_id == f"slot_{i}"] == [
                f"{i}-{n}" for n in range(ROUNDS)
            ]
    finally:
        close()


def test_concurrent_renders_get_distinct_consecutive_versions(db_url):
    stores, close = _stores(db_url)
    try:
        draft = stores[0].create_draft(scope=HERE, name="x", owner="U1", now=NOW)

        def render(i: int) -> list[int]:
            return [
                stores[i]
                .add_version(draft=draft, markdown=f"{i}", word_count=1, final=False, now=NOW)
                .version
                for _ in range(ROUNDS)
            ]

        numbers = [n for batch in _in_parallel(WRITERS, render) for n in batch]
        assert sorted(numbers) == list(range(1, WRITERS * ROUNDS + 1))
        assert stores[1].load_draft(scope=HERE, draft_id=draft.id).version == WRITERS * ROUNDS
        assert stores[1].latest_version(draft=draft).version == WRITERS * ROUNDS
    finally:
        close()


def test_simultaneous_slack_retries_store_one_reply(db_url):
    stores, close = _stores(db_url)
    try:
        draft = stores[0].create_draft(scope=HERE, name="x", owner="U1", now=NOW)

        def deliver(i: int) -> int:
            reply = stores[i].add_reply(
                draft=draft, author="U1", text="hello", now=NOW, source_ref="C1:1700.1"
            )
            return reply.id

        assert len(set(_in_parallel(WRITERS, deliver))) == 1
    finally:
        close()
