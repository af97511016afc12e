"""Turning what the interview decided into Slack posts, once per job.

A job's interview step and its posts are separate: the step mutates the draft (a reply is
stored, questions are skipped) and is recorded as the job's ``applied`` effect with what it
said; the posts then go out through the idempotent Publisher. A job that runs again after a
lost lease does not repeat the step; it rebuilds the same ``Plan`` from the record (or from
the store) and only sends what was not sent yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.draft import Draft, DraftStatus
from bot.core.names import manual_filename
from bot.intake.notice import redaction_notice
from bot.interview.outcome import Kind, Outcome
from bot.interview.ports import RenderedVersion
from bot.slack.blocks import notice_message, question_message, root_message, upload_comment
from bot.slack.publisher import Attachment, JobPublisher


@dataclass(frozen=True, slots=True)
class Upload:
    """The files one message shares: the manual, and with a finished one its details file."""

    filename: str
    markdown: str
    title: str
    final: bool
    details_filename: str = ""
    details: str = ""

    def attachments(self) -> list[Attachment]:
        files = [Attachment(self.filename, self.markdown, self.title)]
        if self.details:
            title = self.title.replace("operations manual", "every fact in full, with sources")
            files.append(Attachment(self.details_filename, self.details, title))
        return files


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one job posts to a manual's thread."""

    kind: str
    text: str
    progress_bar: str
    questions: int = 0
    upload: Upload | None = None

    def record(self) -> dict[str, Any]:
        """What ``applied`` stores: enough to post the same words again (not the Markdown)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "progress_bar": self.progress_bar,
            "questions": self.questions,
        }


def plan_from_outcome(outcome: Outcome) -> Plan:
    notes = [n for n in (redaction_notice(outcome.redacted, slack=True),) if n]
    text = "\n".join([*notes, outcome.text]).strip() or "Nothing changed."
    upload = None
    if outcome.manual is not None and outcome.kind in (Kind.COMPLETE, Kind.DRAFT):
        manual = outcome.manual
        upload = Upload(
            filename=manual.filename,
            markdown=manual.markdown,
            title=f"{outcome.draft.name}: operations manual" + ("" if manual.final else " (draft)"),
            final=manual.final,
            details_filename=manual.details_filename,
            details=manual.details,
        )
    return Plan(outcome.kind.value, text, outcome.progress.bar(), len(outcome.questions), upload)


def upload_of_version(
    draft: Draft, version: RenderedVersion, *, details: tuple[str, str] = ("", "")
) -> Upload:
    """A stored final version, re-published (a job replayed after it completed the draft),
    with its details file (name, Markdown) when the caller has it."""
    return Upload(
        filename=manual_filename(draft.slug),
        markdown=version.markdown,
        title=f"{draft.name}: operations manual",
        final=True,
        details_filename=details[0],
        details=details[1],
    )


def publish(plan: Plan, *, draft: Draft, pub: JobPublisher, refresh_root: bool = True) -> None:
    """Post the plan in the draft's thread and refresh the root message in place."""
    channel, thread = draft.scope.channel, draft.thread_ts
    if thread is None:
        return  # a draft started in the terminal has no thread to answer in
    if plan.upload is not None:
        kind = "final" if plan.upload.final else "draft"
        pub.upload_manual(
            channel=channel,
            thread_ts=thread,  # the ROOT ts: files_upload_v2 does not thread on a reply's ts
            files=plan.upload.attachments(),
            comment=upload_comment(plan.text, final=plan.upload.final),
            kind=kind,
        )
    else:
        interviewing = draft.status is DraftStatus.INTERVIEWING
        text, blocks = question_message(
            text=plan.text, draft_id=draft.id or 0, buttons=interviewing and plan.questions > 0
        )
        pub.post_questions(
            channel=channel, thread_ts=thread, text=text, blocks=blocks, questions=plan.questions
        )
    if refresh_root:
        update_root(draft=draft, pub=pub, progress_bar=plan.progress_bar)


def update_root(*, draft: Draft, pub: JobPublisher, progress_bar: str) -> None:
    if draft.thread_ts is None:
        return
    done = draft.version if draft.status is DraftStatus.COMPLETE else None
    text, blocks = root_message(name=draft.name, progress_bar=progress_bar, done_version=done)
    pub.update_root(
        channel=draft.scope.channel,
        ts=draft.thread_ts,
        text=text,
        blocks=blocks,
        effect="root-update",
    )


def post_notice(*, draft: Draft, pub: JobPublisher, text: str, effect: str = "notice") -> None:
    if draft.thread_ts is None:
        return
    body, blocks = notice_message(text)
    pub.post_notice(
        channel=draft.scope.channel,
        thread_ts=draft.thread_ts,
        text=body,
        blocks=blocks,
        effect=effect,
    )
