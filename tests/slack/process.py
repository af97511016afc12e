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


class ServeProcess:
    def __init__(self, *, db_url: str, fake: FakeSlack, workers: int = 2) -> None:
        self.fake = fake
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "ANTHROPIC_", "DATABASE_URL"))
        }
        env.update(
            DATABASE_URL=db_url,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
            PYTHONPATH=str(ROOT),
            OPSMANUAL_LOG_LEVEL="WARNING",
        )
        self.cmd = [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--workers",
            str(workers),
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

    def terminate(self, timeout: float = 30) -> tuple[int, str]:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        if self._reader is not None:
            self._reader.join(timeout=5)
        return code, "".join(self.output)

    def command(self, text: str, *, channel: str) -> tuple[int, str]:
        request = signing.slash_command(
            SECRET,
            command="/opsmanual",
            text=text,
            channel_id=channel,
            team_id=TEAM,
            response_url=self.fake.new_response_url(),
        )
        return request.post(f"{self.url}/slack/events")

    def reply(self, text: str, *, channel: str, thread_ts: str) -> int:
        event = signing.message_event(channel=channel, user="U2", text=text, thread_ts=thread_ts)
        return signing.event_callback(SECRET, event).post(f"{self.url}/slack/events")[0]
