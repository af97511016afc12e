"""The database tables behind the Store: drafts, the replies they were built from, facts, versions.

Rows are plain records with no ORM relationships: the store reads them with explicit queries
and maps them onto the core's dataclasses, so no lazy load can ever run outside the one short
transaction a Store method opens.

The schema is owned by Alembic (``migrations/``); these models are the autogenerate target, and
the tests fail when the two drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so autogenerate and batch migrations on SQLite can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Partial-index predicates, as SQL text: inside a class body a column is not yet a Column.
_HAS_THREAD = sql_text("thread_ts IS NOT NULL")
_HAS_SOURCE = sql_text("source_ref IS NOT NULL")

# Slack ids are short, but the terminal and the tests use free-form ones.
ID_LEN = 255


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every backend.

    SQLite has no time zones and hands back naive values, which compare unequal to (and raise
    against) the aware ones the core works with; a naive value coming in is a bug, so it is
    refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware (UTC) datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_type() -> JSON:
    """Plain JSON, not JSONB, on PostgreSQL too.

    JSONB re-orders object keys, so a table row would come back from PostgreSQL with its
    columns in a different order than from SQLite; nothing here queries inside the JSON, so
    JSONB would buy nothing. ``none_as_null`` stores Python None as SQL NULL, not JSON null.
    """
    return JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace: Mapped[str] = mapped_column(String(ID_LEN))
    channel: Mapped[str] = mapped_column(String(ID_LEN))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(ID_LEN))
    slug: Mapped[str] = mapped_column(String(120))
    owner: Mapped[str] = mapped_column(String(ID_LEN))
    status: Mapped[str] = mapped_column(String(32))
    asked: Mapped[list[str]] = mapped_column(JSON)
    skipped: Mapped[list[str]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_drafts_workspace_channel_slug", "workspace", "channel", "slug"),
        # One Slack thread holds one draft. NULLs never collide, but the partial index says so.
        Index(
            "uq_drafts_workspace_channel_thread_ts",
            "workspace",
            "channel",
            "thread_ts",
            unique=True,
            sqlite_where=_HAS_THREAD,
            postgresql_where=_HAS_THREAD,
        ),
    )


class ReplyRow(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(ID_LEN))
    text: Mapped[str] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(ID_LEN))
    created_at: Mapped[datetime]
    # Set by the draft save that follows the reply, with its facts: None means a process died
    # between storing the reply and saving what it said, so the reply is read again.
    applied_at: Mapped[datetime | None]

    __table_args__ = (
        # A Slack retry of the same message must not become a second reply.
        Index(
            "uq_replies_draft_id_source_ref",
            "draft_id",
            "source_ref",
            unique=True,
            sqlite_where=_HAS_SOURCE,
            postgresql_where=_HAS_SOURCE,
        ),
    )


class FactRow(Base):
    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    slot_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(json_type(), nullable=True)
    op: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(ID_LEN))
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="SET NULL"))
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    withdrawn: Mapped[bool] = mapped_column(Boolean, server_default=false())

    __table_args__ = (Index("ix_facts_draft_id_slot_id", "draft_id", "slot_id"),)


class VersionRow(Base):
    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    markdown: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("draft_id", "version"),)
