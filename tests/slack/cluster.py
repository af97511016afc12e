"""Two or more `opsmanual serve` replicas on one PostgreSQL, as an operator runs them.

What the chaos test and ``bench/bench_recovery.py`` share:

- ``Cluster`` starts the replicas (through ``tests.slack.chaos_serve``, so each can be given
  kill points), restarts any that dies as a supervisor would, and delivers Slack's requests
  like a load balancer: to the replica asked for, or to the other one when that one does not
  answer 200 (Slack retries an unanswered event; the LB routes the retry elsewhere).
- ``kill_poster`` is a FakeSlack ``fail_after_accept`` hook: it SIGKILLs the replica whose
  worker holds the running job of the channel the post went to, right after Slack stored it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text

from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlack, RecordedCall
from tests.slack.chaos_serve import KILLED_AT
from tests.slack.harness import SECRET
from tests.slack.process import ServeProcess, opsmanual_command

DELIVERY_ERRORS = (urllib.error.URLError, ConnectionError, TimeoutError, OSError)


@dataclass
class Death:
    replica: int
    pid: int
    code: int | None
    at: float  # time.monotonic() when the supervisor saw it


@dataclass
class Cluster:
    db_url: str
    fake: FakeSlack
    workers: int = 2
    args: tuple[str, ...] = ()
    replicas: list[ServeProcess | None] = field(default_factory=list)
    deaths: list[Death] = field(default_factory=list)
    restarts: int = 0
    _chaos: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _supervisor: threading.Thread | None = None

    def start(self, chaos: list[str]) -> Cluster:
        """One replica per entry of ``chaos`` (its kill points, "" for none), supervised.

        A replica that dies before reaching its kill points (killed another way, stopped)
        is restarted with the ones left, so each point fires once in the run.
        """
        self._chaos = list(chaos)
        self.replicas = [self._spawn(points) for points in chaos]
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        return self

    def _spawn(self, chaos: str) -> ServeProcess:
        process = ServeProcess(
            db_url=self.db_url,
            fake=self.fake,
            workers=self.workers,
            entry="tests.slack.chaos_serve",
            args=self.args,
            extra_env={"OPSMANUAL_CHAOS": chaos},
        )
        return process.__enter__()

    def _supervise(self) -> None:
        """Restart a replica that exited (with the kill points it has left), as Kubernetes would."""
        while not self._stop.wait(0.1):
            for i, replica in enumerate(list(self.replicas)):
                if replica is None or replica.alive() or not self._bury(i, replica):
                    continue
                if self._stop.is_set():
                    return
                said = replica.finish_output()
                fired = {line.removeprefix(KILLED_AT).strip() for line in said.splitlines()}
                left = [p for p in self._chaos[i].split(",") if p and p.split(":")[0] not in fired]
                self._chaos[i] = ",".join(left)
                fresh = self._spawn(self._chaos[i])
                with self._lock:
                    self.replicas[i] = fresh
                    self.restarts += 1

    def _bury(self, index: int, replica: ServeProcess) -> bool:
        """Record a replica's death, once; False when another thread already did."""
        assert replica.proc is not None
        with self._lock:
            if self.replicas[index] is not replica:
                return False
            self.deaths.append(Death(index, replica.pid, replica.proc.returncode, time.monotonic()))
            self.replicas[index] = None
            return True

    def stop(self) -> list[int]:
        """SIGTERM every replica; their exit codes."""
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=60)
        for i, replica in enumerate(list(self.replicas)):
            if replica is not None and not replica.alive():
                self._bury(i, replica)
        codes = []
        for replica in self.replicas:
            if replica is not None and replica.alive():
                codes.append(replica.terminate()[0])
        return codes

    def terminate(self, index: int) -> int:
        """SIGTERM one replica (a rolling restart); the supervisor starts its successor."""
        wait_until(
            lambda: (r := self.replicas[index]) is not None and r.alive(),
            timeout=60,
            what=f"replica {index} up",
        )
        replica = self.replicas[index]
        assert replica is not None
        return replica.terminate()[0]

    def pids(self) -> set[int]:
        """The replicas running now (only these are ever killed)."""
        return {r.pid for r in list(self.replicas) if r is not None and r.alive()}

    def kills(self) -> list[Death]:
        return [d for d in self.deaths if d.code == -signal.SIGKILL]

    # ------------------------------------------------------------------ delivery

    def deliver(self, request: signing.SignedRequest, *, prefer: int, timeout: float = 60) -> int:
        """POST to replica ``prefer``, else to the others, until one answers 200; which one."""
        deadline = time.monotonic() + timeout
        attempt = 0
        while time.monotonic() < deadline:
            index = (prefer + attempt) % len(self.replicas)
            attempt += 1
            replica = self.replicas[index]
            if replica is not None and replica.alive():
                try:
                    status, _ = request.post(f"{replica.url}/slack/events", timeout=5)
                except DELIVERY_ERRORS:
                    status = 0
                if status == 200:
                    return index
            time.sleep(0.1)
        raise AssertionError(f"no replica accepted the request within {timeout}s")

    def command(self, text_: str, *, channel: str, prefer: int) -> int:
        return self.deliver(opsmanual_command(self.fake, text_, channel=channel), prefer=prefer)

    def reply(self, text_: str, *, channel: str, thread_ts: str, ts: str, prefer: int) -> None:
        """One human reply, delivered twice: to ``prefer``, and Slack's retry to another."""
        event = signing.message_event(
            channel=channel, user="U0002", text=text_, ts=ts, thread_ts=thread_ts
        )
        event_id = f"Ev{channel}{ts.replace('.', '')}"
        first = signing.event_callback(SECRET, event, event_id=event_id)
        retry = signing.event_callback(
            SECRET, event, event_id=event_id, retry_num=1, retry_reason="http_timeout"
        )
        self.deliver(first, prefer=prefer)
        self.deliver(retry, prefer=prefer + 1)


def kill_poster(
    engine: Engine, cluster: Cluster, on_kill: Callable[[int], None] | None = None
) -> Callable:
    """A ``fail_after_accept`` hook: SIGKILL the replica running the job that just posted.

    ``on_kill(pid)`` runs just before the signal, while that replica's jobs still show it.
    """

    def hook(call: RecordedCall, _answer: dict[str, Any]) -> None:
        channel = str(call.params.get("channel") or call.params.get("channel_id") or "")
        with engine.connect() as conn:
            workers = conn.execute(
                text(
                    "SELECT worker_id FROM jobs WHERE status = 'running' AND channel = :c"
                    " ORDER BY updated_at DESC"
                ),
                {"c": channel},
            ).scalars()
            pids = [int(str(w).split(":")[1]) for w in workers]  # host:pid:suffix/thread
        live = cluster.pids()
        for pid in pids:  # a dead replica's job may still look running until its lease ends
            if pid in live:
                if on_kill is not None:
                    on_kill(pid)
                os.kill(pid, signal.SIGKILL)
                return

    return hook


def bot_posts(fake: FakeSlack, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """The bot's messages in a thread, uploads aside."""
    return [m for m in fake.messages_in(channel, thread_ts) if not m.get("upload")]


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)
