"""Building the Claude parts at start-up, from Settings, for ``bot.runtime``.

One SDK client, one prompt library and one usage recorder are shared by the extractor, the
phraser, the condenser and the inferrer. Nothing is built at import, and nothing here touches
the network: the first request happens on the first reply.
"""

from __future__ import annotations

from dataclasses import dataclass

import anthropic

from bot.config import Settings
from bot.interview.ports import Extractor
from bot.llm.client import ClaudeClient, make_anthropic
from bot.llm.condense import ClaudeCondenser
from bot.llm.extract import ClaudeExtractor
from bot.llm.infer import ClaudeInferrer
from bot.llm.phrase import ClaudePhraser
from bot.llm.prompts import PromptLibrary
from bot.llm.usage import UsageRecorder, UsageReporter, UsageSource


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
        return f"Claude ({self.client.model})"


def make_llm_parts(
    *,
    settings: Settings,
    fallback: Extractor,
    recorder: UsageRecorder | None = None,
    usage_source: UsageSource | None = None,
    sdk: anthropic.Anthropic | None = None,
) -> LLMParts:
    """Every Claude feature, sharing one client; ``recorder``/``usage_source`` are usually the
    same SQL usage log, passed in by the runtime (this package never imports ``bot.db``)."""
    client = ClaudeClient(
        client=sdk or make_anthropic(settings),
        model=settings.model,
        prompts=PromptLibrary(),
        recorder=recorder,
    )
    return LLMParts(
        client=client,
        extractor=ClaudeExtractor(claude=client, fallback=fallback),
        phraser=ClaudePhraser(claude=client),
        condenser=ClaudeCondenser(claude=client),
        inferrer=ClaudeInferrer(claude=client),
        usage=UsageReporter(source=usage_source) if usage_source is not None else None,
    )
