"""Engine benchmark: replies, facts kept, time per reply and render+lint, per scenario.

Run ``python -m bench.bench_engine`` from the repository root. Each scenario is interviewed by
:class:`bench.scenarios.SimulatedEngineer` through the real :class:`Interview`, a real SQLite
:class:`SqlStore` in a temporary directory and the :class:`OfflineExtractor`; nothing is mocked.
Every figure is printed next to its baseline so a regression reads as a ratio, not a guess:

- replies to finish vs the naive one-question-per-slot interview (one reply per asked slot);
- engine time per answer reply (the wall time of ``Interview.handle``: extract + merge +
  persist + plan, no LLM offline) vs the store round trip inside that same call, measured by a
  timing proxy around the store, so "engine / store" is the core's own overhead;
- render + lint (with condensing) vs rendering the same template with plain Jinja2.

Exits 1 when a target from the issue's "done when" is missed, so CI may run it; timings are
deliberately kept out of the unit tests, where a slow machine would make them flaky.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.scenarios import ASKED_SLOTS, SCENARIOS, Scenario, SimulatedEngineer
from bot.contract.lint import lint_manual
from bot.core.draft import Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.outcome import Kind, Outcome
from bot.interview.service import Interview
from bot.rendering.builder import DEFAULT_TEAM
from bot.rendering.content import content_from_values
from bot.rendering.fit import forget_ladders
from bot.rendering.render import Renderer

MAX_REPLIES = 25
MIN_FACT_SHARE = 0.90
MAX_MEDIAN_REPLY_MS = 20.0
MAX_RENDER_LINT_MS = 10.0
REPLY_CAP = 60  # a stuck interview stops here and shows up as a missed target
SCOPE = Scope(workspace="bench", channel="bench")


class TimedStore:
    """Delegates to the real store and adds up the wall time spent inside it."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._store, name)
        if not callable(target):
            return target

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


@dataclass(slots=True)
class Run:
    scenario: Scenario
    replies: int = 0
    complete: bool = False
    markdown: str = ""
    handle_ms: list[float] = field(default_factory=list)
    store_ms: list[float] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def interview(scenario: Scenario, workdir: Path) -> Run:
    """One full interview on a fresh SQLite file; every answer reply is timed."""
    url = f"sqlite:///{workdir / f'{scenario.key}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        store = TimedStore(SqlStore(make_session_factory(engine)))
        core = Interview(store=store, extractor=OfflineExtractor())  # type: ignore[arg-type]
        engineer = SimulatedEngineer(scenario)
        outcome: Outcome = core.start(scope=SCOPE, name=scenario.name, owner="bench")
        run = Run(scenario)
        while outcome.kind is not Kind.COMPLETE and run.replies < REPLY_CAP:
            reply = engineer.reply(outcome.questions)
            if reply is None:
                break
            store.seconds = 0.0
            start = time.perf_counter()
            outcome = core.handle(
                scope=SCOPE, draft_id=outcome.draft.id or 0, author="bench", text=reply
            )
            run.handle_ms.append((time.perf_counter() - start) * 1000)
            run.store_ms.append(store.seconds * 1000)
            run.replies += 1
        run.complete = outcome.kind is Kind.COMPLETE and outcome.manual is not None
        run.markdown = outcome.manual.markdown if outcome.manual else ""
        run.values = dict(outcome.draft.values())
        return run
    finally:
        engine.dispose()


def median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@dataclass(frozen=True, slots=True)
class RenderTimes:
    render_lint: float
    cold: float
    jinja_only: float
    lint_only: float


def render_times(run: Run, renderer: Renderer, runs: int) -> RenderTimes:
    """The finished draft's values rendered (condensed to budget) and linted, vs bare Jinja2."""
    kwargs = {
        "name": run.scenario.name,
        "values": run.values,
        "version": 1,
        "date": date(2024, 5, 1),
        "team": DEFAULT_TEAM,
    }
    content = content_from_values(**kwargs)  # type: ignore[arg-type]
    markdown = renderer.render(**kwargs)  # type: ignore[arg-type]

    def cold() -> object:
        forget_ladders()
        return lint_manual(renderer.render(**kwargs))  # type: ignore[arg-type]

    return RenderTimes(
        render_lint=median_ms(lambda: lint_manual(renderer.render(**kwargs)), runs),  # type: ignore[arg-type]
        cold=median_ms(cold, runs),
        jinja_only=median_ms(lambda: renderer.render_content(content), runs),
        lint_only=median_ms(lambda: lint_manual(markdown), runs),
    )


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _row(label: str, cells: Sequence[str], target: str = "") -> str:
    return f"{label:<37}" + "".join(f"{c:>17}" for c in cells) + f"   {target}"


