"""The Bolt app factory: what it logs at start-up."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.slack.app import BOLT_LOGGER, build_bolt_app

CLIENT_WINS = "As you gave `client` as well, `token` will be unused."


class _Inbox:
    def enqueue(self, **_job: object) -> bool:
        return True

    def find_draft_by_thread(self, **_where: object) -> int | None:
        return None


def test_no_client_and_token_warning_when_slack_bot_token_is_set(
    monkeypatch, caplog, fake_slack, sqlite_url
):
    """Production sets SLACK_BOT_TOKEN; Bolt reads it itself and would warn on every start."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.base_url)
    with caplog.at_level(logging.DEBUG):
        app = build_bolt_app(
            signing_secret="test-signing-secret", inbox=_Inbox(), threads=_Inbox(), client=client
        )
    assert app.client is client
    assert [r.getMessage() for r in caplog.records if r.getMessage() == CLIENT_WINS] == []
    # only that message, only while the app was built
    logger = logging.getLogger(BOLT_LOGGER)
    assert logger.filters == []
    with caplog.at_level(logging.WARNING, logger=BOLT_LOGGER):
        logger.warning(CLIENT_WINS)
    assert CLIENT_WINS in caplog.messages
