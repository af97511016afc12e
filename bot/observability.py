"""Prometheus metrics for `opsmanual serve`, and the one place other layers report into.

Counters live in prometheus_client's default registry, so the process collectors (RSS, CPU,
open files) come for free and any layer can count without being handed an object:
``record_llm_call(...)`` is how the LLM adapter reports, ``record_slack_error(...)`` how the
Slack publisher does. Figures that describe a state rather than count events (jobs by state and
the oldest pending job, from the database; the LLM's circuit breaker and configuration, from
the process) are read when /metrics is scraped, through collectors the server registers in a
registry of its own, so several servers in one test process never collide.

:class:`LLMHealth` is how the LLM adapter describes its state to ``/health``, ``/metrics`` and
the runtime without either side importing the other.

It also guards the logs: ``install_log_guard()`` keeps reply text out of every log line, ours
and the libraries' (see its docstring).

This module imports nothing from the rest of ``bot``: every layer may import it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

JOB_STATES = ("pending", "running", "done", "failed")

HTTP_REQUESTS = Counter(
    "opsmanual_http_requests",
    "HTTP requests served, by route and status code.",
    ["route", "status"],
)
HTTP_LATENCY = Histogram(
    "opsmanual_http_request_seconds",
    "Time to answer an HTTP request (Slack needs its answer within 3 s).",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
JOBS_ENQUEUED = Counter(
    "opsmanual_jobs_enqueued", "Jobs committed to the inbox, by kind.", ["kind"]
)
JOBS_DUPLICATE = Counter(
    "opsmanual_jobs_duplicate", "Events dropped because their event key was already queued."
)
JOBS_FINISHED = Counter(
    "opsmanual_jobs_finished",
    "Jobs a worker finished, by kind and outcome (done, retry, failed, released).",
    ["kind", "outcome"],
)
REPLIES_PROCESSED = Counter(
    "opsmanual_replies_processed", "Thread replies run through the interview."
)
QUESTIONS_ASKED = Counter("opsmanual_questions_asked", "Questions posted to threads.")
MANUALS_PUBLISHED = Counter(
    "opsmanual_manuals_published", "Manual files uploaded, finals and drafts.", ["kind"]
)
SLACK_API_ERRORS = Counter(
    "opsmanual_slack_api_errors",
    "Slack Web API calls that failed after the client's own retries, by method and error.",
    ["method", "error"],
)
LLM_CALLS = Counter(
    "opsmanual_llm_calls", "Calls to the LLM, by model and outcome.", ["model", "outcome"]
)


LLM_BREAKER_CHANGES = Counter(
    "opsmanual_llm_breaker_transitions",
    "Circuit breaker state changes in this process, by the state entered.",
    ["state"],
)
LLM_EXTRACTIONS = Counter(
    "opsmanual_llm_extractions",
    "Replies Claude read, by result: facts, nothing (no usable update, offline rules found "
    "none either), rescued (Claude found nothing, the offline rules did), fallback.",
    ["result"],
)
LLM_DROPPED = Counter(
    "opsmanual_llm_operations_dropped",
    "Operations Claude proposed that code refused, by reason (unquoted, ungrounded, unusable).",
    ["reason"],
)
LLM_CONDENSED = Counter(
    "opsmanual_llm_condensed_fields",
    "Fields Claude shortened for a manual over 800 words, by result: accepted, or rejected "
    "(longer, a placeholder, or a number, name or command lost).",
    ["result"],
)


def record_llm_call(*, model: str, outcome: str = "ok") -> None:
    """For the LLM adapter: one call made (``outcome``: ok, error, refused, invalid...)."""
    LLM_CALLS.labels(model=model, outcome=outcome).inc()


def record_llm_breaker(*, state: str) -> None:
    LLM_BREAKER_CHANGES.labels(state=state).inc()


def record_llm_extraction(*, result: str) -> None:
    LLM_EXTRACTIONS.labels(result=result).inc()


def record_llm_dropped(*, reason: str, count: int = 1) -> None:
    if count:
        LLM_DROPPED.labels(reason=reason).inc(count)


def record_llm_condensed(*, accepted: int, rejected: int) -> None:
    if accepted:
        LLM_CONDENSED.labels(result="accepted").inc(accepted)
    if rejected:
        LLM_CONDENSED.labels(result="rejected").inc(rejected)


def record_slack_error(*, method: str, error: str) -> None:
    SLACK_API_ERRORS.labels(method=method, error=error).inc()


def record_http(*, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(route=route).observe(seconds)


@dataclass(frozen=True, slots=True)
class LLMHealth:
    """What the LLM adapter says about itself.

    ``state``: ``ok``; ``misconfigured`` (the API rejected our requests: key, model id, schema;
    ``reason`` has its message and request id); ``degraded`` (the circuit breaker is open or
    half-open after repeated failures: replies use the offline rules). ``breaker`` is
    ``closed``, ``open`` or ``half-open`` ("" without an LLM).
    """

    mode: str  # "Claude (claude-sonnet-5-5)" or "offline rules"
    state: str = "ok"
    reason: str = ""
    breaker: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


_BREAKER_LEVELS = {"closed": 0, "half-open": 1, "open": 2}


class LLMCollector(Collector):
    """The breaker state and configuration, read when scraped (they change between scrapes)."""

    def __init__(self, read: Callable[[], LLMHealth]) -> None:
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        health = self._read()
        if health.breaker:
            yield GaugeMetricFamily(
                "opsmanual_llm_breaker_state",
                "Claude circuit breaker in this process: 0 closed, 1 half-open, 2 open.",
                value=_BREAKER_LEVELS.get(health.breaker, 0),
            )
        yield GaugeMetricFamily(
            "opsmanual_llm_misconfigured",
            "1 while the API rejects our requests (key, model id, schema): see /health.",
            value=1 if health.state == "misconfigured" else 0,
        )


@dataclass(frozen=True, slots=True)
class Backlog:
    counts: Mapping[str, int]
    oldest_pending_age: float


class BacklogCollector(Collector):
    """Reads the inbox when scraped, so the figures are right across several processes."""

    def __init__(self, read: Callable[[], Backlog]) -> None:
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = self._read()
        jobs = GaugeMetricFamily("opsmanual_jobs", "Jobs in the inbox, by state.", labels=["state"])
        for state in JOB_STATES:
            jobs.add_metric([state], backlog.counts.get(state, 0))
        yield jobs
        yield GaugeMetricFamily(
            "opsmanual_oldest_pending_job_age_seconds",
            "Age of the oldest job no worker has taken yet (0 when none waits).",
            value=backlog.oldest_pending_age,
        )


class Metrics:
    """What /metrics serves: the process-wide counters plus this server's database gauges."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(
        self, *, backlog: Callable[[], Backlog], llm: Callable[[], LLMHealth] | None = None
    ) -> None:
        self._local = CollectorRegistry(auto_describe=False)
        self._local.register(BacklogCollector(backlog))
        if llm is not None:
            self._local.register(LLMCollector(llm))

    def render(self) -> bytes:
        return generate_latest(REGISTRY) + generate_latest(self._local)


