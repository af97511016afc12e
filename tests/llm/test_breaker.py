"""The circuit breaker and the misconfigured state: outages cost one wait, rejections say why."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from bot.llm.breaker import BreakerState, CircuitBreaker
from bot.llm.client import ClaudeClient
from bot.llm.extract import MISCONFIGURED_NOTE, PAUSED_NOTE, ClaudeExtractor
from bot.llm.infer import ClaudeInferrer
from bot.observability import LLMHealth, Metrics, record_llm_breaker
from tests.fakes.anthropic_api import http_error, reply_json
from tests.llm.conftest import MODEL

EMPTY = {"operations": [], "unknown": []}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_and_probes_once_after_the_cooldown():
    clock, changes = Clock(), []
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock, on_change=changes.append)
    for _ in range(2):
        permit = breaker.acquire()
        assert permit is not None
        assert not permit.probe
        breaker.failure(permit, reason="HTTP 529")
    ok = breaker.acquire()
    assert ok is not None
    breaker.success(ok)  # a success in between resets the count
    for _ in range(3):
        permit = breaker.acquire()
        assert permit is not None
        breaker.failure(permit, reason="HTTP 529")
    assert breaker.view().state is BreakerState.OPEN
    assert breaker.acquire() is None
    clock.now += 29
    assert breaker.acquire() is None
    assert breaker.view().retry_in == pytest.approx(1)
    clock.now += 2
    probe = breaker.acquire()
    assert probe is not None
    assert probe.probe
    assert breaker.view().state is BreakerState.HALF_OPEN
    assert breaker.acquire() is None  # one probe at a time; the others stay offline
    breaker.failure(probe, reason="HTTP 529")  # a failed probe: another full cool-down
    assert breaker.view().state is BreakerState.OPEN
    clock.now += 31
    probe = breaker.acquire()
    assert probe is not None
    breaker.success(probe)
    assert breaker.view().state is BreakerState.CLOSED
    assert breaker.view().opened == 1  # re-opening from half-open is the same outage
    assert changes == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


def test_a_released_probe_lets_the_next_caller_probe():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=0, clock=clock)
    permit = breaker.acquire()
    assert permit is not None
    breaker.failure(permit, reason="timeout")
    probe = breaker.acquire()
    assert probe is not None
    breaker.release(probe)  # a bug on our side: neither an answer nor an outage
    assert breaker.acquire() is not None


def make_breaker_client(fake, make_claude, *, clock: Clock, failures: int = 3) -> ClaudeClient:
    claude = make_claude(max_retries=2)
    claude.health.breaker = CircuitBreaker(failures=failures, cooldown=60, clock=clock)
    return claude


def test_an_outage_opens_the_breaker_and_replies_skip_claude_until_a_probe_succeeds(
    fake, make_claude, draft
):
    from bot.extraction.offline.extractor import OfflineExtractor

    clock = Clock()
    claude = make_breaker_client(fake, make_claude, clock=clock)
    extractor = ClaudeExtractor(claude=claude, fallback=OfflineExtractor())
    fake.default_responder = lambda body: http_error(529, retry_after=0.01)
    for _ in range(3):
        extraction = extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours")
        assert extraction.updates[0].value == "4 hours"  # the offline rules took it
    assert len(fake.requests) == 9  # three calls, each with the SDK's two retries
    health = claude.health.snapshot()
    assert (health.state, health.breaker) == ("degraded", "open")
    assert "3 failures in a row" in health.reason
    assert "529" in health.reason

    extraction = extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours")
    assert extraction.notes[-1] == PAUSED_NOTE
    assert extraction.updates[0].value == "4 hours"
    assert len(fake.requests) == 9  # not sent: no wait at all
    assert "paused" in extractor.name

    clock.now += 61
    fake.default_responder = lambda body: reply_json(EMPTY)
    extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours")
    probe = fake.requests[-1]
    assert len(fake.requests) == 10
    assert probe.headers["x-stainless-retry-count"] == "0"
    assert claude.health.snapshot().state == "ok"
    assert extractor.name == f"claude ({MODEL})"


def test_a_failed_probe_is_sent_without_retries(fake, make_claude, draft):
    clock = Clock()
    claude = make_breaker_client(fake, make_claude, clock=clock, failures=1)
    extractor = ClaudeExtractor(claude=claude, fallback=_Offline())
    fake.default_responder = lambda body: http_error(503, retry_after=0.01)
    extractor.extract(draft=draft, asked=[], text="x")
    assert len(fake.requests) == 3
    clock.now += 61
    extractor.extract(draft=draft, asked=[], text="x")
    assert len(fake.requests) == 4  # the probe: one try, the SDK's retries off
    assert claude.health.snapshot().breaker == "open"


def test_a_rejected_key_never_opens_the_breaker_and_says_misconfigured(fake, make_claude, draft):
    clock = Clock()
    claude = make_breaker_client(fake, make_claude, clock=clock)
    extractor = ClaudeExtractor(claude=claude, fallback=_Offline())
    fake.api_key = "sk-ant-rotated"
    for _ in range(5):
        extraction = extractor.extract(draft=draft, asked=[], text="x")
    assert extraction.notes == (MISCONFIGURED_NOTE.format(detail="HTTP 401 authentication_error"),)
    assert len(fake.requests) == 5  # fast failures, no retries, the breaker stays closed
    health = claude.health.snapshot()
    assert (health.state, health.breaker) == ("misconfigured", "closed")
    assert health.reason.startswith("the API rejected extract requests: HTTP 401")
    assert "misconfigured (the API rejected extract requests: HTTP 401" in extractor.name

    fake.api_key = claude._client.api_key  # the key is fixed
    fake.script(reply_json(EMPTY))
    extractor.extract(draft=draft, asked=[], text="x")
    assert claude.health.snapshot().state == "ok"


def test_a_schema_rejected_for_one_call_kind_stays_until_that_kind_succeeds(
    fake, make_claude, draft
):
    claude = make_claude()
    inferrer = ClaudeInferrer(claude=claude)
    extractor = ClaudeExtractor(claude=claude, fallback=_Offline())
    fake.script(http_error(400, message="output_config.format.schema: 'maxLength' unsupported"))
    assert inferrer.infer(draft=draft, slot_ids=["rto"]) == {}
    assert "infer requests: HTTP 400" in claude.health.snapshot().reason
    fake.script(reply_json(EMPTY))
    extractor.extract(draft=draft, asked=[], text="x")
    assert claude.health.snapshot().state == "misconfigured"  # extraction working says nothing
    fake.script(reply_json({"proposals": []}))
    inferrer.infer(draft=draft, slot_ids=["rto"])
    assert claude.health.snapshot().state == "ok"


def test_breaker_and_misconfiguration_are_on_metrics():
    def sample(name: str, labels: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = sample("opsmanual_llm_breaker_transitions_total", {"state": "open"})
    record_llm_breaker(state="open")
    assert sample("opsmanual_llm_breaker_transitions_total", {"state": "open"}) == before + 1
    state = {"health": LLMHealth("Claude (m)", "degraded", "open", "open")}
    metrics = Metrics(backlog=_no_backlog, llm=lambda: state["health"])
    text = metrics.render().decode()
    assert "opsmanual_llm_breaker_state 2.0" in text
    assert "opsmanual_llm_misconfigured 0.0" in text
    state["health"] = LLMHealth("Claude (m)", "misconfigured", "HTTP 401", "closed")
    text = metrics.render().decode()
    assert "opsmanual_llm_breaker_state 0.0" in text
    assert "opsmanual_llm_misconfigured 1.0" in text
    offline = Metrics(backlog=_no_backlog, llm=lambda: LLMHealth("offline rules")).render()
    assert b"opsmanual_llm_breaker_state" not in offline


def _no_backlog():
    from bot.observability import Backlog

    return Backlog({}, 0.0)


class _Offline:
    name = "offline"

    def extract(self, *, draft, asked, text):
        from bot.core.draft import Extraction

        return Extraction()
