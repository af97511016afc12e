"""The `opsmanual` command: chat, list, show, render, lint, migrate (and serve).

Errors a user can fix are printed as one line with exit status 2; lint failures exit 1; nothing
here prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.config import Settings, load_settings
from bot.contract.lint import lint_manual
from bot.interview import planner as gaps
from bot.slack import command as serve_command

if TYPE_CHECKING:
    from bot.core.draft import Draft
    from bot.runtime import Runtime


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(database_url=getattr(args, "db", None))


def _cmd_chat(args: argparse.Namespace) -> int:
    # Imported here so `opsmanual lint` and `--help` never touch the database layer.
    from bot.chat import run_chat
    from bot.runtime import build_runtime

    # A UTF-8 locale decodes stdin strictly: pasted binary junk would raise UnicodeDecodeError
    # in the read loop. Escaped bytes become lone surrogates, which clean_reply drops as junk.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
    runtime = build_runtime(_settings(args))
    try:
        return run_chat(interview=runtime.interview, name=args.name, output=args.output)
    finally:
        runtime.close()


def _cmd_migrate(args: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade_to_head

    settings = _settings(args)
    upgrade_to_head(settings.effective_database_url)
    print("Database is at the latest migration.")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from bot.runtime import build_runtime

    runtime = build_runtime(_settings(args))
    try:
        drafts = runtime.store.admin_list_drafts(limit=args.limit)
        if not drafts:
            print('No drafts yet. Start one with: opsmanual chat "Service name"')
            return 0
        print(f"{'ID':>4}  {'NAME':<30} {'WHERE':<20} {'STATUS':<13} PROGRESS")
        for draft in drafts:
            where = f"{draft.scope.workspace}/{draft.scope.channel}"[:20]
            progress = gaps.progress(draft)
            print(
                f"{draft.id:>4}  {draft.name[:30]:<30} {where:<20} "
                f"{draft.status.value:<13} {progress.bar()}"
            )
        return 0
    finally:
        runtime.close()


def _with_draft(args: argparse.Namespace, action: Callable[[Runtime, Draft], int]) -> int:
    """Run ``action`` on draft ``args.id`` (any scope: the CLI is a local admin tool), or say
    it does not exist; the runtime is closed either way."""
    from bot.runtime import build_runtime

    runtime = build_runtime(_settings(args))
    try:
        draft = runtime.store.admin_get_draft(draft_id=args.id)
        if draft is None:
            print(f"error: no draft with id {args.id}; see `opsmanual list`", file=sys.stderr)
            return 2
        return action(runtime, draft)
    finally:
        runtime.close()


def _manual_text(runtime: Runtime, draft: Draft) -> str:
    from bot.core.clock import utcnow
    from bot.rendering.builder import ManualBuilder

    latest = runtime.store.latest_version(draft=draft)
    if latest is not None and latest.version == draft.version:
        return latest.markdown
    return ManualBuilder().preview(draft, now=utcnow()).markdown


def _cmd_show(args: argparse.Namespace) -> int:
    def show(runtime: Runtime, draft: Draft) -> int:
        if args.format == "json":
            print(json.dumps(_draft_json(draft), indent=2, ensure_ascii=False))
        else:
            print(_manual_text(runtime, draft))
        return 0

    return _with_draft(args, show)


def _draft_json(draft: Draft) -> dict[str, object]:
    return {
        "id": draft.id,
        "name": draft.name,
        "workspace": draft.scope.workspace,
        "channel": draft.scope.channel,
        "thread_ts": draft.thread_ts,
        "status": draft.status.value,
        "version": draft.version,
        "values": draft.values(),
        "facts": [
            {
                "id": f.id,
                "slot": f.slot_id,
                "op": f.op.value,
                "value": f.value,
                "author": f.author,
                "reply_id": f.reply_id,
                "at": f.created_at.isoformat(),
                "withdrawn": f.withdrawn,
            }
            for f in draft.facts
        ],
    }


def _cmd_render(args: argparse.Namespace) -> int:
    def render(runtime: Runtime, draft: Draft) -> int:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(_manual_text(runtime, draft), encoding="utf-8")
        print(f"Wrote {args.output}")
        if args.details:
            assert draft.id is not None
            name, markdown = runtime.interview.details(scope=draft.scope, draft_id=draft.id)
            path = args.output.parent / name
            path.write_text(markdown, encoding="utf-8")
            print(f"Wrote {path}")
        return 0

    return _with_draft(args, render)


def _cmd_lint(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        print(
            f"error: {path}: cannot read as UTF-8 text ({exc.__class__.__name__})", file=sys.stderr
        )
        return 2
    report = lint_manual(text)
    print(report.format(path=str(path)))
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsmanual", description="Interview engineers and write an operations manual."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, *, db: bool = True) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        if db:
            command.add_argument(
                "--db",
                metavar="URL",
                help="SQLAlchemy URL (default: DATABASE_URL or the SQLite file in the data dir)",
            )
        return command

    chat = add("chat", "Run the interview in this terminal (resumes a draft of the same name).")
    chat.add_argument("name", help='service name, e.g. "Payments API"')
    chat.add_argument("-o", "--output", type=Path, help="where to write the finished manual")
    chat.set_defaults(func=_cmd_chat)

    add("migrate", "Create or upgrade the database schema.").set_defaults(func=_cmd_migrate)

    listing = add("list", "List drafts with status and progress.")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=_cmd_list)

    show = add("show", "Print a draft as Markdown or JSON (facts with provenance).")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("md", "json"), default="md")
    show.set_defaults(func=_cmd_show)

    render = add("render", "Write a draft's manual (latest version, or a preview) to a file.")
    render.add_argument("id", type=int)
    render.add_argument("-o", "--output", type=Path, required=True)
    render.add_argument(
        "--details",
        action="store_true",
        help="also write <name>-operations-manual-details.md (every fact in full) beside it",
    )
    render.set_defaults(func=_cmd_render)

    serve = add("serve", "Serve the Slack bot: POST /slack/events, GET /health, GET /metrics.")
    serve_command.add_arguments(serve)
    serve.set_defaults(func=lambda args: serve_command.run(args, _settings(args)))

    lint = add(
        "lint",
        "Check a Markdown file against the output contract (exit 1 on violations).",
        db=False,
    )
    lint.add_argument("file", type=Path)
    lint.set_defaults(func=_cmd_lint)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"error: bad setting {first.get('loc')}: {first.get('msg')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except ModuleNotFoundError as exc:
        print(
            f"error: cannot use the database: driver {exc.name!r} is not installed", file=sys.stderr
        )
        return 2
    except BrokenPipeError:
        # `opsmanual show 1 | head`: the reader left; say nothing more (as cat would).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}".strip(), file=sys.stderr)
        return 2
    except Exception as exc:
        # sqlalchemy is imported lazily so `lint` and `--help` stay fast; its errors are
        # matched here by type once a command has loaded it.
        from sqlalchemy.exc import ArgumentError, OperationalError

        if isinstance(exc, OperationalError):
            reason = str(exc.orig).splitlines()[0]
        elif isinstance(exc, ArgumentError):
            reason = str(exc).splitlines()[0]
        else:
            raise
        print(f"error: cannot use the database: {reason}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
