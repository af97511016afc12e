"""The offline extractor as a whole: the port, empty and hostile input, what may become a fact.

Why: it is the extractor every install has and the reference the LLM extractor is compared
with. Whatever a reply holds (50 KB pastes, binary junk, RTL text, Slack entities), it must
answer quickly, never crash, and propose only values the core accepts.
"""

from __future__ import annotations

import random
import time

import pytest

from bot.core.draft import Extraction
from bot.core.merge import merge
from bot.extraction.offline.answers import CORRECT_HOW
from bot.interview.ports import Extractor
from tests.extraction.offline.support import (
    EXTRACTOR,
    NOW,
    new_draft,
    run,
    updates,
    values,
)


def test_satisfies_the_extractor_port() -> None:
    extractor: Extractor = EXTRACTOR
    assert extractor.name == "offline"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n", "\x00\x01\x02"])
def test_empty_reply_gives_empty_extraction(text: str) -> None:
    assert run(text, "rto", "rpo") == Extraction()


# ------------------------------------------------------------------ robustness


def test_emoji_and_rtl_text_are_preserved() -> None:
    text = "שירות התשלומים 🚀 runs on EKS (عربي) ✅"
    assert values(text, "architecture")["architecture"] == text
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
    """Slack's escapes are decoded once, at the Slack edge (bot.slack.markup), so the extractor
    reads the decoded text; a "&gt;" reaching it was typed that way and stays literal."""
    from bot.slack.markup import to_markdown

    slack = to_markdown("p99 &gt; 800ms, critical, page on-call")
    assert values(slack, "metrics")["metrics"][0]["threshold"] == "> 800ms"  # type: ignore[index]
    assert values("*RTO:* 4h\n*RPO:* 15m", "rto", "rpo") == {"rto": "4 hours", "rpo": "15 minutes"}
    chain = to_markdown("on-call -&gt; lead -&gt; EM -&gt; CTO")
    assert values(chain, "escalation")["escalation"] == ["on-call", "lead", "EM", "CTO"]


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


# ------------------------------------------------------------------ prose, end to end


def test_a_sentence_no_severity_row_reads_from_is_placed_again_elsewhere() -> None:
    """ "for a P1 we open #inc-atlas" sits among the severity levels but is no level: it must
    reach the incident process, not vanish."""
    reply = (
        "incidents: P1 = search down, P2 = p99 over 2s, P3 = one node down, P4 = cosmetic. "
        "for a P1 we open #inc-atlas and page the search lead"
    )
    found = values(reply, "architecture")
    assert [r["level"] for r in found["severity_levels"]] == ["P1", "P2", "P3", "P4"]  # type: ignore[index, union-attr]
    assert "#inc-atlas" in str(found["incident_channel"])


def test_the_health_endpoint_the_team_named_fills_the_endpoint() -> None:
    found = values("health: haproxy checks /actuator/health on atlas-query", "architecture")
    assert found["health_endpoint"] == "`GET /actuator/health`"


def test_an_unplaced_correction_is_kept_for_the_details_with_a_hint() -> None:
    extraction = run("actually the third level is Director. backups run nightly", "kpis", "rto")
    assert extraction.notes == (CORRECT_HOW,)
    assert "actually the third level is Director." in extraction.leftovers
    assert "backups" in updates(extraction)


def test_one_reply_fills_many_fields_and_keeps_what_it_cannot_place() -> None:
    reply = (
        "morning all 👋 logs: ES + app logs go via filebeat into Graylog, 14 days retention. "
        "random but who broke the coffee machine lol. DR: RTO 4 hours, RPO 24h.\n"
        "the Zurich team has owned the ledger service since the reorg"
    )
    extraction = run(reply, "architecture", "components")
    assert set(updates(extraction)) == {"log_management", "rto", "rpo"}
    assert extraction.leftovers == ("the Zurich team has owned the ledger service since the reorg",)
    assert "coffee" not in str(extraction)
