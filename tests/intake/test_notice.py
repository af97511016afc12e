"""The redaction notice: names the kinds, asks for deletion and rotation, never the value."""

from __future__ import annotations

import pytest

from bot.intake.notice import kind_name, redaction_notice
from bot.intake.redact import redact_secrets
from tests.intake.probe_set import Case, load

REDACT = load("must_redact")


def test_nothing_removed_says_nothing() -> None:
    assert redaction_notice([]) is None
    assert redaction_notice([], slack=True) is None


def test_slack_notice_asks_to_delete_the_message_and_rotate() -> None:
    notice = redaction_notice(["password"], slack=True)
    assert notice is not None
    assert "I removed a password from your message" in notice
    assert "Slack still keeps your original message: please delete it" in notice
    assert "rotate that credential" in notice


def test_several_kinds_are_listed_once_each_in_order() -> None:
    notice = redaction_notice(["aws-access-key", "aws-secret-key", "aws-access-key"], slack=True)
    assert notice is not None
    assert "an AWS access key ID and an AWS secret access key" in notice
    assert "rotate those credentials" in notice


def test_terminal_notice_does_not_talk_about_slack() -> None:
    notice = redaction_notice(["slack-token"])
    assert notice is not None
    assert "a Slack token" in notice
    assert "Slack still keeps" not in notice
    assert "rotate that credential" in notice


@pytest.mark.parametrize(
    ("kind", "name"),
    [("stripe-key", "Stripe key"), ("password", "password"), ("npm-token", "NPM token")],
)
def test_kind_names_read_as_words(kind: str, name: str) -> None:
    assert kind_name(kind) == name


@pytest.mark.parametrize("case", REDACT, ids=lambda c: c.label)
def test_the_notice_never_repeats_any_part_of_a_secret(case: Case) -> None:
    notice = redaction_notice(redact_secrets(case.text).kinds, slack=True)
    assert notice is not None
    for start, end in case.secrets:
        secret = case.text[start:end]
        fragments = {secret[i : i + 8] for i in range(max(1, len(secret) - 7))}
        leaked = [f for f in fragments if f in notice]
        assert not leaked, leaked
