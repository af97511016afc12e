"""Claude token usage per draft: one row per API call, summed for the ``status`` line.

Written after each call in its own short transaction (never around the call), and read only to
total a draft's usage. This module knows nothing about ``bot.llm``: it stores plain numbers,
and ``bot.runtime`` hands it to the Claude parts as their recorder and usage source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.core.clock import utcnow
from bot.db.models import Base


class LlmUsageRow(Base):
    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Nullable: a call made outside any draft (a health probe, a benchmark) is still counted.
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # extract / phrase / condense / infer
    model: Mapped[str] = mapped_column(String(128))
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    cache_read_tokens: Mapped[int] = mapped_column(Integer)
    cache_write_tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_llm_usage_draft_id", "draft_id"),)


class SqlUsageLog:
    """Records usage rows and totals them per model for one draft."""

    def __init__(
        self, session_factory: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = session_factory
        self._clock = clock

    def record(
        self,
        *,
        draft_id: int | None,
        kind: str,
        model: str,
        input_tokens: int,
        output_tokens: int,
        cache_read_tokens: int,
        cache_write_tokens: int,
    ) -> None:
        with self._sessions.begin() as session:
            session.add(
                LlmUsageRow(
                    draft_id=draft_id,
                    kind=kind,
                    model=model,
                    input_tokens=input_tokens,
                    output_tokens=output_tokens,
                    cache_read_tokens=cache_read_tokens,
                    cache_write_tokens=cache_write_tokens,
                    created_at=self._clock(),
                )
            )

    def totals(self, *, draft_id: int) -> list[tuple[str, int, int, int, int]]:
        """``(model, input, output, cache_read, cache_write)`` per model, for one draft."""
        row = LlmUsageRow
        query = (
            select(
                row.model,
                func.sum(row.input_tokens),
                func.sum(row.output_tokens),
                func.sum(row.cache_read_tokens),
                func.sum(row.cache_write_tokens),
            )
            .where(row.draft_id == draft_id)
            .group_by(row.model)
            .order_by(row.model)
        )
        with self._sessions() as session:
            return [
                (model, int(i or 0), int(o or 0), int(r or 0), int(w or 0))
                for model, i, o, r, w in session.execute(query)
            ]
