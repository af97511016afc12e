"""On-the-spot corrections (``selffix``): "quarterly we renew... no, yearly, the cert".

Why: read literally, the sentence states the schedule the engineer took back, and the manual
would tell the on-call to renew a certificate four times a year.
"""

from __future__ import annotations

import pytest

from bot.extraction.offline.selffix import self_corrected
from tests.extraction.offline.support import values


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        (
            "quarterly we renew... no, yearly, the internal PKI cert, expires each march",
            "yearly we renew the internal PKI cert, expires each march",
        ),
        (
            "SQL backups are kept 30... sorry 35 days on the share",
            "SQL backups are kept 35 days on the share",
        ),
        ("heap alert at 85%… no 92%", "heap alert at 92%"),
        (
            "retention is 14 days. weekly... no, monthly copies go offsite",
            "retention is 14 days. monthly copies go offsite",
        ),
    ],
)
def test_the_word_taken_back_is_replaced(said: str, meant: str) -> None:
    assert self_corrected(said) == meant


@pytest.mark.parametrize(
    "said",
    [
        "we deploy tue-thu -- no, wait, only tuesdays",  # no word of the new one's kind before
        "it is fine... no, really",
        "retention is 14 days. weekly... no way",
        "a 5-minute window — no more than that",
    ],
)
def test_without_a_word_of_the_same_kind_nothing_is_guessed(said: str) -> None:
    assert self_corrected(said) == said


def test_the_manual_gets_the_corrected_schedule() -> None:
    got = values(
        "maintenance: quarterly we renew... no, yearly, the internal PKI cert for "
        "erp-bridge.nordwind.local, expires each march"
    )
    text = str(got)
    assert "yearly" in text or "maint_yearly" in got
    assert "quarterly" not in text
    assert "maint_quarterly" not in got
