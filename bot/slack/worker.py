"""Worker threads: claim a job, run it under a renewed lease, settle it. Stop on request.

Why threads and not processes: the work is I/O-bound (the database, Slack, maybe Claude),
and scaling out is done with more `opsmanual serve` processes on one PostgreSQL, which the
inbox's claim supports. A lease heartbeat keeps long jobs (a slow LLM call) from being taken
over; a worker that dies simply stops renewing, and its job is claimable once the lease ends.

Waking: a listener that commits a job calls ``notify``; a worker woken that way, or at its
poll, claims. ``notify`` wakes nobody when the job's thread already has a job running in this
process (that lane is busy anyway) or when a wake-up is already pending, so a burst of
replies into one thread costs no claims; a worker that claimed a job wakes one more, so a
burst across threads still spreads over idle workers.

Stopping (SIGTERM): no new claims; a job that was claimed but not started is released at
once; a job in progress is finished within the grace period. One that is still running after
it is left to its lease, so another process takes it over; side effects are not repeated.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.interview.outcome import InterviewError
from bot.observability import JOBS_FINISHED
from bot.slack.handlers import JobHandlers, RetryLaterError
from bot.slack.ports import Inbox

log = logging.getLogger(__name__)

ThreadKey = tuple[str | None, str | None, str | None]  # workspace, channel, thread_ts

# Slack errors that another attempt cannot fix.
PERMANENT_SLACK_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "invalid_blocks",
        "no_permission",
        "missing_scope",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
    }
)
HELP_FOR = {
    "not_in_channel": "I am not in this channel yet: invite me with `/invite @opsmanual`.",
    "channel_not_found": "I cannot post here: invite me to the channel with `/invite @opsmanual`.",
    "is_archived": "This channel is archived.",
}


def check_lease(*, lease_seconds: float, heartbeat_seconds: float) -> None:
    """At least three renewals per lease, so one that fails does not cost a job its lease."""
    if lease_seconds <= 0 or heartbeat_seconds <= 0:
        raise ValueError("the lease and the heartbeat must be positive")
    if heartbeat_seconds * 3 > lease_seconds * (1 + 1e-9):
        raise ValueError(
            f"the heartbeat ({heartbeat_seconds:g} s) must be at most a third of the lease "
            f"({lease_seconds:g} s), so that one missed renewal does not lose a running job"
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class WorkerPool:
    def __init__(
        self,
        *,
        inbox: Inbox,
        handlers: JobHandlers,
        threads: int = 4,
        lease_seconds: float = 15.0,
        heartbeat_seconds: float | None = None,
        poll_seconds: float = 0.5,
        name: str | None = None,
    ) -> None:
        heartbeat = heartbeat_seconds or lease_seconds / 3
        check_lease(lease_seconds=lease_seconds, heartbeat_seconds=heartbeat)
        self.inbox = inbox
        self.handlers = handlers
        self.threads = threads
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = heartbeat
        self.poll_seconds = poll_seconds
        self.name = name or worker_name()
        self._stopping = threading.Event()
        self._wake = threading.Condition()
        self._wake_pending = False  # a wake-up no worker has acted on yet
        self._held: dict[int, str] = {}
        self._busy_threads: Counter[ThreadKey] = Counter()  # threads with a job running here
        self._held_lock = threading.Lock()
        self._pool: list[threading.Thread] = []
        self._heartbeat_stop = threading.Event()
        self._heartbeat_thread: threading.Thread | None = None

    # --------------------------------------------------------------------- lifecycle

    def start(self) -> WorkerPool:
        for i in range(self.threads):
            thread = threading.Thread(
                target=self._loop, args=(f"{self.name}/{i}",), name=f"opsmanual-worker-{i}"
            )
            thread.daemon = True
            thread.start()
            self._pool.append(thread)
        heartbeat = threading.Thread(target=self._heartbeat, name="opsmanual-lease", daemon=True)
        heartbeat.start()
        self._heartbeat_thread = heartbeat
        return self

    def notify(
        self, workspace: str | None = None, channel: str | None = None, thread_ts: str | None = None
    ) -> None:
        """A job was just committed in this process: have a worker look for it now.

        Listeners call this for every reply, so it stays cheap: no wake-up when one of our
        workers is running a job of the same thread (its lane is busy until that job ends,
        and that worker claims again right after), and none when a wake-up is already on its
        way (the worker it reaches will see this job too: it was committed first).
        """
        if thread_ts is not None or channel is not None:
            key = (workspace, channel, thread_ts or None)
            with self._held_lock:
                if self._busy_threads[key]:
                    return
        self._wake_one()

    def _wake_one(self) -> None:
        with self._wake:
            if not self._wake_pending:
                self._wake_pending = True
                self._wake.notify()

    def stop(self, *, grace_seconds: float = 25.0) -> bool:
        """Stop claiming; wait for running jobs. True when every thread finished in time."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        deadline = time.monotonic() + grace_seconds
        for thread in self._pool:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        finished = not any(t.is_alive() for t in self._pool)
        # Leases are renewed until the last job settles; an unfinished one is left to expire.
        self._heartbeat_stop.set()
        if self._heartbeat_thread is not None:
            self._heartbeat_thread.join(timeout=5)
        return finished

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # ----------------------------------------------------------------------- the loop

    def _loop(self, worker_id: str) -> None:
        while not self._stopping.is_set():
            try:
                job = self.inbox.claim(worker_id=worker_id, lease_seconds=self.lease_seconds)
            except Exception:
                log.exception("claiming a job failed; retrying")
                self._stopping.wait(self.poll_seconds * 4)
                continue
            if job is None:
                with self._wake:
                    if not self._stopping.is_set() and not self._wake_pending:
                        self._wake.wait(self.poll_seconds)
                    self._wake_pending = False
                continue
            if self._stopping.is_set():
                self.inbox.release(job_id=job.id, worker_id=worker_id)
                JOBS_FINISHED.labels(kind=job.kind, outcome="released").inc()
                break
            self._wake_one()  # there may be more ready jobs: an idle worker looks next
            self._run(job, worker_id)

    def _run(self, job: Any, worker_id: str) -> None:
        thread = (job.workspace, job.channel, job.thread_ts or None)
        with self._held_lock:
            self._held[job.id] = worker_id
            self._busy_threads[thread] += 1
        outcome = "done"
        try:
            self.handlers.run(job)
            self.inbox.complete(job_id=job.id, worker_id=worker_id)
        except InterviewError as exc:
            outcome = self._settle_user_error(job, worker_id, str(exc))
        except RetryLaterError as exc:
            outcome = self._retry(job, worker_id, str(exc))
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown")
            if error in PERMANENT_SLACK_ERRORS:
                log.warning("job %s failed for good: Slack said %s", job.id, error)
                self._tell_quietly(job, HELP_FOR.get(error))
                self.inbox.fail(job_id=job.id, worker_id=worker_id, error=f"slack: {error}")
                outcome = "failed"
            else:
                outcome = self._retry(job, worker_id, f"slack: {error}")
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            outcome = self._retry(job, worker_id, f"{type(exc).__name__}: {exc}")
        finally:
            with self._held_lock:
                self._held.pop(job.id, None)
                self._busy_threads[thread] -= 1
                if not self._busy_threads[thread]:
                    del self._busy_threads[thread]
        JOBS_FINISHED.labels(kind=job.kind, outcome=outcome).inc()

    def _retry(self, job: Any, worker_id: str, error: str) -> str:
        retrying = self.inbox.retry_later(job=job, worker_id=worker_id, error=error)
        return "retry" if retrying else "failed"

    def _settle_user_error(self, job: Any, worker_id: str, message: str) -> str:
        self._tell_quietly(job, message)
        self.inbox.complete(job_id=job.id, worker_id=worker_id)
        return "done"

    def _tell_quietly(self, job: Any, message: str | None) -> None:
        if not message:
            return
        try:
            self.handlers.tell_thread(job, message)
        except Exception:
            log.exception("could not tell job %s's thread: %s", job.id, message)

    def _heartbeat(self) -> None:
        """Renew the leases of running jobs every heartbeat (at most a third of a lease)."""
        while not self._heartbeat_stop.wait(self.heartbeat_seconds):
            with self._held_lock:
                held = dict(self._held)
            for job_id, worker_id in held.items():
                try:
                    renewed = self.inbox.renew(
                        job_id=job_id, worker_id=worker_id, lease_seconds=self.lease_seconds
                    )
                    if not renewed:
                        log.warning("job %s: lease lost to another worker", job_id)
                except Exception:
                    log.exception("renewing the lease of job %s failed", job_id)
