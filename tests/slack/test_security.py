"""Security over real HTTP: signatures, replays, tenancy, echoed mentions, secrets, bot loops."""

from __future__ import annotations

import json
import time

import pytest

from bot.core.draft import Scope
from tests.fakes import slack_signing as signing
from tests.slack.harness import SECRET, TEAM

pytestmark = pytest.mark.slow

CHANNEL = "C0001"


def _event(bot, **kwargs):
    return signing.message_event(channel=CHANNEL, user="U0002", thread_ts="1.000001", **kwargs)


def test_bad_signature_is_401_and_stores_nothing(bot):
    request = signing.slash_command("not-the-secret", command="/opsmanual", text="new Payments")
    status, _ = bot.send(request)
    assert status == 401
    forged = signing.event_callback("wrong", _event(bot, text="hello"))
    assert bot.send(forged)[0] == 401
    assert bot.jobs() == []


def test_a_request_older_than_five_minutes_is_401_and_stores_nothing(bot):
    old = int(time.time()) - 6 * 60
    request = signing.slash_command(
        SECRET, command="/opsmanual", text="new Payments", timestamp=old
    )
    status, _ = bot.send(request)
    assert status == 401
    assert bot.jobs() == []
    assert bot.posts(CHANNEL) == []


def test_url_verification_answers_the_challenge(bot):
    status, body = bot.send(signing.url_verification(SECRET, challenge="abc123"))
    assert status == 200
    assert "abc123" in body


def test_draft_in_channel_b_never_shows_channel_as_draft(bot):
    bot.start_interview("Payments API", channel="CA")
    bot.command("draft Payments API", channel="CB")
    bot.command("draft", channel="CB")
    bot.command("list", channel="CB")
    bot.fake.wait_for(lambda: len(bot.fake.calls_to("response_url")) >= 3)
    bot.wait_idle()
    assert bot.fake.manual_files() == []
    for call in bot.fake.calls_to("response_url"):
        text = json.loads(call.body)["text"]
        assert text.startswith(("No manual", "No operations manuals")), text
        assert "sections" not in text  # no progress of another channel's draft
    # and in its own channel it is found
    bot.command("draft Payments API", channel="CA")
    bot.fake.wait_for(lambda: bool(bot.fake.manual_files()))
    (upload,) = bot.fake.manual_files()
    assert upload.channel_id == "CA"
    assert upload.filename == "payments-api-operations-manual-draft.md"


def test_a_reply_in_another_channels_thread_with_the_same_ts_reaches_nothing(bot):
    root = bot.start_interview("Payments API", channel="CA")
    before = len(bot.fake.calls)
    bot.reply("1. A monolith", channel="CB", thread_ts=root)
    time.sleep(0.3)
    assert bot.jobs()[-1]["kind"] == "new"  # nothing was enqueued for CB
    assert len(bot.fake.calls) == before


def test_mentions_in_echoed_text_are_neutralised(bot):
    name = "Pay <!channel> <!here|here> <@U0BOSS> @everyone"
    status, body = bot.command(f"new {name}", channel=CHANNEL)
    assert status == 200
    root = bot.root_ts(CHANNEL, "Pay")
    bot.reply("draft", channel=CHANNEL, thread_ts=root)
    bot.fake.wait_for(lambda: bool(bot.fake.manual_files()))
    bot.wait_idle()
    # File content is a document Slack never parses for mentions; everything else is echoed.
    outgoing = [body] + [
        c.body.decode("utf-8", "replace") for c in bot.fake.calls if c.method != "upload_url"
    ]
    for text in outgoing:
        for ping in ("<!channel>", "<!here", "<@U0BOSS>", " @everyone"):
            assert ping not in text, (ping, text[:300])
    posts = bot.fake.calls_to("chat.postMessage")
    assert all(c.params.get("unfurl_links") is False for c in posts)
    assert all(c.params.get("unfurl_media") is False for c in posts)


def test_secrets_are_redacted_before_storage_and_the_thread_is_told(bot):
    root = bot.start_interview("Payments API", channel=CHANNEL)
    secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"
    bot.reply(
        f"1. A monolith; deploys use key {secret}\n2. api: REST; worker: jobs; cron: reports\n"
        "3. AWS",
        channel=CHANNEL,
        thread_ts=root,
    )
    posts = bot.wait_thread_posts(CHANNEL, root, 2)
    notice = str(posts[-1].params["text"])
    assert "I removed an Anthropic key from your message" in notice
    assert "please delete it, and rotate that credential" in notice
    assert all(secret not in json.dumps(j["payload"]) for j in bot.jobs())
    (draft,) = bot.service.runtime.store.find_drafts(scope=Scope(TEAM, CHANNEL))
    assert secret not in json.dumps(draft.values())
    assert all(secret not in c.body.decode("utf-8", "replace") for c in bot.fake.calls)


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "BBOT", "user": "UBOT"},
        {"user": "UBOT"},
        {"bot_id": "BOTHER", "subtype": "bot_message", "user": None},
    ],
)
def test_own_and_other_bots_messages_are_ignored(bot, extra):
    root = bot.start_interview("Payments API", channel=CHANNEL)
    event = signing.message_event(channel=CHANNEL, user="U0002", text="1. loop", thread_ts=root)
    event.update(extra)
    if event.get("user") is None:
        event.pop("user")
    before = len(bot.jobs())
    status, _ = bot.event(event)
    assert status == 200
    assert len(bot.jobs()) == before
