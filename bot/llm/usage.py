"""Token usage per Claude call, and where it is recorded.

The recorder is a Protocol so this package never imports ``bot.db``: the runtime passes the
SQL usage log (``bot.db.usage.SqlUsageLog``), tests pass :class:`MemoryUsageLog`. The
``status`` line that sums it is ``bot.llm.pricing.UsageReporter``. Recording
failures are logged and swallowed: losing a usage row must never lose the engineer's reply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

log = logging.getLogger(__name__)


class CallKind(StrEnum):
    EXTRACT = "extract"
    PHRASE = "phrase"
    CONDENSE = "condense"
    INFER = "infer"


@dataclass(frozen=True, slots=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )

    @property
    def prompt_tokens(self) -> int:
        """Every input token the prompt held: uncached, read from cache, and written to it."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def cache_read_share(self) -> float:
        return self.cache_read_tokens / self.prompt_tokens if self.prompt_tokens else 0.0


@dataclass(frozen=True, slots=True)
class UsageEntry:
    draft_id: int | None
    kind: str
    model: str
    usage: TokenUsage


class UsageRecorder(Protocol):
    """Where per-call usage goes. Implementations must be quick: one short write."""

    def record(
        self,
        *,
        draft_id: int | None,
        kind: str,
        model: str,
        input_tokens: int,
        output_tokens: int,
        cache_read_tokens: int,
        cache_write_tokens: int,
    ) -> None: ...


class UsageSource(Protocol):
    """Per-model totals for one draft: ``(model, input, output, cache_read, cache_write)``."""

    def totals(self, *, draft_id: int) -> Sequence[tuple[str, int, int, int, int]]: ...


class MemoryUsageLog:
    """An in-process recorder and source, for tests, benchmarks and the terminal without a DB."""

    def __init__(self) -> None:
        self.entries: list[UsageEntry] = []

    def record(
        self,
        *,
        draft_id: int | None,
        kind: str,
        model: str,
        input_tokens: int,
        output_tokens: int,
        cache_read_tokens: int,
        cache_write_tokens: int,
    ) -> None:
        usage = TokenUsage(input_tokens, output_tokens, cache_read_tokens, cache_write_tokens)
        self.entries.append(UsageEntry(draft_id, kind, model, usage))

    def totals(self, *, draft_id: int) -> list[tuple[str, int, int, int, int]]:
        by_model: dict[str, TokenUsage] = {}
        for entry in self.entries:
            if entry.draft_id == draft_id:
                by_model[entry.model] = by_model.get(entry.model, TokenUsage()) + entry.usage
        return [
            (m, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens)
            for m, u in by_model.items()
        ]

    def total(self, *, kind: str | None = None) -> TokenUsage:
        found = [e.usage for e in self.entries if kind is None or e.kind == kind]
        return sum(found, TokenUsage())


def record_usage(
    recorder: UsageRecorder | None,
    *,
    draft_id: int | None,
    kind: CallKind,
    model: str,
    usage: TokenUsage,
) -> None:
    if recorder is None:
        return
    try:
        recorder.record(
            draft_id=draft_id,
            kind=kind.value,
            model=model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
        )
    except Exception:  # a usage row is bookkeeping; the reply matters more
        log.exception("could not record LLM token usage for draft %s", draft_id)
