"""Markdown rendering of a manual, and keeping it within the spec's 800 words.

The template is Markdown, so Jinja2's HTML autoescape is off; instead every user value goes
through a filter that knows its Markdown context (prose, bold label, table cell, bash line).
Those filters are what stop a reply containing ``|``, a leading ``#`` or a code fence from
breaking the document's structure, which :func:`bot.contract.lint.lint_manual` then checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, PackageLoader, StrictUndefined

from bot.contract.lint import count_words
from bot.contract.mdtable import escape_cell
from bot.core.outline import MAX_WORDS, OUTLINE
from bot.core.slots import SLOTS, Slot, SlotKind, Value, value_texts
from bot.core.values import CONTROL
from bot.rendering.content import ManualContent, content_from_values
from bot.rendering.fit import fit_values, ladders_of
from bot.rendering.marks import LEGEND, MARK, marked, unmark
from bot.rendering.protected import value_words

__all__ = ["BudgetedManual", "Renderer"]

TEMPLATE_NAME = "operations_manual.md.j2"
HEALTH_STATUS = "healthy|degraded|unhealthy"

# An optional first condensing pass (e.g. Claude) given (values, words over budget); it returns
# shorter values or None. The deterministic condenser still runs after it when needed.
CondenseHook = Callable[[dict[str, Value], int], dict[str, Value] | None]

# Control characters become spaces (core.values.CONTROL); bidi overrides and isolates are
# dropped, since they can make text display in a different order from the one it is stored
# (and linted) in.

_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_FENCE_RUN = re.compile(r"`{3,}")
# Markdown that only means something at the start of a line: headings, quotes, bullets, table
# rows, tilde fences and thematic breaks. Escaped with a backslash, which renders as nothing.
_LEADING = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-*+](?=\s|$)|\||~|([-*_])(?:\s*\1){2,}\s*$)")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_BACKTICKED = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_INFO_STRING = re.compile(r"[\w+.-]+")
_SNAKE_HEAD = re.compile(r"[:(]|\s[-–—]\s")


def _clean(text: str) -> str:
    """One line of text: controls removed, whitespace collapsed, no fence-opening backticks."""
    text = _BIDI.sub("", CONTROL.sub(" ", str(text)))  # line breaks and tabs: split() below
    text = " ".join(text.split())
    return _FENCE_RUN.sub("`", text).replace("<!--", "&lt;!--")


# Text that opens with an ordinary English word reads as a sentence ("It's Duende
# IdentityServer 7 …"); text that opens with a tool, a host or a command keeps its case.
_PLAIN_START = re.compile(
    r"(?:it'?s|it|we|our|there|this|that|they|the|a|an|all|every|each|no|only|one|two|if|when|"
    r"daily|weekly|monthly|nightly|logs|alerts|dashboards|docs|runbooks|paging|backups|new|"
    r"people|engineers)(?=\s|$)"  # "logs/app.log" and "backups.sh" are paths: their case stays
)


def sentence(text: str) -> str:
    """``inline``, and read as a sentence in the manual; the details file quotes as said."""
    text = inline(text)
    return text[0].upper() + text[1:] if _PLAIN_START.match(text) else text


def inline(text: str) -> str:
    """Prose after a label or list marker, or a paragraph: never starts a block of its own."""
    text = _clean(text)
    text = _LEADING_NUMBER.sub(r"\1\\\2", text)
    return "\\" + text if _LEADING.match(text) else text


def label(text: str) -> str:
    """Text inside ``**...**``: no asterisks (they would close the bold), no trailing colon."""
    return inline(_clean(text).replace("*", "").rstrip(": "))


def team(text: str) -> str:
    """The team in the header line, whose parts are separated by '·' and wrapped in '*'."""
    return label(text).replace("·", "-") or "Operations Team"


EMPTY_CELL = "—"


def cell(text: str) -> str:
    """A table cell: one line, pipes escaped (the same escaping the linter splits on); a cell
    nobody filled shows a dash, so a reader sees "not given", not a broken row."""
    return escape_cell(_clean(text)) or EMPTY_CELL


def code(text: str) -> str:
    """A line inside the bash block: one line, no backticks (which would end the fence)."""
    return " ".join(_clean(text).replace("`", "").split())


def commands(items: Sequence[str]) -> list[tuple[str, str]]:
    """Split diagnostic items into (command, note) lines for the bash block.

    "`kubectl get pods -n payments` to see restarts" becomes the command plus a ``# note``
    comment; an item without backticks is taken as the command itself; a pasted fenced block
    gives one command per line, without its ``bash`` info string. Only an item's first command
    carries the note, so the comment sits directly above what it explains.
    """
    out: list[tuple[str, str]] = []
    for item in items:
        lines: list[str] = []
        for ticks, body in _BACKTICKED.findall(item):
            found = [line for line in (code(raw) for raw in body.splitlines()) if line]
            if len(ticks) >= 3 and len(found) > 1 and _INFO_STRING.fullmatch(found[0]):
                found = found[1:]
            lines.extend(found)
        if not lines:
            out.append((code(item).removeprefix("$ "), ""))
            continue
        note = code(_BACKTICKED.sub(" ", item)).strip(" :;,.-–—#")
        out.extend(
            (line.removeprefix("$ "), note if i == 0 else "") for i, line in enumerate(lines)
        )
    return out


def _snake(text: str) -> str:
    head = _SNAKE_HEAD.split(text, maxsplit=1)[0]
    ascii_text = unicodedata.normalize("NFKD", head).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    return "_".join(words[:4])


def endpoint(text: str) -> str:
    """The health request as code ("/healthz" -> `GET /healthz`), its mark kept outside;
    a value already written as code ("`GET /a`, `GET /b`") is shown as it is."""
    if "`" in unmark(text):
        return inline(text)
    core = code(unmark(text)).strip("`").strip()
    if core.startswith("/"):
        core = f"GET {core}"
    shown = f"`{core or 'GET /health'}`"
    return f"{shown} {MARK}" if marked(text) else shown


def health_json(checks: Sequence[str], date: dt.date) -> str:
    """The spec's /health response, with one ``"key": "ok"`` per health check.

    Keys are snake_case from the text before any ':' or '(' ("PostgreSQL primary (SELECT 1)"
    -> "postgresql_primary"); json.dumps does the quoting, so no value can break the block.
    """
    keys: dict[str, str] = {}
    for index, check in enumerate(checks, start=1):
        key = _snake(unmark(check)) or f"check_{index}"
        unique, n = key, 2
        while unique in keys:
            unique, n = f"{key}_{n}", n + 1
        keys[unique] = "ok"
    body = {"status": HEALTH_STATUS, "timestamp": f"{date.isoformat()}T00:00:00Z", "checks": keys}
    return json.dumps(body, indent=2, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class BudgetedManual:
    """A rendered manual plus what the condenser did to get it there."""

    markdown: str
    word_count: int
    values: dict[str, Value]  # the values as rendered, after any condensing
    condensed: tuple[str, ...]  # slot ids whose text was shortened to fit
    max_words: int
    replaced: tuple[str, ...] = ()  # slot ids swapped for their short proposal (huge drafts)

    @property
    def within_budget(self) -> bool:
        return self.word_count <= self.max_words


GAP = 8  # a fitted manual this close under the limit is as good as it gets


def _has_marks(values: dict[str, Value]) -> bool:
    return any(marked(text) for value in values.values() for text in value_texts(value))


def _worst(current: dict[str, Value], fallback: dict[str, Value], done: list[str]) -> str | None:
    """The slot whose proposal would save the most words, or None when none would."""
    gains = {
        s: value_words(current[s]) - value_words(fallback[s])
        for s in current
        if s in fallback and s not in done
    }
    best = max(gains, key=lambda s: gains[s], default=None)
    return best if best is not None and gains[best] > 0 else None


def _one_word(slot_def: Slot) -> Value:
    count = slot_def.exact_items or max(1, slot_def.min_items)
    if slot_def.kind is SlotKind.TABLE:
        return [dict.fromkeys(slot_def.columns, "x") for _ in range(count)]
    return ["x"] * count if slot_def.kind is SlotKind.ITEMS else "x"


class Renderer:
    """One Jinja2 environment and its compiled template; build once, render many times."""

    def __init__(self, *, template_dir: Path | None = None) -> None:
        loader = (
            FileSystemLoader(template_dir)
            if template_dir is not None
            else PackageLoader("bot.rendering", "templates")
        )
        # Markdown, not HTML: autoescape would litter the manual with &amp;. Every user value
        # passes a context-aware filter instead (inline, label, cell, code).
        env = Environment(
            loader=loader,
            autoescape=False,  # noqa: S701
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(
            inline=sentence,  # the manual reads as sentences; details.py quotes as said
            label=label,
            team=team,
            cell=cell,
            code=code,
            commands=commands,
            health_json=health_json,
            endpoint=endpoint,
        )
        env.tests["marked"] = marked
        env.globals.update(
            MARK=MARK,
            S={section.number: section.heading for section in OUTLINE},
            H={sub.number: sub.heading for section in OUTLINE for sub in section.subsections},
            COLUMNS={
                sub.number: sub.table_columns
                for section in OUTLINE
                for sub in section.subsections
                if sub.table_columns
            },
        )
        self._template = env.get_template(TEMPLATE_NAME)

    def render_content(self, content: ManualContent, *, legend: bool = False) -> str:
        """The manual exactly as the template renders it (no word-budget handling); with
        ``legend``, the line that explains the proposal mark sits under the header."""
        text = self._template.render(c=content, legend=LEGEND if legend else "")
        # Block tags leave uneven blank lines; Markdown only needs one between blocks, and no
        # user value can contain a newline, so this cannot alter anyone's text.
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

    def render_budgeted(
        self,
        *,
        name: str,
        values: dict[str, Value],
        version: int,
        date: dt.date,
        team: str,
        max_words: int = MAX_WORDS,
        max_passes: int = 6,
        condenser: CondenseHook | None = None,
        machine: frozenset[str] = frozenset(),
        fallback: dict[str, Value] | None = None,
    ) -> BudgetedManual:
        """Render, and when over ``max_words`` fit the values into the words left (``fit``).

        An optional condenser (Claude) rewrites first; the deterministic fitter always runs
        after it, so the manual fits whatever the condenser returns. Rows and list markers add
        words of their own, so each pass measures the real count and asks the fitter for the
        overshoot. A draft so large that even every floor is too long has its worst parts
        swapped for ``fallback`` (short proposals, marked as such) until it fits. Raises
        MissingSlotsError when a slot has no value: fill defaults first.
        """
        machine_now = set(machine)

        def build(current: dict[str, Value]) -> tuple[str, int]:
            content = content_from_values(
                name=name, values=current, version=version, date=date, team=team
            )
            markdown = self.render_content(content, legend=_has_marks(current))
            return markdown, count_words(markdown)

        current = dict(values)
        markdown, words = build(current)
        if words > max_words and condenser is not None:
            shorter = condenser(current, words - max_words) or {}
            if any(shorter.get(s, current[s]) != current[s] for s in current):
                current = {s: shorter.get(s, v) for s, v in current.items()}
                markdown, words = build(current)
        if words > max_words:
            own = sum(value_words(v) for v in current.values())
            available = max_words - (words - own)
            best: tuple[str, int, dict[str, Value]] | None = None
            tried: set[int] = set()
            ladders = ladders_of(current)
            for _ in range(max_passes):
                tried.add(available)
                fitted = fit_values(
                    current, available=available, machine=frozenset(machine_now), ladders=ladders
                )
                text, count = build(fitted.values)
                if count <= max_words and (best is None or count > best[1]):
                    best = (text, count, fitted.values)
                # Rows dropped and bullets left out change the template's own words, so the
                # room is measured again: too long gives words back, too short takes them.
                step = max_words - count
                if 0 <= step <= GAP or available + step in tried:  # fits, and close enough
                    break
                available += step if step < 0 else max(1, step // 2)
            if best is not None:
                markdown, words, current = best
            else:
                markdown, words, current = text, count, fitted.values
        swapped: list[str] = []
        while words > max_words and fallback:
            slot_id = _worst(current, fallback, swapped)
            if slot_id is None:
                break
            swapped.append(slot_id)
            machine_now.add(slot_id)
            current[slot_id] = fallback[slot_id]
            fitted = fit_values(
                current,
                available=max_words - (words - sum(value_words(v) for v in current.values())),
                machine=frozenset(machine_now),
            )
            markdown, words = build(fitted.values)
            if words <= max_words:
                current = fitted.values
                break
        changed = tuple(s for s in values if s in current and current[s] != values[s])
        return BudgetedManual(markdown, words, current, changed, max_words, tuple(swapped))

    def template_overhead(self) -> int:
        """Words the template itself adds (headings, labels, table headers, fixed steps).

        Measured by rendering one-word values, so it tracks the template as it changes:
        ``MAX_WORDS - template_overhead()`` is what all slot values together may use.
        """
        values = {s.id: _one_word(s) for s in SLOTS}
        content = content_from_values(
            name="x", values=values, version=1, date=dt.date(2000, 1, 1), team="x"
        )
        own_words = sum(value_words(v) for v in values.values()) + 2  # + name and team
        return count_words(self.render_content(content)) - own_words

    def render(
        self,
        *,
        name: str,
        values: dict[str, Value],
        version: int,
        date: dt.date,
        team: str,
        max_words: int = MAX_WORDS,
        condenser: CondenseHook | None = None,
        machine: frozenset[str] = frozenset(),
        fallback: dict[str, Value] | None = None,
    ) -> str:
        """Slot values to finished Markdown, condensed to the word budget where possible."""
        return self.render_budgeted(
            name=name,
            values=values,
            version=version,
            date=date,
            team=team,
            max_words=max_words,
            condenser=condenser,
            machine=machine,
            fallback=fallback,
        ).markdown
