"""Whole interviews in Claude mode: the terminal and Slack, real SDK against the fake API.

The runtime is built exactly as ``opsmanual chat``/``serve`` build it, from Settings with an
API key and ``ANTHROPIC_BASE_URL`` pointing at the fake. The fake answers like a model would
(``tests/llm/realistic.py``); the engineer answers in free prose, a section at a time.
"""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bench.scenarios import PAYMENTS
from bot.chat import CLI_SCOPE, run_chat
from bot.config import Settings
from bot.contract.lint import lint_manual
from bot.core.draft import Scope
from bot.runtime import Runtime, build_runtime
from tests.fakes.anthropic_api import http_error
from tests.llm.conftest import MODEL
from tests.llm.realistic import ProseEngineer, ScriptedClaude

pytestmark = pytest.mark.slow


def claude_settings(*, db_url: str, fake, **extra) -> Settings:
    return Settings(
        database_url=db_url,
        anthropic_api_key=fake.api_key,
        anthropic_base_url=fake.base_url,
        model=MODEL,
        llm_max_retries=0,
        llm_timeout=10,
        **extra,
    )


class LiveStdin(io.TextIOBase):
    """stdin for run_chat: each line is written when it is read, from the draft's asked slots."""

    def __init__(self, runtime: Runtime, name: str, engineer: ProseEngineer) -> None:
        self._runtime, self._name, self._engineer = runtime, name, engineer
        self.sent: list[str] = []
        self._lines = self._replies()

    def _replies(self) -> Iterator[str]:
        for turn in range(40):
            if turn == 2:
                yield "status"
            draft = self._runtime.store.find_drafts(scope=CLI_SCOPE, name=self._name)[0]
            reply = self._engineer.reply(draft.asked)
            if reply is None:
                return
            self.sent.append(reply)
            yield reply

    def isatty(self) -> bool:
        return False

    def readline(self, size: int | None = -1) -> str:
        line = next(self._lines, None)
        return "" if line is None else line.replace("\n", " ") + "\n"  # "" is EOF


# What each call kind sends to Sonnet 5.5: thinking off the way this model accepts it
# (between_tools; "disabled" is a 400), effort per kind, max_tokens for the answer alone.
EXPECTED = {
    "ExtractionOut": ({"type": "between_tools"}, "medium", 4096),
    "PhrasedQuestions": ({"type": "between_tools"}, "low", 600),
    "Condensed": ({"type": "between_tools"}, "medium", 4096),
    "Proposals": ({"type": "between_tools"}, "medium", 4096),
}


def _check_requests(fake) -> None:
    """What the fake saw: the right model, a schema, thinking and effort per call kind, the
    cached prefix, fenced user text."""
    assert fake.requests
    for request in fake.requests:
        assert request.status == 200
        assert request.model == MODEL
        assert request.output_schema is not None
        title = request.output_schema["title"]
        thinking, effort, max_tokens = EXPECTED[title]
        assert request.body.get("thinking") == thinking
        assert request.body["output_config"]["effort"] == effort
        assert request.body["max_tokens"] == max_tokens
        cached = title == "ExtractionOut"  # the one prefix that is long enough to cache
        assert request.has_cache_control is cached
        if cached:
            control = request.body["system"][-1]["cache_control"]
            assert control == {"type": "ephemeral", "ttl": "1h"}
        if title == "ExtractionOut":
            assert "\n<reply>\n" in request.user_text
            assert request.user_text.rstrip().endswith("</reply>")


