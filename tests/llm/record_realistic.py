"""Record the realistic conversations' Claude answers into cassettes.

Run ``python -m tests.llm.record_realistic [KEY ...] [--show]`` from the repository root. Each
conversation with written answers (``tests/data/claude/<key>.toml``, see ``tests.llm.authored``)
is run through the interview in Claude mode against the fake API, through the recording
transport, twice: as its several authors (Slack) and as one author (the terminal, where a
plain ``set`` over someone else's value is no conflict, so the draft at ``finish`` and its
condense and infer requests may differ). Both sessions go into ``tests/data/cassettes/<key>.jsonl``.
With a real key (``ANTHROPIC_API_KEY``, ``--live``) the same run records what the API answers.

``--show`` prints each turn: the questions the extraction saw, the notes and the bot's answer,
and the score; operations the bot dropped are logged.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import anthropic
import httpx2

from bench.claude_realistic import ClaudeReplay, replay_claude
from bench.realistic import FOLDER, load
from tests.fakes.anthropic_api import FakeAnthropic
from tests.llm.authored import CASSETTES, Authored, AuthoredClaude, available
from tests.llm.cassette import Cassette, RecordingTransport
from tests.llm.realistic import block

MODEL = "claude-sonnet-5-5"
TERMINAL_AUTHOR = "engineer"


def _show(replay: ClaudeReplay) -> None:
    for turn in replay.turns:
        asked = ""
        for request in turn.requests:
            if "<reply>" in request.user_text:
                asked = block(request.user_text, "questions").replace("\n", " / ")[:160]
        print(f"--- reply {turn.number}: asked {asked}")
        for note in turn.outcome.notices:
            print(f"    ! {note}")
        print("    " + "\n    ".join(turn.outcome.text.splitlines()[:6]))


def _print_score(replay: ClaudeReplay, label: str) -> None:
    s = replay.score
    assert s is not None
    print(
        f"{replay.conversation.key:<18} {label:<9} lint {'pass' if s.lint_ok else 'FAIL'} "
        f"words {s.words} core {s.core_in_manual}/{s.core} right {s.core_in_section} "
        f"all {s.in_manual}/{s.facts} +det {s.in_either} noise {s.noise} stale {s.stale} "
        f"secrets {len(s.secrets)} first-finish {replay.first_finish}"
    )


def record(key: str, workdir: Path, *, show: bool, live: bool) -> list[str]:
    conversation = load(FOLDER / f"{key}.toml")
    responder = AuthoredClaude(conversation, Authored.load(key))
    cassette = Cassette()
    with FakeAnthropic() as fake:
        fake.default_responder = responder
        transport = RecordingTransport(httpx2.HTTPTransport(), cassette)
        options = {} if live else {"api_key": fake.api_key, "base_url": fake.base_url}
        with anthropic.Anthropic(
            max_retries=0, http_client=httpx2.Client(transport=transport), **options
        ) as sdk:
            for label, author in (("slack", None), ("terminal", TERMINAL_AUTHOR)):
                replay = replay_claude(
                    conversation,
                    fake=fake,
                    sdk=sdk,
                    workdir=workdir,
                    model=MODEL,
                    author=author,
                    tag=label,
                )
                if show and label == "slack":
                    _show(replay)
                _print_score(replay, label)
                s = replay.score
                if show and s is not None and label == "slack":
                    print("  missing:", [f"{f.section} {f.text}" for f in s.missing])
                    print("  misplaced:", [f"{f.section} {f.text}" for f in s.misplaced])
    CASSETTES.mkdir(parents=True, exist_ok=True)
    cassette.save(CASSETTES / f"{key}.jsonl")
    return responder.missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("keys", nargs="*", help="conversations (default: every written one)")
    parser.add_argument("--show", action="store_true", help="print every turn")
    parser.add_argument("--live", action="store_true", help="record the real API instead")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.show:
        logging.getLogger("bot.llm").setLevel(logging.INFO)
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="opsmanual-record-") as tmp:
        for key in args.keys or available():
            missing = record(key, Path(tmp), show=args.show, live=args.live)
            missed += [f"{key}: {m}" for m in missing]
    for line in missed:
        print("NO WRITTEN ANSWER", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
