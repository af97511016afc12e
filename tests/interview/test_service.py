"""The interview core over a real database (SQLite and PostgreSQL) and the offline extractor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.contract.lint import lint_manual
from bot.core.draft import DraftStatus, Op, Scope
from bot.extraction.offline.extractor import OfflineExtractor
from bot.intake.notice import redaction_notice
from bot.interview.outcome import InterviewError, Kind, Outcome
from bot.interview.service import Interview

SCOPE = Scope("T1", "C1")
OTHER = Scope("T1", "C2")


class Clock:
    """Deterministic time so versions and facts order the same way on every run."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def interview(store) -> Interview:
    return Interview(store=store, extractor=OfflineExtractor(), clock=Clock())


def start(interview: Interview, name: str = "Payments API") -> Outcome:
    return interview.start(scope=SCOPE, name=name, owner="alice")


def say(interview: Interview, outcome: Outcome, text: str, *, author: str = "alice") -> Outcome:
    assert outcome.draft.id is not None
    return interview.handle(scope=SCOPE, draft_id=outcome.draft.id, author=author, text=text)


def test_start_asks_at_most_three_numbered_questions(interview: Interview) -> None:
    outcome = start(interview)
    assert outcome.kind is Kind.STARTED
    assert 1 <= len(outcome.questions) <= 3
    assert outcome.questions[0].slot_id == "architecture"
    assert "1. How is Payments API built" in outcome.text
    assert "sections" in outcome.text


def test_starting_the_same_name_again_offers_the_existing_draft(interview: Interview) -> None:
    first = start(interview)
    again = interview.start(scope=SCOPE, name="  payments api ", owner="bob")
    assert again.kind is Kind.EXISTING
    assert again.draft.id == first.draft.id
    elsewhere = interview.start(scope=OTHER, name="Payments API", owner="bob")
    assert elsewhere.draft.id != first.draft.id


def test_a_blank_name_is_refused(interview: Interview) -> None:
    with pytest.raises(InterviewError, match="needs a name"):
        start(interview, name="   ")


def test_answers_fill_the_asked_slots_and_the_next_questions_move_on(
    interview: Interview,
) -> None:
    outcome = start(interview)
    asked = [q.slot_id for q in outcome.questions]
    reply = (
        "1. Go API pods on EKS behind an ALB, writing to RDS PostgreSQL "
        "2. api: serves REST; worker: settles payments; scheduler: runs payouts "
        "3. Stripe and SendGrid"
    )
    after = say(interview, outcome, reply)
    assert after.kind is Kind.QUESTIONS
    for slot_id in asked:
        assert after.draft.filled(slot_id), slot_id
    assert not set(asked) & {q.slot_id for q in after.questions}
    assert after.text.startswith("Got it:")


def test_empty_and_junk_replies_store_nothing(interview: Interview, store) -> None:
    outcome = start(interview)
    for text in ["", "   \n\t ", "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"]:
        reply = say(interview, outcome, text)
        assert reply.kind is Kind.NOTICE
        assert "nothing saved" in reply.text
    draft = store.load_draft(scope=SCOPE, draft_id=outcome.draft.id)
    assert draft.facts == []


def test_unknown_command_gets_a_clear_message(interview: Interview) -> None:
    outcome = say(interview, start(interview), "/frobnicate")
    assert outcome.kind is Kind.NOTICE
    assert "`/frobnicate`" in outcome.text
    assert "help" in outcome.text


def test_correction_supersedes_and_keeps_history(interview: Interview, store) -> None:
    outcome = start(interview)
    say(interview, outcome, "Our RTO is 4 hours and the RPO is 15 minutes.")
    corrected = say(interview, outcome, "actually RTO is 2 hours, not 4", author="bob")
    assert "Updated RTO: 4 hours → 2 hours" in corrected.text
    draft = store.load_draft(scope=SCOPE, draft_id=outcome.draft.id)
    assert draft.value("rto") == "2 hours"
    history = [(f.op, f.value, f.author) for f in draft.facts if f.slot_id == "rto"]
    assert history == [(Op.SET, "4 hours", "alice"), (Op.CORRECT, "2 hours", "bob")]


def test_i_dont_know_skips_without_re_asking(interview: Interview) -> None:
    outcome = start(interview)
    first = outcome.questions[0].slot_id
    after = say(interview, outcome, "1. I don't know 2. no idea 3. not sure")
    assert first in after.draft.skipped
    assert first not in {q.slot_id for q in after.questions}
    assert "propose" in after.text


