"""PostLookup against FakeSlack: a job's mark is found across pages, and only its own."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.posted import PAGE_SIZE, PostLookup, post_metadata
from tests.fakes.slack_api import FakeSlack


def test_a_mark_is_found_past_the_first_page_and_no_other_jobs(fake_slack: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url, retry_handlers=[])
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    for i in range(PAGE_SIZE + 20):  # a long thread: the mark is on the second page
        client.chat_postMessage(
            channel="C1",
            thread_ts=root,
            text=f"m{i}",
            metadata=post_metadata(job_id=1, effect=f"e{i}"),
        )
    mine = client.chat_postMessage(
        channel="C1", thread_ts=root, text="mine", metadata=post_metadata(job_id=2, effect="q")
    )["ts"]
    lookup = PostLookup(client)
    found = lookup.find_post(channel="C1", thread_ts=root, job_id=2, effect="q", oldest=0)
    assert found == mine
    assert len(fake_slack.calls_to("conversations.replies")) == 2  # paged with the cursor
    assert lookup.find_post(channel="C1", thread_ts=root, job_id=2, effect="x", oldest=0) is None
    assert lookup.find_post(channel="C1", thread_ts=root, job_id=3, effect="q", oldest=0) is None
    later = float(mine) + 1
    assert (
        lookup.find_post(channel="C1", thread_ts=root, job_id=2, effect="q", oldest=later) is None
    )


def test_a_failing_lookup_finds_nothing_rather_than_raising(fake_slack: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url, retry_handlers=[])
    fake_slack.fail_next("conversations.history", status=200, error="missing_scope")
    found = PostLookup(client).find_post(
        channel="C1", thread_ts=None, job_id=1, effect="root", oldest=0
    )
    assert found is None
