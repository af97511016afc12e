"""Wall time per realistic reply while Claude is down, with the circuit breaker and without.

Every call to the fake API answers 529 overloaded without a ``retry-after`` header, so the SDK
backs off as against the real API (about 0.5 s, then 1 s, with jitter) for its ``max_retries``
(2, the default) before the bot falls back to the offline rules; without a breaker each reply
pays that for its extraction and again for phrasing the next questions. The replies are the
first ones of a realistic conversation, sent as their authors.

Two ways, side by side: in-process (the real ``Interview`` on SQLite), and through Slack (a
signed Events API request per reply, its text escaped as Slack sends it, to the real bolt app
and its workers, FakeSlack for the Web API): there a reply's time runs from the POST until the
bot's answer is in the thread, the wait an engineer sees. Workers poll the inbox every 0.1 s
(``tests.slack.harness.FAST``).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import anthropic

from bench.realistic import SCOPE, Conversation
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.service import Interview
from bot.llm.factory import make_llm_parts
from bot.rendering.builder import ManualBuilder
from tests.fakes.anthropic_api import FakeAnthropic, http_error

NEVER = 10**6  # a breaker that never opens: the behaviour before it existed
RETRIES = 2  # the SDK's default


@dataclass(frozen=True, slots=True)
class OutageRun:
    seconds: list[float]  # per reply
    requests: int  # HTTP requests the fake API received

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _settings(fake: FakeAnthropic, *, model: str, breaker: bool, **extra: object) -> Settings:
    return Settings(
        anthropic_api_key=fake.api_key,
        anthropic_base_url=fake.base_url,
        model=model,
        llm_max_retries=RETRIES,
        llm_breaker_failures=3 if breaker else NEVER,
        **extra,  # type: ignore[arg-type]
    )


def in_process(
    conversation: Conversation, workdir: Path, *, model: str, breaker: bool, replies: int
) -> OutageRun:
    url = f"sqlite:///{workdir / f'outage-{conversation.key}-{breaker}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with FakeAnthropic() as fake:
        fake.default_responder = lambda _body: http_error(529)
        settings = _settings(fake, model=model, breaker=breaker)
        sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=RETRIES)
        parts = make_llm_parts(settings=settings, fallback=OfflineExtractor(), sdk=sdk)
        core = Interview(
            store=SqlStore(make_session_factory(engine)),
            extractor=parts.extractor,
            builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
            phraser=parts.phraser,
        )
        seconds: list[float] = []
        try:
            outcome = core.start(scope=SCOPE, name=conversation.name, owner="bench")
            for said in conversation.replies[:replies]:
                start = time.perf_counter()
                core.handle(
                    scope=SCOPE, draft_id=outcome.draft.id or 0, author=said.author, text=said.text
                )
                seconds.append(time.perf_counter() - start)
        finally:
            sdk.close()
            engine.dispose()
        return OutageRun(seconds, len(fake.requests))


def through_slack(
    conversation: Conversation, workdir: Path, *, model: str, breaker: bool, replies: int
) -> OutageRun:
    from bot.slack.server import HttpServer, Service
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.harness import FAST, SECRET, TOKEN, Bot

    users: dict[str, str] = {}
    with FakeAnthropic() as fake, FakeSlack(team_id="T0001") as slack:
        fake.default_responder = lambda _body: http_error(529)
        settings = _settings(
            fake,
            model=model,
            breaker=breaker,
            database_url=f"sqlite:///{workdir / f'slack-outage-{conversation.key}-{breaker}.db'}",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
        )
        service = Service(settings=settings, options=FAST).start()
        http = HttpServer(service, host="127.0.0.1", port=0, threads=8).start()
        bot = Bot(slack, service, http)
        seconds: list[float] = []
        try:
            channel = "C0001"
            root = bot.start_interview(conversation.name, channel=channel)
            for said in conversation.replies[:replies]:
                user = users.setdefault(said.author, f"U{len(users) + 2:04d}")
                seen = len(bot.posts(channel, root))
                start = time.perf_counter()
                typed = said.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                status, _, _ = bot.reply(typed, channel=channel, thread_ts=root, user=user)
                if status != 200:
                    raise RuntimeError(f"the bot answered HTTP {status}")
                slack.wait_for(lambda n=seen: len(bot.posts(channel, root)) > n, timeout=60)
                seconds.append(time.perf_counter() - start)
                bot.wait_idle(timeout=60)
        finally:
            http.shutdown(grace_seconds=2)
            service.close()
        return OutageRun(seconds, len(fake.requests))
