"""Alert, issue, component and severity rows written as prose (``prose_rows``).

Why: engineers write "disk used > 80% → warning, > 88% → critical" and "1) unassigned shards →
someone forgot to re-enable allocation → PUT _cluster/settings", never a table. Each row must
come out with its threshold, level, cause and fix in the right columns; a column nobody gave
stays empty, never invented.
"""

from __future__ import annotations

from bot.extraction.offline.component_rows import component_rows
from bot.extraction.offline.prose_rows import (
    issue_row,
    metric_rows,
    prose_issue_row,
    severity_rows,
)
from tests.extraction.offline.support import values


def test_one_sentence_two_alert_rows() -> None:
    rows = metric_rows("disk used > 80% → warning, > 88% → critical (ES high watermark is 90%)")
    assert [(r["metric"], r["threshold"], r["level"]) for r in rows] == [
        ("disk used", "> 80%", "Warning"),
        ("disk used", "> 88%", "Critical"),
    ]


def test_a_state_is_a_threshold_and_paging_is_critical() -> None:
    [row] = metric_rows("cluster status red → critical, pages immediately")
    assert (row["metric"], row["threshold"], row["level"]) == ("cluster status", "red", "Critical")
    assert row["action"] == "pages immediately"


def test_a_duration_stays_with_its_threshold() -> None:
    [row] = metric_rows("JVM heap > 85% on any node for 10 min → warning, look at hot_threads")
    assert row["threshold"] == "> 85% on any node for 10 min"
    assert row["action"] == "look at hot_threads"


def test_issue_rows_from_arrows() -> None:
    row = issue_row(
        "unassigned shards after a restart → someone forgot to re-enable allocation → "
        "PUT _cluster/settings with enable all"
    )
    assert row == {
        "issue": "unassigned shards after a restart",
        "symptoms": "",
        "cause": "someone forgot to re-enable allocation",
        "resolution": "PUT _cluster/settings with enable all",
    }
    assert issue_row("no arrows here") is None


def test_issue_rows_from_because_and_fix() -> None:
    row = prose_issue_row(
        "consumer lag climbing, usually because a poison message blocks the partition, fix: "
        "skip it with the admin tool"
    )
    assert row is not None
    assert row["cause"] == "a poison message blocks the partition"
    assert row["resolution"] == "skip it with the admin tool"


def test_components_named_with_their_purpose() -> None:
    rows = component_rows(
        "the ingest worker (reads SQS), the renderer (builds PDFs) and the sender (emails them)"
    )
    assert [(r["name"], r["purpose"]) for r in rows] == [
        ("ingest worker", "reads SQS"),
        ("renderer", "builds PDFs"),
        ("sender", "emails them"),
    ]


def test_severity_rows_from_one_line() -> None:
    rows = severity_rows(
        "P1 = search down or returning empty results, P2 = p99 over 2s or stale by more than "
        "30 min, P3 = one node down"
    )
    assert [r["level"] for r in rows] == ["P1", "P2", "P3"]
    assert rows[0]["description"] == "search down or returning empty results"
    assert rows[1]["response"] == ""  # "stale by more than 30 min" describes, it is no response
    [row] = severity_rows("SEV1 = players can't log in or can't get matches, ack within 5 min")
    assert row["response"] == "5 min"


def test_where_state_lives_names_the_store_as_the_component() -> None:
    """ "state lives in DynamoDB (table …)" was a component called "state lives in DynamoDB"."""
    from bot.extraction.offline.component_rows import component_rows

    assert component_rows("state lives in DynamoDB (table lumen-deliveries)") == [
        {"name": "DynamoDB", "purpose": "state; table lumen-deliveries"}
    ]
    assert component_rows("sessions are kept in Redis") == [
        {"name": "Redis", "purpose": "sessions"}
    ]


def test_a_batch_deadline_is_a_threshold() -> None:
    """ "job not finished by 05:00 = critical" was refused: the threshold needs a number or a
    state, and the row read no threshold at all."""
    from bot.extraction.offline.prose_rows import metric_rows

    assert metric_rows("job not finished by 05:00 = critical, page via Opsgenie") == [
        {
            "metric": "job",
            "threshold": "not finished by 05:00",
            "level": "Critical",
            "action": "page via Opsgenie",
        }
    ]


def test_a_constant_before_a_comparison_is_part_of_the_metric_name() -> None:
    from bot.extraction.offline.component_rows import component_rows
    from bot.extraction.offline.prose_rows import metric_rows

    assert metric_rows("Oracle tablespace BILLING_DATA > 85% = warning, ask the DBA") == [
        {
            "metric": "Oracle tablespace BILLING_DATA",
            "threshold": "> 85%",
            "level": "Warning",
            "action": "ask the DBA",
        }
    ]
    rows = component_rows("main bits: the extractor (pulls usage), the rater (applies plans)")
    assert [r["name"] for r in rows] == ["extractor", "rater"]


