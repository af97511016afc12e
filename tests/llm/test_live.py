"""Real calls to the Anthropic API, for checking a new model id, SDK version or request shape.

Skipped unless both ANTHROPIC_API_KEY and OPSMANUAL_LIVE_TESTS=1 are set, so a developer whose
shell happens to hold a key never spends money by running the suite:

    OPSMANUAL_LIVE_TESTS=1 ANTHROPIC_API_KEY=sk-ant-... pytest -m live tests/llm/test_live.py

It checks what the fake can only assume: that our thinking/effort settings are accepted by the
model (``OPSMANUAL_MODEL``, default Sonnet 5.5), that the answers end with ``end_turn`` rather
than being cut by thinking, and that the extraction prefix is really cached (the second call
reads it). With ``OPSMANUAL_RECORD_CASSETTE=path.jsonl`` the answers are also recorded for
replay through the fake (``tests.llm.cassette``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import anthropic
import httpx2
import pytest

from bot.config import Settings
from bot.core.draft import Draft, Scope
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.planner import Question
from bot.llm.factory import make_llm_parts
from bot.llm.usage import MemoryUsageLog
from tests.llm.cassette import Cassette, RecordingTransport

# Read at import: the package's autouse fixture removes ANTHROPIC_* from the environment.
LIVE_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
LIVE = bool(LIVE_KEY) and os.environ.get("OPSMANUAL_LIVE_TESTS") == "1"
RECORD = os.environ.get("OPSMANUAL_RECORD_CASSETTE", "")
MODEL = os.environ.get("OPSMANUAL_MODEL", "claude-sonnet-5-5")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not LIVE, reason="needs ANTHROPIC_API_KEY and OPSMANUAL_LIVE_TESTS=1"),
]


def test_real_extractions_end_in_full_and_the_second_reads_the_cached_prefix():
    now = datetime.now(UTC)
    draft = Draft("Payments API", Scope("live", "live"), "me", now, now, id=None)
    log, cassette = MemoryUsageLog(), Cassette()
    http = httpx2.Client(transport=RecordingTransport(httpx2.HTTPTransport(), cassette))
    sdk = anthropic.Anthropic(api_key=LIVE_KEY, http_client=http)
    settings = Settings(anthropic_api_key=LIVE_KEY, model=MODEL)
    parts = make_llm_parts(settings=settings, fallback=OfflineExtractor(), recorder=log, sdk=sdk)
    try:
        first = parts.extractor.extract(
            draft=draft,
            asked=["architecture"],
            text=(
                "It's a Go service on EKS behind an ALB, state in RDS PostgreSQL 15 and Redis. "
                "We can be down for at most an hour and lose at most 5 minutes of payments. "
                "PagerDuty pages the payments-primary rotation."
            ),
        )
        call = parts.client.last_call
        assert call is not None
        assert call.stop_reason == "end_turn"  # thinking did not eat the answer
        assert first.notes == ()  # Claude answered; no fallback, no rescue
        assert {"architecture", "rto", "rpo"} <= {u.slot_id for u in first.updates}

        second = parts.extractor.extract(
            draft=draft,
            asked=["backups"],
            text="Nightly RDS snapshots kept 14 days in S3; weekly restore test into staging.",
        )
        call = parts.client.last_call
        assert call is not None
        assert call.stop_reason == "end_turn"
        assert call.usage.cache_read_tokens > 0  # the prefix written by the first call
        assert second.notes == ()

        question = Question(
            number=1, slot_id="rollback", text="How do you roll back a bad release?"
        )
        assert parts.phraser.phrase(draft=draft, questions=[question]) is not None
        assert parts.client.last_call is not None
        assert parts.client.last_call.stop_reason == "end_turn"
        assert parts.health().state == "ok"
    finally:
        sdk.close()
        if RECORD:
            cassette.save(Path(RECORD))
