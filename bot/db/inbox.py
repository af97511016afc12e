"""The job inbox: what Slack listeners commit before they answer, and what workers claim.

Why a table and not an in-memory queue: Slack needs its HTTP answer within 3 s and retries
when it does not get one, so a listener only validates the event and commits a job here; the
slow part (extraction, maybe an LLM call, posting, uploading) runs later in a worker. A crash
or a redeploy then loses nothing, and several `opsmanual serve` processes on one PostgreSQL
share the same table.

Rules ``SqlInbox`` keeps (its methods take keyword-only arguments):

- ``event_key`` is unique, so a Slack retry or the same message arriving as ``message`` and as
  ``app_mention`` is stored once (``enqueue`` returns False for the twin).
- Jobs with the same ``lane`` (one Slack thread, i.e. one draft) run one at a time and in the
  order they arrived: a job is claimable only when no older job of its lane is still pending or
  running. Different lanes run in parallel.
- A claim is a lease. A worker that dies leaves a ``running`` job whose lease runs out; it is
  then claimable again. PostgreSQL picks with ``FOR UPDATE SKIP LOCKED``. SQLite has one writer
  at a time, so the search for a job runs in a read (WAL readers never block the writer): the
  oldest open job of each lane, found through a partial index of open jobs, is its lane's only
  candidate; the one ``UPDATE ... RETURNING`` that takes it re-checks, by primary key, that it
  is still ready and still its lane's oldest open job, so the write lock is held for one row.
  The statements are in ``bot.db.claims``.
- ``side_effects`` remembers what a job already posted, so running a job twice (after a lost
  lease) does not post twice.
- Group commit. ``enqueue`` is what a Slack request waits on, so concurrent calls are written
  together, one transaction per batch (``bot.db.group_commit``); each call still returns
  only once its own row is committed, with its own answer.
- On SQLite the inbox's own writes take a process-wide lock first, so threads of one process
  queue in Python instead of sleeping in SQLite's busy handler (which backs off in steps of
  up to 100 ms). The busy timeout still covers other writers (the Store, another process).

Every method opens and commits its own short transaction; none is held while a job works.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.clock import utcnow
from bot.db.claims import guarded_claim, pick, skip_locked_claim
from bot.db.group_commit import JobInserts
from bot.db.jobs import (
    EFFECTS,
    JOBS,
    BacklogStats,
    Job,
    JobStatus,
    job_from_row,
)
from bot.db.models import DraftRow, ReplyRow

# Threads whose draft was found, remembered per process (a thread's draft never changes).
# A claim whose pick was taken by someone else between the read and the write looks again.
CLAIM_ATTEMPTS = 3


def lane_for(*, workspace: str, channel: str, thread_ts: str | None) -> str:
    """Jobs of one thread share a lane; channel-level jobs (new, list) get the channel's."""
    return f"{workspace}:{channel}:{thread_ts or '-'}"


DRAFTS = cast(Table, DraftRow.__table__)
REPLIES = cast(Table, ReplyRow.__table__)


