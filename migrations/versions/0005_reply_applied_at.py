"""A reply records when its facts were saved: a reply stored without them is read again.

A reply is committed before the extractor reads it (no transaction stays open during an LLM
call), and its facts are saved afterwards with the draft. A process that died in between
left a reply that looked processed, so a re-run skipped it and its facts were lost.
``applied_at`` is set in the transaction that saves the reply's facts with the draft; a reply
without it is extracted again. Replies stored before this revision were processed by the
code of their day, so they count as applied when they were created.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("replies", sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE replies SET applied_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.drop_column("applied_at")
