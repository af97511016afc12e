"""What each job kind does: run the interview core, then publish through the Publisher.

Every handler is written to be run again safely. The interview step of a job is recorded as
its ``applied`` effect; a re-run (after a lost lease) skips the step and republishes from the
record, and the Publisher skips every post the first run already made. Every draft lookup is
scoped by the job's workspace and channel, so a thread can only ever reach its own draft.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.draft import Draft, DraftStatus, Scope
from bot.intake.sanitize import CleanReply
from bot.interview.commands import Command
from bot.interview.outcome import Kind, Outcome
from bot.interview.planner import progress
from bot.interview.ports import Store
from bot.interview.service import Interview
from bot.observability import REPLIES_PROCESSED
from bot.slack.blocks import draft_list, escape, root_message
from bot.slack.jobs import JobKind, message_key
from bot.slack.markup import readable
from bot.slack.outcomes import (
    Plan,
    plan_from_outcome,
    post_notice,
    publish,
    upload_of_version,
)
from bot.slack.ports import Inbox, JobLike
from bot.slack.publisher import JobPublisher, Publisher

log = logging.getLogger(__name__)

APPLIED = "applied"
ASKED = "asked"
UNLINKED_RETRIES = 3  # a reply may beat the `new` job saving its thread by a moment


class RetryLaterError(Exception):
    """Not an error of the job itself: try it again after a back-off."""


class JobHandlers:
    def __init__(
        self, *, interview: Interview, store: Store, inbox: Inbox, publisher: Publisher
    ) -> None:
        self.interview = interview
        self.store = store
        self.inbox = inbox
        self.publisher = publisher

    def run(self, job: JobLike) -> None:
        pub = self.publisher.for_job(job)
        kind = JobKind(job.kind)
        scope = Scope(job.workspace, job.channel)
        if kind is JobKind.NEW:
            self._new(job, scope, pub)
        elif kind is JobKind.LIST:
            self._list(job, scope, pub)
        elif kind is JobKind.DRAFT:
            self._draft_command(job, scope, pub)
        else:
            self._in_thread(job, kind, scope, pub)

    # ------------------------------------------------------------------ channel jobs

    def _new(self, job: JobLike, scope: Scope, pub: JobPublisher) -> None:
        payload = job.payload
        created = self.inbox.get_effect(job_id=job.id, effect_key="draft")
        if created is not None:
            outcome = self.interview.resume(scope=scope, draft_id=int(created["draft_id"]))
        else:
            outcome = self.interview.start(
                scope=scope, name=str(payload["name"]), owner=str(payload.get("user") or "")
            )
            if outcome.kind is Kind.EXISTING and outcome.draft.thread_ts is not None:
                self._offer_existing(payload, outcome, pub)
                return
            # A draft with no thread here was left by a run of this job that died early.
            draft_id = outcome.draft.id or 0
            self.inbox.record_effect(
                job_id=job.id, effect_key="draft", result={"draft_id": draft_id}
            )
            self.inbox.set_draft(job_id=job.id, draft_id=draft_id)
        draft = outcome.draft
        fresh_root = draft.thread_ts is None
        if fresh_root:
            text, blocks = root_message(name=draft.name, progress_bar=outcome.progress.bar())
            root_ts = pub.post_root(channel=scope.channel, text=text, blocks=blocks)
            draft = self._load(scope, draft.id or 0)
            draft.thread_ts = root_ts
            self.store.save_draft(draft=draft)
        # a root posted just now already shows this progress: no chat.update needed
        publish(plan_from_outcome(outcome), draft=draft, pub=pub, refresh_root=not fresh_root)

    def _offer_existing(self, payload: dict[str, Any], outcome: Outcome, pub: JobPublisher) -> None:
        draft = outcome.draft
        state = (
            f"done, version {draft.version}"
            if draft.status is DraftStatus.COMPLETE
            else outcome.progress.bar()
        )
        text = (
            f"*{escape(draft.name)}* already has a manual in this channel ({state}). "
            'Continue in its thread (the message "Operations manual for '
            f'*{escape(draft.name)}*"), or `/opsmanual draft {escape(draft.name)}` to see it.'
        )
        self._ephemeral(payload, pub, text)

    def _list(self, job: JobLike, scope: Scope, pub: JobPublisher) -> None:
        drafts = self.store.find_drafts(scope=scope)
        rows = [(d.name, _status(d), progress(d).bar()) for d in drafts]
        self._ephemeral(job.payload, pub, draft_list(rows, heading="Manuals in this channel:"))

    def _draft_command(self, job: JobLike, scope: Scope, pub: JobPublisher) -> None:
        name = job.payload.get("name")
        drafts = self.store.find_drafts(scope=scope, name=name)
        if not drafts:
            what = f"named *{escape(str(name))}* " if name else ""
            self._ephemeral(
                job.payload, pub, f"No manual {what}in this channel. See `/opsmanual list`."
            )
            return
        if len(drafts) > 1:
            rows = [(d.name, _status(d), progress(d).bar()) for d in drafts]
            heading = "Which one? `/opsmanual draft <name>`:"
            self._ephemeral(job.payload, pub, draft_list(rows, heading=heading))
            return
        draft = drafts[0]
        latest = self.store.latest_version(draft=draft)
        if draft.status is DraftStatus.COMPLETE and latest is not None:
            upload = upload_of_version(draft, latest, details=self._details(scope, draft))
            comment = f"Manual version {latest.version} of {draft.name}."
        else:
            outcome = self.interview.command(
                scope=scope, draft_id=draft.id or 0, command=Command.DRAFT
            )
            plan = plan_from_outcome(outcome)
            assert plan.upload is not None
            upload, comment = plan.upload, plan.text
        pub.upload_manual(
            channel=scope.channel,
            thread_ts=None,
            files=upload.attachments(),
            comment=escape(comment),
            kind="final" if upload.final else "draft",
        )

    def _ephemeral(self, payload: dict[str, Any], pub: JobPublisher, text: str) -> None:
        url = payload.get("response_url")
        if url:
            pub.respond_ephemeral(response_url=str(url), text=text)

    # ------------------------------------------------------------------- thread jobs

    def _in_thread(self, job: JobLike, kind: JobKind, scope: Scope, pub: JobPublisher) -> None:
        draft_id = self.store.find_draft_by_thread(scope=scope, thread_ts=str(job.thread_ts))
        if draft_id is None:
            if job.attempts < UNLINKED_RETRIES:
                raise RetryLaterError(f"no draft for thread {job.thread_ts} yet")
            log.info("job %s: thread %s has no draft; dropped", job.id, job.thread_ts)
            return
        applied = self.inbox.get_effect(job_id=job.id, effect_key=APPLIED)
        draft: Draft | None = None
        if applied is not None:
            plan = self._replay(scope, draft_id, applied)
        else:
            outcome = self._apply(job, kind, scope, draft_id)
            if outcome is None:
                return
            if outcome.kind is Kind.DUPLICATE:  # stored by a run of this job that then died
                plan = self._replay(scope, draft_id, None)
            else:
                plan, draft = plan_from_outcome(outcome), outcome.draft
            self.inbox.record_effect(job_id=job.id, effect_key=APPLIED, result=plan.record())
        publish(plan, draft=draft or self._load(scope, draft_id), pub=pub)

    def _apply(self, job: JobLike, kind: JobKind, scope: Scope, draft_id: int) -> Outcome | None:
        payload = job.payload
        author = str(payload.get("user") or "")
        if kind is JobKind.REPLY:
            REPLIES_PROCESSED.inc()
            # What was asked when this message was written: an edit re-reads it against that.
            open_now = self._load(scope, draft_id).asked
            self.inbox.record_effect(job_id=job.id, effect_key=ASKED, result={"asked": open_now})
            return self.interview.receive(
                scope=scope,
                draft_id=draft_id,
                author=author,
                reply=self._reply(payload),
                source_ref=str(payload["ts"]),
            )
        if kind is JobKind.BUTTON:
            if payload.get("draft_id") not in (None, draft_id):
                return None  # a button from another thread's message: ignore
            command = Command(str(payload["word"]))
            return self.interview.command(scope=scope, draft_id=draft_id, command=command)
        if kind is JobKind.EDIT:
            REPLIES_PROCESSED.inc()
            return self.interview.edit(
                scope=scope,
                draft_id=draft_id,
                author=author,
                message_ref=str(payload["ts"]),
                edit_ref=f"{payload['ts']}:edit:{payload.get('edited_ts')}",
                reply=self._reply(payload),
                asked=self._asked_at(job, scope),
            )
        return self.interview.withdraw(
            scope=scope, draft_id=draft_id, message_ref=str(payload["ts"])
        )

    def _asked_at(self, job: JobLike, scope: Scope) -> list[str] | None:
        """The questions open when the edited message was first processed, if recorded."""
        key = message_key(
            workspace=scope.workspace,
            channel=scope.channel,
            ts=str(job.payload["ts"]),
            kind=JobKind.REPLY,
        )
        original = self.inbox.job_id_for_event(event_key=key)
        if original is None:
            return None
        recorded = self.inbox.get_effect(job_id=original, effect_key=ASKED)
        return None if recorded is None else [str(s) for s in recorded.get("asked") or []]

    def _replay(self, scope: Scope, draft_id: int, applied: dict[str, Any] | None) -> Plan:
        """The plan of a step that already ran, rebuilt without running it again."""
        draft = self._load(scope, draft_id)
        kind = str((applied or {}).get("kind") or "")
        if draft.status is DraftStatus.COMPLETE and kind in ("", Kind.COMPLETE.value):
            latest = self.store.latest_version(draft=draft)
            bar = progress(draft).bar()
            if latest is not None:
                text = f"Manual version {latest.version}: {latest.word_count} words."
                upload = upload_of_version(draft, latest, details=self._details(scope, draft))
                return Plan(Kind.COMPLETE.value, text, bar, 0, upload)
        if applied is None:
            return plan_from_outcome(self.interview.resume(scope=scope, draft_id=draft_id))
        if kind == Kind.DRAFT.value:
            outcome = self.interview.command(scope=scope, draft_id=draft_id, command=Command.DRAFT)
            return plan_from_outcome(outcome)
        return Plan(
            kind,
            str(applied.get("text") or ""),
            str(applied.get("progress_bar") or progress(draft).bar()),
            int(applied.get("questions") or 0),
        )

    def _reply(self, payload: dict[str, Any]) -> CleanReply:
        """The listener sanitized the text (cleaned, secrets redacted) before queueing it; here
        Slack's markup becomes Markdown and mentions get names (one users.info per person)."""
        sources = self.interview.sources
        person = sources.person if sources is not None else None
        text = readable(str(payload["text"]), rebuilt=bool(payload.get("rebuilt")), person=person)
        redacted = tuple(str(k) for k in payload.get("redacted") or ())
        return CleanReply(text.strip(), redacted, junk=bool(payload.get("junk")))

    def _details(self, scope: Scope, draft: Draft) -> tuple[str, str]:
        return self.interview.details(scope=scope, draft_id=draft.id or 0)

    def _load(self, scope: Scope, draft_id: int) -> Draft:
        draft = self.store.load_draft(scope=scope, draft_id=draft_id)
        if draft is None:
            raise LookupError(f"draft {draft_id} is not in {scope}")
        return draft

    def tell_thread(self, job: JobLike, text: str) -> None:
        """A user-facing problem (InterviewError) said in the job's thread or privately."""
        pub = self.publisher.for_job(job)
        scope = Scope(job.workspace, job.channel)
        draft_id = None
        if job.thread_ts:
            draft_id = self.store.find_draft_by_thread(scope=scope, thread_ts=job.thread_ts)
        if draft_id is not None:
            post_notice(draft=self._load(scope, draft_id), pub=pub, text=text, effect="problem")
        else:
            self._ephemeral(job.payload, pub, escape(text))


def _status(draft: Draft) -> str:
    if draft.status is DraftStatus.COMPLETE:
        return f"complete (version {draft.version})"
    return draft.status.value
