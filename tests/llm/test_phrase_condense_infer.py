"""Phrasing, condensing and inferring: useful when Claude is right, harmless when it is not."""

from __future__ import annotations

from bot.core.slots import SLOT_BY_ID
from bot.core.values import validate
from bot.interview import planner as gaps
from bot.llm.condense import ClaudeCondenser
from bot.llm.grounding import keeps_facts
from bot.llm.infer import ClaudeInferrer
from bot.llm.phrase import ClaudePhraser
from bot.rendering.protected import value_words
from tests.fakes.anthropic_api import http_error, refusal, reply_json
from tests.llm.conftest import given
from tests.llm.realistic import block

# ---------------------------------------------------------------- phrasing


def test_phrasing_uses_the_related_draft_and_keeps_the_numbering(fake, claude, draft):
    given(draft, "infrastructure", "PostgreSQL 15 with pgBackRest on EC2")
    given(draft, "regulatory", "PCI DSS level 1")  # section 8: not what is being asked about
    questions = [
        gaps.Question(1, "backups", "What is backed up, how often, kept how long?"),
        gaps.Question(2, "graceful_shutdown", "How do you stop it gracefully?"),
    ]
    message = (
        "You mentioned pgBackRest: a few details.\n"
        "1. How often does it run, and how long are backups kept?\n2. How do you stop it?"
    )
    fake.script(reply_json({"message": message}))
    assert ClaudePhraser(claude=claude).phrase(draft=draft, questions=questions) == message
    user = fake.requests[0].user_text
    assert "infrastructure = PostgreSQL 15 with pgBackRest on EC2" in user
    assert "regulatory" not in user
    assert "backups: What is backed up" in user
    assert "graceful_shutdown: How do you stop it gracefully?" in user
    # its own small prompt: the rules and the task, no slot catalogue, no cache breakpoint
    system = fake.requests[0].body["system"]
    assert "Task: phrase" in system[-1]["text"]
    assert "# Slots" not in fake.requests[0].system_text
    assert not fake.requests[0].has_cache_control


def test_phrasing_is_told_only_a_few_related_facts(fake, claude, draft):
    for slot_id in ("external_services", "integrations", "app_monitoring", "rto", "audit"):
        given(draft, slot_id, "4 hours" if slot_id == "rto" else f"{slot_id} value")
    given(draft, "architecture", "Go API on EKS, " + "long " * 40)
    given(draft, "infrastructure", "EKS, RDS PostgreSQL 15")
    given(draft, "recovery_steps", ["Promote the replica", "Repoint DNS"])
    fake.script(reply_json({"message": "You mentioned RDS. What is the RPO?"}))
    phraser = ClaudePhraser(claude=claude)
    assert phraser.phrase(draft=draft, questions=[gaps.Question(1, "rpo", "RPO?")]) is not None
    known = block(fake.requests[0].user_text, "draft").splitlines()
    # the asked section (9) first, then the stack; nothing from sections 1-8 beyond the stack
    assert [line.split(" = ")[0] for line in known] == [
        "rto",
        "recovery_steps",
        "architecture",
        "infrastructure",
    ]
    assert max(len(line) for line in known) < 100  # short previews


def test_phrasing_failures_return_none_so_the_template_is_used(fake, claude, draft):
    phraser = ClaudePhraser(claude=claude)
    two = [gaps.Question(1, "rto", "RTO?"), gaps.Question(2, "rpo", "RPO?")]
    fake.script(
        http_error(529),
        refusal(),
        reply_json({"message": "How fast, and how much data?"}),  # lost the numbering
        reply_json({"message": "1. RTO? 2. TBD"}),  # a placeholder
        reply_json({"message": "x" * 2000}),  # too long
    )
    for _ in range(5):
        assert phraser.phrase(draft=draft, questions=two) is None
    assert phraser.phrase(draft=draft, questions=[]) is None
    assert len(fake.requests) == 5


def test_phrasing_cannot_ping_a_channel(fake, claude, draft):
    fake.script(reply_json({"message": "<!channel> what is the RTO?"}))
    message = ClaudePhraser(claude=claude).phrase(
        draft=draft, questions=[gaps.Question(1, "rto", "RTO?")]
    )
    assert message is not None
    assert "<!channel>" not in message


# ---------------------------------------------------------------- condensing

LONG = (
    "We page through PagerDuty using the payments-primary rotation. It is a very standard "
    "setup that most teams here would recognise without any further explanation at all. "
    "Critical alerts page within 5 minutes and `pd-send --sev 1` escalates manually."
)
VALUES = {"alerting": LONG, "rto": "1 hour"}


def test_condenser_keeps_numbers_names_and_commands(fake, claude):
    short = (
        "PagerDuty pages the payments-primary rotation; critical alerts within 5 minutes; "
        "`pd-send --sev 1` escalates manually."
    )
    fake.script(reply_json({"fields": [{"slot_id": "alerting", "text": short}]}))
    result = ClaudeCondenser(claude=claude).condense(values=VALUES, over_by=20, draft_id=7)
    assert result == {"alerting": short, "rto": "1 hour"}
    assert value_words(short) < value_words(LONG)
    assert "<field>" in fake.requests[0].user_text


