"""The SQL implementation of the core's ``Store`` port.

Each method is one short transaction, so no transaction is ever open while the interview waits
for an extractor (possibly an LLM). Every query is filtered by the caller's workspace and
channel: a draft id from another channel behaves exactly like one that does not exist.

Methods that read, then write (``add_reply``, ``add_version``) first take the draft's row lock
with a no-op UPDATE. On PostgreSQL that serialises them per draft; on SQLite it takes the write
lock up front, so a transaction never has to upgrade a stale read snapshot (which fails at once
with "database is locked" instead of waiting out the busy timeout).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, case, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.draft import Draft, DraftStatus, Fact, Reply, Scope
from bot.core.names import name_key, slugify
from bot.db.mapping import (
    draft_from_row,
    fact_from_row,
    fact_to_row,
    reply_from_row,
    version_from_row,
)
from bot.db.models import DraftRow, FactRow, ReplyRow, VersionRow
from bot.interview.ports import RenderedVersion

if TYPE_CHECKING:
    from bot.interview.ports import Store


# Draft copies with a reply noted and not yet saved; more means saves that never came.
REPLYING_MAX = 1024
THREAD_CACHE_SIZE = 10_000


class DraftNotFoundError(LookupError):
    """The draft is not in the scope the caller named: deleted, never saved, or another tenant's."""


