"""One Claude call, done properly: cached prefix, structured output, typed failures, usage.

Every feature (extract, phrase, condense, infer) goes through :meth:`ClaudeClient.structured`,
so the recipe lives in one place:

- the stable prefix (shared rules, the slot catalogue for extraction, task instructions) is
  sent as system blocks with ``cache_control`` on the last one, and only the per-turn text
  follows it (each task has its own output schema, which the API treats as part of the prefix,
  so each task caches its own); calls whose prefix could not be cached, or would never be read
  again, are sent without a breakpoint;
- the answer is constrained with ``output_config`` (a JSON schema from a pydantic model);
  forced ``tool_choice`` is not used, since the newest models reject it;
- ``stop_reason`` is checked *before* parsing: truncated or refused output is never parsed;
- pydantic validates; one re-ask carries the validation error; a second failure gives up;
- the SDK retries 408/409/429/5xx, timeouts and dropped connections itself (``max_retries``),
  so whatever still fails here is final for this call and becomes an :class:`LLMError`;
- every request that reaches (or tries to reach) the API is counted for /metrics with
  ``record_llm_call(model=, outcome=)``: ``ok``, or what went wrong (:func:`outcome_of`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import anthropic
import pydantic
from anthropic import transform_schema

from bot.llm.errors import (
    LLMError,
    LLMInvalidOutput,
    LLMRefused,
    LLMRequestError,
    LLMTruncated,
    LLMUnavailable,
)
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
    if isinstance(exc, LLMTruncated):
        return "truncated"
    if isinstance(exc, LLMRefused):
        return "refused"
    if isinstance(exc, LLMInvalidOutput):
        return "invalid_output"
    return "error"


def _text(message: anthropic.types.Message) -> str:
    return "".join(block.text for block in message.content if block.type == "text")


def _short_errors(exc: pydantic.ValidationError) -> str:
    """The validation errors without the offending input (which may be long user text)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False)[:10]:
        where = ".".join(str(part) for part in error["loc"]) or "(root)"
        lines.append(f"- {where}: {error['msg']}")
    return "\n".join(lines)


class ClaudeClient:
    """The model, the SDK client and the usage recorder, shared by every Claude feature."""

    def __init__(
        self,
        *,
        client: anthropic.Anthropic,
        model: str,
        prompts: PromptLibrary | None = None,
        recorder: UsageRecorder | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self.prompts = prompts or PromptLibrary()
        self._recorder = recorder

    def structured(
        self,
        *,
        kind: CallKind,
        draft_id: int | None,
        system: Sequence[str],
        user: str,
        output: type[M],
        max_tokens: int,
        cache: bool = True,
    ) -> M:
        """Ask once, validate, re-ask once with the error; raises LLMError when that fails.

        ``cache=False`` for calls made once per manual (infer, condense), where a cache write
        costs 1.25 times the input price and would never be read, and for prefixes below the
        API's minimum cacheable size (1,024 tokens for Sonnet: phrase), which it never caches.
        """
        schema = output_schema(output)
        messages: list[anthropic.types.MessageParam] = [{"role": "user", "content": user}]
        call = (kind, draft_id, system, schema, max_tokens, cache)
        text = self._complete(*call, messages)
        try:
            return self._validated(output, text)
        except pydantic.ValidationError as exc:
            log.info("%s output failed validation; re-asking once", kind.value)
            problem = _short_errors(exc)
        messages += [
            {"role": "assistant", "content": text.strip() or "(empty answer)"},
            {"role": "user", "content": self.prompts.reask(problem=problem)},
        ]
        text = self._complete(*call, messages)
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
        max_tokens: int,
        cache: bool = True,
    ) -> M | None:
        """``structured`` for features the interview can do without (phrasing, condensing,
        inferring): any failure is logged and answered with None, so the deterministic path
        takes over and an optional feature never breaks the interview."""
        try:
            return self.structured(
                kind=kind,
                draft_id=draft_id,
                system=system,
                user=user,
                output=output,
                max_tokens=max_tokens,
                cache=cache,
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

    def _complete(
        self,
        kind: CallKind,
        draft_id: int | None,
        system: Sequence[str],
        schema: dict[str, Any],
        max_tokens: int,
        cache: bool,
        messages: list[anthropic.types.MessageParam],
    ) -> str:
        blocks: list[anthropic.types.TextBlockParam] = [
            {"type": "text", "text": text} for text in system
        ]
        if cache:  # one breakpoint, after the task instructions: the whole stable prefix
            blocks[-1]["cache_control"] = {"type": "ephemeral"}
        try:
            message = self._client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=blocks,
                messages=messages,
                output_config={"format": {"type": "json_schema", "schema": schema}},
            )
        except anthropic.AnthropicError as exc:
            record_llm_call(model=self.model, outcome=outcome_of(exc))
            raise _as_llm_error(kind, exc) from exc
        usage = _usage(message)
        record_usage(self._recorder, draft_id=draft_id, kind=kind, model=self.model, usage=usage)
        stop = message.stop_reason
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


def _as_llm_error(kind: CallKind, exc: anthropic.AnthropicError) -> LLMError:
    """What the SDK raised, once its own retries are spent, as one of our typed errors."""
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        if status in (408, 409, 429) or status >= 500:
            return LLMUnavailable(f"{kind.value}: HTTP {status} after retries")
        return LLMRequestError(f"{kind.value}: HTTP {status}", status=status)
    if isinstance(exc, anthropic.APITimeoutError):
        return LLMUnavailable(f"{kind.value}: timed out after retries")
    if isinstance(exc, anthropic.APIConnectionError):
        return LLMUnavailable(f"{kind.value}: connection failed after retries")
    return LLMUnavailable(f"{kind.value}: {type(exc).__name__}")


__all__ = ["ClaudeClient", "LLMError", "make_anthropic", "output_schema"]
