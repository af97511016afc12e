"""Chaos at known points: two replicas, kill -9 where it hurts, nothing lost or said twice.

Two `opsmanual serve` replicas share one PostgreSQL. Four interviews run at once; every
reply is delivered twice, to one replica and as Slack's retry to the other, and a delivery
that fails goes to the other replica. Three replicas are killed with SIGKILL at injected
points, not random moments:

1. right after a reply is stored and before its facts are saved;
2. right after Slack accepted a post and before the effect was recorded (the fake Slack
   kills the poster before answering);
3. after a job did all its work and before it was marked done;

and one is stopped with SIGTERM mid-run. Each dead replica is restarted, as a supervisor
would. The lease is 3 s (heartbeat 1 s) so the test stays short; the production default
and the recovery times are measured by ``bench/bench_recovery.py``.

Asserted: every job done, none failed; each reply answered once and its facts saved once,
against the reply's own row; one root message, one post per job effect and one manual file
per interview.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine
from tests.fakes import slack_signing as signing
from tests.slack.answers import ANSWERS, answers_for
from tests.slack.cluster import Cluster, bot_posts, kill_poster, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

INTERVIEWS = 4
REPLIES = 4  # per interview, then "finish"
LEASE = ("--lease-seconds", "3", "--heartbeat-seconds", "1")
WAIT = 60.0


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_kills_at_injected_points_lose_nothing_and_post_nothing_twice(db_url, fake_slack):
    engine = make_engine(db_url)
    cluster = Cluster(db_url=db_url, fake=fake_slack, args=LEASE)
    expected: dict[str, list[str]] = {}  # reply ts -> the slots it answers
    roots: dict[str, str] = {}
    post_kills: list[int] = []
    stopped: list[int] = []
    try:
        cluster.start(["reply_stored:1", "job_settling:2"])
        channels = [f"CCHAOS{i}" for i in range(INTERVIEWS)]

        def interview(i: int, channel: str) -> None:
            cluster.command(f"new Service {i}", channel=channel, prefer=i)
            wait_until(lambda: bool(fake_slack.messages_in(channel)), timeout=WAIT, what="root")
            root = roots[channel] = str(fake_slack.messages_in(channel)[0]["ts"])
            wait_until(lambda: bool(bot_posts(fake_slack, channel, root)), timeout=WAIT, what="Q")
            for k in range(REPLIES):
                if i == 1 and k == 1:  # a post accepted, then its poster killed
                    fake_slack.fail_after_accept(
                        "chat.postMessage", hook=kill_poster(engine, cluster, post_kills.append)
                    )
                if i == 2 and k == 2:
                    stopped.append(cluster.terminate(0))  # a rolling restart, mid-run
                answered = answers_for(str(bot_posts(fake_slack, channel, root)[-1]["text"]))
                ts = signing.new_ts()
                expected[ts] = [slot for slot, _ in answered if slot in ANSWERS]
                body = "\n".join(line for _, line in answered)
                cluster.reply(body, channel=channel, thread_ts=root, ts=ts, prefer=i + k)
                wait_until(
                    lambda k=k: len(bot_posts(fake_slack, channel, root)) >= k + 2,
                    timeout=WAIT,
                    what=f"the answer to reply {k} in {channel}",
                )
            cluster.reply("finish", channel=channel, thread_ts=root, ts=signing.new_ts(), prefer=i)

        runs = [
            threading.Thread(target=interview, args=(i, c), daemon=True)
            for i, c in enumerate(channels)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=WAIT * 3)
        assert not any(run.is_alive() for run in runs), "an interview did not finish"
        fake_slack.wait_for(lambda: len(fake_slack.manual_files()) >= INTERVIEWS, timeout=WAIT)
        wait_until(lambda: _all_settled(engine), timeout=WAIT, what="every job settled")
    finally:
        codes = cluster.stop()
        engine.dispose()
    assert all(code == 0 for code in codes)

    # the three injected kills happened, and the SIGTERM'd replica exited cleanly
    assert len(cluster.kills()) == 3, cluster.deaths
    assert len(post_kills) == 1
    assert stopped == [0]

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            jobs = conn.execute(text("SELECT kind, status, attempts FROM jobs")).all()
            replies = conn.execute(
                text("SELECT id, source_ref, applied_at FROM replies WHERE source_ref IS NOT NULL")
            ).all()
            facts = conn.execute(
                text("SELECT slot_id, reply_id FROM facts WHERE NOT withdrawn")
            ).all()
    finally:
        engine.dispose()

    # nothing lost: every job done, the interrupted ones taken over
    assert len(jobs) == INTERVIEWS * (REPLIES + 2)
    assert {status for _, status, _ in jobs} == {"done"}
    assert sum(1 for *_, attempts in jobs if attempts > 1) >= 3

    # nothing said twice: one root, one answer per reply, one manual, one post per effect
    for channel, root in roots.items():
        assert len(fake_slack.messages_in(channel)) == 1
        assert len(bot_posts(fake_slack, channel, root)) == 1 + REPLIES
    files = Counter(f.channel_id for f in fake_slack.manual_files())
    assert files == dict.fromkeys(roots, 1)
    marks = Counter(
        (m["metadata"]["event_payload"]["job"], m["metadata"]["event_payload"]["effect"])
        for channel in roots
        for m in fake_slack.messages_in(channel) + fake_slack.messages_in(channel, roots[channel])
        if m.get("metadata")
    )
    assert marks
    assert max(marks.values()) == 1

    # no dropped facts: every reply stored once, applied, and each answer saved from it
    by_ts = {ref: (reply_id, applied) for reply_id, ref, applied in replies}
    saved = {(slot, reply_id) for slot, reply_id in facts}
    assert sorted(Counter(ref for _, ref, _ in replies).values())[-1] == 1
    for ts, slots in expected.items():
        reply_id, applied_at = by_ts[ts]
        assert applied_at is not None
        missing = [slot for slot in slots if (slot, reply_id) not in saved]
        assert not missing, f"reply {ts} lost {missing}"


def _all_settled(engine) -> bool:
    with engine.connect() as conn:
        open_jobs = conn.execute(
            text("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
        ).scalar()
    return open_jobs == 0
