"""The statements behind ``SqlInbox.claim``: which job is next, and taking it under a lease.

Why apart from the inbox: these are the subtle part of the inbox (lanes run in order, a lost
lease makes a job claimable again, SQLite and PostgreSQL take a job differently) and they are
built once per inbox, so they read better as SQL on their own than between its methods.

A claim binds ``claim_now``, ``claim_worker``, ``claim_until`` (and on SQLite ``claim_id``,
the job its read picked).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, literal, or_, select, update

from bot.db.jobs import JOBS, JobStatus, is_open

_NOW = bindparam("claim_now", type_=JOBS.c.updated_at.type)
CAND = JOBS.alias("cand")


def _ready(table: Any) -> Any:
    """Pending and due, or running on a lease that ran out."""
    return or_(
        and_(
            table.c.status == JobStatus.PENDING.value,
            or_(table.c.not_before.is_(None), table.c.not_before <= _NOW),
        ),
        and_(table.c.status == JobStatus.RUNNING.value, table.c.lease_until < _NOW),
    )


def _earlier_open(table: Any) -> Any:
    """An older job of the same lane is still pending or running."""
    earlier = JOBS.alias("earlier")
    return (
        select(literal(1))
        .where(earlier.c.lane == table.c.lane, earlier.c.id < table.c.id, is_open(earlier))
        .exists()
    )


def _taken(stmt: Any) -> Any:
    return stmt.values(
        status=JobStatus.RUNNING.value,
        worker_id=bindparam("claim_worker"),
        lease_until=bindparam("claim_until", type_=JOBS.c.lease_until.type),
        attempts=JOBS.c.attempts + 1,
        updated_at=_NOW,
    ).returning(*JOBS.c)


def pick() -> Any:
    """The oldest job among the lanes' heads (each lane's oldest open job) that is ready.

    A lane whose head is running, or waiting to be retried, has no candidate at all: its
    later jobs wait in order. On SQLite this is a read of its own; on PostgreSQL the subquery
    of the claiming UPDATE.
    """
    heads = (
        select(func.min(JOBS.c.id).label("id"))
        .where(is_open(JOBS))
        .group_by(JOBS.c.lane)
        .subquery("heads")
    )
    return (
        select(CAND.c.id)
        .join(heads, heads.c.id == CAND.c.id)
        .where(_ready(CAND))
        .order_by(CAND.c.id)
        .limit(1)
    )


def guarded_claim() -> Any:
    """SQLite's write: take the picked job only if it is still ready and its lane's head."""
    where = and_(JOBS.c.id == bindparam("claim_id"), _ready(JOBS), ~_earlier_open(JOBS))
    return _taken(update(JOBS).where(where))


def skip_locked_claim() -> Any:
    """PostgreSQL: pick and take in one statement; a job another claim has locked is skipped.

    A head in the statement's snapshot stays a head: the jobs before it in its lane are done
    or failed, which is final. If the head itself changed meanwhile (claimed, finished),
    PostgreSQL re-checks the locked row against ``_ready`` and drops it.
    """
    picked = pick().with_for_update(of=CAND, skip_locked=True)
    return _taken(update(JOBS).where(JOBS.c.id == picked.scalar_subquery()))
