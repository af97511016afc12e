"""GroupCommit: concurrent callers share a transaction, and each gets its own answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from bot.db.group_commit import GroupCommit


class Locked(Exception):
    """Stands for the database being locked or gone: no item of the batch can be written."""


class Writer:
    """Records each batch; the first one waits for ``gate`` so the others pile up."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.down = False

    def __call__(self, items: Sequence[str]) -> list[str]:
        self.entered.set()
        self.gate.wait(timeout=10)
        self.batches.append(list(items))
        if self.down:
            raise Locked("database is locked")
        if "bad" in items:
            raise ValueError("bad item")
        return [item.upper() for item in items]


def _submit_all(
    group: GroupCommit[str, str], writer: Writer, items: list[str]
) -> dict[str, object]:
    """Submit ``first`` alone, hold its write open, queue ``items`` behind it, then release."""
    answers: dict[str, object] = {}

    def submit(item: str) -> None:
        try:
            answers[item] = group.submit(item)
        except Exception as exc:
            answers[item] = exc

    first = threading.Thread(target=submit, args=("first",))
    first.start()
    assert writer.entered.wait(timeout=10)
    others = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 10
    while len(group._queue) < len(items) and time.monotonic() < deadline:
        time.sleep(0.005)
    writer.gate.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    return answers


def test_callers_that_arrive_during_a_write_share_the_next_one():
    writer = Writer()
    group: GroupCommit[str, str] = GroupCommit(writer)
    items = [f"item{n}" for n in range(7)]
    answers = _submit_all(group, writer, items)
    assert answers == {"first": "FIRST", **{item: item.upper() for item in items}}
    assert writer.batches[0] == ["first"]
    assert sorted(writer.batches[1]) == items  # the other seven: one transaction
    assert len(writer.batches) == 2
    assert group.submit("later") == "LATER"  # and the writing was handed back


def test_a_bad_item_fails_only_its_own_caller():
    writer = Writer()
    group: GroupCommit[str, str] = GroupCommit(writer, systemic=(Locked,))
    answers = _submit_all(group, writer, ["a", "bad", "b"])
    assert (answers["first"], answers["a"], answers["b"]) == ("FIRST", "A", "B")
    assert isinstance(answers["bad"], ValueError)
    # the mixed batch failed, then each of its items was written alone
    assert sorted(map(tuple, writer.batches[2:])) == [("a",), ("b",), ("bad",)]


def test_a_systemic_failure_fails_the_whole_batch_at_once():
    writer = Writer()
    writer.down = True
    group: GroupCommit[str, str] = GroupCommit(writer, systemic=(Locked,))
    answers = _submit_all(group, writer, ["a", "b"])
    assert all(isinstance(answer, Locked) for answer in answers.values())
    assert len(writer.batches) == 2  # no item-by-item retries against a locked database
    writer.down = False
    assert group.submit("c") == "C"


def test_a_lone_caller_writes_at_once_and_sees_its_error():
    def write(items: Sequence[int]) -> list[int]:
        if items[0] < 0:
            raise ValueError("negative")
        return [n * 10 for n in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    assert group.submit(4) == 40
    with pytest.raises(ValueError, match="negative"):
        group.submit(-1)
    assert group.submit(5) == 50


def test_many_threads_each_get_their_own_answer():
    seen: list[int] = []
    lock = threading.Lock()

    def write(items: Sequence[int]) -> list[int]:
        with lock:
            seen.extend(items)
        time.sleep(0.001)
        return [n * 2 for n in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    answers: dict[int, int] = {}

    def work(base: int) -> None:
        for n in range(base, base + 50):
            answers[n] = group.submit(n)

    threads = [threading.Thread(target=work, args=(t * 1000,)) for t in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 600
    assert all(answer == n * 2 for n, answer in answers.items())
    assert sorted(seen) == sorted(answers)  # each item written exactly once
