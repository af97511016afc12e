"""The probe set (tests/data/secrets/), plain and as Slack delivers it (HTML-escaped).

Every must-redact value must be covered by a redaction from its first to its last character;
every must-keep text must come out unchanged. bench/bench_redact.py scores the same cases
against detect-secrets.
"""

from __future__ import annotations

import pytest

from bot.intake.redact import redact_secrets
from tests.intake.probe_set import Case, both_forms, covered, load, slack_escaped

REDACT = load("must_redact")
KEEP = load("must_keep")


def test_the_probe_set_is_as_wide_as_the_issue_asks() -> None:
    assert len(REDACT) >= 140
    assert len({c.format for c in REDACT}) >= 40
    assert len(KEEP) >= 70
    assert all(c.secrets for c in REDACT)
    assert not any(c.secrets for c in KEEP)


def test_slack_escaping_moves_the_spans_with_the_text() -> None:
    case = Case("x", "a&b <c> S3cr&t!", ((8, 15),))
    escaped = slack_escaped(case)
    assert escaped.text == "a&amp;b &lt;c&gt; S3cr&amp;t!"
    start, end = escaped.secrets[0]
    assert escaped.text[start:end] == "S3cr&amp;t!"


def test_covered_needs_every_character() -> None:
    assert covered((2, 8), [(0, 5), (5, 9)])
    assert not covered((2, 8), [(0, 5), (6, 9)])  # the 6th character survives
    assert not covered((2, 8), [])


@pytest.mark.parametrize("case", both_forms(REDACT), ids=lambda c: c.label)
def test_must_redact_leaves_no_part_of_the_secret(case: Case) -> None:
    result = redact_secrets(case.text)
    spans = [(r.start, r.end) for r in result.redactions]
    for start, end in case.secrets:
        assert covered((start, end), spans), (case.text[start:end], result.text)


@pytest.mark.parametrize("case", both_forms(KEEP), ids=lambda c: c.label)
def test_must_keep_is_unchanged(case: Case) -> None:
    assert redact_secrets(case.text).text == case.text
