"""What a duration is (``schema.parse_duration``): when "zero" and "none" mean zero minutes.

Why: an RPO of zero is a real answer, but "none defined" is the absence of one; reading it as
"0 minutes (no data loss)" would put a promise nobody made into the manual.
"""

from __future__ import annotations

import pytest

from bot.manual.schema import (
    ZERO_DURATION,
    is_zero_duration,
    parse_duration,
    slot,
    validate,
)

RPO = slot("rpo")


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
