"""`opsmanual serve` as a real subprocess, for SIGTERM and multi-process tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import SECRET, TEAM, TOKEN

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (http://\S+)")


def opsmanual_command(fake: FakeSlack, text: str, *, channel: str) -> signing.SignedRequest:
    """``/opsmanual <text>`` in ``channel``, signed, answering to a fresh response URL."""
    return signing.slash_command(
        SECRET,
        command="/opsmanual",
        text=text,
        channel_id=channel,
        team_id=TEAM,
        response_url=fake.new_response_url(),
    )


class ServeProcess:
    """``python -m <entry> serve`` on a free port; ``entry`` may wrap bot.cli (chaos_serve)."""

    def __init__(
        self,
        *,
        db_url: str,
        fake: FakeSlack,
        workers: int = 2,
        entry: str = "bot.cli",
        args: tuple[str, ...] = (),
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.fake = fake
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "ANTHROPIC_", "DATABASE_URL", "OPSMANUAL_CHAOS"))
        }
        env.update(
            DATABASE_URL=db_url,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
            PYTHONPATH=str(ROOT),
            OPSMANUAL_LOG_LEVEL="WARNING",
        )
        env.update(extra_env or {})
        self.cmd = [
            sys.executable,
            "-m",
            entry,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--workers",
            str(workers),
            *args,
        ]
        self.env = env
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.output: list[str] = []
        self._reader: threading.Thread | None = None

    def __enter__(self) -> ServeProcess:
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def read() -> None:
            assert self.proc is not None
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.output.append(line)
                found = LISTENING.search(line)
                if found:
                    self.url = found.group(1)
                    ready.set()
            ready.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not ready.wait(30) or not self.url:
            self.terminate()
            raise AssertionError("serve did not start:\n" + "".join(self.output))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.terminate()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9: no grace period, no cleanup, leases left to run out."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def finish_output(self) -> str:
        """Everything the process printed, once it has exited."""
        if self._reader is not None:
            self._reader.join(timeout=5)
        return "".join(self.output)

    def terminate(self, timeout: float = 30) -> tuple[int, str]:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        if self._reader is not None:
            self._reader.join(timeout=5)
        return code, "".join(self.output)

    def command(self, text: str, *, channel: str) -> tuple[int, str]:
        return opsmanual_command(self.fake, text, channel=channel).post(f"{self.url}/slack/events")

    def reply(self, text: str, *, channel: str, thread_ts: str) -> int:
        event = signing.message_event(channel=channel, user="U2", text=text, thread_ts=thread_ts)
        return signing.event_callback(SECRET, event).post(f"{self.url}/slack/events")[0]
