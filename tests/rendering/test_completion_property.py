"""Completion is guaranteed: whatever a draft holds, finishing it gives a lint-clean manual.

Why a property test: the fitter and the renderer must hold for drafts nobody thought of
(thirty rows of alerts, a pasted log in a table cell, a command of 300 words, RTL text, pipes
and backticks everywhere). Hypothesis builds such drafts directly as facts, the way any
extractor or a crash-recovered database could leave them, and ``ManualBuilder.finalise``
must still publish: every violation is a bug, never a message to the user.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.contract.lint import lint_manual
from bot.core.draft import Draft, Fact, Op, Scope
from bot.core.slots import SLOTS, Slot, SlotKind, Value
from bot.core.values import text_problem
from bot.rendering.builder import ManualBuilder

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
BUILDER = ManualBuilder()

_WORDS = st.sampled_from(
    [
        "restart", "the", "worker", "`kubectl -n prod rollout restart deploy/api`", "p99",
        "> 800ms", "|", "**bold**", "# heading", "> quote", "```", "TBD", "🚨", "שלום",
        "مرحبا", "日本語テキスト", "x" * 60, "/var/log/app.log", "SELECT 1;", "10%", "then",
        "and", "critical", "1.", "-", "<!channel>", "<https://x.io|x>", "\\", "{name}", "~~~",
    ]
)  # fmt: skip
_TEXT = st.lists(_WORDS, min_size=1, max_size=120).map(" ".join)
_SHORT = st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


def _value(slot_def: Slot) -> st.SearchStrategy[Value]:
    if slot_def.kind in (SlotKind.TEXT, SlotKind.DURATION):
        return _TEXT
    if slot_def.kind is SlotKind.ITEMS:
        return st.lists(_TEXT, min_size=1, max_size=25)
    row = st.fixed_dictionaries(dict.fromkeys(slot_def.columns, _SHORT))
    return st.lists(row, min_size=1, max_size=30)


@st.composite
def drafts(draw: st.DrawFn) -> Draft:
    chosen = draw(st.lists(st.sampled_from(SLOTS), unique=True, max_size=len(SLOTS)))
    name = draw(_SHORT.filter(lambda n: not text_problem(n[:120])))[:120]
    draft = Draft(name, Scope("T", "C"), "U", NOW, NOW, id=1)
    for index, slot_def in enumerate(chosen):
        value = draw(_value(slot_def))
        draft.facts.append(Fact(slot_def.id, value, Op.SET, f"U{index % 3}", index + 1, NOW))
    return draft


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts())
def test_any_draft_finishes_with_a_lint_clean_manual(draft: Draft) -> None:
    manual = BUILDER.finalise(draft, now=NOW)
    report = lint_manual(manual.markdown)
    assert report.ok, report.format()
    assert manual.word_count <= 800
    assert manual.violations == ()


def test_a_name_that_would_fail_the_contract_is_refused_at_start(tmp_path) -> None:
    """The name is the manual's title: "{name}" or "TBD" could never pass lint, so the
    interview refuses it up front with a clear message instead of failing at finish."""
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.migrate import upgrade_to_head
    from bot.db.store import SqlStore
    from bot.extraction.offline.extractor import OfflineExtractor
    from bot.interview.outcome import InterviewError
    from bot.interview.service import Interview

    url = f"sqlite:///{tmp_path / 'n.db'}"
    upgrade_to_head(url)
    store = SqlStore(make_session_factory(make_engine(url)))
    interview = Interview(store=store, extractor=OfflineExtractor())
    for name in ("{name}", "TBD", "???", "!!!"):
        with pytest.raises(InterviewError, match="real name"):
            interview.start(scope=Scope("T", "C"), name=name, owner="U")


def test_a_huge_draft_still_finishes_and_says_what_it_shortened() -> None:
    """Every slot far over what 800 words can hold: the worst parts are shortened, named in
    the summary, and the full text stays in the details file."""
    draft = Draft("Huge Service", Scope("T", "C"), "U", NOW, NOW, id=1)
    for index, slot_def in enumerate(SLOTS):
        text = " ".join(
            f"host{index}-{n}.prod.internal handles shard {n} of orders," for n in range(40)
        )
        value: Value
        if slot_def.kind is SlotKind.TABLE:
            value = [dict.fromkeys(slot_def.columns, f"{text[:80]} {n}") for n in range(12)]
        elif slot_def.kind is SlotKind.ITEMS:
            value = [f"step {n}: {text[:200]}" for n in range(10)]
        else:
            value = text
        draft.facts.append(Fact(slot_def.id, value, Op.SET, "U1", index + 1, NOW))
    manual = BUILDER.finalise(draft, now=NOW)
    assert lint_manual(manual.markdown).ok
    assert manual.shortened
    assert "Shortened to fit 800 words" in manual.summary()
