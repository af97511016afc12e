"""The deterministic condenser: fits the budget, keeps facts, respects priorities."""

from __future__ import annotations

import copy
import re

import pytest

from bot.contract.lint import lint_manual
from bot.core.outline import MAX_WORDS
from bot.core.slots import SLOT_BY_ID, SLOTS, SlotKind, Value
from bot.rendering.condense import condense_text, condense_values, known_names, value_words
from bot.rendering.render import Renderer
from tests.rendering.test_render import DATE, NAME, TEAM, payments_values

FLUFF = " This is reviewed regularly by the whole team and kept up to date as things change."
CLAUSE = ", which the team usually handles without much trouble at all"


def padded_values() -> dict[str, Value]:
    """The realistic manual with unprotected padding on every prose slot: far over 800 words."""
    values = payments_values()
    for slot_def in SLOTS:
        value = values[slot_def.id]
        if slot_def.kind is SlotKind.TEXT and slot_def.id != "health_endpoint":  # a request line
            values[slot_def.id] = str(value) + FLUFF + FLUFF
        elif slot_def.kind is SlotKind.TABLE:
            rows = [dict(row) for row in value]  # type: ignore[union-attr]
            last = slot_def.columns[-1]
            rows[0][last] += CLAUSE
            values[slot_def.id] = rows  # type: ignore[assignment]
        elif slot_def.id in ("startup_steps", "recovery_steps"):
            values[slot_def.id] = [f"{item}{CLAUSE}" for item in value]  # type: ignore[union-attr]
    return values


def facts(values: dict[str, Value]) -> set[str]:
    """Tokens the condenser must never drop: numbers, paths, commands, names."""
    found = set()
    for value in values.values():
        texts = [value] if isinstance(value, str) else value
        for item in texts:
            for text in item.values() if isinstance(item, dict) else [item]:
                previous = "."  # a capital right after a sentence end may be any word
                for token in text.split():
                    word = token.strip("`\"'.,;:()")
                    mid_sentence = not previous.endswith((".", "!", "?"))
                    if re.search(r"[\d/`]", token) or (mid_sentence and word[:1].isupper()):
                        found.add(word)
                    previous = token
    return found


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_padded_manual_is_condensed_under_budget_and_lint_clean(renderer):
    values = padded_values()
    raw = renderer.render_budgeted(
        name=NAME, values=values, version=1, date=DATE, team=TEAM, max_words=100_000
    )
    assert raw.word_count > MAX_WORDS + 300
    result = renderer.render_budgeted(name=NAME, values=values, version=1, date=DATE, team=TEAM)
    report = lint_manual(result.markdown)
    assert report.ok, report.format()
    assert result.word_count <= MAX_WORDS
    assert result.condensed
    assert "This is reviewed regularly" not in result.markdown


def test_numbers_paths_commands_and_names_survive(renderer):
    values = padded_values()
    result = renderer.render_budgeted(name=NAME, values=values, version=1, date=DATE, team=TEAM)
    text = result.markdown.replace("\\|", "|")
    missing = sorted(token for token in facts(values) if token not in text)
    assert missing == []
    command = "kubectl -n payments logs deploy/payments-api --since=15m"
    for fact in ("800 ms", "eu-central-1", "`REINDEX CONCURRENTLY`", "PagerDuty", command):
        assert fact in text


def test_lowest_priority_is_trimmed_first():
    values = payments_values()
    values["maint_daily"] = str(values["maint_daily"]) + FLUFF  # priority 5
    values["architecture"] = str(values["architecture"]) + FLUFF  # priority 1
    assert SLOT_BY_ID["maint_daily"].priority == 5
    assert SLOT_BY_ID["architecture"].priority == 1
    out = condense_values(values, words_over=5)
    assert out["maint_daily"] == payments_values()["maint_daily"]
    assert out["architecture"] == values["architecture"]


