"""FakeSlack's read side: ``conversations.replies`` and ``conversations.history``.

Kept apart from ``slack_api`` (the server, posting and uploads) because reading a
conversation has its own rules, which the bot's replay logic depends on and which these
functions mirror from Slack's documentation:

- ``replies`` is one thread (the parent first, then replies, oldest first); ``history`` is
  the channel's top-level messages, newest first. Thread replies are not in ``history``.
- ``oldest``/``latest`` bound the ts (exclusive unless ``inclusive``); ``limit`` and an
  opaque ``cursor`` page through the rest, with ``has_more`` and
  ``response_metadata.next_cursor``.
- Message metadata comes back only with ``include_all_metadata`` (slack_sdk sends it as
  "1"); without it the ``metadata`` key is left out, as Slack does.
- An unknown thread parent is ``thread_not_found``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from tests.fakes.slack_errors import ApiError

_Json = dict[str, Any]
MAX_LIMIT = 1000


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _bounded(messages: Iterable[_Json], params: Mapping[str, Any]) -> list[_Json]:
    oldest = float(params.get("oldest") or 0)
    latest = float(params["latest"]) if params.get("latest") else float("inf")
    inclusive = _flag(params.get("inclusive"))

    def inside(message: _Json) -> bool:
        ts = float(message["ts"])
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    return [m for m in messages if inside(m)]


def _page(messages: list[_Json], params: Mapping[str, Any]) -> _Json:
    limit = min(int(params.get("limit") or 100), MAX_LIMIT)
    cursor = str(params.get("cursor") or "")
    start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
    page = messages[start : start + limit]
    if not _flag(params.get("include_all_metadata")):
        page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
    more = start + limit < len(messages)
    next_cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
    return {
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(messages: Mapping[tuple[str, str], _Json], params: Mapping[str, Any]) -> _Json:
    channel, ts = str(params.get("channel") or ""), str(params.get("ts") or "")
    if not channel:
        raise ApiError("channel_not_found")
    parent = messages.get((channel, ts))
    if parent is None:
        raise ApiError("thread_not_found")
    thread = [
        m
        for (ch, m_ts), m in messages.items()
        if ch == channel and m_ts != ts and m.get("thread_ts") == ts
    ]
    ordered = [parent, *sorted(thread, key=lambda m: float(m["ts"]))]
    return _page(_bounded(ordered, params), params)


def history(messages: Mapping[tuple[str, str], _Json], params: Mapping[str, Any]) -> _Json:
    channel = str(params.get("channel") or "")
    if not channel:
        raise ApiError("channel_not_found")
    top = [
        m for (ch, ts), m in messages.items() if ch == channel and m.get("thread_ts") in (None, ts)
    ]
    newest_first = sorted(top, key=lambda m: float(m["ts"]), reverse=True)
    return _page(_bounded(newest_first, params), params)
