"""Late corrections of a number (``numfix``): "actually the heap one is 92% not 85".

Why: the superseded number must leave the manual (a responder acting on the old threshold is
the failure), the right fact must change (the one whose words the correction repeats, never a
name that happens to hold the digits, like "p90"), and everything else stays as it was.
"""

from __future__ import annotations

from bot.core.draft import Op
from tests.extraction.offline.support import new_draft, run

# fmt: off
METRICS = [
    {"metric": "JVM heap", "threshold": "> 85% for 10 min", "level": "Warning", "action": "look"},
    {"metric": "disk used", "threshold": "> 85%", "level": "Critical", "action": ""},
    {"metric": "matchmaking p90", "threshold": "> 90s for 10 min", "level": "Warning",
     "action": ""},
]
# fmt: on


def corrected(text: str) -> list[dict[str, str]]:
    extraction = run(text, "rto", draft=new_draft(metrics=METRICS))
    [update] = [u for u in extraction.updates if u.slot_id == "metrics"]
    assert update.op is Op.CORRECT
    return update.value  # type: ignore[return-value]


def test_the_fact_whose_words_the_correction_repeats_gets_the_new_number() -> None:
    rows = corrected("actually the heap one is 92% not 85, we bumped it in october")
    assert rows[0]["threshold"] == "> 92% for 10 min"
    assert rows[1]["threshold"] == "> 85%"  # the disk alert also said 85, and was not meant


def test_a_name_holding_the_old_digits_is_left_alone() -> None:
    rows = corrected("actually the matchmaking p90 warning is 60s now, not 90")
    assert rows[2] == {
        "metric": "matchmaking p90",
        "threshold": "> 60s for 10 min",
        "level": "Warning",
        "action": "",
    }


def test_words_between_the_new_number_and_not() -> None:
    rows = corrected("actually the disk alert fires at > 80% used, not 85 — ops lowered it")
    assert rows[1]["threshold"] == "> 80%"


def test_no_stored_fact_holds_the_old_number_nothing_changes() -> None:
    extraction = run("actually it's 3 replicas not 2", "rto", draft=new_draft(metrics=METRICS))
    assert [u.slot_id for u in extraction.updates if u.op is Op.CORRECT] == []


def test_a_step_that_goes_from_one_number_to_another_is_no_correction() -> None:
    reply = (
        "DR: RTO 1 hour. steps: scale kid-auth from 2 to 8 pods, switch origin priority in "
        "Front Door"
    )
    extraction = run(reply, "rto", draft=new_draft(metrics=METRICS))
    assert [u for u in extraction.updates if u.op is Op.CORRECT] == []
    assert {u.slot_id for u in extraction.updates} >= {"rto", "recovery_steps"}


def test_only_the_correcting_sentence_is_taken_out_of_the_reply() -> None:
    reply = (
        "backups run nightly into s3. oh and the heap one is 92% not 85 since october. "
        "restore test is monthly into es-stg"
    )
    extraction = run(reply, "rto", draft=new_draft(metrics=METRICS))
    found = {u.slot_id: u for u in extraction.updates}
    assert found["metrics"].op is Op.CORRECT
    assert found["metrics"].quote == "oh and the heap one is 92% not 85 since october."
    assert "backups" in found
    assert "restore_testing" in found


def test_was_then_now_is_a_correction() -> None:
    rows = corrected("the disk alert was 85, now 80 since the new volumes")
    assert rows[1]["threshold"] == "> 80%"


def test_the_duration_after_the_new_number_is_not_the_new_number() -> None:
    """ "the queue alert is > 1000 for 10 min, not 500" stored "> 10": the number right before
    "not" was the alert's duration."""
    queue = {"metric": "order queue depth", "threshold": "> 500 for 10 min", "level": "High"}
    extraction = run(
        "actually the queue alert is > 1000 for 10 min, not 500, we raised it after black friday",
        draft=new_draft(metrics=[{**queue, "action": ""}]),
    )
    [update] = [u for u in extraction.updates if u.slot_id == "metrics"]
    assert update.value[0]["threshold"] == "> 1000 for 10 min"  # type: ignore[index]
