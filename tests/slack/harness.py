"""A running bot for end-to-end tests: FakeSlack + the real service on waitress, over HTTP."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from bot.config import Settings
from bot.slack.server import HttpServer, ServeOptions, Service
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlack, RecordedCall

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
TEAM = "T0001"

FAST = ServeOptions(
    workers=4, lease_seconds=5.0, poll_seconds=0.1, pace_seconds=0.02, grace_seconds=10.0
)


def settings_for(*, db_url: str, fake: FakeSlack) -> Settings:
    return Settings(
        database_url=db_url,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        anthropic_api_key=None,
    )


@dataclass
class Bot:
    fake: FakeSlack
    service: Service
    http: HttpServer
    responses: list[float] = field(default_factory=list)

    @property
    def events_url(self) -> str:
        return f"{self.http.url}/slack/events"

    def send(self, request: signing.SignedRequest) -> tuple[int, str]:
        started = time.perf_counter()
        status, body = request.post(self.events_url)
        self.responses.append(time.perf_counter() - started)
        return status, body

    # ------------------------------------------------------------------ Slack actions

    def command(
        self, text_: str, *, channel: str = "C0001", user: str = "U0001"
    ) -> tuple[int, str]:
        return self.send(
            signing.slash_command(
                SECRET,
                command="/opsmanual",
                text=text_,
                channel_id=channel,
                user_id=user,
                team_id=TEAM,
                response_url=self.fake.new_response_url(),
            )
        )

    def reply(
        self,
        text_: str,
        *,
        channel: str,
        thread_ts: str,
        user: str = "U0002",
        ts: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> tuple[int, str, str]:
        ts = ts or signing.new_ts()
        event = signing.message_event(
            channel=channel, user=user, text=text_, ts=ts, thread_ts=thread_ts
        )
        status, body = self.send(
            signing.event_callback(SECRET, event, event_id=event_id, retry_num=retry_num)
        )
        return status, body, ts

    def event(self, event: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        return self.send(signing.event_callback(SECRET, event, **kwargs))

    # ------------------------------------------------------------------ observations

    def posts(self, channel: str, thread_ts: str | None = None) -> list[RecordedCall]:
        """chat.postMessage calls in a channel (top level) or in one thread."""
        return [
            c
            for c in self.fake.calls_to("chat.postMessage")
            if c.params.get("channel") == channel and c.params.get("thread_ts") == thread_ts
        ]

    def root_ts(self, channel: str, name: str, *, timeout: float = 10.0) -> str:
        def roots() -> list[RecordedCall]:
            return [c for c in self.posts(channel) if name in str(c.params.get("text"))]

        self.fake.wait_for(lambda: bool(roots()), timeout=timeout)
        call = roots()[-1]
        ts = self._ts_of(call)
        # the thread is usable once the first questions are in it
        self.fake.wait_for(lambda: bool(self.posts(channel, ts)), timeout=timeout)
        return ts

    def _ts_of(self, call: RecordedCall) -> str:
        """The ts FakeSlack gave a recorded post (its messages are stored in call order)."""
        for (channel, ts), message in self.fake._messages.items():
            if channel == call.params.get("channel") and message.get("text") == call.params.get(
                "text"
            ):
                return ts
        raise AssertionError("post not found")

    def start_interview(self, name: str, *, channel: str = "C0001") -> str:
        status, _ = self.command(f"new {name}", channel=channel)
        assert status == 200
        return self.root_ts(channel, name)

    def wait_thread_posts(self, channel: str, thread_ts: str, count: int, timeout: float = 10):
        self.fake.wait_for(lambda: len(self.posts(channel, thread_ts)) >= count, timeout=timeout)
        return self.posts(channel, thread_ts)

    def jobs(self) -> list[dict[str, Any]]:
        with self.service.runtime.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM jobs ORDER BY id")).mappings().all()
        return [dict(r) for r in rows]

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Every job settled (done or failed)."""

        def idle() -> bool:
            return all(j["status"] in ("done", "failed") for j in self.jobs())

        self.fake.wait_for(idle, timeout=timeout)


def start_bot(
    *, db_url: str, fake: FakeSlack, options: ServeOptions = FAST, workers: bool = True
) -> Bot:
    service = Service(settings=settings_for(db_url=db_url, fake=fake), options=options)
    if workers:
        service.start()
    http = HttpServer(service, host="127.0.0.1", port=0, threads=8).start()
    return Bot(fake, service, http)


def stop_bot(bot: Bot) -> None:
    bot.http.shutdown(grace_seconds=2)
    bot.service.close()
