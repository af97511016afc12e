"""Thinking, effort and max_tokens per model and call kind, checked against the strict fake."""

from __future__ import annotations

import json
from dataclasses import replace

import anthropic
import pytest

from bot.llm.client import ClaudeClient
from bot.llm.models import Condensed, ExtractionOut, PhrasedQuestions, Proposals
from bot.llm.plans import PLANS, THINKING_ALLOWANCE, request_options
from bot.llm.profiles import PROFILES, Thinking, profile
from bot.llm.usage import CallKind
from tests.fakes.anthropic_api import reply_json
from tests.fakes.anthropic_rules import SDK_MODELS, retired

OUTPUTS = {
    CallKind.EXTRACT: (ExtractionOut, {"operations": [], "unknown": []}),
    CallKind.PHRASE: (PhrasedQuestions, {"message": "1. What is the RTO?"}),
    CallKind.CONDENSE: (Condensed, {"fields": []}),
    CallKind.INFER: (Proposals, {"proposals": []}),
}


def test_sonnet_55_turns_thinking_off_the_way_it_accepts():
    extract = request_options("claude-sonnet-5-5", PLANS[CallKind.EXTRACT])
    assert (extract.thinking, extract.effort, extract.max_tokens) == (
        {"type": "between_tools"},
        "medium",
        4096,
    )
    phrase = request_options("claude-sonnet-5-5", PLANS[CallKind.PHRASE])
    assert (phrase.effort, phrase.max_tokens) == ("low", 600)
    thinking = replace(PLANS[CallKind.INFER], think=True)  # a kind that wants to think
    infer = request_options("claude-sonnet-5-5", thinking)
    assert infer.thinking is None  # adaptive, the model's default
    assert infer.thinks
    assert infer.max_tokens == 4096 + THINKING_ALLOWANCE["medium"]


def test_models_that_always_think_get_room_for_it_and_old_ones_get_no_new_parameters():
    opus = request_options("claude-opus-5-5", PLANS[CallKind.EXTRACT])
    assert opus.thinking is None
    assert opus.effort == "low"  # it thinks anyway: as little as it will
    assert opus.max_tokens == 4096 + THINKING_ALLOWANCE["low"]
    haiku = request_options("claude-haiku-5-5", PLANS[CallKind.PHRASE])
    assert haiku.thinking == {"type": "disabled"}
    old = request_options("claude-haiku-4-5", PLANS[CallKind.EXTRACT])
    assert (old.thinking, old.effort, old.max_tokens) == (None, None, 4096)
    unknown = request_options("claude-next-9", PLANS[CallKind.EXTRACT])
    assert (unknown.thinking, unknown.effort) == (None, None)  # it might reject either
    assert unknown.max_tokens == 4096 + THINKING_ALLOWANCE["high"]  # and might think
    assert profile("claude-next-9").thinking is Thinking.ALWAYS


def test_the_profile_table_only_names_models_the_sdk_knows():
    assert set(PROFILES) <= SDK_MODELS
    for p in PROFILES.values():
        assert p.output_usd > p.input_usd > 0
        assert p.min_cache_tokens >= 512
        assert p.cache_write_x("1h") > p.cache_write_x("5m") > 1 > p.cache_read_x


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
@pytest.mark.parametrize("model", sorted(m for m in SDK_MODELS if not retired(m)))
def test_every_call_kind_is_accepted_and_answered_in_full_on_every_sdk_model(fake, prompts, model):
    """The strict fake thinks like each model does (5.x models by default, at their default
    effort) and counts thinking toward max_tokens: every request must be accepted and end with
    the whole answer."""
    with anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0) as sdk:
        claude = ClaudeClient(client=sdk, model=model, prompts=prompts)
        for kind, (output, answer) in OUTPUTS.items():
            fake.script(reply_json(answer))
            result = claude.structured(
                kind=kind,
                draft_id=None,
                system=prompts.system(kind),
                user="<reply>\nhello\n</reply>",
                output=output,
            )
            assert result == output.model_validate(answer)
            assert claude.last_call is not None
            assert claude.last_call.stop_reason == "end_turn"
    assert [r.status for r in fake.requests] == [200] * len(OUTPUTS)
    assert json.dumps(fake.requests[0].body["output_config"]["format"]["schema"])
