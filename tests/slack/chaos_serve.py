"""`opsmanual serve` that kills itself with SIGKILL at a chosen step: chaos at known points.

Run as ``python -m tests.slack.chaos_serve serve …`` with ``OPSMANUAL_CHAOS`` naming the kill
points, e.g. ``reply_stored:2`` (die right after the 2nd reply is stored, before its facts
are saved) or ``job_settling:3`` (die after the 3rd job did all its work, before it is marked
done). A random ``kill -9`` mostly lands in an idle moment; these land in the windows that
matter. The third window, a post Slack accepted and nobody recorded, is opened from the
fake Slack's side (``FakeSlack.fail_after_accept`` with a hook that kills the poster).

Used by the chaos test and ``bench/bench_recovery.py``; production code knows nothing of it.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from bot.cli import main
from bot.db.inbox import SqlInbox
from bot.db.store import SqlStore

CHAOS_ENV = "OPSMANUAL_CHAOS"
# point -> (class, method, whether the kill comes before or after the call)
POINTS: dict[str, tuple[type, str, str]] = {
    "reply_stored": (SqlStore, "add_reply", "after"),
    "job_settling": (SqlInbox, "complete", "before"),
    "job_claimed": (SqlInbox, "claim", "after"),
}


KILLED_AT = "opsmanual-chaos: killed at "


def die(point: str) -> None:
    print(f"{KILLED_AT}{point}", flush=True)  # how the supervisor knows which point fired
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(point: str, nth: int) -> None:
    cls, name, when = POINTS[point]
    real: Callable[..., Any] = getattr(cls, name)
    seen = [0]
    lock = threading.Lock()

    def reached(result: Any = True) -> None:
        if result is None:  # a claim that found nothing is not a step
            return
        with lock:
            seen[0] += 1
            hit = seen[0] == nth
        if hit:
            die(point)

    @functools.wraps(real)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            reached()
        result = real(*args, **kwargs)
        if when == "after":
            reached(result)
        return result

    setattr(cls, name, wrapped)


def arm_from_environment() -> None:
    for item in filter(None, os.environ.get(CHAOS_ENV, "").split(",")):
        point, _, nth = item.partition(":")
        _arm(point.strip(), int(nth or 1))


if __name__ == "__main__":
    arm_from_environment()
    sys.exit(main(sys.argv[1:]))