def test_terminal_interview_in_claude_mode_ends_lint_clean(tmp_path, fake):
    fake.default_responder = scripted = ScriptedClaude(PAYMENTS.answers)
    runtime = build_runtime(claude_settings(db_url=f"sqlite:///{tmp_path / 'c.db'}", fake=fake))
    try:
        assert runtime.llm_mode == f"Claude ({MODEL})"
        stdin = LiveStdin(runtime, PAYMENTS.name, ProseEngineer(PAYMENTS.answers))
        out = io.StringIO()
        output = tmp_path / "manual.md"
        code = run_chat(
            interview=runtime.interview, name=PAYMENTS.name, output=output, stdin=stdin, out=out
        )
        assert code == 0
        transcript = out.getvalue()
        markdown = output.read_text()
        report = lint_manual(markdown)
        assert report.ok, report.violations
        assert "Traceback" not in transcript
        assert f"Extractor: claude ({MODEL})." in transcript
        assert "Claude tokens: " in transcript
        assert "from cache" in transcript
        assert "You mentioned" in transcript  # questions were phrased by Claude
        assert len(stdin.sent) <= 12  # a section per reply, not three questions per reply
        missing = PAYMENTS.missing_facts(markdown)
        assert len(missing) <= len(PAYMENTS.facts) // 10, missing
        assert {"ExtractionOut", "PhrasedQuestions", "Proposals"} <= set(scripted.kinds)
        _check_requests(fake)
        with runtime.engine.connect() as conn:
            kinds = dict(
                conn.execute(text("SELECT kind, count(*) FROM llm_usage GROUP BY kind")).all()
            )
        assert kinds["extract"] == len(stdin.sent)
        assert kinds["infer"] == 1
    finally:
        runtime.close()


def test_terminal_interview_survives_claude_going_down(tmp_path, fake):
    """Every call fails (529 storm): the offline rules take each reply, with a note, no trace."""
    fake.default_responder = lambda body: http_error(529, retry_after=0.01)
    runtime = build_runtime(claude_settings(db_url=f"sqlite:///{tmp_path / 'd.db'}", fake=fake))
    try:
        out = io.StringIO()
        stdin = io.StringIO("Go API on EKS behind an ALB\nfinish\n")
        run_chat(
            interview=runtime.interview,
            name="Down API",
            output=tmp_path / "m.md",
            stdin=stdin,
            out=out,
        )
        transcript = out.getvalue()
        assert "Claude was unavailable, so I used the offline rules for this reply." in transcript
        assert "Traceback" not in transcript
        assert lint_manual((tmp_path / "m.md").read_text()).ok
        draft = runtime.store.find_drafts(scope=CLI_SCOPE, name="Down API")[0]
        assert draft.value("architecture") == "Go API on EKS behind an ALB"
    finally:
        runtime.close()


def test_slack_interview_in_claude_mode_uploads_a_lint_clean_manual(tmp_path, fake):
    from bot.slack.server import HttpServer, Service
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.harness import FAST, SECRET, TOKEN, Bot

    fake.default_responder = ScriptedClaude(PAYMENTS.answers)
    engineer = ProseEngineer(PAYMENTS.answers)
    with FakeSlack(team_id="T0001") as slack:
        settings = claude_settings(
            db_url=f"sqlite:///{tmp_path / 's.db'}",
            fake=fake,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
        )
        service = Service(settings=settings, options=FAST).start()
        http = HttpServer(service, host="127.0.0.1", port=0, threads=8).start()
        bot = Bot(slack, service, http)
        try:
            with urllib.request.urlopen(f"{http.url}/health", timeout=5) as response:  # noqa: S310
                assert json.loads(response.read())["checks"]["llm"] == f"Claude ({MODEL})"
            channel = "C0001"
            root = bot.start_interview(PAYMENTS.name, channel=channel)
            scope = Scope("T0001", channel)
            replies = 0
            for _ in range(20):
                seen = len(bot.posts(channel, root))
                draft = service.runtime.store.find_drafts(scope=scope, name=PAYMENTS.name)[0]
                answer = engineer.reply(draft.asked)
                if answer is None or slack.manual_files():
                    break
                status, _, _ = bot.reply(answer, channel=channel, thread_ts=root)
                assert status == 200
                replies += 1
                slack.wait_for(
                    lambda n=seen: len(bot.posts(channel, root)) > n or bool(slack.manual_files()),
                    timeout=15,
                )
            files = slack.manual_files()
            assert len(files) == 1
            report = lint_manual(files[0].content)
            assert report.ok, report.violations
            assert replies <= 12
            thread = " ".join(str(c.params.get("text")) for c in bot.posts(channel, root))
            assert "You mentioned" in thread
            assert "Traceback" not in thread
            _check_requests(fake)
        finally:
            http.shutdown(grace_seconds=2)
            service.close()


