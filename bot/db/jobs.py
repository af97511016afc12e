"""The job inbox's tables (``jobs``, ``side_effects``) and the records read from them.

``bot.db.inbox`` holds the queue logic (enqueue, leased claims, retries, side effects); this
module is only the schema it works on and the immutable ``Job`` a claim hands a worker, so the
columns can be checked against ``migrations/versions/0002_job_inbox.py`` (and
``0004_open_jobs_index.py``) in one place.
``bot.db.migrate.schema_metadata`` imports every ``bot.db`` module, so these tables are always
part of the schema Alembic compares against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import ID_LEN, Base, json_type

KIND_LEN = 32
KEY_LEN = 512


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


OPEN = (JobStatus.PENDING.value, JobStatus.RUNNING.value)
# The same condition as SQL text: the predicate of the partial index of open jobs. SQLite uses
# a partial index only for a query whose condition contains the index's own predicate, with
# the values written out, not bound as parameters; ``is_open`` renders it that way.
OPEN_SQL = "status IN ('pending', 'running')"


def is_open(table: Any) -> ColumnElement[bool]:
    """``table.status IN ('pending', 'running')``, values inline (see ``OPEN_SQL``)."""
    return cast(
        "ColumnElement[bool]",
        table.c.status.in_(bindparam("open_statuses", OPEN, expanding=True, literal_execute=True)),
    )


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace: Mapped[str] = mapped_column(String(ID_LEN))
    channel: Mapped[str] = mapped_column(String(ID_LEN))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    lane: Mapped[str] = mapped_column(String(KEY_LEN))
    draft_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(KIND_LEN))
    payload: Mapped[dict[str, Any]] = mapped_column(json_type())
    event_key: Mapped[str | None] = mapped_column(String(KEY_LEN))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    worker_id: Mapped[str | None] = mapped_column(String(ID_LEN))
    lease_until: Mapped[datetime | None]
    not_before: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("event_key"),
        Index("ix_jobs_status_id", "status", "id"),
        # Open jobs only, so finding each lane's oldest open job (what a claim looks at) and
        # checking that a job is its lane's head cost the backlog, not the table's history.
        Index(
            "ix_jobs_open_lane_id",
            "lane",
            "id",
            sqlite_where=sql_text(OPEN_SQL),
            postgresql_where=sql_text(OPEN_SQL),
        ),
    )


class SideEffectRow(Base):
    __tablename__ = "side_effects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    effect_key: Mapped[str] = mapped_column(String(128))
    result: Mapped[dict[str, Any] | None] = mapped_column(json_type(), nullable=True)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("job_id", "effect_key"),)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    workspace: str
    channel: str
    thread_ts: str | None
    lane: str
    draft_id: int | None
    kind: str
    payload: dict[str, Any]
    event_key: str | None
    status: str
    attempts: int
    worker_id: str | None
    lease_until: datetime | None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BacklogStats:
    counts: dict[str, int]
    oldest_pending_age: float

    @property
    def pending(self) -> int:
        return self.counts.get(JobStatus.PENDING.value, 0)


def job_from_row(row: Any) -> Job:
    """A ``Job`` from a ``RETURNING *`` / ``SELECT *`` row of the jobs table."""
    m = row._mapping
    return Job(
        id=m["id"],
        workspace=m["workspace"],
        channel=m["channel"],
        thread_ts=m["thread_ts"],
        lane=m["lane"],
        draft_id=m["draft_id"],
        kind=m["kind"],
        payload=dict(m["payload"] or {}),
        event_key=m["event_key"],
        status=m["status"],
        attempts=m["attempts"],
        worker_id=m["worker_id"],
        lease_until=m["lease_until"],
        created_at=m["created_at"],
    )


JOBS = cast(Table, JobRow.__table__)
EFFECTS = cast(Table, SideEffectRow.__table__)
