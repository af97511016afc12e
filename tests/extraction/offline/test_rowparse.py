"""Table answers: components, metrics, backups, common issues and severity levels.

Why: the bot's hints promise `name: purpose`, pipes, `;`-separated rows and labelled cells; each
must give complete rows the core accepts, with cells nobody gave left empty, never invented.
"""

from __future__ import annotations

import pytest

from tests.extraction.offline.support import (
    run,
    stored,
    updates,
    values,
)

# ------------------------------------------------------------------ tables: components


@pytest.mark.parametrize(
    "text",
    [
        "api: serves REST\nworker: runs jobs\npostgres: stores orders",
        "api - serves REST; worker - runs jobs; postgres - stores orders",
        "api (serves REST)\nworker (runs jobs)\npostgres (stores orders)",
        "api — serves REST\nworker — runs jobs\npostgres — stores orders",
        "api | serves REST\nworker | runs jobs\npostgres | stores orders",
        "api | serves REST; worker | runs jobs; postgres | stores orders",
        "api (serves REST), worker (runs jobs), postgres (stores orders)",
    ],
)
def test_components_formats(text: str) -> None:
    extraction = run(text, "components")
    assert updates(extraction)["components"].value == [
        {"name": "api", "purpose": "serves REST"},
        {"name": "worker", "purpose": "runs jobs"},
        {"name": "postgres", "purpose": "stores orders"},
    ]
    assert stored(extraction).filled("components")


def test_component_purpose_keeps_its_commas() -> None:
    rows = values("api: REST, auth and billing", "components")["components"]
    assert rows == [{"name": "api", "purpose": "REST, auth and billing"}]


# ------------------------------------------------------------------ tables: metrics


def test_metrics_spec_example() -> None:
    rows = values("p99 latency > 800ms, critical, page on-call and check the DB pool", "metrics")
    assert rows["metrics"] == [
        {
            "metric": "p99 latency",
            "threshold": "> 800ms",
            "level": "Critical",
            "action": "page on-call and check the DB pool",
        }
    ]


@pytest.mark.parametrize(
    ("row", "metric", "threshold", "level", "action"),
    [
        ("error rate above 2% for 5 minutes, warning, check logs", "error rate",
         "above 2% for 5 minutes", "Warning", "check logs"),
        ("CPU over 90%: crit - scale out", "CPU", "over 90%", "Critical", "scale out"),
        ("free disk below 10 GB, warn, clean up old WAL", "free disk", "below 10 GB", "Warning",
         "clean up old WAL"),
        ("throughput under 50 req/s, ticket the team", "throughput", "under 50 req/s",
         "Warning", "ticket the team"),
        ("5xx >= 20 errors/min, page on-call", "5xx", ">= 20 errors/min", "Critical",
         "page on-call"),
        ("queue depth 1000 messages, restart consumers", "queue depth", "1000 messages",
         "Warning", "restart consumers"),
        ("memory > 85% (critical) restart pod", "memory", "> 85%", "Critical", "restart pod"),
    ],
)  # fmt: skip
def test_metric_rows(row: str, metric: str, threshold: str, level: str, action: str) -> None:
    assert values(row, "metrics")["metrics"] == [
        {"metric": metric, "threshold": threshold, "level": level, "action": action}
    ]


def test_three_metrics_are_accepted_by_the_core() -> None:
    text = (
        "p99 latency > 800ms, critical, page on-call\n"
        "error rate > 2%, warning, check Sentry\n"
        "CPU above 85% for 10m, warning, scale out"
    )
    draft = stored(run(text, "metrics"))
    assert draft.filled("metrics")
    assert [r["level"] for r in draft.value("metrics")] == ["Critical", "Warning", "Warning"]  # type: ignore[index, union-attr]


def test_metrics_markdown_table_with_header() -> None:
    text = (
        "| Metric | Threshold | Alert Level | Action Required |\n"
        "|--------|-----------|-------------|-----------------|\n"
        "| p99 | > 800ms | crit | page on-call |\n"
        "| errors | > 2% | warn | check logs |\n"
        "| CPU | > 90% | Critical | scale out |"
    )
    extraction = run(text, "metrics")
    rows = updates(extraction)["metrics"].value
    assert rows[0] == {  # type: ignore[index]
        "metric": "p99",
        "threshold": "> 800ms",
        "level": "Critical",
        "action": "page on-call",
    }
    assert [r["level"] for r in rows] == ["Critical", "Warning", "Critical"]  # type: ignore[index, union-attr]
    assert stored(extraction).filled("metrics")


# ------------------------------------------------------------------ tables: backups


def test_backups_row() -> None:
    text = "Postgres: daily, 30 days, S3 (eu-west-1, versioned), monthly restore test"
    assert values(text, "backups")["backups"] == [
        {
            "component": "Postgres",
            "frequency": "daily",
            "retention": "30 days",
            "location": "S3 (eu-west-1, versioned)",
            "verification": "monthly restore test",
        }
    ]


