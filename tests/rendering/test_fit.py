"""Fitting every value into the words left (``fit``) and well-known tool names (``terms``).

Why: completion is guaranteed only if the fitter always reaches the words it is given when the
floors allow it, and what it gives up first must be what matters least at 3 a.m.: the bot's
own proposals, then words far over a part's budget, and only then an engineer's commands.
"""

from __future__ import annotations

from bot.core.slots import Value
from bot.rendering.clauses import words
from bot.rendering.fit import fit_values
from bot.rendering.marks import MARK
from bot.rendering.terms import is_name

VALUES: dict[str, Value] = {
    "architecture": (
        "9 node Elasticsearch 8.11.3 cluster on-prem in our fra2 DC, 3 dedicated masters "
        "(es-m01..03) and 6 data nodes (es-d01..06). the website hits atlas-query, a spring boot "
        "service on 4 VMs (qry01-04) behind haproxy, which builds the actual ES queries"
    ),
    "diagnostic_commands": [
        "`curl -s localhost:9200/_cluster/allocation/explain?pretty`",
        "`curl -s localhost:9200/_nodes/hot_threads`",
    ],
    "maint_daily": (
        "daily the on-call checks the Atlas / Cluster dash and that last night's snapshot is "
        f"SUCCESS, and honestly also whatever else looks weird on the dashboards that day {MARK}"
    ),
    "growth": "Assume 15% per quarter; review monthly. " + MARK,
}


def total(values: dict[str, Value]) -> int:
    out = 0
    for value in values.values():
        texts = [value] if isinstance(value, str) else [str(v) for v in value]
        out += sum(words(t) for t in texts)
    return out


def test_the_values_fit_the_words_available() -> None:
    for available in (80, 60, 45):
        fitted = fit_values(VALUES, available=available)
        assert fitted.words <= available
        assert total(fitted.values) == fitted.words


def test_proposals_give_way_before_an_engineers_commands() -> None:
    fitted = fit_values(VALUES, available=60)
    assert fitted.values["diagnostic_commands"] == VALUES["diagnostic_commands"]
    assert "maint_daily" in fitted.shortened
    assert "es-m01..03" in str(fitted.values["architecture"])


def test_nothing_is_shortened_when_it_fits() -> None:
    fitted = fit_values(VALUES, available=500)
    assert fitted.shortened == ()
    assert fitted.values["diagnostic_commands"] == VALUES["diagnostic_commands"]


def test_values_of_unknown_slots_pass_through() -> None:
    fitted = fit_values({"not_a_slot": "x y z", **VALUES}, available=40)
    assert fitted.values["not_a_slot"] == "x y z"


def test_tool_names_typed_in_lower_case_are_names() -> None:
    assert is_name("haproxy")
    assert is_name("PagerDuty")
    assert not is_name("vault")  # an English word as well: not counted as a name


def test_the_engineers_casing_is_kept() -> None:
    """A lower-case tool name is often a command typed in prose: it must reach the manual as
    typed ("argocd app rollback payments-api", never "ArgoCD app rollback")."""
    values: dict[str, Value] = {
        "rollback": "argocd app rollback payments-api, then watch the error rate in grafana",
        **VALUES,
    }
    fitted = fit_values(values, available=70)
    assert "argocd app rollback payments-api" in str(fitted.values["rollback"])