# --- the log guard -------------------------------------------------------------------------

# Libraries that put whole request or response bodies in log lines: bolt on an invalid signature
# ("… body: {…}") or an unhandled request, and at DEBUG its responses; slack_sdk at DEBUG every
# Web API call with its text; anthropic at DEBUG every prompt ("Request options: {…}").
_BODY_LOGGERS = ("slack_bolt", "slack_sdk", "anthropic", "httpx", "httpcore", "urllib3", "waitress")
_BODY_START = re.compile(
    r"(?i)(?:\bbody\b|\bbody_params\b|\bjson_body\b|\bquery_params\b|request options"
    r"|unhandled request|\bjson_data\b|\bpayload\b|\bcontent\b|\bparams\b)"
)
# Data that exceptions carry into their message: SQLAlchemy's bound parameters, pydantic's
# input values, PostgreSQL's DETAIL line with the offending key.
_DATA_IN_ERRORS = (
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.S), "[parameters withheld]"),
    (re.compile(r"input_value=.*?, input_type=", re.S), "input_value=[withheld], input_type="),
    (re.compile(r"DETAIL: .*?(?=\n|$)"), "DETAIL: [withheld]"),
)
WITHHELD = "[withheld: may contain message text]"
_guard_installed = False


def scrub_log_text(text: str, *, library: bool = False) -> str:
    """``text`` without request bodies (for a library's record) and without the data errors
    carry; the rest of the line (what happened, status codes, ids) stays for debugging."""
    if library:
        body = _BODY_START.search(text)
        if body is not None:
            text = text[: body.end()] + ": " + WITHHELD
    for pattern, replacement in _DATA_IN_ERRORS:
        text = pattern.sub(replacement, text)
    return text


def _guarded(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        library = record.name.startswith(_BODY_LOGGERS) or record.name == BOLT_LOGGER_NAME
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: the handler reports it
            return record
        clean = scrub_log_text(message, library=library)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = scrub_log_text(text)
        return record

    return make


BOLT_LOGGER_NAME = "bot.slack.bolt"  # the logger bot.slack.app hands to bolt


def install_log_guard() -> None:
    """Keep reply text out of every log line at every level, whoever logs it.

    It wraps the log-record factory, so it applies to every logger and every handler (the
    operator's, pytest's) without configuring either: library records lose everything from the
    word "body" (or "params", "Request options", …) on, and exception texts lose SQL parameters,
    pydantic input values and PostgreSQL DETAIL lines. Idempotent; called at start-up.
    """
    global _guard_installed
    if _guard_installed:
        return
    logging.setLogRecordFactory(_guarded(logging.getLogRecordFactory()))
    _guard_installed = True
