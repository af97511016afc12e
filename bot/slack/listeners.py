"""Thin Bolt listeners: validate, redact, commit a job, acknowledge. Nothing slow.

Slack needs its HTTP answer within 3 s and retries otherwise, so no listener calls the LLM,
posts a message or uploads a file. With ``process_before_response=True`` the HTTP answer is
sent only after the listener returns, which is what makes "committed before the 200" true. A
listener that cannot commit raises; Bolt then answers 500 and Slack delivers the event again.

Retries (``X-Slack-Retry-Num``) are handled like first deliveries: a duplicate is recognised
by its event key when it is inserted, never dropped just for being a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from re import Pattern
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.core.draft import Scope
from bot.intake.redact import redact_secrets
from bot.intake.sanitize import CleanReply, sanitize
from bot.interview.service import MAX_NAME_CHARS
from bot.observability import JOBS_DUPLICATE, JOBS_ENQUEUED
from bot.slack.blocks import ACTIONS, SLASH_HELP, USAGE, inert
from bot.slack.jobs import (
    JobKind,
    edit_key,
    interaction_key,
    message_key,
    strip_bot_mention,
)
from bot.slack.markup import message_text, to_markdown
from bot.slack.ports import Enqueue, ThreadLookup

log = logging.getLogger(__name__)

COMMAND = "/opsmanual"
REPLY_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
# Told (workspace, channel, thread_ts) of each job committed, e.g. ``WorkerPool.notify``.
OnEnqueue = Callable[[str, str, str | None], None]
# What Bolt's ``App.event`` accepts as a constraint on type and subtype.
EventConstraint = dict[str, str | Sequence[str | Pattern[Any] | None] | None]
ACTION_WORDS = {"opsmanual_skip": "skip", "opsmanual_draft": "draft", "opsmanual_finish": "finish"}


class Listeners:
    """Holds the inbox the listeners commit to; ``register`` wires them onto a Bolt app."""

    def __init__(
        self,
        *,
        inbox: Any,
        threads: Any,
        command: str = COMMAND,
        on_enqueue: OnEnqueue | None = None,
    ) -> None:
        self.inbox: Enqueue = inbox
        self.threads: ThreadLookup = threads
        self.command = command
        self.on_enqueue = on_enqueue

    def register(self, app: App) -> None:
        """Bolt decides which listener a request is for, with event constraints and matchers;
        the listeners only translate an event into a job. Bolt tries them in this order and
        answers 404 (and Slack retries) when none matches, so a catch-all acknowledges every
        other message and mention."""
        edited: EventConstraint = {"type": "message", "subtype": "message_changed"}
        deleted: EventConstraint = {"type": "message", "subtype": "message_deleted"}
        reply: EventConstraint = {"type": "message", "subtype": tuple(REPLY_SUBTYPES)}
        app.event(reply, matchers=[self.answers_a_manual])(self.on_message)  # most frequent
        app.event(edited, matchers=[self.edits_a_manual_answer])(self.on_edit)
        app.event(deleted, matchers=[self.deletes_a_manual_answer])(self.on_delete)
        app.event("app_mention", matchers=[self.answers_a_manual])(self.on_mention)
        app.event("message")(_acknowledge)
        app.event("app_mention")(_acknowledge)
        app.command(self.command)(self.on_command)
        for action_id in ACTIONS:
            app.action(action_id)(self.on_action)

    # ----------------------------------------------------------------------- helpers

    def _enqueue(self, **job: Any) -> bool:
        created = self.inbox.enqueue(**job)
        if created:
            JOBS_ENQUEUED.labels(kind=job["kind"]).inc()
            if self.on_enqueue is not None:  # a worker of this process looks now, not at its poll
                self.on_enqueue(job["workspace"], job["channel"], job["thread_ts"])
        else:
            JOBS_DUPLICATE.inc()
        return created

    def _is_manual_thread(
        self, team: str, message: dict[str, Any], bot_user_id: str | None
    ) -> bool:
        """A draft's thread, or a thread on one of our messages (its draft may be saving)."""
        if bot_user_id and message.get("parent_user_id") == bot_user_id:
            return True
        scope = Scope(team, str(message.get("channel") or ""))
        thread_ts = str(message.get("thread_ts"))
        return self.threads.find_draft_by_thread(scope=scope, thread_ts=thread_ts) is not None

    # ---------------------------------------------------------------------- matchers

    def answers_a_manual(self, event: dict[str, Any], context: BoltContext) -> bool:
        """A person's words in a thread of ours; top-level messages are not answers, and a
        bare file has no words."""
        ts, thread_ts = event.get("ts"), event.get("thread_ts")
        if _from_a_bot(event, context.bot_user_id) or not thread_ts or thread_ts == ts:
            return False
        if not event.get("channel") or not event.get("text"):
            return False
        return self._is_manual_thread(_team(event, context), event, context.bot_user_id)

    def edits_a_manual_answer(self, event: dict[str, Any], context: BoltContext) -> bool:
        message = event.get("message") or {}
        previous = event.get("previous_message") or {}
        thread_ts = message.get("thread_ts")
        if _from_a_bot(message, context.bot_user_id) or not thread_ts:
            return False
        if thread_ts == message.get("ts") or message.get("text") == previous.get("text"):
            return False  # a top-level message, or an unfurl or reaction count changed
        found = {**message, "channel": event.get("channel")}
        return self._is_manual_thread(_team(event, context), found, context.bot_user_id)

    def deletes_a_manual_answer(self, event: dict[str, Any], context: BoltContext) -> bool:
        previous = event.get("previous_message") or {}
        thread_ts, ts = previous.get("thread_ts"), event.get("deleted_ts")
        if _from_a_bot(previous, context.bot_user_id) or not thread_ts or not ts:
            return False
        if thread_ts == ts:
            return False
        found = {**previous, "channel": event.get("channel")}
        return self._is_manual_thread(_team(event, context), found, context.bot_user_id)

    # ----------------------------------------------------------------- slash command

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        text = " ".join(str(command.get("text") or "").split())
        verb, _, rest = text.partition(" ")
        verb = verb.lower()
        team, channel = str(command.get("team_id")), str(command.get("channel_id"))
        base = {
            "workspace": team,
            "channel": channel,
            "thread_ts": None,
            "event_key": interaction_key(workspace=team, trigger_id=str(command.get("trigger_id"))),
        }
        user, response_url = str(command.get("user_id")), str(command.get("response_url") or "")
        if verb == "new":
            name = redact_secrets(to_markdown(rest.strip())).text  # "R&amp;D" is "R&D"
            if not name:
                ack(f"A manual needs a name. {USAGE}")
                return
            if len(name) > MAX_NAME_CHARS:
                ack(f"Keep the name under {MAX_NAME_CHARS} characters.")
                return
            new = {"name": name, "user": user, "response_url": response_url}
            self._enqueue(kind=JobKind.NEW.value, payload=new, **base)
            ack(f"Starting the operations manual for *{inert(name)}*: its thread opens here.")
        elif verb in ("draft", "list"):
            kind = JobKind.DRAFT if verb == "draft" else JobKind.LIST
            asked = to_markdown(rest.strip()) or None
            query = {"name": asked, "user": user, "response_url": response_url}
            self._enqueue(kind=kind.value, payload=query, **base)
            ack()
        elif verb in ("", "help"):
            ack(SLASH_HELP)
        else:
            ack(f"I don't know `{inert(verb)}`. {USAGE}")

    # ------------------------------------------------------------------------ events

    def on_message(self, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        self._reply(event, context, via="message")
        ack()

    def on_mention(self, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        self._reply(event, context, via="mention")
        ack()

    def _reply(self, event: dict[str, Any], context: BoltContext, *, via: str) -> None:
        team, channel = _team(event, context), str(event.get("channel"))
        ts, thread_ts = str(event.get("ts") or ""), str(event.get("thread_ts"))
        raw, rebuilt = message_text(event)
        clean = _clean(raw, context.bot_user_id)
        self._enqueue(
            workspace=team,
            channel=channel,
            thread_ts=thread_ts,
            kind=JobKind.REPLY.value,
            payload={
                "user": event.get("user"),
                "text": clean.text,
                "rebuilt": rebuilt,
                "junk": clean.junk,
                "ts": ts,
                "redacted": list(clean.redacted),
                "via": via,
            },
            event_key=message_key(workspace=team, channel=channel, ts=ts, kind=JobKind.REPLY),
        )

    def on_edit(self, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        team, channel = _team(event, context), str(event.get("channel"))
        message = event.get("message") or {}
        thread_ts, ts = str(message.get("thread_ts")), str(message.get("ts") or "")
        edited_ts = str((message.get("edited") or {}).get("ts") or event.get("event_ts") or "")
        raw, rebuilt = message_text(message)
        clean = _clean(raw, context.bot_user_id)
        self._enqueue(
            workspace=team,
            channel=channel,
            thread_ts=thread_ts,
            kind=JobKind.EDIT.value,
            payload={
                "user": message.get("user"),
                "text": clean.text,
                "rebuilt": rebuilt,
                "junk": clean.junk,
                "ts": ts,
                "edited_ts": edited_ts,
                "redacted": list(clean.redacted),
            },
            event_key=edit_key(workspace=team, channel=channel, ts=ts, edited_ts=edited_ts),
        )
        ack()

    def on_delete(self, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        team, channel = _team(event, context), str(event.get("channel"))
        previous = event.get("previous_message") or {}
        ts = str(event.get("deleted_ts"))
        self._enqueue(
            workspace=team,
            channel=channel,
            thread_ts=str(previous.get("thread_ts")),
            kind=JobKind.DELETE.value,
            payload={"ts": ts},
            event_key=message_key(workspace=team, channel=channel, ts=ts, kind=JobKind.DELETE),
        )
        ack()

    # ----------------------------------------------------------------------- buttons

    def on_action(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        container = body.get("container") or {}
        team = str((body.get("team") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        word = ACTION_WORDS.get(str(action.get("action_id")))
        if word and team and channel and thread_ts:
            self._enqueue(
                workspace=team,
                channel=channel,
                thread_ts=str(thread_ts),
                kind=JobKind.BUTTON.value,
                payload={
                    "word": word,
                    "user": (body.get("user") or {}).get("id"),
                    "draft_id": _int(action.get("value")),
                    "response_url": body.get("response_url"),
                },
                event_key=interaction_key(workspace=team, trigger_id=str(body.get("trigger_id"))),
            )
        ack()


def _acknowledge(ack: Ack) -> None:
    """Every other message and mention in a channel the bot is in: nothing to do."""
    ack()


def _team(event: dict[str, Any], context: BoltContext) -> str:
    return str(context.team_id or event.get("team") or "")


def _from_a_bot(message: dict[str, Any], bot_user_id: str | None) -> bool:
    """Our own messages and other bots' never count as answers (no loops)."""
    return bool(
        message.get("bot_id")
        or message.get("subtype") == "bot_message"
        or (bot_user_id and message.get("user") == bot_user_id)
        or not message.get("user")
    )


def _clean(text: Any, bot_user_id: str | None) -> CleanReply:
    """Drop our own @-mention, then sanitize (secrets redacted) before anything is stored."""
    return sanitize(strip_bot_mention(str(text or ""), bot_user_id) or "help")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
