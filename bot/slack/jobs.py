"""Job kinds and event keys: the contract between the listeners that enqueue and the worker.

An event key is what makes a Slack delivery idempotent. Messages are keyed by workspace,
channel, message ts and kind rather than by Slack's event_id, because the same human message
arrives twice with two different event ids (as ``message`` and as ``app_mention``) and must be
processed once; a retry of either carries the same ts, so it collapses too.
"""

from __future__ import annotations

import re
from enum import StrEnum


class JobKind(StrEnum):
    NEW = "new"  # /opsmanual new <name>
    REPLY = "reply"  # a human message in a manual's thread
    EDIT = "edit"  # message_changed on such a message
    DELETE = "delete"  # message_deleted on such a message
    BUTTON = "button"  # Skip / Show draft / Finish now
    DRAFT = "draft"  # /opsmanual draft [name]
    LIST = "list"  # /opsmanual list


def message_key(*, workspace: str, channel: str, ts: str, kind: JobKind) -> str:
    return f"{workspace}:{channel}:{ts}:{kind.value}"


def edit_key(*, workspace: str, channel: str, ts: str, edited_ts: str) -> str:
    return f"{workspace}:{channel}:{ts}:edit:{edited_ts}"


def interaction_key(*, workspace: str, trigger_id: str) -> str:
    """Slash commands and clicks are not retried by Slack, but their trigger ids are unique."""
    return f"{workspace}:trigger:{trigger_id}"


_BOT_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """``<@UBOT> draft`` is the in-thread command ``draft``; other mentions stay in the text."""
    if not bot_user_id:
        return text.strip()
    return _BOT_MENTION.sub(lambda m: "" if m.group(1) == bot_user_id else m.group(0), text).strip()
