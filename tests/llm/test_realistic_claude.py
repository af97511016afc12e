"""Claude mode on real prose: the realistic conversations, replayed from their cassettes.

Each conversation in tests/data/conversations that has a cassette (tests/data/cassettes, written
answers recorded by ``tests/llm/record_realistic.py``) runs as a whole interview in Claude
mode: in-process, in the terminal (``opsmanual chat``, one author) and in Slack (signed HTTP
through the test harness, one Slack user per author). The real SDK talks to the strict fake
API, which serves the cassette and answers 500 to anything it does not hold, so a request the
recording never saw shows up as a fallback. Every run must:

- never fall back to the offline rules, nor rescue a reply with them;
- publish a lint-clean manual on the first ``finish``;
- condense through Claude, with the deterministic fitter beneath it: one condense call whose
  answer could not by itself bring the manual within 800 words, at least one field accepted,
  and a manual of at most 800 words;
- keep chatter, the injection, the superseded value and the pasted secret out;
- hold more core facts, in the right subsection, than the offline rules on the same replies
  (``bench.realistic.score``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic
import pytest
from prometheus_client import REGISTRY

from bench.claude_realistic import ClaudeReplay, Condensing, condensing, replay_claude
from bench.realistic import FOLDER, Conversation, Score, load, replay, score
from bot.chat import run_chat
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.service import Interview
from bot.llm.extract import (
    FALLBACK_NOTE,
    MISCONFIGURED_NOTE,
    PAUSED_NOTE,
    REFUSED_NOTE,
    RESCUED_NOTE,
)
from bot.runtime import build_runtime
from tests.fakes.anthropic_api import FakeAnthropic, RecordedRequest
from tests.llm.authored import CASSETTES
from tests.llm.cassette import Cassette, key_of
from tests.llm.conftest import MODEL
from tests.llm.test_e2e import claude_settings

pytestmark = pytest.mark.slow

KEYS = sorted(path.stem for path in CASSETTES.glob("*.jsonl"))
CLAUDE_CORE_FLOOR = 0.5  # core facts in the manual, Claude mode (about 0.55-0.73 measured)
MIN_DETAILS = 0.95  # facts in the manual or its details file
FALLBACK_WORDS = (  # the notes of a reply Claude did not read, or left to the offline rules
    FALLBACK_NOTE,
    REFUSED_NOTE,
    PAUSED_NOTE,
    MISCONFIGURED_NOTE.split("(")[0],
    RESCUED_NOTE.split(";")[0],
)


@dataclass(frozen=True, slots=True)
class Run:
    score: Score
    condensing: Condensing
    notices: list[str]
    requests: list[RecordedRequest]


def accepted_fields() -> float:
    return (
        REGISTRY.get_sample_value("opsmanual_llm_condensed_fields_total", {"result": "accepted"})
        or 0.0
    )


@pytest.fixture(scope="module")
def offline_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Score]:
    """The offline rules on the same replies, then `finish`: the yardstick."""
    out = {}
    for key in KEYS:
        conversation = load(FOLDER / f"{key}.toml")
        url = f"sqlite:///{tmp_path_factory.mktemp(key) / 'offline.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        try:
            core = Interview(
                store=SqlStore(make_session_factory(engine)), extractor=OfflineExtractor()
            )
            manual = replay(core, conversation).outcome.manual
            assert manual is not None
            out[key] = score(conversation, manual=manual.markdown, details=manual.details)
        finally:
            engine.dispose()
    return out


@contextmanager
def serving(key: str) -> Iterator[tuple[FakeAnthropic, Cassette, Conversation]]:
    """The fake API answering from the conversation's cassette, and nothing else."""
    cassette = Cassette.load(CASSETTES / f"{key}.jsonl")
    with FakeAnthropic() as fake:
        fake.default_responder = cassette.responder()
        yield fake, cassette, load(FOLDER / f"{key}.toml")


def check(run: Run, *, cassette: Cassette, offline: Score, accepted: float) -> None:
    s = run.score
    assert cassette.missed == [], cassette.missed
    assert all(r.status == 200 for r in run.requests)
    assert not [n for n in run.notices if any(w in n for w in FALLBACK_WORDS)]
    assert s.published
    assert s.lint_ok
    assert s.words <= 800
    assert run.condensing.fitter_needed, run.condensing
    assert accepted >= 1  # Claude's shortening of at least one field passed the fact check
    assert s.noise == []
    assert s.stale == []
    assert s.secrets == []
    # Both modes meet the same 800-word wall and the same fitter. The recorded answers are
    # written, not a real model's, so Claude vs offline is reported (bench_llm_realistic), not
    # asserted; the floor catches a Claude path that loses what its answers held.
    assert s.core_in_manual >= CLAUDE_CORE_FLOOR * s.core, (
        s.core_in_manual,
        offline.core_in_manual,
    )
    assert s.share(s.in_either) >= MIN_DETAILS  # what the model did not extract is missing
    print(
        f"{s.key}: core facts in manual {s.core_in_manual}/{s.core} (offline "
        f"{offline.core_in_manual}), in the right subsection {s.core_in_section} (offline "
        f"{offline.core_in_section}); all facts in manual {s.in_manual}/{s.facts}, with details "
        f"{s.in_either}; {s.words} words; condensed over {run.condensing.over_by} words"
    )


