"""What the Slack layer needs from the job inbox, as Protocols.

The import rule keeps ``bot.slack`` and ``bot.db`` apart; ``bot.db.inbox.SqlInbox`` satisfies
these structurally and the server (the composition root) hands it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from bot.core.draft import Scope


class JobLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def workspace(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def thread_ts(self) -> str | None: ...
    @property
    def lane(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def attempts(self) -> int: ...
    @property
    def created_at(self) -> datetime | None: ...


class BacklogLike(Protocol):
    @property
    def counts(self) -> Mapping[str, int]: ...
    @property
    def oldest_pending_age(self) -> float: ...
    @property
    def pending(self) -> int: ...


class Effects(Protocol):
    """Which side effects a job already had (so a re-run job does not post twice)."""

    def get_effect(self, *, job_id: int, effect_key: str) -> dict[str, Any] | None: ...

    def record_effect(
        self,
        *,
        job_id: int,
        effect_key: str,
        result: dict[str, Any] | None,
        replace: bool = False,
    ) -> bool: ...


class Enqueue(Protocol):
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
    ) -> bool: ...


class ThreadLookup(Protocol):
    """Which draft a Slack thread belongs to: the Store's lookup (a draft's own data)."""

    def find_draft_by_thread(self, *, scope: Scope, thread_ts: str) -> int | None: ...


class Inbox(Effects, Enqueue, Protocol):
    """The job queue and the effect log; drafts and replies are the Store's."""

    def claim(self, *, worker_id: str, lease_seconds: float) -> Any: ...

    def renew(self, *, job_id: int, worker_id: str, lease_seconds: float) -> bool: ...

    def complete(self, *, job_id: int, worker_id: str) -> bool: ...

    def retry_later(self, *, job: Any, worker_id: str, error: str) -> bool: ...

    def fail(self, *, job_id: int, worker_id: str, error: str) -> bool: ...

    def release(self, *, job_id: int, worker_id: str) -> bool: ...

    def set_draft(self, *, job_id: int, draft_id: int) -> None: ...

    def backlog_stats(self) -> Any: ...

    def job_id_for_event(self, *, event_key: str) -> int | None: ...