def test_within_a_priority_the_slot_most_over_budget_goes_first():
    values = payments_values()
    values["maint_daily"] = str(values["maint_daily"]) + FLUFF + FLUFF
    values["maint_weekly"] = str(values["maint_weekly"]) + FLUFF
    out = condense_values(values, words_over=3)
    assert out["maint_daily"] == str(payments_values()["maint_daily"]) + FLUFF
    assert out["maint_weekly"] == values["maint_weekly"]


def test_slots_over_their_budget_are_trimmed_before_any_slot_goes_below_budget():
    values = payments_values()
    values["architecture"] = str(values["architecture"]) + FLUFF * 4  # p1, far over budget
    values["maint_daily"] = "Review failed payments."  # p5, within its budget
    assert value_words(values["maint_daily"]) <= SLOT_BY_ID["maint_daily"].budget
    out = condense_values(values, words_over=5)
    assert out["maint_daily"] == values["maint_daily"]
    assert value_words(out["architecture"]) < value_words(values["architecture"])


def test_never_empties_a_slot_and_keeps_min_rows():
    values = padded_values()
    values["common_issues"] = [
        {"issue": f"issue {n}", "symptoms": "pages are slow, users complain", "cause": "unknown",
         "resolution": "restart it, then watch closely"}
        for n in "abcde"
    ]  # fmt: skip
    values["common_issues"][3]["issue"] = "flaky pages"  # type: ignore[index]
    values["common_issues"][4]["issue"] = "slow pages"  # type: ignore[index]
    out = condense_values(values, words_over=100_000)
    for slot_id, value in out.items():
        assert value_words(value) > 0, slot_id
    rows = out["common_issues"]
    assert len(rows) == SLOT_BY_ID["common_issues"].min_items == 3
    assert rows[0] == {"issue": "issue a", "symptoms": "pages are slow", "cause": "unknown",
                       "resolution": "restart it"}  # fmt: skip
    assert out["architecture"].startswith("FastAPI on Amazon EKS behind an AWS ALB.")  # type: ignore[union-attr]


def test_commands_and_health_checks_are_never_touched():
    values = padded_values()
    values["diagnostic_commands"] = ["check pods, then logs, then the database too"]
    values["health_checks"] = ["database, primary only, please check it"]
    out = condense_values(values, words_over=100_000)
    assert out["diagnostic_commands"] == values["diagnostic_commands"]
    assert out["health_checks"] == values["health_checks"]


def test_input_is_not_modified_and_output_is_deterministic():
    values = padded_values()
    before = copy.deepcopy(values)
    first = condense_values(values, words_over=250)
    assert values == before
    assert condense_values(values, words_over=250) == first
    assert condense_values(values, words_over=0) == values


# ---------------------------------------------------------------- one step on text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Restart the pods. This usually helps a lot.", "Restart the pods."),
        ("Restart it. It takes 5 minutes. This helps.", "Restart it. It takes 5 minutes."),
        ("Restart the pods. It takes 5 minutes.", None),
        ("Scale the workers, which usually clears the backlog.", "Scale the workers."),
        ("Scale the workers, then run `kubectl get pods`.", None),
        ("Scale the workers (this is safe) before noon.", "Scale the workers before noon."),
        ("Scale the workers (see RB-12) before noon.", None),
        ("Run `a, b, c` now, or later.", "Run `a, b, c` now."),
        ("Use caches, e.g. local ones. Then wait.", "Use caches, e.g. local ones."),
        ("Logs live on disk, under /var/log/app.", None),
        ("Read the docs, at https://example.com/docs.", None),
        ("Page the lead, or Maria on weekends.", None),
        ("Only one sentence here.", None),
        ("שלום עולם. עוד משפט.", "שלום עולם."),
    ],
)  # fmt: skip
def test_condense_text_removes_one_unprotected_unit(text, expected):
    assert condense_text(text) == expected


def test_sentence_initial_names_are_recognised_from_other_values():
    text = "Use the dashboard. Stripe retries on its own."
    assert condense_text(text) == "Use the dashboard."
    names = known_names({"external_services": "We depend on Stripe."})
    assert "Stripe" in names
    assert condense_text(text, names=names) is None
