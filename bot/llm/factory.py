"""Building the Claude parts at start-up, from Settings, for ``bot.runtime``.

One SDK client, one prompt library, one circuit breaker and one usage recorder are shared by
the extractor, the phraser, the condenser and the inferrer. Nothing is built at import, and
nothing here touches the network: the first request happens on the first reply.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Mapping
from dataclasses import dataclass

import anthropic
from anthropic.types import ModelParam

from bot.config import Settings
from bot.interview.ports import Extractor
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import ClaudeClient, make_anthropic
from bot.llm.condense import ClaudeCondenser
from bot.llm.extract import ClaudeExtractor
from bot.llm.infer import ClaudeInferrer
from bot.llm.phrase import ClaudePhraser
from bot.llm.plans import CallPlan
from bot.llm.pricing import UsageReporter
from bot.llm.profiles import PROFILES
from bot.llm.prompts import PromptLibrary
from bot.llm.usage import CallKind, UsageRecorder, UsageSource
from bot.observability import LLMHealth, record_llm_breaker

log = logging.getLogger(__name__)


def sdk_models() -> frozenset[str]:
    """The model ids the installed SDK knows (``anthropic.types.ModelParam``)."""
    literal = typing.get_args(ModelParam)[0]
    return frozenset(typing.get_args(literal))


@dataclass(frozen=True, slots=True)
class LLMParts:
    client: ClaudeClient
    extractor: ClaudeExtractor
    phraser: ClaudePhraser
    condenser: ClaudeCondenser
    inferrer: ClaudeInferrer
    usage: UsageReporter | None

    @property
    def mode(self) -> str:
        """What /health, help and status say: "Claude (claude-sonnet-5-5)"."""
        return self.client.health.mode

    def health(self) -> LLMHealth:
        """Right now: ok, misconfigured or degraded (breaker open), for /health and /metrics."""
        return self.client.health.snapshot()


def make_llm_parts(
    *,
    settings: Settings,
    fallback: Extractor,
    recorder: UsageRecorder | None = None,
    usage_source: UsageSource | None = None,
    sdk: anthropic.Anthropic | None = None,
    plans: Mapping[CallKind, CallPlan] | None = None,
) -> LLMParts:
    """Every Claude feature, sharing one client; ``recorder``/``usage_source`` are usually the
    same SQL usage log, passed in by the runtime (this package never imports ``bot.db``).
    ``plans`` overrides ``bot.llm.plans.PLANS`` (the benchmark compares cache TTLs with it)."""
    if settings.model not in sdk_models() and settings.model not in PROFILES:
        log.warning(
            "OPSMANUAL_MODEL=%s is not a model id the anthropic SDK knows; if the API rejects "
            "it, /health will say so",
            settings.model,
        )
    breaker = CircuitBreaker(
        failures=settings.llm_breaker_failures,
        cooldown=settings.llm_breaker_cooldown,
        on_change=lambda state: record_llm_breaker(state=state.value),
    )
    client = ClaudeClient(
        client=sdk or make_anthropic(settings),
        model=settings.model,
        prompts=PromptLibrary(),
        recorder=recorder,
        breaker=breaker,
        plans=plans,
    )
    return LLMParts(
        client=client,
        extractor=ClaudeExtractor(claude=client, fallback=fallback),
        phraser=ClaudePhraser(claude=client),
        condenser=ClaudeCondenser(claude=client),
        inferrer=ClaudeInferrer(claude=client),
        usage=UsageReporter(source=usage_source) if usage_source is not None else None,
    )
