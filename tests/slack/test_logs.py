"""No log line at any level holds reply text: a run that pastes secrets, captured at DEBUG.

The bot runs whole (waitress, bolt, the workers, slack_sdk against FakeSlack) and every logger
is captured at DEBUG, the libraries' included: bolt logs the whole request body when a
signature is invalid, slack_sdk every Web API call with its text.
"""

from __future__ import annotations

import logging

import pytest

from bot.observability import WITHHELD, scrub_log_text
from tests.fakes import slack_signing as signing

pytestmark = pytest.mark.slow

CHANNEL = "C0001"
PASSWORD = "Zq8#Lm2Nb7Vc"
TOKEN = "xoxb-" + "1234567890-1234567890123-QwErTyUiOpAsDfGhJkLzXcVb"
# Words that occur only in what the "engineer" typed: none of them may reach a log line.
WORDS = ("quokkaledger", "wombatqueue", "numbatcache", "bilbyreport")


def _all_log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


def test_a_run_that_pastes_secrets_logs_no_reply_text(bot, caplog):
    with caplog.at_level(logging.DEBUG):
        root = bot.start_interview("Payments API", channel=CHANNEL)
        bot.reply(
            f"1. The {WORDS[0]} service; the db password is {PASSWORD}\n"
            f"2. api: REST; worker: {WORDS[1]}; cron: reports\n3. AWS",
            channel=CHANNEL,
            thread_ts=root,
        )
        bot.reply(f"/{TOKEN} {WORDS[2]}", channel=CHANNEL, thread_ts=root)  # echoed back
        forged = signing.event_callback(
            "not-the-signing-secret",
            signing.message_event(
                channel=CHANNEL,
                user="U0002",
                text=f"{WORDS[3]} password {PASSWORD} token {TOKEN}",
                thread_ts=root,
            ),
        )
        assert bot.send(forged)[0] == 401
        bot.wait_thread_posts(CHANNEL, root, 3)
        bot.wait_idle()
    logged = _all_log_text(caplog.records)
    assert "Invalid request signature" in logged  # bolt did log the forged request...
    assert WITHHELD in logged  # ...without its body
    assert any(r.name.startswith("slack_sdk") for r in caplog.records)  # DEBUG was on
    for needle in (PASSWORD, TOKEN, TOKEN[-12:], *WORDS):
        assert needle not in logged, needle


def test_library_bodies_are_cut_and_error_data_withheld():
    line = "Invalid request signature detected (signature: v0=ab, timestamp: 1, body: text=hi)"
    assert scrub_log_text(line, library=True) == (
        "Invalid request signature detected (signature: v0=ab, timestamp: 1, body: " + WITHHELD
    )
    assert scrub_log_text(line) == line  # our own lines keep their words
    error = "(psycopg.errors.X) boom\n[SQL: INSERT INTO jobs ...]\n[parameters: ('secret text',)]"
    assert "secret text" not in scrub_log_text(error)
    assert "[SQL: INSERT INTO jobs ...]" in scrub_log_text(error)
    pydantic = "1 validation error\n  Input [type=x, input_value='hunter2 text', input_type=str]"
    assert "hunter2" not in scrub_log_text(pydantic)
