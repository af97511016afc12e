"""A reply is stored with its facts or not at all, whatever fails between the two steps.

The interview stores a reply, lets the extractor read it (no transaction is open meanwhile),
then saves the facts with the draft. A fault is injected exactly between those steps, or in
the save itself; the job's re-run must then read the reply again (on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.core.draft import Draft, Extraction, Scope
from bot.db.models import ReplyRow
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.outcome import Kind
from bot.interview.service import Interview

SCOPE = Scope("T1", "C1")
ANSWER = "1. A Python API on Kubernetes writing to PostgreSQL\n3. AWS EKS and RDS"
SOURCE = "C1:1700000001.000100"


class InjectedFault(Exception):
    """Stands for the process dying at the injected point."""


class FailingOnce:
    """The offline extractor, except that its first call fails after the reply was stored."""

    name = "offline rules"

    def __init__(self) -> None:
        self.calls = 0
        self._real = OfflineExtractor()

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        self.calls += 1
        if self.calls == 1:
            raise InjectedFault("between add_reply and save_draft")
        return self._real.extract(draft=draft, asked=asked, text=text)


class CommitFault:
    """Fails the next commit of the store's sessions once armed: the real save, rolled back."""

    def __init__(self, store: SqlStore) -> None:
        self.armed = False
        event.listen(store._sessions, "before_commit", self._before_commit)

    def _before_commit(self, session: Session) -> None:
        if self.armed:
            self.armed = False
            raise InjectedFault("in save_draft, before its commit")


class ArmsTheFault:
    """The offline extractor; its first call arms ``fault`` for the save that follows it."""

    name = "offline rules"

    def __init__(self, fault: CommitFault) -> None:
        self.fault = fault
        self.calls = 0
        self._real = OfflineExtractor()

    def extract(self, *, draft: Draft, asked: Sequence[str], text: str) -> Extraction:
        self.calls += 1
        self.fault.armed = self.calls == 1
        return self._real.extract(draft=draft, asked=asked, text=text)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _replies(store: SqlStore, source_ref: str) -> list[ReplyRow]:
    with store._sessions.begin() as s:
        return list(s.scalars(select(ReplyRow).where(ReplyRow.source_ref == source_ref)))


def _answer(interview: Interview, draft_id: int):  # type: ignore[no-untyped-def]
    return interview.handle(
        scope=SCOPE, draft_id=draft_id, author="alice", text=ANSWER, source_ref=SOURCE
    )


def _started(interview: Interview) -> int:
    outcome = interview.start(scope=SCOPE, name="Payments API", owner="alice")
    assert outcome.draft.id is not None
    assert [q.slot_id for q in outcome.questions][:3] == [
        "architecture",
        "components",
        "infrastructure",
    ]
    return outcome.draft.id


def _assert_applied_once(store: SqlStore, draft_id: int) -> None:
    (row,) = _replies(store, SOURCE)  # one reply row for the message, whatever happened
    assert row.applied_at is not None
    draft = store.load_draft(scope=SCOPE, draft_id=draft_id)
    assert draft is not None
    assert draft.value("architecture") == "A Python API on Kubernetes writing to PostgreSQL"
    assert draft.value("infrastructure") == "AWS EKS and RDS"
    for slot in ("architecture", "infrastructure"):
        (fact,) = [f for f in draft.facts if f.slot_id == slot]  # extracted exactly once
        assert fact.reply_id == row.id


def test_a_fault_after_the_reply_is_stored_leaves_it_to_be_read_again(store):
    extractor = FailingOnce()
    interview = Interview(store=store, extractor=extractor, clock=Clock())
    draft_id = _started(interview)
    with pytest.raises(InjectedFault):
        _answer(interview, draft_id)
    (stored,) = _replies(store, SOURCE)
    assert stored.applied_at is None  # stored, but its facts are not
    assert store.load_draft(scope=SCOPE, draft_id=draft_id).facts == []

    again = _answer(interview, draft_id)  # the job's re-run

    assert again.kind is Kind.QUESTIONS  # not taken for a duplicate of itself
    assert "Got it: Architecture, Infrastructure" in again.text
    assert extractor.calls == 2
    _assert_applied_once(store, draft_id)


def test_a_save_that_fails_leaves_neither_facts_nor_an_applied_reply(store):
    extractor = ArmsTheFault(CommitFault(store))
    interview = Interview(store=store, extractor=extractor, clock=Clock())
    draft_id = _started(interview)
    with pytest.raises(InjectedFault):
        _answer(interview, draft_id)
    assert _replies(store, SOURCE)[0].applied_at is None
    assert store.load_draft(scope=SCOPE, draft_id=draft_id).facts == []

    again = _answer(interview, draft_id)

    assert again.kind is Kind.QUESTIONS
    assert extractor.calls == 2
    _assert_applied_once(store, draft_id)


def test_a_reply_whose_facts_were_saved_is_not_read_twice(store):
    interview = Interview(store=store, extractor=OfflineExtractor(), clock=Clock())
    draft_id = _started(interview)
    first = _answer(interview, draft_id)
    assert first.kind is Kind.QUESTIONS
    asked_after = first.draft.asked

    replay = _answer(interview, draft_id)  # a job that died after the save runs again

    assert replay.kind is Kind.DUPLICATE
    assert store.load_draft(scope=SCOPE, draft_id=draft_id).asked == asked_after
    _assert_applied_once(store, draft_id)


def test_another_job_saving_the_draft_meanwhile_does_not_settle_the_reply(store):
    """A `new` for the same name (or a replayed `new`) saves its own copy of the draft while
    the reply's job is down: that save holds none of the reply's facts."""
    extractor = FailingOnce()
    interview = Interview(store=store, extractor=extractor, clock=Clock())
    draft_id = _started(interview)
    with pytest.raises(InjectedFault):
        _answer(interview, draft_id)
    existing = interview.start(scope=SCOPE, name="Payments API", owner="bob")  # saves a copy
    assert existing.kind is Kind.EXISTING
    assert _replies(store, SOURCE)[0].applied_at is None

    again = _answer(interview, draft_id)

    assert again.kind is Kind.QUESTIONS
    _assert_applied_once(store, draft_id)


def test_a_save_settles_the_reply_of_its_own_copy_only(store):
    now = Clock()()
    draft = store.create_draft(scope=SCOPE, name="x", owner="U1", now=now)
    reply = store.add_reply(draft=draft, author="U1", text="a", now=now, source_ref="m1")
    assert store.reply_by_source(draft=draft, source_ref="m1") is None
    copy = store.load_draft(scope=SCOPE, draft_id=draft.id)
    store.save_draft(draft=copy)  # another job's copy of the same draft
    assert store.reply_by_source(draft=draft, source_ref="m1") is None
    store.save_draft(draft=draft)
    assert store.reply_by_source(draft=draft, source_ref="m1") == reply
