"""Reliability over real HTTP: ack fast, commit first, dedupe, retries, leases, edits."""

from __future__ import annotations

import threading
import time

import pytest

from bot.core.draft import Scope
from tests.fakes import slack_signing as signing
from tests.slack.harness import TEAM, start_bot, stop_bot

pytestmark = pytest.mark.slow

CHANNEL = "C0001"
FIRST_ANSWER = (
    "1. A Python API on Kubernetes writing to PostgreSQL\n"
    "2. api: serves REST; worker: settles payments; scheduler: reconciles\n"
    "3. AWS EKS and RDS"
)


@pytest.fixture
def idle_bot(sqlite_url, fake_slack):
    """The service with no workers running: what the listeners alone commit."""
    running = start_bot(db_url=sqlite_url, fake=fake_slack, workers=False)
    try:
        yield running
    finally:
        stop_bot(running)


def _draft(bot, channel=CHANNEL):
    (draft,) = bot.service.runtime.store.find_drafts(scope=Scope(TEAM, channel))
    return draft


def test_a_reply_is_committed_before_the_http_answer_which_is_fast(idle_bot):
    status, body = idle_bot.command("new Payments API")
    assert status == 200
    assert "Starting the operations manual for *Payments API*" in body
    (job,) = idle_bot.jobs()
    assert (job["kind"], job["status"]) == ("new", "pending")
    for n in range(20):
        status, _, ts = idle_bot.reply(f"answer {n}", channel=CHANNEL, thread_ts="1.000100")
        assert status == 200
    # Thread 1.000100 has no draft: listeners drop it without a job. Link one and retry.
    store = idle_bot.service.runtime.store
    draft = store.create_draft(scope=Scope(TEAM, CHANNEL), name="X", owner="U1", now=_now())
    draft.thread_ts = "1.000100"
    store.save_draft(draft=draft)
    status, _, ts = idle_bot.reply("1. A monolith", channel=CHANNEL, thread_ts="1.000100")
    assert status == 200
    last = idle_bot.jobs()[-1]  # read right after the 200: already committed
    assert (last["kind"], last["status"], last["event_key"]) == (
        "reply",
        "pending",
        f"{TEAM}:{CHANNEL}:{ts}:reply",
    )
    assert max(idle_bot.responses) < 3.0
    assert idle_bot.fake.calls_to("chat.postMessage") == []  # nothing slow in the request


def test_events_bolt_routes_to_no_listener_are_acknowledged_without_a_job(idle_bot):
    """Listeners are chosen by Bolt's constraints and matchers; whatever none of them wants
    (a top-level message, a bot's message, an edit or delete outside a manual's thread, an
    unfurl that left the words alone) is answered 200, so Slack does not deliver it again."""
    status, _ = idle_bot.command("new Payments API")
    assert status == 200
    before = len(idle_bot.jobs())
    top = signing.message_event(channel=CHANNEL, user="U2", text="lunch?")
    bot_said = {**signing.message_event(channel=CHANNEL, user="U2", text="hi", thread_ts="9.1")}
    bot_said["bot_id"] = "B1"
    elsewhere = {"type": "message", "user": "U2", "text": "x", "ts": "9.2", "thread_ts": "9.1"}
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "message": {**elsewhere, "text": "y", "edited": {"ts": "9.3"}},
        "previous_message": elsewhere,
        "event_ts": "9.3",
        "ts": "9.3",
    }
    unfurl = {**edit, "message": {**elsewhere}}
    delete = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "deleted_ts": "9.2",
        "previous_message": elsewhere,
        "event_ts": "9.4",
        "ts": "9.4",
    }
    joined = {"type": "message", "subtype": "channel_join", "channel": CHANNEL, "user": "U3"}
    for event in (top, bot_said, edit, unfurl, delete, joined):
        assert idle_bot.event(event)[0] == 200, event
    assert len(idle_bot.jobs()) == before


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_slack_retries_and_mention_twins_are_processed_once(bot):
    root = bot.start_interview("Payments API")
    ts = signing.new_ts()
    event = signing.message_event(
        channel=CHANNEL, user="U0002", text=FIRST_ANSWER, ts=ts, thread_ts=root
    )
    assert bot.event(event, event_id="Ev1")[0] == 200
    assert bot.event(event, event_id="Ev1", retry_num=1, retry_reason="http_timeout")[0] == 200
    mention = signing.app_mention_event(
        channel=CHANNEL, user="U0002", text=f"<@UBOT> {FIRST_ANSWER}", ts=ts, thread_ts=root
    )
    assert bot.event(mention, event_id="Ev2")[0] == 200
    bot.wait_idle()
    assert [j["kind"] for j in bot.jobs()] == ["new", "reply"]
    time.sleep(0.2)
    assert len(bot.posts(CHANNEL, root)) == 2  # first questions + one answer to the reply


