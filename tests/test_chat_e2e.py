"""`opsmanual chat` end to end: the real console script, driven through a pipe like a person.

Why: the issue's promise is about what a user sees in a terminal (one reply per line, resumable,
no traceback whatever they paste), and only a real process exercises the console script,
argument parsing, stdin decoding, buffering, signals and the database together. The engineer
reads the bot's printed questions and answers them (``bench.scenarios``), so the test follows
whatever the planner asks instead of replaying a fixed script.

Subprocesses get a UTF-8 ``PYTHONIOENCODING``, as on a workstation with an ``en_US.UTF-8``
locale, where stdin is decoded strictly (the ``C.UTF-8`` locale of CI would hide decoding bugs).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.scenarios import PAYMENTS, Scenario, SimulatedEngineer, questions_from_text

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("opsmanual")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot.cli"]
DONE = "Send corrections to make a new version"
MANUAL = "payments-api-operations-manual.md"


def cli_env(tmp_path: Path) -> dict[str, str]:
    """The caller's environment minus anything that would pick another database or an LLM."""
    drop = ("ANTHROPIC_", "OPSMANUAL_", "SLACK_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(OPSMANUAL_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    return env


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=cli_env(tmp_path), capture_output=True, text=True, timeout=60
    )


class Chat:
    """A running `opsmanual chat`: write replies to its stdin, read its output turn by turn.

    The chat flushes once per outcome, so a turn is "the first line, then everything that
    follows until the output pauses"; a silent process fails the test with the transcript.
    """

    def __init__(self, tmp_path: Path, name: str, *extra: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [*COMMAND, "chat", name, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(tmp_path),
            cwd=tmp_path,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        self.errors: list[str] = []
        self.eof = False
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, True), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, False), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream: object, is_stdout: bool) -> None:
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if is_stdout:
                self.transcript.append(line)
                self.lines.put(line)
            else:
                self.errors.append(line)
        if is_stdout:
            self.lines.put(None)

    def turn(self, *, timeout: float = 30.0, idle: float = 0.15) -> str:
        """Everything the bot prints in answer to one reply."""
        if self.eof:
            return ""
        try:
            first = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no output; transcript:\n" + self.text) from None
        if first is None:
            self.eof = True
            code = self.proc.wait(timeout=30)
            raise AssertionError(f"chat exited ({code}):\n{self.text}\n" + "\n".join(self.errors))
        got: list[str] = []
        line: str | None = first
        while line is not None:
            got.append(line)
            try:
                line = self.lines.get(timeout=idle)
            except queue.Empty:
                return "\n".join(got)
        self.eof = True
        return "\n".join(got)

    def send(self, reply: str | bytes) -> None:
        data = reply.encode("utf-8") if isinstance(reply, str) else reply
        assert self.proc.stdin is not None
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def ask(self, reply: str | bytes) -> str:
        self.send(reply)
        return self.turn()

    def close(self) -> int:
        """EOF on stdin, as when a pipe ends or the user presses Ctrl-D."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.wait()

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.wait()

    def wait(self) -> int:
        code = self.proc.wait(timeout=30)
        for thread in self._threads:
            thread.join(timeout=5)
        return code

    @property
    def text(self) -> str:
        return "\n".join(self.transcript)

    def assert_no_traceback(self) -> None:
        assert "Traceback" not in self.text, self.text
        assert "Traceback" not in "\n".join(self.errors), "\n".join(self.errors)


@pytest.fixture
def chats(tmp_path: Path) -> Iterator[list[Chat]]:
    """Collects the chats a test starts, and kills any still running when it ends."""
    started: list[Chat] = []
    yield started
    for chat in started:
        if chat.proc.poll() is None:
            chat.proc.kill()
            chat.proc.wait(timeout=10)


def start(chats: list[Chat], tmp_path: Path, name: str, *extra: str) -> Chat:
    chat = Chat(tmp_path, name, *extra)
    chats.append(chat)
    return chat


def answer_until_done(
    chat: Chat, engineer: SimulatedEngineer, turn: str, *, limit: int = 40
) -> tuple[int, list[list[str]]]:
    """Answer every printed question until the manual is written; returns replies and asks."""
    replies, asked = 0, []
    while DONE not in turn:
        questions = questions_from_text(turn, name=chat.name)
        reply = engineer.reply(questions)
        assert reply is not None, f"no questions in the bot's turn:\n{turn}"
        assert replies < limit, chat.text
        asked.append([q.slot_id for q in questions])
        turn = chat.ask(reply)
        replies += 1
    return replies, asked


def assert_good_manual(tmp_path: Path, path: Path, scenario: Scenario) -> str:
    assert path.is_file(), f"{path} was not written"
    linted = run_cli(tmp_path, "lint", str(path))
    assert linted.returncode == 0, linted.stdout + linted.stderr
    markdown = path.read_text(encoding="utf-8")
    missing = scenario.missing_facts(markdown)
    assert len(missing) <= 0.1 * len(scenario.facts), missing
    return markdown


def test_a_cooperative_engineer_finishes_a_lint_clean_manual(tmp_path: Path, chats) -> None:
    out = tmp_path / "out.md"
    chat = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    first = chat.turn()
    assert "[#" in first
    assert "/10 sections" in first
    replies, _ = answer_until_done(chat, SimulatedEngineer(PAYMENTS), first)
    assert chat.close() == 0
    chat.assert_no_traceback()
    assert replies <= 25
    assert f"Wrote {out}" in chat.text
    assert_good_manual(tmp_path, out, PAYMENTS)


def test_resume_after_interrupt_asks_only_what_is_missing(tmp_path: Path, chats) -> None:
    out = tmp_path / "out.md"
    engineer = SimulatedEngineer(PAYMENTS)
    first = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    turn, answered = first.turn(), set()
    for _ in range(3):
        questions = questions_from_text(turn, name=PAYMENTS.name)
        answered.update(q.slot_id for q in questions)
        turn = first.ask(engineer.reply(questions) or "")
    assert first.interrupt() == 130  # Ctrl-C while it waits for the next reply
    assert 'Saved. Run `opsmanual chat "Payments API"` again to resume.' in first.text
    first.assert_no_traceback()

    second = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    turn = second.turn()
    assert "Resuming Payments API" in turn
    for _ in range(2):
        questions = questions_from_text(turn, name=PAYMENTS.name)
        assert answered.isdisjoint(q.slot_id for q in questions), turn
        answered.update(q.slot_id for q in questions)
        turn = second.ask(engineer.reply(questions) or "")
    assert second.close() == 0  # EOF
    assert "again to resume" in second.text
    second.assert_no_traceback()

    third = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    turn = third.turn()
    assert "Resuming Payments API" in turn
    replies, asked = answer_until_done(third, engineer, turn)
    assert answered.isdisjoint(slot for ask in asked for slot in ask)
    assert third.close() == 0
    third.assert_no_traceback()
    assert 5 + replies <= 25
    markdown = assert_good_manual(tmp_path, out, PAYMENTS)
    early = [f for f in PAYMENTS.facts if any(f in PAYMENTS.answers[s] for s in answered)]
    assert len(early) > 20
    assert set(early).isdisjoint(PAYMENTS.missing_facts(markdown))


def test_multi_line_replies_with_a_quote_block_and_backslashes(tmp_path: Path, chats) -> None:
    chat = start(chats, tmp_path, PAYMENTS.name, "-o", str(tmp_path / "out.md"))
    chat.turn()
    block = (
        '"""\n1. Go API on EKS behind an ALB\n2. payments-api: REST charge endpoints\n'
        "ledger-worker: settles charges from SQS\nwebhook-relay: ingests Stripe webhooks\n"
        '3. EKS 1.29, RDS PostgreSQL 15\n"""'
    )
    turn = chat.ask(block)  # seven lines, one reply
    assert "Got it: Architecture, Key components, Infrastructure." in turn
    turn = chat.ask(
        "1. p99 latency > 800ms, critical, page on-call\\\nerror rate > 2%, critical, roll back"
        "\\\nRedis memory > 85%, warning, raise maxmemory\\\n2. Datadog APM\\\n3. CloudWatch"
    )  # five lines joined by trailing backslashes
    assert "Got it: Key metrics, Application monitoring, Infrastructure monitoring." in turn
    assert chat.close() == 0
    chat.assert_no_traceback()

    shown = run_cli(tmp_path, "show", "1", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    facts = {f["slot"]: f for f in json.loads(shown.stdout)["facts"]}
    assert facts["components"]["reply_id"] == facts["infrastructure"]["reply_id"]
    assert facts["metrics"]["reply_id"] == facts["infra_monitoring"]["reply_id"]
    assert facts["components"]["reply_id"] != facts["metrics"]["reply_id"]
    names = [r["name"] for r in facts["components"]["value"]]
    assert names == ["payments-api", "ledger-worker", "webhook-relay"]
    assert [r["threshold"] for r in facts["metrics"]["value"]] == ["> 800ms", "> 2%", "> 85%"]


JUNK = bytes(range(0x80, 0xC0)) + b"\xff\xfe\x00\x01\x02\xc3\x28"
LOG_LINE = "2024-05-01T12:00:00Z ERROR payments-api context deadline exceeded after 30s "


def test_bad_input_gets_clear_messages_and_loses_nothing(tmp_path: Path, chats) -> None:
    out = tmp_path / "out.md"
    chat = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    chat.turn()
    assert "Empty reply: nothing saved" in chat.ask("")
    assert "Empty reply: nothing saved" in chat.ask("   \t   ")
    assert "unreadable characters" in chat.ask(JUNK)
    assert "I don't know the command `/frobnicate`" in chat.ask("/frobnicate")
    assert "`finish`" in chat.ask("help")
    turn = chat.ask(
        "1. Go API on EKS behind an ALB 2. תור-תשלומים: payment queue 🚀; مراقب: health "
        "watcher; payments-api: REST charge endpoints 3. EKS 1.29, RDS PostgreSQL 15, Redis 7"
    )
    assert "Got it: Architecture, Key components, Infrastructure." in turn
    skipped = {q.slot_id for q in questions_from_text(turn, name=PAYMENTS.name)}
    assert skipped == {"metrics", "app_monitoring", "infra_monitoring"}
    assert "1. System Overview: 3/5" in chat.ask("status")
    turn = chat.ask("draft")
    draft = tmp_path / "payments-api-operations-manual-draft.md"
    assert f"Wrote {draft}" in turn
    assert draft.read_text(encoding="utf-8").startswith("> **DRAFT, not final.**")
    turn = chat.ask("skip")
    assert "Skipped Key metrics, Application monitoring, Infrastructure monitoring" in turn
    engineer = SimulatedEngineer(PAYMENTS)
    for _ in range(2):
        turn = chat.ask(engineer.reply(questions_from_text(turn, name=PAYMENTS.name)) or "")
    turn = chat.ask("finish")
    assert f"Wrote {out}" in turn
    assert "please check" in turn
    assert chat.close() == 0
    chat.assert_no_traceback()

    linted = run_cli(tmp_path, "lint", str(out))
    assert linted.returncode == 0, linted.stdout
    markdown = out.read_text(encoding="utf-8")
    for kept in ("payment queue 🚀", "**תור-תשלומים**", "**مراقب**", "payments-api", "EKS 1.29"):
        assert kept in markdown
    answered = [s for s in engineer.times_asked if s not in skipped]
    assert len(answered) >= 4
    facts = [f for f in PAYMENTS.facts if any(f in PAYMENTS.answers[s] for s in answered)]
    assert set(facts).isdisjoint(PAYMENTS.missing_facts(markdown))


def test_the_same_interview_on_any_database_via_db(tmp_path: Path, chats, db_url: str) -> None:
    out = tmp_path / "out.md"
    chat = start(chats, tmp_path, PAYMENTS.name, "--db", db_url, "-o", str(out))
    replies, _ = answer_until_done(chat, SimulatedEngineer(PAYMENTS), chat.turn())
    assert chat.close() == 0
    chat.assert_no_traceback()
    assert replies <= 25
    assert_good_manual(tmp_path, out, PAYMENTS)
    listed = run_cli(tmp_path, "list", "--db", db_url)
    assert listed.returncode == 0, listed.stderr
    assert "Payments API" in listed.stdout
    assert "complete" in listed.stdout
    assert not (tmp_path / "data" / "opsmanual.db").exists()  # --db won over the data dir


def test_a_50_kb_paste_is_saved_without_flooding_the_manual(tmp_path: Path, chats) -> None:
    """A pasted log is kept as a reply, but must not become a 6,000-word table cell."""
    out = tmp_path / "out.md"
    chat = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    engineer = SimulatedEngineer(PAYMENTS)
    turn = chat.ask(engineer.reply(questions_from_text(chat.turn(), name=PAYMENTS.name)) or "")
    huge = (LOG_LINE * (51_200 // len(LOG_LINE) + 1))[:51_200]
    turn = chat.ask(huge)
    assert "51,200 characters" in turn, turn
    assert "saved" in turn, turn
    answer_until_done(chat, engineer, turn)
    assert chat.close() == 0
    chat.assert_no_traceback()
    assert_good_manual(tmp_path, out, PAYMENTS)


def test_finish_early_still_gives_a_lint_clean_manual(tmp_path: Path, chats) -> None:
    out = tmp_path / "out.md"
    chat = start(chats, tmp_path, PAYMENTS.name, "-o", str(out))
    engineer, turn = SimulatedEngineer(PAYMENTS), chat.turn()
    for _ in range(3):
        turn = chat.ask(engineer.reply(questions_from_text(turn, name=PAYMENTS.name)) or "")
    assert f"Wrote {out}" in chat.ask("finish")
    assert chat.close() == 0
    linted = run_cli(tmp_path, "lint", str(out))
    assert linted.returncode == 0, linted.stdout
