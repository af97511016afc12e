"""The interview: start, answer, command, finish, over the Store and Extractor ports.

This is the one place that decides what a reply does to a draft and what the bot says back; the
terminal and Slack only carry text in and out. Each store call is its own short transaction and
the extractor (possibly an LLM) runs between them, never inside one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.clock import utcnow
from bot.core.draft import Draft, DraftStatus, Scope
from bot.core.merge import merge, record_leftovers
from bot.core.slots import SLOT_BY_ID, SLOTS
from bot.core.values import text_problem
from bot.intake.clean import LONG_REPLY_CHARS, MAX_REPLY_CHARS
from bot.intake.sanitize import CleanReply, sanitize
from bot.interview import planner as gaps
from bot.interview.commands import HELP_TEXT, Command, looks_like_unknown_command, parse_command
from bot.interview.outcome import InterviewError, Kind, Outcome, acknowledge
from bot.interview.ports import Extractor, Phraser, Sources, Store, UsageReport
from bot.rendering.builder import Manual, ManualBuilder

MAX_NAME_CHARS = 120


def _same_body(stored: str, manual: Manual) -> bool:
    """Equal apart from the version/date line, which changes with every render."""

    def body(markdown: str) -> list[str]:
        return [line for line in markdown.splitlines() if not line.startswith("*Version ")]

    return body(stored) == body(manual.markdown)


class Interview:
    def __init__(
        self,
        *,
        store: Store,
        extractor: Extractor,
        builder: ManualBuilder | None = None,
        clock: Callable[[], datetime] = utcnow,
        phraser: Phraser | None = None,
        usage: UsageReport | None = None,
        sources: Sources | None = None,
    ) -> None:
        self._store = store
        self.sources = sources  # set by the adapter that knows links and names (Slack)
        self._extractor = extractor
        self._builder = builder or ManualBuilder()
        self._clock = clock
        self._phraser = phraser
        self._usage = usage

    # ------------------------------------------------------------------ lifecycle

    def start(self, *, scope: Scope, name: str, owner: str) -> Outcome:
        """Create a draft, or return the existing one of that name in this scope (never a twin)."""
        reply = sanitize(name)
        clean, redacted = " ".join(reply.text.split()), reply.redacted
        if not clean:
            raise InterviewError("A manual needs a name, e.g. `new Payments API`.")
        if len(clean) > MAX_NAME_CHARS:
            raise InterviewError(f"Keep the name under {MAX_NAME_CHARS} characters.")
        if problem := text_problem(clean):  # the name is the manual's title: it must pass lint
            raise InterviewError(
                f"That name {problem.split(':')[0]}; give the service's real name."
            )
        existing = self._store.find_drafts(scope=scope, name=clean)
        if existing:
            draft = existing[0]
            return self._questions(
                draft, Kind.EXISTING, [self._resume_line(draft)], redacted=redacted
            )
        draft = self._store.create_draft(scope=scope, name=clean, owner=owner, now=self._clock())
        intro = (
            f"Let's write the operations manual for {draft.name}. I will ask a few questions "
            "at a time; answer in your own words. Type `help` for commands."
        )
        return self._questions(draft, Kind.STARTED, [intro], redacted=redacted)

    def resume(self, *, scope: Scope, draft_id: int) -> Outcome:
        draft = self._load(scope, draft_id)
        return self._questions(draft, Kind.QUESTIONS, [self._resume_line(draft)])

    def handle(
        self,
        *,
        scope: Scope,
        draft_id: int,
        author: str,
        text: str,
        source_ref: str | None = None,
    ) -> Outcome:
        """One human message as typed (the terminal): sanitized here, then ``receive``d."""
        reply = sanitize(text)
        return self.receive(
            scope=scope, draft_id=draft_id, author=author, reply=reply, source_ref=source_ref
        )

    def receive(
        self,
        *,
        scope: Scope,
        draft_id: int,
        author: str,
        reply: CleanReply,
        source_ref: str | None = None,
    ) -> Outcome:
        """One sanitized message: a command word, or an answer to extract facts from. The
        core trusts ``reply``: it is stored, extracted and echoed as it is."""
        return self._receive(self._load(scope, draft_id), author, reply, source_ref)

    def edit(
        self,
        *,
        scope: Scope,
        draft_id: int,
        author: str,
        message_ref: str,
        edit_ref: str,
        reply: CleanReply,
        asked: Sequence[str] | None = None,
    ) -> Outcome:
        """A message was edited: what its earlier wording told us is withdrawn (kept in the
        history), the questions open when it was first written are asked again (``asked``),
        and the new wording is read as a fresh answer."""
        draft = self._load(scope, draft_id)
        self._withdraw_message(draft, message_ref)
        if asked is not None and draft.status is DraftStatus.INTERVIEWING:
            draft.asked = list(asked)
        self._store.save_draft(draft=draft)
        return self._receive(draft, author, reply, edit_ref)

    def withdraw(self, *, scope: Scope, draft_id: int, message_ref: str) -> Outcome:
        """A message was deleted: every fact it (or an edit of it) gave is withdrawn."""
        draft = self._load(scope, draft_id)
        touched = self._withdraw_message(draft, message_ref)
        labels = ", ".join(SLOT_BY_ID[s].label for s in touched if s in SLOT_BY_ID)
        line = f"A message was deleted, so I withdrew what it told me ({labels})."
        if not touched:
            line = "A message was deleted; nothing I had saved came from it."
        return self._questions(draft, Kind.QUESTIONS, [line])

    def _withdraw_message(self, draft: Draft, message_ref: str) -> list[str]:
        touched: list[str] = []
        for reply_id in self._store.reply_ids_for_source(draft=draft, source_ref=message_ref):
            touched.extend(draft.withdraw_reply(reply_id))
        return list(dict.fromkeys(touched))

    def _receive(
        self, draft: Draft, author: str, reply: CleanReply, source_ref: str | None
    ) -> Outcome:
        scope = draft.scope
        text, redacted = reply.text, reply.redacted
        if not text or reply.junk:
            note = "Mostly unreadable characters" if reply.junk else "Empty"
            return self._notice(draft, f"{note} reply: nothing saved. {self._ask_hint(draft)}")
        command = parse_command(text)
        if command is not None:
            return self.command(scope=scope, draft_id=draft.id or 0, command=command)
        if looks_like_unknown_command(text):
            return self._notice(
                draft,
                f"I don't know the command `{text}`. Type `help` for the ones I know.",
                redacted=redacted,
            )
        if len(text) > MAX_REPLY_CHARS:
            return self._notice(
                draft,
                f"That reply is {len(text):,} characters; the limit is {MAX_REPLY_CHARS:,}. "
                "Nothing was saved: please send it in parts.",
            )
        return self._answer(
            draft, author=author, text=text, source_ref=source_ref, redacted=redacted
        )

    def command(self, *, scope: Scope, draft_id: int, command: Command) -> Outcome:
        draft = self._load(scope, draft_id)
        if command is Command.HELP:
            mode = f"Extractor: {self._extractor.name}."  # Claude or the offline rules
            return self._questions(draft, Kind.HELP, [HELP_TEXT, mode])
        if command is Command.STATUS:
            return self._status(draft)
        if command is Command.DRAFT:
            manual = self._builder.preview(draft, now=self._clock())
            missing = [s.label for s in gaps.missing(draft)]
            lines = [f"Draft of {draft.name} ({manual.word_count} words in the manual)."]
            if missing:
                lines.append("Still missing (shown with proposed values): " + ", ".join(missing))
            return Outcome(Kind.DRAFT, draft, "\n".join(lines), gaps.progress(draft), (), manual)
        if command is Command.SKIP:
            if draft.status is DraftStatus.COMPLETE:
                return self._notice(draft, "This manual is complete; there is nothing to skip.")
            skipped = [s for s in draft.asked if not draft.filled(s)]
            draft.skipped.update(skipped)
            labels = ", ".join(SLOT_BY_ID[s].label for s in skipped) or "nothing"
            return self._after_change(draft, [f"Skipped {labels}; I will propose it at the end."])
        return self.finish(scope=scope, draft_id=draft.id or 0)

    def finish(self, *, scope: Scope, draft_id: int) -> Outcome:
        draft = self._load(scope, draft_id)
        return self._complete(draft, [])

    def details(self, *, scope: Scope, draft_id: int) -> tuple[str, str]:
        """(file name, Markdown) of the details file for the draft as it stands."""
        draft = self._load(scope, draft_id)
        manual = self._builder.current(draft, now=self._clock())
        return manual.details_filename, self._details(draft, manual)

    def _details(self, draft: Draft, manual: Manual) -> str:
        replies = self._store.list_replies(draft=draft)
        return self._builder.details(
            draft, replies=replies, manual=manual, now=self._clock(), sources=self.sources
        )

    # ------------------------------------------------------------------ internals

    def _load(self, scope: Scope, draft_id: int) -> Draft:
        draft = self._store.load_draft(scope=scope, draft_id=draft_id)
        if draft is None:
            raise InterviewError(f"No draft #{draft_id} here.")
        return draft

    def _answer(
        self,
        draft: Draft,
        *,
        author: str,
        text: str,
        source_ref: str | None,
        redacted: tuple[str, ...],
    ) -> Outcome:
        """``text`` is already cleaned and redacted: this is the only text that is stored."""
        if source_ref is not None and self._store.reply_by_source(
            draft=draft, source_ref=source_ref
        ):
            return Outcome(Kind.DUPLICATE, draft, "", gaps.progress(draft))
        now = self._clock()
        reply = self._store.add_reply(
            draft=draft, author=author, text=text, now=now, source_ref=source_ref
        )
        extraction = self._extractor.extract(draft=draft, asked=list(draft.asked), text=reply.text)
        result = merge(draft, extraction.updates, author=author, reply_id=reply.id, now=now)
        refused = [r.text for r in result.rejected if r.text]
        kept = record_leftovers(
            draft, [*extraction.leftovers, *refused], author=author, reply_id=reply.id, now=now
        )
        unknown = [s for s in extraction.unknown if s in SLOT_BY_ID and not draft.filled(s)]
        draft.skipped.update(unknown)
        lines = acknowledge(result)
        if unknown:
            labels = ", ".join(SLOT_BY_ID[s].label for s in unknown)
            lines.append(f"No problem: I will propose {labels} at the end for you to check.")
        lines.extend(extraction.notes)
        if len(text) > LONG_REPLY_CHARS:
            lines.append(f"That was a long reply ({len(text):,} characters); all of it is saved.")
        if not result.changes and not unknown and not extraction.notes:
            lines.append(
                "I kept that for the details file; I couldn't place it in a section."
                if kept
                else "I couldn't match that to the questions, so nothing changed."
            )
        # a pasted log or credential is no answer: the questions still stand
        pasted = len(text) > LONG_REPLY_CHARS or bool(redacted)
        if not result.changes and not unknown and (extraction.updates or kept) and not pasted:
            lines.extend(gaps.move_on(draft))
        if draft.status is DraftStatus.COMPLETE:
            if not result.changes:
                self._store.save_draft(draft=draft)
                return self._notice(draft, "\n".join(lines), redacted=redacted)
            return self._complete(draft, lines, redacted=redacted)
        return self._after_change(draft, lines, redacted=redacted, remind=True)

    def _after_change(
        self,
        draft: Draft,
        lines: list[str],
        *,
        redacted: tuple[str, ...] = (),
        remind: bool = False,
    ) -> Outcome:
        if gaps.is_complete(draft):
            return self._complete(draft, lines, redacted=redacted)
        return self._questions(draft, Kind.QUESTIONS, lines, redacted=redacted, remind=remind)

    def _questions(
        self,
        draft: Draft,
        kind: Kind,
        lines: list[str],
        *,
        redacted: tuple[str, ...] = (),
        remind: bool = False,
    ) -> Outcome:
        """``remind``: the questions follow a reply in the same conversation, so ones the
        thread already shows are named in a line instead of asked again in full."""
        if draft.status is DraftStatus.COMPLETE:
            self._store.save_draft(draft=draft)
            done = f"The manual is complete (version {draft.version}). Corrections make a new one."
            return Outcome(kind, draft, "\n".join([*lines, done]), gaps.progress(draft))
        questions = gaps.plan_next(draft)
        again = remind and bool(questions) and [q.slot_id for q in questions] == draft.asked
        draft.asked = [q.slot_id for q in questions]
        self._store.save_draft(draft=draft)
        progress = gaps.progress(draft)
        # the thread already shows these questions: a reminder, not the block again
        wording = gaps.reminder(questions) if again else gaps.format_questions(questions)
        if self._phraser is not None and questions and not again:  # after the save
            wording = self._phraser.phrase(draft=draft, questions=questions) or wording
        text = "\n".join([*lines, progress.bar(), wording]).strip()
        return Outcome(kind, draft, text, progress, tuple(questions), None, redacted)

    def _complete(
        self, draft: Draft, lines: list[str], *, redacted: tuple[str, ...] = ()
    ) -> Outcome:
        """Fill the gaps, render, and publish a new version only if it passes the contract.

        A manual that would fail lint is not published: the draft keeps interviewing and the
        user is told what to fix. A ``finish`` that changes nothing returns the stored version
        instead of minting an identical new one.
        """
        now = self._clock()
        own_facts = len(draft.facts)
        manual = self._builder.finalise(draft, now=now)
        if manual.violations:
            del draft.facts[own_facts:]  # the proposals are not saved with a failed manual
            self._store.save_draft(draft=draft)
            problems = "; ".join(manual.violations[:5])
            text = "\n".join(
                [*lines, f"The manual does not pass the output contract yet: {problems}."]
            )
            return Outcome(Kind.NOTICE, draft, text, gaps.progress(draft), (), None, redacted)
        latest = self._store.latest_version(draft=draft)
        if draft.status is DraftStatus.COMPLETE and latest and _same_body(latest.markdown, manual):
            self._store.save_draft(draft=draft)
            manual = replace(manual, version=latest.version, markdown=latest.markdown)
            manual = replace(manual, details=self._details(draft, manual))
            text = "\n".join([*lines, f"Nothing changed since version {latest.version}."])
            return Outcome(Kind.COMPLETE, draft, text, gaps.progress(draft), (), manual, redacted)
        draft.status = DraftStatus.COMPLETE
        draft.asked = []
        stored = self._store.add_version(
            draft=draft,
            markdown=manual.markdown,
            word_count=manual.word_count,
            final=True,
            now=now,
        )
        draft.version = stored.version
        self._store.save_draft(draft=draft)
        manual = replace(manual, details=self._details(draft, manual))
        return Outcome(
            Kind.COMPLETE,
            draft,
            "\n".join([*lines, manual.summary()]),
            gaps.progress(draft),
            (),
            manual,
            redacted,
        )

    def _status(self, draft: Draft) -> Outcome:
        progress = gaps.progress(draft)
        lines = [f"{draft.name}: {draft.status.value}, {progress.bar()}"]
        for section in progress.sections:
            mark = "done" if section.complete else f"{section.filled}/{section.total}"
            lines.append(f"  {section.number}. {section.title}: {mark}")
        skipped = [s.label for s in SLOTS if s.id in draft.skipped]
        if skipped:
            lines.append("Skipped (proposed at the end): " + ", ".join(skipped))
        lines.append(f"Extractor: {self._extractor.name}.")
        usage = self._usage.usage_line(draft_id=draft.id) if self._usage and draft.id else None
        if usage:
            lines.append(usage)
        return Outcome(Kind.STATUS, draft, "\n".join(lines), progress, ())

    def _notice(self, draft: Draft, text: str, *, redacted: tuple[str, ...] = ()) -> Outcome:
        return Outcome(Kind.NOTICE, draft, text, gaps.progress(draft), (), None, redacted)

    def _ask_hint(self, draft: Draft) -> str:
        if draft.status is DraftStatus.COMPLETE:
            return "The manual is complete; send a correction to make a new version."
        return "Answer the questions above, or type `help`."

    def _resume_line(self, draft: Draft) -> str:
        if draft.status is DraftStatus.COMPLETE:
            return f"{draft.name} already has a finished manual (version {draft.version})."
        progress = gaps.progress(draft)
        return f"Resuming {draft.name} ({progress.done}/{progress.total} sections complete)."
