"""The only code that talks to the Slack Web API: intent-named, paced, retried, idempotent.

Why a wrapper instead of calling ``WebClient`` from the job handlers:

- Idempotence. Each call belongs to a job and has an effect key ("root", "questions"...).
  The result is recorded in ``side_effects``; when a job runs again (its worker died, its lease
  ran out) a recorded effect is returned instead of being posted a second time. A post Slack
  accepted but nobody recorded (the process died in between, or the answer was lost on the
  way back) is found again by the job and effect key it carries as message metadata
  (``bot.slack.posted``), and recorded instead of posted twice; an upload, by the file id
  recorded before it was finished. So a post is retried only by this code, which looks
  first: the client that posts has no connection-error or 5xx retries of its own.
- Safety. Every text and every block text goes through ``neutralise_mentions`` (an echoed
  ``<!channel>`` must never ping anyone) and links are not unfurled.
- Limits. Slack allows about one message per second per channel; ``Pacer`` spaces posts.
  429 (honouring ``Retry-After``) is retried by slack_sdk's handler (a rate-limited call did
  nothing); a 5xx or a lost connection on a post or on finishing an upload is ambiguous, so
  ``_accepted`` looks before trying again. Reads, ``chat.update`` and the invisible upload
  steps are retried blindly (``bot.slack.upload``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from bot.intake.redact import neutralise_mentions
from bot.observability import MANUALS_PUBLISHED, QUESTIONS_ASKED, record_slack_error
from bot.slack.client import is_ambiguous, posting_client, retry_handlers
from bot.slack.ports import Effects, JobLike
from bot.slack.posted import PostLookup, post_metadata
from bot.slack.upload import finish_upload, start_upload

log = logging.getLogger(__name__)

ACCEPT_ATTEMPTS = 3  # a post (or an upload's last step) is tried this often in one run
LOOKBACK_SECONDS = 600.0  # a job's posts are newer than the job, give or take clock skew


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

    def __init__(
        self,
        *,
        client: WebClient,
        effects: Effects,
        pacer: Pacer | None = None,
        retry_pause: float = 1.0,
    ) -> None:
        self.client = client
        self.poster = posting_client(client)
        self.lookup = PostLookup(client)
        self.effects = effects
        self.pacer = pacer or Pacer()
        self.retry_pause = retry_pause  # before looking for a post whose answer was lost

    def for_job(self, job: JobLike) -> JobPublisher:
        return JobPublisher(self, job)


@dataclass(frozen=True, slots=True)
class Attachment:
    """One file of an upload: what Slack names it, its Markdown, its title."""

    filename: str
    content: str
    title: str


class JobPublisher:
    def __init__(self, publisher: Publisher, job: JobLike) -> None:
        self._p = publisher
        self.job_id = job.id
        # A first run cannot have posted anything yet: only a later one looks in Slack.
        self._maybe_ran_before = job.attempts > 1
        self._oldest = _timestamp(job.created_at) - LOOKBACK_SECONDS

    # ------------------------------------------------------------------ idempotence

    def _once(
        self,
        effect: str,
        call: Callable[[], dict[str, Any]],
        *,
        find: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """Do ``effect`` once per job: recorded, else found in Slack (``find``), else done."""
        done = self._p.effects.get_effect(job_id=self.job_id, effect_key=effect)
        if done is not None:
            return done
        found = find() if find is not None and self._maybe_ran_before else None
        result = found if found is not None else call()
        self._p.effects.record_effect(job_id=self.job_id, effect_key=effect, result=result)
        return result

    def _accepted(
        self,
        what: str,
        call: Callable[[], dict[str, Any]],
        find: Callable[[], dict[str, Any] | None],
    ) -> dict[str, Any]:
        """``call``; after an ambiguous failure, again only if ``find`` does not see it done."""
        for attempt in range(1, ACCEPT_ATTEMPTS + 1):
            try:
                return call()
            except Exception as exc:
                if not is_ambiguous(exc) or attempt == ACCEPT_ATTEMPTS:
                    raise
                log.warning("job %s: %s may not have reached Slack (%s)", self.job_id, what, exc)
            time.sleep(self._p.retry_pause * attempt)
            found = find()
            if found is not None:
                log.info("job %s: %s had reached Slack; not sent again", self.job_id, what)
                return found
        raise AssertionError("unreachable")

    def _api(
        self, method: str, *, client: WebClient | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        try:
            body = {k: v for k, v in kwargs.items() if v is not None}
            response = (client or self._p.client).api_call(method, json=_neutralise(body))
        except SlackApiError as exc:
            record_slack_error(method=method, error=str(exc.response.get("error", "unknown")))
            raise
        return dict(response.data) if isinstance(response.data, dict) else {}

    def _find_post(self, channel: str, thread_ts: str | None, effect: str) -> dict[str, Any] | None:
        ts = self._p.lookup.find_post(
            channel=channel,
            thread_ts=thread_ts,
            job_id=self.job_id,
            effect=effect,
            oldest=self._oldest,
        )
        return None if ts is None else {"ts": ts, "channel": channel}

    def _post_once(
        self,
        effect: str,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None,
        *,
        thread_ts: str | None = None,
        after: Callable[[], None] | None = None,
    ) -> str:
        """Post ``effect`` unless this job already did; ``after`` runs once it is posted."""

        def post() -> dict[str, Any]:
            self._p.pacer.wait(channel)
            data = self._api(
                "chat.postMessage",
                client=self._p.poster,
                channel=channel,
                thread_ts=thread_ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata=post_metadata(job_id=self.job_id, effect=effect),
            )
            if after is not None:
                after()
            return {"ts": data.get("ts"), "channel": data.get("channel", channel)}

        def find() -> dict[str, Any] | None:
            return self._find_post(channel, thread_ts, effect)

        result = self._once(effect, lambda: self._accepted(effect, post, find), find=find)
        return str(result["ts"])

    # --------------------------------------------------------------------- intents

    def post_root(self, *, channel: str, text: str, blocks: list[dict[str, Any]]) -> str:
        """The channel message a manual's thread hangs from; returns its ts."""
        return self._post_once("root", channel, text, blocks)

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
        return self._post_once(
            "questions",
            channel,
            text,
            blocks,
            thread_ts=thread_ts,
            after=lambda: QUESTIONS_ASKED.inc(questions),
        )

    def post_notice(
        self,
        *,
        channel: str,
        thread_ts: str | None,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        effect: str = "notice",
    ) -> str:
        return self._post_once(effect, channel, text, blocks, thread_ts=thread_ts or None)

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
        files: Sequence[Attachment],
        comment: str,
        kind: str = "final",
        effect: str = "upload",
    ) -> str:
        """The manual (and its details file) in the thread, as one message with every file
        (``thread_ts`` must be the ROOT message's ts). Returns the first file's id.

        The file ids are recorded (``<effect>:files``) before the upload is finished, which is
        when they become visible; a run that finds ids there looks for them in Slack first.
        """
        tried_key = f"{effect}:files"
        first = files[0].filename

        def find(file_ids: list[str]) -> dict[str, Any] | None:
            found = self._p.lookup.find_file(
                channel=channel, thread_ts=thread_ts, file_ids=file_ids, oldest=self._oldest
            )
            return None if found is None else {"file_id": found, "filename": first}

        def upload() -> dict[str, Any]:
            tried = self._p.effects.get_effect(job_id=self.job_id, effect_key=tried_key) or {}
            earlier = [str(f) for f in tried.get("file_ids") or []]
            found = find(earlier) if earlier else None
            if found is not None:
                return found
            self._p.pacer.wait(channel)
            ids = [
                start_upload(self._p.client, filename=f.filename, content=f.content) for f in files
            ]
            self._p.effects.record_effect(
                job_id=self.job_id,
                effect_key=tried_key,
                result={"file_ids": [*earlier, *ids]},
                replace=True,
            )

            def finish() -> dict[str, Any]:
                finish_upload(
                    self._p.poster,
                    files=[
                        (file_id, neutralise_mentions(f.title))
                        for file_id, f in zip(ids, files, strict=True)
                    ],
                    channel=channel,
                    thread_ts=thread_ts,
                    comment=neutralise_mentions(comment),
                )
                MANUALS_PUBLISHED.labels(kind=kind).inc()
                return {"file_id": ids[0], "filename": first}

            return self._accepted(effect, finish, lambda: find(ids))

        return str(self._once(effect, upload).get("file_id"))

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


def _timestamp(moment: datetime | None) -> float:
    return 0.0 if moment is None else moment.timestamp()