def _answer(cassette: Cassette) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The cassette's answer to a recorded request."""
    return lambda body: cassette.answers[key_of(body)]


@pytest.mark.parametrize("key", KEYS)
def test_in_process_interview_from_the_cassette(key, offline_scores, tmp_path):
    before = accepted_fields()
    with (
        serving(key) as (fake, cassette, conversation),
        anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0) as sdk,
    ):
        result: ClaudeReplay = replay_claude(
            conversation, fake=fake, sdk=sdk, workdir=tmp_path, model=MODEL
        )
    assert result.first_finish
    assert result.score is not None
    run = Run(
        result.score, condensing(fake.requests, _answer(cassette)), result.notices, fake.requests
    )
    check(run, cassette=cassette, offline=offline_scores[key], accepted=accepted_fields() - before)
    assert result.manual is not None
    shortened = result.manual.shortened_slots
    assert set(shortened) - set(run.condensing.fields)  # the fitter cut parts Claude was not sent


def block(text: str) -> str:
    """A multi-line reply as `opsmanual chat` reads it: between lines of three quotes."""
    return f'"""\n{text}\n"""\n'


@pytest.mark.parametrize("key", KEYS)
def test_terminal_interview_from_the_cassette(key, offline_scores, tmp_path):
    with serving(key) as (fake, cassette, conversation):
        terminal(fake, cassette, conversation, offline_scores[key], tmp_path)


def terminal(
    fake: FakeAnthropic,
    cassette: Cassette,
    conversation: Conversation,
    offline: Score,
    tmp_path: Path,
) -> None:
    runtime = build_runtime(claude_settings(db_url=f"sqlite:///{tmp_path / 't.db'}", fake=fake))
    before = accepted_fields()
    try:
        stdin = io.StringIO("".join(block(r.text) for r in conversation.replies) + "finish\n")
        out = io.StringIO()
        output = tmp_path / "manual.md"
        code = run_chat(
            interview=runtime.interview, name=conversation.name, output=output, stdin=stdin, out=out
        )
        assert code == 0
        transcript = out.getvalue()
        assert transcript.count("Wrote ") == 2  # the manual and its details file, once
        assert "Traceback" not in transcript
        details = next(tmp_path.glob("*-details.md")).read_text()
        s = score(conversation, manual=output.read_text(), details=details)
        notices = transcript.splitlines()
        run = Run(s, condensing(fake.requests, _answer(cassette)), notices, fake.requests)
        check(run, cassette=cassette, offline=offline, accepted=accepted_fields() - before)
    finally:
        runtime.close()


@pytest.mark.parametrize("key", KEYS)
def test_slack_interview_from_the_cassette(key, offline_scores, tmp_path):
    with serving(key) as (fake, cassette, conversation):
        in_slack(fake, cassette, conversation, offline_scores[key], tmp_path)


def in_slack(
    fake: FakeAnthropic,
    cassette: Cassette,
    conversation: Conversation,
    offline: Score,
    tmp_path: Path,
) -> None:
    from bot.slack.server import HttpServer, Service
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.harness import FAST, SECRET, TOKEN, Bot

    users = {
        name: f"U{index:04d}"
        for index, name in enumerate(dict.fromkeys(r.author for r in conversation.replies), start=2)
    }
    before = accepted_fields()
    with FakeSlack(team_id="T0001") as slack:
        settings = claude_settings(
            db_url=f"sqlite:///{tmp_path / 's.db'}",
            fake=fake,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
        )
        service = Service(settings=settings, options=FAST).start()
        http = HttpServer(service, host="127.0.0.1", port=0, threads=8).start()
        bot = Bot(slack, service, http)
        try:
            channel = "C0001"
            root = bot.start_interview(conversation.name, channel=channel)
            # Sent the way Slack sends typed text: `&`, `<` and `>` escaped (the bot decodes them).
            for said in conversation.replies:
                status, _, _ = bot.reply(
                    slack_escaped(said.text),
                    channel=channel,
                    thread_ts=root,
                    user=users[said.author],
                )
                assert status == 200
                bot.wait_idle(timeout=30)
            bot.reply("finish", channel=channel, thread_ts=root, user="U0001")
            slack.wait_for(lambda: len(slack.uploaded_files()) >= 2, timeout=30)
            bot.wait_idle(timeout=30)
            files = {f.filename: f.content for f in slack.uploaded_files()}
            assert len(files) == 2  # the first finish published the manual and its details
            details = next(c for name, c in files.items() if name.endswith("-details.md"))
            manual = next(c for name, c in files.items() if not name.endswith("-details.md"))
            s = score(conversation, manual=manual, details=details)
            thread = [str(c.params.get("text")) for c in bot.posts(channel, root)]
            run = Run(s, condensing(fake.requests, _answer(cassette)), thread, fake.requests)
            check(run, cassette=cassette, offline=offline, accepted=accepted_fields() - before)
        finally:
            http.shutdown(grace_seconds=2)
            service.close()


def slack_escaped(text: str) -> str:
    """What Slack's Events API delivers for a typed message."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