def report(runs_by_scenario: list[list[Run]], renders: list[RenderTimes], repeat: int) -> int:
    """Print the side-by-side table; return the number of missed targets."""
    firsts = [runs[0] for runs in runs_by_scenario]
    naive = len(ASKED_SLOTS)
    missed: list[str] = []
    cols: dict[str, list[str]] = {}

    def put(key: str, value: str) -> None:
        cols.setdefault(key, []).append(value)

    for runs, render in zip(runs_by_scenario, renders, strict=True):
        run, key = runs[0], runs[0].scenario.key
        handle = [ms for r in runs for ms in r.handle_ms]
        store = [ms for r in runs for ms in r.store_ms]
        lost = run.scenario.missing_facts(run.markdown)
        total = len(run.scenario.facts)
        share = (total - len(lost)) / total
        lint = lint_manual(run.markdown) if run.complete else None
        put("replies", f"{run.replies}" if run.complete else f"{run.replies} (stuck)")
        put("naive", f"{naive}")
        put("ratio", f"{naive / max(1, run.replies):.1f}x fewer")
        put("facts", f"{total - len(lost)}/{total} {share:.0%}")
        put("median", f"{statistics.median(handle):.2f}")
        put("p95", f"{p95(handle):.2f}")
        put("store", f"{statistics.median(store):.2f}")
        core = [h - s for h, s in zip(handle, store, strict=True)]
        put("core", f"{statistics.median(core):.2f}")
        put("share", f"{statistics.median(handle) / statistics.median(store):.2f}x")
        put("render", f"{render.render_lint:.2f}")
        put("cold", f"{render.cold:.2f}")
        put("jinja", f"{render.jinja_only:.2f}")
        put("rratio", f"{render.render_lint / render.jinja_only:.1f}x")
        put("lint", f"{render.lint_only:.2f}")
        put("ok", "pass" if lint and lint.ok else "FAIL")
        put("words", f"{lint.word_count}" if lint else "-")
        if not run.complete or run.replies > MAX_REPLIES:
            missed.append(f"{key}: {run.replies} replies (target <= {MAX_REPLIES}, complete)")
        if share < MIN_FACT_SHARE:
            missed.append(f"{key}: {share:.0%} of facts (target >= {MIN_FACT_SHARE:.0%})")
        if statistics.median(handle) >= MAX_MEDIAN_REPLY_MS:
            missed.append(f"{key}: median {statistics.median(handle):.1f} ms per reply")
        if render.render_lint >= MAX_RENDER_LINT_MS:
            missed.append(f"{key}: render+lint {render.render_lint:.1f} ms")
        if lint is None or not lint.ok:
            problems = "; ".join(v.message for v in lint.violations) if lint else "no manual"
            missed.append(f"{key}: manual fails lint ({problems})")

    print(f"opsmanual engine benchmark: offline extractor, SQLite, {repeat} run(s) per scenario")
    print(_row("", [r.scenario.name for r in firsts], "target"))
    rows = [
        ("replies to finish (ours)", "replies", f"<= {MAX_REPLIES}"),
        ("  naive: one reply per slot", "naive", ""),
        ("  naive / ours", "ratio", ""),
        ("scripted facts in the manual", "facts", f">= {MIN_FACT_SHARE:.0%}"),
        ("engine ms/reply, median", "median", f"< {MAX_MEDIAN_REPLY_MS:g}"),
        ("engine ms/reply, p95", "p95", ""),
        ("  store round trip ms, median", "store", "baseline"),
        ("  engine / store", "share", ""),
        ("  core only (engine - store), median", "core", ""),
        ("render+condense+lint ms, median", "render", f"< {MAX_RENDER_LINT_MS:g}"),
        ("  first render, ladders not cached", "cold", "reported"),
        ("  plain jinja2 render ms, median", "jinja", "baseline"),
        ("  render+lint / jinja2", "rratio", ""),
        ("  lint alone ms, median", "lint", ""),
        ("manual lint", "ok", "pass"),
        ("manual words", "words", "<= 800"),
    ]
    for label, key, target in rows:
        print(_row(label, cols[key], target))
    for run in firsts:
        lost = run.scenario.missing_facts(run.markdown)
        if lost:
            print(f"missing facts, {run.scenario.name}: " + ", ".join(map(repr, lost)))
    for line in missed:
        print(f"MISSED {line}")
    print("all targets met" if not missed else f"{len(missed)} target(s) missed")
    return len(missed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="interviews per scenario")
    parser.add_argument("--render-runs", type=int, default=50, help="render+lint samples")
    parser.add_argument("--save", type=Path, help="write each final manual into this directory")
    args = parser.parse_args(argv)
    renderer = Renderer()
    runs_by_scenario: list[list[Run]] = []
    with tempfile.TemporaryDirectory(prefix="opsmanual-bench-") as tmp:
        for scenario in SCENARIOS:
            problems = scenario.problems()
            if problems:
                print("\n".join(problems), file=sys.stderr)
                return 2
            runs = []
            for index in range(max(1, args.repeat)):
                workdir = Path(tmp) / f"{scenario.key}-{index}"
                workdir.mkdir()
                runs.append(interview(scenario, workdir))
            runs_by_scenario.append(runs)
    renders = [render_times(runs[0], renderer, args.render_runs) for runs in runs_by_scenario]
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for runs in runs_by_scenario:
            (args.save / f"{runs[0].scenario.key}.md").write_text(runs[0].markdown, "utf-8")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# {stamp}, Python {sys.version.split()[0]}")
    return 1 if report(runs_by_scenario, renders, max(1, args.repeat)) else 0


if __name__ == "__main__":
    sys.exit(main())