def test_condenser_rejects_a_lossy_rewrite(fake, claude):
    lossy = "PagerDuty pages the payments-primary rotation quickly."  # lost 5 minutes + command
    fake.script(reply_json({"fields": [{"slot_id": "alerting", "text": lossy}]}))
    assert ClaudeCondenser(claude=claude).condense(values=VALUES, over_by=20) is None


def test_condenser_rejects_longer_unknown_or_failed_answers(fake, claude):
    condenser = ClaudeCondenser(claude=claude)
    fake.script(
        reply_json({"fields": [{"slot_id": "alerting", "text": LONG + " Also more."}]}),
        reply_json({"fields": [{"slot_id": "regulatory", "text": "GDPR"}]}),
        http_error(500),
    )
    for _ in range(3):
        assert condenser.condense(values=VALUES, over_by=20) is None
    assert condenser.condense(values=VALUES, over_by=0) is None  # nothing to do: no call
    assert len(fake.requests) == 3


def test_keeps_facts_checks_each_kind_of_protected_token():
    names = frozenset({"Stripe"})
    original = "Calls Stripe via /v1/charges every 30 s; run `make sync` on api.example.com."
    assert keeps_facts(
        original, "Stripe /v1/charges, 30 s; `make sync`; api.example.com", names=names
    )
    assert not keeps_facts(
        original, "Calls /v1/charges every 30 s; `make sync` api.example.com", names=names
    )
    assert not keeps_facts(
        original, "Stripe /v1/charges every 3 s; `make sync` api.example.com", names=names
    )
    assert not keeps_facts(
        original, "Stripe /v1/charges 30 s; make sync api.example.com", names=names
    )


# ---------------------------------------------------------------- inferring


def test_inferrer_returns_only_valid_requested_proposals(fake, claude, draft):
    given(draft, "infrastructure", "EKS on AWS, RDS PostgreSQL 15")
    fake.script(
        reply_json(
            {
                "proposals": [
                    {
                        "slot_id": "db_indexes",
                        "value": "REINDEX CONCURRENTLY bloated indexes monthly.",
                    },
                    {"slot_id": "health_checks", "value": ["PostgreSQL", "Redis"]},
                    {"slot_id": "rto", "value": "soon"},  # not a duration: invalid
                    {"slot_id": "onboarding", "value": "Read the TODO list"},  # placeholder
                    {"slot_id": "training", "value": "word " * 50},  # far over budget
                    {"slot_id": "regulatory", "value": "GDPR"},  # not requested
                    {"slot_id": "severity_levels", "value": [["P1", "down"]]},  # too few rows
                ]
            }
        )
    )
    wanted = ["db_indexes", "health_checks", "rto", "onboarding", "training", "severity_levels"]
    found = ClaudeInferrer(claude=claude).infer(draft=draft, slot_ids=wanted)
    assert found == {
        "db_indexes": "REINDEX CONCURRENTLY bloated indexes monthly.",
        "health_checks": ["PostgreSQL", "Redis"],
    }
    for slot_id, value in found.items():
        assert validate(SLOT_BY_ID[slot_id], value) == []
    user = fake.requests[0].user_text
    assert "infrastructure = EKS on AWS" in user
    # the catalogue lines of the requested slots only, in the turn; none in the system prompt
    assert "db_indexes: 7w Index optimization" in user
    assert "severity_levels: table [level, description, response, escalation, 4+ rows]" in user
    assert "regulatory:" not in user
    assert "# Slots" not in fake.requests[0].system_text


def test_inferrer_failure_proposes_nothing(fake, claude, draft):
    fake.script(http_error(529))
    assert ClaudeInferrer(claude=claude).infer(draft=draft, slot_ids=["rto"]) == {}
    assert ClaudeInferrer(claude=claude).infer(draft=draft, slot_ids=[]) == {}
    assert len(fake.requests) == 1


def test_condenser_sends_the_fields_furthest_over_budget_and_none_that_fit(fake, claude):
    """On a long conversation a few rambling fields hold the surplus: they go first, and a
    field already within its budget (a short default) is not sent at all."""
    rambling = " ".join(["word"] * 40)
    values = {
        "onboarding": "Pair with on-call for one night before the pager.",  # 5w budget, 9 now
        "architecture": rambling,  # 24w budget, 40 now
        "doc_review": "Tech lead approves.",  # within budget
    }
    fake.script(reply_json({"fields": []}))
    ClaudeCondenser(claude=claude).condense(values=values, over_by=30)
    sent = fake.requests[0].user_text
    assert sent.index("architecture (") < sent.index("onboarding (")
    assert "doc_review" not in sent
