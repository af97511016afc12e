"""Where a reply can be read again, and who wrote it: the Sources port over the Web API.

The details file names each fact's author and links to the message it came from. Slack has the
workspace's URL (one ``auth.test``) and each person's display name (``users.info``, needs the
``users:read`` scope); both are cached for the life of the process, so a manual with 200 facts
by three people costs one call per person, not per fact. A failed lookup is not an error: the
user id and "no link" are still true, just less friendly.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core.draft import Draft, Reply

log = logging.getLogger(__name__)
MAX_PEOPLE = 5_000


class SlackSources:
    def __init__(self, *, client: Any) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._url: str | None = None
        self._names: dict[str, str] = {}

    def link(self, *, draft: Draft, reply: Reply) -> str | None:
        """A permalink to the reply, in its thread (Slack's own archive URL format)."""
        ts = (reply.source_ref or "").split(":")[0]
        base = self._workspace_url()
        if not ts or not base or "." not in ts:
            return None
        channel = draft.scope.channel
        link = f"{base}archives/{channel}/p{ts.replace('.', '')}"
        if draft.thread_ts and draft.thread_ts != ts:
            link += f"?thread_ts={draft.thread_ts}&cid={channel}"
        return link

    def person(self, author: str) -> str:
        """The author's display name (or real name), else the user id itself."""
        with self._lock:
            if author in self._names:
                return self._names[author]
        name = author
        try:
            user = self.client.api_call("users.info", params={"user": author}).get("user") or {}
            profile = user.get("profile") or {}
            found = profile.get("display_name") or profile.get("real_name") or user.get("name")
            name = str(found or author)
        except SlackApiError as error:
            log.warning("users.info failed for a reply author: %s", error.response.get("error"))
        with self._lock:
            if len(self._names) < MAX_PEOPLE:
                self._names[author] = name
        return name

    def _workspace_url(self) -> str | None:
        with self._lock:
            if self._url is not None:
                return self._url or None
        try:
            url = str(self.client.api_call("auth.test").get("url") or "")
        except SlackApiError as error:
            log.warning(
                "auth.test failed, details file without links: %s", error.response.get("error")
            )
            url = ""
        url = url if not url or url.endswith("/") else url + "/"
        with self._lock:
            self._url = url
        return url or None
