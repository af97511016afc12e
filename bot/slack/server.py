"""`opsmanual serve`: the composition root of the Slack service, and its HTTP server.

This is the one module of ``bot.slack`` that imports the database layer: it wires the runtime
(store, extractor, interview), the job inbox, the Slack client, the workers and the Bolt app
together, and every other Slack module receives what it needs as arguments.

Why waitress: it is pure Python (no C extension, nothing to compile in a slim image), has
been production-grade for over a decade, serves WSGI (which Bolt's ``SlackRequestHandler``
speaks) from a thread pool, and buffers whole requests before handing them to the app, so a
slow client cannot pin a worker thread. Gunicorn would need a pre-fork process model that
fights our in-process worker threads, and uvicorn an ASGI stack we do not otherwise need.
Scaling out is more `opsmanual serve` replicas on one PostgreSQL behind a load balancer.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress import wasyncore
from waitress.server import create_server

from bot.config import DEFAULT_LEASE_SECONDS, Settings
from bot.db.inbox import SqlInbox
from bot.db.migrate import is_at_head, upgrade_to_head
from bot.observability import Backlog, Metrics, record_http
from bot.runtime import build_runtime
from bot.slack.app import build_bolt_app, require
from bot.slack.client import make_web_client
from bot.slack.handlers import JobHandlers
from bot.slack.health import HealthCheck
from bot.slack.publisher import Pacer, Publisher
from bot.slack.sources import SlackSources
from bot.slack.worker import WorkerPool, check_lease

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
StartResponse = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How one `opsmanual serve` process runs; refused at construction when inconsistent."""

    workers: int = 4
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    heartbeat_seconds: float | None = None  # None: a third of the lease
    poll_seconds: float = 0.5
    pace_seconds: float = 1.0  # Slack: about one message per second per channel
    http_threads: int = 8
    grace_seconds: float = 25.0  # Kubernetes' default SIGTERM grace is 30 s
    drain_seconds: float = 0.0  # after SIGTERM, /health says "stopping" and events still come
    socket_mode: bool = False
    token_verification: bool = True
    migrate: bool = True

    def __post_init__(self) -> None:
        check_lease(lease_seconds=self.lease_seconds, heartbeat_seconds=self.heartbeat)
        if self.drain_seconds < 0:
            raise ValueError("the drain period cannot be negative")

    @property
    def heartbeat(self) -> float:
        return self.heartbeat_seconds or self.lease_seconds / 3


class Service:
    """Everything one `opsmanual serve` process runs, built at start-up and never at import."""

    def __init__(self, *, settings: Settings, options: ServeOptions | None = None) -> None:
        self.options = options = options or ServeOptions()
        token, secret = require(settings, socket_mode=options.socket_mode)
        if options.migrate:
            upgrade_to_head(settings.effective_database_url)  # under a lock on PostgreSQL
        self.runtime = build_runtime(settings, migrate=False)
        engine = self.runtime.engine
        self.inbox = SqlInbox(engine)
        self.client = make_web_client(token=token, base_url=settings.slack_api_url)
        # The details file links each fact to its message and names its author.
        self.runtime.interview.sources = SlackSources(client=self.client)
        self.publisher = Publisher(
            client=self.client, effects=self.inbox, pacer=Pacer(options.pace_seconds)
        )
        self.handlers = JobHandlers(
            interview=self.runtime.interview,
            store=self.runtime.store,
            inbox=self.inbox,
            publisher=self.publisher,
        )
        self.workers = WorkerPool(
            inbox=self.inbox,
            handlers=self.handlers,
            threads=options.workers,
            lease_seconds=options.lease_seconds,
            heartbeat_seconds=options.heartbeat,
            poll_seconds=options.poll_seconds,
        )
        self.bolt = build_bolt_app(
            signing_secret=secret,
            inbox=self.inbox,
            threads=self.runtime.store,
            client=self.client,
            token_verification_enabled=options.token_verification,
            on_enqueue=self.workers.notify,
        )
        self.slack_handler = SlackRequestHandler(self.bolt, path=EVENTS_PATH)

        def database_ok() -> bool:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True

        self.stopping = threading.Event()  # SIGTERM received: /health turns 503
        self.health = HealthCheck(
            database_ok=database_ok,
            migrated=lambda: is_at_head(engine),
            backlog=self.inbox.backlog_stats,
            llm=self.runtime.llm_health,
            stopping=self.stopping.is_set,
        )
        self.metrics = Metrics(backlog=self._backlog, llm=self.runtime.llm_health)

    def _backlog(self) -> Backlog:
        stats = self.inbox.backlog_stats()
        return Backlog(stats.counts, stats.oldest_pending_age)

    def start(self) -> Service:
        self.workers.start()
        return self

    def close(self) -> bool:
        """Stop the workers (finishing running jobs within the grace period) and the engine."""
        finished = self.workers.stop(grace_seconds=self.options.grace_seconds)
        self.runtime.close()
        return finished

    # ---------------------------------------------------------------------- the WSGI app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        seen: dict[str, int] = {}

        def recording(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, *exc)

        if path == EVENTS_PATH and method == "POST" and not self.options.socket_mode:
            route, body = "events", self.slack_handler(environ, recording)
        elif path == "/health" and method in ("GET", "HEAD"):
            code, report = self.health.run()
            route = "health"
            body = _respond(recording, code, json.dumps(report).encode(), "application/json")
        elif path == "/metrics" and method == "GET":
            route = "metrics"
            body = _respond(recording, 200, self.metrics.render(), self.metrics.content_type)
        else:
            route, body = "other", _respond(recording, 404, b"Not Found", "text/plain")
        record_http(
            route=route, status=seen.get("status", 0), seconds=time.perf_counter() - started
        )
        return body


