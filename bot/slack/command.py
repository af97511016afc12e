"""The `opsmanual serve` subcommand's flags and entry point (kept out of bot/cli.py).

Importing this module is cheap: Bolt, waitress and the database layer are imported only
when the command runs, so `opsmanual lint` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.slack.server import ServeOptions

DEFAULT_HOST = "0.0.0.0"  # noqa: S104 - a server in a container listens on every interface
DEFAULT_PORT = 3000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"interface to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or DEFAULT_PORT),
        help=f"HTTP port (default $PORT or {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--socket-mode",
        action="store_true",
        help="receive events over Slack Socket Mode (needs SLACK_APP_TOKEN); "
        "/health and /metrics are still served over HTTP",
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="job worker threads in this process (default 4)"
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        metavar="S",
        help="how long a claimed job stays this replica's without a renewal; a killed "
        "replica's jobs are taken over after it (default $OPSMANUAL_LEASE_SECONDS or 15)",
    )
    parser.add_argument(
        "--heartbeat-seconds",
        type=float,
        metavar="S",
        help="how often running jobs renew their lease, at most a third of the lease "
        "(default $OPSMANUAL_HEARTBEAT_SECONDS or a third of the lease)",
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        metavar="S",
        help="after SIGTERM, keep accepting events this long while /health answers 503 "
        "stopping, so the load balancer can take the replica out "
        "(default $OPSMANUAL_DRAIN_SECONDS or 0)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGTERM; a missing setting or a refused token is one line and exit 2."""
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError

    from bot.slack.app import SlackConfigError
    from bot.slack.server import serve_http

    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        options = serve_options(args, settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:  # the Service checks the Slack settings once, first thing (SlackConfigError)
        return serve_http(settings=settings, host=args.host, port=args.port, options=options)
    except SlackConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BoltError, SlackApiError) as exc:
        print(f"error: Slack refused to start the bot: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2


def serve_options(args: argparse.Namespace, settings: Settings) -> ServeOptions:
    """Flags over the environment; ValueError when the lease and heartbeat do not fit."""
    from bot.slack.server import ServeOptions

    lease = args.lease_seconds or settings.lease_seconds
    # A heartbeat from the environment was chosen for its lease, not for one given as a flag.
    heartbeat = args.heartbeat_seconds or (
        None if args.lease_seconds else settings.heartbeat_seconds
    )
    drain = args.drain_seconds if args.drain_seconds is not None else settings.drain_seconds
    return ServeOptions(
        workers=args.workers,
        lease_seconds=lease,
        heartbeat_seconds=heartbeat,
        drain_seconds=drain,
        socket_mode=args.socket_mode,
    )
