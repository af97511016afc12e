"""The service around the bot: /health, /metrics, start-up errors, SIGTERM, worker stopping."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.cli import build_parser, main
from bot.config import load_settings
from bot.db.engine import make_engine
from bot.db.inbox import SqlInbox
from bot.db.migrate import upgrade_to_head
from bot.observability import LLMHealth
from bot.slack.command import serve_options
from bot.slack.health import HealthCheck
from bot.slack.publisher import Pacer
from bot.slack.worker import WorkerPool
from tests.slack.process import ServeProcess

CHANNEL = "C0001"


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


@pytest.mark.slow
def test_health_reports_database_migrations_llm_and_backlog(bot):
    status, content_type, body = _get(f"{bot.http.url}/health")
    assert status == 200
    assert content_type == "application/json"
    report = json.loads(body)
    assert report["status"] == "healthy"
    assert report["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "llm": "offline rules",
        "backlog": "ok",
    }
    assert report["timestamp"].endswith("+00:00")
    with bot.service.runtime.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    status, _, body = _get(f"{bot.http.url}/health")
    assert status == 503
    assert json.loads(body)["checks"]["migrations"] == "behind"
    assert _get(f"{bot.http.url}/nowhere")[0] == 404


def test_health_states():
    backlog = SimpleNamespace(pending=7, oldest_pending_age=95.0, counts={"pending": 7})
    quiet = SimpleNamespace(pending=0, oldest_pending_age=0.0, counts={})
    claude = LLMHealth("Claude (m)", breaker="closed")
    slow = HealthCheck(
        database_ok=lambda: True, migrated=lambda: True, backlog=lambda: backlog, llm=lambda: claude
    )
    code, report = slow.run()
    assert (code, report["status"]) == (200, "degraded")
    assert report["checks"]["backlog"] == "7 pending, oldest 95s"
    assert report["checks"]["llm"] == "Claude (m)"
    assert report["checks"]["llm_breaker"] == "closed"

    def down() -> bool:
        raise OSError("connection refused")

    dead = HealthCheck(
        database_ok=down, migrated=lambda: True, backlog=lambda: backlog, llm=lambda: claude
    )
    code, report = dead.run()
    assert (code, report["status"], report["checks"]["database"]) == (503, "unhealthy", "error")
    stopping = HealthCheck(
        database_ok=lambda: True,
        migrated=lambda: True,
        backlog=lambda: backlog,
        llm=lambda: LLMHealth("offline rules"),
        stopping=lambda: True,
    )
    code, report = stopping.run()
    assert (code, report["status"], report["checks"]["database"]) == (503, "stopping", "ok")

    # Claude's own trouble degrades a replica, never makes it unhealthy: the offline rules
    # keep the interviews going, and every replica shares the key and the model id
    for state, reason in (("misconfigured", "HTTP 401 ..."), ("degraded", "breaker open ...")):
        llm = LLMHealth("Claude (m)", state, reason, "open")
        check = HealthCheck(
            database_ok=lambda: True,
            migrated=lambda: True,
            backlog=lambda: quiet,
            llm=lambda llm=llm: llm,
        )
        code, report = check.run()
        assert (code, report["status"]) == (200, "degraded")
        assert report["checks"]["llm"] == state
        assert report["checks"]["llm_reason"] == reason


@pytest.mark.slow
def test_metrics_in_prometheus_format(bot):
    root = bot.start_interview("Payments API")
    bot.reply("finish", channel=CHANNEL, thread_ts=root)
    bot.fake.wait_for(lambda: bool(bot.fake.manual_files()))
    bot.wait_idle()
    status, content_type, body = _get(f"{bot.http.url}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    for name in (
        'opsmanual_http_requests_total{route="events",status="200"}',
        'opsmanual_jobs{state="done"} 2.0',
        'opsmanual_jobs{state="pending"} 0.0',
        "opsmanual_oldest_pending_job_age_seconds 0.0",
        "opsmanual_replies_processed_total",
        "opsmanual_questions_asked_total",
        'opsmanual_manuals_published_total{kind="final"}',
        "# TYPE opsmanual_slack_api_errors_total counter",
        "# TYPE opsmanual_llm_calls_total counter",
        "process_resident_memory_bytes",
    ):
        assert name in body, name


def test_missing_settings_fail_with_one_line(monkeypatch, capsys, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["serve", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err == "error: missing required setting(s): SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET\n"
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["serve", "--socket-mode", "--db", db]) == 2
    assert capsys.readouterr().err == "error: missing required setting(s): SLACK_APP_TOKEN\n"


def test_lease_and_heartbeat_come_from_flags_or_the_environment(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["serve", "--lease-seconds", "6", "--heartbeat-seconds", "3", "--db", db]) == 2
    assert capsys.readouterr().err == (
        "error: the heartbeat (3 s) must be at most a third of the lease (6 s), so that one "
        "missed renewal does not lose a running job\n"
    )
    monkeypatch.setenv("OPSMANUAL_LEASE_SECONDS", "6")
    monkeypatch.setenv("OPSMANUAL_HEARTBEAT_SECONDS", "3")
    assert main(["serve", "--db", db]) == 2
    assert (
        "the heartbeat (3 s) must be at most a third of the lease (6 s)" in capsys.readouterr().err
    )

    parser = build_parser()
    settings = load_settings()
    flags = parser.parse_args(["serve", "--lease-seconds", "9"])
    options = serve_options(flags, settings)  # the environment's heartbeat was for its lease
    assert (options.lease_seconds, options.heartbeat) == (9.0, 3.0)
    monkeypatch.setenv("OPSMANUAL_HEARTBEAT_SECONDS", "1.5")
    options = serve_options(parser.parse_args(["serve"]), load_settings())
    assert (options.lease_seconds, options.heartbeat) == (6.0, 1.5)
    monkeypatch.delenv("OPSMANUAL_LEASE_SECONDS")
    monkeypatch.delenv("OPSMANUAL_HEARTBEAT_SECONDS")
    defaults = serve_options(parser.parse_args(["serve"]), load_settings())
    assert (defaults.lease_seconds, defaults.heartbeat) == (15.0, 5.0)


def test_a_token_slack_refuses_fails_with_one_line(monkeypatch, capsys, tmp_path, fake_slack):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-not-a-bot-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert main(["serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Slack refused to start the bot:")
    assert "invalid_auth" in err
    assert err.count("\n") == 1


def test_pacer_spaces_posts_per_channel():
    slept: list[float] = []
    pacer = Pacer(1.0, sleep=slept.append)
    for _ in range(3):
        pacer.wait("C1")
    pacer.wait("C2")
    assert slept[0] == pytest.approx(1.0, abs=0.05)
    assert slept[1] == pytest.approx(2.0, abs=0.05)
    assert len(slept) == 2  # C2's first post does not wait for C1


class _SlowHandlers:
    def __init__(self) -> None:
        self.started = threading.Event()
        self.ran: list[int] = []

    def run(self, job) -> None:
        self.started.set()
        time.sleep(0.5)
        self.ran.append(job.id)


def test_stopping_finishes_the_running_job_and_takes_no_more(sqlite_url):
    upgrade_to_head(sqlite_url)
    engine = make_engine(sqlite_url)
    inbox = SqlInbox(engine)
    for lane in ("a", "b", "c"):
        inbox.enqueue(workspace="T", channel="C", thread_ts=lane, kind="reply", payload={})
    handlers = _SlowHandlers()
    pool = WorkerPool(inbox=inbox, handlers=handlers, threads=1, lease_seconds=5)
    pool.start()
    assert handlers.started.wait(5)
    assert pool.stop(grace_seconds=5)
    assert handlers.ran == [1]
    stats = inbox.backlog_stats()
    assert stats.counts == {"done": 1, "pending": 2}
    engine.dispose()


@pytest.mark.slow
def test_sigterm_stops_serve_cleanly(sqlite_url, fake_slack):
    with ServeProcess(db_url=sqlite_url, fake=fake_slack) as proc:
        status, _body = proc.command("new Payments API", channel=CHANNEL)
        assert status == 200
        fake_slack.wait_for(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 2)
        code, output = proc.terminate()
    assert code == 0
    assert "opsmanual: stopped" in output
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM jobs")).scalars().all()
    engine.dispose()
    assert statuses == ["done"]


def test_after_sigterm_health_says_stopping_while_events_are_still_taken(sqlite_url, fake_slack):
    """The drain period: the load balancer sees 503 and moves on; nothing sent meanwhile is
    refused."""
    with ServeProcess(db_url=sqlite_url, fake=fake_slack, args=("--drain-seconds", "4")) as proc:
        assert _get(f"{proc.url}/health")[0] == 200
        assert proc.proc is not None
        proc.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 3
        while _get(f"{proc.url}/health")[0] != 503:
            assert time.monotonic() < deadline, "health never turned 503"
            time.sleep(0.05)
        status, _, body = _get(f"{proc.url}/health")
        assert (status, json.loads(body)["status"]) == (503, "stopping")
        assert proc.command("new Payments API", channel=CHANNEL)[0] == 200  # still accepted
        code = proc.proc.wait(timeout=30)  # the drain ends, then the jobs, then the process
        output = proc.finish_output()
    assert code == 0
    assert "opsmanual: stopped" in output
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT kind, status FROM jobs")).all()
    engine.dispose()
    assert [tuple(j) for j in jobs] == [("new", "done")]  # taken during the drain, and done


def test_a_long_job_keeps_its_lease_by_renewing_it(sqlite_url):
    upgrade_to_head(sqlite_url)
    engine = make_engine(sqlite_url)
    inbox = SqlInbox(engine)
    inbox.enqueue(workspace="T", channel="C", thread_ts="1", kind="reply", payload={})
    handlers = _SlowHandlers()
    handlers_sleep = 1.5
    handlers.run = lambda job: (handlers.started.set(), time.sleep(handlers_sleep))  # type: ignore[method-assign]
    pool = WorkerPool(inbox=inbox, handlers=handlers, threads=1, lease_seconds=0.6)
    pool.start()
    assert handlers.started.wait(5)
    deadline = time.monotonic() + handlers_sleep - 0.2
    while time.monotonic() < deadline:  # three leases long: another worker never gets it
        assert inbox.claim(worker_id="thief", lease_seconds=5) is None
        time.sleep(0.1)
    assert pool.stop(grace_seconds=5)
    assert inbox.backlog_stats().counts == {"done": 1}
    engine.dispose()


@pytest.mark.slow
def test_socket_mode_requests_reach_the_same_listeners(sqlite_url, fake_slack):
    from slack_bolt.adapter.socket_mode.internals import run_bolt_app
    from slack_sdk.socket_mode.request import SocketModeRequest

    from bot.slack.server import ServeOptions, Service
    from tests.slack.harness import settings_for

    settings = settings_for(db_url=sqlite_url, fake=fake_slack).model_copy(
        update={"slack_signing_secret": None, "slack_app_token": SecretStr("xapp-1-test")}
    )
    service = Service(settings=settings, options=ServeOptions(socket_mode=True))
    try:
        payload = {
            "token": "x",
            "team_id": "T0001",
            "api_app_id": "A1",
            "command": "/opsmanual",
            "text": "new Payments API",
            "channel_id": "C0001",
            "user_id": "U1",
            "trigger_id": "1.2",
            "response_url": fake_slack.response_url,
        }
        request = SocketModeRequest(type="slash_commands", envelope_id="e1", payload=payload)
        response = run_bolt_app(service.bolt, request)  # unsigned: Socket Mode needs none
        assert response.status == 200
        assert "Starting the operations manual" in response.body
        assert service.inbox.backlog_stats().pending == 1
    finally:
        service.close()