def _respond(
    start_response: StartResponse, code: int, body: bytes, content_type: str
) -> list[bytes]:
    reasons = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}
    start_response(
        f"{code} {reasons.get(code, 'OK')}",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


class HttpServer:
    """waitress bound to host:port (port 0 picks a free one), stoppable from any thread."""

    def __init__(self, app: Any, *, host: str, port: int, threads: int = 8) -> None:
        self.server: Any = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="opsmanual",
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.port}"

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.server.run, name="opsmanual-http", daemon=True)
        self._thread.start()
        return self

    def shutdown(self, *, grace_seconds: float = 5.0) -> None:
        """Stop accepting, let requests in flight finish, then end the loop."""
        server = self.server
        self._in_loop(lambda: wasyncore.dispatcher.close(server))
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=grace_seconds)
        self._in_loop(lambda: wasyncore.close_all(server._map))
        if self._thread is not None:
            self._thread.join(timeout=grace_seconds + 2)

    def _in_loop(self, thunk: Callable[[], object]) -> None:
        """Run ``thunk`` in the server's loop thread (waitress' dispatchers are not shared)."""
        if self._thread is None or not self._thread.is_alive():
            thunk()
            return
        try:
            self.server.trigger.pull_trigger(thunk)
        except OSError:  # the loop already closed its trigger: nothing left to stop
            log.debug("waitress loop already stopped")


def serve_http(
    *, settings: Settings, host: str, port: int, options: ServeOptions | None = None
) -> int:
    """Run until SIGTERM/SIGINT: migrations, workers, HTTP (and Socket Mode if asked).

    On the first signal /health turns 503 ``stopping`` and, for ``drain_seconds``, events
    are still accepted while the load balancer takes the replica out; then the listener
    closes and running jobs get ``grace_seconds``. A second signal cuts the drain short.
    """
    options = options or ServeOptions()
    service = Service(settings=settings, options=options).start()
    stop = threading.Event()
    hurry = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        (hurry if stop.is_set() else stop).set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    http = HttpServer(service, host=host, port=port, threads=options.http_threads).start()
    socket_handler: Any = None
    try:
        if options.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.slack_app_token is not None
            socket_handler = SocketModeHandler(
                service.bolt, app_token=settings.slack_app_token.get_secret_value()
            )
            socket_handler.connect()
        mode = "Socket Mode" if options.socket_mode else f"POST {EVENTS_PATH}"
        log.info("opsmanual serving on %s (%s), %d workers", http.url, mode, options.workers)
        print(f"opsmanual: listening on {http.url} ({mode})", flush=True)
        while not stop.wait(0.5):
            pass
        service.stopping.set()
        if options.drain_seconds:
            log.info("draining for %gs: /health says stopping", options.drain_seconds)
            hurry.wait(options.drain_seconds)
    finally:
        service.stopping.set()
        if socket_handler is not None:
            socket_handler.close()
        http.shutdown()
        finished = service.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("opsmanual: stopped" + ("" if finished else " (a job was left to its lease)"), flush=True)
    return 0
