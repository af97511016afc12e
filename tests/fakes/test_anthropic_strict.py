"""The fake is as strict as the real API where the bot could get it wrong.

Each rule here is one the bot's requests once broke or could break without noticing, because
an earlier, lenient fake accepted them: the model id, thinking per model (and its tokens eating
``max_tokens``), effort, every structured-output rule, errors with a message and request id,
and prompt caching that expires and keys on ``output_config``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import anthropic
import pydantic
import pytest
from anthropic import transform_schema

from tests.fakes.anthropic_api import FakeAnthropic, reply_json
from tests.fakes.anthropic_rules import SDK_MODELS, end_of_life, retired, schema_problem
from tests.fakes.test_anthropic_fake import NO_THINKING, USER, create, text

LONG_ANSWER = {"facts": ["x" * 400]}  # about 100 tokens


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def client(fake: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(
        api_key=fake.api_key, base_url=fake.base_url, max_retries=0, timeout=5.0
    ) as sdk:
        yield sdk


# ------------------------------------------------------------------------ model ids and errors


def test_a_model_id_the_sdk_does_not_list_is_a_404_with_message_and_request_id(fake, client):
    assert "claude-sonnet-5-5" in SDK_MODELS
    with pytest.raises(anthropic.NotFoundError) as caught:
        create(client, model="claude-sonnet-5.5")  # a typo: dot instead of dash
    error = caught.value
    assert error.status_code == 404
    assert error.type == "not_found_error"
    assert error.api_message == "model: claude-sonnet-5.5"
    assert error.request_id is not None
    assert error.request_id.startswith("req_fake_")
    assert isinstance(error.body, dict)
    assert error.body["request_id"] == error.request_id  # header and body agree
    assert fake.requests[0].status == 404


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_a_model_past_its_end_of_life_is_a_404(client):
    assert end_of_life("claude-mythos-preview") == date(2026, 6, 30)
    assert retired("claude-mythos-preview", today=date(2026, 7, 1))
    assert not retired("claude-mythos-preview", today=date(2026, 6, 30))
    assert not retired("claude-sonnet-5-5")
    if retired("claude-mythos-preview"):
        with pytest.raises(anthropic.NotFoundError, match="end of life"):
            create(client, model="claude-mythos-preview", thinking=anthropic.omit)


def test_a_bad_key_is_a_401_with_message_and_request_id(fake):
    with (
        anthropic.Anthropic(api_key="sk-ant-wrong", base_url=fake.base_url, max_retries=0) as sdk,
        pytest.raises(anthropic.AuthenticationError) as caught,
    ):
        create(sdk)
    assert caught.value.api_message == "invalid x-api-key"
    assert caught.value.request_id


def test_max_tokens_above_the_models_output_limit_is_rejected(client):
    with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
        create(client, max_tokens=200_000)


# ------------------------------------------------------------------------------------ thinking


def test_sonnet_55_thinks_by_default_and_thinking_counts_toward_max_tokens(fake, client):
    fake.script(reply_json(LONG_ANSWER))
    cut = create(client, thinking=anthropic.omit, max_tokens=4096)  # high effort: 6,000 tokens
    assert cut.stop_reason == "max_tokens"
    assert [b.type for b in cut.content] == ["thinking"]  # no room left for the answer
    assert cut.usage.output_tokens == 4096

    fake.script(reply_json(LONG_ANSWER))
    roomy = create(client, thinking=anthropic.omit, max_tokens=10_000)
    assert roomy.stop_reason == "end_turn"
    assert [b.type for b in roomy.content] == ["thinking", "text"]
    assert roomy.usage.output_tokens > 6_000  # thinking is billed as output


def test_thinking_that_leaves_too_little_room_cuts_the_answer(fake, client):
    fake.script(reply_json(LONG_ANSWER))
    output_config: Any = {"effort": "low"}  # 300 thinking tokens
    message = create(client, thinking=anthropic.omit, output_config=output_config, max_tokens=350)
    assert message.stop_reason == "max_tokens"
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert len(message.content[1].text) < len(str(LONG_ANSWER))  # type: ignore[union-attr]


def test_between_tools_turns_sonnet_55_thinking_off(fake, client):
    fake.script(reply_json(LONG_ANSWER))
    message = create(client, thinking=NO_THINKING, max_tokens=200)
    assert message.stop_reason == "end_turn"
    assert [b.type for b in message.content] == ["text"]
    assert message.usage.output_tokens < 200


@pytest.mark.parametrize(
    ("model", "thinking", "effort", "match"),
    [
        ("claude-sonnet-5-5", {"type": "disabled"}, None, "between_tools"),
        ("claude-sonnet-5-5", NO_THINKING, "xhigh", "effort 'xhigh'"),
        ("claude-sonnet-5-5", {"type": "enabled", "budget_tokens": 2048}, None, "enabled"),
        ("claude-opus-5-5", {"type": "disabled"}, None, "always on"),
        ("claude-opus-5-5", NO_THINKING, None, "not supported"),
        ("claude-haiku-5-5", NO_THINKING, None, "not supported"),
        ("claude-haiku-5-5", {"type": "disabled"}, "max", "effort 'max'"),
        ("claude-sonnet-5-5", NO_THINKING, "highest", "output_config.effort"),
        ("claude-haiku-4-5", anthropic.omit, "low", "not supported by claude-haiku-4-5"),
    ],
)
def test_thinking_and_effort_are_checked_per_model(client, model, thinking, effort, match):
    output_config: Any = {"effort": effort} if effort else anthropic.omit
    with pytest.raises(anthropic.BadRequestError, match=match):
        create(client, model=model, thinking=thinking, output_config=output_config)


@pytest.mark.parametrize(
    ("model", "thinking", "effort"),
    [
        ("claude-haiku-5-5", {"type": "disabled"}, "low"),
        ("claude-sonnet-5", {"type": "disabled"}, "high"),
        ("claude-opus-5-5", anthropic.omit, "low"),
        ("claude-sonnet-5-5", {"type": "adaptive"}, "medium"),
        ("claude-haiku-4-5", {"type": "enabled", "budget_tokens": 1024}, None),
    ],
)
def test_documented_settings_are_accepted(fake, client, model, thinking, effort):
    fake.script(reply_json({"ok": True}))
    output_config: Any = {"effort": effort} if effort else anthropic.omit
    message = create(
        client, model=model, thinking=thinking, output_config=output_config, max_tokens=8000
    )
    assert message.stop_reason == "end_turn"


def test_sampling_parameters_are_refused_by_the_5x_models(client):
    """The SDK no longer even takes ``temperature``; a raw body that sends it is refused."""
    with pytest.raises(anthropic.BadRequestError, match="temperature"):
        create(client, extra_body={"temperature": 0.2})


# ----------------------------------------------------------------------- structured outputs


class Nested(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=2, max_length=40)
    count: int = pydantic.Field(ge=0, le=10)
    tags: list[str] = pydantic.Field(min_length=2)


def test_the_sdks_transform_makes_any_pydantic_schema_acceptable():
    assert schema_problem(Nested.model_json_schema()) is not None  # raw pydantic: refused
    assert schema_problem(transform_schema(Nested)) is None


@pytest.mark.parametrize(
    ("schema", "match"),
    [
        ({"type": "object", "properties": {}}, "additionalProperties"),
        ({"type": "string", "minLength": 2}, "'minLength' is not supported"),
        ({"type": "integer", "maximum": 9}, "'maximum' is not supported"),
        ({"type": "array", "items": {"type": "string"}, "minItems": 2}, "minItems"),
        ({"type": "string", "format": "text"}, "format"),
        ({"enum": [{"a": 1}]}, "enum"),
        ({"type": "string", "oneOf": [{"type": "string"}]}, "'oneOf' is not supported"),
        ({"$ref": "https://example.com/schema.json"}, "local references"),
        (
            {
                "$ref": "#/$defs/node",
                "$defs": {
                    "node": {
                        "type": "object",
                        "properties": {"child": {"$ref": "#/$defs/node"}},
                        "required": ["child"],
                        "additionalProperties": False,
                    }
                },
            },
            "recursive",
        ),
    ],
)
def test_structured_output_rules(client, schema, match):
    output_config: Any = {"format": {"type": "json_schema", "schema": schema}}
    with pytest.raises(anthropic.BadRequestError, match=match):
        create(client, output_config=output_config)


# -------------------------------------------------------------------------------- caching


def cached_system(ttl: str | None = None) -> list[dict[str, Any]]:
    control = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return [{"type": "text", "text": "Rules. " * 400, "cache_control": control}]


def test_output_config_is_part_of_the_cache_key(client):
    schema = {"type": "object", "properties": {}, "additionalProperties": False}
    first: Any = {"format": {"type": "json_schema", "schema": schema}, "effort": "low"}
    create(client, system=cached_system(), output_config=first)
    again = create(client, system=cached_system(), output_config=first)
    assert again.usage.cache_read_input_tokens == 700
    other: Any = {**first, "effort": "medium"}
    changed = create(client, system=cached_system(), output_config=other)
    assert changed.usage.cache_read_input_tokens == 0
    assert changed.usage.cache_creation_input_tokens == 700


def test_a_five_minute_entry_expires_and_a_read_refreshes_it(fake, client):
    create(client, system=cached_system())
    fake.advance(240)
    assert create(client, system=cached_system()).usage.cache_read_input_tokens == 700
    fake.advance(240)  # 8 minutes after the write, 4 after the read that refreshed it
    assert create(client, system=cached_system()).usage.cache_read_input_tokens == 700
    fake.advance(301)
    expired = create(client, system=cached_system())
    assert expired.usage.cache_read_input_tokens == 0
    assert expired.usage.cache_creation_input_tokens == 700


def test_a_one_hour_entry_outlives_a_long_pause(fake, client):
    first = create(client, system=cached_system("1h"))
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_1h_input_tokens == 700
    fake.advance(50 * 60)
    assert create(client, system=cached_system("1h")).usage.cache_read_input_tokens == 700
    fake.advance(61 * 60)
    assert create(client, system=cached_system("1h")).usage.cache_read_input_tokens == 0


def test_breakpoint_limits_and_ttl_order(client):
    block = {"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}
    with pytest.raises(anthropic.BadRequestError, match="maximum of 4"):
        create(client, system=[block] * 5)
    late = {**block, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    with pytest.raises(anthropic.BadRequestError, match="must not come after"):
        create(client, system=[block, late])
    create(client, system=[late, block])  # 1h first, then 5m: fine


def test_text_of_a_plain_answer_is_still_one_block(fake, client):
    fake.script(reply_json({"facts": []}))
    assert text(create(client, messages=USER)) == '{"facts": []}'
