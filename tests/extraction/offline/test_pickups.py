"""Rule 4: cautious pick-ups of tools, RTO/RPO, read-only commands and health coverage.

Why: engineers mention more than they are asked, and asking again wastes a turn; but a
pick-up never overwrites and never fires on hedged mentions ("we used to use Nagios").
"""

from __future__ import annotations

import pytest

from tests.extraction.offline.support import (
    new_draft,
    run,
    stored,
    values,
)

# ------------------------------------------------------------------ rule 4: pick-ups


def test_tools_are_picked_up_into_monitoring_slots() -> None:
    """Each tool lands in its monitoring field, the architecture (the question asked) keeps
    only its own sentence. Since the prose extractor these sentences are placed by what they
    say and kept as written, full stop included; pick-ups fill only what prose left open."""
    text = (
        "It's a Go service on EKS. We use Datadog APM for traces. Prometheus and Grafana watch "
        "the nodes, and PagerDuty pages the on-call. Logs go to Loki, kept 30 days."
    )
    found = values(text, "architecture")
    assert found["architecture"] == "It's a Go service on EKS."
    assert found["app_monitoring"] == "We use Datadog APM for traces."
    assert found["infra_monitoring"] == "Prometheus and Grafana watch the nodes"
    assert found["alerting"] == "PagerDuty pages the on-call."
    assert found["log_management"] == "Logs go to Loki, kept 30 days."
    assert stored(run(text, "architecture")).filled("log_management")


def test_a_long_logging_sentence_is_placed_whole_in_log_management() -> None:
    """Rewritten for the prose extractor: the sentence is placed by what it says (log
    management) and kept whole, tool names and retention included; the 800-word fitter, not the
    extractor, decides how much of it the manual shows (the details file keeps all of it)."""
    text = (
        "Everything about the platform, including the batch jobs and the public API and the "
        "admin console and the internal reporting, ships logs through Fluent Bit into Splunk "
        "where we keep them for 90 days and nobody looks at them much."
    )
    assert values(text, "architecture") == {"log_management": text}


def test_longest_tool_name_wins() -> None:
    """ "Grafana Loki" is a log store (not Grafana, infrastructure monitoring) and "Splunk
    On-Call" pages (it is not Splunk, logs). The labels "Logs:" and "Paging:" only repeat the
    field's name, so the prose extractor drops them from the value."""
    found = values("Logs: Grafana Loki. Paging: Splunk On-Call.", "rto")
    assert found == {"log_management": "Grafana Loki.", "alerting": "Splunk On-Call."}


def test_pick_up_never_overwrites_a_filled_slot() -> None:
    draft = new_draft(infra_monitoring="Zabbix on bare metal")
    found = values("We have Prometheus for the nodes.", "architecture", draft=draft)
    assert "infra_monitoring" not in found


def test_pick_up_never_touches_an_asked_slot() -> None:
    extraction = run("I don't know, ask the people who run Loki", "log_management")
    assert extraction.updates == ()
    assert extraction.unknown == ("log_management",)


@pytest.mark.parametrize(
    "text",
    [
        "We used to use Nagios but that is gone.",
        "We are not on PagerDuty.",
        "Should we move to Opsgenie?",
        "We are evaluating Honeycomb.",
        "Datadog is what finance pays for.",
    ],
)
def test_hedged_or_ambiguous_tool_mentions_are_ignored(text: str) -> None:
    monitoring = {"app_monitoring", "infra_monitoring", "log_management", "alerting"}
    assert not monitoring & set(values(text, "architecture"))


def test_rto_and_rpo_next_to_their_names_are_picked_up() -> None:
    found = values("Single region. RTO of 4 hours and RPO 15 minutes.", "architecture")
    assert (found["rto"], found["rpo"]) == ("4 hours", "15 minutes")


def test_durations_not_next_to_rto_are_ignored() -> None:
    found = values("The RTO drill takes 2 hours every quarter.", "architecture")
    assert "rto" not in found


def test_rto_pick_up_does_not_overwrite() -> None:
    draft = new_draft(rto="4 hours")
    assert "rto" not in values("Single region, RTO 1 hour.", "architecture", draft=draft)


def test_read_only_backticked_commands_become_diagnostic_commands() -> None:
    text = (
        "Start it with `systemctl start payments` and check with `systemctl status payments`; "
        "`kubectl get pods -n payments`, `kubectl delete pod x`, `tail -f /var/log/pay.log`."
    )
    found = values(text, "startup_steps")
    assert found["diagnostic_commands"] == [
        "`systemctl status payments`",
        "`kubectl get pods -n payments`",
        "`tail -f /var/log/pay.log`",
    ]


def test_health_check_coverage_is_picked_up() -> None:
    found = values("GET /health checks the database, redis and stripe.", "architecture")
    assert found["health_checks"] == ["database", "redis", "stripe"]


def test_health_check_json_keys_are_picked_up() -> None:
    text = '/health returns {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}'
    assert values(text, "architecture")["health_checks"] == ["database", "cache"]


def test_a_health_endpoint_alone_is_not_coverage() -> None:
    assert "health_checks" not in values("/healthz returns 200 when it is up", "architecture")