def test_a_retry_that_arrives_first_is_not_dropped(bot):
    root = bot.start_interview("Payments API")
    event = signing.message_event(channel=CHANNEL, user="U2", text=FIRST_ANSWER, thread_ts=root)
    assert bot.event(event, event_id="Ev9", retry_num=2, retry_reason="http_error")[0] == 200
    bot.wait_thread_posts(CHANNEL, root, 2)
    assert _draft(bot).value("infrastructure") == "AWS EKS and RDS"


def test_mention_with_a_command_word_in_the_thread(bot):
    root = bot.start_interview("Payments API")
    mention = signing.app_mention_event(
        channel=CHANNEL, user="U0002", text="<@UBOT> status", thread_ts=root
    )
    bot.event(mention)
    posts = bot.wait_thread_posts(CHANNEL, root, 2)
    assert "Payments API: interviewing" in str(posts[-1].params["text"])


def test_message_changed_supersedes_and_message_deleted_withdraws(bot):
    root = bot.start_interview("Payments API")
    _, _, ts = bot.reply(FIRST_ANSWER, channel=CHANNEL, thread_ts=root)
    bot.wait_thread_posts(CHANNEL, root, 2)
    # one more answer moves the open questions on before the edit arrives
    bot.reply("1. error rate > 2%, critical, page", channel=CHANNEL, thread_ts=root)
    bot.wait_thread_posts(CHANNEL, root, 3)
    new_text = FIRST_ANSWER.replace("A Python API on Kubernetes", "A Go service on Nomad")
    edit_ts = signing.new_ts()
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "hidden": True,
        "message": {
            "type": "message",
            "user": "U0002",
            "text": new_text,
            "ts": ts,
            "thread_ts": root,
            "edited": {"user": "U0002", "ts": edit_ts},
        },
        "previous_message": {
            "type": "message",
            "user": "U0002",
            "text": FIRST_ANSWER,
            "ts": ts,
            "thread_ts": root,
        },
        "event_ts": edit_ts,
        "ts": edit_ts,
    }
    assert bot.event(changed)[0] == 200
    bot.wait_thread_posts(CHANNEL, root, 4)
    draft = _draft(bot)
    assert draft.value("architecture") == "A Go service on Nomad writing to PostgreSQL"
    history = [f for f in draft.facts if f.slot_id == "architecture"]
    assert history[0].withdrawn
    assert not history[-1].withdrawn
    assert draft.value("metrics") is not None  # the later answer is untouched

    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "hidden": True,
        "deleted_ts": ts,
        "event_ts": signing.new_ts(),
        "ts": signing.new_ts(),
        "previous_message": {
            "type": "message",
            "user": "U0002",
            "text": new_text,
            "ts": ts,
            "thread_ts": root,
        },
    }
    assert bot.event(deleted)[0] == 200
    posts = bot.wait_thread_posts(CHANNEL, root, 5)
    assert "withdrew" in str(posts[-1].params["text"])
    draft = _draft(bot)
    assert draft.value("architecture") is None
    assert draft.value("components") is None
    assert draft.value("metrics") is not None


