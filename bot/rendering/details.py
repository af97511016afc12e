"""The details file: every fact in full, under its subsection, with who said it and where.

The manual is capped at 800 words, so it holds a shortened picture; nothing an engineer said may
be lost to that cap. This companion file has no word cap: each slot's full current value, the
messages it came from (author, time, a link to the message where the adapter can make one),
the earlier values a correction replaced, and what the bot proposed, marked as a proposal.
Statements the extractor could not place in a section are listed at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.contract.mdtable import escape_cell
from bot.core.draft import MACHINE_OPS, NOTES_SLOT, Draft, Fact, Op, Reply
from bot.core.outline import OUTLINE
from bot.core.slots import SLOTS, Slot, SlotKind, Value
from bot.rendering.marks import MARK
from bot.rendering.render import inline

LinkFor = Callable[[Reply], str | None]
NameFor = Callable[[str], str]
QUOTE_CHARS = 600


@dataclass(frozen=True, slots=True)
class DetailsInput:
    """What the details file is built from; ``shortened`` names slots the manual cut."""

    draft: Draft
    replies: Mapping[int, Reply]
    manual_filename: str
    version: int
    date: datetime
    shortened: frozenset[str] = frozenset()
    link: LinkFor | None = None
    name: NameFor | None = None


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _source(fact: Fact, data: DetailsInput) -> str:
    """ "dana, 2026-12-06 15:34 UTC, [message](link)" for a fact from a reply."""
    author = fact.author or "unknown"
    who = data.name(author) if data.name else author
    parts = [inline(who), _when(fact.created_at)]
    reply = data.replies.get(fact.reply_id) if fact.reply_id is not None else None
    link = data.link(reply) if data.link and reply is not None else None
    if link:
        parts.append(f"[message]({link})")
    elif reply is not None:
        parts.append(f"reply #{reply.id}")
    return ", ".join(parts)


def _quote(text: str | None) -> str:
    body = inline(" ".join((text or "").split()))
    if len(body) > QUOTE_CHARS:
        body = body[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    return f"“{body}”" if body else ""


def _value_lines(slot_def: Slot, value: Value) -> list[str]:
    if isinstance(value, str):
        return [inline(value)]
    if slot_def.kind is SlotKind.TABLE:
        header = [c.capitalize() for c in slot_def.columns]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in value:
            if isinstance(row, dict):
                cells = [escape_cell(inline(row.get(c, ""))) for c in slot_def.columns]
                lines.append("| " + " | ".join(cells) + " |")
        return lines
    return [f"- {inline(str(item))}" for item in value]


def _history(draft: Draft, slot_id: str) -> list[Fact]:
    """The facts behind the current value: from the last clear on, withdrawn ones left out."""
    facts = [f for f in draft.facts if f.slot_id == slot_id and not f.withdrawn]
    last_clear = max((i for i, f in enumerate(facts) if f.op is Op.CLEAR), default=-1)
    return facts[last_clear + 1 :]


def _slot_block(slot_def: Slot, data: DetailsInput) -> list[str]:
    facts = _history(data.draft, slot_def.id)
    current = data.draft.current(slot_def.id)
    if current is None or current.value is None:
        return []
    title = f"**{slot_def.label}**"
    if current.op in MACHINE_OPS:
        how = "inferred from context" if current.op is Op.INFERRED else "standard practice"
        title += f" {MARK} proposed by opsmanual ({how}); no engineer stated it"
    elif slot_def.id in data.shortened:
        title += " (shortened in the manual; in full here)"
    lines = [title, "", *_value_lines(slot_def, current.value), ""]
    said = [f for f in facts if f.op not in MACHINE_OPS]
    for fact in said:
        verb = "Corrected by" if fact.op is Op.CORRECT else "Said by"
        lines.append(f"- {verb} {_source(fact, data)}: {_quote(fact.quote)}".rstrip(": "))
    earlier = [f for f in said[:-1] if f.op is not Op.APPEND and f.value != current.value]
    for fact in earlier if current.op is Op.CORRECT else []:
        if fact.value is not None:
            shown = "; ".join(_value_lines(slot_def, fact.value)).replace("- ", "")
            lines.append(f"- Earlier value, replaced by a correction: {shown[:QUOTE_CHARS]}")
    if said:
        lines.append("")
    return lines


def build_details(data: DetailsInput) -> str:
    """The details file as Markdown (no word cap, but one readable block per slot)."""
    draft = data.draft
    lines = [
        f"# Details: {inline(draft.name)}",
        f"*Companion to {data.manual_filename}, version {data.version} · "
        f"{data.date.date().isoformat()}. Every fact in full, with who said it and where; "
        f"{MARK} marks what opsmanual proposed.*",
        "",
    ]
    for section in OUTLINE:
        section_lines: list[str] = []
        for sub in section.subsections:
            blocks: list[str] = []
            for slot_def in (s for s in SLOTS if s.subsection == sub.number):
                blocks.extend(_slot_block(slot_def, data))
            if blocks:
                section_lines.extend([sub.heading, "", *blocks])
        if section_lines:
            lines.extend([section.heading, "", *section_lines])
    notes = [f for f in draft.facts if f.slot_id == NOTES_SLOT and not f.withdrawn]
    if notes:
        lines.extend(["## Not placed in a section", ""])
        for fact in notes:
            text = fact.value if isinstance(fact.value, str) else ""
            lines.append(f"- {inline(text)} ({_source(fact, data)})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