def test_a_rejected_key_shows_as_misconfigured_on_health_metrics_and_status(tmp_path, fake):
    """Every call is refused (401): /health and /metrics say misconfigured with the API's
    message and request id, and so does `status` in the thread; the interview goes on offline."""
    from bot.slack.server import HttpServer, Service
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.harness import FAST, SECRET, TOKEN, Bot

    fake.api_key = "sk-ant-the-real-one"  # the bot holds another key
    with FakeSlack(team_id="T0001") as slack:
        settings = claude_settings(
            db_url=f"sqlite:///{tmp_path / 'm.db'}",
            fake=fake,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
        )
        settings.anthropic_api_key = SecretStr("sk-ant-rotated-away")
        service = Service(settings=settings, options=FAST).start()
        http = HttpServer(service, host="127.0.0.1", port=0, threads=8).start()
        bot = Bot(slack, service, http)
        try:
            channel = "C0001"
            root = bot.start_interview("Payments API", channel=channel)
            bot.reply("It is a Go API on EKS behind an ALB.", channel=channel, thread_ts=root)
            bot.wait_idle()
            bot.reply("status", channel=channel, thread_ts=root)
            bot.wait_idle()
            thread = [str(c.params.get("text")) for c in bot.posts(channel, root)]
            assert any("Claude rejected the request (HTTP 401" in t for t in thread)
            status = next(t for t in thread if "Extractor: " in t)
            assert "misconfigured (the API rejected" in status
            assert "HTTP 401 authentication_error: invalid x-api-key" in status
            with urllib.request.urlopen(f"{http.url}/health", timeout=5) as response:  # noqa: S310
                health = json.loads(response.read())
            assert health["status"] == "degraded"
            assert health["checks"]["llm"] == "misconfigured"
            reason = health["checks"]["llm_reason"]
            assert "HTTP 401 authentication_error: invalid x-api-key (request req_fake_" in reason
            assert "sk-ant" not in json.dumps(health)
            with urllib.request.urlopen(f"{http.url}/metrics", timeout=5) as response:  # noqa: S310
                metrics = response.read().decode()
            assert "opsmanual_llm_misconfigured 1.0" in metrics
            assert "opsmanual_llm_breaker_state 0.0" in metrics  # not an outage
            draft = service.runtime.store.find_drafts(scope=Scope("T0001", channel))[0]
            assert draft.value("architecture") is not None  # the offline rules took the reply
        finally:
            http.shutdown(grace_seconds=2)
            service.close()


def test_with_claude_down_the_breaker_opens_and_replies_stop_waiting(tmp_path, fake):
    fake.default_responder = lambda body: http_error(529, retry_after=0.01)
    settings = claude_settings(
        db_url=f"sqlite:///{tmp_path / 'b.db'}", fake=fake, llm_breaker_failures=2
    )
    runtime = build_runtime(settings)
    try:
        out = io.StringIO()
        replies = [
            "Go API on EKS behind an ALB",
            "api: REST; worker: jobs; pgbouncer: pooling",
            "AWS EKS, RDS PostgreSQL 15",
            "finish",
        ]
        run_chat(
            interview=runtime.interview,
            name="Down API",
            output=tmp_path / "m.md",
            stdin=io.StringIO("\n".join(replies) + "\n"),
            out=out,
        )
        transcript = out.getvalue()
        assert "Claude was unavailable, so I used the offline rules" in transcript
        assert "Claude is paused after repeated failures" in transcript
        assert runtime.llm_health().state == "degraded"
        assert runtime.llm_health().breaker == "open"
        # two failed calls opened it; after that nothing more was sent
        assert len(fake.requests) == 2 * (settings.llm_max_retries + 1)
        assert lint_manual((tmp_path / "m.md").read_text()).ok
    finally:
        runtime.close()
