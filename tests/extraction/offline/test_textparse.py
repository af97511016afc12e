"""Lists as engineers write them: lines, bullets, `;`, "then", arrows, escalation chains.

Why: steps and escalation levels are read in order by someone under pressure; a split in the
wrong place (inside a command, at a comma inside a step) changes what they do.
"""

from __future__ import annotations

import pytest

from tests.extraction.offline.support import (
    run,
    stored,
    updates,
    values,
)

# ------------------------------------------------------------------ items


@pytest.mark.parametrize(
    "text",
    [
        "start postgres\nrun migrations\nstart the api",
        "- start postgres\n* run migrations\n• start the api",
        "1. start postgres\n2. run migrations\n3. start the api",
        "start postgres; run migrations; start the api",
        "start postgres then run migrations then start the api",
        "first, start postgres, then run migrations, then start the api.",
        "1. start postgres 2. run migrations 3. start the api",
    ],
)
def test_items_split_on_lines_bullets_semicolons_and_then(text: str) -> None:
    assert values(text, "startup_steps")["startup_steps"] == [
        "start postgres",
        "run migrations",
        "start the api",
    ]


def test_items_do_not_split_inside_backticks() -> None:
    found = values("`psql -c 'select 1; select 2'`; `tail -f app.log`", "diagnostic_commands")
    assert found["diagnostic_commands"] == ["`psql -c 'select 1; select 2'`", "`tail -f app.log`"]


def test_a_list_of_code_spans_becomes_one_item_each() -> None:
    text = "`kubectl get pods -n payments`, `kubectl logs deploy/payments` and `psql -c 'select 1'`"
    assert values(text, "diagnostic_commands")["diagnostic_commands"] == [
        "`kubectl get pods -n payments`",
        "`kubectl logs deploy/payments`",
        "`psql -c 'select 1'`",
    ]


def test_plain_commas_do_not_split_steps() -> None:
    found = values("stop traffic, wait for drain", "startup_steps")
    assert found["startup_steps"] == ["stop traffic, wait for drain"]


LEVELS = ["on-call SRE", "platform team lead", "engineering manager", "CTO"]


@pytest.mark.parametrize(
    "text",
    [
        "on-call SRE -> platform team lead -> engineering manager -> CTO",
        "on-call SRE > platform team lead > engineering manager > CTO",
        "on-call SRE → platform team lead → engineering manager → CTO",
        "L1: on-call SRE L2: platform team lead L3: engineering manager L4: CTO",
        "Level 1 - on-call SRE\nLevel 2 - platform team lead\nLevel 3 - engineering manager\n"
        "Level 4 - CTO",
        "on-call SRE; platform team lead; engineering manager; CTO",
        "on-call SRE, platform team lead, engineering manager and CTO",
    ],
)
def test_escalation_chains(text: str) -> None:
    extraction = run(text, "escalation")
    assert updates(extraction)["escalation"].value == LEVELS
    assert stored(extraction).filled("escalation")
