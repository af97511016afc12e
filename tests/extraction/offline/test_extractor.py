"""Behaviour of the offline (rule-based) extractor.

Why: it is the extractor every install has, and the reference the LLM extractor is compared
with. These tests pin the answer formats the bot's hints promise, the "missed beats wrong" rule
for picking up unasked facts, and that whatever it proposes is accepted by the core (merge and
schema validation), so a format that parses but cannot be stored is caught here.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

import pytest

from bot.core.draft import Draft, Extraction, Op, Scope, SlotUpdate
from bot.core.merge import merge
from bot.core.slots import SLOT_BY_ID
from bot.core.values import validate
from bot.extraction.offline.answers import CORRECT_HOW
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.ports import Extractor

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EXTRACTOR = OfflineExtractor()


def new_draft(**values: object) -> Draft:
    draft = Draft("Payments API", Scope("T1", "C1"), "U1", NOW, NOW)
    if values:
        updates = [SlotUpdate(k, Op.SET, v) for k, v in values.items()]  # type: ignore[arg-type]
        result = merge(draft, updates, author="U1", reply_id=1, now=NOW)
        assert not result.rejected
    return draft


def run(text: str, *asked: str, draft: Draft | None = None) -> Extraction:
    return EXTRACTOR.extract(draft=draft or new_draft(), asked=list(asked), text=text)


def updates(extraction: Extraction) -> dict[str, SlotUpdate]:
    return {u.slot_id: u for u in extraction.updates}


def values(text: str, *asked: str, draft: Draft | None = None) -> dict[str, object]:
    return {k: u.value for k, u in updates(run(text, *asked, draft=draft)).items()}


def stored(extraction: Extraction, draft: Draft | None = None) -> Draft:
    """Merge into a draft and insist the core accepted every value as valid."""
    draft = draft or new_draft()
    result = merge(draft, extraction.updates, author="U2", reply_id=2, now=NOW)
    assert not result.rejected, result.rejected
    for change in result.changes:
        if change.after is not None:
            assert validate(SLOT_BY_ID[change.slot_id], change.after) == [], change
    return draft


def test_satisfies_the_extractor_port() -> None:
    extractor: Extractor = EXTRACTOR
    assert extractor.name == "offline"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n", "\x00\x01\x02"])
def test_empty_reply_gives_empty_extraction(text: str) -> None:
    assert run(text, "rto", "rpo") == Extraction()


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", "4 hours"),
        ("RTO: 4 hours", "4 hours"),
        ("about 90 mins, maybe less", "90 minutes"),
        ("We aim for 1.5 hours.", "1.5 hours"),
        ("2 hours, not 4", "2 hours"),
        ("not 4 hours but 2 hours", "2 hours"),
    ],
)
def test_duration_answer_takes_first_duration(text: str, expected: str) -> None:
    found = updates(run(text, "rto"))["rto"]
    assert (found.op, found.value) == (Op.SET, expected)


def test_zero_rpo_is_a_real_answer() -> None:
    assert values("no data loss, it's synchronous", "rpo")["rpo"] == "0 minutes (no data loss)"


ZERO = "0 minutes (no data loss)"


@pytest.mark.parametrize(
    "text",
    ["none", "zero", "0", "No data loss.", "zero data loss", "RPO is zero", "Zero (no data loss)"],
)
def test_zero_rpo_when_zero_is_the_whole_answer(text: str) -> None:
    assert values(text, "rpo") == {"rpo": ZERO}


@pytest.mark.parametrize("text", ["none defined", "we have none", "None set yet", "not defined"])
def test_no_rpo_is_not_a_zero_rpo(text: str) -> None:
    # "none" here says there is no objective, not that no data may be lost
    extraction = run(text, "rpo")
    assert (extraction.updates, extraction.unknown) == ((), ("rpo",))


def test_zero_in_a_question_is_not_a_zero_rpo() -> None:
    extraction = run("zero tolerance? not defined", "rpo")
    assert extraction.updates == ()
    assert extraction.notes == ("no usable RPO in the answer",)


def test_a_zero_word_inside_other_words_is_not_picked_up() -> None:
    assert "rpo" not in values("Go on EKS. RPO none defined yet, RTO 4h.", "architecture")
    assert values("Go on EKS. RPO zero, RTO 4h.", "architecture")["rpo"] == ZERO


def test_a_zero_correction_keeps_working() -> None:
    assert values("actually RPO is zero, not 5 minutes", "architecture") == {"rpo": ZERO}


def test_duration_without_a_number_is_left_for_a_re_ask() -> None:
    extraction = run("a few hours I guess", "rto")
    assert extraction.updates == ()
    assert extraction.unknown == ()
    assert extraction.notes


def test_hedged_duration_still_counts() -> None:
    assert values("not sure, maybe 5 minutes", "rpo") == {"rpo": "5 minutes"}


# ------------------------------------------------------------------ text


def test_text_collapses_whitespace_and_keeps_commands_intact() -> None:
    text = "  `helm rollback payments 0 --namespace prod --wait`   then   check   Grafana "
    found = values(text, "rollback")["rollback"]
    assert found == "`helm rollback payments 0 --namespace prod --wait` then check Grafana"


def test_text_joins_lines_and_strips_bullets_and_quotes() -> None:
    assert values("- ArgoCD syncs main\n- canary 10%", "deploy_process") == {
        "deploy_process": "ArgoCD syncs main; canary 10%"
    }
    assert values('"Merge to main; CI deploys"', "deploy_process") == {
        "deploy_process": "Merge to main; CI deploys"
    }


def test_single_question_label_prefix_is_dropped() -> None:
    assert values("Rollback - helm rollback payments", "rollback") == {
        "rollback": "helm rollback payments"
    }


def test_leading_actually_without_a_slot_name_is_not_taken_as_the_answer() -> None:
    # It corrects something, and nothing says what: storing it as the answer to the question
    # on screen could file the fix under the wrong fact, so it is dropped with a hint.
    extraction = run("Actually, we just redeploy the previous tag", "rollback")
    assert (extraction.updates, extraction.unknown) == ((), ())
    assert extraction.notes == (CORRECT_HOW,)


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


# ------------------------------------------------------------------ several questions at once


@pytest.mark.parametrize(
    "text",
    [
        "1. 4 hours\n2. 15 minutes",
        "1) 4 hours\n2) 15 minutes",
        "(1) 4 hours\n(2) 15 minutes",
        "#1 4 hours\n#2 15 minutes",
        "a) 4 hours\nb) 15 minutes",
        "1) 4h 2) 15m",
        "RPO: 15 minutes\nRTO: 4h",
        "recovery time - 4 hours\nrecovery point - 15 minutes",
        "4 hours\n15 minutes",
        "4 hours\n\n15 minutes",
        "4h; 15m",
        "4h, 15m",
        "RTO of 4 hours and RPO 15 minutes",
    ],
)
def test_two_answers(text: str) -> None:
    extraction = run(text, "rto", "rpo")
    assert {k: (u.op, u.value) for k, u in updates(extraction).items()} == {
        "rto": (Op.SET, "4 hours"),
        "rpo": (Op.SET, "15 minutes"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "1. drain with `kubectl drain node-1`\n2. kill -9 the pods\n3. helm rollback payments",
        "Graceful shutdown: drain with `kubectl drain node-1`\nemergency_shutdown = kill -9 the "
        "pods\nRollback - helm rollback payments",
        "drain with `kubectl drain node-1`\nkill -9 the pods\nhelm rollback payments",
        "Rollback: helm rollback payments\nEmergency shutdown: kill -9 the pods\n"
        "Graceful shutdown: drain with `kubectl drain node-1`",
    ],
)
def test_three_answers(text: str) -> None:
    assert values(text, "graceful_shutdown", "emergency_shutdown", "rollback") == {
        "graceful_shutdown": "drain with `kubectl drain node-1`",
        "emergency_shutdown": "kill -9 the pods",
        "rollback": "helm rollback payments",
    }


def test_numbered_steps_inside_one_answer_are_not_question_numbers() -> None:
    text = "1. start db\n2. start app\n3. check /health\n\nRollback: helm rollback payments"
    assert values(text, "startup_steps", "rollback") == {
        "startup_steps": ["start db", "start app", "check /health"],
        "rollback": "helm rollback payments",
    }


def test_unlabelled_text_answers_the_question_left_over() -> None:
    text = "api: REST\nworker: jobs\ndb: orders\nInfrastructure: EKS and RDS"
    found = values(text, "components", "infrastructure")
    assert found["infrastructure"] == "EKS and RDS"
    assert len(found["components"]) == 3  # type: ignore[arg-type]


def test_unstructured_reply_to_two_questions_is_placed_by_what_it_says() -> None:
    """Rewritten for the prose extractor: a reply that answers neither asked question is no
    longer guessed into question 1 (or dropped); it goes where its words put it, here the
    deployment process, and the asked RTO and RPO stay open."""
    found = values("We deploy with Argo and it is all quite manual really", "rto", "rpo")
    assert found == {"deploy_process": "We deploy with Argo and it is all quite manual really"}


def test_a_reply_nothing_can_place_is_kept_as_a_leftover_not_forced_into_question_1() -> None:
    """The superseded rule filed an unplaceable reply under question 1; now it is kept for the
    details file and no field changes."""
    extraction = run("The Zurich team has owned the ledger service since the reorg", "rto", "rpo")
    assert extraction.updates == ()
    assert extraction.leftovers == ("The Zurich team has owned the ledger service since the reorg",)


# ------------------------------------------------------------------ "I don't know"


@pytest.mark.parametrize(
    "text",
    [
        "I don't know",
        "I don’t know.",
        "not sure",
        "No idea!",
        "dunno",
        "n/a",
        "N/A",
        "skip",
        "we don't have one",
        "We don't have a runbook for that",
        "unknown",
        "ask Bob",
        "I don't know, ask the platform team",
        "- idk",
    ],
)
def test_dont_know_variants(text: str) -> None:
    extraction = run(text, "rollback")
    assert extraction.unknown == ("rollback",)
    assert extraction.updates == ()


@pytest.mark.parametrize(
    "text", ["TODO: ask Bob", "[TBD]", "(tbd)", "???", "?", "tbc", "FIXME", "todo - check with ops"]
)
def test_placeholders_count_as_dont_know(text: str) -> None:
    # typed as an answer they would reach the manual as a placeholder the linter rejects
    extraction = run(text, "architecture")
    assert (extraction.updates, extraction.unknown) == ((), ("architecture",))


def test_a_word_that_starts_like_a_placeholder_is_an_answer() -> None:
    assert values("Todo app on Heroku", "architecture") == {"architecture": "Todo app on Heroku"}


def test_dont_know_for_the_whole_reply_covers_every_question() -> None:
    assert run("no idea", "rto", "rpo", "rollback").unknown == ("rto", "rpo", "rollback")


def test_dont_know_for_one_part_only() -> None:
    extraction = run("1. 4 hours\n2. not sure, ask Bob", "rto", "rpo")
    assert values("1. 4 hours\n2. not sure, ask Bob", "rto", "rpo") == {"rto": "4 hours"}
    assert extraction.unknown == ("rpo",)


def test_a_hedge_followed_by_an_answer_is_an_answer() -> None:
    text = "not sure, but I think we ship them to Loki and keep them for 30 days"
    extraction = run(text, "log_management")
    assert extraction.unknown == ()
    assert "Loki" in updates(extraction)["log_management"].value  # type: ignore[operator]


# ------------------------------------------------------------------ corrections


def test_rto_correction_is_not_an_answer_to_the_asked_question() -> None:
    extraction = run("actually RTO is 2 hours, not 4", "rpo")
    assert [(u.slot_id, u.op, u.value) for u in extraction.updates] == [
        ("rto", Op.CORRECT, "2 hours")
    ]


@pytest.mark.parametrize(
    ("text", "slot_id", "value"),
    [
        ("correction: the RPO is 5 minutes", "rpo", "5 minutes"),
        ("change rollback to: helm rollback payments", "rollback", "helm rollback payments"),
        ("RTO should be 1h", "rto", "1 hour"),
        ("no wait, logs are kept 90 days", "log_management", "logs are kept 90 days"),
        ("Actually the RTO is not 4 hours but 2 hours.", "rto", "2 hours"),
        ("sorry, recovery point objective is 30 minutes", "rpo", "30 minutes"),
        ("please update the escalation to: on-call -> lead -> EM -> CTO", "escalation",
         ["on-call", "lead", "EM", "CTO"]),
    ],
)  # fmt: skip
def test_corrections(text: str, slot_id: str, value: object) -> None:
    found = updates(run(text, "architecture"))
    assert list(found) == [slot_id]
    assert (found[slot_id].op, found[slot_id].value) == (Op.CORRECT, value)


def test_correction_of_two_slots_in_one_sentence() -> None:
    assert values("actually RTO is 2h and RPO is 5 minutes", "rollback") == {
        "rto": "2 hours",
        "rpo": "5 minutes",
    }


def test_correction_supersedes_the_stored_value_and_keeps_history() -> None:
    draft = new_draft(rto="4 hours")
    result = merge(
        draft,
        run("Actually the RTO is 2 hours, not 4.", "rpo", draft=draft).updates,
        author="U2",
        reply_id=2,
        now=NOW,
    )
    assert [(c.op, c.before, c.after) for c in result.changes] == [
        (Op.CORRECT, "4 hours", "2 hours")
    ]
    assert [f.value for f in draft.facts if f.slot_id == "rto"] == ["4 hours", "2 hours"]


def test_correction_and_answer_in_one_reply() -> None:
    text = "15 minutes. Oh and actually the RTO is 2 hours."
    found = updates(run(text, "rpo"))
    assert (found["rpo"].op, found["rpo"].value) == (Op.SET, "15 minutes")
    assert (found["rto"].op, found["rto"].value) == (Op.CORRECT, "2 hours")


@pytest.mark.parametrize(
    ("text", "slot_id"),
    [("remove the rollback", "rollback"), ("please clear the RTO.", "rto")],
)
def test_clear(text: str, slot_id: str) -> None:
    draft = new_draft(rollback="helm rollback", rto="4 hours")
    extraction = run(text, "architecture", draft=draft)
    assert [(u.slot_id, u.op) for u in extraction.updates] == [(slot_id, Op.CLEAR)]
    merge(draft, extraction.updates, author="U2", reply_id=2, now=NOW)
    assert draft.value(slot_id) is None


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("wait for the pods to be ready, then enable traffic", "startup_steps"),
        ("remove the old backups every week", "maint_weekly"),
        ("Backups should be verified weekly", "restore_testing"),
        ("We actually deploy from the release branch", "deploy_process"),
    ],
)
def test_ordinary_answers_are_not_corrections(text: str, asked: str) -> None:
    assert {u.op for u in run(text, asked).updates} <= {Op.SET}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("actually the third level is Director", ("kpis", "baseline")),
        ("actually p99 latency > 500ms, critical, page", ("startup_steps",)),
        ("actually worker: settles payments and refunds", ("metrics",)),
        ("Actually, we just redeploy the previous tag", ("rollback",)),
        ("correction: the second one", ("architecture", "components")),
        ("no wait, it is Director", ("escalation",)),
        ("sorry, the blue one", ("architecture",)),
        ("I meant the other one", ("infrastructure",)),
        ("scratch that, use the old one", ("rollback", "rto")),
    ],
)
def test_a_correction_nobody_can_place_is_not_an_answer(text: str, asked: tuple[str, ...]) -> None:
    extraction = run(text, *asked)
    assert (extraction.updates, extraction.unknown) == ((), ())
    assert extraction.notes == (CORRECT_HOW,)


def test_a_correction_trigger_before_dont_know_is_dont_know() -> None:
    assert run("sorry, not sure", "rollback").unknown == ("rollback",)
    assert run("actually I don't know", "rto").unknown == ("rto",)


def test_a_numbered_or_labelled_answer_may_start_with_actually() -> None:
    expected = {"rollback": "we redeploy the previous tag", "rto": "4 hours"}
    assert values("1. actually, we redeploy the previous tag 2. 4 hours", "rollback", "rto") == (
        expected
    )
    assert values("Rollback: actually we redeploy the previous tag", "rollback") == {
        "rollback": expected["rollback"]
    }


def test_plural_correction_with_are() -> None:
    text = "actually the components are api: REST; worker: settlements; scheduler: payouts"
    found = updates(run(text, "kpis"))
    assert list(found) == ["components"]
    assert found["components"].op is Op.CORRECT
    assert [r["name"] for r in found["components"].value] == ["api", "worker", "scheduler"]  # type: ignore[index, union-attr]


COMPONENTS = [
    {"name": "api", "purpose": "REST"},
    {"name": "worker", "purpose": "settles payments"},
    {"name": "scheduler", "purpose": "payouts"},
]


def test_a_corrected_row_replaces_the_row_with_that_name() -> None:
    draft = new_draft(components=COMPONENTS)
    extraction = run("actually Worker: settles payments and refunds", "metrics", draft=draft)
    assert [(u.slot_id, u.op) for u in extraction.updates] == [("components", Op.CORRECT)]
    stored(extraction, draft)
    assert draft.value("components") == [
        COMPONENTS[0],
        {"name": "Worker", "purpose": "settles payments and refunds"},
        COMPONENTS[2],
    ]


def test_a_corrected_metric_row_keeps_the_other_rows() -> None:
    metrics = [
        {"metric": "p99 latency", "threshold": "> 800ms", "level": "Critical", "action": "page"},
        {"metric": "error rate", "threshold": "> 2%", "level": "Warning", "action": "check"},
    ]
    draft = new_draft(metrics=metrics)
    text = "actually p99 latency > 500ms, critical, page on-call"
    assert values(text, "startup_steps", draft=draft) == {
        "metrics": [
            {"metric": "p99 latency", "threshold": "> 500ms", "level": "Critical",
             "action": "page on-call"},
            metrics[1],
        ]
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["actually billing: invoices", "actually worker", "actually worker: settles; billing: bills"],
)
def test_a_row_correction_needs_an_existing_row_and_a_new_cell(text: str) -> None:
    extraction = run(text, "metrics", draft=new_draft(components=COMPONENTS))
    assert (extraction.updates, extraction.notes) == ((), (CORRECT_HOW,))


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


# ------------------------------------------------------------------ robustness


def test_emoji_and_rtl_text_are_preserved() -> None:
    text = "שירות התשלומים 🚀 runs on EKS (عربي) ✅"
    assert values(text, "architecture") == {"architecture": text}
    rows = values("api 🚀: מטפל בתשלומים\nworker: ✅ jobs\ndb: نعم", "components")["components"]
    assert rows[0] == {"name": "api 🚀", "purpose": "מטפל בתשלומים"}  # type: ignore[index]


def test_control_characters_are_dropped_from_values() -> None:
    found = values("helm\x00 rollback\x07 payments\r\n", "rollback")
    assert found == {"rollback": "helm rollback payments"}


def test_quote_is_taken_from_the_reply() -> None:
    update = updates(run("RTO: 4 hours\nRPO: 15 minutes", "rto", "rpo"))["rpo"]
    assert update.quote == "15 minutes"


@pytest.mark.parametrize(
    "asked",
    [
        ("architecture",),
        ("metrics",),
        ("common_issues",),
        ("components", "backups"),
        ("escalation",),
        ("startup_steps", "rto", "rpo"),
        ("severity_levels",),
    ],
)
def test_fifty_kilobytes_finish_quickly(asked: tuple[str, ...]) -> None:
    line = "p99 latency > 800ms, critical, page on-call; RTO 4h `kubectl get pods` Loki: 1 | 2 "
    text = (line * 600)[:50_000]
    started = time.perf_counter()
    extraction = run(text, *asked)
    assert time.perf_counter() - started < 2.0
    for update in extraction.updates:
        if isinstance(update.value, list):
            assert len(update.value) <= 100


def test_fifty_kilobytes_of_prose_without_separators() -> None:
    text = "lorem ipsum dolor sit amet " * 1900
    started = time.perf_counter()
    for asked in (("metrics",), ("rto", "rpo"), ("components",), ("common_issues",)):
        run(text, *asked)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_junk_does_not_crash(seed: int) -> None:
    rng = random.Random(seed)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1")
    unicode_junk = "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(20_000))
    for text in (junk, unicode_junk, "\ud800 lone surrogate 4h"):
        for asked in (("metrics", "rto"), ("common_issues",), ("escalation", "rollback")):
            extraction = run(text, *asked)
            for update in extraction.updates:
                assert "\x00" not in str(update.value)


def test_slack_entities_and_bold_labels() -> None:
    assert (
        values("p99 &gt; 800ms, critical, page on-call", "metrics")["metrics"][0][  # type: ignore[index]
            "threshold"
        ]
        == "> 800ms"
    )
    assert values("*RTO:* 4h\n*RPO:* 15m", "rto", "rpo") == {"rto": "4 hours", "rpo": "15 minutes"}
    assert values("on-call -&gt; lead -&gt; EM -&gt; CTO", "escalation")["escalation"] == [
        "on-call",
        "lead",
        "EM",
        "CTO",
    ]


# ------------------------------------------------------------------ what may become a fact


@pytest.mark.parametrize(
    "text", [".", "**", "#", "|", ">", "``", "lorem ipsum", "We use Argo, TBD"]
)
def test_an_answer_without_words_or_with_a_placeholder_is_not_stored(text: str) -> None:
    draft = new_draft()
    result = merge(draft, run(text, "architecture").updates, author="U2", reply_id=2, now=NOW)
    assert draft.value("architecture") is None
    assert result.changes == ()


def test_a_pasted_blob_is_not_an_architecture() -> None:
    draft = new_draft()
    result = merge(draft, run("x" * 9000, "architecture").updates, author="U2", reply_id=2, now=NOW)
    assert draft.value("architecture") is None
    assert [r.reason for r in result.rejected] == [
        "Architecture looks like pasted data, not an answer"
    ]


def test_placeholder_entries_and_cells_are_dropped_from_lists() -> None:
    assert values("restart pods; TBD; **; verify", "startup_steps") == {
        "startup_steps": ["restart pods", "verify"]
    }
    rows = values("api: REST; worker: TBD; ???; scheduler: payouts", "components")["components"]
    assert rows == [
        {"name": "api", "purpose": "REST"},
        {"name": "worker", "purpose": ""},
        {"name": "scheduler", "purpose": "payouts"},
    ]
