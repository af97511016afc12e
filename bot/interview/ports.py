"""The interview core's ports: what it needs from the outside world, and nothing more.

The core never opens a file, a socket or a transaction itself. Each Store method is one short
transaction, so no transaction is ever open while an Extractor (possibly an LLM) is working.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.draft import Draft, Extraction, Reply, Scope
from bot.core.slots import Value
from bot.interview.planner import Question


@dataclass(frozen=True, slots=True)
class RenderedVersion:
    version: int
    markdown: str
    word_count: int
    created_at: datetime
    final: bool


class Extractor(Protocol):
    """Turns one free-text reply into proposed slot updates; never touches storage."""

    @property
    def name(self) -> str: ...

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction: ...


class Store(Protocol):
    def create_draft(self, *, scope: Scope, name: str, owner: str, now: datetime) -> Draft: ...

    def find_drafts(self, *, scope: Scope, name: str | None = None) -> list[Draft]:
        """Drafts in this scope, newest first; ``name`` matches by ``draft.name_key``."""
        ...

    def load_draft(self, *, scope: Scope, draft_id: int) -> Draft | None:
        """None when the draft does not exist *in this scope* (tenancy)."""
        ...

    def add_reply(
        self, *, draft: Draft, author: str, text: str, now: datetime, source_ref: str | None = None
    ) -> Reply: ...

    def reply_by_source(self, *, draft: Draft, source_ref: str) -> Reply | None: ...

    def reply_ids_for_source(self, *, draft: Draft, source_ref: str) -> list[int]:
        """Replies stored from one message: the original and each edit (``ref:edit:…``)."""
        ...

    def find_draft_by_thread(self, *, scope: Scope, thread_ts: str) -> int | None:
        """The draft whose thread (root message) is ``thread_ts`` in this scope."""
        ...

    def list_replies(self, *, draft: Draft) -> list[Reply]:
        """Every reply of the draft, oldest first (for the details file's provenance)."""
        ...

    def save_draft(self, *, draft: Draft) -> None:
        """Persist status, asked/skipped slots, thread, new facts (ids assigned), withdrawals."""
        ...

    def add_version(
        self, *, draft: Draft, markdown: str, word_count: int, final: bool, now: datetime
    ) -> RenderedVersion: ...

    def latest_version(self, *, draft: Draft) -> RenderedVersion | None: ...


# Optional ports: an LLM can improve wording, length and gap-filling, but the core works
# without them, and must keep working when one returns None (any failure, any reason).


class Phraser(Protocol):
    """Words the planner's questions as one message; None means "use the template wording"."""

    def phrase(self, *, draft: Draft, questions: Sequence[Question]) -> str | None: ...


class Condenser(Protocol):
    """Shortens over-budget prose before the deterministic condenser; None means "no change"."""

    def condense(
        self, *, values: dict[str, Value], over_by: int, draft_id: int | None = None
    ) -> dict[str, Value] | None: ...


class Inferrer(Protocol):
    """Proposes values for empty slots at finish; the core validates and marks them inferred."""

    def infer(self, *, draft: Draft, slot_ids: Sequence[str]) -> dict[str, Value]: ...


class UsageReport(Protocol):
    """One line for ``status`` about what the LLM cost this draft (None: nothing to say)."""

    def usage_line(self, *, draft_id: int) -> str | None: ...


class Sources(Protocol):
    """Where a reply can be read again, and who wrote it, for the details file.

    Slack gives a permalink and a display name; the terminal has neither (None, the login)."""

    def link(self, *, draft: Draft, reply: Reply) -> str | None: ...

    def person(self, author: str) -> str: ...
