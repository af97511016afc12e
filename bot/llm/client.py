"""One Claude call, done properly: cached prefix, structured output, typed failures, usage.

Every feature (extract, phrase, condense, infer) goes through :meth:`ClaudeClient.structured`,
so the recipe lives in one place:

- the request follows the model and the call kind (``bot.llm.plans``): thinking and effort
  set per model (Sonnet 5.5 thinks at effort ``high`` unless told otherwise, and thinking
  tokens count toward ``max_tokens``), and ``max_tokens`` sized to hold thinking and answer;
- the stable prefix (shared rules, the slot catalogue and routing help for extraction, task
  instructions) is sent as system blocks with ``cache_control`` on the last one when the plan
  caches, and only the per-turn text follows it (each task has its own output schema, which
  the API treats as part of the prefix, so each task caches its own);
- the answer is constrained with ``output_config`` (a JSON schema from a pydantic model);
  forced ``tool_choice`` is not used, since the newest models reject it;
- ``stop_reason`` is checked *before* parsing: truncated or refused output is never parsed;
- pydantic validates; one re-ask carries the validation error; a second failure gives up;
- the SDK retries 408/409/429/5xx, timeouts and dropped connections itself (``max_retries``),
  so whatever still fails here is final for this call and becomes an :class:`LLMError`; a
  circuit breaker stops sending after repeated unavailability (``bot.llm.breaker``), and a
  request the API rejects (bad key, unknown model, refused schema) is logged with the API's
  message and request id and marks the client misconfigured (``bot.llm.health``);
- every request that reaches (or tries to reach) the API is counted for /metrics with
  ``record_llm_call(model=, outcome=)``: ``ok``, or what went wrong (:func:`outcome_of`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import anthropic
import pydantic
from anthropic import transform_schema

from bot.llm.breaker import CircuitBreaker, Permit
from bot.llm.errors import (
    LLMCircuitOpen,
    LLMError,
    LLMInvalidOutput,
    LLMRefused,
    LLMRequestError,
    LLMTruncated,
    LLMUnavailable,
    scrub,
)
from bot.llm.health import ClaudeHealth
from bot.llm.plans import PLANS, CallPlan, RequestOptions, request_options
from bot.llm.prompts import PromptLibrary
from bot.llm.usage import CallKind, TokenUsage, UsageRecorder, record_usage
from bot.observability import record_llm_call

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

M = TypeVar("M", bound=pydantic.BaseModel)
_ACCEPTED_STOPS = frozenset({"end_turn", "stop_sequence"})
_TRUNCATED_STOPS = frozenset({"max_tokens", "model_context_window_exceeded"})


def make_anthropic(settings: Settings) -> anthropic.Anthropic:
    """The SDK client, built when the runtime starts (never at import).

    ``base_url`` None lets the SDK read ``ANTHROPIC_BASE_URL`` itself and otherwise use the
    public API; the tests point it at the local fake.
    """
    if settings.anthropic_api_key is None:
        raise ValueError("ANTHROPIC_API_KEY is not set; the offline extractor needs no client")
    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url or None,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def output_schema(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The JSON schema the API enforces: pydantic's, made strict by the SDK's own transform
    (``additionalProperties: false`` on every object, unsupported keywords moved into
    descriptions)."""
    return transform_schema(model)


def _usage(message: anthropic.types.Message) -> TokenUsage:
    u = message.usage
    return TokenUsage(
        input_tokens=u.input_tokens,
        output_tokens=u.output_tokens,
        cache_read_tokens=u.cache_read_input_tokens or 0,
        cache_write_tokens=u.cache_creation_input_tokens or 0,
    )


def outcome_of(exc: BaseException) -> str:
    """The /metrics label for a failed call: few, stable values an alert can be written on."""
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        if status == 429:
            return "rate_limited"
        if status == 529:
            return "overloaded"
        if status in (408, 409) or status >= 500:
            return "server_error"
        return "request_error"
    if isinstance(exc, anthropic.APITimeoutError):  # a subclass of APIConnectionError
        return "timeout"
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection_error"
    if isinstance(exc, LLMCircuitOpen):
        return "breaker_open"
    if isinstance(exc, LLMTruncated):
        return "truncated"
    if isinstance(exc, LLMRefused):
        return "refused"
    if isinstance(exc, LLMInvalidOutput):
        return "invalid_output"
    return "error"


