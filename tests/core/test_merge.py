"""``merge`` on plain Draft objects: two engineers disagreeing is a question, not an overwrite."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.draft import Draft, Op, Scope, SlotUpdate
from bot.core.merge import apply_machine_values, merge
from bot.core.slots import Value

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DB = {
    "component": "PostgreSQL",
    "frequency": "hourly",
    "retention": "35 days",
    "location": "S3",
    "verification": "restore drill",
}
REDIS = {
    "component": "Redis",
    "frequency": "daily",
    "retention": "7 days",
    "location": "S3",
    "verification": "checksum",
}
COMPONENTS = [
    {"name": "api", "purpose": "serves REST"},
    {"name": "worker", "purpose": "settles charges"},
    {"name": "pgbouncer", "purpose": "pools connections"},
]


def new_draft() -> Draft:
    return Draft("Payments API", Scope("T1", "C1"), "alice", NOW, NOW, id=1)


def say(draft: Draft, slot_id: str, value: Value | None, *, author: str, op: Op = Op.SET):
    return merge(
        draft, [SlotUpdate(slot_id, op, value, "quote")], author=author, reply_id=None, now=NOW
    )


def history(draft: Draft, slot_id: str) -> list[tuple[Op, Value | None, str | None]]:
    return [(f.op, f.value, f.author) for f in draft.facts if f.slot_id == slot_id]


def test_a_different_engineer_stating_another_value_is_a_conflict_not_an_overwrite():
    draft = new_draft()
    say(draft, "rto", "4 hours", author="alice")
    result = say(draft, "rto", "2 hours", author="bob")
    assert result.changes == ()
    assert draft.value("rto") == "4 hours"
    assert history(draft, "rto") == [(Op.SET, "4 hours", "alice")]
    [rejection] = result.rejected
    assert rejection.slot_id == "rto"
    assert rejection.reason == (
        "conflict: RTO: alice said “4 hours”, bob says “2 hours”; which is right? "
        "Reply 'actually RTO is …' to settle it"
    )


def test_an_explicit_correction_settles_the_conflict():
    draft = new_draft()
    say(draft, "rto", "4 hours", author="alice")
    say(draft, "rto", "2 hours", author="bob")  # the conflict
    result = say(draft, "rto", "2 hours", author="bob", op=Op.CORRECT)
    assert not result.rejected
    assert [(c.op, c.before, c.after) for c in result.changes] == [
        (Op.CORRECT, "4 hours", "2 hours")
    ]
    assert history(draft, "rto") == [(Op.SET, "4 hours", "alice"), (Op.CORRECT, "2 hours", "bob")]
    # once settled, alice restating her old value is a new conflict, now with bob
    again = say(draft, "rto", "4 hours", author="alice")
    assert again.rejected[0].reason.startswith("conflict: RTO: bob said “2 hours”, alice says")


def test_the_same_engineer_restating_overwrites_as_a_correction():
    draft = new_draft()
    say(draft, "rto", "4 hours", author="alice")
    result = say(draft, "rto", "2 hours", author="alice")
    assert not result.rejected
    assert [c.op for c in result.changes] == [Op.CORRECT]
    assert draft.value("rto") == "2 hours"


def test_a_list_that_keeps_every_row_and_adds_one_is_applied():
    draft = new_draft()
    say(draft, "backups", [DB], author="alice")
    result = say(draft, "backups", [dict(DB), REDIS], author="bob")
    assert not result.rejected
    assert draft.value("backups") == [DB, REDIS]


def test_a_list_that_drops_rows_from_another_engineer_is_a_conflict():
    draft = new_draft()
    say(draft, "components", COMPONENTS, author="alice")
    other = [{"name": "api", "purpose": "serves REST"}, {"name": "cron", "purpose": "reports"}]
    result = say(draft, "components", [*other, {"name": "db", "purpose": "stores"}], author="bob")
    assert draft.value("components") == COMPONENTS
    reason = result.rejected[0].reason
    assert reason.startswith("conflict: Key components: alice said “api | serves REST; worker")
    assert "…”, bob says “api | serves REST; cron | reports; db | stores”" in reason


def test_no_conflict_for_the_same_value_a_partial_list_machine_values_or_no_author():
    draft = new_draft()
    say(draft, "rpo", "15 minutes", author="alice")
    assert not say(draft, "rpo", "15  Minutes", author="bob").rejected  # same, other spelling
    say(draft, "metrics", [{"metric": "p99", "threshold": "> 800ms", "level": "critical",
                            "action": "page"}], author="alice")  # fmt: skip
    cpu = {"metric": "cpu", "threshold": "> 90%", "level": "warning", "action": "scale"}
    grown = say(draft, "metrics", [cpu], author="bob")  # a partial list grows
    assert not grown.rejected
    assert len(draft.value("metrics")) == 2
    apply_machine_values(draft, [("db_indexes", "REINDEX monthly.", Op.INFERRED)], now=NOW)
    assert not say(draft, "db_indexes", "REINDEX weekly.", author="bob").rejected
    assert draft.value("db_indexes") == "REINDEX weekly."
    say(draft, "rto", "4 hours", author="alice")
    assert not merge(
        draft, [SlotUpdate("rto", Op.SET, "1 hour")], author=None, reply_id=None, now=NOW
    ).rejected


def test_long_values_are_shortened_in_the_question():
    draft = new_draft()
    say(draft, "architecture", "Go API on EKS behind an ALB, " * 3, author="alice")
    result = say(draft, "architecture", "A Rails monolith on two VMs.", author="bob")
    reason = result.rejected[0].reason
    assert "alice said “Go API on EKS behind an ALB, Go API on EKS behind…”" in reason
    assert len(reason) < 200
