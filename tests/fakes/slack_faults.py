"""FakeSlack's scripted failures: before a call is handled, or after it took effect.

``fail_next`` fails a call before it is handled (a 429 with ``Retry-After``, a 5xx, a logical
error), so nothing happened in Slack. ``fail_after_accept`` handles the call in full and then
loses the answer, the window an idempotent client has to close: Slack did the work, and the
caller cannot tell.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_Json = dict[str, Any]


@dataclass
class Failure:
    status: int
    retry_after: int | None
    remaining: int
    error: str


@dataclass
class AfterAccept:
    remaining: int
    status: int | None  # None: close the connection without an answer
    hook: Callable[[Any, _Json], None] | None


class FaultScript:
    """Mixed into FakeSlack: the queues of scripted failures per method, under its lock."""

    _lock: threading.RLock

    def __init__(self) -> None:
        self._failures: dict[str, list[Failure]] = {}
        self._after_accept: dict[str, list[AfterAccept]] = {}

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Script the next ``times`` calls of ``method`` to fail before normal handling.

        429 always carries ``Retry-After`` (default 1 s, as Slack always sends it) and error
        ``ratelimited``; 5xx defaults to ``internal_error``; status 200 needs ``error`` and
        yields a logical failure such as ``channel_not_found``."""
        if status == 200 and error is None:
            raise ValueError("a status-200 failure needs an error code")
        if times < 1:
            raise ValueError("times must be >= 1")
        default = "ratelimited" if status == 429 else "internal_error"
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = Failure(status, retry_after, times, error or default)
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def fail_after_accept(
        self,
        method: str,
        *,
        times: int = 1,
        status: int | None = None,
        hook: Callable[[Any, _Json], None] | None = None,
    ) -> None:
        """Let the next ``times`` successful calls of ``method`` take effect, then lose the answer.

        The call is handled in full (a post is stored and readable), then ``hook(call,
        answer)`` runs, if given (a test kills the calling process there), and the client gets
        ``status`` with ``internal_error``, or with ``status=None`` a connection closed before
        any answer. Failed calls (``ok: false``) are answered normally and do not count."""
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._after_accept.setdefault(method, []).append(AfterAccept(times, status, hook))

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.pop(0)
        return failure

    def _take_after_accept(self, method: str) -> AfterAccept | None:
        with self._lock:
            queue = self._after_accept.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.pop(0)
            return fault
