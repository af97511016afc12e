"""What a slot may hold and what a duration is (``bot.core.values``).

Why: ``validate`` is the gate between any extractor (rules or a model) and a finished manual.
A value the linter would reject later (a "TBD", an empty "**", a pasted blob) must be refused
here, with a reason the engineer can act on, or the interview "completes" into a manual that
does not pass its own output contract.
"""

from __future__ import annotations

import pytest

from bot.contract.lint import find_placeholders
from bot.core.slots import slot
from bot.core.values import (
    PASTE_TOKEN_CHARS,
    ZERO_DURATION,
    is_zero_duration,
    parse_duration,
    text_problem,
    validate,
)

ARCH = slot("architecture")
STEPS = slot("startup_steps")
COMPONENTS = slot("components")
RPO = slot("rpo")
ROWS = [
    {"name": "api", "purpose": "REST"},
    {"name": "worker", "purpose": "settles payments"},
    {"name": "scheduler", "purpose": "payouts"},
]


# ------------------------------------------------------------------ text


@pytest.mark.parametrize("text", [".", "**", "#", "|", ">", "``", "---", "…", "—"])
def test_text_without_a_letter_or_digit_needs_words(text: str) -> None:
    assert validate(ARCH, text) == ["Architecture needs some words"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("TODO: ask Bob", "TODO"),
        ("[TBD]", "TBD"),
        ("???", "???"),
        ("lorem ipsum", "lorem ipsum"),
        ("Go API on EKS, database TBC", "TBC"),
        ("N/A", "N/A"),
        ("runs on {cloud provider}", "{cloud provider}"),
    ],
)
def test_text_the_linter_would_reject_is_a_placeholder(text: str, found: str) -> None:
    assert find_placeholders(text)  # the same rule as the finished manual's
    assert validate(ARCH, text) == [
        f"Architecture looks like a placeholder ({found}): give the real value or say I don't know"
    ]


def test_a_pasted_blob_is_not_an_answer() -> None:
    blob = "x" * 9000
    assert validate(ARCH, blob) == ["Architecture looks like pasted data, not an answer"]
    assert validate(ARCH, f"Go API on EKS; config {blob}") != []


@pytest.mark.parametrize(
    "text",
    [
        "Go API on EKS behind an ALB",
        "Todo app on Heroku",  # "todo" as a word is not the TODO marker
        "image `" + "a" * (PASTE_TOKEN_CHARS + 50) + "`",  # long, but quoted as code
        "dashboard at https://grafana.example.com/d/" + "a" * PASTE_TOKEN_CHARS,
        "a" * PASTE_TOKEN_CHARS,
        "Только русский текст",
    ],
)
def test_ordinary_text_is_valid(text: str) -> None:
    assert validate(ARCH, text) == []
    assert text_problem(text) == ""


# ------------------------------------------------------------------ lists and tables


def test_each_entry_of_a_list_is_checked() -> None:
    assert validate(STEPS, ["scale up", "verify"]) == []
    assert validate(STEPS, ["scale up", "**"]) == ["Startup sequence entry 2 needs some words"]
    assert validate(STEPS, ["TBD"]) == [
        "Startup sequence entry 1 looks like a placeholder (TBD): give the real value or say "
        "I don't know"
    ]


def test_each_cell_of_a_table_is_checked() -> None:
    assert validate(COMPONENTS, ROWS) == []
    todo = [*ROWS[:2], {"name": "scheduler", "purpose": "TODO"}]
    assert validate(COMPONENTS, todo) == [
        "Key components row 3: the purpose looks like a placeholder (TODO): give the real value "
        "or say I don't know"
    ]
    assert validate(COMPONENTS, [*ROWS[:2], {"name": "**", "purpose": "jobs"}]) == [
        "Key components row 3: the name needs some words"
    ]


def test_a_cell_without_words_outside_the_first_column_is_fine() -> None:
    assert validate(COMPONENTS, [*ROWS[:2], {"name": "scheduler", "purpose": "-"}]) == []


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    "text",
    [
        "none",
        "zero",
        "0",
        "no data loss",
        "zero data loss",
        "Zero.",
        "RPO is zero",
        "no data loss, it's synchronous",
        "zero (no data loss)",
    ],
)
def test_zero_as_the_whole_answer_is_zero_minutes(text: str) -> None:
    assert is_zero_duration(text)
    assert parse_duration(text) == (0.0, ZERO_DURATION)
    assert validate(RPO, text) == []


def test_a_zero_correction_is_zero() -> None:
    # what a correction hands over after the slot name ("5 minutes" is negated, which
    # ``textparse.first_duration`` sees before it asks about zero)
    assert is_zero_duration(" is zero, not 5 minutes")


@pytest.mark.parametrize(
    "text",
    [
        "none defined",
        "we have none",
        "zero tolerance? not defined",
        "zero? not sure",
        "none, it is not defined yet",
        "near zero",
        "0.5",
        "",
    ],
)
def test_zero_inside_other_words_is_not_a_duration(text: str) -> None:
    assert not is_zero_duration(text)
    assert parse_duration(text) is None
    assert validate(RPO, text) == ["RPO needs a duration such as '4 hours' or '15 minutes'"]


def test_durations_with_a_number_are_unchanged() -> None:
    assert parse_duration("4h") == (240.0, "4 hours")
    assert parse_duration("RPO 15 min, not zero") == (15.0, "15 minutes")
    assert parse_duration(ZERO_DURATION) == (0.0, "0 minutes")


def test_every_slot_names_a_subsection_of_the_spec() -> None:
    from bot.core.slots import outline_check

    outline_check()


def test_every_subsection_of_the_spec_has_a_slot() -> None:
    from bot.core.outline import OUTLINE
    from bot.core.slots import SLOTS

    covered = {s.subsection for s in SLOTS}
    missing = [
        sub.number for sec in OUTLINE for sub in sec.subsections if sub.number not in covered
    ]
    assert missing == []


def test_value_texts_reaches_every_cell_and_item() -> None:
    from bot.core.slots import value_texts

    assert value_texts("a b") == ["a b"]
    assert value_texts(["x", "y"]) == ["x", "y"]
    assert value_texts([{"name": "api", "purpose": "REST"}]) == ["api", "REST"]


def test_an_alert_on_a_state_is_a_threshold() -> None:
    """ "cluster status red → critical" and "ceph HEALTH_ERR" are exact alert conditions."""
    from bot.core.slots import SLOT_BY_ID
    from bot.core.values import row_problems

    metrics = SLOT_BY_ID["metrics"]
    for threshold in ("red", "status yellow for 15 min", "HEALTH_ERR", "not SYNCHRONIZED"):
        row = {"metric": "cluster", "threshold": threshold, "level": "Critical", "action": "page"}
        assert row_problems(metrics, row) == [], threshold
    vague = {"metric": "cluster", "threshold": "max_connections", "level": "Warning", "action": ""}
    assert row_problems(metrics, vague) == ["the threshold needs a number or a state such as 'red'"]


def test_a_path_parameter_is_not_a_placeholder() -> None:
    from bot.contract.lint import find_placeholders
    from bot.core.values import text_problem

    assert text_problem("DSAR deletes call `DELETE /users/{id}` on the admin API") == ""
    assert find_placeholders("tail -f /var/log/app.log; systemctl status {service_name}")
