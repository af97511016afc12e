"""The jobs' (lane, id) index covers open jobs only: what a claim looks at.

A claim needs each lane's oldest open job, and checks that no older job of a lane is still
open. Over every job ever run, that index grew with the table's history and cost each
enqueue an entry that no query needed once the job was done; over open jobs only, it is as
large as the backlog. (SQLite uses it for a query that spells out the same predicate.)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out (see 0001): a later change to bot.db.jobs must not rewrite this revision.
OPEN = sa.text("status IN ('pending', 'running')")


def upgrade() -> None:
    op.create_index(
        "ix_jobs_open_lane_id",
        "jobs",
        ["lane", "id"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.drop_index("ix_jobs_lane_id", table_name="jobs")


def downgrade() -> None:
    op.create_index("ix_jobs_lane_id", "jobs", ["lane", "id"])
    op.drop_index("ix_jobs_open_lane_id", table_name="jobs")
