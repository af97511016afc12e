"""Slack ack benchmark: how fast `opsmanual serve` answers POST /slack/events, next to bare Bolt.

Run ``python -m bench.bench_ack`` from the repository root. In one run it starts, each in its
own subprocess (so the RSS read from /proc is that server's alone), both on 127.0.0.1:

- **ours**: the production stack exactly as deployed, ``python -m bot.cli serve`` (waitress,
  8 HTTP threads, 4 job workers, migrations at start-up) on a real SQLite file in a temporary
  directory, its WebClient pointed at :class:`tests.fakes.slack_api.FakeSlack` (which runs in
  this driver process, so its cost is not charged to either server);
- **bare**: a Bolt ``App`` with one no-op ``message`` listener behind the same WSGI adapter on
  the same server (:class:`bot.slack.server.HttpServer`, same thread count): the floor that
  Bolt, signature checks and waitress cost anyway, so our overhead reads as a ratio.

``/opsmanual new Bench`` opens a real interview first, so every measured request is a signed
``event_callback`` for a human's reply in that thread (unique event_id and ts): ours looks
the thread up, redacts, and commits a job before its 200, as in production. Then, for each
server: a fixed rate (100 requests/s for 10 s, open loop: latency counts from the scheduled
send time, so a stalled server cannot hide its queue) gives p50/p99; a closed loop (N clients
back to back for 5 s) gives the maximum throughput.

Targets from the issue: p99 < 100 ms at 100 requests/s on SQLite, throughput at least half the
bare app's, RSS under 200 MB. Exits 1 when one is missed, 2 when the run itself failed.
Everything is bounded (rates, durations, client threads) and talks to loopback only.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_ack.py` as well as `python -m bench...`
    sys.path.insert(0, str(ROOT))

from bench.ack_load import EVENTS_PATH, Replies, Run, closed_loop, fixed_rate  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T0001"
CHANNEL = "C0BENCH"
HTTP_THREADS = 8  # ServeOptions.http_threads: what `opsmanual serve` runs with
LISTENING = "listening on "

P99_TARGET_MS = 100.0
THROUGHPUT_RATIO_TARGET = 0.5
RSS_TARGET_MB = 200.0


# ============================================================== the bare app (subprocess)


def serve_bare(*, slack_url: str, threads: int) -> int:
    """A Bolt app with one no-op listener on our waitress wrapper, until SIGTERM.

    Same Bolt options as ours where they change per-request work (signature verification,
    ``process_before_response``, a WebClient with a token), so the difference is our code.
    """
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.slack.server import HttpServer

    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=slack_url),
        process_before_response=True,
    )

    @app.event("message")
    def noop(ack: Ack) -> None:
        ack()

    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    http = HttpServer(handler, host="127.0.0.1", port=0, threads=threads).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"bare bolt: {LISTENING}{http.url}", flush=True)
    stop.wait()
    http.shutdown(grace_seconds=2)
    return 0


# ======================================================================= the driver


@dataclass
class Server:
    """A serving subprocess: its URL and the memory figures /proc keeps for it."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def status_mb(self, field_name: str) -> float:
        """VmRSS (now) or VmHWM (peak) in MB, from /proc/PID/status."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"{field_name} not in /proc/{self.proc.pid}/status")


def start_server(name: str, cmd: list[str], env: dict[str, str], log: Path) -> Server:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if LISTENING in line:
                server.url = line.split(LISTENING, 1)[1].split()[0]
                return server
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop_server(server)
    raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment minus anything that could point a server at real Slack or Claude."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "ANTHROPIC_", "DATABASE_URL", "OPSMANUAL_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


# ------------------------------------------------------------------------- HTTP client


# ---------------------------------------------------------------------------- set-up


def open_interview(fake: Any, url: str, name: str) -> str:
    """``/opsmanual new <name>`` on ours; the root message's ts once its first questions are in."""
    from tests.fakes import slack_signing as signing

    request = signing.slash_command(
        SECRET,
        command="/opsmanual",
        text=f"new {name}",
        channel_id=CHANNEL,
        team_id=TEAM,
        response_url=fake.new_response_url(),
    )
    status, body = request.post(f"{url}{EVENTS_PATH}")
    if status != 200:
        raise RuntimeError(f"/opsmanual new answered {status}: {body}")

    def root() -> str | None:
        for (channel, ts), message in list(fake._messages.items()):
            if channel == CHANNEL and not message.get("thread_ts") and name in message["text"]:
                return str(ts)
        return None

    fake.wait_for(lambda: root() is not None, timeout=30)
    thread_ts = str(root())
    fake.wait_for(
        lambda: any(m.get("thread_ts") == thread_ts for m in list(fake._messages.values())),
        timeout=30,
    )
    return thread_ts


