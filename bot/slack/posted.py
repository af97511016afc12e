"""What a job already posted, found again in Slack: the marks posts carry, and the lookup.

Why: a job's side effects are recorded in ``side_effects`` after Slack accepted them, so a
process that dies between the two (or a request whose answer is lost on the way back) left
a post that no record remembers, and the job's next run would post it again. Every
``chat.postMessage`` therefore carries message metadata naming its job and effect key
(``post_metadata``); before posting again, a job that may have run before looks for that
mark in the thread (``conversations.replies``) or, for a channel-level post, in the
channel's recent history (``conversations.history``), and records what it finds instead.

Uploads take no metadata, but a finished upload is a message carrying its file id, and the
publisher records the file id before finishing the upload; ``find_file`` looks for it.

A lookup that fails (no history scope, rate-limited, Slack down) returns None: the caller
then posts, because a message said twice is better than an answer never given.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.observability import record_slack_error

log = logging.getLogger(__name__)

EVENT_TYPE = "opsmanual_post"
PAGE_SIZE = 100  # conversations.* Tier 3; Slack recommends at most 200 a page
MAX_PAGES = 10  # an interview thread is a few dozen messages; a busy channel is cut off here
LOOKUP_ERRORS = (SlackApiError, SlackRequestError, OSError)  # OSError: connection, timeout


def post_metadata(*, job_id: int, effect: str) -> dict[str, Any]:
    """The mark a post carries: which job posted it, as which of its effects."""
    return {"event_type": EVENT_TYPE, "event_payload": {"job": job_id, "effect": effect}}


def _is_mark(message: dict[str, Any], *, job_id: int, effect: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return (
        metadata.get("event_type") == EVENT_TYPE
        and payload.get("job") == job_id
        and payload.get("effect") == effect
    )


class PostLookup:
    """Reads a thread or a channel back, a page at a time, to find one job's earlier posts."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def find_post(
        self, *, channel: str, thread_ts: str | None, job_id: int, effect: str, oldest: float
    ) -> str | None:
        """The ts of the message ``job_id`` posted as ``effect``, or None."""
        try:
            for message in self._messages(channel, thread_ts, oldest):
                if _is_mark(message, job_id=job_id, effect=effect):
                    return str(message["ts"])
        except LOOKUP_ERRORS as exc:
            log.warning("could not look for job %s's %s in %s: %s", job_id, effect, channel, exc)
        return None

    def find_file(
        self, *, channel: str, thread_ts: str | None, file_ids: list[str], oldest: float
    ) -> str | None:
        """Which of ``file_ids`` was shared here (its upload was finished), or None."""
        wanted = set(file_ids)
        try:
            for message in self._messages(channel, thread_ts, oldest):
                for file in message.get("files") or []:
                    if file.get("id") in wanted:
                        return str(file["id"])
        except LOOKUP_ERRORS as exc:
            log.warning("could not look for files %s in %s: %s", file_ids, channel, exc)
        return None

    def _messages(
        self, channel: str, thread_ts: str | None, oldest: float
    ) -> Iterator[dict[str, Any]]:
        """A thread's messages (``thread_ts``), or the channel's top-level ones, since oldest."""
        params: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest:.6f}",
            "limit": PAGE_SIZE,
            "include_all_metadata": True,
        }
        if thread_ts:
            params["ts"] = thread_ts
        for _ in range(MAX_PAGES):
            data = self._page(params)

            yield from data.get("messages") or []
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not data.get("has_more") or not cursor:
                return
            params["cursor"] = cursor

    def _page(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            if "ts" in params:  # a thread, parent first
                response = self._client.api_call(
                    "conversations.replies", http_verb="GET", params=params
                )
            else:  # the channel's top-level messages, newest first
                response = self._client.api_call(
                    "conversations.history", http_verb="GET", params=params
                )
        except SlackApiError as exc:
            method = "conversations.replies" if "ts" in params else "conversations.history"
            record_slack_error(method=method, error=str(exc.response.get("error", "unknown")))
            raise
        return dict(response.data) if isinstance(response.data, dict) else {}
