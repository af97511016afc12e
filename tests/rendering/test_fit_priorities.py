"""The fitter: fits the budget, keeps facts, respects priorities (bot.rendering.fit)."""

from __future__ import annotations

import copy
import re

import pytest

from bot.contract.lint import lint_manual
from bot.core.outline import MAX_WORDS
from bot.core.slots import SLOT_BY_ID, SLOTS, SlotKind, Value
from bot.rendering.fit import fit_values
from bot.rendering.protected import known_names, value_words
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


def total(values: dict[str, Value]) -> int:
    return sum(value_words(v) for v in values.values())


def test_lowest_priority_is_trimmed_first():
    values = payments_values()
    values["maint_daily"] = str(values["maint_daily"]) + FLUFF  # priority 5
    values["architecture"] = str(values["architecture"]) + FLUFF  # priority 1
    assert SLOT_BY_ID["maint_daily"].priority == 5
    assert SLOT_BY_ID["architecture"].priority == 1
    out = fit_values(values, available=total(values) - 5).values
    assert value_words(out["maint_daily"]) < value_words(values["maint_daily"])
    assert "This is reviewed regularly" in str(out["architecture"])


def test_slots_over_their_budget_are_trimmed_before_any_slot_goes_below_budget():
    values = payments_values()
    values["architecture"] = str(values["architecture"]) + FLUFF * 4  # p1, far over budget
    values["maint_daily"] = "Review failed payments."  # p5, within its budget
    assert value_words(values["maint_daily"]) <= SLOT_BY_ID["maint_daily"].budget
    out = fit_values(values, available=total(values) - 5).values
    assert out["maint_daily"] == values["maint_daily"]
    assert value_words(out["architecture"]) < value_words(values["architecture"])


def test_never_empties_a_slot_and_keeps_min_rows():
    values = padded_values()
    values["common_issues"] = [
        {"issue": f"issue {n}", "symptoms": "pages are slow, users complain", "cause": "unknown",
         "resolution": "restart it, then watch closely"}
        for n in "abcde"
    ]  # fmt: skip
    out = fit_values(values, available=0).values
    for slot_id, value in out.items():
        assert value_words(value) > 0, slot_id
    assert len(out["common_issues"]) == SLOT_BY_ID["common_issues"].min_items == 3
    assert [r["issue"] for r in out["common_issues"]] == ["issue a", "issue b", "issue c"]  # type: ignore[index]


def test_commands_are_never_cut_inside():
    """A command is kept whole or given up whole: half a command is worse than none."""
    values = padded_values()
    commands = [
        f"`kubectl -n payments logs deploy/api-{n} --since=15m --tail=200`" for n in range(8)
    ]
    values["diagnostic_commands"] = commands
    out = fit_values(values, available=0).values
    assert out["diagnostic_commands"]
    assert all(c in commands for c in out["diagnostic_commands"])  # type: ignore[union-attr]


def test_input_is_not_modified_and_output_is_deterministic():
    values = padded_values()
    before = copy.deepcopy(values)
    first = fit_values(values, available=total(values) - 250)
    assert values == before
    assert fit_values(values, available=total(values) - 250) == first
    assert fit_values(values, available=10**6).shortened == ()


def test_known_names_come_from_mid_sentence_capitals():
    names = known_names({"external_services": "We depend on Stripe. Stripe retries."})
    assert "Stripe" in names
    assert "We" not in names


def test_the_render_loop_stops_once_it_fits_close_to_the_limit(renderer, monkeypatch):
    """It stopped only at exactly 800 words, so a manual at 799 was rendered again and again
    (five Jinja2 passes instead of two)."""
    from bot.rendering import render as module

    passes: list[int] = []
    original = module.Renderer.render_content

    def counting(self, content, legend=""):
        passes.append(1)
        return original(self, content, legend=legend)

    monkeypatch.setattr(module.Renderer, "render_content", counting)
    values = padded_values()
    result = renderer.render_budgeted(name=NAME, values=values, version=1, date=DATE, team=TEAM)
    assert MAX_WORDS - module.GAP <= result.word_count <= MAX_WORDS
    assert len(passes) <= 3