class SqlInbox:
    """The inbox over one engine; each method is one short transaction of its own.

    ``now`` parameters exist for tests that need to move past a lease without sleeping.
    """

    def __init__(self, engine: Engine, *, max_attempts: int = 5) -> None:
        self.engine = engine
        self.max_attempts = max_attempts
        on_sqlite = engine.dialect.name == "sqlite"
        dialect = sqlite if on_sqlite else postgresql
        self._insert = dialect.insert
        self._skip_locked = engine.dialect.name == "postgresql"
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if on_sqlite else nullcontext()
        )
        self._enqueued = JobInserts(engine, self._write_lock)
        self._claim_stmt = skip_locked_claim() if self._skip_locked else guarded_claim()
        self._pick = pick()

    # ------------------------------------------------------------------------ the queue

    def enqueue(
        self,
        *,
        workspace: str,
        channel: str,
        thread_ts: str | None,
        kind: str,
        payload: dict[str, Any],
        event_key: str | None = None,
        draft_id: int | None = None,
        lane: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Commit one job. False when ``event_key`` was seen before (a retry or a twin).

        Returns once the job is committed (in a batch with concurrent calls, see
        ``bot.db.group_commit``); raises when it could not be.
        """
        now = now or utcnow()
        row = {
            "workspace": workspace,
            "channel": channel,
            "thread_ts": thread_ts,
            "lane": lane or lane_for(workspace=workspace, channel=channel, thread_ts=thread_ts),
            "draft_id": draft_id,
            "kind": kind,
            "payload": payload,
            "event_key": event_key,
            "status": JobStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        return self._enqueued.submit(row)

    def claim(
        self, *, worker_id: str, lease_seconds: float, now: datetime | None = None
    ) -> Job | None:
        """Lease the oldest ready job whose lane has no older open job, or None."""
        now = now or utcnow()
        params = {
            "claim_now": now,
            "claim_worker": worker_id,
            "claim_until": now + timedelta(seconds=lease_seconds),
        }
        if self._skip_locked:
            with self.engine.begin() as conn:
                row = conn.execute(self._claim_stmt, params).first()
            return None if row is None else job_from_row(row)
        for _ in range(CLAIM_ATTEMPTS):
            with self.engine.connect() as conn:  # a read: it blocks no writer
                picked = conn.execute(self._pick, params).scalar()
            if picked is None:
                return None
            with self._write_lock, self.engine.begin() as conn:
                row = conn.execute(self._claim_stmt, {**params, "claim_id": picked}).first()
            if row is not None:
                return job_from_row(row)
        return None  # taken under our feet each time: the next poll looks again

    def _update_held(
        self, job_id: int, worker_id: str, values: dict[str, Any], now: datetime | None
    ) -> bool:
        """Change a job this worker still holds; False when its lease went to someone else."""
        stmt = (
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.worker_id == worker_id)
            .where(JOBS.c.status == JobStatus.RUNNING.value)
            .values(updated_at=now or utcnow(), **values)
        )
        with self._write_lock, self.engine.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def renew(
        self, *, job_id: int, worker_id: str, lease_seconds: float, now: datetime | None = None
    ) -> bool:
        now = now or utcnow()
        until = now + timedelta(seconds=lease_seconds)
        return self._update_held(job_id, worker_id, {"lease_until": until}, now)

    def complete(self, *, job_id: int, worker_id: str, now: datetime | None = None) -> bool:
        values = {"status": JobStatus.DONE.value, "lease_until": None, "error": None}
        return self._update_held(job_id, worker_id, values, now)

    def fail(self, *, job_id: int, worker_id: str, error: str, now: datetime | None = None) -> bool:
        """Give up on a job for good; its lane moves on to the next one."""
        values = {"status": JobStatus.FAILED.value, "lease_until": None, "error": error[:2000]}
        return self._update_held(job_id, worker_id, values, now)

    def retry_later(
        self,
        *,
        job: Job,
        worker_id: str,
        error: str,
        base_delay: float = 2.0,
        now: datetime | None = None,
    ) -> bool:
        """Back off exponentially; after ``max_attempts`` the job fails. True if it retries.

        The job keeps its place in its lane while it waits, so later replies of the same
        thread are not processed ahead of it.
        """
        if job.attempts >= self.max_attempts:
            self.fail(job_id=job.id, worker_id=worker_id, error=error, now=now)
            return False
        now = now or utcnow()
        values = {
            "status": JobStatus.PENDING.value,
            "lease_until": None,
            "worker_id": None,
            "not_before": now + timedelta(seconds=base_delay * 2 ** max(0, job.attempts - 1)),
            "error": error[:2000],
        }
        return self._update_held(job.id, worker_id, values, now)

    def release(self, *, job_id: int, worker_id: str, now: datetime | None = None) -> bool:
        """Hand a job back untouched (shutting down): claimable at once, attempt not counted."""
        values = {
            "status": JobStatus.PENDING.value,
            "lease_until": None,
            "worker_id": None,
            "attempts": JOBS.c.attempts - 1,
        }
        return self._update_held(job_id, worker_id, values, now)

    def set_draft(self, *, job_id: int, draft_id: int) -> None:
        """Remember which draft a `new` job created, for operators reading the table."""
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(draft_id=draft_id))

    def backlog_stats(self, *, now: datetime | None = None) -> BacklogStats:
        """Jobs per status and the age of the oldest pending one, for /health and /metrics."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            rows = conn.execute(select(JOBS.c.status, func.count()).group_by(JOBS.c.status))
            counts = {str(status): int(n) for status, n in rows}
            oldest = conn.execute(
                select(func.min(JOBS.c.created_at)).where(JOBS.c.status == JobStatus.PENDING.value)
            ).scalar()
        age = 0.0
        if oldest is not None:
            if isinstance(oldest, str):  # in case a driver hands an aggregate back as text
                oldest = datetime.fromisoformat(oldest)
            if oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=UTC)
            age = max(0.0, (now - oldest).total_seconds())
        return BacklogStats(counts, age)

    def job_id_for_event(self, *, event_key: str) -> int | None:
        """The job an event became (an edit looks up what the original reply was asked)."""
        with self.engine.begin() as conn:
            return conn.execute(select(JOBS.c.id).where(JOBS.c.event_key == event_key)).scalar()

    # --------------------------------------------------------------------- side effects

    def record_effect(
        self,
        *,
        job_id: int,
        effect_key: str,
        result: dict[str, Any] | None,
        replace: bool = False,
    ) -> bool:
        """Remember that ``job_id`` did ``effect_key``; False when already recorded.

        ``replace`` overwrites an earlier record instead (True then): for notes a job keeps
        about an effect in progress, such as the file ids of uploads it started.
        """
        insert = self._insert(EFFECTS).values(
            job_id=job_id, effect_key=effect_key, result=result, created_at=utcnow()
        )
        keys = ["job_id", "effect_key"]
        stmt = (
            insert.on_conflict_do_update(index_elements=keys, set_={"result": result})
            if replace
            else insert.on_conflict_do_nothing(index_elements=keys)
        ).returning(EFFECTS.c.id)
        with self._write_lock, self.engine.begin() as conn:
            return conn.execute(stmt).first() is not None

    def get_effect(self, *, job_id: int, effect_key: str) -> dict[str, Any] | None:
        """What ``record_effect`` stored (``{}`` for a stored None), or None if never done."""
        stmt = select(EFFECTS.c.result).where(
            EFFECTS.c.job_id == job_id, EFFECTS.c.effect_key == effect_key
        )
        with self.engine.begin() as conn:
            row = conn.execute(stmt).first()
        return None if row is None else dict(row[0] or {})
