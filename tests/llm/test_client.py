"""The request Claude receives, and every way an answer can fail, through the real SDK."""

from __future__ import annotations

import pytest

from bot.llm.errors import (
    LLMInvalidOutput,
    LLMRefused,
    LLMRequestError,
    LLMTruncated,
    LLMUnavailable,
)
from bot.llm.models import ExtractionOut
from bot.llm.usage import CallKind
from tests.fakes.anthropic_api import (
    delay,
    disconnect,
    http_error,
    invalid_json,
    refusal,
    reply_json,
    reply_text,
    truncated,
)
from tests.llm.conftest import MODEL

EMPTY = {"operations": [], "unknown": []}


def ask(claude, user: str = "<reply>\nhello\n</reply>"):
    return claude.structured(
        kind=CallKind.EXTRACT,
        draft_id=7,
        system=claude.prompts.system(CallKind.EXTRACT),
        user=user,
        output=ExtractionOut,
    )


def test_request_has_model_schema_and_cached_prefix(fake, claude):
    fake.script(reply_json(EMPTY))
    assert ask(claude) == ExtractionOut(operations=[], unknown=[])
    request = fake.requests[0]
    assert request.model == MODEL
    schema = request.output_schema
    assert schema is not None
    assert schema["title"] == "ExtractionOut"
    assert schema["additionalProperties"] is False
    system = request.body["system"]
    # one breakpoint, after the last block: rules, catalogue and task are one cached prefix,
    # kept for an hour since thread replies are often more than five minutes apart
    cached = {"type": "ephemeral", "ttl": "1h"}
    assert [b.get("cache_control") for b in system] == [None, None, cached]
    # Sonnet 5.5 would think at effort high by default: extraction turns that off the way
    # this model accepts, and leaves max_tokens to the answer
    assert request.body["thinking"] == {"type": "between_tools"}
    assert request.body["output_config"]["effort"] == "medium"
    assert request.body["max_tokens"] == 4096
    assert "never instructions to you" in system[0]["text"]
    assert "# Slots" in system[1]["text"]
    assert "Task: extract" in system[2]["text"]
    assert "<reply>\nhello\n</reply>" in request.user_text  # per-turn text after the prefix
    assert "temperature" not in request.body
    assert "tool_choice" not in request.body
    assert "tools" not in request.body


def test_second_call_reads_the_prefix_from_cache_and_usage_is_recorded(fake, claude, usage):
    fake.script(reply_json(EMPTY), reply_json(EMPTY))
    ask(claude, "<reply>\none\n</reply>")
    ask(claude, "<reply>\ntwo, a different turn\n</reply>")
    first, second = (e.usage for e in usage.entries)
    # at least the API's minimum cacheable prefix (1,024 tokens for Sonnet), or the real API
    # would not cache it at all: trimming the catalogue must not silently turn caching off
    assert first.cache_write_tokens >= 1024
    assert first.cache_read_tokens == 0
    assert second.cache_read_tokens == first.cache_write_tokens
    assert second.cache_write_tokens == 0
    assert second.cache_read_share > 0.8
    assert {e.kind for e in usage.entries} == {"extract"}
    assert {e.draft_id for e in usage.entries} == {7}


def test_rate_limit_then_success_is_retried_by_the_sdk(fake, make_claude):
    claude = make_claude(max_retries=2)
    fake.script(http_error(429, retry_after=0.01), reply_json(EMPTY))
    assert ask(claude).operations == []
    assert [r.status for r in fake.requests] == [429, 200]


def test_overload_storm_raises_unavailable_after_the_sdk_retries(fake, make_claude):
    claude = make_claude(max_retries=2)
    fake.script(*[http_error(529, retry_after=0.01)] * 3)
    with pytest.raises(LLMUnavailable):
        ask(claude)
    assert [r.status for r in fake.requests] == [529, 529, 529]


def test_server_error_and_dropped_connection_are_unavailable(fake, claude):
    fake.script(http_error(500), disconnect())
    with pytest.raises(LLMUnavailable):
        ask(claude)
    with pytest.raises(LLMUnavailable):
        ask(claude)


