"""Estimated cost of Claude calls, and the ``status`` line that shows it: not an invoice.

Prices and cache multipliers come from the per-model table (``bot.llm.profiles``): list prices
in US dollars per million tokens; a cache read costs ``cache_read_x`` times the input price, a
cache write 1.25 times (5-minute TTL) or 2 times (1-hour TTL). Discounts and batch pricing are
ignored. Token counts are the API's own ``usage`` fields, never estimated from characters. The
usage log keeps one cache-write figure per call, so writes are priced at the TTL the cached
calls use (``CACHED_TTL``, one value for every cached call in this version).
"""

from __future__ import annotations

import logging

from bot.llm.plans import PLANS
from bot.llm.profiles import profile
from bot.llm.usage import TokenUsage, UsageSource

log = logging.getLogger(__name__)

CACHED_TTL = next((p.cache_ttl for p in PLANS.values() if p.cache_ttl), "5m")


def estimate_cost(
    *,
    model: str,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
    write_ttl: str = CACHED_TTL,
) -> float:
    """Estimated US dollars for one model's token counts (see the module docstring)."""
    p = profile(model)
    per_input = p.input_usd / 1_000_000
    return (
        input_tokens * per_input
        + cache_read_tokens * per_input * p.cache_read_x
        + cache_write_tokens * per_input * p.cache_write_x(write_ttl)
        + output_tokens * p.output_usd / 1_000_000
    )


def usage_cost(*, model: str, usage: TokenUsage, write_ttl: str = CACHED_TTL) -> float:
    """``estimate_cost`` of a summed ``TokenUsage``: the status line and the benchmarks."""
    return estimate_cost(
        model=model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        write_ttl=write_ttl,
    )


class UsageReporter:
    """The ``status`` line: "Claude tokens: 12,345 in (80% from cache), 1,234 out, ≈ $0.03"."""

    def __init__(self, *, source: UsageSource) -> None:
        self._source = source

    def usage_line(self, *, draft_id: int) -> str | None:
        try:
            rows = list(self._source.totals(draft_id=draft_id))
        except Exception:
            log.exception("could not read LLM token usage for draft %s", draft_id)
            return None
        if not rows:
            return "Claude tokens: none used yet for this draft."
        total, cost = TokenUsage(), 0.0
        for model, inp, out, read, write in rows:
            usage = TokenUsage(inp, out, read, write)
            total += usage
            cost += usage_cost(model=model, usage=usage)
        share = round(100 * total.cache_read_share)
        return (
            f"Claude tokens: {total.prompt_tokens:,} in ({share}% from cache), "
            f"{total.output_tokens:,} out, estimated cost ${cost:.2f} (list prices, an estimate)."
        )
