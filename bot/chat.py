"""`opsmanual chat`: the interview in a terminal, one reply per line, resumable.

The loop reads lines so that a pipe works exactly like a person typing. Several lines can be
sent as one reply by wrapping them in a line of three double quotes, or by ending a line with a
backslash. Everything is saved after each reply, so Ctrl-C or EOF loses nothing.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.core.draft import Scope
from bot.intake.notice import redaction_notice
from bot.interview.outcome import InterviewError, Kind, Outcome
from bot.interview.service import Interview

CLI_SCOPE = Scope(workspace="local", channel="cli")
QUIT_WORDS = frozenset({"quit", "exit", ":q"})
BLOCK_FENCE = '"""'


def read_replies(stream: TextIO, *, prompt: str, out: TextIO) -> Iterator[str]:
    """Yield one reply per line, joining triple-quoted blocks and backslash continuations."""
    buffer: list[str] = []
    in_block = False
    while True:
        if prompt and not in_block and not buffer:
            out.write(prompt)
            out.flush()
        line = stream.readline()
        if not line:
            if buffer:
                yield "\n".join(buffer)
            return
        line = line.rstrip("\n")
        if line.strip() == BLOCK_FENCE:
            if in_block:
                yield "\n".join(buffer)
                buffer = []
            in_block = not in_block
            continue
        if in_block:
            buffer.append(line)
        elif line.endswith("\\"):
            buffer.append(line[:-1])
        else:
            buffer.append(line)
            yield "\n".join(buffer)
            buffer = []


def _target(output: Path | None, filename: str) -> Path:
    """`-o` may name a file or an existing directory; without it, the current directory."""
    if output is None:
        return Path.cwd() / filename
    return output / filename if output.is_dir() else output


def _write_manual(markdown: str, *, path: Path, out: TextIO) -> None:
    """A write error is reported and the session goes on: the version is already stored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
    except OSError as exc:
        out.write(f"error: cannot write {path}: {exc.strerror or exc}. ")
        out.write("The manual is saved; `opsmanual render ID -o FILE` writes it later.\n")
        return
    out.write(f"Wrote {path}\n")


def _show(outcome: Outcome, *, output: Path | None, out: TextIO) -> None:
    notice = redaction_notice(outcome.redacted)
    if notice:
        out.write(f"! {notice}\n")
    if outcome.text:
        out.write(outcome.text + "\n")
    if outcome.manual is not None:
        if outcome.kind is Kind.DRAFT:
            # The preview goes beside the manual, never over it.
            folder = _target(output, outcome.manual.filename).parent
            _write_manual(outcome.manual.markdown, path=folder / outcome.manual.filename, out=out)
        else:
            path = _target(output, outcome.manual.filename)
            _write_manual(outcome.manual.markdown, path=path, out=out)
            if outcome.manual.details:
                details = path.parent / outcome.manual.details_filename
                _write_manual(outcome.manual.details, path=details, out=out)
            out.write("Send corrections to make a new version, or press Ctrl-D to quit.\n")
    out.flush()


def run_chat(
    *,
    interview: Interview,
    name: str,
    output: Path | None,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    author = getpass.getuser()
    try:
        outcome = interview.start(scope=CLI_SCOPE, name=name, owner=author)
    except InterviewError as exc:
        out.write(f"error: {exc}\n")
        return 2
    draft_id = outcome.draft.id
    assert draft_id is not None
    _show(outcome, output=output, out=out)
    prompt = "> " if stdin.isatty() else ""
    try:
        for reply in read_replies(stdin, prompt=prompt, out=out):
            if reply.strip().lower() in QUIT_WORDS:
                break
            try:
                outcome = interview.handle(
                    scope=CLI_SCOPE, draft_id=draft_id, author=author, text=reply
                )
            except InterviewError as exc:
                out.write(f"error: {exc}\n")
                continue
            _show(outcome, output=output, out=out)
    except KeyboardInterrupt:
        out.write(f'\nSaved. Run `opsmanual chat "{name}"` again to resume.\n')
        return 130
    if outcome.kind is not Kind.COMPLETE and outcome.draft.version == 0:
        out.write(f'Saved. Run `opsmanual chat "{name}"` again to resume.\n')
    return 0
