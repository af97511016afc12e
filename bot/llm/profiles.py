"""What each Claude model costs, what it caches, and how it thinks.

Why a table: the models differ in ways that decide whether a request works at all. The default
model (Sonnet 5.5) thinks by default at effort ``high``; thinking tokens are billed as output and
count toward ``max_tokens``, so a request sized for the JSON answer alone gets cut short. Sonnet
5.5 turns thinking off with ``{"type": "between_tools"}`` and answers 400 to ``"disabled"``;
Haiku 5.5, Sonnet 5 and Opus 5 accept ``"disabled"`` (at effort ``high`` or lower); Opus 5.5
and Fable 5.1 always think. Prices, cache multipliers, minimum cacheable prefixes and default
efforts differ too. The figures come from the models' pages on platform.claude.com (model
overview, "What's new", prompt caching) as published in November 2026; ``source`` says where a
figure is less certain. An id missing here gets :data:`FALLBACK`, which sends no thinking or
effort parameter (an unknown model might reject either) and leaves room for a thinking model.

What each call kind asks of a model, and the request that follows, is in ``bot.llm.plans``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Thinking(StrEnum):
    """How a model thinks when a request says nothing, and how to turn it off."""

    OFF_BY_DEFAULT = "off by default"  # older models: omit ``thinking`` and it does not think
    DISABLED = "on, 'disabled' turns it off"  # at effort high or lower
    BETWEEN_TOOLS = "on, 'between_tools' turns it off"  # at effort low, medium or high
    ALWAYS = "always on"


EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True, slots=True)
class ModelProfile:
    id: str
    input_usd: float  # list price per million input tokens
    output_usd: float  # per million output tokens (thinking included)
    min_cache_tokens: int  # a shorter prefix is silently not cached
    thinking: Thinking
    default_effort: str | None  # None: the model takes no effort parameter
    cache_read_x: float = 0.1  # cache reads, as a multiple of the input price
    cache_write_5m_x: float = 1.25
    cache_write_1h_x: float = 2.0
    source: str = "model page"

    @property
    def takes_effort(self) -> bool:
        return self.default_effort is not None

    def cache_write_x(self, ttl: str) -> float:
        return self.cache_write_1h_x if ttl == "1h" else self.cache_write_5m_x


_5X = "model page, Nov 2026"
_MIN_UNLISTED = "minimum cacheable prefix not published per model; taken from its predecessor"
# fmt: off
PROFILES: dict[str, ModelProfile] = {
    p.id: p
    for p in (
        ModelProfile("claude-sonnet-5-5", 2.0, 10.0, 1024, Thinking.BETWEEN_TOOLS, "high",
                     source=f"{_5X}; {_MIN_UNLISTED} (Sonnet 5)"),
        ModelProfile("claude-sonnet-5", 2.0, 10.0, 1024, Thinking.DISABLED, "high", source=_5X),
        ModelProfile("claude-opus-5-5", 4.0, 20.0, 512, Thinking.ALWAYS, "medium",
                     source=f"{_5X}; {_MIN_UNLISTED} (Opus 5)"),
        ModelProfile("claude-opus-5", 5.0, 25.0, 512, Thinking.DISABLED, "high", source=_5X),
        # Haiku 5.5: prompts up to 100k tokens (ours are far below); 5x above that.
        ModelProfile("claude-haiku-5-5", 0.10, 0.50, 1024, Thinking.DISABLED, "medium",
                     source=f"{_5X} (up to 100k-token prompts); {_MIN_UNLISTED} (Sonnet 5)"),
        ModelProfile("claude-fable-5-1", 10.0, 50.0, 2048, Thinking.ALWAYS, "high",
                     source=f"{_5X}; {_MIN_UNLISTED} (Fable 5)"),
        ModelProfile("claude-opus-4-8", 5.0, 25.0, 1024, Thinking.OFF_BY_DEFAULT, "high"),
        ModelProfile("claude-sonnet-4-6", 3.0, 15.0, 1024, Thinking.OFF_BY_DEFAULT, "high"),
        ModelProfile("claude-haiku-4-5", 1.0, 5.0, 4096, Thinking.OFF_BY_DEFAULT, None),
    )
}
# fmt: on
_HAIKU_45 = "claude-haiku-4-5-20251001"
PROFILES[_HAIKU_45] = replace(PROFILES["claude-haiku-4-5"], id=_HAIKU_45)
FALLBACK = ModelProfile(
    "unknown", 5.0, 25.0, 1024, Thinking.ALWAYS, None, source="fallback: priced as Opus 5"
)


def profile(model: str) -> ModelProfile:
    """The model's profile, or :data:`FALLBACK` (with its id) for an id not in the table."""
    found = PROFILES.get(model)
    return found if found is not None else replace(FALLBACK, id=model)
