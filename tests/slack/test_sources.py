"""Permalinks and author names for the details file, through the real slack_sdk client and
the local fake Slack Web API (which records every call it receives)."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.core.draft import Draft, Reply, Scope
from bot.slack.sources import SlackSources

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def sources(fake) -> SlackSources:
    return SlackSources(client=WebClient(token="xoxb-test", base_url=fake.base_url))


def test_a_reply_links_to_its_message_in_the_thread(fake_slack) -> None:
    draft = Draft(
        "Atlas", Scope("T0001", "C0001"), "U1", NOW, NOW, id=1, thread_ts="1733499000.000100"
    )
    reply = Reply(3, "U0DANA", "text", NOW, source_ref="1733499120.000300")
    link = sources(fake_slack).link(draft=draft, reply=reply)
    assert link == (
        "https://fake-workspace.slack.com/archives/C0001/p1733499120000300"
        "?thread_ts=1733499000.000100&cid=C0001"
    )


def test_an_edit_links_to_the_original_message(fake_slack) -> None:
    draft = Draft("Atlas", Scope("T0001", "C0001"), "U1", NOW, NOW, id=1)
    reply = Reply(3, "U0DANA", "text", NOW, source_ref="1733499120.000300:edit:1733499200.1")
    assert sources(fake_slack).link(draft=draft, reply=reply).endswith("/p1733499120000300")


def test_names_are_looked_up_once_per_person(fake_slack) -> None:
    found = sources(fake_slack)
    assert [found.person(u) for u in ("U0DANA", "U0RAJ", "U0DANA")] == ["u0dana", "u0raj", "u0dana"]
    looked_up = [c.params["user"] for c in fake_slack.calls_to("users.info")]
    assert looked_up == ["U0DANA", "U0RAJ"]


def test_a_terminal_reply_has_no_link(fake_slack) -> None:
    draft = Draft("Atlas", Scope("local", "cli"), "U1", NOW, NOW, id=1)
    assert sources(fake_slack).link(draft=draft, reply=Reply(1, "me", "x", NOW)) is None
