"""Rows to the core's dataclasses and back; the only place that knows both shapes."""

from __future__ import annotations

from bot.core.draft import Draft, DraftStatus, Fact, Op, Reply, Scope
from bot.db.models import DraftRow, FactRow, ReplyRow, VersionRow
from bot.interview.ports import RenderedVersion


def draft_from_row(row: DraftRow, facts: list[Fact]) -> Draft:
    return Draft(
        name=row.name,
        scope=Scope(row.workspace, row.channel),
        owner=row.owner,
        created_at=row.created_at,
        updated_at=row.updated_at,
        id=row.id,
        thread_ts=row.thread_ts,
        status=DraftStatus(row.status),
        facts=facts,
        asked=list(row.asked),
        skipped=set(row.skipped),
        version=row.version,
    )


def fact_from_row(row: FactRow) -> Fact:
    return Fact(
        slot_id=row.slot_id,
        value=row.value,
        op=Op(row.op),
        author=row.author,
        reply_id=row.reply_id,
        created_at=row.created_at,
        quote=row.quote,
        id=row.id,
        withdrawn=row.withdrawn,
    )


def fact_to_row(draft_id: int, fact: Fact) -> FactRow:
    return FactRow(
        draft_id=draft_id,
        slot_id=fact.slot_id,
        value=fact.value,
        op=fact.op.value,
        author=fact.author,
        reply_id=fact.reply_id,
        quote=fact.quote,
        created_at=fact.created_at,
        withdrawn=fact.withdrawn,
    )


def reply_from_row(row: ReplyRow) -> Reply:
    return Reply(
        id=row.id,
        author=row.author,
        text=row.text,
        created_at=row.created_at,
        source_ref=row.source_ref,
    )


def version_from_row(row: VersionRow) -> RenderedVersion:
    return RenderedVersion(
        version=row.version,
        markdown=row.markdown,
        word_count=row.word_count,
        created_at=row.created_at,
        final=row.final,
    )
