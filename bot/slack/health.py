"""GET /health: can this process do its job right now?

``unhealthy`` (HTTP 503) when the database is unreachable or not migrated to the code's
head: a load balancer should stop sending Slack events to such a replica. ``stopping`` (503)
once the replica got SIGTERM: it still accepts events for its drain period, but a load
balancer should route new ones elsewhere. ``degraded`` (200) when jobs wait longer than they
should, when Claude's circuit breaker is open (replies use the offline rules), or when the API
rejects our requests (``llm: misconfigured``, with the API's message and request id in
``llm_reason``): events are still accepted and nothing is lost, but a human should look.
Neither LLM state makes a replica unhealthy: every replica shares the key and the model id,
and the offline rules keep the interviews going.

The checks are injected as callables so this module needs nothing from the database layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.observability import LLMHealth
from bot.slack.ports import BacklogLike

log = logging.getLogger(__name__)

BACKLOG_WARN_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class HealthCheck:
    database_ok: Callable[[], bool]
    migrated: Callable[[], bool]
    backlog: Callable[[], BacklogLike]
    llm: Callable[[], LLMHealth]
    backlog_warn_seconds: float = BACKLOG_WARN_SECONDS
    stopping: Callable[[], bool] = lambda: False  # True once SIGTERM arrived

    def run(self) -> tuple[int, dict[str, Any]]:
        checks: dict[str, str] = {"database": "error", "migrations": "unknown"}
        degraded = self._llm(checks)
        healthy = True
        if _safely(self.database_ok):
            checks["database"] = "ok"
            checks["migrations"] = "ok" if _safely(self.migrated) else "behind"
            healthy = checks["migrations"] == "ok"
            backlog = _safely(self.backlog)
            if backlog is None:
                checks["backlog"] = "error"
                degraded = True
            elif backlog.pending and backlog.oldest_pending_age > self.backlog_warn_seconds:
                age = round(backlog.oldest_pending_age)
                checks["backlog"] = f"{backlog.pending} pending, oldest {age}s"
                degraded = True
            else:
                checks["backlog"] = "ok"
        else:
            healthy = False
            checks["backlog"] = "unknown"
        status = "unhealthy" if not healthy else "degraded" if degraded else "healthy"
        if self.stopping():
            status, healthy = "stopping", False
        body = {
            "status": status,
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "checks": checks,
        }
        return (200 if healthy else 503), body

    def _llm(self, checks: dict[str, str]) -> bool:
        """``llm``: the mode when all is well, else ``misconfigured`` or ``degraded`` with the
        reason in ``llm_reason``; ``llm_breaker`` in Claude mode. True when degraded."""
        health: LLMHealth | None = _safely(self.llm)
        if health is None:
            checks["llm"] = "error"
            return True
        checks["llm"] = health.mode if health.ok else health.state
        if health.reason:
            checks["llm_reason"] = health.reason
        if health.breaker:
            checks["llm_breaker"] = health.breaker
        return not health.ok


def _safely(check: Callable[[], Any]) -> Any:
    try:
        return check()
    except Exception as exc:
        log.warning("health check %s failed: %s", getattr(check, "__name__", check), exc)
        return None