def test_alerts_written_the_zabbix_way() -> None:
    """Levels named "high"/"disaster", a state instead of a number, "older than", a duration
    after the number and a place after the threshold: each is one clean row."""
    said = "\n".join(
        [
            "alerts we actually care about:",
            "- order queue (nwb.orders.in) depth > 500 for 10 min → high, check the worker",
            "- dead letter queue nwb.dlx has anything older than 30 min → warning",
            "- AG sync state not SYNCHRONIZED → disaster, pages immediately",
            "- disk free < 15% on the SQL data volume (E:) → high",
            "- stock sync hasn't succeeded for 30 min → high",
        ]
    )
    rows = values(said)["metrics"]
    assert isinstance(rows, list)
    got = [(r["threshold"], r["level"], r["action"]) for r in rows]
    assert got == [
        ("> 500 for 10 min", "High", "check the worker"),
        ("older than 30 min", "Warning", ""),
        ("not SYNCHRONIZED", "Critical", "pages immediately"),
        ("< 15%", "High", ""),
        ("hasn't succeeded for 30 min", "High", ""),
    ]
    assert rows[3]["metric"] == "disk free on the SQL data volume (E:)"


def test_one_alert_two_ways_to_trip_it_and_a_state_with_its_word() -> None:
    rows = values(
        "alerts:\n- fp-enricher consumer lag > 10 min behind (or > 2M msgs) → critical\n"
        "- BigQuery sink connector in FAILED state → warning, the data is still in kafka"
    )["metrics"]
    assert isinstance(rows, list)
    assert [(r["metric"], r["threshold"], r["level"]) for r in rows] == [
        ("fp-enricher consumer lag", "> 10 min or > 2M msgs", "Critical"),
        ("BigQuery sink connector", "FAILED state", "Warning"),
    ]


def test_a_component_described_with_is_keeps_every_verb_of_its_purpose() -> None:
    """ "fp-rules is the alert engine (…), it publishes to Pub/Sub" lost "publishes"."""
    rows = values(
        "rest of the components: fp-rules is the alert engine (frost alerts etc.), it publishes "
        "to Pub/Sub → the notifications service. device registry is Cloud SQL (fp-registry)",
        "components",
    )["components"]
    assert isinstance(rows, list)
    assert rows[0] == {
        "name": "fp-rules",
        "purpose": "the alert engine (frost alerts etc.), it publishes to Pub/Sub → the "
        "notifications service",
    }
    assert rows[1]["name"] == "device registry"


def test_silence_either_state_and_days() -> None:
    rows = values(
        "alerts:\n- a channel in ERROR or STOPPED state (one that should be started) → P1, pages\n"
        "- no ADT from Epic for 5 min between 06:00 and 22:00 (15 min overnight) → P1, pages\n"
        "- TLS cert expiring in < 21 days → warning\n- any channel queued > 800 for 10 min → P2"
    )["metrics"]
    assert isinstance(rows, list)
    assert [(r["metric"], r["threshold"], r["level"]) for r in rows] == [
        ("a channel", "ERROR or STOPPED state (one that should be started)", "Critical"),
        ("ADT from Epic", "none for 5 min between 06:00 and 22:00 (15 min overnight)", "Critical"),
        ("TLS cert expiring", "< 21 days", "Warning"),
        ("any channel queued", "> 800 for 10 min", "High"),
    ]


def test_what_is_kept_where_names_the_store() -> None:
    rows = values(
        "the pieces: kid-auth (login UI), and kid-events which pushes user.created from the "
        "outbox. data is in Azure SQL (Business Critical, 8 vCores) with the failover group "
        "kid-fog, sessions + rate limit counters in Azure Cache for Redis Premium",
        "components",
    )["components"]
    assert isinstance(rows, list)
    named = {r["name"]: r["purpose"] for r in rows}
    assert named["kid-events"].startswith("pushes")
    sql = "data; Business Critical, 8 vCores; with the failover group kid-fog"
    assert named["Azure SQL"] == sql
    assert named["Azure Cache for Redis Premium"] == "sessions + rate limit counters"


def test_a_data_label_names_its_store_first() -> None:
    """ "profiles" read as profiling (7.2), and "data: Aurora …, …" gave no component."""
    rows = values(
        "data: Aurora PostgreSQL 15, one cluster skyforge-prod per region, 1 writer + 2 readers, "
        "holds profiles/inventory/match_history. redis is ElastiCache 7 in cluster mode. "
        "telemetry events go to kinesis → the data lake",
        "components",
    )["components"]
    assert isinstance(rows, list)
    assert [r["name"] for r in rows] == ["Aurora PostgreSQL 15", "redis", "telemetry events"]
    assert rows[0]["purpose"].startswith("one cluster skyforge-prod per region")


def test_a_flow_written_as_sentences_names_each_part() -> None:
    rows = component_rows(
        "from there tw-enricher (Lambda, batch 500) adds geo data and writes to "
        "tw-events-enriched. Firehose drops everything into S3 as parquet for Athena"
    )
    assert [r["name"] for r in rows] == ["tw-enricher"]
    assert component_rows("Firehose drops everything into S3 as parquet for Athena") == [
        {"name": "Firehose", "purpose": "drops everything into S3 as parquet for Athena"}
    ]
