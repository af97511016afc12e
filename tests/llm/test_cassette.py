"""Recorded Claude answers replay through the fake: the same interview, the same manual."""

from __future__ import annotations

from pathlib import Path

import anthropic
import httpx2

from bench.scenarios import PAYMENTS
from bot.config import Settings
from bot.core.draft import Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.outcome import Kind
from bot.interview.service import Interview
from bot.llm.factory import make_llm_parts
from bot.rendering.builder import ManualBuilder
from tests.fakes.anthropic_api import FakeAnthropic
from tests.llm.cassette import Cassette, RecordingTransport, key_of
from tests.llm.conftest import MODEL
from tests.llm.realistic import ProseEngineer, ScriptedClaude

SCOPE = Scope("T1", "C1")


def interview(db: Path, sdk: anthropic.Anthropic, fake: FakeAnthropic) -> tuple[str, list[str]]:
    """One whole Claude-mode interview; returns the manual and every note the bot wrote."""
    upgrade_to_head(f"sqlite:///{db}")
    engine = make_engine(f"sqlite:///{db}")
    parts = make_llm_parts(
        settings=Settings(anthropic_api_key=fake.api_key, model=MODEL),
        fallback=OfflineExtractor(),
        sdk=sdk,
    )
    core = Interview(
        store=SqlStore(make_session_factory(engine)),
        extractor=parts.extractor,
        builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
        phraser=parts.phraser,
    )
    engineer = ProseEngineer(PAYMENTS.answers)
    try:
        outcome = core.start(scope=SCOPE, name=PAYMENTS.name, owner="U1")
        notes: list[str] = []
        for _ in range(30):
            reply = engineer.reply([q.slot_id for q in outcome.questions])
            if reply is None or outcome.kind is Kind.COMPLETE:
                break
            outcome = core.handle(
                scope=SCOPE, draft_id=outcome.draft.id or 0, author="U1", text=reply
            )
            notes += outcome.redacted
        assert outcome.manual is not None
        return outcome.manual.markdown, notes
    finally:
        engine.dispose()


def test_answers_recorded_through_the_transport_replay_the_same_interview(tmp_path):
    cassette = Cassette()
    with FakeAnthropic() as live:  # stands in for the real API while recording
        live.default_responder = ScriptedClaude(PAYMENTS.answers)
        transport = RecordingTransport(httpx2.HTTPTransport(), cassette)
        with anthropic.Anthropic(
            api_key=live.api_key,
            base_url=live.base_url,
            max_retries=0,
            http_client=httpx2.Client(transport=transport),
        ) as sdk:
            recorded, _ = interview(tmp_path / "rec.db", sdk, live)
        calls = len(live.requests)
    path = tmp_path / "payments.jsonl"
    cassette.save(path)
    assert len(path.read_text().splitlines()) == len(cassette.answers) > 10

    replay = Cassette.load(path)
    with FakeAnthropic() as fake:
        fake.default_responder = replay.responder()
        with anthropic.Anthropic(
            api_key=fake.api_key, base_url=fake.base_url, max_retries=0
        ) as sdk:
            replayed, notes = interview(tmp_path / "replay.db", sdk, fake)
        assert replay.missed == []
        assert len(fake.requests) == calls
        assert {key_of(r.body) for r in fake.requests} <= set(replay.answers)
    assert not [n for n in notes if "offline rules" in n]
    assert replayed == recorded


def test_a_request_with_no_recorded_answer_falls_back_and_is_reported(fake, extractor, draft):
    replay = Cassette()
    fake.default_responder = replay.responder()
    extraction = extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours")
    assert extraction.notes[-1].startswith("Claude was unavailable")
    assert len(replay.missed) == 1
    assert replay.missed[0].startswith("ExtractionOut:")
