"""What this process knows about Claude right now: usable, misconfigured, or paused.

One :class:`ClaudeHealth` per client, fed by every call. It answers ``/health`` and ``/metrics``
(through ``bot.observability.LLMHealth``) and the ``status`` command in a thread (through the
extractor's name), so an operator and an engineer see the same reason:

- **misconfigured** when the API rejected a request itself (``LLMRequestError``: 400, 401,
  402, 403, 404). A bad key, an unknown model or a refused account affects every call, so any
  later success clears it; a 400 may belong to one call kind's request (its schema), so only a
  success of that kind clears it. The reason is the API's message and request id, never the
  key;
- **degraded** while the circuit breaker is open or half-open (``bot.llm.breaker``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.llm.breaker import BreakerState, CircuitBreaker
from bot.llm.errors import LLMRequestError
from bot.observability import LLMHealth

_EVERY_KIND = "*"


@dataclass(frozen=True, slots=True)
class Rejection:
    kind: str
    detail: str


class ClaudeHealth:
    def __init__(self, *, model: str, breaker: CircuitBreaker) -> None:
        self.model = model
        self.breaker = breaker
        self._lock = threading.Lock()
        self._rejected: dict[str, Rejection] = {}

    @property
    def mode(self) -> str:
        """What /health, help and status say: "Claude (claude-sonnet-5-5)"."""
        return f"Claude ({self.model})"

    def rejected(self, kind: str, exc: LLMRequestError) -> None:
        if not exc.misconfigured:
            return
        scope = kind if exc.status == 400 else _EVERY_KIND
        with self._lock:
            self._rejected[scope] = Rejection(kind, exc.detail)

    def answered(self, kind: str) -> None:
        with self._lock:
            self._rejected.pop(kind, None)
            self._rejected.pop(_EVERY_KIND, None)

    def rejection(self) -> Rejection | None:
        with self._lock:
            return self._rejected.get(_EVERY_KIND) or next(iter(self._rejected.values()), None)

    def snapshot(self) -> LLMHealth:
        view = self.breaker.view()
        rejection = self.rejection()
        if rejection is not None:
            reason = f"the API rejected {rejection.kind} requests: {rejection.detail}"
            return LLMHealth(self.mode, "misconfigured", reason, view.state.value)
        if view.state is BreakerState.OPEN:
            reason = (
                f"circuit breaker open after {view.failures} failures in a row "
                f"(last: {view.last_failure}); offline rules, next try in {view.retry_in:.0f} s"
            )
            return LLMHealth(self.mode, "degraded", reason, view.state.value)
        if view.state is BreakerState.HALF_OPEN:
            reason = f"circuit breaker half-open: probing after {view.failures} failures"
            return LLMHealth(self.mode, "degraded", reason, view.state.value)
        return LLMHealth(self.mode, "ok", "", view.state.value)

    def status_line(self) -> str:
        """For the thread's ``status``: "" when all is well, else what an engineer should know."""
        health = self.snapshot()
        if health.state == "misconfigured":
            return (
                f"misconfigured ({health.reason}); the offline rules read replies until an "
                "admin fixes it"
            )
        if health.state == "degraded":
            return f"paused: {health.reason}"
        return ""
