"""Build correctly signed Slack HTTP requests (slash commands, Events API, block_actions).

Why: Bolt answers 401 to anything not signed with the app's signing secret, so end-to-end
tests of the bot's HTTP endpoint have to produce exactly what Slack sends: the body format
per request kind, ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` =
``v0=`` + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")). The HMAC is computed here
independently (not via ``SignatureVerifier``) so the tests can cross-check the SDK.

Gotcha reproduced faithfully, not papered over: Bolt's ``parse_body`` treats any form body
containing the substring ``payload`` as an interactivity payload, so a slash command whose
text mentions "payload" parses as an empty body (slack_bolt 1.30).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_ts_counter = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    """A raw body plus the headers Slack would send with it (already signed)."""

    body: str
    headers: dict[str, str]

    def to_bolt_request(self) -> BoltRequest:
        """For ``app.dispatch(...)`` without a web server; Bolt verifies the signature."""
        return BoltRequest(body=self.body, headers=dict(self.headers))

    def post(self, url: str, *, timeout: float = 10.0) -> tuple[int, str]:
        """POST to a running endpoint; returns (status, body) even for 4xx/5xx."""
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {url}")
        data = self.body.encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=self.headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")


def signature(signing_secret: str, timestamp: int | str, body: str | bytes) -> str:
    """Slack's v0 request signature for ``body`` sent at ``timestamp`` (Unix seconds)."""
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    basestring = f"v0:{timestamp}:{raw}".encode()
    digest = hmac.new(signing_secret.encode(), basestring, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def sign_request(
    signing_secret: str,
    body: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> SignedRequest:
    """Sign an arbitrary body. ``timestamp`` defaults to now; pass an old one to test replay
    rejection (Slack's verifier allows 5 minutes of skew)."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(signing_secret, ts, body),
        **(extra_headers or {}),
    }
    return SignedRequest(body=body, headers=headers)


def new_ts() -> str:
    """A fresh, increasing Slack message timestamp ("seconds.micro") for fake events."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"


def slash_command(
    signing_secret: str,
    *,
    command: str = "/manual",
    text: str = "",
    user_id: str = "U0001",
    user_name: str = "alice",
    channel_id: str = "C0001",
    team_id: str = "T0001",
    response_url: str = "https://hooks.slack.com/commands/T0001/1/fake",
    trigger_id: str | None = None,
    timestamp: int | None = None,
) -> SignedRequest:
    """A slash command as Slack POSTs it: a form-encoded body with these fields."""
    fields = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "fake-workspace",
        "channel_id": channel_id,
        "channel_name": channel_id.lower(),
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0001",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{uuid.uuid4().int % 10**13}.fake",
    }
    return sign_request(signing_secret, urlencode(fields), content_type=FORM, timestamp=timestamp)


def message_event(
    *,
    channel: str,
    user: str,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T0001",
    channel_type: str = "channel",
) -> dict[str, Any]:
    """The inner ``event`` of a human's message (a thread reply when ``thread_ts`` is set)."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": team_id,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def app_mention_event(
    *, channel: str, user: str, text: str, ts: str | None = None, thread_ts: str | None = None
) -> dict[str, Any]:
    """Like :func:`message_event` but an ``app_mention`` (which carries no ``channel_type``)."""
    event = message_event(channel=channel, user=user, text=text, ts=ts, thread_ts=thread_ts)
    event["type"] = "app_mention"
    event.pop("channel_type")
    return event


def event_callback(
    signing_secret: str,
    event: Mapping[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = "T0001",
    bot_user_id: str = "UBOT",
    retry_num: int | None = None,
    retry_reason: str | None = None,
    timestamp: int | None = None,
) -> SignedRequest:
    """An Events API delivery (JSON). Reuse ``event_id`` with ``retry_num`` to imitate
    Slack redelivering after a slow ack; the retry headers sit outside the signed body."""
    envelope = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "api_app_id": "A0001",
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    extra: dict[str, str] = {}
    if retry_num is not None:
        extra["X-Slack-Retry-Num"] = str(retry_num)
        extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    elif retry_reason is not None:
        raise ValueError("retry_reason needs retry_num")
    body = json.dumps(envelope)
    return sign_request(
        signing_secret, body, content_type=JSON, timestamp=timestamp, extra_headers=extra
    )


def url_verification(signing_secret: str, challenge: str = "challenge") -> SignedRequest:
    """The handshake Slack sends when the Events request URL is configured."""
    body = json.dumps({"token": "deprecated", "challenge": challenge, "type": "url_verification"})
    return sign_request(signing_secret, body, content_type=JSON)


def block_actions(
    signing_secret: str,
    *,
    action_id: str,
    value: str = "",
    block_id: str = "actions",
    user_id: str = "U0001",
    channel_id: str = "C0001",
    message_ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T0001",
    bot_user_id: str = "UBOT",
    response_url: str = "https://hooks.slack.com/actions/T0001/1/fake",
    timestamp: int | None = None,
) -> SignedRequest:
    """A button click on a bot message: form body ``payload=<JSON>``, as Slack sends it."""
    message_ts = message_ts or new_ts()
    message: dict[str, Any] = {"type": "message", "user": bot_user_id, "ts": message_ts, "text": ""}
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    if thread_ts:
        message["thread_ts"] = container["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": "A0001",
        "token": "deprecated-verification-token",
        "container": container,
        "trigger_id": f"{uuid.uuid4().int % 10**13}.fake",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": new_ts(),
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    return sign_request(signing_secret, body, content_type=FORM, timestamp=timestamp)
