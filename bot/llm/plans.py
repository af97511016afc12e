"""What each call kind asks of a model, and the request parameters that follow.

Extraction and phrasing need no deep thinking (the answer maps text to fields, and latency
matters in a thread), so thinking is off where a model allows it and effort is ``medium`` and
``low``. Condensing must keep every fact, and inferring proposes a few short values that code
validates and engineers review: both ``medium``, no thinking. Thinking is billed as output, the
largest part of a manual's cost (``bench.bench_llm_tokens``: 1,500 thinking tokens on the one
infer call were 18% of it), so it has to earn its place; ``CallPlan.think`` turns it on for a
kind that needs it. A model that always thinks (Opus 5.5, Fable 5.1) is asked for effort
``low`` on the kinds that do not need thinking, which keeps its thinking short.
``max_tokens`` is the answer's room plus, when the model will think, an allowance for the effort
level: a cap, not a cost (only generated tokens are billed), sized so thinking can never eat the
answer (``bot.llm.profiles`` says which models think and how they stop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.llm.profiles import Thinking, profile
from bot.llm.usage import CallKind

# Allowance for thinking on top of the answer, by effort; generous on purpose (see module doc).
THINKING_ALLOWANCE = {"low": 4_000, "medium": 8_000, "high": 16_000, "xhigh": 32_000, "max": 64_000}
_OFF_EFFORTS = frozenset({"low", "medium", "high"})  # where thinking may be switched off


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What one kind of call needs, whatever the model."""

    answer_tokens: int  # room for the JSON answer
    effort: str  # wanted effort
    think: bool  # whether this kind is worth thinking about
    cache_ttl: str | None  # "5m" or "1h" for a cache breakpoint after the prefix; None: none


# Extraction caches its prefix for an hour: thread replies are often more than five minutes
# apart, and one 1-hour write (2x input) is cheaper than a 5-minute write (1.25x) on every
# reply after a pause. The other calls are below the minimum cacheable size (phrase) or run once
# per manual (condense, infer), so a breakpoint would only cost a write nobody reads.
PLANS: dict[CallKind, CallPlan] = {
    CallKind.EXTRACT: CallPlan(answer_tokens=4096, effort="medium", think=False, cache_ttl="1h"),
    CallKind.PHRASE: CallPlan(answer_tokens=600, effort="low", think=False, cache_ttl=None),
    CallKind.CONDENSE: CallPlan(answer_tokens=4096, effort="medium", think=False, cache_ttl=None),
    CallKind.INFER: CallPlan(answer_tokens=4096, effort="medium", think=False, cache_ttl=None),
}


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """The request parameters that follow from a model and a call kind."""

    max_tokens: int
    thinking: dict[str, Any] | None  # None: leave the parameter out
    effort: str | None  # None: leave ``output_config.effort`` out
    cache_ttl: str | None
    thinks: bool  # whether the model is expected to think on this call

    def params(self) -> dict[str, Any]:
        """``max_tokens`` and ``thinking`` as keyword arguments for ``messages.create``."""
        out: dict[str, Any] = {"max_tokens": self.max_tokens}
        if self.thinking is not None:
            out["thinking"] = self.thinking
        return out


def request_options(model: str, plan: CallPlan) -> RequestOptions:
    """Thinking, effort and ``max_tokens`` for one call of ``plan`` on ``model``."""
    p = profile(model)
    effort = plan.effort if p.takes_effort else None
    if p.thinking is Thinking.ALWAYS and not plan.think and effort is not None:
        effort = "low"  # it will think anyway: as little as it allows
    if p.thinking is Thinking.OFF_BY_DEFAULT:
        thinking, thinks = None, False
    elif p.thinking is Thinking.ALWAYS or plan.think or (effort or "high") not in _OFF_EFFORTS:
        thinking, thinks = None, True  # the model's own adaptive thinking
    elif p.thinking is Thinking.BETWEEN_TOOLS:
        thinking, thinks = {"type": "between_tools"}, False
    else:
        thinking, thinks = {"type": "disabled"}, False
    level = effort or p.default_effort or "high"
    allowance = THINKING_ALLOWANCE[level] if thinks else 0
    return RequestOptions(plan.answer_tokens + allowance, thinking, effort, plan.cache_ttl, thinks)
