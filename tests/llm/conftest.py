"""Fixtures for the Claude adapter tests: the real SDK against the local fake Messages API.

No test here reaches the real API: the SDK is always built with the fake's base URL and key,
and the developer's own ANTHROPIC_* variables are removed first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import anthropic
import pytest

from bot.core.draft import Draft, Op, Scope, SlotUpdate
from bot.core.merge import merge
from bot.extraction.offline.extractor import OfflineExtractor
from bot.llm.client import ClaudeClient
from bot.llm.extract import ClaudeExtractor
from bot.llm.prompts import PromptLibrary
from bot.llm.usage import MemoryUsageLog
from tests.fakes.anthropic_api import FakeAnthropic

MODEL = "claude-sonnet-5-5"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("API_KEY", "AUTH_TOKEN", "BASE_URL", "CUSTOM_HEADERS", "PROFILE"):
        monkeypatch.delenv(f"ANTHROPIC_{name}", raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture(scope="session")
def prompts() -> PromptLibrary:
    return PromptLibrary()


@pytest.fixture
def usage() -> MemoryUsageLog:
    return MemoryUsageLog()


MakeClaude = Callable[..., ClaudeClient]


@pytest.fixture
def make_claude(
    fake: FakeAnthropic, prompts: PromptLibrary, usage: MemoryUsageLog
) -> Iterator[MakeClaude]:
    sdks: list[anthropic.Anthropic] = []

    def make(*, max_retries: int = 0, timeout: float = 5.0) -> ClaudeClient:
        sdk = anthropic.Anthropic(
            api_key=fake.api_key, base_url=fake.base_url, max_retries=max_retries, timeout=timeout
        )
        sdks.append(sdk)
        return ClaudeClient(client=sdk, model=MODEL, prompts=prompts, recorder=usage)

    yield make
    for sdk in sdks:
        sdk.close()


@pytest.fixture
def claude(make_claude: MakeClaude) -> ClaudeClient:
    return make_claude()


@pytest.fixture
def extractor(claude: ClaudeClient) -> ClaudeExtractor:
    return ClaudeExtractor(claude=claude, fallback=OfflineExtractor())


def new_draft(name: str = "Payments API", *, draft_id: int = 7) -> Draft:
    return Draft(
        name=name,
        scope=Scope("T1", "C1"),
        owner="U0001",
        created_at=NOW,
        updated_at=NOW,
        id=draft_id,
    )


def given(draft: Draft, slot_id: str, value: object, *, author: str = "U0001") -> Draft:
    """Record an engineer's answer on the draft, as the core would."""
    merge(draft, [SlotUpdate(slot_id, Op.SET, value)], author=author, reply_id=1, now=NOW)  # type: ignore[arg-type]
    return draft


@pytest.fixture
def draft() -> Draft:
    return new_draft()
