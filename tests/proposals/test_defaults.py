"""Defaults must complete any draft with specific, valid, placeholder-free, budget-sized values."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime

import pytest

from bot.contract.lint import count_words, find_placeholders
from bot.core.draft import Draft, Op, Scope, SlotUpdate
from bot.core.merge import apply_machine_values, merge
from bot.core.slots import SLOT_BY_ID, SLOT_IDS, SLOTS, Value
from bot.core.values import normalise, validate
from bot.proposals.context import Ops, build_context
from bot.proposals.defaults import propose_defaults
from bot.proposals.wording import ENGINES, PLATFORM_OPS

NOW = datetime(2024, 1, 1, tzinfo=UTC)
PLACEHOLDERS = re.compile(
    r"\{[^}]*\}|\bTBD\b|\bTODO\b|\bN/A\b|lorem|<[^>\s]*>|\bXXX\b|\byour[-_ ]", re.IGNORECASE
)
COMPONENTS = [
    {"name": "API gateway", "purpose": "Routes and authenticates requests"},
    {"name": "Ledger", "purpose": "Books every transaction"},
    {"name": "Reconciler", "purpose": "Matches bank statements nightly"},
]


def make_draft(name: str = "Payments API", **values: Value) -> Draft:
    draft = Draft(name, Scope("T1", "C1"), "U1", NOW, NOW)
    result = merge(
        draft,
        [SlotUpdate(slot_id, Op.SET, value) for slot_id, value in values.items()],
        author="U1",
        reply_id=1,
        now=NOW,
    )
    assert not result.rejected, result.rejected
    return draft


def rich_draft() -> Draft:
    return make_draft(
        components=COMPONENTS,
        infrastructure="EKS on AWS with PostgreSQL (RDS), Redis and SQS",
        architecture="Owned by the Payments team; the gateway calls the ledger.",
        app_monitoring="Datadog APM and dashboards",
        alerting="PagerDuty, routed per service",
    )


def words(value: Value) -> int:
    """Word count exactly as the linter counts the finished manual."""
    if isinstance(value, str):
        return count_words(value)
    return sum(words(v) if isinstance(v, str) else words(" ".join(v.values())) for v in value)


def strings(value: Value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [s for v in value for s in ([v] if isinstance(v, str) else list(v.values()))]


def proposals(draft: Draft) -> dict[str, tuple[Value, Op]]:
    return {slot_id: (value, op) for slot_id, value, op in propose_defaults(draft)}


def total_words(draft: Draft) -> int:
    return sum(words(value) for value, _ in proposals(draft).values())


# A spread of systems, so every engine and platform wording is exercised for shape and budget.
VARIANTS = {
    "empty": {},
    "rich": None,
    "mysql-vms": {"infrastructure": "MySQL 8 on VMs managed by systemd, Memcached"},
    "mongo-ecs": {"infrastructure": "MongoDB Atlas, ECS Fargate, Kafka", "alerting": "Opsgenie"},
    "dynamo-lambda": {"infrastructure": "Lambda functions with DynamoDB and SQS on AWS"},
    "cassandra-docker": {"infrastructure": "Cassandra cluster, Docker Compose on bare metal"},
    "sqlserver-aks": {"infrastructure": "AKS on Azure with SQL Server", "components": COMPONENTS},
    "oracle-gke": {"infrastructure": "Oracle database, GKE, Pub/Sub, Grafana and Prometheus"},
    "redis-only": {"infrastructure": "Kubernetes with Redis as the only data store"},
    "aurora": {"infrastructure": "Aurora PostgreSQL on EKS", "log_management": "Splunk, 90 days"},
}


def variant(key: str) -> Draft:
    values = VARIANTS[key]
    return rich_draft() if values is None else make_draft(**values)


@pytest.fixture(params=sorted(VARIANTS))
def draft(request: pytest.FixtureRequest) -> Draft:
    return variant(request.param)


def test_every_unfilled_slot_gets_exactly_one_proposal(draft: Draft) -> None:
    ids = [slot_id for slot_id, _, _ in propose_defaults(draft)]
    assert len(ids) == len(set(ids))
    assert set(ids) == {s for s in SLOT_IDS if not draft.filled(s)}
    apply_machine_values(draft, propose_defaults(draft), now=NOW)
    assert all(draft.filled(slot_id) for slot_id in SLOT_IDS)
    assert propose_defaults(draft) == []


def test_values_have_the_slot_shape_and_validate(draft: Draft) -> None:
    for slot_id, value, op in propose_defaults(draft):
        slot_def = SLOT_BY_ID[slot_id]
        assert op in (Op.DEFAULT, Op.INFERRED)
        assert validate(slot_def, normalise(slot_def, value)) == [], slot_id
        assert normalise(slot_def, value) == value, f"{slot_id} is not already normalised"
        if slot_def.columns:
            assert all(set(row) == set(slot_def.columns) for row in value), slot_id  # type: ignore[union-attr]


def test_no_placeholders_and_markdown_safe(draft: Draft) -> None:
    for slot_id, value, _ in propose_defaults(draft):
        for text in strings(value):
            assert not PLACEHOLDERS.search(text), (slot_id, text)
            assert not find_placeholders(text), (slot_id, text)
            assert "|" not in text, (slot_id, text)
            assert "\n" not in text, (slot_id, text)
            assert not text.startswith("#"), (slot_id, text)
            assert text.count("`") % 2 == 0, (slot_id, text)


def test_each_value_fits_its_word_budget(draft: Draft) -> None:
    over = {
        slot_id: (words(value), SLOT_BY_ID[slot_id].budget)
        for slot_id, value, _ in propose_defaults(draft)
        if words(value) > SLOT_BY_ID[slot_id].budget
    }
    assert not over


# The template's own headings, labels and fixed steps take about 300 of the 800 words (measured
# by bot.rendering.render.Renderer.template_overhead); defaults must leave room for real answers.
TEMPLATE_OVERHEAD = 310


def test_defaults_stay_terse_enough_for_an_800_word_manual() -> None:
    for slot_id, value, _ in propose_defaults(make_draft()):
        if isinstance(value, str):
            assert words(value) <= 10, slot_id
    # A draft with nothing but a name must finish within 800 words without any condensing.
    assert total_words(make_draft()) + TEMPLATE_OVERHEAD <= 800
    # Context adds names and commands, but never much: real answers need the room.
    assert total_words(rich_draft()) <= total_words(make_draft()) + 25


def test_filled_slots_are_never_overridden() -> None:
    draft = rich_draft()
    before = {s: draft.value(s) for s in ("components", "infrastructure", "alerting")}
    proposed = proposals(draft)
    assert not set(before) & set(proposed)
    apply_machine_values(draft, propose_defaults(draft), now=NOW)
    assert {s: draft.value(s) for s in before} == before


def test_context_is_extracted_from_the_draft() -> None:
    context = build_context(rich_draft())
    assert (context.slug, context.app, context.team) == ("payments-api", "api-gateway", "Payments")
    assert (context.database, context.engine_key) == ("PostgreSQL", "postgres")
    assert (context.cache, context.queue, context.platform) == ("Redis", "SQS", "EKS")
    assert (context.platform_kind, context.cloud) == ("kubernetes", "AWS")
    assert (context.monitoring, context.pager) == ("Datadog", "PagerDuty")
    empty = build_context(make_draft())
    assert (empty.database, empty.platform, empty.pager, empty.app) == ("", "", "", "payments-api")


@pytest.mark.parametrize("first", ["שירות תשלומים", "🚀💳", "???"])
def test_service_skips_component_names_without_ascii_words(first: str) -> None:
    """A Hebrew or emoji name would slug to "manual-5e9-…", which no deployment is called."""
    rows = [{"name": first, "purpose": "Takes payments"}, *COMPONENTS]
    context = build_context(make_draft(components=rows, infrastructure="EKS on AWS"))
    assert context.app == "api-gateway"
    assert "rollout undo deploy/api-gateway`" in context.ops.rollback
    only = [{"name": "🚀💳", "purpose": "Takes payments"}, {"name": "Redis", "purpose": "Cache"}]
    assert build_context(make_draft(components=only)).service == "payments-api"
    hebrew = build_context(make_draft(name="שירות", components=only))
    assert hebrew.service == hebrew.slug


def test_rich_draft_defaults_mention_its_context() -> None:
    got = proposals(rich_draft())
    assert "REINDEX" in got["db_indexes"][0]
    assert "pgstattuple" in got["db_indexes"][0]
    commands = " ".join(strings(got["diagnostic_commands"][0]))
    assert "kubectl -n payments-api get pods" in commands
    assert "logs deploy/api-gateway --since=15m" in commands
    assert "psql" in commands
    assert "redis-cli" in commands
    escalation = got["escalation"][0]
    assert len(escalation) == 4
    assert "PagerDuty" in escalation[0]
    assert "Payments team tech lead" in escalation[1]
    metrics = " ".join(strings(got["metrics"][0]))
    assert "PostgreSQL connections" in metrics
    assert got["health_checks"][0] == ["PostgreSQL", "Redis", "SQS"]
    assert "SQS lag" in got["kpis"][0]
    assert [row["component"] for row in got["backups"][0]] == ["PostgreSQL"]  # type: ignore[index]
    assert "S3" in got["backups"][0][0]["location"]  # type: ignore[index]
    assert "Datadog" in got["maint_daily"][0]
    assert "Redis" in got["opt_application"][0]
    assert "CloudTrail" in got["security_events"][0]


def test_platforms_give_their_own_commands() -> None:
    vms = " ".join(strings(proposals(variant("mysql-vms"))["diagnostic_commands"][0]))
    assert "systemctl status payments-api" in vms
    assert "journalctl -u payments-api" in vms
    assert "mysql -h" in vms
    ecs = proposals(variant("mongo-ecs"))
    assert "aws ecs describe-services" in " ".join(strings(ecs["diagnostic_commands"][0]))
    assert "mongosh" in " ".join(strings(ecs["diagnostic_commands"][0]))
    assert "Opsgenie" in ecs["escalation"][0][0]
    lam = " ".join(strings(proposals(variant("dynamo-lambda"))["diagnostic_commands"][0]))
    assert "/aws/lambda/" in lam
    assert "dynamodb" in lam
    redis = proposals(variant("redis-only"))
    assert "redis-cli" in redis["db_indexes"][0]


def test_mysql_and_postgresql_get_different_database_maintenance() -> None:
    postgres = proposals(make_draft(infrastructure="PostgreSQL 16 on VMs"))
    mysql = proposals(make_draft(infrastructure="MySQL 8 on VMs"))
    for slot_id in ("db_indexes", "db_statistics", "db_cleanup", "db_tuning", "opt_database"):
        assert postgres[slot_id][0] != mysql[slot_id][0], slot_id
    assert "OPTIMIZE TABLE" in mysql["db_indexes"][0]
    assert "REINDEX" in postgres["db_indexes"][0]


def test_unknown_database_gets_generic_but_actionable_wording() -> None:
    got = proposals(make_draft())
    assert got["db_indexes"][0] == ENGINES["generic"].indexes
    assert "index" in got["db_indexes"][0].lower()
    assert any("systemctl status payments-api" in c for c in strings(got["diagnostic_commands"][0]))


def test_ops_distinguish_generic_defaults_from_inferences() -> None:
    empty = proposals(make_draft())
    for slot_def in SLOTS:
        expected = Op.INFERRED if slot_def.ask else Op.DEFAULT
        assert empty[slot_def.id][1] is expected, slot_def.id
    rich = proposals(rich_draft())
    assert rich["db_indexes"][1] is Op.INFERRED
    assert rich["maint_daily"][1] is Op.INFERRED
    assert rich["doc_schedule"][1] is Op.DEFAULT
    assert rich["severity_levels"][1] is Op.DEFAULT
    assert (rich["rto"], rich["rpo"]) == (("4 hours", Op.INFERRED), ("1 hour", Op.INFERRED))


def test_health_checks_name_the_known_dependencies_once() -> None:
    assert proposals(make_draft())["health_checks"][0] == ["Database"]
    assert proposals(variant("redis-only"))["health_checks"][0] == ["Redis"]


def test_a_draft_with_only_a_name_finishes_lint_clean() -> None:
    publish = pytest.importorskip("bot.rendering.builder")
    manual = publish.ManualBuilder().finalise(make_draft(), now=NOW)
    assert manual.ok, manual.violations


def test_severity_levels_reuse_the_spec_table() -> None:
    rows = proposals(make_draft())["severity_levels"][0]
    assert [(r["level"], r["response"], r["escalation"]) for r in rows] == [  # type: ignore[index]
        ("P1 - Critical", "15 minutes", "Immediate"),
        ("P2 - High", "1 hour", "2 hours"),
        ("P3 - Medium", "4 hours", "24 hours"),
        ("P4 - Low", "24 hours", "72 hours"),
    ]


def test_rpo_follows_the_engineers_own_backup_cadence() -> None:
    backups = [
        {"component": "PostgreSQL", "frequency": "continuous WAL", "retention": "35 days",
         "location": "S3", "verification": "restore drill"},
        {"component": "Uploads", "frequency": "daily sync", "retention": "1 year",
         "location": "S3", "verification": "checksums"},
    ]  # fmt: skip
    assert proposals(make_draft(backups=backups))["rpo"][0] == "24 hours"
    assert proposals(make_draft(backups=backups[:1]))["rpo"][0] == "15 minutes"
    every = [{**backups[0], "frequency": "every 6 hours"}]
    assert proposals(make_draft(backups=every))["rpo"][0] == "6 hours"


def test_half_answered_lists_are_topped_up_not_replaced() -> None:
    draft = make_draft()
    mine = [
        {"metric": "Queue depth", "threshold": "> 1000", "level": "Warning", "action": "Scale"},
        {"metric": "Disk", "threshold": "> 90%", "level": "Critical", "action": "Expand"},
    ]
    merge(draft, [SlotUpdate("metrics", Op.SET, mine)], author="U1", reply_id=2, now=NOW)
    merge(draft, [SlotUpdate("escalation", Op.SET, ["Alice"])], author="U1", reply_id=3, now=NOW)
    assert not draft.filled("metrics")
    assert not draft.filled("escalation")
    got = proposals(draft)
    metrics = got["metrics"][0]
    assert metrics[:2] == mine
    assert len(metrics) == 3
    assert got["escalation"][0][:1] == ["Alice"]
    assert len(got["escalation"][0]) >= 2


def test_names_cannot_inject_markdown() -> None:
    draft = make_draft(
        "# Evil | Service",
        components=[{"name": "a|b", "purpose": "x"}, {"name": "#c", "purpose": "y"},
                    {"name": "d", "purpose": "z"}],
    )  # fmt: skip
    for slot_id, value, _ in propose_defaults(draft):
        for text in strings(value):
            assert "|" not in text, (slot_id, text)
            assert not text.startswith("#"), (slot_id, text)


def test_deterministic() -> None:
    assert propose_defaults(rich_draft()) == propose_defaults(rich_draft())
    assert propose_defaults(make_draft()) == propose_defaults(make_draft())


def test_every_platform_table_fills_every_command() -> None:
    lengths = {kind: len(commands) for kind, commands in PLATFORM_OPS.items()}
    assert set(lengths.values()) == {len(fields(Ops))}


@pytest.mark.parametrize(
    ("endpoint", "shown"),
    [
        ("GET /healthz", "`GET /healthz`"),
        ("/_cluster/health", "`GET /_cluster/health`"),
        (None, "`GET /health`"),
    ],
)
def test_the_startup_check_uses_the_teams_own_health_endpoint(
    endpoint: str | None, shown: str
) -> None:
    """A proposed `GET /health` beside the team's real `/healthz` sent a responder to a URL
    that does not exist (the smoke conversation's manual did exactly that)."""
    draft = make_draft(**({"health_endpoint": endpoint} if endpoint else {}))
    proposed = {slot_id: value for slot_id, value, _ in propose_defaults(draft)}
    assert proposed["startup_checks"] == f"Smoke test {shown}."
