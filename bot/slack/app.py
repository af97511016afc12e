"""The Bolt app factory: signature checks on, our listeners registered, our WebClient in.

The WebClient is passed in (``App(client=...)``) because that is the only way to point Bolt at
``SLACK_API_URL``; Bolt has no environment variable of its own for it. Bolt takes the token
from that client and calls auth.test when it is built (token verification), so a wrong token
fails at start-up rather than on the first event. (Bolt also reads SLACK_BOT_TOKEN itself and
warns that the client wins over it; that one warning is filtered out.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.config import Settings
from bot.observability import BOLT_LOGGER_NAME, install_log_guard
from bot.slack.listeners import COMMAND, Listeners, OnEnqueue

log = logging.getLogger(__name__)
BOLT_LOGGER = BOLT_LOGGER_NAME


class SlackConfigError(ValueError):
    """A required Slack setting is missing; the message is one line for the operator."""


def require(settings: Settings, *, socket_mode: bool = False) -> tuple[str, str]:
    """The bot token and signing secret, or one clear error naming what is missing.

    Socket Mode needs the app-level token instead of the signing secret (nothing is signed:
    Slack delivers over a WebSocket the app opened itself).
    """

    def given(value: SecretStr | None) -> str:
        return value.get_secret_value() if value is not None else ""

    needed = {"SLACK_BOT_TOKEN": given(settings.slack_bot_token)}
    if socket_mode:
        needed["SLACK_APP_TOKEN"] = given(settings.slack_app_token)
    else:
        needed["SLACK_SIGNING_SECRET"] = given(settings.slack_signing_secret)
    missing = [name for name, value in needed.items() if not value]
    if missing:
        raise SlackConfigError(f"missing required setting(s): {', '.join(missing)}")
    return needed["SLACK_BOT_TOKEN"], given(settings.slack_signing_secret)


def build_bolt_app(
    *,
    signing_secret: str,
    inbox: Any,
    threads: Any,
    client: WebClient,
    token_verification_enabled: bool = True,
    command: str = COMMAND,
    on_enqueue: OnEnqueue | None = None,
) -> App:
    """``inbox`` needs ``enqueue``, ``threads`` ``find_draft_by_thread`` (bot.slack.ports); the
    signing secret comes from the settings checked once at start-up."""
    install_log_guard()  # bolt logs whole request bodies, e.g. on an invalid signature
    logger = logging.getLogger(BOLT_LOGGER)
    with _without(logger, warning_client_prioritized_and_token_skipped()):
        app = App(
            token=None,  # taken from ``client``
            signing_secret=signing_secret,
            client=client,
            process_before_response=True,
            request_verification_enabled=True,
            token_verification_enabled=token_verification_enabled,
            ignoring_self_events_enabled=True,
            logger=logger,
        )
    Listeners(inbox=inbox, threads=threads, command=command, on_enqueue=on_enqueue).register(app)
    return app


@contextmanager
def _without(logger: logging.Logger, message: str) -> Iterator[None]:
    """Drop one exact message from ``logger`` while the block runs.

    ``App`` reads SLACK_BOT_TOKEN from the environment itself when given ``token=None``, and
    then warns that the ``client`` we pass wins over that token: true, intended, and noise
    in every production start. Only that message, and only while the app is built.
    """

    def keep(record: logging.LogRecord) -> bool:
        return record.getMessage() != message

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)