def committed_replies(db: Path) -> int:
    """Reply jobs in ours' inbox: proof that every measured request did the real work."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute("SELECT count(*) FROM jobs WHERE kind = 'reply'").fetchone()
    return int(row[0])


# ---------------------------------------------------------------------------- report


@dataclass
class Figures:
    paced: Run
    loaded: Run
    rss_mb: float = 0.0
    peak_mb: float = 0.0


def report(ours: Figures, bare: Figures, args: argparse.Namespace, committed: str) -> list[str]:
    """Print the side-by-side table; return the targets missed."""

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "n/a"

    rows = [
        (f"p50 ack @ {args.rate:g} rps (ms)", "paced_p50", ""),
        (f"p99 ack @ {args.rate:g} rps (ms)", "paced_p99", f"ours < {P99_TARGET_MS:g} ms"),
        ("achieved rate (req/s)", "paced_rate", ""),
        (f"max throughput, {args.concurrency} clients (req/s)", "tput", "ours/bare >= 0.50"),
        ("p50 ack under max load (ms)", "loaded_p50", ""),
        ("RSS after the runs (MB)", "rss", ""),
        ("RSS peak, VmHWM (MB)", "peak", f"ours < {RSS_TARGET_MB:g} MB"),
        ("non-200 answers", "errors", "0"),
    ]

    def value(fig: Figures, key: str) -> float:
        return {
            "paced_p50": fig.paced.percentile_ms(0.50),
            "paced_p99": fig.paced.percentile_ms(0.99),
            "paced_rate": fig.paced.rate,
            "tput": fig.loaded.rate,
            "loaded_p50": fig.loaded.percentile_ms(0.50),
            "rss": fig.rss_mb,
            "peak": fig.peak_mb,
            "errors": fig.paced.errors + fig.loaded.errors,
        }[key]

    width = 38
    print()
    print(f"{'':<{width}} {'ours':>10} {'bare bolt':>10} {'ours/bare':>10}   target")
    for label, key, target in rows:
        a, b = value(ours, key), value(bare, key)
        fmt = "{:>10.0f}" if key == "errors" else "{:>10.1f}"
        line = f"{label:<{width}} {fmt.format(a)} {fmt.format(b)} {ratio(a, b):>10}   {target}"
        print(line.rstrip())
    print(committed)

    missed = []
    p99 = ours.paced.percentile_ms(0.99)
    if not p99 < P99_TARGET_MS:
        missed.append(f"p99 {p99:.1f} ms at {args.rate:g} rps (target < {P99_TARGET_MS:g} ms)")
    share = ours.loaded.rate / bare.loaded.rate if bare.loaded.rate else 0.0
    if share < THROUGHPUT_RATIO_TARGET:
        missed.append(f"throughput {share:.2f} of bare (target >= {THROUGHPUT_RATIO_TARGET})")
    if not ours.peak_mb < RSS_TARGET_MB:
        missed.append(f"peak RSS {ours.peak_mb:.0f} MB (target < {RSS_TARGET_MB:g} MB)")
    if ours.paced.errors or ours.loaded.errors:
        missed.append(f"{ours.paced.errors + ours.loaded.errors} non-200 answers from ours")
    return missed


# ------------------------------------------------------------------------------ main


@contextmanager
def servers(fake: Any, workdir: Path) -> Iterator[tuple[Server, Server, Path]]:
    db = workdir / "bench.db"
    ours_env = clean_env(
        DATABASE_URL=f"sqlite:///{db}",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.base_url,
        OPSMANUAL_DATA_DIR=str(workdir),
    )
    ours_cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0"]
    bare_cmd = [
        sys.executable,
        "-m",
        "bench.bench_ack",
        "serve-bare",
        "--slack-url",
        fake.base_url,
        "--threads",
        str(HTTP_THREADS),
    ]
    with ExitStack() as stack:
        ours = start_server("ours", ours_cmd, ours_env, workdir / "ours.log")
        stack.callback(stop_server, ours)
        bare = start_server("bare", bare_cmd, clean_env(), workdir / "bare.log")
        stack.callback(stop_server, bare)
        yield ours, bare, db


def measure(server: Server, replies: Replies, args: argparse.Namespace) -> Figures:
    warm = fixed_rate(server.url, replies.make(args.warmup), rate=args.rate, clients=args.clients)
    if warm.errors:
        raise RuntimeError(f"{server.name}: {warm.errors} errors while warming up")
    paced = fixed_rate(
        server.url,
        replies.make(int(args.rate * args.seconds)),
        rate=args.rate,
        clients=args.clients,
    )
    print(
        f"  {server.name}: {len(paced.latencies)} requests at {paced.rate:.1f}/s, "
        f"p99 {paced.percentile_ms(0.99):.1f} ms",
        flush=True,
    )
    # Enough requests for the loop never to run dry (bare Bolt answers ~4,000/s here).
    budget = int(args.throughput_seconds * 8000)
    loaded = closed_loop(
        server.url,
        replies.make(budget),
        clients=args.concurrency,
        seconds=args.throughput_seconds,
    )
    print(f"  {server.name}: {loaded.rate:.0f} req/s with {args.concurrency} clients", flush=True)
    return Figures(paced, loaded)


def bench(args: argparse.Namespace) -> int:
    from tests.fakes.slack_api import FakeSlack

    print(
        f"Slack ack benchmark: POST {EVENTS_PATH}, signed thread-reply event_callbacks over "
        f"loopback; waitress {HTTP_THREADS} threads each\n"
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
        f"slack_bolt {version('slack_bolt')}, waitress {version('waitress')}, "
        f"{os.cpu_count()} CPUs; servers and this client share them",
        flush=True,
    )
    with (
        FakeSlack(team_id=TEAM) as fake,
        tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp,
        servers(fake, Path(tmp)) as (ours, bare, db),
    ):
        thread_ts = open_interview(fake, ours.url, "Bench")
        print(f"interview open: thread {thread_ts} in {CHANNEL}", flush=True)
        replies = Replies(thread_ts=thread_ts, channel=CHANNEL, secret=SECRET)
        print("bare bolt (one no-op message listener):", flush=True)
        bare_figs = measure(bare, replies, args)
        print("ours (opsmanual serve, SQLite, 4 workers):", flush=True)
        ours_figs = measure(ours, replies, args)
        sent = len(ours_figs.paced.latencies) + len(ours_figs.loaded.latencies) + args.warmup
        accepted = sent - ours_figs.paced.errors - ours_figs.loaded.errors
        for server, figs in ((ours, ours_figs), (bare, bare_figs)):
            figs.rss_mb, figs.peak_mb = server.status_mb("VmRSS"), server.status_mb("VmHWM")
        committed = committed_replies(db)
        note = f"ours committed {committed} reply jobs for {accepted} accepted replies"
        missed = report(ours_figs, bare_figs, args, note)
        if committed < accepted:
            missed.append(f"only {committed} of {accepted} accepted replies were committed")
    if missed:
        print("\nMISSED: " + "; ".join(missed))
        return 1
    print("\nAll targets met.")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="mode")
    bare = sub.add_parser("serve-bare", help="(internal) serve the bare Bolt app")
    bare.add_argument("--slack-url", required=True)
    bare.add_argument("--threads", type=int, default=HTTP_THREADS)

    def bounded(low: float, high: float, kind: type = float) -> Callable[[str], Any]:
        def parse(text: str) -> Any:
            value = kind(text)
            if not low <= value <= high:
                raise argparse.ArgumentTypeError(f"must be within {low:g}..{high:g}")
            return value

        return parse

    parser.add_argument("--rate", type=bounded(1, 500), default=100.0, help="requests/s")
    parser.add_argument("--seconds", type=bounded(1, 60), default=10.0, help="at that rate")
    parser.add_argument("--clients", type=bounded(1, 64, int), default=16, help="paced pool")
    parser.add_argument("--concurrency", type=bounded(1, 64, int), default=16)
    parser.add_argument("--throughput-seconds", type=bounded(1, 30), default=5.0)
    parser.add_argument("--warmup", type=bounded(0, 1000, int), default=100)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.mode == "serve-bare":
        return serve_bare(slack_url=args.slack_url, threads=args.threads)
    try:
        return bench(args)
    except (RuntimeError, AssertionError, OSError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
