"""Slash commands, in-thread words and buttons, and versions after completion."""

from __future__ import annotations

import json

import pytest

from bot.contract.lint import lint_manual
from tests.fakes import slack_signing as signing
from tests.slack.harness import SECRET, TEAM

pytestmark = pytest.mark.slow

CHANNEL = "C0001"


def _ephemerals(bot) -> list[str]:
    return [json.loads(c.body)["text"] for c in bot.fake.calls_to("response_url")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Usage: `/opsmanual new <service name>`"),
        ("help", "In a manual's thread"),
        ("new", "A manual needs a name."),
        ("new   ", "A manual needs a name."),
        ("frobnicate", "I don't know `frobnicate`."),
        ("new " + "x" * 200, "Keep the name under"),
    ],
)
def test_usage_answers_come_straight_back_and_enqueue_nothing(bot, text, expected):
    status, body = bot.command(text)
    assert status == 200
    assert expected in body
    assert bot.jobs() == []


def test_new_twice_offers_the_existing_draft(bot):
    bot.start_interview("Payments API")
    bot.command("new payments api")
    bot.fake.wait_for(lambda: bool(_ephemerals(bot)))
    bot.wait_idle()
    assert "already has a manual in this channel" in _ephemerals(bot)[0]
    assert len(bot.posts(CHANNEL)) == 1  # no second root message


def test_list_shows_this_channels_drafts_with_status_and_progress(bot):
    bot.start_interview("Payments API")
    bot.start_interview("Search", channel=CHANNEL)
    bot.start_interview("Elsewhere", channel="COTHER")
    bot.command("list")
    bot.fake.wait_for(lambda: bool(_ephemerals(bot)))
    (text,) = _ephemerals(bot)
    assert "*Payments API*: interviewing" in text
    assert "*Search*: interviewing" in text
    assert "Elsewhere" not in text
    assert "/10 sections" in text


def test_draft_without_a_name_is_ambiguous_with_two_drafts(bot):
    bot.start_interview("Payments API")
    bot.start_interview("Search")
    bot.command("draft")
    bot.fake.wait_for(lambda: bool(_ephemerals(bot)))
    assert "Which one?" in _ephemerals(bot)[0]
    assert bot.fake.manual_files() == []


def _click(bot, action_id: str, root: str, draft_id: int = 1):
    request = signing.block_actions(
        SECRET,
        action_id=action_id,
        value=str(draft_id),
        channel_id=CHANNEL,
        thread_ts=root,
        team_id=TEAM,
        response_url=bot.fake.new_response_url(),
    )
    return bot.send(request)


def test_buttons_skip_show_draft_and_finish(bot):
    root = bot.start_interview("Payments API")
    first = bot.posts(CHANNEL, root)[0]
    actions = next(b for b in first.params["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "opsmanual_skip",
        "opsmanual_draft",
        "opsmanual_finish",
    ]
    assert _click(bot, "opsmanual_skip", root)[0] == 200
    posts = bot.wait_thread_posts(CHANNEL, root, 2)
    assert "Skipped" in str(posts[-1].params["text"])
    assert _click(bot, "opsmanual_draft", root)[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.manual_files()) == 1)
    draft_file = bot.fake.manual_files()[0]
    assert draft_file.filename == "payments-api-operations-manual-draft.md"
    assert draft_file.content.startswith("> **DRAFT, not final.**")
    assert draft_file.thread_ts == root
    assert _click(bot, "opsmanual_finish", root)[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.manual_files()) == 2)
    final = bot.fake.manual_files()[1]
    assert final.filename == "payments-api-operations-manual.md"
    assert lint_manual(final.content).ok
    assert "please check" in final.initial_comment


def test_in_thread_words_and_a_correction_after_completion_makes_version_2(bot):
    root = bot.start_interview("Payments API")
    bot.reply("help", channel=CHANNEL, thread_ts=root)
    posts = bot.wait_thread_posts(CHANNEL, root, 2)
    assert "Words I understand" in str(posts[-1].params["text"])
    bot.reply("DONE", channel=CHANNEL, thread_ts=root)
    bot.fake.wait_for(lambda: len(bot.fake.manual_files()) == 1)
    first = bot.fake.manual_files()[0]
    assert "Version 1" in first.content
    bot.reply("actually RTO is 2 hours, not 4", channel=CHANNEL, thread_ts=root)
    bot.fake.wait_for(lambda: len(bot.fake.manual_files()) == 2)
    second = bot.fake.manual_files()[1]
    assert second.filename == first.filename
    assert second.thread_ts == root
    assert "Version 2" in second.content
    assert "2 hours" in second.content
    assert lint_manual(second.content).ok
    bot.wait_idle()
    updates = [c for c in bot.fake.calls_to("chat.update") if c.params.get("ts") == root]
    assert "done, version 2" in str(updates[-1].params["text"])


def test_new_in_a_channel_the_bot_is_not_in_says_how_to_invite_it(bot):
    bot.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    bot.command("new Payments API")
    bot.fake.wait_for(lambda: bool(_ephemerals(bot)))
    bot.wait_idle()
    assert "/invite @opsmanual" in _ephemerals(bot)[0]
    (job,) = bot.jobs()
    assert (job["status"], job["error"]) == ("failed", "slack: not_in_channel")
