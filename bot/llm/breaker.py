"""A circuit breaker in front of the Claude API, so an outage costs one wait, not one per reply.

Without it, when every call fails (529 overloaded, say) each reply waits out the SDK's retries
before the offline rules take over: measured at 14.6 s per reply at p95 through Slack. With it:

- **closed**: calls go through; ``failures`` consecutive unavailability failures (after the
  SDK's own retries) open it;
- **open**: for ``cooldown`` seconds no call is sent; callers get :class:`LLMCircuitOpen` at
  once and fall back to the deterministic path (a reply is then handled well under a second);
- **half-open**: after the cool-down one caller is let through as a probe (the client sends it
  without SDK retries, so a failed probe costs one round trip); its success closes the
  breaker, its failure opens it for another cool-down. Other callers meanwhile stay on the
  fallback.

Only unavailability counts (429/5xx/timeouts/connections): a refusal, a truncated or invalid
answer, or a request the API rejected proves the API is reachable, and closes a half-open
breaker. The state lives in this process: with several replicas each keeps its own breaker,
and each finds out about an outage (and its end) by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)

DEFAULT_FAILURES = 3
DEFAULT_COOLDOWN = 60.0


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True, slots=True)
class Permit:
    """Leave to send one call; ``probe`` is the half-open breaker's single trial call."""

    probe: bool


@dataclass(frozen=True, slots=True)
class BreakerView:
    state: BreakerState
    failures: int  # consecutive, since the last success
    retry_in: float  # seconds until the next probe (0 unless open)
    last_failure: str  # why the last failure happened ("" if none)
    opened: int  # how many times it has opened since start


class CircuitBreaker:
    """Thread-safe: the worker threads of one process share it (see the module docstring)."""

    def __init__(
        self,
        *,
        failures: int = DEFAULT_FAILURES,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        if failures < 1 or cooldown < 0:
            raise ValueError("the breaker needs failures >= 1 and cooldown >= 0")
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self._last_failure = ""
        self._opened = 0

    def acquire(self) -> Permit | None:
        """A permit to call, or None: the breaker is open (or another caller is probing)."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return Permit(probe=False)
            if self._state is BreakerState.OPEN:
                if self._clock() - self._opened_at < self._cooldown:
                    return None
                self._set(BreakerState.HALF_OPEN)
            if self._probing:
                return None
            self._probing = True
            return Permit(probe=True)

    def success(self, permit: Permit) -> None:
        """The API answered (whatever the answer was)."""
        with self._lock:
            self._failures = 0
            if permit.probe:
                self._probing = False
            if self._state is not BreakerState.CLOSED:
                log.info("Claude answered again: circuit breaker closed")
                self._set(BreakerState.CLOSED)

    def failure(self, permit: Permit, *, reason: str) -> None:
        """The API could not answer this call, after the SDK's retries."""
        with self._lock:
            self._failures += 1
            self._last_failure = reason
            if permit.probe:
                self._probing = False
            if self._state is BreakerState.HALF_OPEN:
                log.info("Claude probe failed (%s): circuit breaker open again", reason)
            elif self._state is BreakerState.CLOSED and self._failures >= self._threshold:
                self._opened += 1
                log.warning(
                    "Claude failed %d times in a row (last: %s): circuit breaker open, "
                    "offline rules for %.0f s",
                    self._failures,
                    reason,
                    self._cooldown,
                )
            if self._state is not BreakerState.CLOSED or self._failures >= self._threshold:
                self._opened_at = self._clock()
                self._set(BreakerState.OPEN)

    def release(self, permit: Permit) -> None:
        """Neither answer nor outage (a bug on our side): give a probe's turn back."""
        if permit.probe:
            with self._lock:
                self._probing = False

    def view(self) -> BreakerView:
        with self._lock:
            retry_in = 0.0
            if self._state is BreakerState.OPEN:
                retry_in = max(0.0, self._cooldown - (self._clock() - self._opened_at))
            return BreakerView(
                self._state, self._failures, retry_in, self._last_failure, self._opened
            )

    def _set(self, state: BreakerState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_change is not None:
            self._on_change(state)
