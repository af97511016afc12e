"""Load for the ack benchmark: keep-alive clients, signed replies made ahead, and the open-
and closed-loop drivers that time them (``bench.bench_ack`` runs the servers and reports).

Everything talks to 127.0.0.1 only and is bounded: a fixed number of requests, client threads
and seconds.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

EVENTS_PATH = "/slack/events"


class Client:
    """One keep-alive connection (as a load balancer keeps to its replicas)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            raise ValueError("the benchmark talks to loopback only")
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request("POST", EVENTS_PATH, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    return 0
        return 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


Request = tuple[bytes, dict[str, str]]


class Replies:
    """Signed thread replies, made ahead so the clients spend their time on HTTP, not HMAC.

    Each has its own event_id and ts (a new message, not a Slack retry); the texts cycle
    through answers the offline extractor understands, so ours does real interview work.
    """

    def __init__(self, *, thread_ts: str, channel: str, secret: str) -> None:
        from tests.slack.answers import ANSWERS

        self.thread_ts, self.channel, self.secret = thread_ts, channel, secret
        self._texts = itertools.cycle(ANSWERS.values())
        self._users = itertools.cycle(("U0BENCH1", "U0BENCH2", "U0BENCH3"))

    def make(self, count: int) -> list[Request]:
        from tests.fakes import slack_signing as signing

        made = []
        for _ in range(count):
            event = signing.message_event(
                channel=self.channel,
                user=next(self._users),
                text=next(self._texts),
                thread_ts=self.thread_ts,
            )
            signed = signing.event_callback(self.secret, event)
            made.append((signed.body.encode(), dict(signed.headers)))
        return made


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    elapsed: float = 0.0

    def add(self, seconds: float, status: int) -> None:
        self.latencies.append(seconds)
        if status != 200:
            self.errors += 1

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def fixed_rate(url: str, requests: Sequence[Request], *, rate: float, clients: int) -> Run:
    """Open loop: request i is due at start + i/rate; latency runs from when it was due."""
    run = Run()
    lock = threading.Lock()
    indices = itertools.count()
    start = time.perf_counter() + 0.2

    def worker() -> None:
        client = Client(url)
        try:
            while True:
                with lock:
                    i = next(indices)
                if i >= len(requests):
                    return
                due = start + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                status = client.post(*requests[i])
                done = time.perf_counter()
                with lock:
                    run.add(done - due, status)
        finally:
            client.close()

    _run_threads(worker, clients)
    run.elapsed = time.perf_counter() - start
    return run


def closed_loop(url: str, requests: Sequence[Request], *, clients: int, seconds: float) -> Run:
    """N clients, each sending its next request as soon as the last one is answered."""
    run = Run()
    lock = threading.Lock()
    indices = itertools.count()
    start = time.perf_counter()
    stop_at = start + seconds

    def worker() -> None:
        client = Client(url)
        try:
            while time.perf_counter() < stop_at:
                with lock:
                    i = next(indices)
                if i >= len(requests):
                    return
                sent = time.perf_counter()
                status = client.post(*requests[i])
                done = time.perf_counter()
                with lock:
                    run.add(done - sent, status)
        finally:
            client.close()

    _run_threads(worker, clients)
    run.elapsed = time.perf_counter() - start
    return run


def _run_threads(target: Callable[[], None], count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
