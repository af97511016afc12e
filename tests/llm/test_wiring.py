"""The core's optional ports, with stand-ins: used when they help, ignored when they fail."""

from __future__ import annotations

from datetime import date

from bot.core.draft import Op
from bot.core.slots import SLOTS
from bot.rendering.builder import ManualBuilder
from bot.rendering.render import Renderer
from tests.llm.conftest import NOW, given, new_draft


class Inferrer:
    def __init__(self, proposals):
        self.proposals = proposals
        self.asked: list[str] = []

    def infer(self, *, draft, slot_ids):
        self.asked = list(slot_ids)
        return self.proposals


def test_inferred_proposals_come_first_and_invalid_ones_fall_to_the_defaults():
    draft = new_draft()
    given(
        draft,
        "metrics",
        [{"metric": "p99", "threshold": "> 800ms", "level": "critical", "action": "page"}],
    )
    inferrer = Inferrer(
        {
            "db_indexes": "REINDEX CONCURRENTLY monthly.",
            "rto": "whenever",  # invalid: dropped, the default fills it
            "metrics": [{"metric": "cpu", "threshold": "90%", "level": "warning", "action": "x"}],
        }
    )
    manual = ManualBuilder(inferrer=inferrer).finalise(draft, now=NOW)
    assert "metrics" not in inferrer.asked  # a half-answered list is left to the defaults
    assert "db_indexes" in inferrer.asked
    assert draft.current("db_indexes").op is Op.INFERRED
    assert draft.value("db_indexes") == "REINDEX CONCURRENTLY monthly."
    assert draft.value("rto") != "whenever"
    assert draft.value("metrics")[0]["metric"] == "p99"  # the engineer's row survived
    assert all(draft.filled(s.id) for s in SLOTS)
    assert manual.ok, manual.violations


def test_the_condense_hook_runs_once_before_the_rules_and_only_when_over_budget():
    calls = []

    def hook(values, over_by):
        calls.append(over_by)
        return {**values, "architecture": "Go API on EKS.", "invented_slot": "x"}

    draft = new_draft()
    finished = ManualBuilder().finalise(draft, now=NOW)  # fills every slot with defaults
    values = dict(draft.values())
    renderer = Renderer()
    kwargs = {"name": "Payments API", "version": 1, "date": date(2026, 11, 28), "team": "Ops"}
    renderer.render_budgeted(values=values, condenser=hook, **kwargs)
    assert calls == []  # within budget: no call
    values["architecture"] = "word " * 300
    result = renderer.render_budgeted(values=values, condenser=hook, **kwargs)
    assert len(calls) == 1
    assert calls[0] > 0
    assert result.values["architecture"] == "Go API on EKS."
    assert "invented_slot" not in result.values
    assert result.within_budget
    assert finished.ok


def test_a_phraser_returning_none_leaves_the_template_wording(fake, claude):
    from bot.extraction.offline.extractor import OfflineExtractor
    from bot.interview.service import Interview
    from tests.llm.test_injection import _Store

    class Phraser:
        def __init__(self, answer):
            self.answer = answer

        def phrase(self, *, draft, questions):
            return self.answer

    draft = new_draft()
    store = _Store(draft)
    for phrased, expected in (
        (None, "1. How is Payments API built"),
        ("Tell me about it.", "Tell me about it."),
    ):
        interview = Interview(store=store, extractor=OfflineExtractor(), phraser=Phraser(phrased))
        outcome = interview.resume(scope=draft.scope, draft_id=draft.id)
        assert expected in outcome.text
        assert [q.slot_id for q in outcome.questions] == draft.asked  # the plan is the core's