class SqlStore:
    """``bot.interview.ports.Store`` over SQLAlchemy; works on SQLite and PostgreSQL alike."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        # The reply each draft copy is being answered with: add_reply notes it, the next
        # save_draft of that same copy marks it applied (see save_draft).
        self._replying: dict[int, tuple[Draft, int]] = {}
        self._replying_lock = threading.Lock()
        self._threads: dict[tuple[str, str, str], int] = {}

    # --- drafts -------------------------------------------------------------------------------

    def create_draft(self, *, scope: Scope, name: str, owner: str, now: datetime) -> Draft:
        row = DraftRow(
            workspace=scope.workspace,
            channel=scope.channel,
            thread_ts=None,
            name=name,
            slug=slugify(name),
            owner=owner,
            status=DraftStatus.INTERVIEWING.value,
            asked=[],
            skipped=[],
            version=0,
            created_at=now,
            updated_at=now,
        )
        with self._sessions.begin() as s:
            s.add(row)
            s.flush()
            return draft_from_row(row, [])

    def find_drafts(self, *, scope: Scope, name: str | None = None) -> list[Draft]:
        """Newest first (by creation): a name re-used after completion finds the new draft.

        ``name`` matches by ``name_key``: the whole name, case, width and spacing aside. Not by
        the slug column, which drops what ASCII cannot spell ("Payments 日本" and "Payments 中国"
        both slugged to "payments"). The key is compared here, as SQL has no NFKC casefold: the
        query reads one channel's drafts, and loads facts for the matching ones only.
        """
        query = (
            select(DraftRow)
            .where(*_in_scope(scope))
            .order_by(DraftRow.created_at.desc(), DraftRow.id.desc())
        )
        key = None if name is None else name_key(name)
        with self._sessions.begin() as s:
            rows = s.scalars(query).all()
            if key is not None:
                rows = [row for row in rows if name_key(row.name) == key]
            return _with_facts(s, rows)

    def load_draft(self, *, scope: Scope, draft_id: int) -> Draft | None:
        query = select(DraftRow).where(DraftRow.id == draft_id, *_in_scope(scope))
        with self._sessions.begin() as s:
            drafts = _with_facts(s, s.scalars(query).all())
        return drafts[0] if drafts else None

    def save_draft(self, *, draft: Draft) -> None:
        """Persist the draft's state and its new facts; withdrawals are one-way.

        Facts are append-only, so two writers saving the same draft both keep their facts.
        A stale copy can neither un-withdraw a fact another writer withdrew nor move the
        version counter backwards; status and asked/skipped are last-writer-wins.

        The same transaction marks applied the reply this copy of the draft was answered
        with (``add_reply`` with this very object) and any reply its new facts come from: a
        reply is stored before the extractor reads it, and this save is what completes it.
        Not every unapplied reply of the draft: another job may save another copy meanwhile
        (``new`` for the same name, a replayed ``new``), and must not settle a reply whose
        facts it does not hold.
        """
        draft_id = _require_id(draft)
        new_facts = draft.unsaved_facts()
        applying = {f.reply_id for f in new_facts if f.reply_id is not None}
        with self._replying_lock:
            noted = self._replying.pop(id(draft), None)
        if noted is not None and noted[0] is draft:
            applying.add(noted[1])
        new_rows = [fact_to_row(draft_id, fact) for fact in new_facts]
        withdrawn = [f.id for f in draft.facts if f.id is not None and f.withdrawn]
        with self._sessions.begin() as s:
            found = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, *_in_scope(draft.scope))
                .values(
                    status=draft.status.value,
                    asked=list(draft.asked),
                    skipped=sorted(draft.skipped),
                    thread_ts=draft.thread_ts,
                    updated_at=draft.updated_at,
                    version=case(
                        (DraftRow.version < draft.version, draft.version),
                        else_=DraftRow.version,
                    ),
                )
                .returning(DraftRow.id)
            ).scalar_one_or_none()
            if found is None:
                raise DraftNotFoundError(draft_id)
            if applying:
                s.execute(
                    update(ReplyRow)
                    .where(
                        ReplyRow.draft_id == draft_id,
                        ReplyRow.id.in_(sorted(applying)),
                        ReplyRow.applied_at.is_(None),
                    )
                    .values(applied_at=datetime.now(UTC))
                )
            s.add_all(new_rows)
            if withdrawn:
                s.execute(
                    update(FactRow)
                    .where(
                        FactRow.draft_id == draft_id,
                        FactRow.id.in_(withdrawn),
                        FactRow.withdrawn.is_(False),
                    )
                    .values(withdrawn=True)
                )
            s.flush()
        # Only once committed: a failed save must leave the facts unsaved, to be retried.
        for fact, row in zip(new_facts, new_rows, strict=True):
            fact.id = row.id

    # --- replies ------------------------------------------------------------------------------

    def add_reply(
        self, *, draft: Draft, author: str, text: str, now: datetime, source_ref: str | None = None
    ) -> Reply:
        """Store a (redacted) reply; a Slack retry of the same message returns the first one.

        The reply counts as applied only once ``save_draft`` of this same ``draft`` object
        commits (see there): until then ``reply_by_source`` does not find it, so a job that
        died before saving the reply's facts reads the reply again instead of skipping it.
        """
        draft_id = _require_id(draft)
        with self._sessions.begin() as s:
            _lock(s, draft_id, draft.scope)
            row = None
            if source_ref is not None:
                row = s.scalars(
                    select(ReplyRow).where(
                        ReplyRow.draft_id == draft_id, ReplyRow.source_ref == source_ref
                    )
                ).first()
            if row is None:
                row = ReplyRow(
                    draft_id=draft_id,
                    author=author,
                    text=text,
                    source_ref=source_ref,
                    created_at=now,
                )
                s.add(row)
                s.flush()
            reply = reply_from_row(row)
        with self._replying_lock:
            if len(self._replying) >= REPLYING_MAX:  # replies whose save never came
                self._replying.pop(next(iter(self._replying)))
            self._replying[id(draft)] = (draft, reply.id)
        return reply

    def list_replies(self, *, draft: Draft) -> list[Reply]:
        query = (
            select(ReplyRow)
            .join(DraftRow, DraftRow.id == ReplyRow.draft_id)
            .where(ReplyRow.draft_id == _require_id(draft), *_in_scope(draft.scope))
            .order_by(ReplyRow.id)
        )
        with self._sessions.begin() as s:
            return [reply_from_row(row) for row in s.scalars(query)]

    def reply_by_source(self, *, draft: Draft, source_ref: str) -> Reply | None:
        """The reply stored from ``source_ref`` whose facts were saved; None until they were."""
        query = (
            select(ReplyRow)
            .join(DraftRow, DraftRow.id == ReplyRow.draft_id)
            .where(
                ReplyRow.draft_id == _require_id(draft),
                ReplyRow.source_ref == source_ref,
                ReplyRow.applied_at.is_not(None),
                *_in_scope(draft.scope),
            )
        )
        with self._sessions.begin() as s:
            row = s.scalars(query).first()
            return None if row is None else reply_from_row(row)

    def reply_ids_for_source(self, *, draft: Draft, source_ref: str) -> list[int]:
        """Replies stored from one message: the original and each of its edits (``ts:edit:…``)."""
        query = (
            select(ReplyRow.id)
            .join(DraftRow, DraftRow.id == ReplyRow.draft_id)
            .where(
                ReplyRow.draft_id == _require_id(draft),
                or_(
                    ReplyRow.source_ref == source_ref,
                    ReplyRow.source_ref.startswith(f"{source_ref}:edit:", autoescape=True),
                ),
                *_in_scope(draft.scope),
            )
            .order_by(ReplyRow.id)
        )
        with self._sessions.begin() as s:
            return [int(i) for i in s.scalars(query)]

    def find_draft_by_thread(self, *, scope: Scope, thread_ts: str) -> int | None:
        """The draft whose root message is ``thread_ts`` in this scope (tenancy).

        Every Slack reply asks this before its request is answered. A found id is remembered: a
        draft's root message, once posted, stays its thread. "Not found" is not remembered,
        because the draft of a thread just opened may be committed a moment later.
        """
        key = (scope.workspace, scope.channel, thread_ts)
        found = self._threads.get(key)
        if found is not None:
            return found
        query = select(DraftRow.id).where(*_in_scope(scope), DraftRow.thread_ts == thread_ts)
        with self._sessions.begin() as s:
            found = s.scalars(query).first()
        if found is not None:
            with self._replying_lock:
                if len(self._threads) >= THREAD_CACHE_SIZE:  # forget the oldest one
                    self._threads.pop(next(iter(self._threads)))
                self._threads[key] = found
        return found

    # --- rendered versions --------------------------------------------------------------------

    def add_version(
        self, *, draft: Draft, markdown: str, word_count: int, final: bool, now: datetime
    ) -> RenderedVersion:
        """Number the version after the highest one stored, and record it on the draft too."""
        draft_id = _require_id(draft)
        with self._sessions.begin() as s:
            _lock(s, draft_id, draft.scope)
            latest = s.scalar(
                select(func.max(VersionRow.version)).where(VersionRow.draft_id == draft_id)
            )
            row = VersionRow(
                draft_id=draft_id,
                version=(latest or 0) + 1,
                markdown=markdown,
                word_count=word_count,
                final=final,
                created_at=now,
            )
            s.add(row)
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(version=row.version))
        draft.version = row.version
        return version_from_row(row)

    def latest_version(self, *, draft: Draft) -> RenderedVersion | None:
        query = (
            select(VersionRow)
            .join(DraftRow, DraftRow.id == VersionRow.draft_id)
            .where(VersionRow.draft_id == _require_id(draft), *_in_scope(draft.scope))
            .order_by(VersionRow.version.desc())
            .limit(1)
        )
        with self._sessions.begin() as s:
            row = s.scalars(query).first()
            return None if row is None else version_from_row(row)

    # --- local administration (the CLI's `list` and `show`): deliberately unscoped ------------

    def admin_list_drafts(self, *, limit: int = 50) -> list[Draft]:
        """Drafts of every workspace and channel, most recently updated first."""
        query = (
            select(DraftRow).order_by(DraftRow.updated_at.desc(), DraftRow.id.desc()).limit(limit)
        )
        with self._sessions.begin() as s:
            return _with_facts(s, s.scalars(query).all())

    def admin_get_draft(self, *, draft_id: int) -> Draft | None:
        with self._sessions.begin() as s:
            drafts = _with_facts(
                s, s.scalars(select(DraftRow).where(DraftRow.id == draft_id)).all()
            )
        return drafts[0] if drafts else None


# --- helpers ----------------------------------------------------------------------------------


def _in_scope(scope: Scope) -> tuple[ColumnElement[bool], ...]:
    return (DraftRow.workspace == scope.workspace, DraftRow.channel == scope.channel)


def _require_id(draft: Draft) -> int:
    if draft.id is None:
        raise DraftNotFoundError("the draft was never stored (create it with create_draft)")
    return draft.id


def _lock(s: Session, draft_id: int, scope: Scope) -> None:
    """Take the draft's row lock (and SQLite's write lock), checking its scope on the way."""
    found = s.execute(
        update(DraftRow)
        .where(DraftRow.id == draft_id, *_in_scope(scope))
        .values(version=DraftRow.version)
        .returning(DraftRow.id)
    ).scalar_one_or_none()
    if found is None:
        raise DraftNotFoundError(draft_id)


def _with_facts(s: Session, rows: Sequence[DraftRow]) -> list[Draft]:
    """Map draft rows to Drafts, loading all their facts in one query (ordered by id)."""
    facts: dict[int, list[Fact]] = {row.id: [] for row in rows}
    if facts:
        query = select(FactRow).where(FactRow.draft_id.in_(list(facts))).order_by(FactRow.id)
        for fact_row in s.scalars(query):
            facts[fact_row.draft_id].append(fact_from_row(fact_row))
    return [draft_from_row(row, facts[row.id]) for row in rows]


if TYPE_CHECKING:

    def _implements_the_port(store: SqlStore) -> Store:
        """Never called: mypy fails here if SqlStore stops matching the Store protocol."""
        return store
