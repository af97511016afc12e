"""One real extraction against the Anthropic API, for checking a new model id or SDK version.

Skipped unless both ANTHROPIC_API_KEY and OPSMANUAL_LIVE_TESTS=1 are set, so a developer whose
shell happens to hold a key never spends money by running the suite:

    OPSMANUAL_LIVE_TESTS=1 ANTHROPIC_API_KEY=sk-ant-... pytest -m live tests/llm/test_live.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.core.draft import Draft, Scope
from bot.extraction.offline.extractor import OfflineExtractor
from bot.llm.factory import make_llm_parts
from bot.llm.usage import MemoryUsageLog

# Read at import: the package's autouse fixture removes ANTHROPIC_* from the environment.
LIVE_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
LIVE = bool(LIVE_KEY) and os.environ.get("OPSMANUAL_LIVE_TESTS") == "1"

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not LIVE, reason="needs ANTHROPIC_API_KEY and OPSMANUAL_LIVE_TESTS=1"),
]


def test_a_real_rambling_reply_fills_several_slots():
    now = datetime.now(UTC)
    draft = Draft("Payments API", Scope("live", "live"), "me", now, now, id=None)
    log = MemoryUsageLog()
    settings = Settings(
        anthropic_api_key=LIVE_KEY, model=os.environ.get("OPSMANUAL_MODEL", "claude-sonnet-5-5")
    )
    parts = make_llm_parts(settings=settings, fallback=OfflineExtractor(), recorder=log)
    text = (
        "It's a Go service on EKS behind an ALB, state in RDS PostgreSQL 15 and Redis. "
        "We can be down for at most an hour and lose at most 5 minutes of payments. "
        "PagerDuty pages the payments-primary rotation."
    )
    extraction = parts.extractor.extract(draft=draft, asked=["architecture"], text=text)
    found = {u.slot_id for u in extraction.updates}
    assert extraction.notes == ()  # Claude answered; no fallback
    assert {"architecture", "rto", "rpo"} <= found
    assert log.entries
    assert log.entries[0].usage.output_tokens > 0
