"""A post Slack accepted is never posted again: faults injected right after Slack took it.

Two windows, both forced here rather than left to chance:

- the answer is lost on the way back (FakeSlack's ``fail_after_accept``): the same run looks
  in the thread for the post's metadata before trying again;
- the process dies after Slack accepted the post and before the effect was recorded (the
  record fails with an injected fault): the job's next run finds the post by its metadata.

Posts in a thread, the root message in the channel and the manual's upload are covered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.slack.harness import start_bot, stop_bot

pytestmark = pytest.mark.slow

CHANNEL = "C0001"
ANSWER = (
    "1. A Python API on Kubernetes writing to PostgreSQL\n"
    "2. api: serves REST; worker: settles payments; scheduler: reconciles\n"
    "3. AWS EKS and RDS"
)


class InjectedDeath(Exception):
    """Stands for the process dying: raised where it would have died."""


class DiesBeforeRecording:
    """The inbox's effect log, except that recording ``effect`` the first time fails."""

    def __init__(self, inbox: Any, effect: str) -> None:
        self._inbox = inbox
        self._effect = effect
        self.died = False

    def get_effect(self, **kwargs: Any) -> dict[str, Any] | None:
        return self._inbox.get_effect(**kwargs)

    def record_effect(self, **kwargs: Any) -> bool:
        if kwargs["effect_key"] == self._effect and not self.died:
            self.died = True
            raise InjectedDeath(f"after Slack accepted {self._effect}, before it was recorded")
        return self._inbox.record_effect(**kwargs)


@pytest.fixture
def idle_bot(sqlite_url, fake_slack):
    """The service with no workers: each test claims and runs jobs itself."""
    running = start_bot(db_url=sqlite_url, fake=fake_slack, workers=False)
    running.service.publisher.retry_pause = 0.01
    try:
        yield running
    finally:
        stop_bot(running)


def _run_next(bot, worker: str, *, later: float = 0.0) -> Any:
    """Claim the next job as ``worker`` (``later`` seconds on, past a dead worker's lease)."""
    now = datetime.now(UTC) + timedelta(seconds=later)
    job = bot.service.inbox.claim(worker_id=worker, lease_seconds=30, now=now)
    assert job is not None
    try:
        bot.service.handlers.run(job)
    except InjectedDeath:
        return job
    bot.service.inbox.complete(job_id=job.id, worker_id=worker)
    return job


def _open_thread(bot) -> str:
    bot.command("new Payments API")
    _run_next(bot, "setup")
    return bot.root_ts(CHANNEL, "Payments API")


def _texts(bot, thread_ts: str | None) -> list[str]:
    return [str(m.get("text")) for m in bot.fake.messages_in(CHANNEL, thread_ts)]


def test_a_lost_answer_is_looked_for_before_posting_again(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    bot.fake.fail_after_accept("chat.postMessage")  # the connection closes, no answer
    bot.reply(ANSWER, channel=CHANNEL, thread_ts=root)
    _run_next(bot, "w1")
    thread = _texts(bot, root)
    assert len(thread) == 2  # the first questions and one answer to the reply
    assert "Got it: Architecture" in thread[1]
    assert len(bot.fake.calls_to("conversations.replies")) == 1
    assert len(bot.fake.calls_to("chat.postMessage")) == 3  # root, questions, the lost one


def test_a_5xx_after_slack_took_the_post_is_not_posted_twice(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    bot.fake.fail_after_accept("chat.postMessage", status=503)
    bot.reply(ANSWER, channel=CHANNEL, thread_ts=root)
    _run_next(bot, "w1")
    assert len(_texts(bot, root)) == 2


def test_a_post_slack_took_before_the_process_died_is_found_by_the_next_run(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    dying = DiesBeforeRecording(bot.service.inbox, "questions")
    bot.service.publisher.effects = dying
    bot.reply(ANSWER, channel=CHANNEL, thread_ts=root)
    first = _run_next(bot, "dead")
    assert dying.died
    assert len(_texts(bot, root)) == 2  # posted, but no record of it
    assert bot.fake.calls_to("conversations.replies") == []  # a first run never looks

    again = _run_next(bot, "heir", later=60)  # the dead worker's lease has run out

    assert again.id == first.id
    assert again.attempts == 2
    assert len(_texts(bot, root)) == 2  # found, not posted again
    assert len(bot.fake.calls_to("conversations.replies")) == 1
    (posted,) = bot.fake.messages_in(CHANNEL, root)[1:]
    recorded = bot.service.inbox.get_effect(job_id=first.id, effect_key="questions")
    assert recorded == {"ts": posted["ts"], "channel": CHANNEL}


def test_the_root_message_is_found_in_the_channel_after_a_death(idle_bot):
    bot = idle_bot
    bot.service.publisher.effects = DiesBeforeRecording(bot.service.inbox, "root")
    bot.command("new Payments API")
    _run_next(bot, "dead")
    assert len(_texts(bot, None)) == 1
    _run_next(bot, "heir", later=60)
    assert _texts(bot, None) == [_texts(bot, None)[0]]  # still one root message
    assert len(bot.fake.calls_to("conversations.history")) == 1
    root = bot.root_ts(CHANNEL, "Payments API")
    assert len(_texts(bot, root)) == 1  # and the first questions, once


def test_an_upload_finished_before_the_process_died_is_not_uploaded_again(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    bot.service.publisher.effects = DiesBeforeRecording(bot.service.inbox, "upload")
    bot.reply("draft", channel=CHANNEL, thread_ts=root)
    _run_next(bot, "dead")
    assert len(bot.fake.manual_files()) == 1
    _run_next(bot, "heir", later=60)
    assert len(bot.fake.manual_files()) == 1
    assert len(bot.fake.calls_to("files.getUploadURLExternal")) == 1


def test_an_upload_whose_last_step_lost_its_answer_is_shared_once(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    bot.fake.fail_after_accept("files.completeUploadExternal")
    bot.reply("draft", channel=CHANNEL, thread_ts=root)
    _run_next(bot, "w1")
    (shared,) = bot.fake.manual_files()
    assert shared.thread_ts == root
    assert len(bot.fake.calls_to("files.completeUploadExternal")) == 1


def test_when_slack_cannot_be_read_the_answer_is_posted_again_rather_than_lost(idle_bot):
    bot = idle_bot
    root = _open_thread(bot)
    bot.service.publisher.effects = DiesBeforeRecording(bot.service.inbox, "questions")
    bot.reply(ANSWER, channel=CHANNEL, thread_ts=root)
    _run_next(bot, "dead")
    bot.fake.fail_next("conversations.replies", status=200, error="missing_scope")
    _run_next(bot, "heir", later=60)
    thread = _texts(bot, root)
    assert len(thread) == 3  # at least once: the answer twice, never not at all
    assert thread[1] == thread[2]