def _text(message: anthropic.types.Message) -> str:
    """The answer's text blocks; thinking blocks (when the model thought) are not the answer."""
    return "".join(block.text for block in message.content if block.type == "text")


def _short_errors(exc: pydantic.ValidationError) -> str:
    """The validation errors without the offending input (which may be long user text)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False)[:10]:
        where = ".".join(str(part) for part in error["loc"]) or "(root)"
        lines.append(f"- {where}: {error['msg']}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The last answered call, for logs, the live test and benchmarks."""

    kind: CallKind
    stop_reason: str | None
    usage: TokenUsage
    request_id: str | None
    options: RequestOptions


class ClaudeClient:
    """The model, the SDK client, the breaker and the usage recorder, shared by every feature."""

    def __init__(
        self,
        *,
        client: anthropic.Anthropic,
        model: str,
        prompts: PromptLibrary | None = None,
        recorder: UsageRecorder | None = None,
        breaker: CircuitBreaker | None = None,
        plans: Mapping[CallKind, CallPlan] | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self.prompts = prompts or PromptLibrary()
        self._recorder = recorder
        self.health = ClaudeHealth(model=model, breaker=breaker or CircuitBreaker())
        self._plans = dict(plans or PLANS)
        self.last_call: CallRecord | None = None

    def options(self, kind: CallKind) -> RequestOptions:
        return request_options(self.model, self._plans[kind])

    def structured(
        self,
        *,
        kind: CallKind,
        draft_id: int | None,
        system: Sequence[str],
        user: str,
        output: type[M],
    ) -> M:
        """Ask once, validate, re-ask once with the error; raises LLMError when that fails."""
        schema = output_schema(output)
        messages: list[anthropic.types.MessageParam] = [{"role": "user", "content": user}]
        text = self._complete(kind, draft_id, system, schema, messages)
        try:
            return self._validated(output, text)
        except pydantic.ValidationError as exc:
            log.info("%s output failed validation; re-asking once", kind.value)
            problem = _short_errors(exc)
        messages += [
            {"role": "assistant", "content": text.strip() or "(empty answer)"},
            {"role": "user", "content": self.prompts.reask(problem=problem)},
        ]
        text = self._complete(kind, draft_id, system, schema, messages)
        try:
            return self._validated(output, text)
        except pydantic.ValidationError as exc:
            raise LLMInvalidOutput(f"{kind.value}: invalid after one re-ask") from exc

    def optional(
        self,
        *,
        kind: CallKind,
        draft_id: int | None,
        system: Sequence[str],
        user: str,
        output: type[M],
    ) -> M | None:
        """``structured`` for features the interview can do without (phrasing, condensing,
        inferring): any failure is logged and answered with None, so the deterministic path
        takes over and an optional feature never breaks the interview."""
        try:
            return self.structured(
                kind=kind, draft_id=draft_id, system=system, user=user, output=output
            )
        except LLMError as exc:
            log.info("%s for draft %s fell back to the deterministic path: %s", kind, draft_id, exc)
        except Exception:
            log.exception("%s failed unexpectedly; the deterministic path takes over", kind)
        return None

    def _validated(self, output: type[M], text: str) -> M:
        """Parse one answer, and count its call as ok or invalid_output."""
        try:
            parsed = output.model_validate_json(text)
        except pydantic.ValidationError:
            record_llm_call(model=self.model, outcome="invalid_output")
            raise
        record_llm_call(model=self.model, outcome="ok")
        return parsed

    def _request(
        self,
        options: RequestOptions,
        system: Sequence[str],
        schema: dict[str, Any],
        messages: list[anthropic.types.MessageParam],
    ) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = [{"type": "text", "text": text} for text in system]
        if options.cache_ttl:  # one breakpoint, after the task instructions: the whole prefix
            control = {"type": "ephemeral"}
            blocks[-1]["cache_control"] = control | (
                {"ttl": options.cache_ttl} if options.cache_ttl != "5m" else {}
            )
        output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": schema}}
        if options.effort:
            output_config["effort"] = options.effort
        return {
            "model": self.model,
            "system": blocks,
            "messages": messages,
            "output_config": output_config,
            **options.params(),
        }

    def _complete(
        self,
        kind: CallKind,
        draft_id: int | None,
        system: Sequence[str],
        schema: dict[str, Any],
        messages: list[anthropic.types.MessageParam],
    ) -> str:
        breaker = self.health.breaker
        permit = breaker.acquire()
        if permit is None:
            record_llm_call(model=self.model, outcome="breaker_open")
            raise LLMCircuitOpen(f"{kind.value}: not sent, the circuit breaker is open")
        options = self.options(kind)
        client = self._client.with_options(max_retries=0) if permit.probe else self._client
        try:
            message = client.messages.create(**self._request(options, system, schema, messages))
        except anthropic.AnthropicError as exc:
            record_llm_call(model=self.model, outcome=outcome_of(exc))
            raise self._failed(kind, exc, permit) from exc
        except BaseException:
            breaker.release(permit)
            raise
        breaker.success(permit)
        self.health.answered(kind.value)
        usage = _usage(message)
        record_usage(self._recorder, draft_id=draft_id, kind=kind, model=self.model, usage=usage)
        request_id = getattr(message, "_request_id", None)
        stop = message.stop_reason
        self.last_call = CallRecord(kind, stop, usage, request_id, options)
        log.debug("%s: %s, %s (request %s)", kind.value, stop, usage, request_id)
        failure: LLMError | None = None
        if stop in _TRUNCATED_STOPS:
            failure = LLMTruncated(f"{kind.value}: output stopped at {stop}")
        elif stop == "refusal":
            failure = LLMRefused(f"{kind.value}: the model refused")
        elif stop is not None and stop not in _ACCEPTED_STOPS:
            failure = LLMInvalidOutput(f"{kind.value}: unexpected stop_reason {stop}")
        if failure is not None:
            record_llm_call(model=self.model, outcome=outcome_of(failure))
            raise failure
        return _text(message)

    def _failed(self, kind: CallKind, exc: anthropic.AnthropicError, permit: Permit) -> LLMError:
        """What the SDK raised, once its own retries are spent, as one of our typed errors;
        told to the breaker (an outage) or to the health record (a rejection)."""
        error = _as_llm_error(kind, exc, key=self._client.api_key)
        breaker = self.health.breaker
        if isinstance(error, LLMRequestError):
            breaker.success(permit)  # the API answered: not an outage
            self.health.rejected(kind.value, error)
            log.warning("Claude rejected the %s request: %s", kind.value, error.detail)
        elif isinstance(error, LLMUnavailable):
            breaker.failure(permit, reason=str(error).split(": ", 1)[-1])
        else:
            breaker.release(permit)
        return error


def _as_llm_error(kind: CallKind, exc: anthropic.AnthropicError, *, key: str | None) -> LLMError:
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        if status in (408, 409, 429) or status >= 500:
            return LLMUnavailable(f"{kind.value}: HTTP {status} {exc.type or ''} after retries")
        return LLMRequestError(
            f"{kind.value}: HTTP {status}",
            status=status,
            error_type=exc.type,
            api_message=scrub(str(exc.api_message or ""), key or "") or None,
            request_id=exc.request_id,
        )
    if isinstance(exc, anthropic.APITimeoutError):
        return LLMUnavailable(f"{kind.value}: timed out after retries")
    if isinstance(exc, anthropic.APIConnectionError):
        return LLMUnavailable(f"{kind.value}: connection failed after retries")
    return LLMUnavailable(f"{kind.value}: {type(exc).__name__}")


__all__ = ["ClaudeClient", "LLMError", "make_anthropic", "output_schema"]
