"""Claude token benchmark: the cost of a finished manual, incremental prompts vs the naive way.

Run ``python -m bench.bench_llm_tokens [--model claude-sonnet-5-5]`` from the repository root.
No real API is called: the real ``anthropic`` SDK talks to ``tests.fakes.anthropic_api`` on
127.0.0.1, which is as strict as the API about requests (model id, thinking and effort per
model, schemas), thinks the way the model does (thinking tokens are billed as output), and
accounts prompt caching per prefix with the model's minimum cacheable size and TTLs. Token
counts are the API's ``usage`` fields and, for the naive baseline, its ``count_tokens``
endpoint (the fake counts characters / 4; against the real API both are real). Prices and
cache multipliers come from the per-model table (``bot.llm.profiles``). The scripted model
(``tests.llm.realistic.ScriptedClaude``) extracts exactly the facts each reply states, from the
three scenarios in ``bench.scenarios``.

Per scenario, side by side:

- Claude mode: the real ``Interview`` with every Claude part (extract, phrase, infer, condense)
  and an engineer who answers in free prose, a whole section per reply.
- naive ("the whole transcript every turn, no cache"): every request Claude mode made, counted
  uncached with the whole transcript so far in place of its ``<draft>`` block and everything
  else as sent (system prompt, questions, fenced reply, re-asks), priced with the same output.
- offline mode: replies needed by ``bench.scenarios.SimulatedEngineer`` with the offline rules,
  and, as a control, the offline rules fed the very same prose replies as Claude.
- the cache TTL decision: the same interview with replies ten minutes apart, extraction cached
  for an hour (ours) and for five minutes.
- Claude down: wall time per reply with and without the circuit breaker (``bench.llm_outage``).

Target (exits 1 when missed): the estimated cost per finished manual at most 50% of naive; also
a cacheable extraction prefix, fewer replies than offline, a lint-clean manual, and replies
under a second at p95 while the breaker is open. Reported, not targeted: the cache-read share
and prompt tokens against naive.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anthropic
from prometheus_client import REGISTRY

from bench.bench_engine import interview as offline_interview
from bench.llm_outage import OutageRun, outage
from bench.scenarios import SCENARIOS, Scenario
from bot.config import Settings
from bot.contract.lint import lint_manual
from bot.core.draft import Scope
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.store import SqlStore
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.outcome import Kind
from bot.interview.service import Interview
from bot.llm.factory import make_llm_parts
from bot.llm.plans import PLANS
from bot.llm.pricing import estimate_cost, usage_cost
from bot.llm.profiles import profile
from bot.llm.prompts import fence
from bot.llm.usage import CallKind, MemoryUsageLog, TokenUsage
from bot.rendering.builder import ManualBuilder
from tests.fakes.anthropic_api import FakeAnthropic, RecordedRequest
from tests.llm.realistic import ProseEngineer, ScriptedClaude

DEFAULT_MODEL = "claude-sonnet-5-5"
SCOPE = Scope(workspace="bench", channel="bench")
MAX_NAIVE_COST = 0.50
MAX_OPEN_SECONDS = 1.0
OPEN_FROM = 3  # two replies make three failed calls (extract, phrase, extract): open by reply 3
REPLY_CAP = 40
GAP_SECONDS = 600.0
OUTAGE_REPLIES = 8
KINDS = {
    "ExtractionOut": CallKind.EXTRACT,
    "PhrasedQuestions": CallKind.PHRASE,
    "Condensed": CallKind.CONDENSE,
    "Proposals": CallKind.INFER,
}
FIVE_MINUTES = {**PLANS, CallKind.EXTRACT: replace(PLANS[CallKind.EXTRACT], cache_ttl="5m")}


@dataclass(slots=True)
class ClaudeRun:
    scenario: Scenario
    model: str
    ttl: str
    replies: int = 0
    complete: bool = False
    lint_ok: bool = False
    words: int = 0
    markdown: str = ""
    usage: TokenUsage = field(default_factory=TokenUsage)
    naive_prompt: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    extract_prefix: int = 0  # tokens the first extraction wrote to the cache (API usage)
    extractions: dict[str, float] = field(default_factory=dict)  # by result, from /metrics
    dropped: dict[str, float] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        return usage_cost(model=self.model, usage=self.usage, write_ttl=self.ttl)

    @property
    def naive_cost(self) -> float:
        return estimate_cost(
            model=self.model, input_tokens=self.naive_prompt, output_tokens=self.usage.output_tokens
        )


def _counters(name: str, label: str, values: Sequence[str]) -> dict[str, float]:
    return {v: REGISTRY.get_sample_value(name, {label: v}) or 0.0 for v in values}


def _extraction_counters() -> dict[str, float]:
    results = ("facts", "nothing", "rescued", "fallback")
    return _counters("opsmanual_llm_extractions_total", "result", results)


def _dropped_counters() -> dict[str, float]:
    reasons = ("unquoted", "ungrounded", "unusable", "duplicate")
    return _counters("opsmanual_llm_operations_dropped_total", "reason", reasons)


def naive_request(request: RecordedRequest, transcript: str) -> dict[str, Any]:
    """The very same request, uncached, with the whole transcript in place of its draft."""
    system = [{"type": "text", "text": b["text"]} for b in request.body["system"]]
    messages = []
    for message in request.body["messages"]:
        text = message["content"]
        if isinstance(text, str) and "<draft>\n" in text:
            start = text.rfind("<draft>\n")
            end = text.rfind("\n</draft>") + len("\n</draft>")
            text = text[:start] + fence(transcript or "(nothing yet)", "transcript") + text[end:]
        messages.append({"role": message["role"], "content": text})
    return {"system": system, "messages": messages, "output_config": request.body["output_config"]}


def claude_interview(
    scenario: Scenario, workdir: Path, *, model: str, gap: float = 0.0, ttl: str = "1h"
) -> ClaudeRun:
    url = f"sqlite:///{workdir / f'{scenario.key}-{ttl}-{gap:g}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    run = ClaudeRun(scenario, model, ttl)
    extractions, dropped = _extraction_counters(), _dropped_counters()
    with FakeAnthropic() as fake:
        fake.min_cacheable_tokens = profile(model).min_cache_tokens
        fake.default_responder = ScriptedClaude(scenario.answers)
        sdk = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
        log = MemoryUsageLog()
        parts = make_llm_parts(
            settings=Settings(anthropic_api_key=fake.api_key, model=model),
            fallback=OfflineExtractor(),
            recorder=log,
            sdk=sdk,
            plans=PLANS if ttl == "1h" else FIVE_MINUTES,
        )
        core = Interview(
            store=SqlStore(make_session_factory(engine)),
            extractor=parts.extractor,
            builder=ManualBuilder(condenser=parts.condenser, inferrer=parts.inferrer),
            phraser=parts.phraser,
        )
        engineer = ProseEngineer(scenario.answers)
        transcript: list[str] = []

        def account(since: int, reply: str | None) -> None:
            """The extraction sees the reply in its own fence, so its transcript is the turns
            before; the calls after it (phrase, infer, condense) would see the reply too."""
            before = "\n\n".join(transcript)
            after = "\n\n".join([*transcript, reply]) if reply else before
            for request in fake.requests[since:]:
                kind = KINDS[str((request.output_schema or {}).get("title"))]
                naive = naive_request(request, before if kind is CallKind.EXTRACT else after)
                counted = sdk.messages.count_tokens(model=model, **naive)
                run.naive_prompt += counted.input_tokens

        try:
            outcome = core.start(scope=SCOPE, name=scenario.name, owner="bench")
            account(0, None)
            transcript.append(outcome.text)
            while outcome.kind is not Kind.COMPLETE and run.replies < REPLY_CAP:
                reply = engineer.reply([q.slot_id for q in outcome.questions])
                if reply is None:
                    break
                fake.advance(gap)
                since = len(fake.requests)
                outcome = core.handle(
                    scope=SCOPE, draft_id=outcome.draft.id or 0, author="bench", text=reply
                )
                account(since, reply)
                transcript += [reply, outcome.text]
                run.replies += 1
        finally:
            sdk.close()
            engine.dispose()
    run.complete = outcome.kind is Kind.COMPLETE and outcome.manual is not None
    if outcome.manual is not None:
        run.markdown = outcome.manual.markdown
        report = lint_manual(outcome.manual.markdown)
        run.lint_ok, run.words = report.ok, report.word_count
    run.usage = log.total()
    for entry in log.entries:
        run.calls[entry.kind] = run.calls.get(entry.kind, 0) + 1
    first = next(e for e in log.entries if e.kind == CallKind.EXTRACT)
    run.extract_prefix = first.usage.cache_write_tokens + first.usage.cache_read_tokens
    run.extractions = {k: v - extractions[k] for k, v in _extraction_counters().items()}
    run.dropped = {k: v - dropped[k] for k, v in _dropped_counters().items()}
    return run


def offline_prose_interview(scenario: Scenario, workdir: Path) -> int:
    """Replies the offline rules need for the *same* prose replies Claude got."""
    url = f"sqlite:///{workdir / f'{scenario.key}-prose.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        core = Interview(store=SqlStore(make_session_factory(engine)), extractor=OfflineExtractor())
        engineer = ProseEngineer(scenario.answers)
        outcome = core.start(scope=SCOPE, name=scenario.name, owner="bench")
        replies = 0
        while outcome.kind is not Kind.COMPLETE and replies < REPLY_CAP:
            reply = engineer.reply([q.slot_id for q in outcome.questions])
            if reply is None:
                break
            outcome = core.handle(
                scope=SCOPE, draft_id=outcome.draft.id or 0, author="bench", text=reply
            )
            replies += 1
        return replies
    finally:
        engine.dispose()


def _row(label: str, cells: Sequence[str], target: str = "") -> str:
    return f"{label:<44}" + "".join(f"{c:>17}" for c in cells) + f"   {target}"


@dataclass(slots=True)
class Compared:
    run: ClaudeRun
    run_5m: ClaudeRun
    gap_1h: ClaudeRun
    gap_5m: ClaudeRun
    offline: int
    prose: int


def report(model: str, rows_in: list[Compared], down: dict[bool, OutageRun]) -> int:
    missed: list[str] = []
    cols: dict[str, list[str]] = {}
    minimum = profile(model).min_cache_tokens

    def put(key: str, value: str) -> None:
        cols.setdefault(key, []).append(value)

    for c in rows_in:
        run, u, key = c.run, c.run.usage, c.run.scenario.key
        share = run.cost / run.naive_cost
        put("calls", "/".join(str(run.calls.get(k.value, 0)) for k in CallKind))
        put("input", f"{u.input_tokens:,}")
        put("read", f"{u.cache_read_tokens:,}")
        put("write", f"{u.cache_write_tokens:,}")
        put("output", f"{u.output_tokens:,}")
        put("prompt", f"{u.prompt_tokens:,} vs {run.naive_prompt:,}")
        put("pratio", f"{u.prompt_tokens / run.naive_prompt:.1%}")
        put("cache", f"{u.cache_read_share:.1%}")
        put("prefix", f"{run.extract_prefix:,}")
        put("cost", f"${run.cost:.4f}")
        put("ncost", f"${run.naive_cost:.4f}")
        put("costratio", f"{share:.1%}")
        put("b2b", f"${run.cost:.4f}/${c.run_5m.cost:.4f}")
        put("gap", f"${c.gap_1h.cost:.4f}/${c.gap_5m.cost:.4f}")
        put("creplies", f"{run.replies}" if run.complete else f"{run.replies} (stuck)")
        put("oreplies", f"{c.offline}")
        put("preplies", f"{c.prose}")
        ex = run.extractions
        put("rescued", f"{ex['rescued']:g}/{ex['nothing']:g}/{ex['fallback']:g}")
        put("dropped", "/".join(f"{run.dropped[r]:g}" for r in ("unquoted", "ungrounded")))
        total = len(run.scenario.facts)
        kept = total - len(run.scenario.missing_facts(run.markdown))
        put("facts", f"{kept}/{total} {kept / total:.0%}")
        put("lint", f"pass, {run.words} words" if run.lint_ok else "FAIL")
        if share > MAX_NAIVE_COST:
            missed.append(f"{key}: estimated cost {share:.0%} of naive (target <= 50%)")
        if run.extract_prefix < minimum:
            missed.append(f"{key}: the extraction prefix was not cached (minimum {minimum:,})")
        if not run.complete or run.replies >= c.offline:
            missed.append(f"{key}: {run.replies} replies vs {c.offline} offline")
        if not run.lint_ok:
            missed.append(f"{key}: the manual fails lint")

    print(f"opsmanual Claude benchmark: {model} (fake API, usage fields), per finished manual")
    print(_row("", [c.run.scenario.name for c in rows_in], "target"))
    rows = [
        ("Claude calls: extract/phrase/cond./infer", "calls", ""),
        ("uncached input tokens", "input", ""),
        ("cache read tokens", "read", ""),
        ("cache write tokens (1-hour TTL)", "write", ""),
        ("output tokens (thinking included)", "output", ""),
        ("prompt tokens, ours vs naive", "prompt", "reported"),
        ("  ours / naive", "pratio", "reported"),
        ("cache reads / prompt tokens", "cache", "reported"),
        ("extraction prefix cached (tokens)", "prefix", f">= {minimum:,}"),
        ("estimated cost (list prices)", "cost", ""),
        ("  naive: whole transcript, no cache", "ncost", "baseline"),
        ("  ours / naive", "costratio", "<= 50%"),
        ("cost, replies at once: 1h/5m TTL", "b2b", "reported"),
        ("cost, replies 10 min apart: 1h/5m TTL", "gap", "reported"),
        ("replies to finish, Claude mode", "creplies", "< offline"),
        ("  replies to finish, offline mode", "oreplies", "baseline"),
        ("  offline mode, same prose replies", "preplies", ""),
        ("Claude empty: rescued/nothing/fallback", "rescued", "reported"),
        ("operations dropped: unquoted/ungrounded", "dropped", "reported"),
        ("scripted facts in the manual (Claude)", "facts", ""),
        ("manual lint (Claude mode)", "lint", "pass"),
    ]
    for label, key, target in rows:
        print(_row(label, cols[key], target))
    closed, opened = down[False], down[True]
    print()
    print(f"Claude down (every call 529, SDK max_retries=2), {len(opened.seconds)} replies:")
    print(_row("", ["no breaker", "breaker 3/60s"], "target"))
    print(_row("seconds per reply, p50", [f"{closed.p50:.2f}", f"{opened.p50:.2f}"]))
    print(_row("seconds per reply, p95", [f"{closed.p95:.2f}", f"{opened.p95:.2f}"]))
    after = max(opened.seconds[OPEN_FROM:])
    print(
        _row(f"  replies {OPEN_FROM + 1}-{len(opened.seconds)}, max", ["", f"{after:.3f}"], "< 1 s")
    )
    print(_row("HTTP requests sent", [f"{closed.requests}", f"{opened.requests}"]))
    if after >= MAX_OPEN_SECONDS:
        missed.append("replies with the breaker open take a second or more")
    for line in missed:
        print(f"MISSED {line}")
    print("all targets met" if not missed else f"{len(missed)} target(s) missed")
    return len(missed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default=DEFAULT_MODEL, help="a model id from the SDK's list")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the outage runs log every fallback
    compared: list[Compared] = []
    with tempfile.TemporaryDirectory(prefix="opsmanual-llm-bench-") as tmp:
        for scenario in SCENARIOS:
            workdir = Path(tmp) / scenario.key
            workdir.mkdir()
            compared.append(
                Compared(
                    claude_interview(scenario, workdir, model=args.model),
                    claude_interview(scenario, workdir, model=args.model, ttl="5m"),
                    claude_interview(scenario, workdir, model=args.model, gap=GAP_SECONDS),
                    claude_interview(
                        scenario, workdir, model=args.model, gap=GAP_SECONDS, ttl="5m"
                    ),
                    offline_interview(scenario, workdir).replies,
                    offline_prose_interview(scenario, workdir),
                )
            )
        down = {
            b: outage(Path(tmp), model=args.model, breaker=b, replies=OUTAGE_REPLIES)
            for b in (False, True)
        }
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# {stamp}, Python {sys.version.split()[0]}")
    return 1 if report(args.model, compared, down) else 0


if __name__ == "__main__":
    sys.exit(main())
