"""The only code that talks to the Slack Web API: intent-named, paced, retried, idempotent.

Why a wrapper instead of calling ``WebClient`` from the job handlers:

- Idempotence. Each call belongs to a job and has an effect key ("root", "questions"...).
  The result is recorded in ``side_effects``; when a job runs again (its worker died, its lease
  ran out) a recorded effect is returned instead of being posted a second time. The one
  remaining window (Slack accepted the post, the process died before recording) is as small
  as one INSERT.
- Safety. Every text and every block text goes through ``neutralise_mentions`` (an echoed
  ``<!channel>`` must never ping anyone) and links are not unfurled.
- Limits. Slack allows about one message per second per channel; ``Pacer`` spaces posts.
  429 (honouring ``Retry-After``), 5xx and connection errors are retried by slack_sdk's retry
  handlers; the file upload's step 2 is a bare ``urlopen`` with no handlers, so tenacity
  retries the whole three-step upload (an unfinished upload is invisible in Slack).
"""

from __future__ import annotations

import threading
import time
import urllib.error
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.intake.redact import neutralise_mentions
from bot.observability import MANUALS_PUBLISHED, QUESTIONS_ASKED, record_slack_error
from bot.slack.ports import Effects

SLACK_API_URL = "https://slack.com/api/"
UPLOAD_ERRORS = (urllib.error.URLError, SlackRequestError, ConnectionError, TimeoutError)


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; a 502 or 504 from a proxy is as transient."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=3),
    ]


def make_web_client(*, token: str, base_url: str | None = None, timeout: int = 30) -> WebClient:
    """A WebClient with retries; ``base_url`` (SLACK_API_URL) must end with a slash."""
    url = base_url or SLACK_API_URL
    if not url.endswith("/"):
        url += "/"
    return WebClient(token=token, base_url=url, timeout=timeout, retry_handlers=retry_handlers())


class Pacer:
    """About one message per second per channel, shared by all worker threads of a process."""

    def __init__(
        self, interval: float = 1.0, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.interval = interval
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            self._next[channel] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


def _neutralise(value: Any) -> Any:
    """Every string under a ``text`` key in a Block Kit structure, neutralised."""
    if isinstance(value, dict):
        return {
            k: neutralise_mentions(v) if k == "text" and isinstance(v, str) else _neutralise(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_neutralise(v) for v in value]
    return value


class Publisher:
    """Shared by the workers; ``for_job`` gives the idempotent view one job posts through."""

    def __init__(self, *, client: WebClient, effects: Effects, pacer: Pacer | None = None) -> None:
        self.client = client
        self.effects = effects
        self.pacer = pacer or Pacer()

    def for_job(self, job_id: int) -> JobPublisher:
        return JobPublisher(self, job_id)


class JobPublisher:
    def __init__(self, publisher: Publisher, job_id: int) -> None:
        self._p = publisher
        self.job_id = job_id

    # ------------------------------------------------------------------ idempotence

    def _once(self, effect: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        done = self._p.effects.get_effect(job_id=self.job_id, effect_key=effect)
        if done is not None:
            return done
        result = call()
        self._p.effects.record_effect(job_id=self.job_id, effect_key=effect, result=result)
        return result

    def _api(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            body = {k: v for k, v in kwargs.items() if v is not None}
            response = self._p.client.api_call(method, json=_neutralise(body))
        except SlackApiError as exc:
            record_slack_error(method=method, error=str(exc.response.get("error", "unknown")))
            raise
        return dict(response.data) if isinstance(response.data, dict) else {}

    def _post(
        self, channel: str, text: str, blocks: list[dict[str, Any]] | None, **extra: Any
    ) -> dict[str, Any]:
        self._p.pacer.wait(channel)
        data = self._api(
            "chat.postMessage",
            channel=channel,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
            **extra,
        )
        return {"ts": data.get("ts"), "channel": data.get("channel", channel)}

    # --------------------------------------------------------------------- intents

    def post_root(self, *, channel: str, text: str, blocks: list[dict[str, Any]]) -> str:
        """The channel message a manual's thread hangs from; returns its ts."""
        return str(self._once("root", lambda: self._post(channel, text, blocks))["ts"])

    def post_questions(
        self,
        *,
        channel: str,
        thread_ts: str,
        text: str,
        blocks: list[dict[str, Any]],
        questions: int = 0,
    ) -> str:
        """The bot's turn in a thread; ``questions`` counts what it asks, for /metrics."""

        def post() -> dict[str, Any]:
            result = self._post(channel, text, blocks, thread_ts=thread_ts)
            QUESTIONS_ASKED.inc(questions)
            return result

        return str(self._once("questions", post)["ts"])

    def post_notice(
        self,
        *,
        channel: str,
        thread_ts: str | None,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        effect: str = "notice",
    ) -> str:
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        return str(self._once(effect, lambda: self._post(channel, text, blocks, **extra))["ts"])

    def update_root(
        self, *, channel: str, ts: str, text: str, blocks: list[dict[str, Any]], effect: str
    ) -> None:
        """Progress on the root message is edited in place, never re-posted."""

        def update() -> dict[str, Any]:
            data = self._api("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)
            return {"ts": data.get("ts", ts)}

        self._once(effect, update)

    def upload_manual(
        self,
        *,
        channel: str,
        thread_ts: str | None,
        filename: str,
        markdown: str,
        comment: str,
        title: str,
        kind: str = "final",
        effect: str = "upload",
    ) -> str:
        """files_upload_v2 into the thread (``thread_ts`` must be the ROOT message's ts)."""

        def upload() -> dict[str, Any]:
            self._p.pacer.wait(channel)
            response = self._upload(
                channel=channel,
                thread_ts=thread_ts,
                filename=filename,
                content=markdown,
                title=neutralise_mentions(title),
                initial_comment=neutralise_mentions(comment),
            )
            MANUALS_PUBLISHED.labels(kind=kind).inc()
            file = response.get("file") or {}
            return {"file_id": file.get("id"), "filename": filename}

        return str(self._once(effect, upload).get("file_id"))

    @retry(
        retry=retry_if_exception_type(UPLOAD_ERRORS),
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.5, max=8),
        reraise=True,
    )
    def _upload(self, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._p.client.files_upload_v2(**kwargs)
        except SlackApiError as exc:
            record_slack_error(method="files_upload_v2", error=str(exc.response.get("error")))
            raise
        except UPLOAD_ERRORS as exc:
            record_slack_error(method="files_upload_v2", error=type(exc).__name__)
            raise
        return dict(response.data) if isinstance(response.data, dict) else {}

    def respond_ephemeral(self, *, response_url: str, text: str, effect: str = "ephemeral") -> None:
        """Answer a slash command or button privately through its response_url."""

        def send() -> dict[str, Any]:
            webhook = WebhookClient(response_url, timeout=15, retry_handlers=retry_handlers())
            response = webhook.send(
                text=neutralise_mentions(text),
                response_type="ephemeral",
                replace_original=False,
                unfurl_links=False,
                unfurl_media=False,
            )
            if response.status_code != 200:
                record_slack_error(method="response_url", error=str(response.status_code))
                raise SlackRequestError(f"response_url answered {response.status_code}")
            return {"status": response.status_code}

        self._once(effect, send)