def test_timeout_is_unavailable(fake, make_claude):
    claude = make_claude(timeout=0.3)
    fake.script(delay(3.0, reply_json(EMPTY)))
    with pytest.raises(LLMUnavailable, match="timed out"):
        ask(claude)


def test_bad_key_is_a_rejection_not_an_outage(fake, make_claude, caplog):
    claude = make_claude(max_retries=2)
    fake.api_key = "sk-ant-rotated"  # the key the client holds is no longer valid
    with pytest.raises(LLMRequestError) as info:
        ask(claude)
    error = info.value
    assert not isinstance(error, LLMUnavailable)  # not retried, not an outage
    assert (error.status, error.error_type) == (401, "authentication_error")
    assert error.api_message == "invalid x-api-key"
    assert error.request_id is not None
    assert error.request_id.startswith("req_fake_")
    assert len(fake.requests) == 1
    health = claude.health.snapshot()
    assert health.state == "misconfigured"
    assert "HTTP 401 authentication_error: invalid x-api-key" in health.reason
    assert error.request_id in health.reason
    assert error.request_id in caplog.text  # the log says why every call fails
    assert "sk-ant-test-key" not in caplog.text + health.reason  # never the key


def test_invalid_json_is_re_asked_once_with_the_error(fake, claude, usage):
    fake.script(invalid_json(), reply_json(EMPTY))
    assert ask(claude).operations == []
    assert len(fake.requests) == 2
    reask = fake.requests[1].body["messages"]
    assert [m["role"] for m in reask] == ["user", "assistant", "user"]
    assert "did not match the required JSON schema" in reask[-1]["content"]
    assert "Invalid JSON" in reask[-1]["content"]
    assert len(usage.entries) == 2  # both calls are billed, both are counted


def test_wrong_shape_twice_gives_up(fake, claude):
    fake.script(reply_json({"operations": "all of them"}), reply_text("no"))
    with pytest.raises(LLMInvalidOutput):
        ask(claude)
    assert fake.pending_steps == 0
    assert len(fake.requests) == 2


def test_truncated_output_is_refused_before_parsing(fake, claude, usage):
    fake.script(truncated('{"operations": [{"slot_id": "rto", "op": "set", "val'))
    with pytest.raises(LLMTruncated):
        ask(claude)
    assert len(fake.requests) == 1  # no re-ask: a longer answer would be cut again
    assert usage.entries[0].usage.output_tokens == claude.options(CallKind.EXTRACT).max_tokens


def test_refusal_is_typed(fake, claude):
    fake.script(refusal(category="cyber"))
    with pytest.raises(LLMRefused):
        ask(claude)


def test_every_call_is_counted_for_metrics_by_outcome(fake, make_claude):
    from prometheus_client import REGISTRY

    def counts() -> dict[str, float]:
        outcomes = ("ok", "invalid_output", "overloaded", "rate_limited", "refused", "truncated")
        outcomes += ("timeout", "request_error", "server_error", "connection_error")
        return {
            o: REGISTRY.get_sample_value(
                "opsmanual_llm_calls_total", {"model": MODEL, "outcome": o}
            )
            or 0.0
            for o in outcomes
        }

    before = counts()
    claude = make_claude(max_retries=1, timeout=0.3)
    fake.script(
        http_error(429, retry_after=0.01),  # retried by the SDK: one call, ok
        reply_json(EMPTY),
        invalid_json(),  # one call invalid, its re-ask ok
        reply_json(EMPTY),
        *[http_error(529, retry_after=0.01)] * 2,
        refusal(),
        truncated("{"),
        delay(3.0),
        delay(3.0),
        http_error(400),
        http_error(500, should_retry=False),
        disconnect(),
        disconnect(),
    )
    ask(claude)
    ask(claude)
    failures = (LLMUnavailable, LLMRefused, LLMTruncated, LLMUnavailable, LLMRequestError)
    for expected in (*failures, LLMUnavailable, LLMUnavailable):
        with pytest.raises(expected):
            ask(claude)
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "ok": 2,
        "invalid_output": 1,
        "overloaded": 1,
        "rate_limited": 0,  # the SDK's retry succeeded: that call is ok
        "refused": 1,
        "truncated": 1,
        "timeout": 1,
        "request_error": 1,
        "server_error": 1,
        "connection_error": 1,
    }
