"""Proves the fake API against the real `anthropic` SDK (no mocks of the SDK).

If these pass, a test that points the bot at `FakeAnthropic` sees exactly what the SDK makes
of real API answers: the same parsed `Message`, the same retries, the same exception classes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pydantic
import pytest

from tests.fakes.anthropic_api import (
    FakeAnthropic,
    delay,
    disconnect,
    http_error,
    invalid_json,
    refusal,
    reply_json,
    reply_text,
    truncated,
)

MODEL = "claude-sonnet-5-5"  # the newest Sonnet id in the SDK's ModelParam
NO_THINKING = {"type": "between_tools"}  # how Sonnet 5.5 answers without thinking first
USER_SAYS = "We page the on-call via PagerDuty."
USER: list[anthropic.types.MessageParam] = [{"role": "user", "content": USER_SAYS}]
SCHEMA = {
    "type": "object",
    "properties": {"facts": {"type": "array", "items": {"type": "string"}}},
    "required": ["facts"],
    "additionalProperties": False,
}

MakeClient = Callable[..., anthropic.Anthropic]


class Facts(pydantic.BaseModel):
    facts: list[str]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A developer's own key, base URL or profile must not leak into these tests."""
    for name in ("API_KEY", "AUTH_TOKEN", "BASE_URL", "CUSTOM_HEADERS", "PROFILE"):
        monkeypatch.delenv(f"ANTHROPIC_{name}", raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def make_client(fake: FakeAnthropic) -> Iterator[MakeClient]:
    clients: list[anthropic.Anthropic] = []

    def make(**kwargs: Any) -> anthropic.Anthropic:
        options = {"api_key": fake.api_key, "base_url": fake.base_url, "max_retries": 0}
        client = anthropic.Anthropic(**{**options, "timeout": 5.0, **kwargs})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def create(client: anthropic.Anthropic, **kwargs: Any) -> anthropic.types.Message:
    """A request like the bot's: without thinking unless a test asks for it."""
    options = {"model": MODEL, "max_tokens": 512, "messages": USER, "thinking": NO_THINKING}
    options |= kwargs
    message: anthropic.types.Message = client.messages.create(**options)
    return message


def text(message: anthropic.types.Message) -> str:
    """The reply's text, as the bot reads it (a single text block)."""
    [block] = message.content
    assert isinstance(block, anthropic.types.TextBlock)
    return block.text


def test_json_reply_is_parsed_with_usage(fake: FakeAnthropic, make_client: MakeClient) -> None:
    answer = {"facts": ["on-call is paged via PagerDuty"]}
    fake.script(reply_json(answer, input_tokens=120, output_tokens=30, cache_read=900))

    message = create(make_client(), system="You extract facts.")

    assert json.loads(text(message)) == answer
    assert (message.stop_reason, message.model, message.role) == ("end_turn", MODEL, "assistant")
    assert message.usage.input_tokens == 120
    assert message.usage.output_tokens == 30
    assert message.usage.cache_read_input_tokens == 900
    assert message.usage.cache_creation_input_tokens == 0
    [req] = fake.requests
    assert (req.model, req.system_text, req.user_text) == (
        MODEL,
        "You extract facts.",
        USER_SAYS,
    )
    assert req.headers["anthropic-version"] == "2026-10-21"
    assert req.headers["authorization"] == f"Bearer {fake.api_key}"  # not x-api-key, in 2.14
    assert not req.has_cache_control
    assert req.output_schema is None
    assert fake.pending_steps == 0


def test_structured_output_request_records_schema(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    fake.script(reply_json({"facts": ["a"]}))
    output_config: Any = {"format": {"type": "json_schema", "schema": SCHEMA}}
    message = create(make_client(), output_config=output_config)
    assert json.loads(text(message)) == {"facts": ["a"]}
    assert fake.requests[0].output_schema == SCHEMA


def test_messages_parse_sends_output_config_and_parses(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    fake.script(reply_json({"facts": ["b"]}))
    client = make_client()
    parsed = client.messages.parse(
        model=MODEL, max_tokens=512, messages=USER, output_format=Facts, thinking=NO_THINKING
    )
    assert parsed.parsed_output == Facts(facts=["b"])
    [req] = fake.requests
    assert req.output_schema is not None
    assert req.output_schema["additionalProperties"] is False
    assert req.headers["x-stainless-helper"] == "messages.parse"


def test_lax_schema_is_rejected_like_the_real_api(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    lax: Any = {"format": {"type": "json_schema", "schema": {"type": "object", "properties": {}}}}
    with pytest.raises(anthropic.BadRequestError, match="additionalProperties"):
        create(make_client(), output_config=lax)


def test_429_is_retried_by_the_sdk(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(http_error(429, retry_after=0), reply_json({"facts": []}))
    message = create(make_client(max_retries=2))
    assert json.loads(text(message)) == {"facts": []}
    assert [r.status for r in fake.requests] == [429, 200]
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]


def test_529_storm_outlasting_retries_raises_overloaded(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    fake.script(*[http_error(529, retry_after=0.01)] * 4)
    with pytest.raises(anthropic.OverloadedError) as caught:
        create(make_client(max_retries=2))
    assert isinstance(caught.value, anthropic.InternalServerError)
    assert (caught.value.status_code, caught.value.type) == (529, "overloaded_error")
    assert len(fake.requests) == 3
    assert fake.pending_steps == 1


def test_x_should_retry_false_stops_sdk_retries(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    fake.script(http_error(500, should_retry=False))
    with pytest.raises(anthropic.InternalServerError):
        create(make_client(max_retries=3))
    assert len(fake.requests) == 1


def test_slow_answer_times_out(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(delay(3.0, then=reply_json({})))
    started = time.monotonic()
    with pytest.raises(anthropic.APITimeoutError):
        create(make_client(timeout=0.3))
    assert time.monotonic() - started < 2.0


def test_disconnect_is_a_connection_error(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(disconnect())
    with pytest.raises(anthropic.APIConnectionError) as caught:
        create(make_client())
    assert not isinstance(caught.value, anthropic.APITimeoutError)
    assert fake.requests[0].status is None


def test_disconnect_then_success_is_retried(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(disconnect(), reply_json({"facts": []}))
    assert create(make_client(max_retries=1)).stop_reason == "end_turn"
    assert len(fake.requests) == 2


def test_truncation_refusal_and_bad_json(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(truncated('{"facts": ["hal'), refusal(), invalid_json(), reply_text("plain"))
    client = make_client()
    cut = create(client, max_tokens=64)
    assert (cut.stop_reason, cut.usage.output_tokens) == ("max_tokens", 64)
    refused = create(client)
    assert refused.stop_reason == "refusal"
    assert refused.stop_details is not None
    assert refused.stop_details.type == "refusal"
    with pytest.raises(json.JSONDecodeError):
        json.loads(text(create(client)))
    assert text(create(client)) == "plain"


def test_bad_api_key_is_authentication_error(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.script(reply_json({}))
    with pytest.raises(anthropic.AuthenticationError):
        create(make_client(api_key="sk-ant-wrong", max_retries=2))
    assert [r.status for r in fake.requests] == [401]
    assert fake.pending_steps == 1  # rejected requests leave the script alone


@pytest.mark.parametrize("choice", [{"type": "any"}, {"type": "tool", "name": "record_facts"}])
def test_forced_tool_choice_is_rejected(
    fake: FakeAnthropic, make_client: MakeClient, choice: dict[str, str]
) -> None:
    tools = [{"name": "record_facts", "input_schema": SCHEMA}]
    with pytest.raises(anthropic.BadRequestError, match="tool_choice"):
        create(make_client(), tools=tools, tool_choice=choice)
    fake.script(reply_json({}))
    create(make_client(), tools=tools, tool_choice={"type": "auto"})


def test_missing_version_header_is_rejected(make_client: MakeClient) -> None:
    with pytest.raises(anthropic.BadRequestError, match="anthropic-version"):
        create(make_client(), extra_headers={"anthropic-version": anthropic.omit})


@pytest.mark.parametrize("missing", ["model", "max_tokens", "messages"])
def test_missing_fields_are_rejected(fake: FakeAnthropic, missing: str) -> None:
    body = {"model": MODEL, "max_tokens": 10, "messages": USER}
    del body[missing]
    headers = {"x-api-key": fake.api_key, "anthropic-version": "2023-06-01"}
    response = httpx2.post(f"{fake.base_url}/v1/messages", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "message": f"{missing}: Field required",
    }


def test_base_url_from_environment(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake.api_key)
    fake.script(reply_json({"via": "env"}))
    with anthropic.Anthropic(max_retries=0) as client:
        assert json.loads(text(create(client))) == {"via": "env"}
    assert len(fake.requests) == 1


def test_cache_usage_is_computed(fake: FakeAnthropic, make_client: MakeClient) -> None:
    system = [{"type": "text", "text": "Rules. " * 400, "cache_control": {"type": "ephemeral"}}]
    client = make_client()
    first, second = create(client, system=system), create(client, system=system)
    other = create(client, system=[{**system[0], "text": "Other rules. " * 300}])

    assert first.usage.cache_creation_input_tokens == 700
    assert first.usage.cache_read_input_tokens == 0
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == 700
    assert second.usage.cache_read_input_tokens == 700
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == first.usage.input_tokens > 0
    assert other.usage.cache_read_input_tokens == 0
    assert all(r.has_cache_control for r in fake.requests)


def test_automatic_caching_reads_the_earlier_conversation(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    client, turns = make_client(), [{"role": "user", "content": "x" * 4000}]
    first = create(client, messages=turns, cache_control={"type": "ephemeral", "ttl": "1h"})
    turns += [{"role": "assistant", "content": "ok"}, {"role": "user", "content": "more"}]
    second = create(client, messages=turns, cache_control={"type": "ephemeral"})
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_1h_input_tokens == 1000
    assert second.usage.cache_read_input_tokens == 1000


def test_min_cacheable_tokens_skips_small_prefixes(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    fake.min_cacheable_tokens = 1024
    system = [{"type": "text", "text": "short", "cache_control": {"type": "ephemeral"}}]
    client = make_client()
    create(client, system=system)
    assert create(client, system=system).usage.cache_read_input_tokens == 0


def test_default_responder_and_wait(fake: FakeAnthropic, make_client: MakeClient) -> None:
    fake.default_responder = lambda body: reply_json({"echo": body["messages"][-1]["content"]})
    client = make_client()
    threads = [
        threading.Thread(target=create, args=(client,), kwargs={"messages": USER}) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    fake.wait_for_requests(4, timeout=5)
    for thread in threads:
        thread.join()
    assert json.loads(text(create(client))) == {"echo": USER_SAYS}
    with pytest.raises(TimeoutError):
        fake.wait_for_requests(6, timeout=0.05)


def test_failing_responder_surfaces_as_unretried_500(
    fake: FakeAnthropic, make_client: MakeClient
) -> None:
    def broken(body: dict[str, Any]) -> Any:
        raise KeyError("facts")

    fake.default_responder = broken
    with pytest.raises(anthropic.InternalServerError, match="default_responder failed"):
        create(make_client(max_retries=2))
    assert len(fake.requests) == 1


def test_count_tokens(fake: FakeAnthropic, make_client: MakeClient) -> None:
    counted = make_client().messages.count_tokens(
        model=MODEL, messages=[{"role": "user", "content": "y" * 400}]
    )
    assert counted.input_tokens == 100
    assert len(fake.count_token_requests) == 1
    assert not fake.requests
