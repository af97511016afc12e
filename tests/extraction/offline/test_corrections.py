"""Explicit corrections and clears: "actually RTO is 2 hours", "change rollback to: …".

Why: a correction supersedes and keeps history; one that names nothing must not be stored as
the answer to whatever question is on screen (it would file the fix under the wrong fact).
"""

from __future__ import annotations

import pytest

from bot.core.draft import Op
from bot.core.merge import merge
from bot.extraction.offline.answers import CORRECT_HOW
from tests.extraction.offline.support import (
    NOW,
    new_draft,
    run,
    stored,
    updates,
    values,
)

# ------------------------------------------------------------------ corrections


def test_rto_correction_is_not_an_answer_to_the_asked_question() -> None:
    extraction = run("actually RTO is 2 hours, not 4", "rpo")
    assert [(u.slot_id, u.op, u.value) for u in extraction.updates] == [
        ("rto", Op.CORRECT, "2 hours")
    ]


@pytest.mark.parametrize(
    ("text", "slot_id", "value"),
    [
        ("correction: the RPO is 5 minutes", "rpo", "5 minutes"),
        ("change rollback to: helm rollback payments", "rollback", "helm rollback payments"),
        ("RTO should be 1h", "rto", "1 hour"),
        ("no wait, logs are kept 90 days", "log_management", "logs are kept 90 days"),
        ("Actually the RTO is not 4 hours but 2 hours.", "rto", "2 hours"),
        ("sorry, recovery point objective is 30 minutes", "rpo", "30 minutes"),
        ("please update the escalation to: on-call -> lead -> EM -> CTO", "escalation",
         ["on-call", "lead", "EM", "CTO"]),
    ],
)  # fmt: skip
def test_corrections(text: str, slot_id: str, value: object) -> None:
    found = updates(run(text, "architecture"))
    assert list(found) == [slot_id]
    assert (found[slot_id].op, found[slot_id].value) == (Op.CORRECT, value)


def test_correction_of_two_slots_in_one_sentence() -> None:
    assert values("actually RTO is 2h and RPO is 5 minutes", "rollback") == {
        "rto": "2 hours",
        "rpo": "5 minutes",
    }


def test_correction_supersedes_the_stored_value_and_keeps_history() -> None:
    draft = new_draft(rto="4 hours")
    result = merge(
        draft,
        run("Actually the RTO is 2 hours, not 4.", "rpo", draft=draft).updates,
        author="U2",
        reply_id=2,
        now=NOW,
    )
    assert [(c.op, c.before, c.after) for c in result.changes] == [
        (Op.CORRECT, "4 hours", "2 hours")
    ]
    assert [f.value for f in draft.facts if f.slot_id == "rto"] == ["4 hours", "2 hours"]


def test_correction_and_answer_in_one_reply() -> None:
    text = "15 minutes. Oh and actually the RTO is 2 hours."
    found = updates(run(text, "rpo"))
    assert (found["rpo"].op, found["rpo"].value) == (Op.SET, "15 minutes")
    assert (found["rto"].op, found["rto"].value) == (Op.CORRECT, "2 hours")


@pytest.mark.parametrize(
    ("text", "slot_id"),
    [("remove the rollback", "rollback"), ("please clear the RTO.", "rto")],
)
def test_clear(text: str, slot_id: str) -> None:
    draft = new_draft(rollback="helm rollback", rto="4 hours")
    extraction = run(text, "architecture", draft=draft)
    assert [(u.slot_id, u.op) for u in extraction.updates] == [(slot_id, Op.CLEAR)]
    merge(draft, extraction.updates, author="U2", reply_id=2, now=NOW)
    assert draft.value(slot_id) is None


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("wait for the pods to be ready, then enable traffic", "startup_steps"),
        ("remove the old backups every week", "maint_weekly"),
        ("Backups should be verified weekly", "restore_testing"),
        ("We actually deploy from the release branch", "deploy_process"),
    ],
)
def test_ordinary_answers_are_not_corrections(text: str, asked: str) -> None:
    assert {u.op for u in run(text, asked).updates} <= {Op.SET}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("actually the third level is Director", ("kpis", "baseline")),
        ("actually p99 latency > 500ms, critical, page", ("startup_steps",)),
        ("actually worker: settles payments and refunds", ("metrics",)),
        ("Actually, we just redeploy the previous tag", ("rollback",)),
        ("correction: the second one", ("architecture", "components")),
        ("no wait, it is Director", ("escalation",)),
        ("sorry, the blue one", ("architecture",)),
        ("I meant the other one", ("infrastructure",)),
        ("scratch that, use the old one", ("rollback", "rto")),
    ],
)
def test_a_correction_nobody_can_place_is_not_an_answer(text: str, asked: tuple[str, ...]) -> None:
    extraction = run(text, *asked)
    assert (extraction.updates, extraction.unknown) == ((), ())
    assert extraction.notes == (CORRECT_HOW,)


def test_a_correction_trigger_before_dont_know_is_dont_know() -> None:
    assert run("sorry, not sure", "rollback").unknown == ("rollback",)
    assert run("actually I don't know", "rto").unknown == ("rto",)


def test_a_numbered_or_labelled_answer_may_start_with_actually() -> None:
    expected = {"rollback": "we redeploy the previous tag", "rto": "4 hours"}
    assert values("1. actually, we redeploy the previous tag 2. 4 hours", "rollback", "rto") == (
        expected
    )
    assert values("Rollback: actually we redeploy the previous tag", "rollback") == {
        "rollback": expected["rollback"]
    }


def test_plural_correction_with_are() -> None:
    text = "actually the components are api: REST; worker: settlements; scheduler: payouts"
    found = updates(run(text, "kpis"))
    assert list(found) == ["components"]
    assert found["components"].op is Op.CORRECT
    assert [r["name"] for r in found["components"].value] == ["api", "worker", "scheduler"]  # type: ignore[index, union-attr]


COMPONENTS = [
    {"name": "api", "purpose": "REST"},
    {"name": "worker", "purpose": "settles payments"},
    {"name": "scheduler", "purpose": "payouts"},
]


def test_a_corrected_row_replaces_the_row_with_that_name() -> None:
    draft = new_draft(components=COMPONENTS)
    extraction = run("actually Worker: settles payments and refunds", "metrics", draft=draft)
    assert [(u.slot_id, u.op) for u in extraction.updates] == [("components", Op.CORRECT)]
    stored(extraction, draft)
    assert draft.value("components") == [
        COMPONENTS[0],
        {"name": "Worker", "purpose": "settles payments and refunds"},
        COMPONENTS[2],
    ]


def test_a_corrected_metric_row_keeps_the_other_rows() -> None:
    metrics = [
        {"metric": "p99 latency", "threshold": "> 800ms", "level": "Critical", "action": "page"},
        {"metric": "error rate", "threshold": "> 2%", "level": "Warning", "action": "check"},
    ]
    draft = new_draft(metrics=metrics)
    text = "actually p99 latency > 500ms, critical, page on-call"
    assert values(text, "startup_steps", draft=draft) == {
        "metrics": [
            {"metric": "p99 latency", "threshold": "> 500ms", "level": "Critical",
             "action": "page on-call"},
            metrics[1],
        ]
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["actually billing: invoices", "actually worker", "actually worker: settles; billing: bills"],
)
def test_a_row_correction_needs_an_existing_row_and_a_new_cell(text: str) -> None:
    extraction = run(text, "metrics", draft=new_draft(components=COMPONENTS))
    assert (extraction.updates, extraction.notes) == ((), (CORRECT_HOW,))
