"""Slot values from placed prose (``build``): steps, escalation chains, commands, durations.

Why: once the router knows what a piece is about, the value must say it in the slot's shape
without losing what makes it useful at 3 a.m.: the order of steps, who comes after whom and on
what condition, the exact command, an RTO only when the number belongs to the RTO.
"""

from __future__ import annotations

from bot.extraction.offline.build import build_value, chain, endpoint, is_command, steps
from bot.extraction.offline.segment import Segment, segments


def test_steps_are_cut_at_then_and_arrows_and_keep_their_own_label() -> None:
    said = "set allocation to primaries, POST _flush, then systemctl stop elasticsearch"
    assert steps([said]) == [
        "set allocation to primaries",
        "POST _flush",
        "systemctl stop elasticsearch",
    ]
    assert steps(["drain the pool → wait 30s → stop the service"]) == [
        "drain the pool",
        "wait 30s",
        "stop the service",
    ]
    item = segments("1. ceph first — `ceph -s` until HEALTH_OK, then `ceph osd unset noout`")
    value = build_value("startup_steps", item)
    assert value == ["ceph first: `ceph -s` until HEALTH_OK", "`ceph osd unset noout`"]


def test_an_escalation_chain_keeps_order_conditions_and_roles() -> None:
    said = (
        "first the atlas-oncall rotation in opsgenie, if it's not solved in 30 min it comes to "
        "me (search lead), then Marek (head of platform), and for a P1 longer than an hour the "
        "CTO gets told."
    )
    assert chain([said]) == [
        "the atlas-oncall rotation in opsgenie",
        "search lead (if it's not solved in 30 min)",
        "Marek (head of platform)",
        "CTO gets told (for a P1 longer than an hour)",
    ]
    assert chain(["L1: on-call SRE L2: team lead L3: VP engineering"]) == [
        "on-call SRE",
        "team lead",
        "VP engineering",
    ]


def test_a_condition_first_level_is_its_own_level() -> None:
    said = (
        "then mike as backend lead, and if a SEV1 runs past 30 min the studio technical director."
    )
    assert chain([said]) == [
        "mike as backend lead",
        "studio technical director (if a SEV1 runs past 30 min)",
    ]


def test_commands_are_code_lines_and_backticked_spans_not_prose() -> None:
    block = Segment("kubectl -n mqtt get pods\ncurl -s localhost:9200/_cat/shards", code=True)
    assert build_value("diagnostic_commands", [block]) == [
        "`kubectl -n mqtt get pods`",
        "`curl -s localhost:9200/_cat/shards`",
    ]
    assert is_command(Segment("`rabbitmqctl list_queues` shows the backlog"))
    assert is_command(Segment("kubectl top nodes"))
    assert not is_command(Segment("the env line from player-api if anyone needs it"))


def test_an_rto_only_when_the_number_belongs_to_it() -> None:
    assert build_value("rto", segments("DR: RTO 4 hours, RPO 24h for the snapshot")) == "4 hours"
    assert build_value("rpo", segments("DR: RTO 4 hours, RPO 24h for the snapshot")) == "24 hours"
    assert build_value("rto", segments("the RTO drill takes 2 hours every quarter")) is None
    assert build_value("rto", [Segment("4h", head="RTO")]) == "4 hours"


def test_prose_keeps_the_engineers_case_and_drops_greetings_and_hedges() -> None:
    value = build_value("deploy_process", segments("hey! iirc jenkins builds, ansible deploys"))
    assert value == "jenkins builds, ansible deploys"


def test_the_health_endpoint_is_every_path_the_team_named() -> None:
    said = "player-api has /livez and /readyz; synthetics hit https://api.example.gg/v1/status"
    assert endpoint([said]) == "`GET /livez`, `GET /readyz`, `GET /v1/status`"
    assert endpoint(["we look at the dashboards"]) is None


def test_context_before_a_run_of_orders_stays_apart_from_them() -> None:
    """Only the commas between the orders split; the context before them is one or two pieces
    (at its colon), never glued to the first order."""
    said = (
        "it's single region today, the DR region is eu-central-1: the CDK app can deploy the "
        "whole stack there (`cdk deploy -c region=eu-central-1 --all`), restore the DynamoDB "
        "tables from the copied backups, point the S3 consumers at tw-lake-dr"
    )
    assert steps([said]) == [
        "it's single region today, the DR region is eu-central-1",
        "the CDK app can deploy the whole stack there (`cdk deploy -c region=eu-central-1 --all`)",
        "restore the DynamoDB tables from the copied backups",
        "point the S3 consumers at tw-lake-dr",
    ]
    one = "it's single region, the CDK app deploys it, restore the table"
    assert steps([one]) == [one]  # a single order after context is not a run of them