def test_skip_command_moves_to_other_questions(interview: Interview) -> None:
    outcome = start(interview)
    asked = {q.slot_id for q in outcome.questions}
    after = say(interview, outcome, "Skip")
    assert asked <= after.draft.skipped
    assert not asked & {q.slot_id for q in after.questions}


def test_secrets_are_redacted_before_storage(interview: Interview, store) -> None:
    outcome = start(interview)
    secret = "AKIA" + "IOSFODNN7EXAMPLE"
    after = say(interview, outcome, f"1. Go API on EKS, deploy key {secret}")
    assert after.redacted == ("aws-access-key",)
    assert "I removed an AWS access key ID" in redaction_notice(after.redacted)
    draft = store.load_draft(scope=SCOPE, draft_id=outcome.draft.id)
    stored = " ".join(str(f.value) for f in draft.facts)
    assert secret not in stored
    assert "[redacted aws-access-key]" in stored


def test_a_50kb_paste_is_kept_but_not_made_a_fact(interview: Interview, store) -> None:
    outcome = start(interview)
    paste = "1. " + ("Go pods behind an ALB writing to PostgreSQL. " * 1200)
    assert len(paste) > 50_000
    after = interview.handle(
        scope=SCOPE, draft_id=outcome.draft.id, author="alice", text=paste, source_ref="C1:1.5"
    )
    assert "long reply" in after.text
    assert "please send a short summary" in after.text
    assert not after.draft.filled("architecture")
    kept = store.reply_by_source(draft=after.draft, source_ref="C1:1.5")
    assert kept is not None
    assert kept.text == paste.strip()


def test_emoji_and_rtl_text_survive(interview: Interview) -> None:
    outcome = start(interview)
    after = say(interview, outcome, "1. 🚀 שירות תשלומים on EKS")
    assert "🚀 שירות תשלומים" in str(after.draft.value("architecture"))


def test_drafts_are_only_reachable_from_their_own_channel(interview: Interview) -> None:
    outcome = start(interview)
    with pytest.raises(InterviewError):
        interview.handle(scope=OTHER, draft_id=outcome.draft.id, author="eve", text="status")


def test_draft_preview_is_marked_and_not_stored_as_a_version(interview: Interview, store) -> None:
    outcome = start(interview)
    preview = say(interview, outcome, "draft")
    assert preview.kind is Kind.DRAFT
    assert preview.manual is not None
    assert not preview.manual.final
    assert preview.manual.markdown.startswith("> **DRAFT, not final.**")
    assert "Still missing" in preview.text
    draft = store.load_draft(scope=SCOPE, draft_id=outcome.draft.id)
    assert store.latest_version(draft=draft) is None


def test_finish_early_gives_a_lint_clean_manual_with_inferred_list(
    interview: Interview, store
) -> None:
    outcome = start(interview)
    say(interview, outcome, "1. Go API on EKS with RDS PostgreSQL and Redis")
    done = say(interview, outcome, "finish")
    assert done.kind is Kind.COMPLETE
    assert done.manual is not None
    report = lint_manual(done.manual.markdown)
    assert report.ok, report.format()
    assert "Inferred from context, please check: 1.2 Key components" in done.text
    assert "Standard practice filled in" in done.text
    assert done.draft.status is DraftStatus.COMPLETE
    stored = store.latest_version(draft=done.draft)
    assert stored is not None
    assert stored.version == 1
    assert stored.markdown == done.manual.markdown


def test_corrections_after_completion_make_a_new_version(interview: Interview, store) -> None:
    outcome = start(interview)
    say(interview, outcome, "finish")
    again = say(interview, outcome, "actually the RTO is 30 minutes")
    assert again.kind is Kind.COMPLETE
    assert again.manual is not None
    assert again.manual.version == 2
    assert "*Version 2 ·" in again.manual.markdown
    assert "30 minutes" in again.manual.markdown
    assert lint_manual(again.manual.markdown).ok


def test_status_lists_every_section(interview: Interview) -> None:
    outcome = say(interview, start(interview), "status")
    assert outcome.kind is Kind.STATUS
    for title in ("System Overview", "Disaster Recovery", "Documentation & Training"):
        assert title in outcome.text
    assert "Extractor: offline" in outcome.text


def test_an_unnumbered_reply_is_placed_by_what_it_says(interview: Interview) -> None:
    outcome = start(interview)
    text = "It is a Go API on EKS behind an ALB; requests go through the pods to PostgreSQL."
    after = say(interview, outcome, text)
    assert after.draft.value("architecture") == text
    assert "question 1" not in after.text
    assert outcome.questions[1].slot_id in {q.slot_id for q in after.questions}


