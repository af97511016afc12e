"""Two `opsmanual serve` processes on one PostgreSQL share the work; no job runs twice."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine
from tests.slack.process import ServeProcess

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

INTERVIEWS = 12
ANSWER = "1. A monolith on VMs\n2. api: REST; worker: jobs; cron: reports\n3. AWS"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_processes_share_the_work_and_never_do_a_job_twice(db_url, fake_slack):
    channels = [f"CPG{i:02d}" for i in range(INTERVIEWS)]
    with (
        ServeProcess(db_url=db_url, fake=fake_slack, workers=2) as one,
        ServeProcess(db_url=db_url, fake=fake_slack, workers=2) as two,
    ):
        procs = [one, two]
        for i, channel in enumerate(channels):
            assert procs[i % 2].command(f"new Service {channel}", channel=channel)[0] == 200

        def root_of(channel: str) -> str | None:
            for (ch, ts), message in list(fake_slack._messages.items()):
                if ch == channel and "thread_ts" not in message:
                    return ts
            return None

        def thread_posts(channel: str, root: str) -> int:
            return sum(
                1
                for c in fake_slack.calls_to("chat.postMessage")
                if c.params.get("channel") == channel and c.params.get("thread_ts") == root
            )

        fake_slack.wait_for(lambda: all(root_of(c) for c in channels), timeout=60)
        roots = {c: str(root_of(c)) for c in channels}
        fake_slack.wait_for(lambda: all(thread_posts(c, roots[c]) for c in channels), timeout=60)
        for i, channel in enumerate(channels):
            # the reply goes to the *other* process than the one that started the interview
            assert (
                procs[(i + 1) % 2].reply(ANSWER, channel=channel, thread_ts=roots[channel]) == 200
            )
        fake_slack.wait_for(
            lambda: all(thread_posts(c, roots[c]) >= 2 for c in channels), timeout=60
        )
        for i, channel in enumerate(channels):
            assert procs[i % 2].reply("finish", channel=channel, thread_ts=roots[channel]) == 200
        fake_slack.wait_for(lambda: len(fake_slack.manual_files()) == INTERVIEWS, timeout=90)
        codes = [one.terminate()[0], two.terminate()[0]]
    assert codes == [0, 0]

    engine = make_engine(db_url)
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT kind, status, attempts, worker_id FROM jobs")).all()
        effects = conn.execute(
            text("SELECT job_id, effect_key, count(*) FROM side_effects GROUP BY 1, 2")
        ).all()
    engine.dispose()
    assert len(jobs) == 3 * INTERVIEWS
    assert {(kind, status) for kind, status, _, _ in jobs} == {
        ("new", "done"),
        ("reply", "done"),
    }
    assert all(attempts == 1 for _, _, attempts, _ in jobs)  # nothing claimed twice
    processes = {worker.rsplit(":", 1)[0] for _, _, _, worker in jobs}
    assert len(processes) == 2  # both processes did work
    assert all(count == 1 for _, _, count in effects)
    # exactly one root, questions, answer and manual per interview: nothing posted twice
    assert sorted(f.channel_id for f in fake_slack.manual_files()) == channels
    for channel in channels:
        assert thread_posts(channel, roots[channel]) == 2
