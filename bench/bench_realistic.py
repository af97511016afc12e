"""Realistic interviews: does a rambling Slack conversation give a good manual, every time?

Run ``python -m bench.bench_realistic`` from the repository root. Every conversation in
tests/data/conversations is replayed through the real :class:`Interview` with a real SQLite
store in a temporary directory, in three modes:

- ``offline``: the deterministic extractor, then ``finish``;
- ``auto``: the same, but instead of ``finish`` the engineer answers "not sure" to every
  follow-up until the manual completes on its own;
- ``claude-down``: Claude configured, every API call answered 529 by the local fake server.

For each it prints whether a manual was published and passes lint, facts in the manual and in
the right subsection, facts in the manual plus the details file, chatter/injection text and
superseded values found in the manual, pasted secrets found anywhere, replies to finish against
1.3 x topics, words, and the time ``finish`` took. ``--show KEY`` prints the missing and
misplaced facts of one conversation; ``--write DIR`` keeps the manuals. Exits 1 when a target
is missed, so CI may run it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.realistic import Conversation, Run, Score, load_all, replay, score
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.ports import Extractor
from bot.interview.service import Interview
from bot.rendering.builder import ManualBuilder

TARGET_MANUAL = 0.85
TARGET_SECTION = 0.80
TARGET_EITHER = 1.0
REPLY_FACTOR = 1.3
FINISH_SECONDS = 2.0

Factory = Callable[[SqlStore], tuple[Extractor, ManualBuilder]]


def _offline(store: SqlStore) -> tuple[Extractor, ManualBuilder]:
    return OfflineExtractor(), ManualBuilder()


@contextmanager
def _claude_down() -> Iterator[Factory]:
    """Claude configured against a local fake that answers every call with 529."""
    import anthropic

    from bot.config import Settings
    from bot.llm.factory import make_llm_parts
    from bot.llm.usage import MemoryUsageLog
    from tests.fakes.anthropic_api import FakeAnthropic, http_error

    with FakeAnthropic() as fake:
        fake.default_responder = lambda _body: http_error(
            529, error_type="overloaded_error", message="Overloaded"
        )
        sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)

        def factory(store: SqlStore) -> tuple[Extractor, ManualBuilder]:
            log = MemoryUsageLog()
            settings = Settings(anthropic_api_key=fake.api_key)
            parts = make_llm_parts(
                settings=settings, fallback=OfflineExtractor(), recorder=log, sdk=sdk
            )
            builder = ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer)
            return parts.extractor, builder

        try:
            yield factory
        finally:
            sdk.close()


def run_one(
    conversation: Conversation, factory: Factory, workdir: Path, *, finish: bool, tag: str
) -> tuple[Score, Run]:
    url = f"sqlite:///{workdir / f'{conversation.key}-{tag}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        store = SqlStore(make_session_factory(engine))
        extractor, builder = factory(store)
        interview = Interview(store=store, extractor=extractor, builder=builder)
        run = replay(interview, conversation, finish=finish)
        manual = run.outcome.manual
        stored = "\n".join(r.text for r in store.list_replies(draft=run.outcome.draft))
        result = score(
            conversation,
            manual=manual.markdown if manual else "",
            details=manual.details if manual else "",
            stored=stored,
        )
    finally:
        engine.dispose()
    result.replies, result.finish_seconds = run.replies, run.finish_seconds
    return result, run


def _row(mode: str, s: Score) -> str:
    budget = REPLY_FACTOR * s.topics
    return (
        f"{s.key:<18} {mode:<11} {'yes' if s.published else 'NO':<4} "
        f"{'pass' if s.lint_ok else 'FAIL':<5} {s.words:>5} "
        f"{s.core_in_manual:>3}/{s.core:<3}{s.core_share(s.core_in_manual):>5.0%} "
        f"{s.core_share(s.core_in_section):>6.0%} "
        f"{s.in_manual:>4}/{s.facts:<4}{s.share(s.in_manual):>5.0%} "
        f"{s.share(s.in_section):>6.0%} {s.share(s.in_either):>6.0%} "
        f"{len(s.noise):>5} {len(s.stale):>5} {len(s.secrets):>4} "
        f"{s.replies:>4}/{budget:<5.0f} {s.finish_seconds * 1000:>7.0f}"
    )


HEADER = (
    f"{'system':<18} {'mode':<11} {'pub':<4} {'lint':<5} {'words':>5} "
    f"{'core in manual':>13} {'right':>6} {'all in manual':>14} {'right':>6} {'+det':>6} "
    f"{'noise':>5} {'stale':>5} {'key':>4} {'replies':>10} {'finish ms':>8}"
)


def _missed(s: Score, *, finish: bool) -> list[str]:
    out = []
    if not (s.published and s.lint_ok):
        out.append("no lint-clean manual")
    if finish and s.core_share(s.core_in_manual) < TARGET_MANUAL:
        out.append(f"core facts in manual {s.core_share(s.core_in_manual):.0%} < 85%")
    if finish and s.core_share(s.core_in_section) < TARGET_SECTION:
        out.append(f"core facts in right section {s.core_share(s.core_in_section):.0%} < 80%")
    if s.share(s.in_either) < TARGET_EITHER:
        out.append(f"manual+details {s.share(s.in_either):.0%} < 100%")
    if s.noise or s.secrets:
        out.append(f"noise {s.noise} secrets {len(s.secrets)}")
    if s.replies > REPLY_FACTOR * s.topics:
        out.append(f"replies {s.replies} > {REPLY_FACTOR} x {s.topics} topics")
    if s.finish_seconds > FINISH_SECONDS:
        out.append(f"finish {s.finish_seconds:.1f} s")
    return out


def _select(conversations: list[Conversation], only: str) -> list[Conversation]:
    if only == "tuned":
        return [c for c in conversations if not c.held_out]
    if only == "held-out":
        return [c for c in conversations if c.held_out]
    keys = {k for k in only.split(",") if k}
    return [c for c in conversations if not keys or c.key in keys]


def _total(group: str, mode: str, scores: list[Score]) -> str:
    """One line per group and mode: the core and all-fact shares over every conversation."""
    core = sum(s.core for s in scores) or 1
    facts = sum(s.facts for s in scores) or 1
    return (
        f"{'TOTAL ' + group:<18} {mode:<11} core in manual "
        f"{sum(s.core_in_manual for s in scores) / core:.1%}, in the right section "
        f"{sum(s.core_in_section for s in scores) / core:.1%}; all facts in manual "
        f"{sum(s.in_manual for s in scores) / facts:.1%}, right section "
        f"{sum(s.in_section for s in scores) / facts:.1%}, manual+details "
        f"{sum(s.in_either for s in scores) / facts:.1%}; noise "
        f"{sum(len(s.noise) for s in scores)}, stale {sum(len(s.stale) for s in scores)}, "
        f"secrets {sum(len(s.secrets) for s in scores)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", help="print the missing and misplaced facts of one system")
    parser.add_argument("--write", type=Path, help="write each manual and details file here")
    parser.add_argument("--modes", default="offline,auto,claude-down")
    parser.add_argument(
        "--only", default="", help="'tuned', 'held-out' or comma-separated conversation keys"
    )
    args = parser.parse_args(argv)
    conversations = sorted(_select(load_all(), args.only), key=lambda c: (c.held_out, c.key))
    modes = args.modes.split(",")
    print(HEADER)
    missed: list[str] = []
    totals: dict[tuple[bool, str], list[Score]] = {}
    with tempfile.TemporaryDirectory() as tmp, _claude_down() as claude:
        work = Path(tmp)
        for index, conversation in enumerate(conversations):
            if conversation.held_out and (index == 0 or not conversations[index - 1].held_out):
                print("-- held out (written and tagged before tuning; never tuned on)")
            for mode in modes:
                factory = claude if mode == "claude-down" else _offline
                finish = mode != "auto"
                result, run = run_one(conversation, factory, work, finish=finish, tag=mode)
                print(_row(mode, result))
                totals.setdefault((conversation.held_out, mode), []).append(result)
                missed += [
                    f"{conversation.key} {mode}: {m}" for m in _missed(result, finish=finish)
                ]
                if args.write and run.outcome.manual and mode == "offline":
                    args.write.mkdir(parents=True, exist_ok=True)
                    manual = run.outcome.manual
                    (args.write / f"{conversation.key}.md").write_text(manual.markdown)
                    (args.write / f"{conversation.key}-details.md").write_text(manual.details)
                if args.show == conversation.key and mode == "offline":
                    print("  missing:", [f"{f.section} {f.text}" for f in result.missing])
                    print("  misplaced:", [f"{f.section} {f.text}" for f in result.misplaced])
                    print("  noise:", result.noise, "stale:", result.stale)
    print()
    for (held_out, mode), scores in sorted(totals.items()):
        print(_total("held-out" if held_out else "tuned", mode, scores))
    print()
    print("targets: published and lint-clean 100%; core facts in manual >= 85%, in the right")
    print("section >= 80%; all facts in manual + details 100%; no noise or secrets;")
    print("replies <= 1.3 x topics; finish < 2 s")
    for line in missed:
        print("MISSED", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
