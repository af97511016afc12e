"""The realistic conversations, end to end, offline: every one gives a manual a reader can use.

Why: the unit tests pin rules; these pin the outcome the rules exist for. Each conversation in
tests/data/conversations (two or three engineers, rambling Slack replies, chatter, a late
correction, an instruction aimed at the bot, a pasted credential) is replayed through the real
interview with the offline extractor and a real SQLite store, then ``finish``. The manual must
pass the linter, keep at least the core facts it keeps today (minus a margin of three, so a
regression fails here and not only in the bench), hold every fact in manual + details file, and
never show chatter, injection text, a superseded value or a secret.

The floors are the figures measured when this file was written (``python -m
bench.bench_realistic --modes offline`` prints them); raise them when the extractor improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.realistic import Conversation, load_all, replay, score
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.service import Interview
from bot.rendering.builder import ManualBuilder

# key: (core facts in the manual, core facts in their own subsection) at least
FLOORS = {
    "billing_saas": (37, 31),  # held out: written blind for the closing round, never tuned on
    "clinic_hl7_hub": (29, 28),
    "courier_dispatch": (31, 28),  # written blind for the closing round (34/77, 31/77), read since
    "erp_bridge": (45, 40),  # written blind for issue 7x, tuned on in the closing round
    "event_pipeline": (44, 36),  # written blind for issue 7x, tuned on in the closing round
    "game_backend": (40, 36),
    "identity_service": (37, 34),
    "iot_telemetry": (37, 33),
    "ledger_etl": (41, 33),
    "search_cluster": (46, 42),
    "transcoding_farm": (41, 36),
}
CONVERSATIONS = load_all()


def test_every_conversation_has_a_floor() -> None:
    assert {c.key for c in CONVERSATIONS} == set(FLOORS)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.key)
def test_the_offline_manual_keeps_the_facts_and_nothing_else(
    conversation: Conversation, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'realistic.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        store = SqlStore(make_session_factory(engine))
        interview = Interview(store=store, extractor=OfflineExtractor(), builder=ManualBuilder())
        run = replay(interview, conversation)
        manual = run.outcome.manual
        assert manual is not None, "finish published no manual"
        stored = "\n".join(r.text for r in store.list_replies(draft=run.outcome.draft))
    finally:
        engine.dispose()
    result = score(conversation, manual=manual.markdown, details=manual.details, stored=stored)
    in_manual, in_section = FLOORS[conversation.key]
    assert result.lint_ok, manual.markdown
    assert result.words <= 800
    assert result.core_in_manual >= in_manual, [f.text for f in result.missing if f.core]
    assert result.core_in_section >= in_section, [f.text for f in result.misplaced if f.core]
    assert result.in_either == result.facts, "every fact in the manual or the details file"
    assert result.noise == [], "chatter or injection text in the manual"
    assert result.stale == [], "a superseded value in the manual"
    assert result.secrets == [], "a pasted secret stored or published"


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.key)
def test_the_interview_completes_on_its_own(conversation: Conversation, tmp_path: Path) -> None:
    """Answering "not sure" to every follow-up ends the interview with a lint-clean manual
    within 1.3 replies per topic: no question is asked forever."""
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        store = SqlStore(make_session_factory(engine))
        interview = Interview(store=store, extractor=OfflineExtractor(), builder=ManualBuilder())
        run = replay(interview, conversation, finish=False)
    finally:
        engine.dispose()
    assert run.outcome.manual is not None, "never completed"
    result = score(conversation, manual=run.outcome.manual.markdown, details="")
    assert result.lint_ok
    assert run.replies <= 1.3 * len(conversation.topics)