def test_backups_missing_trailing_cells_stay_empty_and_are_stored() -> None:
    extraction = run("Postgres: nightly pg_dump, 14 days\nRedis: hourly RDB snapshot", "backups")
    rows = updates(extraction)["backups"].value
    assert rows == [
        {"component": "Postgres", "frequency": "nightly pg_dump", "retention": "14 days",
         "location": "", "verification": ""},
        {"component": "Redis", "frequency": "hourly RDB snapshot", "retention": "",
         "location": "", "verification": ""},
    ]  # fmt: skip
    assert stored(extraction).filled("backups")


def test_backups_pipes_and_plain_commas() -> None:
    pipes = "Postgres | daily | 30 days | S3 | restore drill"
    commas = "Postgres, daily, 30 days, S3, restore drill"
    assert values(pipes, "backups") == values(commas, "backups")
    assert values(pipes, "backups")["backups"][0]["verification"] == "restore drill"  # type: ignore[index]


# ------------------------------------------------------------------ tables: common issues

ISSUE = {
    "issue": "DB pool exhausted",
    "symptoms": "500s on checkout",
    "cause": "connection leak",
    "resolution": "restart the pods",
}


@pytest.mark.parametrize(
    "text",
    [
        "DB pool exhausted: 500s on checkout / connection leak / restart the pods",
        "DB pool exhausted | 500s on checkout | connection leak | restart the pods",
        "DB pool exhausted: 500s on checkout; cause: connection leak; fix: restart the pods",
        "Issue: DB pool exhausted; symptoms: 500s on checkout; root cause: connection leak; "
        "resolution: restart the pods",
        "Issue: DB pool exhausted\nSymptoms: 500s on checkout\nCause: connection leak\n"
        "Fix: restart the pods",
    ],
)
def test_common_issue_formats(text: str) -> None:
    assert values(text, "common_issues")["common_issues"] == [ISSUE]


def test_semicolons_separate_full_pipe_rows() -> None:
    """The hint promises `issue | symptoms | cause | fix`, one per line or `;`-separated."""
    text = (
        "DB pool exhausted | 500s on checkout | connection leak | restart the pods; "
        "| Disk full | writes fail | logs not rotated | `logrotate -f x.conf; df -h` |;"
    )
    assert values(text, "common_issues")["common_issues"] == [
        ISSUE,
        {"issue": "Disk full", "symptoms": "writes fail", "cause": "logs not rotated",
         "resolution": "`logrotate -f x.conf; df -h`"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Disk full | writes fail; app returns 500s | logs not rotated | rotate logs",
        "Disk full | writes fail | logs not rotated | rotate logs; then restart",
        "Disk full | writes fail | logs not rotated; rotate logs | page",
    ],
)
def test_a_semicolon_inside_a_pipe_row_stays_in_its_cell(text: str) -> None:
    rows = values(text, "common_issues")["common_issues"]
    assert len(rows) == 1  # type: ignore[arg-type]
    assert rows[0]["issue"] == "Disk full"  # type: ignore[index]
    assert any(";" in cell for cell in rows[0].values())  # type: ignore[index]


def test_semicolon_separated_metric_pipe_rows() -> None:
    text = "p99 | > 800ms | crit | page on-call; errors | > 2% | warn | check logs"
    assert values(text, "metrics")["metrics"] == [
        {"metric": "p99", "threshold": "> 800ms", "level": "Critical", "action": "page on-call"},
        {"metric": "errors", "threshold": "> 2%", "level": "Warning", "action": "check logs"},
    ]


def test_three_issues_with_a_command_are_stored() -> None:
    text = (
        "DB pool exhausted: 500s / connection leak / restart pods\n"
        "Disk full: writes fail; cause: logs not rotated; fix: `logrotate -f x.conf; df -h`\n"
        "Slow checkout | p99 up | missing index | add the index"
    )
    extraction = run(text, "common_issues")
    rows = updates(extraction)["common_issues"].value
    assert len(rows) == 3  # type: ignore[arg-type]
    assert rows[1]["resolution"] == "`logrotate -f x.conf; df -h`"  # type: ignore[index]
    assert stored(extraction).filled("common_issues")


# ------------------------------------------------------------------ tables: severity levels


def test_severity_levels() -> None:
    text = (
        "P1: System down, data loss, 15 minutes, immediate\n"
        "P2: Major functionality affected, 1 hour, 2 hours\n"
        "P3: Minor functionality affected, 4 hours, 24 hours\n"
        "P4: Cosmetic issues, 24 hours, 72 hours"
    )
    extraction = run(text, "severity_levels")
    rows = updates(extraction)["severity_levels"].value
    assert rows[0] == {  # type: ignore[index]
        "level": "P1",
        "description": "System down, data loss",
        "response": "15 minutes",
        "escalation": "immediate",
    }
    assert stored(extraction).filled("severity_levels")
