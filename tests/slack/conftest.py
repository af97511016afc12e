"""Fixtures for the Slack tests: a fake Slack Web API and the bot served over real HTTP."""

from __future__ import annotations

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import start_bot, stop_bot


@pytest.fixture
def fake_slack():
    with FakeSlack(team_id="T0001") as fake:
        yield fake


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def bot(sqlite_url, fake_slack):
    """The whole service on SQLite; most end-to-end tests need only one backend."""
    running = start_bot(db_url=sqlite_url, fake=fake_slack)
    try:
        yield running
    finally:
        stop_bot(running)