def test_429_with_retry_after_is_retried_without_a_duplicate_post(bot):
    root = bot.start_interview("Payments API")
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    bot.reply(FIRST_ANSWER, channel=CHANNEL, thread_ts=root)
    bot.wait_thread_posts(CHANNEL, root, 3, timeout=15)  # 2 recorded: one 429 + one accepted
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    bot.wait_idle()
    stored = [k for k in bot.fake._messages if k[0] == CHANNEL]
    assert len(stored) == 3  # root, first questions, one answer: no duplicate
    assert all(j["attempts"] == 1 for j in bot.jobs())  # retried inside the client


def test_5xx_on_the_upload_step_is_retried(bot):
    root = bot.start_interview("Payments API")
    bot.fake.fail_next("upload_url", status=500)
    bot.reply("draft", channel=CHANNEL, thread_ts=root)
    bot.fake.wait_for(lambda: bool(bot.fake.manual_files()), timeout=15)
    assert len(bot.fake.manual_files()) == 1
    assert len(bot.fake.calls_to("upload_url")) == 2


def test_a_killed_workers_job_is_taken_over_and_nothing_is_posted_twice(idle_bot):
    bot = idle_bot
    inbox, handlers = bot.service.inbox, bot.service.handlers
    bot.command("new Payments API")
    new = inbox.claim(worker_id="setup", lease_seconds=30)
    handlers.run(new)
    inbox.complete(job_id=new.id, worker_id="setup")
    root = bot.root_ts(CHANNEL, "Payments API")
    bot.reply(FIRST_ANSWER, channel=CHANNEL, thread_ts=root)
    # worker "dead" runs the reply fully (stores it, posts the next questions), then dies
    # before marking the job done
    job = inbox.claim(worker_id="dead", lease_seconds=1.0)
    handlers.run(job)
    assert len(bot.posts(CHANNEL, root)) == 2
    bot.reply("1. error rate > 2%, critical, page", channel=CHANNEL, thread_ts=root)
    # the thread's next reply waits behind the dead worker's job until its lease runs out
    assert inbox.claim(worker_id="other", lease_seconds=1.0) is None
    bot.service.start()
    bot.wait_idle(timeout=15)
    jobs = bot.jobs()
    assert [(j["kind"], j["status"]) for j in jobs] == [
        ("new", "done"),
        ("reply", "done"),
        ("reply", "done"),
    ]
    assert jobs[1]["attempts"] == 2
    assert not jobs[1]["worker_id"].startswith("dead")
    thread = [str(c.params["text"]) for c in bot.posts(CHANNEL, root)]
    assert len(thread) == 3  # first questions, one answer per reply: none twice
    assert len(set(thread)) == 3
    assert "Got it: Architecture" in thread[1]
    assert "Got it: Key metrics" in thread[2]


def test_twenty_interviews_in_parallel_across_channels(bot):
    channels = [f"CPAR{i:02d}" for i in range(20)]

    def interview(channel: str) -> None:
        root = bot.start_interview(f"Service {channel}", channel=channel)
        bot.reply(FIRST_ANSWER, channel=channel, thread_ts=root)
        bot.wait_thread_posts(channel, root, 2, timeout=30)
        bot.reply("finish", channel=channel, thread_ts=root)

    threads = [threading.Thread(target=interview, args=(c,)) for c in channels]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bot.fake.wait_for(lambda: len(bot.fake.manual_files()) == 20, timeout=60)
    files = bot.fake.manual_files()
    assert sorted(f.channel_id for f in files) == channels
    for f in files:
        assert f.filename == f"service-{f.channel_id.lower()}-operations-manual.md"
        assert f"Service {f.channel_id}" in f.content  # each thread got its own manual
    assert max(bot.responses) < 3.0


def test_posts_in_one_channel_are_paced_about_one_per_second(sqlite_url, fake_slack):
    from bot.slack.server import ServeOptions

    paced = ServeOptions(workers=2, poll_seconds=0.1, pace_seconds=1.0, grace_seconds=5)
    bot = start_bot(db_url=sqlite_url, fake=fake_slack, options=paced)
    try:
        root = bot.start_interview("Payments API")  # root, then the first questions
        posts = bot.posts(CHANNEL) + bot.posts(CHANNEL, root)
        assert len(posts) == 2
        assert posts[1].time - posts[0].time >= 0.95
    finally:
        stop_bot(bot)
