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

import time
from pathlib import Path

from bench.llm_outage import OutageRun, down_settings, interview_while_down
from bench.realistic import SCOPE, Conversation
from tests.fakes.anthropic_api import FakeAnthropic, http_error

__all__ = ["OutageRun", "in_process", "through_slack"]


def in_process(
    conversation: Conversation, workdir: Path, *, model: str, breaker: bool, replies: int
) -> OutageRun:
    url = f"sqlite:///{workdir / f'outage-{conversation.key}-{breaker}.db'}"
    with interview_while_down(url, model=model, breaker=breaker) as (core, fake):
        seconds: list[float] = []
        outcome = core.start(scope=SCOPE, name=conversation.name, owner="bench")
        for said in conversation.replies[:replies]:
            start = time.perf_counter()
            core.handle(
                scope=SCOPE, draft_id=outcome.draft.id or 0, author=said.author, text=said.text
            )
            seconds.append(time.perf_counter() - start)
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
        settings = down_settings(
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
