"""Estimated prices per model family, for the ``status`` line: an estimate, not an invoice.

Prices are list prices in US dollars per million tokens as published when this table was
written; they change, discounts and batch pricing are ignored, and an unknown family is priced
as Sonnet. The figure helps an engineer notice a runaway interview, nothing more: check the
Anthropic console for what was actually billed.
"""

from __future__ import annotations

from dataclasses import dataclass

# Cache reads cost a tenth of the input price; 5-minute cache writes cost 1.25 times it.
CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25


@dataclass(frozen=True, slots=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float


PRICES: dict[str, Price] = {
    "haiku": Price(1.0, 5.0),
    "sonnet": Price(3.0, 15.0),
    "opus": Price(5.0, 25.0),
}
FALLBACK_FAMILY = "sonnet"


def family(model: str) -> str:
    """ "claude-sonnet-5-5" -> "sonnet"; anything unrecognised is priced as Sonnet."""
    lowered = model.lower()
    return next((name for name in PRICES if name in lowered), FALLBACK_FAMILY)


def estimate_cost(
    *,
    model: str,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
) -> float:
    """Estimated US dollars for one model's token counts (see the module docstring)."""
    price = PRICES[family(model)]
    per_input = price.input_per_mtok / 1_000_000
    return (
        input_tokens * per_input
        + cache_read_tokens * per_input * CACHE_READ_FACTOR
        + cache_write_tokens * per_input * CACHE_WRITE_FACTOR
        + output_tokens * price.output_per_mtok / 1_000_000
    )
