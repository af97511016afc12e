"""Slack's markup through the real bot: signed requests in, the stored reply and the manual
read as Markdown (issue 7, point 7)."""

from __future__ import annotations

from sqlalchemy import text

from tests.fakes import slack_signing as signing
from tests.slack.harness import SECRET

CHANNEL = "C0001"


def test_a_command_name_is_decoded_once(bot):
    """Slack sends the slash command's text escaped ("R&amp;D"): the draft is named "R&D",
    and the root message escapes it once for Slack, so people see "R&D", not "R&amp;D"."""
    root = bot.start_interview("R&amp;D Search")
    root_text = str(bot.posts(CHANNEL)[-1].params["text"])
    assert "*R&amp;D Search*" in root_text  # Slack's own escaping, displayed as R&D
    assert "&amp;amp;" not in root_text
    with bot.service.runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM drafts")).scalar() == "R&D Search"
    assert root


def test_a_rich_text_reply_is_stored_as_markdown_with_names(bot):
    root = bot.start_interview("Atlas Search")
    event = signing.message_event(
        channel=CHANNEL,
        user="U0DANA",
        text="escaped &amp; fallback",
        ts=signing.new_ts(),
        thread_ts=root,
    )
    event["blocks"] = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "emoji", "name": "rotating_light"},
                        {"type": "text", "text": " escalation: first the on-call, then "},
                        {"type": "user", "user_id": "U0RAJ"},
                        {"type": "text", "text": " (search lead), runbook "},
                        {"type": "link", "url": "https://wiki.example/atlas", "text": "here"},
                        {"type": "text", "text": ", R&D owns the PIM"},
                    ],
                }
            ],
        }
    ]
    status, _ = bot.send(signing.event_callback(SECRET, event))
    assert status == 200
    bot.wait_idle()
    with bot.service.runtime.engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM replies ORDER BY id DESC LIMIT 1")).scalar()
    assert stored.startswith(":rotating_light: escalation: first the on-call, then @u0raj")
    assert "[here](https://wiki.example/atlas)" in stored
    assert "R&D owns the PIM" in stored
    assert "&amp;" not in stored
