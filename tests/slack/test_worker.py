"""WorkerPool.notify: a reply wakes a worker only when there is something it could claim."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.slack.worker import WorkerPool


@dataclass
class FakeJob:
    id: int
    workspace: str
    channel: str
    thread_ts: str | None
    kind: str = "reply"
    lane: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1


class FakeInbox:
    """Hands out queued jobs; counts every claim."""

    def __init__(self) -> None:
        self.jobs: list[FakeJob] = []
        self.claims = 0
        self.lock = threading.Lock()

    def claim(self, *, worker_id: str, lease_seconds: float) -> FakeJob | None:
        with self.lock:
            self.claims += 1
            return self.jobs.pop(0) if self.jobs else None

    def complete(self, *, job_id: int, worker_id: str) -> bool:
        return True

    def renew(self, *, job_id: int, worker_id: str, lease_seconds: float) -> bool:
        return True

    def release(self, *, job_id: int, worker_id: str) -> bool:
        return True


class GatedHandlers:
    def __init__(self) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()

    def run(self, job: FakeJob) -> None:
        self.started.set()
        self.gate.wait(timeout=10)

    def tell_thread(self, job: FakeJob, message: str) -> None:
        pass


def _settled(inbox: FakeInbox, quiet: float = 0.3) -> int:
    """The claim count once no claim happened for ``quiet`` seconds."""
    last, changed = inbox.claims, time.monotonic()
    while time.monotonic() - changed < quiet:
        time.sleep(0.02)
        if inbox.claims != last:
            last, changed = inbox.claims, time.monotonic()
    return last


def test_a_reply_to_a_thread_already_running_here_wakes_no_worker():
    inbox, handlers = FakeInbox(), GatedHandlers()
    pool = WorkerPool(inbox=inbox, handlers=handlers, threads=2, poll_seconds=30)  # type: ignore[arg-type]
    inbox.jobs.append(FakeJob(1, "T1", "C1", "1.0"))
    pool.start()
    try:
        pool.notify("T1", "C1", "1.0")
        assert handlers.started.wait(timeout=5)  # one worker runs thread 1.0's job
        before = _settled(inbox)
        for _ in range(20):  # a burst of replies in that thread: its lane is busy anyway
            pool.notify("T1", "C1", "1.0")
        assert _settled(inbox) == before
        pool.notify("T1", "C1", "2.0")  # another thread: the idle worker looks
        assert _settled(inbox) == before + 1
        for _ in range(20):  # woken once, not once per reply
            pool.notify("T1", "C2", None)
        assert _settled(inbox) <= before + 3
    finally:
        handlers.gate.set()
        assert pool.stop(grace_seconds=5)


def test_a_wake_up_sent_while_no_worker_was_waiting_is_not_lost():
    """The job is committed and notified while the only worker is inside a claim that
    found nothing: it must claim again at once, not sleep until its next poll."""
    inbox, handlers = FakeInbox(), GatedHandlers()
    handlers.gate.set()
    pool = WorkerPool(inbox=inbox, handlers=handlers, threads=1, poll_seconds=30)  # type: ignore[arg-type]
    claim = inbox.claim

    def racing_claim(**kwargs: Any) -> FakeJob | None:
        found = claim(**kwargs)
        if inbox.claims == 2:  # the second claim (after the start-up one) races a reply
            inbox.jobs.append(FakeJob(1, "T1", "C1", "1.0"))
            pool.notify("T1", "C1", "1.0")
        return found

    inbox.claim = racing_claim  # type: ignore[method-assign]
    pool.start()
    try:
        _settled(inbox)
        pool.notify("T1", "C2", None)
        assert handlers.started.wait(timeout=5)  # long before the 30 s poll
    finally:
        assert pool.stop(grace_seconds=5)