def test_table_rows_that_cannot_stand_are_skipped_with_a_reason(interview: Interview) -> None:
    outcome = start(interview)
    current = outcome
    for _ in range(5):
        if "metrics" in {q.slot_id for q in current.questions}:
            break
        current = say(interview, outcome, "skip")
    assert current.questions[0].slot_id == "metrics"
    reply = "error rate > 2%, critical, page on-call; line two of my notes is critical"
    after = say(interview, outcome, reply)
    assert after.draft.value("metrics") == [
        {"metric": "error rate", "threshold": "> 2%", "level": "Critical", "action": "page on-call"}
    ]
    assert (
        "row 'line two of my notes' skipped: the threshold needs a number or a state" in after.text
    )
    assert any("line two of my notes" in str(f.value) for f in after.draft.notes())


def test_an_unknown_command_never_echoes_a_secret(interview: Interview) -> None:
    token = "xoxb-" + "1234567890-abcdefghijklmnop"
    outcome = say(interview, start(interview), f"/{token}")
    assert outcome.kind is Kind.NOTICE
    assert token not in outcome.text
    assert "[redacted slack-token]" in outcome.text
    assert "I removed a Slack token" in redaction_notice(outcome.redacted)


def test_finish_twice_does_not_mint_an_identical_version(interview: Interview, store) -> None:
    outcome = start(interview)
    first = say(interview, outcome, "finish")
    again = say(interview, outcome, "finish")
    assert first.manual is not None
    assert again.manual is not None
    assert again.manual.version == first.manual.version == 1
    assert "Nothing changed since version 1" in again.text
    assert store.latest_version(draft=again.draft).version == 1


def test_a_correction_that_leaves_a_list_invalid_is_refused(interview: Interview) -> None:
    outcome = start(interview)
    say(interview, outcome, "finish")
    after = say(interview, outcome, "actually the escalation is the CTO")
    assert "Escalation needs at least 2 entries" in after.text
    assert len(after.draft.value("escalation")) == 4  # the proposed chain stays


def test_status_names_skipped_questions_by_label(interview: Interview) -> None:
    outcome = start(interview)
    say(interview, outcome, "skip")
    status = say(interview, outcome, "status")
    assert "Skipped (proposed at the end): Architecture, Key components" in status.text


def test_a_real_answer_nothing_could_place_never_gets_the_same_questions_again(
    interview: Interview,
) -> None:
    """The bot must never get stuck: a substantive reply that fills none of the asked
    questions is kept, the open questions are proposed at the end, and the interview moves on."""
    outcome = start(interview)
    text = "It is a Go API on EKS behind an ALB; requests go through the pods to PostgreSQL."
    first = say(interview, outcome, text)
    asked = [q.slot_id for q in first.questions]
    again = say(interview, outcome, text)  # the same words again: nothing new to place
    assert set(asked) <= again.draft.skipped
    assert not set(asked) & {q.slot_id for q in again.questions}
    assert "I'll propose" in again.text
    assert "actually" in again.text


def test_questions_already_in_the_thread_come_back_as_one_reminder_line(
    interview: Interview,
) -> None:
    """Engineers answer what they like, in the order they like: when a reply fills other
    slots, re-posting the same numbered block after it buries the thread. The open questions
    stay open (they are still asked and answerable) but are named in one line."""
    outcome = start(interview)
    asked = [q.slot_id for q in outcome.questions]
    later = say(interview, outcome, "RTO is 4 hours and RPO 15 minutes, we fail over to eu-west-2")
    assert [q.slot_id for q in later.questions] == asked
    assert "Still open from my last questions" in later.text
    assert "1. " not in later.text
    assert not set(asked) & later.draft.skipped
    moved = say(interview, outcome, "1. Go API on EKS behind an ALB, pods talk to PostgreSQL")
    assert "Still open" not in moved.text


def test_a_corrected_table_row_is_acknowledged_by_the_cell_that_changed(
    interview: Interview,
) -> None:
    outcome = start(interview)
    say(
        interview,
        outcome,
        "alerts: queue age > 5 min = critical, page on-call; error rate > 2% = warning, check "
        "the provider; p95 latency > 2 s = warning",
    )
    fixed = say(interview, outcome, "actually queue age critical is > 10 min not 5")
    assert "Updated Key metrics: queue age: > 5 min → > 10 min." in fixed.text


def test_a_pasted_credential_does_not_skip_the_open_questions(interview: Interview) -> None:
    outcome = start(interview)
    asked = {q.slot_id for q in outcome.questions}
    after = say(interview, outcome, "oracle password for the batch user is Winter2024!Harbor btw")
    assert not asked & after.draft.skipped
    assert "I'll propose" not in after.text
