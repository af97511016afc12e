"""The job inbox on SQLite and PostgreSQL: dedupe, per-thread order, leases, side effects."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import StatementError

from bot.core.clock import utcnow
from bot.db.engine import make_engine
from bot.db.inbox import SqlInbox
from bot.db.jobs import JOBS
from bot.db.migrate import upgrade_to_head


@pytest.fixture
def inbox(db_url):
    upgrade_to_head(db_url)
    engine = make_engine(db_url)
    try:
        yield SqlInbox(engine, max_attempts=3)
    finally:
        engine.dispose()


def _put(inbox: SqlInbox, thread: str, n: int, *, key: str | None = None) -> bool:
    return inbox.enqueue(
        workspace="T1",
        channel="C1",
        thread_ts=thread,
        kind="reply",
        payload={"n": n},
        event_key=key,
    )


def test_enqueue_is_idempotent_on_event_key(inbox):
    assert _put(inbox, "1.0", 1, key="T1:C1:1.5:reply")
    assert not _put(inbox, "1.0", 1, key="T1:C1:1.5:reply")
    assert _put(inbox, "1.0", 2)  # no key: never deduped
    assert _put(inbox, "1.0", 3)
    assert inbox.backlog_stats().pending == 3


def test_one_job_per_thread_at_a_time_in_order_and_threads_in_parallel(inbox):
    for n in range(3):
        _put(inbox, "1.0", n)
    _put(inbox, "2.0", 10)
    first = inbox.claim(worker_id="a", lease_seconds=30)
    other = inbox.claim(worker_id="b", lease_seconds=30)
    assert (first.payload["n"], other.payload["n"]) == (0, 10)
    assert inbox.claim(worker_id="c", lease_seconds=30) is None  # thread 1.0 is busy
    assert inbox.complete(job_id=first.id, worker_id="a")
    second = inbox.claim(worker_id="c", lease_seconds=30)
    assert second.payload["n"] == 1
    assert second.attempts == 1


def test_an_expired_lease_is_claimed_again_and_the_old_worker_loses_it(inbox):
    _put(inbox, "1.0", 1)
    job = inbox.claim(worker_id="dead", lease_seconds=5)
    assert inbox.claim(worker_id="b", lease_seconds=5) is None
    later = utcnow() + timedelta(seconds=6)
    again = inbox.claim(worker_id="b", lease_seconds=5, now=later)
    assert again.id == job.id
    assert again.attempts == 2
    assert not inbox.complete(job_id=job.id, worker_id="dead")
    assert not inbox.renew(job_id=job.id, worker_id="dead", lease_seconds=5)
    assert inbox.complete(job_id=job.id, worker_id="b")
    assert inbox.backlog_stats().counts == {"done": 1}


def test_renewing_keeps_the_lease(inbox):
    _put(inbox, "1.0", 1)
    job = inbox.claim(worker_id="a", lease_seconds=5)
    later = utcnow() + timedelta(seconds=4)
    assert inbox.renew(job_id=job.id, worker_id="a", lease_seconds=5, now=later)
    assert inbox.claim(worker_id="b", lease_seconds=5, now=later + timedelta(seconds=3)) is None


def test_retry_later_keeps_the_threads_order_then_fails_after_max_attempts(inbox):
    _put(inbox, "1.0", 1)
    _put(inbox, "1.0", 2)
    job = inbox.claim(worker_id="a", lease_seconds=30)
    assert inbox.retry_later(job=job, worker_id="a", error="boom", base_delay=60)
    assert inbox.claim(worker_id="a", lease_seconds=30) is None  # job 2 waits behind job 1
    now = utcnow() + timedelta(seconds=61)
    for _ in range(2):
        job = inbox.claim(worker_id="a", lease_seconds=30, now=now)
        assert job.payload["n"] == 1
        inbox.retry_later(job=job, worker_id="a", error="boom", base_delay=0, now=now)
    assert inbox.backlog_stats().counts == {"failed": 1, "pending": 1}
    assert inbox.claim(worker_id="a", lease_seconds=30).payload["n"] == 2


def test_release_hands_the_job_back_without_counting_an_attempt(inbox):
    _put(inbox, "1.0", 1)
    job = inbox.claim(worker_id="a", lease_seconds=30)
    assert inbox.release(job_id=job.id, worker_id="a")
    again = inbox.claim(worker_id="b", lease_seconds=30)
    assert (again.id, again.attempts) == (job.id, 1)


def test_side_effects_are_recorded_once_per_job(inbox):
    _put(inbox, "1.0", 1)
    job = inbox.claim(worker_id="a", lease_seconds=30)
    assert inbox.get_effect(job_id=job.id, effect_key="questions") is None
    assert inbox.record_effect(job_id=job.id, effect_key="questions", result={"ts": "9.1"})
    assert not inbox.record_effect(job_id=job.id, effect_key="questions", result={"ts": "9.2"})
    assert inbox.get_effect(job_id=job.id, effect_key="questions") == {"ts": "9.1"}
    assert inbox.record_effect(job_id=job.id, effect_key="update", result=None)
    assert inbox.get_effect(job_id=job.id, effect_key="update") == {}
    # a note about an effect in progress (upload file ids) is overwritten on purpose
    assert inbox.record_effect(job_id=job.id, effect_key="up:files", result={"ids": [1]})
    note = {"ids": [1, 2]}
    assert inbox.record_effect(job_id=job.id, effect_key="up:files", result=note, replace=True)
    assert inbox.get_effect(job_id=job.id, effect_key="up:files") == note


def test_backlog_reports_the_oldest_pending_age(inbox):
    inbox.enqueue(
        workspace="T1",
        channel="C1",
        thread_ts=None,
        kind="new",
        payload={},
        now=utcnow() - timedelta(seconds=90),
    )
    stats = inbox.backlog_stats()
    assert stats.pending == 1
    assert 89 < stats.oldest_pending_age < 120


def test_threads_are_found_only_in_their_own_channel(inbox):
    """The store (not the job queue) knows which draft a thread is: tenancy applies."""
    from bot.core.draft import Scope
    from bot.db.engine import make_session_factory
    from bot.db.store import SqlStore

    store = SqlStore(make_session_factory(inbox.engine))
    draft = store.create_draft(scope=Scope("T1", "C1"), name="Payments", owner="U1", now=utcnow())
    draft.thread_ts = "1700000000.000100"
    store.save_draft(draft=draft)
    found = store.find_draft_by_thread(scope=Scope("T1", "C1"), thread_ts=draft.thread_ts)
    assert found == draft.id
    for workspace, channel in (("T1", "C2"), ("T2", "C1")):
        assert (
            store.find_draft_by_thread(scope=Scope(workspace, channel), thread_ts=draft.thread_ts)
            is None
        )


def test_concurrent_workers_never_share_a_job_and_keep_each_threads_order(inbox):
    threads, per_thread = 6, 8
    for n in range(per_thread):
        for t in range(threads):
            _put(inbox, f"{t}.0", n)
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()
    running: set[str] = set()
    errors: list[str] = []

    def work(worker: str) -> None:
        idle = 0
        while idle < 20:
            job = inbox.claim(worker_id=worker, lease_seconds=30)
            if job is None:
                idle += 1
                continue
            idle = 0
            with lock:
                if job.lane in running:
                    errors.append(f"two jobs of {job.lane} at once")
                running.add(job.lane)
                seen.append((job.thread_ts, job.payload["n"]))
            with lock:
                running.discard(job.lane)
            assert inbox.complete(job_id=job.id, worker_id=worker)

    pool = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors
    assert len(seen) == threads * per_thread
    assert len(set(seen)) == len(seen)
    for t in range(threads):
        assert [n for ts, n in seen if ts == f"{t}.0"] == list(range(per_thread))


@pytest.fixture
def two_inboxes(db_url):
    """Two inboxes on one database, each with its own engine: as two processes would be."""
    upgrade_to_head(db_url)
    engines = [make_engine(db_url) for _ in range(2)]
    try:
        yield [SqlInbox(engine, max_attempts=3) for engine in engines]
    finally:
        for engine in engines:
            engine.dispose()


def test_two_processes_claiming_at_once_never_share_a_job_or_break_a_threads_order(
    two_inboxes,
):
    first, _ = two_inboxes
    threads, per_thread = 4, 10
    for n in range(per_thread):
        for t in range(threads):
            _put(first, f"{t}.0", n)
    seen: list[tuple[str | None, int]] = []
    running: set[str] = set()
    errors: list[str] = []
    lock = threading.Lock()

    def work(inbox: SqlInbox, worker: str) -> None:
        idle = 0
        while idle < 30:
            job = inbox.claim(worker_id=worker, lease_seconds=30)
            if job is None:
                idle += 1
                continue
            idle = 0
            with lock:
                if job.lane in running:
                    errors.append(f"two jobs of {job.lane} at once")
                running.add(job.lane)
                seen.append((job.thread_ts, job.payload["n"]))
            with lock:
                running.discard(job.lane)
            assert inbox.complete(job_id=job.id, worker_id=worker)

    pool = [
        threading.Thread(target=work, args=(two_inboxes[i % 2], f"p{i % 2}w{i}")) for i in range(6)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == threads * per_thread
    for t in range(threads):
        assert [n for ts, n in seen if ts == f"{t}.0"] == list(range(per_thread))


def test_a_long_backlog_in_a_busy_thread_does_not_hide_another_threads_job(inbox):
    for n in range(300):
        _put(inbox, "1.0", n)
    head = inbox.claim(worker_id="a", lease_seconds=30)
    assert head.payload["n"] == 0
    _put(inbox, "2.0", 1000)
    assert inbox.claim(worker_id="b", lease_seconds=30).payload["n"] == 1000
    assert inbox.claim(worker_id="c", lease_seconds=30) is None
    # the head waits to be retried: the rest of its thread keeps waiting behind it
    assert inbox.retry_later(job=head, worker_id="a", error="boom", base_delay=60)
    assert inbox.claim(worker_id="c", lease_seconds=30) is None
    later = utcnow() + timedelta(seconds=61)
    assert inbox.claim(worker_id="c", lease_seconds=30, now=later).id == head.id


def test_concurrent_enqueues_are_committed_when_they_return_and_twins_created_once(inbox, db_url):
    """Slack retries and mention twins race their originals from other request threads."""
    keys = [f"T1:C1:{n}.000100:reply" for n in range(60)]
    created: list[str] = []
    not_visible: list[str] = []
    lock = threading.Lock()
    reader = make_engine(db_url)  # another connection: sees only what is committed
    start = threading.Barrier(8)

    def visible(key: str) -> bool:
        with reader.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM jobs WHERE event_key = :key"), {"key": key}
            )
            return found.scalar() == 1

    def deliver(offset: int) -> None:
        start.wait(timeout=10)
        for i in range(len(keys)):
            key = keys[(i + offset) % len(keys)]
            if _put(inbox, "1.0", i, key=key):
                with lock:
                    created.append(key)
            if not visible(key):
                with lock:
                    not_visible.append(key)

    try:
        pool = [threading.Thread(target=deliver, args=(n * 7,)) for n in range(8)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=60)
    finally:
        reader.dispose()
    assert sorted(created) == sorted(keys)  # each key created exactly once
    assert not_visible == []  # every enqueue had committed its job when it returned
    assert inbox.backlog_stats().pending == len(keys)


def test_a_job_reads_back_as_it_was_enqueued(inbox):
    """SQLite writes jobs on the driver connection: same JSON, same aware UTC times."""
    now = datetime(2026, 3, 1, 14, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    payload = {"text": "Zürich <!channel> 😀", "redacted": ["token"], "n": None}
    assert inbox.enqueue(
        workspace="T1",
        channel="C1",
        thread_ts="1.0",
        kind="reply",
        payload=payload,
        event_key="k1",
        now=now,
    )
    with inbox.engine.connect() as conn:
        row = conn.execute(select(JOBS).where(JOBS.c.event_key == "k1")).mappings().one()
    assert row["payload"] == payload
    assert row["created_at"] == row["updated_at"] == now
    assert row["created_at"].utcoffset() == timedelta(0)
    assert (row["lane"], row["status"], row["attempts"]) == ("T1:C1:1.0", "pending", 0)
    job = inbox.claim(worker_id="a", lease_seconds=30, now=now + timedelta(seconds=1))
    assert job.payload == payload
    with pytest.raises((ValueError, StatementError), match="naive datetime"):
        inbox.enqueue(
            workspace="T1",
            channel="C1",
            thread_ts="1.0",
            kind="reply",
            payload={},
            event_key="k2",
            now=datetime(2026, 3, 1, 14, 30),  # naive: refused
        )
    assert inbox.job_id_for_event(event_key="k2") is None


def test_a_found_thread_is_remembered_and_an_unknown_one_is_asked_again(inbox):
    from bot.core.draft import Scope
    from bot.db.engine import make_session_factory
    from bot.db.store import SqlStore

    queries: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM drafts" in statement:
            queries.append(statement)

    event.listen(inbox.engine, "before_cursor_execute", count)
    store = SqlStore(make_session_factory(inbox.engine))
    scope, thread = Scope("T1", "C1"), "1700000000.000100"
    assert store.find_draft_by_thread(scope=scope, thread_ts=thread) is None
    draft = store.create_draft(scope=scope, name="Payments", owner="U1", now=utcnow())
    draft.thread_ts = thread
    store.save_draft(draft=draft)
    queries.clear()
    assert store.find_draft_by_thread(scope=scope, thread_ts=thread) == draft.id  # not kept
    assert store.find_draft_by_thread(scope=scope, thread_ts=thread) == draft.id
    assert len(queries) == 1  # the second answer came from memory
    assert store.find_draft_by_thread(scope=Scope("T1", "C2"), thread_ts=thread) is None
