"""A correction of one table row or list entry keeps the rest of the value.

The realistic conversations correct single rows ("the SLA deadline is 05:30 now, not 06:00";
"the matchmaking p90 warning is 60s now, not 90"). The model sees the table as a preview, so it
can only send the row it changes; before this, that one row replaced the table, or was refused
as too few rows, and the superseded value stayed in the manual.
"""

from __future__ import annotations

from bot.core.merge import merge
from bot.core.slots import SLOT_BY_ID
from bot.llm.corrections import patch_correction
from bot.llm.extract import to_extraction
from bot.llm.models import ExtractionOut
from tests.llm.conftest import NOW, given, new_draft

METRICS = [
    ["ledger_nightly not finished", "by 06:00", "critical", "page"],
    ["HDFS capacity", "> 80%", "warning", ""],
    ["HDFS capacity", "> 90%", "critical", ""],
    ["Missing blocks", "> 0", "critical", ""],
]
COLUMNS = SLOT_BY_ID["metrics"].columns


def rows(cells: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in cells]


def test_a_corrected_row_replaces_the_row_it_names_and_keeps_the_others():
    fixed = rows([["ledger_nightly not finished", "by 05:30", "critical", "page"]])
    out = patch_correction(SLOT_BY_ID["metrics"], rows(METRICS), fixed)
    assert out == rows(
        [["ledger_nightly not finished", "by 05:30", "critical", "page"], *METRICS[1:]]
    )


def test_two_rows_with_one_name_are_told_apart_by_the_rest_of_the_row():
    fixed = rows([["HDFS capacity", "> 95%", "critical", ""]])
    out = patch_correction(SLOT_BY_ID["metrics"], rows(METRICS), fixed)
    assert isinstance(out, list)
    assert [r["threshold"] for r in out] == ["by 06:00", "> 80%", "> 95%", "> 0"]  # type: ignore[index]


def test_a_row_that_names_nothing_is_added_and_a_whole_restatement_is_kept():
    new = rows([["Replica lag", "> 2s", "warning", ""]])
    out = patch_correction(SLOT_BY_ID["metrics"], rows(METRICS), new)
    assert out == rows([*METRICS, ["Replica lag", "> 2s", "warning", ""]])
    whole = rows([[*METRICS[0][:1], "by 05:30", "critical", ""], *METRICS[1:]])
    assert patch_correction(SLOT_BY_ID["metrics"], rows(METRICS), whole) == whole
    assert patch_correction(SLOT_BY_ID["rto"], "4 hours", "2 hours") == "2 hours"
    assert patch_correction(SLOT_BY_ID["metrics"], None, new) == new


def test_a_list_entry_is_matched_by_its_words():
    steps = ["Restore the metadata from the latest dump", "Set cluster_target=dr", "Rerun"]
    fixed = ["Restore the metadata from the latest pg_dump on NFS"]
    out = patch_correction(SLOT_BY_ID["recovery_steps"], steps, fixed)
    assert out == [fixed[0], *steps[1:]]


def test_the_correction_reaches_the_draft_and_the_old_value_is_gone():
    draft = given(new_draft(), "metrics", rows(METRICS), author="nikhil")
    answer = ExtractionOut.model_validate(
        {
            "operations": [
                {
                    "slot_id": "metrics",
                    "op": "correct",
                    "value": [["ledger_nightly not finished", "by 05:30", "critical", "page"]],
                    "quote": "the SLA deadline is 05:30 now, not 06:00",
                }
            ],
            "unknown": [],
        }
    )
    reply = "actually, the SLA deadline is 05:30 now, not 06:00"
    extraction, dropped = to_extraction(answer, reply=reply, asked=[], draft=draft)
    assert not dropped
    result = merge(draft, extraction.updates, author="grete", reply_id=2, now=NOW)
    assert not result.rejected
    value = draft.value("metrics")
    assert isinstance(value, list)
    assert len(value) == len(METRICS)
    thresholds = [r["threshold"] for r in value]  # type: ignore[index]
    assert "by 05:30" in thresholds
    assert "by 06:00" not in thresholds
