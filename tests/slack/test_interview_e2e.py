"""A whole interview in a Slack thread, over real HTTP, ends with a lint-clean manual file."""

from __future__ import annotations

import json

import pytest

from bot.contract.lint import lint_manual
from tests.slack.answers import answer_for
from tests.slack.harness import start_bot, stop_bot

pytestmark = pytest.mark.slow


@pytest.fixture
def any_bot(db_url, fake_slack):
    """The service on SQLite and on PostgreSQL."""
    running = start_bot(db_url=db_url, fake=fake_slack)
    try:
        yield running
    finally:
        stop_bot(running)


def test_whole_interview_in_a_thread_uploads_a_lint_clean_manual(any_bot):
    bot = any_bot
    channel = "C0001"
    root = bot.start_interview("Payments API", channel=channel)
    seen = 1
    for _ in range(30):
        posts = bot.wait_thread_posts(channel, root, seen)
        answer = answer_for(str(posts[-1].params["text"]))
        if answer is None:
            break
        status, _, _ = bot.reply(answer, channel=channel, thread_ts=root)
        assert status == 200
        seen += 1
        bot.fake.wait_for(
            lambda n=seen: len(bot.posts(channel, root)) >= n or bool(bot.fake.manual_files()),
            timeout=10,
        )
        if bot.fake.manual_files():
            break
    files = bot.fake.manual_files()
    assert len(files) == 1
    manual = files[0]
    assert manual.filename == "payments-api-operations-manual.md"
    assert manual.thread_ts == root  # the ROOT ts, so the file lands in the thread
    assert manual.channel_id == channel
    report = lint_manual(manual.content)
    assert report.ok, report.violations
    assert "10 sections" in manual.initial_comment
    assert "words" in manual.initial_comment

    # the details file comes in the same message: same comment, same thread, every fact in full
    (details,) = bot.fake.details_files()
    assert details.filename == "payments-api-operations-manual-details.md"
    assert (details.thread_ts, details.initial_comment) == (root, manual.initial_comment)
    assert "# Details: Payments API" in details.content
    assert f"https://fake-workspace.slack.com/archives/{channel}/p" in details.content
    (shared,) = bot.fake.calls_to("files.completeUploadExternal")
    assert [f["title"] for f in json.loads(shared.params["files"])] == [
        "Payments API: operations manual",
        "Payments API: every fact in full, with sources",
    ]

    # the root message is updated in place (right after the upload) to say it is done
    def root_updates() -> list[str]:
        calls = bot.fake.calls_to("chat.update")
        return [str(c.params["text"]) for c in calls if c.params.get("ts") == root]

    bot.fake.wait_for(lambda: "done, version 1" in (root_updates() or [""])[-1])
    assert len(bot.posts(channel)) == 1  # one root message, never a second one
