"""Typed failures of a Claude call, after the SDK's own retries are spent.

Callers catch :class:`LLMError` and fall back to deterministic code; the subclasses exist so
logs, metrics, ``/health`` and the note shown to the engineer can say *why* without parsing
messages. Two families matter for operations:

- :class:`LLMUnavailable`: the API could not answer (rate limit, overload, 5xx, timeout, no
  connection, or the circuit breaker is open). It passes; the breaker counts it.
- :class:`LLMRequestError`: the API answered and refused the request itself (400, 401, 403,
  404...): a bad key, a mistyped ``OPSMANUAL_MODEL``, a rejected schema. Retrying cannot help and
  nothing passes by itself, so it is *not* an outage: ``/health`` says ``misconfigured`` with
  the API's message and request id until a call succeeds.
"""

from __future__ import annotations

import re

# Statuses that say the deployment (key, model id, account, request shape) is wrong, not the
# API: every call will fail the same way until someone changes something.
MISCONFIGURED_STATUSES = frozenset({400, 401, 402, 403, 404})
_KEY_LIKE = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")


class LLMError(Exception):
    """Base class: Claude gave no usable answer for this call."""

    reason = "failed"


class LLMUnavailable(LLMError):
    """Rate limit, overload, 5xx, timeout or connection failure that outlasted the retries."""

    reason = "unavailable"


class LLMCircuitOpen(LLMUnavailable):
    """Not sent: the circuit breaker is open after repeated failures (``bot.llm.breaker``)."""

    reason = "paused"


class LLMRequestError(LLMError):
    """The API rejected the request itself; carries what it said, never the key."""

    reason = "request rejected"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        api_message: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.api_message = scrub(api_message) if api_message else None
        self.request_id = request_id

    @property
    def misconfigured(self) -> bool:
        return self.status in MISCONFIGURED_STATUSES

    @property
    def detail(self) -> str:
        """``HTTP 401 authentication_error: invalid x-api-key (request req_...)``."""
        head = f"HTTP {self.status}" if self.status else "rejected"
        kind = f" {self.error_type}" if self.error_type else ""
        said = f": {self.api_message}" if self.api_message else ""
        rid = f" (request {self.request_id})" if self.request_id else ""
        return f"{head}{kind}{said}{rid}"


class LLMRefused(LLMError):
    """The model stopped with ``stop_reason == "refusal"``."""

    reason = "refused"


class LLMTruncated(LLMError):
    """The output hit ``max_tokens`` (or the context window): half a JSON object is refused."""

    reason = "truncated"


class LLMInvalidOutput(LLMError):
    """The output did not validate, even after one re-ask with the validation error."""

    reason = "invalid output"


def scrub(text: str, *secrets: str) -> str:
    """``text`` with anything shaped like an Anthropic key, and the given secrets, removed:
    an error message is logged and shown on /health, and must never carry the key."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[key]")
    return _KEY_LIKE.sub("[key]", text)[:300]
