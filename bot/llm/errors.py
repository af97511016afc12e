"""Typed failures of a Claude call, after the SDK's own retries are spent.

Callers catch :class:`LLMError` and fall back to deterministic code; the subclasses exist so
logs, metrics and the note shown to the engineer can say *why* without parsing messages.
"""

from __future__ import annotations


class LLMError(Exception):
    """Base class: Claude gave no usable answer for this call."""

    reason = "failed"


class LLMUnavailable(LLMError):
    """Rate limit, overload, 5xx, timeout or connection failure that outlasted the retries."""

    reason = "unavailable"


class LLMRequestError(LLMUnavailable):
    """The API refused the request itself (400/401/403/404/413): a bug or a bad key.

    A subclass of LLMUnavailable because, to the engineer, the outcome is the same: the
    offline rules handle the reply. The status code is kept for the log line.
    """

    reason = "request rejected"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LLMRefused(LLMError):
    """The model stopped with ``stop_reason == "refusal"``."""

    reason = "refused"


class LLMTruncated(LLMError):
    """The output hit ``max_tokens`` (or the context window): half a JSON object is refused."""

    reason = "truncated"


class LLMInvalidOutput(LLMError):
    """The output did not validate, even after one re-ask with the validation error."""

    reason = "invalid output"
